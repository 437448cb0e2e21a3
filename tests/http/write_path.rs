//! The one write path: exactly-once commands, a change log nothing can bypass, a database
//! from the future refused.

use courtside::auth::commands::CreateStaffUser;
use courtside::commands::AnyCommand;
use courtside::core::{self, Actor, Envelope, Outcome, Role};
use courtside::db::changelog::{DERIVED_TABLES, LOCAL_TABLES, REPLICATED_TABLES};
use rocket::http::Status;

use crate::support::TestApp;

fn create_user(id: &str, username: &str) -> AnyCommand {
    AnyCommand::CreateStaffUser(CreateStaffUser {
        user_id: id.into(),
        username: username.into(),
        display_name: username.into(),
        role: Role::Reception,
        locale: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        must_change_password: true,
    })
}

#[rocket::async_test]
async fn executing_the_same_command_twice_changes_nothing_the_second_time() {
    let t = TestApp::new().await;
    let env = Envelope::new(Actor::Console, create_user("01938a3e-0000-7000-8000-000000000001", "dora"), t.app.now());
    let (first, second, rows_between) = t
        .app
        .db
        .write(move |conn| {
            let first = core::execute(conn, &env, env.issued_at)?;
            let rows: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?;
            let second = core::execute(conn, &env, env.issued_at)?;
            let after: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?;
            Ok((first, second, (rows, after)))
        })
        .await
        .unwrap();
    assert!(first.first_time && !second.first_time);
    assert_eq!(first.outcome, second.outcome);
    assert!(matches!(first.outcome, Outcome::Applied { txn_seq: Some(_) }));
    assert_eq!(rows_between.0, rows_between.1, "the replay added no change-log rows");
    assert_eq!(t.count("SELECT count(*) FROM staff_users WHERE username = 'dora'").await, 1);

    // A rejected command is remembered too: the same id gets the same refusal.
    let dup = Envelope::new(Actor::Console, create_user("01938a3e-0000-7000-8000-000000000002", "DORA"), t.app.now());
    let (a, b) = t
        .app
        .db
        .write(move |conn| Ok((core::execute(conn, &dup, dup.issued_at)?, core::execute(conn, &dup, dup.issued_at)?)))
        .await
        .unwrap();
    assert!(matches!(&a.outcome, Outcome::Rejected(r) if r.code == "username-taken"));
    assert_eq!(a.outcome, b.outcome);
    assert_eq!(t.count("SELECT count(*) FROM commands WHERE status = 'rejected'").await, 1);
}

#[rocket::async_test]
async fn a_double_submitted_form_creates_one_account() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let form = t.get("/staff/new").await;
    let fields = [
        ("csrf", form.hidden("csrf")),
        ("command_id", form.hidden("command_id")),
        ("username", "rita".into()),
        ("role", "reception".into()),
        ("password", "rita first pass".into()),
        ("confirm", "rita first pass".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = t.post_raw("/staff", &fields).await;
    let second = t.post_raw("/staff", &fields).await;
    assert_eq!(first.status, Status::SeeOther);
    assert_eq!(second.status, Status::SeeOther, "{}", second.body);
    assert_eq!(first.location, second.location, "both lead to the same account");
    assert_eq!(t.count("SELECT count(*) FROM staff_users WHERE username = 'rita'").await, 1);
}

#[rocket::async_test]
async fn every_table_is_classified_and_replicated_ones_are_logged() {
    let t = TestApp::new().await;
    let (tables, triggers) = t
        .app
        .db
        .read(|c| {
            let mut s =
                c.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
            let tables = s.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            let mut s = c.prepare("SELECT tbl_name, name FROM sqlite_schema WHERE type = 'trigger'")?;
            let triggers = s
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((tables, triggers))
        })
        .await
        .unwrap();
    for table in &tables {
        let replicated = REPLICATED_TABLES.contains(&table.as_str());
        let local = LOCAL_TABLES.contains(&table.as_str());
        let derived = DERIVED_TABLES.contains(&table.as_str());
        assert!(
            [replicated, local, derived].iter().filter(|listed| **listed).count() == 1,
            "table {table} must be listed as replicated, local or derived (exactly one)"
        );
        if replicated {
            for op in ["insert", "update", "delete"] {
                let name = format!("{table}_log_{op}");
                assert!(triggers.contains(&(table.clone(), name.clone())), "{table} has no {name} trigger");
            }
        }
    }
    for listed in REPLICATED_TABLES.iter().chain(LOCAL_TABLES).chain(DERIVED_TABLES) {
        assert!(tables.iter().any(|t| t == listed), "{listed} is listed but does not exist");
    }
}

#[rocket::async_test]
async fn no_replicated_table_can_be_written_outside_a_command() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    for sql in [
        "UPDATE staff_users SET role = 'owner'",
        "DELETE FROM staff_users",
        "INSERT INTO club_settings (id, name, time_zone, locale, currency, updated_at) VALUES ('x', 'x', 'UTC', 'en', 'EUR', 0)",
    ] {
        let err = t.app.db.write(move |c| Ok(c.execute(sql, [])?)).await.unwrap_err();
        assert!(format!("{err:#}").contains("can only be changed by a command"), "{sql}: {err:#}");
    }
}

#[rocket::async_test]
async fn the_change_log_is_gapless_and_complete() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.add_staff("rita", "reception", "rita first pass").await;
    t.submit(
        "/settings",
        "/settings",
        &[
            ("club.name", "Спартак"),
            ("club.time_zone", "Europe/Moscow"),
            ("club.locale", "ru"),
            ("club.currency", "RUB"),
            ("club.phone_region", "RU"),
        ],
    )
    .await;
    let (seqs, head, images) = t
        .app
        .db
        .read(|c| {
            let mut s = c.prepare("SELECT txn_seq FROM sync_txn ORDER BY txn_seq")?;
            let seqs = s.query_map([], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
            let head = core::head_txn_seq(c)?;
            let mut s = c.prepare("SELECT tbl, op, row FROM change_log ORDER BY txn_seq, idx")?;
            let images = s
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((seqs, head, images))
        })
        .await
        .unwrap();
    assert_eq!(seqs, (1..=head).collect::<Vec<_>>(), "txn_seq has no gaps");
    assert!(
        images
            .iter()
            .any(|(tbl, op, row)| tbl == "club_settings" && op == "put" && row.as_deref().unwrap().contains("Спартак"))
    );
    assert!(
        images
            .iter()
            .any(|(tbl, _, row)| tbl == "staff_users" && row.as_deref().unwrap().contains("\"username\":\"rita\""))
    );
    // Every applied command that changed club data points at its transaction.
    let orphans = t.count("SELECT count(*) FROM commands c WHERE c.txn_seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_txn s WHERE s.txn_seq = c.txn_seq)").await;
    assert_eq!(orphans, 0);
}
