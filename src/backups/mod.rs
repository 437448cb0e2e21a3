//! The Backups page (owner): the backups that exist, their size, and a download of each.

pub mod web;
