//! The audit page: every command, who issued it, when, from where, and what came of it.

pub mod web;
