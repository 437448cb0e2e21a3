//! The waiting list: members wait for a taken court time, and when it comes free the first in
//! line is offered it by SMS and holds it for a while, then the next. Used by the portal and
//! the desk.

pub mod commands;
pub mod model;
pub mod store;
