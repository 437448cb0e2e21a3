//! The desk's SQL: its journal file, and what its replica holds beyond a hub's database.

pub mod journal;
pub mod replica;
