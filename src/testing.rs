//! For tests of commands and stores: a migrated club database in memory and a way to run
//! commands on it through the one write path, with no HTTP and no App.

use jiff::Timestamp;
use uuid::Uuid;

use crate::club::commands::UpdateClubSettings;
use crate::commands::AnyCommand;
use crate::core::{self, Actor, Envelope, Outcome, Rejection, Role};
use crate::db::Conn;
use crate::i18n::Locale;

pub struct TestDb {
    pub conn: Conn,
    pub now: Timestamp,
}

/// The owner, as a command's actor.
pub fn owner() -> Actor {
    Actor::Staff { id: "owner".into(), name: "olga".into(), role: Role::Owner }
}

/// Someone at the front desk.
pub fn reception() -> Actor {
    Actor::Staff { id: "desk".into(), name: "rita".into(), role: Role::Reception }
}

/// A fresh id, as a form or a desk would make one.
pub fn id() -> String {
    Uuid::now_v7().to_string()
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl TestDb {
    /// A club in Moscow paying in roubles, on 29 November 2026 at 12:00 club time.
    pub fn new() -> TestDb {
        let mut conn = crate::db::open_connection(std::path::Path::new(":memory:"), Default::default())
            .expect("an in-memory database");
        let now = "2026-11-29T09:00:00Z".parse().expect("a time");
        crate::db::migrate::run(&mut conn, now).expect("migrations");
        let mut db = TestDb { conn, now };
        let settings = UpdateClubSettings {
            settings_id: id(),
            name: "Test Club".into(),
            time_zone: "Europe/Moscow".into(),
            locale: Locale::En,
            currency: "RUB".into(),
            phone_region: "RU".into(),
        };
        db.applied_as(&Actor::System, AnyCommand::UpdateClubSettings(settings));
        db
    }

    pub fn run_as(&mut self, actor: &Actor, command: AnyCommand) -> Outcome {
        let env = Envelope::new(actor.clone(), command, self.now);
        core::execute(&mut self.conn, &env, self.now).expect("the command runs").outcome
    }

    /// Runs `command` as a desk would send it: issued by reception on desk `desk` at `issued_at`
    /// (its clock), decided by the hub now.
    pub fn run_from_desk(&mut self, desk: &str, issued_at: Timestamp, command: AnyCommand) -> Outcome {
        let mut env = Envelope::new(reception(), command, issued_at);
        env.origin = crate::core::Origin::Desk(desk.into());
        core::execute(&mut self.conn, &env, self.now).expect("the command runs").outcome
    }

    /// Runs `command` as the owner; it must be applied.
    pub fn applied(&mut self, command: AnyCommand) {
        self.applied_as(&owner(), command);
    }

    pub fn applied_as(&mut self, actor: &Actor, command: AnyCommand) {
        match self.run_as(actor, command) {
            Outcome::Applied { .. } => {}
            Outcome::Rejected(r) => panic!("refused: {r:?}"),
        }
    }

    /// Runs `command` as the owner; it must be refused, and the refusal is returned.
    pub fn refused(&mut self, command: AnyCommand) -> Rejection {
        match self.run_as(&owner(), command) {
            Outcome::Rejected(r) => r,
            Outcome::Applied { .. } => panic!("applied, but a refusal was expected"),
        }
    }
}

// ---- a club to test in, made through the commands ----

use crate::bookings::commands::CreateBooking;
use crate::bookings::model::{Kind, LocalSlot, Source};
use crate::courts::commands::CreateCourt;
use crate::courts::model::{CourtDraft, DayMinute, Surface};
use crate::members::commands::CreateMember;
use crate::members::model::MemberDraft;
use crate::prices::commands::SavePriceRule;
use crate::prices::model::PriceRule;

pub fn court_draft(name: &str) -> CourtDraft {
    CourtDraft {
        name: name.into(),
        surface: Surface::Hard,
        indoor: false,
        floodlights: true,
        group: String::new(),
        display_order: 1,
        active: true,
    }
}

pub fn member_draft(name: &str, phone: &str) -> MemberDraft {
    MemberDraft {
        full_name: name.into(),
        phone: phone.into(),
        email: String::new(),
        birth_date: None,
        category_id: None,
        tags: Vec::new(),
        notes: String::new(),
        sms_consent: true,
    }
}

/// A day-long slot on `day` at `start` ("18:00") for `minutes`.
pub fn slot(day: &str, start: &str, minutes: u16) -> LocalSlot {
    LocalSlot { day: day.parse().expect("a day"), start: DayMinute::parse(start).expect("a time"), minutes }
}

impl TestDb {
    pub fn court(&mut self, name: &str) -> String {
        let court_id = id();
        self.applied(AnyCommand::CreateCourt(CreateCourt { court_id: court_id.clone(), court: court_draft(name) }));
        court_id
    }

    pub fn member(&mut self, name: &str, phone: &str) -> String {
        let member_id = id();
        self.applied(AnyCommand::CreateMember(CreateMember {
            member_id: member_id.clone(),
            member: member_draft(name, phone),
        }));
        member_id
    }

    /// A booking of `member` on `court`, made at the desk.
    pub fn book(&mut self, court: &str, member: &str, slot: LocalSlot) -> Result<String, Rejection> {
        let cmd = booking(court, member, slot);
        let booking_id = cmd.booking_id.clone();
        match self.run_as(&reception(), AnyCommand::CreateBooking(cmd)) {
            Outcome::Applied { .. } => Ok(booking_id),
            Outcome::Rejected(r) => Err(r),
        }
    }

    /// A staff account made a coach (a lesson fee of 500 and pay of 800 an hour); its id.
    pub fn coach(&mut self, name: &str) -> String {
        let user_id = id();
        self.applied(AnyCommand::CreateStaffUser(crate::auth::commands::CreateStaffUser {
            user_id: user_id.clone(),
            username: name.to_lowercase(),
            display_name: name.into(),
            role: Role::Coach,
            locale: None,
            password_hash: "not a real hash".into(),
            must_change_password: false,
        }));
        let draft = crate::coaching::model::CoachDraft {
            name: name.into(),
            colour: "#2e7d32".into(),
            lesson_fee: 500,
            pay_per_hour: 800,
            pay_model: Default::default(),
            group_rate: None,
            works: Default::default(),
            active: true,
        };
        let cmd = crate::coaching::commands::SaveCoach { coach_id: user_id.clone(), coach: draft };
        self.applied(AnyCommand::SaveCoach(cmd));
        user_id
    }

    /// One price all day, every day, for every court.
    pub fn price_per_hour(&mut self, per_hour: i64) {
        let all_day = (DayMinute::parse("00:00").expect("a time"), DayMinute::MIDNIGHT_END);
        let rule = PriceRule::band("All day", Vec::new(), all_day.0, all_day.1, per_hour);
        self.applied(AnyCommand::SavePriceRule(SavePriceRule { rule_id: id(), rule }));
    }
}

/// A desk's booking of `member` on `court` under a new id, not yet run.
pub fn booking(court: &str, member: &str, slot: LocalSlot) -> CreateBooking {
    CreateBooking {
        booking_id: id(),
        court_id: court.into(),
        slot,
        kind: Kind::Play,
        booker_id: Some(member.into()),
        players: Vec::new(),
        note: String::new(),
        source: Source::Desk,
        pass_id: None,
        coach_id: None,
    }
}
