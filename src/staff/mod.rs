//! Staff management pages (owner and managers): accounts, roles, passwords, API tokens.
//! The rules live in `auth`; this area is the screens over them.

pub mod web;
