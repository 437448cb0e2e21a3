//! Groups: a manager makes a group with a weekly schedule, the desk enrols members up to its
//! places (then onto the waiting list), the coach keeps the session's journal on their phone and
//! each visit is charged once by the group's price model; a coach sees only their own groups.

use rocket::http::Status;

use crate::bookings::club;
use crate::coaching::coach;
use crate::support::{OWNER_PASSWORD, TestApp};

/// "Juniors 8–10": Mondays 18:00–19:00 on `court` from 30 November to 21 December 2026, two
/// places, 500 a visit; what the form answered.
async fn juniors(t: &TestApp, court: &str, coach: &str, extra: &[(&str, &str)]) -> crate::support::Page {
    let mut fields = vec![
        ("name", "Juniors 8–10"),
        ("coach_id", coach),
        ("court_id", court),
        ("capacity", "2"),
        ("minimum", "2"),
        ("price_model", "visit"),
        ("price", "500"),
        ("charge_absent", "on"),
        ("active", "on"),
        ("weekday", "1"),
        ("start", "18:00"),
        ("minutes", "60"),
        ("first_day", "2026-11-30"),
        ("last_day", "2026-12-21"),
    ];
    for (name, value) in extra {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    t.submit("/groups/new", "/groups", &fields).await
}

async fn member(t: &TestApp, name: &str) -> String {
    let made = t.submit("/members/new", "/members", &[("full_name", name)]).await;
    made.location.unwrap().trim_start_matches("/members/").to_owned()
}

async fn first_session(t: &TestApp, group: &str) -> String {
    let group = group.to_owned();
    t.app
        .db
        .read(move |c| {
            Ok(c.query_row("SELECT id FROM bookings WHERE group_id = ?1 ORDER BY starts_at", [group], |r| r.get(0))?)
        })
        .await
        .unwrap()
}

async fn balance(t: &TestApp, member: &str) -> i64 {
    let member = member.to_owned();
    t.app.db.read(move |c| Ok(courtside::payments::store::balance(c, &member)?)).await.unwrap()
}

#[rocket::async_test]
async fn a_group_fills_up_and_its_coach_keeps_the_journal() {
    let t = TestApp::new().await;
    let (c1, _, ivan, anna) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let made = juniors(&t, &c1, &petrova, &[]).await;
    let page = made.location.clone().expect("to the group's page");
    let group = page.trim_start_matches("/groups/").to_owned();
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE group_id IS NOT NULL").await, 4, "four Mondays");

    let boris = member(&t, "Boris Orlov").await;
    for (who, said) in [(&ivan, "Enrolled."), (&anna, "Enrolled."), (&boris, "the member is on the waiting list")] {
        let done = t.submit(&page, &format!("{page}/enrol"), &[("member_id", who)]).await;
        assert_eq!(done.location.as_deref(), Some(page.as_str()));
        let shown = t.get(&page).await;
        assert!(shown.has(said), "{said}: {}", shown.body);
    }
    let shown = t.get(&page).await;
    assert!(shown.has("2 of 2") && shown.has("1 waiting") && shown.has("id=\"waiting-list\""), "{}", shown.body);
    let again = t.submit(&page, &format!("{page}/enrol"), &[("member_id", &ivan)]).await;
    assert_eq!(again.location.as_deref(), Some(page.as_str()));
    assert!(t.get(&page).await.has("Иванов Пётр is already in this group."));
    let grid = t.get("/grid?date=2026-11-30").await;
    assert!(grid.has("Juniors 8–10") && grid.has("Anna Petrova"), "{}", grid.body);

    // The coach, on her phone: her week shows the session; the journal opens at its time.
    t.logout().await;
    t.choose_password("petrova").await;
    t.login("petrova", "petrova chose this").await;
    let session = first_session(&t, &group).await;
    let mine = t.get("/coach?from=2026-11-30").await;
    assert!(mine.has(&format!("/groups/{group}/sessions/{session}")) && mine.has("Juniors 8–10"), "{}", mine.body);
    let journal = format!("/groups/{group}/sessions/{session}");
    assert!(t.get(&journal).await.has("The journal opens an hour before the session."));
    t.advance(jiff::SignedDuration::from_hours(30)); // 30 November, 18:00 in Moscow
    t.login("petrova", "petrova chose this").await;
    let form = t.get(&journal).await;
    assert!(form.has("Иванов Пётр") && form.has("Anna Smith") && !form.has("Boris Orlov"), "{}", form.body);
    let (csrf, command_id) = (form.hidden("csrf"), form.hidden("command_id"));
    let marks = [
        ("csrf", csrf.as_str()),
        ("command_id", command_id.as_str()),
        ("rows[0].member_id", ivan.as_str()),
        ("rows[0].mark", "present"),
        ("rows[1].member_id", anna.as_str()),
        ("rows[1].mark", "excused"),
    ];
    // The same form sent twice (a double tap), then again from a reloaded page.
    for _ in 0..2 {
        assert_eq!(t.post_raw(&journal, &marks).await.location.as_deref(), Some(journal.as_str()));
    }
    let reloaded = t.get(&journal).await;
    let fresh = reloaded.hidden("command_id");
    let mut resent = marks;
    resent[1].1 = &fresh;
    assert_eq!(t.post_raw(&journal, &resent).await.status, Status::SeeOther);
    assert_eq!(balance(&t, &ivan).await, -50_000, "charged once");
    assert_eq!(balance(&t, &anna).await, 0, "excused");
    let shown = t.get(&journal).await;
    assert!(shown.has("charged ₽500.00") && shown.has("The journal is saved."), "{}", shown.body);
    // Someone trying the group: the coach has no member list to pick from, only what they type.
    assert!(shown.has("id=\"trial-hint\"") && !shown.has("data-member-pick"), "{}", shown.body);
    let (csrf, command_id) = (shown.hidden("csrf"), shown.hidden("command_id"));
    let unknown = [("csrf", csrf.as_str()), ("command_id", command_id.as_str()), ("trial", "Nobody Atall")];
    assert_eq!(t.post_raw(&journal, &unknown).await.location.as_deref(), Some(journal.as_str()));
    let shown = t.get(&journal).await;
    assert!(shown.has("No single member matches that"), "{}", shown.body);
    let command_id = shown.hidden("command_id");
    let boris_tries = [("csrf", csrf.as_str()), ("command_id", command_id.as_str()), ("trial", "Boris Orlov")];
    t.post_raw(&journal, &boris_tries).await;
    let shown = t.get(&journal).await;
    assert!(shown.has("Boris Orlov") && shown.has("The journal is saved."), "{}", shown.body);
    assert_eq!(balance(&t, &boris).await, 0, "a trial is free");

    // The month's coach pay counts the session and who came.
    t.logout().await;
    t.login("olga", OWNER_PASSWORD).await;
    t.advance(jiff::SignedDuration::from_hours(2));
    let pay = t.get("/reports/coach-pay?from=2026-11-01&to=2026-11-30").await;
    // One session, two who came (Ivan, and Boris on trial).
    assert!(pay.has("<td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">₽800.00</td>"), "{}", pay.body);
    // Group attendance: one session held of four; one came, one on trial, one excused: the two
    // places filled.
    let report = t.get("/reports/coaching?from=2026-11-01&to=2026-12-31").await;
    let row = format!(
        "<a href=\"/groups/{group}\">Juniors 8–10</a></td><td>Anna Petrova</td><td class=\"num\">2</td><td class=\"num\">1</td>\
         <td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">100%</td>"
    );
    assert!(report.has(&row), "{}", report.body);
    let csv = t.get("/reports/coaching.csv?from=2026-11-01&to=2026-12-31").await;
    assert!(csv.body.contains("Juniors 8–10,Anna Petrova,2,1,1,1,0,1,100\n"), "{}", csv.body);
}

/// A coach sees their own groups, sessions and journals only: another coach's group is not
/// found, whatever the route, and members stay the desk's.
#[rocket::async_test]
async fn a_coach_cannot_see_another_coachs_group() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    coach(&t, "orlov", "Boris Orlov", "#c62828").await;
    let page = juniors(&t, &c1, &petrova, &[]).await.location.unwrap();
    let group = page.trim_start_matches("/groups/").to_owned();
    t.submit(&page, &format!("{page}/enrol"), &[("member_id", &ivan)]).await;
    let session = first_session(&t, &group).await;
    t.logout().await;
    t.choose_password("orlov").await;
    t.login("orlov", "orlov chose this").await;
    t.advance(jiff::SignedDuration::from_hours(30));
    t.login("orlov", "orlov chose this").await;
    assert!(!t.get("/groups").await.has("Juniors"), "not in his list");
    let journal = format!("/groups/{group}/sessions/{session}");
    for path in [page.as_str(), journal.as_str(), &format!("/bookings/{session}")] {
        let seen = t.get(path).await;
        let hidden = seen.status == Status::NotFound || seen.location.as_deref() == Some(journal.as_str());
        assert!(hidden, "{path}: {:?}", seen.status);
    }
    assert_eq!(t.get(&format!("/members/{ivan}")).await.status, Status::Forbidden);
    let csrf = t.get("/coach").await.hidden("csrf");
    let command_id = uuid::Uuid::now_v7().to_string();
    let marks = [
        ("csrf", csrf.as_str()),
        ("command_id", command_id.as_str()),
        ("rows[0].member_id", ivan.as_str()),
        ("rows[0].mark", "present"),
    ];
    assert_eq!(t.post_raw(&journal, &marks).await.status, Status::NotFound);
    let enrol = [("csrf", csrf.as_str()), ("command_id", command_id.as_str()), ("member_id", ivan.as_str())];
    assert_eq!(t.post_raw(&format!("{page}/enrol"), &enrol).await.status, Status::Forbidden);
    assert_eq!(t.count("SELECT count(*) FROM group_visits").await, 0);
}

/// A wrong form keeps what was typed; a schedule over taken dates says which, and is made
/// without them only when asked.
#[rocket::async_test]
async fn a_groups_form_names_its_mistakes_and_taken_dates() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let wrong = juniors(&t, &c1, &petrova, &[("capacity", "many")]).await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(wrong.has("value=\"many\"") && wrong.has("Places: a number from 1 to 200."), "{}", wrong.body);
    crate::support::book_as_desk(&t, &c1, &ivan, "2026-12-07", "18:00", 60).await;
    let taken = juniors(&t, &c1, &petrova, &[]).await;
    assert_eq!(taken.status, Status::UnprocessableEntity);
    assert!(taken.has("These dates are taken: "), "{}", taken.body);
    assert_eq!(t.count("SELECT count(*) FROM training_groups").await, 0);
    let skipped = juniors(&t, &c1, &petrova, &[("skip_taken", "on")]).await;
    assert_eq!(skipped.status, Status::SeeOther, "{}", skipped.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE group_id IS NOT NULL").await, 3);
}

/// A cancelled session is off the grid and its members are told by SMS; an extra one is on it.
#[rocket::async_test]
async fn a_session_is_cancelled_or_added_and_the_roster_hears() {
    let t = TestApp::new().await;
    let (c1, _, _, _) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let page = juniors(&t, &c1, &petrova, &[]).await.location.unwrap();
    let group = page.trim_start_matches("/groups/").to_owned();
    let made = t.submit("/members/new", "/members", &[("full_name", "Vera Lis"), ("phone", "+79161234567")]).await;
    let vera = made.location.unwrap().trim_start_matches("/members/").to_owned();
    t.submit(&page, &format!("{page}/enrol"), &[("member_id", &vera)]).await;
    let session = first_session(&t, &group).await;
    let journal = format!("/groups/{group}/sessions/{session}");
    let unsaid = t.submit(&journal, &format!("{journal}/cancel"), &[("reason", " ")]).await;
    assert_eq!(unsaid.location.as_deref(), Some(journal.as_str()));
    assert!(t.get(&journal).await.has("Say why the session is cancelled"), "nothing cancelled without a reason");
    let cancelled = t.submit(&journal, &format!("{journal}/cancel"), &[("reason", "The coach is ill")]).await;
    assert_eq!(cancelled.location.as_deref(), Some(page.as_str()), "{}", cancelled.body);
    assert!(t.get(&page).await.has("The session is cancelled and its members are told."));
    assert!(!t.get("/grid?date=2026-11-30").await.has("Juniors 8–10"));
    // A refused extra session comes back open, as typed, with the reason.
    let early = [("date", "2026-12-06"), ("start", "06:00"), ("minutes", "90"), ("court_id", c1.as_str())];
    let refused = t.submit(&page, &format!("{page}/sessions"), &early).await;
    assert_eq!(refused.status, Status::UnprocessableEntity, "{}", refused.body);
    assert!(
        refused.has("<details id=\"extra-session\" open>") && refused.has("id=\"extra-error\""),
        "{}",
        refused.body
    );
    assert!(refused.has("value=\"2026-12-06\"") && refused.has("<option selected>06:00</option>"), "{}", refused.body);
    let extra = [("date", "2026-12-05"), ("start", "10:00"), ("minutes", "90"), ("court_id", c1.as_str())];
    let added = t.submit(&page, &format!("{page}/sessions"), &extra).await;
    assert_eq!(added.location.as_deref(), Some(page.as_str()));
    assert!(t.get("/grid?date=2026-12-05").await.has("Juniors 8–10"));
    let told = t.count("SELECT count(*) FROM sms_messages WHERE phone = '+79161234567'").await;
    assert_eq!(told, 2, "the cancellation and the extra session");
    // The coach's week still shows the cancelled session, as cancelled, under its weekday.
    t.logout().await;
    t.choose_password("petrova").await;
    t.login("petrova", "petrova chose this").await;
    let week = t.get("/coach?from=2026-11-30").await;
    let line = week.body.split(&format!("id=\"lesson-{session}\"")).nth(1).expect("the session is listed");
    assert!(line[..line.find("</li>").unwrap()].contains("data-status=\"cancelled\""), "{}", week.body);
    assert!(week.has("Monday, 30 November 2026"), "{}", week.body);
}

/// The new-group form says what is wrong with the terms before anything about dates, and a
/// schedule on a day the coach does not work is refused in those words, not as taken dates.
#[rocket::async_test]
async fn a_group_outside_its_coachs_hours_is_refused_in_words() {
    let t = TestApp::new().await;
    let (c1, ..) = club(&t).await;
    let boris = coach(&t, "boris", "Boris", "#283593").await;
    let edit = format!("/coaches/{boris}");
    let hours = [
        ("name", "Boris"),
        ("colour", "#283593"),
        ("lesson_fee", "500"),
        ("pay_per_hour", "800"),
        ("court", c1.as_str()),
        ("weekday", "1"),
        ("from", "16:00"),
        ("to", "21:00"),
        ("active", "on"),
    ];
    assert_eq!(t.submit(&edit, &edit, &hours).await.location.as_deref(), Some("/coaches"));

    let tuesdays = juniors(&t, &c1, &boris, &[("weekday", "2"), ("minimum", "5")]).await;
    assert_eq!(tuesdays.status, Status::UnprocessableEntity);
    assert!(tuesdays.has("The minimum is a number from 0 to the number of places."), "{}", tuesdays.body);
    let tuesdays = juniors(&t, &c1, &boris, &[("weekday", "2"), ("skip_taken", "on")]).await;
    assert_eq!(tuesdays.status, Status::UnprocessableEntity);
    assert!(tuesdays.has("Boris does not coach on this day of the week."), "{}", tuesdays.body);
    assert!(!tuesdays.has("These dates are taken"), "{}", tuesdays.body);
    assert_eq!(juniors(&t, &c1, &boris, &[]).await.status, Status::SeeOther, "Mondays are his");
}

/// Taking a member off says who got the place from the waiting list; moving one into a full
/// group says they are on its waiting list; a move without a group chosen moves nobody.
#[rocket::async_test]
async fn leaving_and_moving_say_where_everyone_went() {
    let t = TestApp::new().await;
    let (c1, _, ivan, anna) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let page = juniors(&t, &c1, &petrova, &[]).await.location.expect("the group's page");
    let adults = [("name", "Adults"), ("capacity", "1"), ("minimum", "0"), ("weekday", "3")];
    let adults = juniors(&t, &c1, &petrova, &adults).await.location.expect("the second group");
    let boris = member(&t, "Boris Orlov").await;
    for who in [&ivan, &anna, &boris] {
        t.submit(&page, &format!("{page}/enrol"), &[("member_id", who)]).await;
    }
    let dmitri = member(&t, "Dmitri Orlov").await;
    t.submit(&adults, &format!("{adults}/enrol"), &[("member_id", &dmitri)]).await;

    t.submit(&page, &format!("{page}/leave"), &[("member_id", &ivan)]).await;
    let shown = t.get(&page).await;
    assert!(shown.has("from the waiting list into the group: Boris Orlov."), "{}", shown.body);
    let adults_id = adults.trim_start_matches("/groups/");
    t.submit(&page, &format!("{page}/move"), &[("member_id", &anna), ("to_group_id", "")]).await;
    assert!(t.get(&page).await.has("Choose the group to move them to."));
    t.submit(&page, &format!("{page}/move"), &[("member_id", &anna), ("to_group_id", adults_id)]).await;
    let shown = t.get(&page).await;
    assert!(shown.has("Adults is full: they are on its waiting list."), "{}", shown.body);
}
