//! Campaign commands: create one (checked and resolved by `plan`, which the preview runs dry),
//! cancel one, and keep scheduled ones at their wall-clock time when the club's zone changes.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::check_text;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::sms::audience::{self, Audience};
use crate::sms::model::{self, Kind};
use crate::sms::store::{self, NewMessage};

/// A campaign scheduled for "Friday 10:00" still goes out at 10:00 on the club's clock after
/// the club's zone is corrected.
pub fn keep_campaign_times(
    ctx: &Ctx<'_>,
    from: &jiff::tz::TimeZone,
    to: &jiff::tz::TimeZone,
) -> Result<(), CommandError> {
    for (id, send_at) in store::waiting_campaigns(ctx.tx, ctx.now)? {
        let moved = crate::club::model::same_wall_clock(send_at, from, to).max(ctx.now);
        store::reschedule_campaign(ctx.tx, &id, moved, ctx.now)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateCampaign {
    pub campaign_id: String,
    pub name: String,
    pub text: String,
    pub audience: Audience,
    /// None: now.
    pub send_at: Option<Timestamp>,
}

/// A campaign as it would go out: who gets it and when. What a preview shows and what the
/// confirmation names.
pub struct CampaignPlan {
    pub send_at: Timestamp,
    pub resolved: audience::Resolved,
}

impl CreateCampaign {
    /// Checks the campaign and resolves its audience, writing nothing: the preview's dry run
    /// and the first half of `apply`.
    pub fn plan(&self, ctx: &Ctx<'_>) -> Result<CampaignPlan, CommandError> {
        require(ctx.actor, Role::Manager)?;
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Rejection::new("sms-campaign-name-required").on("name").into());
        }
        check_text(&self.text, "text")?;
        if let Some(word) = model::unknown_variable(&self.text).filter(|w| w != "name" && w != "club") {
            return Err(Rejection::new("sms-template-variable").on("text").arg("name", word).into());
        }
        let send_at = self.send_at.unwrap_or(ctx.now).max(ctx.now);
        if send_at > ctx.now + SignedDuration::from_hours(24 * 60) {
            return Err(Rejection::new("sms-send-at-range").on("send_at").into());
        }
        let region = crate::club::store::settings(ctx.tx)?.map_or_else(|| "RU".into(), |(_, c)| c.phone_region);
        let tz = crate::club::store::time_zone(ctx.tx)?;
        if let Audience::Category { category_id } = &self.audience
            && !crate::members::store::category_exists(ctx.tx, category_id)?
        {
            return Err(Rejection::new("category-not-found").on("category_id").into());
        }
        let resolved = audience::resolve(ctx.tx, &self.audience, &region, &tz)?;
        if resolved.recipients.is_empty() {
            return Err(Rejection::new("sms-campaign-no-recipients").on("audience").into());
        }
        Ok(CampaignPlan { send_at, resolved })
    }

    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let CampaignPlan { send_at, resolved } = self.plan(ctx)?;
        crate::core::id_is_new(store::campaign(ctx.tx, &self.campaign_id)?)?;
        let name = self.name.trim();
        let club_name = crate::club::store::settings(ctx.tx)?.map(|(_, c)| c.name).unwrap_or_default();
        let personal = self.text.contains("{name}") || self.text.contains("{club}");
        let plain = self.text.trim().to_owned();
        let plain_parts = model::segments(&plain).parts as i64;
        // Message ids follow from the campaign id, so a replay writes the same rows.
        let base = uuid::Uuid::parse_str(&self.campaign_id).map_err(|_| Rejection::new("id-invalid"))?;
        for (i, r) in resolved.recipients.iter().enumerate() {
            let (body, parts) = if personal {
                let vars = model::Vars {
                    name: r.name.split_whitespace().next().unwrap_or("").to_owned(),
                    club: club_name.clone(),
                    ..model::Vars::default()
                };
                let body = model::fill(&plain, &vars);
                let parts = model::segments(&body).parts as i64;
                (body, parts)
            } else {
                (plain.clone(), plain_parts)
            };
            let id = uuid::Uuid::new_v5(&base, &(i as u64).to_be_bytes()).to_string();
            store::insert_message(
                ctx.tx,
                &NewMessage {
                    id: &id,
                    member_id: r.member_id.as_deref(),
                    phone: &r.phone,
                    body: &body,
                    segments: parts,
                    kind: Kind::Campaign,
                    campaign_id: Some(&self.campaign_id),
                    booking_id: None,
                    not_before: send_at,
                    deadline: None,
                },
                ctx.now,
            )?;
        }
        store::insert_campaign(
            ctx.tx,
            &store::Campaign {
                id: self.campaign_id.clone(),
                name: name.to_owned(),
                body: plain,
                audience: serde_json::to_string(&self.audience).map_err(anyhow::Error::from)?,
                status: if send_at > ctx.now { "scheduled".into() } else { "sending".into() },
                send_at,
                recipients: resolved.recipients.len() as i64,
                created_by: ctx.actor.display_name(),
                created_at: ctx.now,
            },
        )?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{}: {} chars", self.name, self.text.chars().count())
    }
}

/// Stops a campaign: messages that have not left are cancelled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CancelCampaign {
    pub campaign_id: String,
}

impl CancelCampaign {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        store::campaign(ctx.tx, &self.campaign_id)?.ok_or_else(|| Rejection::new("sms-campaign-not-found"))?;
        let ids = store::pending_ids_of_campaign(ctx.tx, &self.campaign_id)?;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        store::cancel_pending(ctx.tx, &refs, "campaign-cancelled", ctx.now)?;
        store::set_campaign_status(ctx.tx, &self.campaign_id, "cancelled")?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.campaign_id.clone()
    }
}
