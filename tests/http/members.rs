//! Members: adding, finding, archiving, merging, families, categories, CSV in and out.

use rocket::http::{ContentType, Status};

use crate::support::{Page, TestApp};

async fn club_in_russia(t: &TestApp) {
    let page = t
        .submit("/settings", "/settings", &[("club.name", "Club"), ("club.locale", "en"), ("club.phone_region", "RU")])
        .await;
    assert_eq!(page.status, Status::SeeOther, "{}", page.body);
}

async fn add_member(t: &TestApp, name: &str, phone: &str) -> Page {
    t.submit("/members/new", "/members", &[("full_name", name), ("phone", phone), ("sms_consent", "on")]).await
}

async fn member_url(t: &TestApp, name: &str) -> String {
    let page = add_member(t, name, "").await;
    assert_eq!(page.status, Status::SeeOther, "{}", page.body);
    page.location.unwrap()
}

#[rocket::async_test]
async fn reception_adds_and_finds_members() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    club_in_russia(&t).await;
    let added = add_member(&t, "Иванов Пётр", "8 916 123-45-67").await;
    assert_eq!(added.status, Status::SeeOther, "{}", added.body);
    let card = t.get(added.location.as_deref().unwrap()).await;
    assert!(card.has("Иванов Пётр") && card.has("+7 916 123-45-67") && card.has("№ 000001"), "{}", card.body);
    assert!(card.has("Member added"), "the card shows its history: {}", card.body);

    // The same number again is refused, naming who has it; the input stays.
    let dup = add_member(&t, "Petr Ivanov", "+7 (916) 123 45 67").await;
    assert_eq!(dup.status, Status::UnprocessableEntity);
    assert!(dup.has("This phone belongs to Иванов Пётр (card 1)."), "{}", dup.body);
    assert!(dup.has("value=\"Petr Ivanov\""));
    let bad = add_member(&t, "Someone", "12345").await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.has("This is not a phone number."), "{}", bad.body);

    for (name, phone) in
        [("Иванова Анна", "+7 903 555-12-12"), ("Ivanov Sergey", ""), ("Фёдоров Иван", "+44 7911 123456")]
    {
        assert_eq!(add_member(&t, name, phone).await.status, Status::SeeOther);
    }
    let names = |p: &Page| {
        p.body
            .split("<a href=\"/members/")
            .skip(1)
            .filter_map(|s| s.split_once("\">"))
            .map(|(_, rest)| rest.split("</a>").next().unwrap().to_owned())
            .filter(|n| !n.starts_with("Add"))
            .collect::<Vec<_>>()
    };
    // Prefix matches first, Cyrillic case-insensitive; ё and е are the same letter.
    let found = t.get("/members/search?q=%D0%B8%D0%B2%D0%B0%D0%BD").await; // "иван"
    let order = names(&found);
    assert_eq!(&order[..2], ["Иванов Пётр", "Иванова Анна"], "{order:?}");
    assert!(order.contains(&"Фёдоров Иван".to_owned()), "word prefix: {order:?}");
    assert!(!order.contains(&"Ivanov Sergey".to_owned()), "Latin is another alphabet");
    assert_eq!(names(&t.get("/members/search?q=%D1%84%D0%B5%D0%B4").await), ["Фёдоров Иван"]); // "фед"
    assert_eq!(names(&t.get("/members/search?q=IVAN").await), ["Ivanov Sergey"]);
    assert_eq!(names(&t.get("/members/search?q=5551212").await), ["Иванова Анна"], "phone digits");
    assert_eq!(names(&t.get("/members/search?q=000003").await), ["Ivanov Sergey"], "card number");
    // Numbers as people in the club's country (RU) type them, names in any order; the booking
    // form's picker asks the same search.
    for typed in ["8+916+123-45-67", "89161234567", "8916123", "%2B7+916+123+45+67"] {
        assert_eq!(names(&t.get(&format!("/members/search?q={typed}")).await), ["Иванов Пётр"], "{typed}");
        assert!(t.get(&format!("/members/suggest?q={typed}")).await.has("Иванов Пётр"), "picker: {typed}");
    }
    let reversed = t.get("/members/search?q=%D0%BF%D0%B5%D1%82%D1%80+%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2").await;
    assert_eq!(names(&reversed), ["Иванов Пётр"], "петр иванов");
    assert!(t.get("/members/suggest?q=sergey+ivanov").await.has("Ivanov Sergey"));
    let none = t.get("/members/search?q=zzz").await;
    assert!(none.has("Nobody matches") && none.has("/members/new?name=zzz"), "{}", none.body);
}

#[rocket::async_test]
async fn archive_delete_and_merge_keep_history() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let anna = member_url(&t, "Anna Smith").await;
    let dup = t
        .submit(
            "/members/new",
            "/members",
            &[("full_name", "Anna Smyth"), ("email", "anna@example.org"), ("notes", "Left-handed")],
        )
        .await;
    let dup = dup.location.unwrap();
    let kid = member_url(&t, "Tom Smith").await;

    // Family: Tom is Anna's child (by card number).
    let linked = t.submit(&anna, &format!("{anna}/links"), &[("relation", "child"), ("card", "3")]).await;
    assert_eq!(linked.status, Status::SeeOther, "{}", linked.body);
    assert!(t.get(&kid).await.has("Guardian"));
    let self_link = t.submit(&anna, &format!("{anna}/links"), &[("relation", "child"), ("card", "1")]).await;
    assert!(self_link.has("cannot be their own guardian"), "{}", self_link.body);
    let nobody = t.submit(&anna, &format!("{anna}/links"), &[("relation", "child"), ("card", "99")]).await;
    assert!(nobody.has("There is no member with this card number."));

    // Archive hides from search; restore brings back.
    t.submit(&kid, &format!("{kid}/archive"), &[("archived", "true")]).await;
    assert!(!t.get("/members/search?q=tom").await.has("Tom Smith"));
    assert!(t.get("/members/search?q=tom&archived=true").await.has("Tom Smith"));
    t.submit(&kid, &format!("{kid}/archive"), &[("archived", "false")]).await;
    assert!(t.get("/members/search?q=tom").await.has("Tom Smith"));

    // Merge the duplicate into Anna: details fill in, the duplicate is archived and points to Anna.
    let merged = t.submit(&anna, &format!("{anna}/merge"), &[("card", "2")]).await;
    assert_eq!(merged.status, Status::SeeOther, "{}", merged.body);
    let card = t.get(&anna).await;
    assert!(card.has("anna@example.org") && card.has("Left-handed") && card.has("Anna Smyth merged"), "{}", card.body);
    assert!(t.get(&dup).await.has("This member was merged into"));
    assert!(!t.get("/members/search?q=smyth").await.has("Anna Smyth"));

    // Delete: Tom has a family link (history), so he is archived instead; a fresh entry is deleted.
    let tom = t.submit(&kid, &format!("{kid}/delete"), &[]).await;
    assert_eq!(tom.status, Status::SeeOther);
    assert!(t.get(&kid).await.has("archived instead of deleted"));
    let typo = member_url(&t, "Typo Entry").await;
    assert!(t.get("/members/search?q=typo").await.has("Typo Entry"));
    let deleted = t.submit(&typo, &format!("{typo}/delete"), &[]).await;
    assert_eq!(deleted.location.as_deref(), Some("/members"));
    assert_eq!(t.get(&typo).await.status, Status::NotFound);
    assert!(!t.get("/members/search?q=typo").await.has("Typo Entry"), "search forgets a deleted member");
}

#[rocket::async_test]
async fn categories_come_ready_and_can_be_managed() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let page = t.get("/members/categories").await;
    for name in ["Adult", "Junior", "Senior", "Guest", "Coach"] {
        assert!(page.has(&format!("value=\"{name}\"")), "{name} seeded: {}", page.body);
    }
    let added = t.submit("/members/categories", "/members/categories", &[("name", "Student")]).await;
    assert_eq!(added.status, Status::SeeOther);
    let dup = t.submit("/members/categories", "/members/categories", &[("name", "student")]).await;
    assert_eq!(dup.status, Status::UnprocessableEntity);
    assert!(dup.has("There is already a category called Student."));
    let form = t.get("/members/new").await;
    assert!(form.has(">Student</option>"));
}

#[rocket::async_test]
async fn csv_export_and_import_with_preview() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    club_in_russia(&t).await;
    add_member(&t, "Иванов Пётр", "8 916 123-45-67").await;

    let export = t.client.get("/members/export.csv").dispatch().await;
    assert_eq!(export.status(), Status::Ok);
    assert!(export.headers().get_one("Content-Disposition").unwrap().contains("members-2026-11-29.csv"));
    let bytes = export.into_bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for spreadsheet programs");
    let text = String::from_utf8(bytes).unwrap();
    // A leading "+" would make a spreadsheet read the phone as a formula: it is marked as text.
    assert!(
        text.contains("card_no,full_name,phone") && text.contains("000001,Иванов Пётр,'+7 916 123-45-67"),
        "{text}"
    );

    // Upload: the preview shows every row; nothing is written yet.
    let csrf = t.get("/members/import").await.hidden("csrf");
    let file = "ФИО;Телефон;Дата рождения;Категория\n\
                Смирнова Ольга;8 903 111-22-33;05.06.1985;Взрослый\n\
                Двойник;8 916 123-45-67;;\n\
                ;8 903 000-00-00;;\n\
                Kate Brown;;;Adult\n";
    let boundary = "XBOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"members.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    let preview = t
        .client
        .post("/members/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(preview.status(), Status::Ok);
    let preview = preview.into_string().await.unwrap();
    assert!(preview.contains("1 member will be added") && preview.contains("3 rows will be skipped"), "{preview}");
    assert!(
        preview.contains("Unknown category")
            && preview.contains("belongs to another member")
            && preview.contains("Enter the full name."),
        "{preview}"
    );
    assert_eq!(t.count("SELECT count(*) FROM members").await, 1, "nothing written by the preview");

    let text_start = preview.find("<textarea name=\"text\" hidden>").unwrap() + "<textarea name=\"text\" hidden>".len();
    let raw = preview[text_start..]
        .split("</textarea>")
        .next()
        .unwrap()
        .replace("&#10;", "\n")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let command_id =
        preview.split("name=\"command_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let done =
        t.post_raw("/members/import/confirm", &[("csrf", &csrf), ("command_id", &command_id), ("text", &raw)]).await;
    assert_eq!(done.location.as_deref(), Some("/members"), "{}", done.body);
    assert!(t.get("/members").await.has("1 members imported."));
    assert_eq!(t.count("SELECT count(*) FROM members").await, 2);
    assert!(t.get("/members/search?q=kate").await.has("Kate Brown"));
}

#[rocket::async_test]
async fn bulk_pages_are_for_managers() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.add_staff("rita", "reception", "rita first pass").await;
    t.logout().await;
    t.login("rita", "rita first pass").await;
    t.submit(
        "/profile",
        "/profile/password",
        &[("current", "rita first pass"), ("password", "rita new password"), ("confirm", "rita new password")],
    )
    .await;
    assert_eq!(t.get("/members").await.status, Status::Ok);
    for path in ["/members/categories", "/members/import", "/members/export.csv"] {
        assert_eq!(t.get(path).await.status, Status::Forbidden, "{path}");
    }
}

#[rocket::async_test]
async fn the_card_lists_the_next_and_the_latest_bookings_and_the_whole_history_is_a_page_away() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let token = t.api_token("olga").await;
    let court = t.api(rocket::http::Method::Post, "/api/v1/courts", &token, Some(r#"{"name":"Court 1"}"#), None).await;
    let court = court.json()["id"].as_str().unwrap().to_owned();
    let card = member_url(&t, "Anna Smith").await;
    let anna = card.trim_start_matches("/members/").to_owned();
    // A morning hour every day for 60 days from 1 December.
    let first: jiff::civil::Date = "2026-12-01".parse().unwrap();
    let mut bookings = Vec::new();
    for n in 0..60 {
        let day = first.checked_add(jiff::Span::new().days(n)).unwrap();
        let body =
            serde_json::json!({ "court_id": court, "member_id": anna, "start": format!("{day}T10:00"), "minutes": 60 });
        let made = t.api(rocket::http::Method::Post, "/api/v1/bookings", &token, Some(&body.to_string()), None).await;
        assert_eq!(made.status, Status::Created, "{}", made.body);
        bookings.push(made.json()["id"].as_str().unwrap().to_owned());
    }
    // Noon on 23 December: 23 mornings are over, 37 to come.
    t.advance(jiff::SignedDuration::from_hours(24 * 24));
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let page = t.get(&card).await;
    let section =
        |id: &str| page.body.split(&format!("id=\"{id}\"")).nth(1).unwrap().split("</section>").next().unwrap();
    let listed = |id: &str| bookings.iter().filter(|b| section(id).contains(&format!("/bookings/{b}\""))).count();
    assert_eq!(listed("member-upcoming"), 37, "every coming booking");
    assert!(section("member-upcoming").contains(&format!("/bookings/{}\"", bookings[23])), "the next one first");
    assert_eq!(listed("member-past"), 20);
    assert!(section("member-past").contains(&format!("/bookings/{}\"", bookings[22])), "the latest past one");
    assert!(!section("member-past").contains(&format!("/bookings/{}\"", bookings[2])), "the oldest are left out");
    assert!(section("member-past").contains("Only the latest 20 are shown."), "{}", section("member-past"));
    assert_eq!(section("member-history").matches("<tr>").count(), 20);

    // The member added and 60 bookings: 61 entries over two pages, newest first.
    let history = format!("{card}/history");
    assert!(section("member-history").contains(&format!("href=\"{history}\"")));
    let first_page = t.get(&history).await;
    assert_eq!(first_page.body.matches("<tr>").count(), 50);
    assert!(first_page.has("?page=1") && !first_page.has("?page=0"), "{}", first_page.body);
    let last_page = t.get(&format!("{history}?page=1")).await;
    assert_eq!(last_page.body.matches("<tr>").count(), 11);
    assert!(last_page.has("Member added") && last_page.has("?page=0") && !last_page.has("?page=2"));
    assert_eq!(t.get("/members/nobody/history").await.status, Status::NotFound);
}
