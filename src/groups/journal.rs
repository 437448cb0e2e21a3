//! A session's journal: who came, who missed it (with notice or without), who came to try. A
//! mark charges the visit by the group's price model, and changing a mark undoes what the old
//! one charged, so a form sent twice, or corrected, charges each visit once.

use jiff::ToSpan;
use serde::{Deserialize, Serialize};

use super::commands::session_of;
use super::model::{Mark, PriceModel};
use super::store::{self, Group, NewVisit, Visit};
use crate::bookings::model::LocalSlot;
use crate::bookings::store::Booking;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::passes::model::PassKind;
use crate::passes::store::{self as passes, NewUse};
use crate::payments::store::{self as payments, NewEntry};

/// One member's mark.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitMark {
    pub member_id: String,
    pub mark: Mark,
}

/// The journal of one session, as the coach or the desk sends it: each member's mark. Members
/// left out keep theirs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarkGroupVisits {
    pub booking_id: String,
    pub marks: Vec<VisitMark>,
}

impl MarkGroupVisits {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let (g, session) = session_of(ctx, &self.booking_id)?;
        // The group's coach keeps its journal; everything else is the desk's.
        if ctx.actor.user_id() != Some(g.draft.coach_id.as_str()) {
            require(ctx.actor, Role::Reception)?;
        }
        if ctx.acted_at() < session.starts_at - crate::bookings::model::CHECK_IN_FROM {
            return Err(Rejection::new("group-journal-too-early").into());
        }
        for (i, m) in self.marks.iter().enumerate() {
            if self.marks[..i].iter().any(|o| o.member_id == m.member_id) {
                return Err(Rejection::new("group-marked-twice").into());
            }
            mark_one(ctx, &g, &session, m)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let marks: Vec<String> = self.marks.iter().map(|m| format!("{} {}", m.member_id, m.mark.as_str())).collect();
        format!("{}: {}", self.booking_id, marks.join(", "))
    }
}

fn mark_one(ctx: &Ctx<'_>, g: &Group, session: &Booking, m: &VisitMark) -> Result<(), CommandError> {
    let before = store::visit(ctx.tx, &session.id, &m.member_id)?;
    if before.as_ref().is_some_and(|v| v.mark == m.mark) {
        return Ok(());
    }
    // Who may be in the journal: the roster, anyone already in it, and anyone trying the group.
    let on_roster = store::entry(ctx.tx, &g.id, &m.member_id)?.is_some_and(|e| e.on_roster_for(session));
    if before.is_none() && !on_roster && m.mark != Mark::Trial {
        let name = crate::members::store::member(ctx.tx, &m.member_id)?.map(|x| x.full_name).unwrap_or_default();
        return Err(Rejection::new("group-not-on-roster").arg("name", name).into());
    }
    let member = crate::members::store::member(ctx.tx, &m.member_id)?;
    if member.is_none() {
        return Err(Rejection::new("member-not-found").into());
    }
    let charge_absent = g.draft.charge_absent;
    let was_charged = before.as_ref().is_some_and(|v| v.mark.charged(charge_absent));
    let by = ctx.actor.display_name();
    let id = before.as_ref().map_or_else(|| format!("{}/{}", session.id, m.member_id), |v| v.id.clone());
    let mut visit = NewVisit {
        id: &id,
        booking_id: &session.id,
        member_id: &m.member_id,
        mark: m.mark,
        charge: before.as_ref().map_or(0, |v| v.charge),
        pass_id: before.as_ref().and_then(|v| v.pass_id.as_deref()),
        month_fee: before.as_ref().is_some_and(|v| v.month_fee),
        by: &by,
    };
    let charged_pass;
    match (was_charged, m.mark.charged(charge_absent)) {
        (false, true) => {
            let c = charge(ctx, g, session, &m.member_id)?;
            charged_pass = c.pass_id;
            visit.charge = c.amount;
            visit.pass_id = charged_pass.as_deref();
            visit.month_fee = c.month_fee;
        }
        (true, false) => {
            if let Some(v) = &before {
                undo(ctx, g, session, v)?;
            }
            (visit.charge, visit.pass_id, visit.month_fee) = (0, None, false);
        }
        // Still charged (present ↔ absent) or still free: the money stands as it is.
        _ => {}
    }
    store::put_visit(ctx.tx, &visit, ctx.now)?;
    Ok(())
}

/// What a chargeable visit took.
struct Charged {
    amount: i64,
    pass_id: Option<String>,
    month_fee: bool,
}

fn ledger(
    ctx: &Ctx<'_>,
    member: &str,
    session: &Booking,
    kind: &str,
    amount: i64,
    reason: &str,
) -> Result<(), CommandError> {
    let e = NewEntry { member_id: member, kind, amount, booking_id: Some(&session.id), payment_id: None, reason };
    payments::append(ctx.tx, &format!("{}/{member}/{kind}", ctx.command_id), ctx.now, &e)?;
    Ok(())
}

/// The session's club-local day and the bounds of its calendar month.
fn month_of(ctx: &Ctx<'_>, session: &Booking) -> Result<(LocalSlot, jiff::Timestamp, jiff::Timestamp), CommandError> {
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let slot = LocalSlot::from_instants(session.starts_at, session.ends_at, &tz);
    let first = slot.day.first_of_month();
    let bound = |d: jiff::civil::Date| d.to_zoned_datetime(tz.clone()).map(|z| z.timestamp());
    let (from, to) = (bound(first), bound(first + 1.month()));
    match (from, to) {
        (Ok(from), Ok(to)) => Ok((slot, from, to)),
        (Err(e), _) | (_, Err(e)) => Err(CommandError::Failed(e.into())),
    }
}

fn charge(ctx: &Ctx<'_>, g: &Group, session: &Booking, member: &str) -> Result<Charged, CommandError> {
    let (slot, from, to) = month_of(ctx, session)?;
    let reason = format!("{}, {}", g.draft.name, slot.day);
    let mut out = Charged { amount: 0, pass_id: None, month_fee: false };
    match g.draft.price_model {
        PriceModel::Monthly => {
            let month = store::visits_in(ctx.tx, (&g.id, member), (from, to), &session.id)?;
            if month.iter().any(|v| v.month_fee) {
                return Ok(out);
            }
            out.month_fee = true;
            out.amount = g.draft.price;
            let reason = format!("{}, {}", g.draft.name, slot.day.strftime("%Y-%m"));
            if out.amount > 0 {
                ledger(ctx, member, session, "group_fee", -out.amount, &reason)?;
            }
        }
        PriceModel::Pass => {
            if let Some((pass_id, units)) = usable_pass(ctx, g, session, slot, member)? {
                let use_id = format!("{}/{member}/pass", ctx.command_id);
                let new = NewUse {
                    id: &use_id,
                    pass_id: &pass_id,
                    at: ctx.now,
                    booking_id: Some(&session.id),
                    payment_id: None,
                    units: -units,
                    reason: &reason,
                };
                passes::insert_use(ctx.tx, &new)?;
                ledger(ctx, member, session, "pass_use", 0, &reason)?;
                out.pass_id = Some(pass_id);
            } else if g.draft.price > 0 {
                out.amount = g.draft.price;
                ledger(ctx, member, session, "group_fee", -out.amount, &reason)?;
            }
        }
        PriceModel::Visit => {
            out.amount = g.draft.price;
            if out.amount > 0 {
                ledger(ctx, member, session, "group_fee", -out.amount, &reason)?;
            }
        }
    }
    Ok(out)
}

/// The member's first pass of the group's product that covers this session, and what a visit
/// takes from it (a visit, the session's minutes, or nothing for a membership).
fn usable_pass(
    ctx: &Ctx<'_>,
    g: &Group,
    session: &Booking,
    slot: LocalSlot,
    member: &str,
) -> Result<Option<(String, i64)>, CommandError> {
    let Some(product) = g.draft.product_id.as_deref() else { return Ok(None) };
    for p in passes::live_passes(ctx.tx, &[member], slot.day)? {
        // The visit's price is what is due: a value card pays it in full or not at all (then the
        // price is charged); the other kinds take a visit, the minutes or nothing.
        if p.product_id == product
            && let Ok(cover) = p.pass.cover(&session.court_id, slot, g.draft.price.max(1))
            && (p.pass.kind != PassKind::Value || cover.amount == g.draft.price)
        {
            return Ok(Some((p.id, cover.units)));
        }
    }
    Ok(None)
}

/// Gives back what visit `v` took: its pass use, its charge, or its month's fee (which moves to
/// another charged visit of the month, when there is one).
fn undo(ctx: &Ctx<'_>, g: &Group, session: &Booking, v: &Visit) -> Result<(), CommandError> {
    let reason = format!("{}: {}", g.draft.name, v.mark.as_str());
    if let Some(pass_id) = &v.pass_id {
        let units = store::pass_units(ctx.tx, pass_id, &session.id)?;
        if units < 0 {
            let back_id = format!("{}/{}/pass-back", ctx.command_id, v.member_id);
            let new = NewUse {
                id: &back_id,
                pass_id,
                at: ctx.now,
                booking_id: Some(&session.id),
                payment_id: None,
                units: -units,
                reason: &reason,
            };
            passes::insert_use(ctx.tx, &new)?;
            ledger(ctx, &v.member_id, session, "pass_return", 0, &reason)?;
        }
        return Ok(());
    }
    if v.month_fee {
        let (_, from, to) = month_of(ctx, session)?;
        let month = store::visits_in(ctx.tx, (&g.id, &v.member_id), (from, to), &session.id)?;
        if let Some(next) = month.iter().find(|o| o.mark.charged(g.draft.charge_absent)) {
            store::move_month_fee(ctx.tx, &v.id, &next.id, v.charge)?;
            return Ok(());
        }
    }
    if v.charge > 0 {
        ledger(ctx, &v.member_id, session, "group_fee_back", v.charge, &reason)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::core::{Actor, Outcome};
    use crate::groups::commands::{AddGroupSession, EnrolMember};
    use crate::groups::fixtures::{draft, group, sessions};
    use crate::groups::model::GroupDraft;
    use crate::testing::{TestDb, id, reception};

    struct Club {
        db: TestDb,
        coach: String,
        court: String,
    }

    fn club() -> Club {
        let mut db = TestDb::new();
        let (court, coach) = (db.court("Court 3"), db.coach("Anna"));
        Club { db, coach, court }
    }

    impl Club {
        /// Group `d` with `names` enrolled: its id, its sessions' ids and the members' ids.
        fn group(&mut self, d: GroupDraft, names: &[&str]) -> (String, Vec<String>, Vec<String>) {
            let g = group(&mut self.db, d);
            let mut members = Vec::new();
            for n in names {
                let m = self.db.member(n, "");
                let cmd = EnrolMember { entry_id: id(), group_id: g.clone(), member_id: m.clone() };
                self.db.applied_as(&reception(), AnyCommand::EnrolMember(cmd));
                members.push(m);
            }
            let s = sessions(&self.db, &g).into_iter().map(|b| b.id).collect();
            (g, s, members)
        }

        fn coach_actor(&self) -> Actor {
            Actor::Staff { id: self.coach.clone(), name: "anna".into(), role: crate::core::Role::Coach }
        }

        /// The coach sends session `n`'s journal, at its start.
        fn mark(&mut self, session: &str, marks: &[(&str, Mark)]) -> Outcome {
            let b = crate::bookings::store::booking(&self.db.conn, session).unwrap().unwrap();
            self.db.now = b.starts_at;
            let marks = marks.iter().map(|(m, k)| VisitMark { member_id: (*m).into(), mark: *k }).collect();
            let actor = self.coach_actor();
            self.db.run_as(&actor, AnyCommand::MarkGroupVisits(MarkGroupVisits { booking_id: session.into(), marks }))
        }

        fn balance(&self, member: &str) -> i64 {
            payments::balance(&self.db.conn, member).unwrap()
        }
    }

    fn applied(o: Outcome) {
        assert!(matches!(o, Outcome::Applied { .. }), "{o:?}");
    }

    /// Per visit: being there costs the price, missing without notice too (as the group says),
    /// an excused absence and a trial nothing. The same form sent twice charges once, and a
    /// corrected mark gives the charge back.
    #[test]
    fn visits_are_charged_once_by_their_mark() {
        let mut c = club();
        let (_, s, m) = c.group(draft(&c.court.clone(), &c.coach.clone(), 8), &["Ann", "Ben", "Cid"]);
        let form = [(m[0].as_str(), Mark::Present), (m[1].as_str(), Mark::Absent), (m[2].as_str(), Mark::Excused)];
        applied(c.mark(&s[0], &form));
        applied(c.mark(&s[0], &form));
        assert_eq!([c.balance(&m[0]), c.balance(&m[1]), c.balance(&m[2])], [-500, -500, 0]);
        applied(c.mark(&s[0], &[(&m[1], Mark::Excused)]));
        assert_eq!(c.balance(&m[1]), 0, "told in time after all: the charge is given back");
        applied(c.mark(&s[0], &[(&m[0], Mark::Absent)]));
        assert_eq!(c.balance(&m[0]), -500, "still a charged mark: still one charge");
        let journal: Vec<(String, Mark, i64)> =
            store::visits(&c.db.conn, &s[0]).unwrap().into_iter().map(|v| (v.name, v.mark, v.charge)).collect();
        assert_eq!(
            journal,
            [("Ann".into(), Mark::Absent, 500), ("Ben".into(), Mark::Excused, 0), ("Cid".into(), Mark::Excused, 0)]
        );
    }

    /// Monthly: the month's first charged visit carries the fee; later visits that month cost
    /// nothing; taking that first visit back moves the fee to another visit of the month, and
    /// the next month is charged again.
    #[test]
    fn a_monthly_group_charges_once_a_month() {
        let mut c = club();
        let mut d = draft(&c.court.clone(), &c.coach.clone(), 8);
        d.price_model = PriceModel::Monthly;
        d.price = 4000;
        d.charge_absent = false;
        let (g, s, m) = c.group(d, &["Ann"]);
        applied(c.mark(&s[0], &[(&m[0], Mark::Present)]));
        applied(c.mark(&s[1], &[(&m[0], Mark::Present)]));
        applied(c.mark(&s[2], &[(&m[0], Mark::Absent)]));
        assert_eq!(c.balance(&m[0]), -4000);
        applied(c.mark(&s[0], &[(&m[0], Mark::Excused)]));
        assert_eq!(c.balance(&m[0]), -4000, "the fee moved to the second visit");
        assert!(store::visit(&c.db.conn, &s[1], &m[0]).unwrap().unwrap().month_fee);
        applied(c.mark(&s[1], &[(&m[0], Mark::Excused)]));
        assert_eq!(c.balance(&m[0]), 0, "no charged visit left in December");
        let january = AddGroupSession {
            booking_id: id(),
            group_id: g,
            court_id: c.court.clone(),
            day: "2027-01-05".parse().unwrap(),
            start: crate::courts::model::DayMinute::parse("17:00").unwrap(),
            minutes: 60,
        };
        let jan_id = january.booking_id.clone();
        c.db.applied_as(&reception(), AnyCommand::AddGroupSession(january));
        applied(c.mark(&s[3], &[(&m[0], Mark::Present)]));
        applied(c.mark(&jan_id, &[(&m[0], Mark::Present)]));
        assert_eq!(c.balance(&m[0]), -8000, "December and January");
    }

    /// With a pass: a visit comes off the member's pass of the group's product; without one
    /// that covers it, the group's price is charged; a mark taken back returns the visit.
    #[test]
    fn a_pass_group_takes_visits_from_the_pass() {
        pass_group_takes(PassKind::Visits, 8, 1);
    }

    /// A value card (the group's product turned into one after the group was made) pays the
    /// visit's price, not more.
    #[test]
    fn a_pass_group_takes_the_price_from_a_value_card() {
        pass_group_takes(PassKind::Value, 5000, 600);
    }

    /// A pass of `kind` holding `quantity` pays Ann's visit, taking `taken`; Ben has no pass.
    fn pass_group_takes(kind: PassKind, quantity: i64, taken: i64) {
        let mut c = club();
        let product_id = id();
        let product = |kind, quantity, price| crate::passes::model::Product {
            name: "Group pass".into(),
            kind,
            quantity,
            bonus: 0,
            discount_pct: 100,
            price,
            valid_days: 60,
            conditions: crate::bookings::model::Conditions {
                court_ids: Vec::new(),
                weekdays: Vec::new(),
                from: crate::courts::model::DayMinute::parse("00:00").unwrap(),
                to: crate::courts::model::DayMinute::MIDNIGHT_END,
            },
            active: true,
        };
        let save = |c: &mut Club, product| {
            let cmd = crate::passes::commands::SavePassProduct { product_id: product_id.clone(), product };
            c.db.applied(AnyCommand::SavePassProduct(cmd));
        };
        save(&mut c, product(PassKind::Visits, 8, 3200));
        let mut d = draft(&c.court.clone(), &c.coach.clone(), 8);
        d.price_model = PriceModel::Pass;
        d.product_id = Some(product_id.clone());
        d.price = 600;
        let (_, s, m) = c.group(d, &["Ann", "Ben"]);
        if kind != PassKind::Visits {
            save(&mut c, product(kind, quantity, quantity));
        }
        let pass_id = id();
        c.db.applied_as(
            &reception(),
            AnyCommand::SellPass(crate::passes::commands::SellPass {
                pass_id: pass_id.clone(),
                payment_id: id(),
                member_id: m[0].clone(),
                product_id,
                method: crate::payments::model::Method::Card,
                valid_from: None,
            }),
        );
        let before = c.balance(&m[0]);
        applied(c.mark(&s[0], &[(&m[0], Mark::Present), (&m[1], Mark::Present)]));
        let left = |c: &Club| crate::passes::store::pass(&c.db.conn, &pass_id).unwrap().unwrap().pass.remaining();
        assert_eq!(left(&c), Some(quantity - taken));
        assert_eq!(c.balance(&m[0]), before, "the pass paid");
        assert_eq!(c.balance(&m[1]), -600, "no pass: the group's price");
        applied(c.mark(&s[0], &[(&m[0], Mark::Excused), (&m[1], Mark::Excused)]));
        assert_eq!((left(&c), c.balance(&m[1])), (Some(quantity), 0));
    }

    /// A member who got their place from the waiting list is in the journals from then on, not in
    /// those of the sessions held before.
    #[test]
    fn a_place_from_the_waiting_list_counts_from_the_day_it_was_given() {
        let mut c = club();
        let (g, s, m) = c.group(draft(&c.court.clone(), &c.coach.clone(), 1), &["Ann", "Ben"]);
        let second = crate::bookings::store::booking(&c.db.conn, &s[1]).unwrap().unwrap();
        c.db.now = second.ends_at + jiff::SignedDuration::from_hours(1);
        let leave = crate::groups::commands::LeaveGroup { group_id: g, member_id: m[0].clone() };
        c.db.applied_as(&reception(), AnyCommand::LeaveGroup(leave));
        assert!(matches!(
            c.mark(&s[1], &[(&m[1], Mark::Present)]),
            Outcome::Rejected(r) if r.code == "group-not-on-roster"
        ));
        applied(c.mark(&s[2], &[(&m[1], Mark::Present)]));
        assert_eq!(c.balance(&m[1]), -500);
    }

    /// Someone not on the roster comes only as a trial, free; a coach keeps only their own
    /// group's journal, and not before the session.
    #[test]
    fn who_may_be_marked_and_by_whom() {
        let mut c = club();
        let (_, s, m) = c.group(draft(&c.court.clone(), &c.coach.clone(), 8), &["Ann"]);
        let guest = c.db.member("Gus", "");
        assert!(
            matches!(c.mark(&s[0], &[(&guest, Mark::Present)]), Outcome::Rejected(r) if r.code == "group-not-on-roster")
        );
        applied(c.mark(&s[0], &[(&guest, Mark::Trial)]));
        assert_eq!(c.balance(&guest), 0);
        assert!(matches!(
            c.mark(&s[0], &[(&m[0], Mark::Present), (&m[0], Mark::Absent)]),
            Outcome::Rejected(r) if r.code == "group-marked-twice"
        ));

        let other = c.db.coach("Boris");
        let stranger = Actor::Staff { id: other, name: "boris".into(), role: crate::core::Role::Coach };
        let cmd = MarkGroupVisits {
            booking_id: s[0].clone(),
            marks: vec![VisitMark { member_id: m[0].clone(), mark: Mark::Present }],
        };
        assert!(matches!(c.db.run_as(&stranger, AnyCommand::MarkGroupVisits(cmd.clone())), Outcome::Rejected(_)));
        c.db.now = "2026-11-30T12:00:00Z".parse().unwrap();
        let actor = c.coach_actor();
        assert!(matches!(
            c.db.run_as(&actor, AnyCommand::MarkGroupVisits(cmd)),
            Outcome::Rejected(r) if r.code == "group-journal-too-early"
        ));
    }
}
