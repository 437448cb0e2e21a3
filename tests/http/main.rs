//! HTTP integration tests against the real application on a temporary data folder.

mod fake_sms;
mod support;

mod api;
mod api_club;
mod auth_flow;
mod bookings;
mod club_settings;
mod coaching;
mod courts;
mod dashboard;
mod groups;
mod idempotency;
mod jobs;
mod limits;
mod members;
mod money;
mod passes;
mod payments;
mod portal;
mod portal_booking;
mod portal_calendar;
mod portal_options;
mod portal_security;
mod portal_waitlist;
mod portal_widget;
mod reports;
mod roles;
mod security;
mod sms;
mod write_path;
