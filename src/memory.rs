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

/// mimalloc.h's `mi_option_purge_delay` (15 in both its v2 and v3; the -sys crate names no
/// constant for it). The test below checks it still reads the built-in default (1000 ms in v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets both allocators up to hold little free memory; called first thing, before any thread
/// allocates. mimalloc gives a freed page back at once instead of a second later, at the next
/// allocation on the same thread (which an idle thread never makes); glibc keeps to two arenas
/// instead of up to eight per core, each blocking thread that runs a query otherwise filling one
/// of its own. Memory test, 60 s of load: peak 77 → 52 MiB, 49.8 → 40.7 MiB after a quiet minute.
pub fn configure() {
    // SAFETY: mi_option_set takes no pointers and may be called at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    // SAFETY: mallopt takes no pointers; called before other threads exist.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_mimalloc_documents() {
        // SAFETY: reads an option; no pointers. Its default is 1000 ms in v3 (options.c).
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert!(delay == 1000 || delay == 0, "option 15 reads {delay}: not the purge delay");
    }
}
