//! Bounds password hashing done for requests. Every argon2 run holds megabytes for its whole
//! length, so unbounded concurrent logins would exhaust a Pi's memory: at most `permits` hashes
//! run at once, one client address has at most one in flight, and a request that cannot get a
//! turn soon is answered "busy" (with Retry-After) instead of queueing without end.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Busy {
    /// This client already has a hash running: answer 429.
    #[error("a password check from this address is still running")]
    Client,
    /// Every turn is taken for longer than the wait: answer 503.
    #[error("every password-check turn is taken")]
    Server,
}

impl Busy {
    /// Seconds to tell the client to wait before trying again.
    pub fn retry_after(self) -> u64 {
        match self {
            Busy::Client => 1,
            Busy::Server => 2,
        }
    }
}

pub struct HashGate {
    permits: Arc<Semaphore>,
    running: Arc<Mutex<HashSet<String>>>,
    wait: Duration,
}

impl Default for HashGate {
    /// Two at a time (one on a single-core machine), waiting at most two seconds for a turn.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        HashGate::new(cores.clamp(1, 2), Duration::from_secs(2))
    }
}

/// Marks a client's hash as running until dropped, together with the turn it holds. Both move
/// into the blocking task, so a request abandoned by its client still counts until the hash ends.
struct Turn {
    client: String,
    running: Arc<Mutex<HashSet<String>>>,
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.running.lock().expect("gate lock").remove(&self.client);
    }
}

impl HashGate {
    pub fn new(permits: usize, wait: Duration) -> Self {
        HashGate { permits: Arc::new(Semaphore::new(permits)), running: Arc::default(), wait }
    }

    /// Runs `work` (a hash or a verification) on the blocking pool when a turn is free.
    pub async fn run<T: Send + 'static>(
        &self,
        client: &str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        if !self.running.lock().expect("gate lock").insert(client.to_owned()) {
            return Err(Busy::Client);
        }
        let mut turn = Turn { client: client.to_owned(), running: self.running.clone(), _permit: None };
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await;
        turn._permit = Some(permit.map_err(|_| Busy::Server)?.expect("the gate's semaphore is never closed"));
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(turn);
            // A hash's memory (9 MiB) goes back now: this thread may not allocate again for long.
            crate::memory::give_back();
            out
        })
        .await
        .map_err(|e| if e.is_panic() { std::panic::resume_unwind(e.into_panic()) } else { Busy::Server })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_client_runs_one_hash_at_a_time_and_others_wait_their_turn() {
        let gate = Arc::new(HashGate::new(1, Duration::from_millis(300)));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let slow = {
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.run("10.0.0.1", move || {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    "done"
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap()).await.unwrap();
        assert_eq!(gate.run("10.0.0.1", || ()).await, Err(Busy::Client), "the same address waits for its first");
        assert_eq!(gate.run("10.0.0.2", || ()).await, Err(Busy::Server), "no turn frees within the wait");
        release_tx.send(()).unwrap();
        assert_eq!(slow.await.unwrap(), Ok("done"));
        assert_eq!(gate.run("10.0.0.1", || 7).await, Ok(7), "a finished hash frees the address and the turn");
        assert_eq!(gate.run("10.0.0.2", || 8).await, Ok(8));
    }
}
