//! Giving freed memory back to the system. Both allocators in the process keep what was freed
//! for reuse: mimalloc (Rust's allocations) purges only when the thread that freed it allocates
//! again, so an idle server, or a blocking thread that ran one argon2 hash and ended, holds on to
//! it; glibc (SQLite's allocations) keeps its per-thread arenas. On a Pi with 512 MB that is
//! memory another program needs: a login gives its hash's 9 MiB back at once, and every few
//! seconds the rest goes back (tests/cli/memory.rs measures it).
#![allow(unsafe_code)]

use std::time::Duration;

/// How often freed memory is given back while the server runs.
const EVERY: Duration = Duration::from_secs(5);

/// Returns the memory both allocators hold free to the system. Costs well under a millisecond
/// for this server's heap.
pub fn give_back() {
    // SAFETY: mi_collect takes no pointers and may run on any thread at any time; it frees
    // only pages with no live blocks.
    unsafe { libmimalloc_sys::mi_collect(true) };
    // SAFETY: malloc_trim takes no pointers and only returns glibc's free pages.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Gives freed memory back every few seconds, on a blocking thread (a trim walks the heap).
pub fn spawn_giving_back() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let _ = tokio::task::spawn_blocking(give_back).await;
        }
    });
}
