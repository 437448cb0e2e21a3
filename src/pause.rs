//! A test hook for crash tests (research/sync.md §13.3): started with `COURTSIDE_PAUSE_AT=<point>`,
//! the process stops for good when it reaches that point, after printing `paused at <point>` on
//! standard output, so a test can kill it with -9 exactly there. Without the variable a point
//! costs one comparison.

use std::io::Write;
use std::sync::OnceLock;

static AT: OnceLock<Option<String>> = OnceLock::new();

/// Stops here for good if this is the point the process was started to pause at.
pub fn at(point: &str) {
    if AT.get_or_init(|| std::env::var("COURTSIDE_PAUSE_AT").ok()).as_deref() != Some(point) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "paused at {point}");
    let _ = out.flush();
    loop {
        std::thread::park();
    }
}
