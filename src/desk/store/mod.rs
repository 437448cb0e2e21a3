//! The desk's SQL: its journal file, and what its replica holds beyond a hub's database.

pub mod journal;
pub mod registry;
pub mod replica;
pub mod resolutions;

/// The desk's journal file, beside its replica in the data folder.
pub fn journal_path(data: &std::path::Path) -> std::path::PathBuf {
    data.join("desk.db")
}
