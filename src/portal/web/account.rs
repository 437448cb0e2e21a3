//! The player's money: balance, the latest entries of their account, and their passes.

use askama::Template;
use rocket::{State, get};

use super::PortalCtx;
use crate::app::App;
use crate::error::AppError;
use crate::passes::model::State as PassState;
use crate::passes::store::StoredPass;
use crate::payments::store::Entry;
use crate::web::guards::Player;
use crate::web::page::{Html, ok};

/// Entries listed; the desk prints the whole statement.
const ENTRIES: i64 = 30;

#[derive(Template)]
#[template(path = "portal/account.html")]
struct AccountPage {
    ctx: PortalCtx,
    balance: i64,
    entries: Vec<Entry>,
    passes: Vec<StoredPass>,
    has_password: bool,
    command_id: String,
}

impl AccountPage {
    fn when(&self, e: &Entry) -> String {
        crate::i18n::datetime(self.ctx.locale, e.at, &self.ctx.tz)
    }

    fn what(&self, e: &Entry) -> String {
        self.ctx.t(&format!("entry-{}", e.kind))
    }

    fn left(&self, p: &StoredPass) -> String {
        crate::passes::labels::remaining_in(self.ctx.locale, &self.ctx.club.currency, &p.pass)
    }

    fn until(&self, p: &StoredPass) -> String {
        self.ctx.ta("portal-pass-until", "date", self.ctx.date(p.pass.valid_until))
    }
}

#[get("/account")]
pub(super) async fn account(p: Player, ctx: PortalCtx, app: &State<App>) -> Result<Html, AppError> {
    let member = p.0.member_id.clone();
    let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
    let (balance, entries, passes, has_password) = app
        .db
        .read(move |c| {
            let passes = crate::passes::store::member_passes(c, &member)?
                .into_iter()
                .filter(|p| {
                    matches!(p.pass.state(today), PassState::Active | PassState::NotStarted | PassState::Frozen)
                })
                .collect();
            Ok((
                crate::payments::store::balance(c, &member)?,
                crate::payments::store::latest_entries(c, &member, ENTRIES)?,
                passes,
                crate::portal::store::password_hash(c, &member)?.is_some(),
            ))
        })
        .await?;
    ok(&AccountPage { ctx, balance, entries, passes, has_password, command_id: crate::web::forms::fresh_id() })
}
