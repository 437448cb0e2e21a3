//! The demo club's coaches: staff accounts with a coach's profile, whose lessons the weekly
//! series then name.

use uuid::Uuid;

use super::{name, run};
use crate::app::App;
use crate::auth::commands::CreateStaffUser;
use crate::coaching::commands::{ApprovePay, SaveCoach};
use crate::coaching::model::{CoachDraft, PALETTE};
use crate::commands::AnyCommand;
use crate::core::Role;

/// About one coach for every court and a bit, at most ten.
pub fn how_many(courts: usize) -> usize {
    (courts * 5 / 6).clamp(1, 10)
}

/// `n` coaches (accounts `coach1`, `coach2`… that must choose a password before they sign in);
/// their ids.
pub fn make(app: &App, rng: &mut fastrand::Rng, russian: bool, n: usize) -> anyhow::Result<Vec<String>> {
    // One throwaway password for all: nobody knows it, and each account must set its own.
    let hash = crate::auth::password::hash(&crate::auth::tokens::new_secret())?;
    let mut ids = Vec::new();
    for i in 0..n {
        let id = Uuid::now_v7().to_string();
        let display = name(rng, russian);
        let account = CreateStaffUser {
            user_id: id.clone(),
            username: format!("coach{}", i + 1),
            display_name: display.clone(),
            role: Role::Coach,
            locale: None,
            password_hash: hash.clone(),
            must_change_password: true,
        };
        if !run(app, AnyCommand::CreateStaffUser(account))? {
            continue;
        }
        let coach = CoachDraft {
            name: display,
            colour: PALETTE[i % PALETTE.len()].to_owned(),
            lesson_fee: super::rub(app, 1000 + 500 * rng.i64(0..4))?,
            pay_per_hour: super::rub(app, 800 + 200 * rng.i64(0..4))?,
            pay_model: Default::default(),
            // Every other coach is paid less an hour for a group than for a lesson.
            group_rate: if i % 2 == 1 { Some(super::rub(app, 600)?) } else { None },
            works: Default::default(),
            active: true,
        };
        if run(app, AnyCommand::SaveCoach(SaveCoach { coach_id: id.clone(), coach }))? {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The manager has approved each coach's pay for the week to yesterday.
pub fn approve_last_week(app: &App, coaches: &[String], today: jiff::civil::Date) -> anyhow::Result<()> {
    let last_day = today.yesterday()?;
    let first_day = last_day.checked_sub(jiff::Span::new().days(6))?;
    for coach_id in coaches {
        let approval_id = Uuid::now_v7().to_string();
        let cmd = ApprovePay { approval_id, coach_id: coach_id.clone(), first_day, last_day };
        run(app, AnyCommand::ApprovePay(cmd))?;
    }
    Ok(())
}
