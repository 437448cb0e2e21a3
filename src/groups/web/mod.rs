//! Groups' pages: the list (`/groups`), a group's form (managers, `form`), a group's page with
//! its roster and sessions (`group`), and a session's journal (`session`). The desk runs the
//! roster; a coach sees their own groups and keeps their journals, on a phone too.

mod form;
mod group;
mod session;

use askama::Template;
use rocket::{Route, State, get, routes};

use super::store::Group;
use crate::app::App;
use crate::error::AppError;
use crate::web::guards::{SessionInfo, Staff};
use crate::web::page::{Html, PageCtx, ok};

pub(super) async fn group_or_404(app: &App, id: &str) -> Result<Group, AppError> {
    let id = id.to_owned();
    app.db.read(move |c| Ok(super::store::group(c, &id)?)).await?.ok_or(AppError::NotFound)
}

/// Whether `s` may see group `g`: the desk and up, or the group's own coach. Anyone else is
/// told it does not exist.
pub(super) fn may_see(s: &SessionInfo, g: &Group) -> Result<(), AppError> {
    if s.user.role >= crate::core::Role::Reception || s.user.id == g.draft.coach_id {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "groups/list.html")]
struct ListPage {
    ctx: PageCtx,
    groups: Vec<Group>,
}

/// "5 of 8": a group's enrolled members of its places.
pub(super) fn fullness(ctx: &PageCtx, g: &Group) -> String {
    let (enrolled, capacity) = (g.enrolled.to_string(), g.draft.capacity.to_string());
    crate::i18n::tr_args(ctx.locale, "group-enrolled-of", &[("enrolled", &enrolled), ("capacity", &capacity)])
}

impl ListPage {
    fn fullness(&self, g: &Group) -> String {
        fullness(&self.ctx, g)
    }

    fn model(&self, g: &Group) -> String {
        let label = self.ctx.t(&format!("group-model-{}", g.draft.price_model.as_str()));
        if g.draft.price > 0 { format!("{label}, {}", self.ctx.money(g.draft.price)) } else { label }
    }
}

/// Every group for the desk; a coach's own groups for a coach.
#[get("/groups")]
async fn list(s: Staff, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let only = (s.0.user.role < crate::core::Role::Reception).then(|| s.0.user.id.clone());
    let groups = app.db.read(move |c| Ok(super::store::groups(c, only.as_deref())?)).await?;
    ok(&ListPage { ctx, groups })
}

pub fn routes() -> Vec<Route> {
    routes![
        list,
        form::new_page,
        form::create,
        form::edit_page,
        form::update,
        group::page,
        group::enrol,
        group::leave,
        group::move_member,
        group::extra,
        session::page,
        session::mark,
        session::cancel,
    ]
}
