//! Commands that change members, their categories and family links.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::model::{MemberDraft, Problems, normalize_phone};
use super::store::{self, Member};
use crate::core::{CommandError, Ctx, Rejection, Role, require};

fn first_problem(problems: Problems) -> CommandError {
    let (field, code) = problems[0];
    Rejection::new(code).on(field).into()
}

fn club_today(ctx: &Ctx<'_>) -> Result<(Date, String), CommandError> {
    let club = crate::club::store::settings(ctx.tx)?.map(|(_, s)| s);
    let tz = club.as_ref().and_then(|c| jiff::tz::TimeZone::get(&c.time_zone).ok()).unwrap_or(jiff::tz::TimeZone::UTC);
    let region = club.map_or_else(|| "RU".to_owned(), |c| c.phone_region);
    Ok((ctx.now.to_zoned_datetime(tz).date(), region))
}

fn found(ctx: &Ctx<'_>, id: &str) -> Result<Member, CommandError> {
    Ok(store::member(ctx.tx, id)?.ok_or_else(|| Rejection::new("member-not-found"))?)
}

/// Validates a draft and returns its phone in E.164. For an active member (`active_id`, or a
/// new one) the phone must not belong to another active member; an archived member may keep a
/// number someone else has taken since.
fn checked(
    ctx: &Ctx<'_>,
    draft: &MemberDraft,
    active_id: Option<&str>,
    active: bool,
) -> Result<Option<String>, CommandError> {
    let (today, region) = club_today(ctx)?;
    draft.validate(today).map_err(first_problem)?;
    let phone = normalize_phone(&draft.phone, &region).map_err(|code| Rejection::new(code).on("phone"))?;
    if let Some(p) = phone.as_deref().filter(|_| active)
        && let Some(other) = store::active_by_phone(ctx.tx, p)?.filter(|o| Some(o.id.as_str()) != active_id)
    {
        return Err(phone_taken(&other));
    }
    if let Some(cat) = &draft.category_id
        && !store::category_exists(ctx.tx, cat)?
    {
        return Err(Rejection::new("category-not-found").on("category_id").into());
    }
    Ok(phone)
}

fn phone_taken(other: &Member) -> CommandError {
    Rejection::new("phone-taken").on("phone").arg("name", &other.full_name).arg("card", other.card_no).into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateMember {
    pub member_id: String,
    pub member: MemberDraft,
}

impl CreateMember {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        self.add(ctx)
    }

    /// Everything but who may: for commands that check that themselves (a visitor signing up
    /// on the portal as a guest).
    pub fn add(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let draft = self.member.clone().tidy();
        let phone = checked(ctx, &draft, None, true)?;
        crate::core::id_is_new(store::member(ctx.tx, &self.member_id)?)?;
        // Card numbers are the hub's to give: the next free one.
        let card = store::next_card_no(ctx.tx)?;
        store::insert(ctx.tx, &self.member_id, card, &draft, phone.as_deref(), ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.member.full_name.clone()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateMember {
    pub member_id: String,
    pub member: MemberDraft,
}

impl UpdateMember {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let current = found(ctx, &self.member_id)?;
        let draft = self.member.clone().tidy();
        let phone = checked(ctx, &draft, Some(&current.id), !current.archived)?;
        store::update(ctx.tx, &current.id, &draft, phone.as_deref(), ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.member.full_name.clone()
    }
}

/// Archives a member (kept with their history, hidden from search), or brings one back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetMemberArchived {
    pub member_id: String,
    pub archived: bool,
}

impl SetMemberArchived {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let m = found(ctx, &self.member_id)?;
        if m.archived == self.archived {
            return Ok(());
        }
        if !self.archived {
            if m.merged_into.is_some() {
                return Err(Rejection::new("member-merged").into());
            }
            if let Some(other) = m.phone.as_deref().map(|p| store::active_by_phone(ctx.tx, p)).transpose()?.flatten() {
                return Err(phone_taken(&other));
            }
        }
        store::set_archived(ctx.tx, &m.id, self.archived, None, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} archived={}", self.member_id, self.archived)
    }
}

/// Deletes a member entered by mistake. One with any history is archived instead, so nothing
/// that happened is lost; the outcome tells which.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteMember {
    pub member_id: String,
}

impl DeleteMember {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let m = found(ctx, &self.member_id)?;
        if super::history::has_history(ctx.tx, &m.id)? {
            return Err(Rejection::new("member-has-history").arg("name", &m.full_name).into());
        }
        store::delete(ctx.tx, &m.id)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.member_id.clone()
    }
}

/// Folds a duplicate into the member to keep: history and family move over, empty fields of
/// the kept member are filled from the duplicate, and the duplicate is archived as merged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MergeMembers {
    pub keep_id: String,
    pub merge_id: String,
}

impl MergeMembers {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        if self.keep_id == self.merge_id {
            return Err(Rejection::new("merge-same").into());
        }
        let keep = found(ctx, &self.keep_id)?;
        let dup = found(ctx, &self.merge_id)?;
        if dup.merged_into.is_some() || keep.merged_into.is_some() {
            return Err(Rejection::new("member-merged").into());
        }
        super::history::move_history(ctx.tx, &dup.id, &keep.id, ctx.now)?;
        store::move_links(ctx.tx, &dup.id, &keep.id)?;
        store::set_archived(ctx.tx, &dup.id, true, Some(&keep.id), ctx.now)?;
        let pick = |a: &str, b: &str| if a.is_empty() { b.to_owned() } else { a.to_owned() };
        let mut tags = keep.tags.clone();
        tags.extend(dup.tags.iter().cloned());
        let notes = match (keep.notes.is_empty(), dup.notes.is_empty()) {
            (_, true) => keep.notes.clone(),
            (true, false) => dup.notes.clone(),
            (false, false) => format!("{}\n{}", keep.notes, dup.notes),
        };
        let merged = MemberDraft {
            full_name: keep.full_name.clone(),
            phone: keep.phone.clone().or(dup.phone.clone()).unwrap_or_default(),
            email: pick(&keep.email, &dup.email),
            birth_date: keep.birth_date.or(dup.birth_date),
            category_id: keep.category_id.clone().or(dup.category_id.clone()),
            tags,
            notes: notes.chars().take(2000).collect(),
            sms_consent: keep.sms_consent || dup.sms_consent,
        }
        .tidy();
        let phone = merged.phone.clone();
        store::update(ctx.tx, &keep.id, &merged, Some(phone.as_str()).filter(|p| !p.is_empty()), ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} → {}", self.merge_id, self.keep_id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinkFamily {
    pub link_id: String,
    pub guardian_id: String,
    pub child_id: String,
}

impl LinkFamily {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        if self.guardian_id == self.child_id {
            return Err(Rejection::new("link-self").on("card").into());
        }
        found(ctx, &self.guardian_id)?;
        found(ctx, &self.child_id)?;
        if store::link_exists(ctx.tx, &self.guardian_id, &self.child_id)? {
            return Err(Rejection::new("link-exists").on("card").into());
        }
        store::insert_link(ctx.tx, &self.link_id, &self.guardian_id, &self.child_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} guardian of {}", self.guardian_id, self.child_id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnlinkFamily {
    pub link_id: String,
}

impl UnlinkFamily {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        if store::delete_link(ctx.tx, &self.link_id)? == 0 {
            return Err(Rejection::new("link-not-found").into());
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.link_id.clone()
    }
}

fn category_name(name: &str) -> Result<String, Rejection> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err(Rejection::new("category-name-required").on("name")),
        41.. => Err(Rejection::new("category-name-too-long").on("name")),
        _ => Ok(name),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateCategory {
    pub category_id: String,
    pub name: String,
}

impl CreateCategory {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let name = category_name(&self.name)?;
        if let Some((_, existing)) = store::category_by_name(ctx.tx, &name)? {
            return Err(Rejection::new("category-taken").on("name").arg("name", existing).into());
        }
        store::insert_category(ctx.tx, &self.category_id, &name, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.name.clone()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateCategory {
    pub category_id: String,
    pub name: String,
    pub active: bool,
}

impl UpdateCategory {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let name = category_name(&self.name)?;
        if let Some((_, existing)) = store::category_by_name(ctx.tx, &name)?.filter(|(id, _)| *id != self.category_id) {
            return Err(Rejection::new("category-taken").on("name").arg("name", existing).into());
        }
        if store::update_category(ctx.tx, &self.category_id, &name, self.active)? == 0 {
            return Err(Rejection::new("category-not-found").into());
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{}{}", self.name, if self.active { "" } else { " (inactive)" })
    }
}

/// One row of a confirmed import.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportedMember {
    pub line: usize,
    pub member_id: String,
    pub member: MemberDraft,
}

/// Adds the rows of an import that the preview showed as good, all or none: if any row fails
/// now (say its phone was taken since the preview), nothing is written and the row is named.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportMembers {
    pub rows: Vec<ImportedMember>,
}

impl ImportMembers {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        if self.rows.is_empty() {
            return Err(Rejection::new("import-nothing").into());
        }
        for row in &self.rows {
            let create = CreateMember { member_id: row.member_id.clone(), member: row.member.clone() };
            create.apply(ctx).map_err(|e| match e {
                CommandError::Rejected(mut r) => {
                    r.args.push(("line".into(), row.line.to_string()));
                    r.field = Some("import".into());
                    CommandError::Rejected(r)
                }
                other => other,
            })?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} members", self.rows.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::testing::{TestDb, id, member_draft};

    #[test]
    fn a_phone_is_stored_in_e164_and_belongs_to_one_active_member() {
        let mut db = TestDb::new();
        let anna = db.member("Anna Smith", "8 916 123-45-67");
        let stored = store::member(&db.conn, &anna).unwrap().unwrap();
        assert_eq!(stored.phone.as_deref(), Some("+79161234567"));
        let twin = db.refused(AnyCommand::CreateMember(CreateMember {
            member_id: id(),
            member: member_draft("Anna S.", "+7 916 123 45 67"),
        }));
        assert_eq!((twin.code.as_str(), twin.field.as_deref()), ("phone-taken", Some("phone")));
        let nameless =
            db.refused(AnyCommand::CreateMember(CreateMember { member_id: id(), member: member_draft("", "") }));
        assert_eq!(nameless.field.as_deref(), Some("full_name"));
    }
}
