//! The booking widget: free time as JSON for the sites the club lists (CORS) and as a page only
//! they may frame; a start leads into the portal, through the sign-in, to that slot.

use rocket::http::{Header, Status};

use crate::portal::{ANNA, code_sent};
use crate::portal_booking::club_with_court;

#[rocket::async_test]
async fn the_widget_answers_the_listed_site_only_and_leads_into_the_portal() {
    let (t, court) = club_with_court().await;
    assert_eq!(t.get("/p/widget/availability.json").await.status, Status::NotFound, "off until the club turns it on");
    assert_eq!(t.get("/p/widget").await.status, Status::NotFound);
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let fields = [
        ("enabled", "on"),
        ("booking", "on"),
        ("offer_minutes", "30"),
        ("widget", "on"),
        ("widget_origins", "http://127.0.0.1:8081\nhttps://club.example/"),
        ("address", "https://hub.example"),
    ];
    let saved = t.submit("/settings/portal", "/settings/portal", &fields).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let page = t.get("/settings/portal").await;
    assert!(
        page.has("&#60;script src=&#34;https://hub.example/widget.js&#34; data-days=&#34;7&#34; async&#62;"),
        "{}",
        page.body
    );
    t.logout().await;

    let listed = t.get_with("/p/widget/availability.json?days=3", Header::new("Origin", "http://127.0.0.1:8081")).await;
    assert_eq!(listed.status, Status::Ok);
    assert_eq!(listed.header("Access-Control-Allow-Origin"), Some("http://127.0.0.1:8081"));
    let json = listed.json();
    assert_eq!(json["days"].as_array().unwrap().len(), 3);
    assert_eq!(json["days"][1]["courts"][0]["id"], court.as_str());
    assert!(json["days"][1]["courts"][0]["free"].as_array().unwrap().iter().any(|t| t == "19:00"));
    let other = t.get_with("/p/widget/availability.json", Header::new("Origin", "http://127.0.0.1:8082")).await;
    assert_eq!(other.header("Access-Control-Allow-Origin"), None, "an unlisted site's browser refuses the answer");
    let many = t.get("/p/widget/availability.json?days=400").await.json();
    assert_eq!(many["days"].as_array().unwrap().len(), 14, "two weeks at most, whatever is asked");

    let framed = t.get("/p/widget").await;
    assert_eq!(framed.status, Status::Ok);
    let csp = framed.header("Content-Security-Policy").unwrap();
    assert!(csp.contains("frame-ancestors 'self' http://127.0.0.1:8081 https://club.example"), "{csp}");
    assert_eq!(framed.header("X-Frame-Options"), None);
    assert!(framed.has(&format!("/p/book/{court}?date=2026-11-29&start=")));
    assert_eq!(t.get("/p/").await.header("X-Frame-Options"), Some("DENY"), "the rest of the portal is never framed");
    let script = t.get("/widget.js").await;
    assert_eq!(script.status, Status::Ok);
    assert!(script.content_type.as_deref().unwrap_or_default().contains("javascript"));

    // A start from the widget: sign in, and come back to that slot.
    let slot = format!("/p/book/{court}?date=2026-11-30&start=19:00");
    let to_sign_in = t.get(&slot).await.location.unwrap();
    assert!(to_sign_in.starts_with("/p/sign-in?next="), "{to_sign_in}");
    let asked = t.submit(&to_sign_in, "/p/sign-in", &[("phone", ANNA), ("next", &slot)]).await;
    let code_page = asked.location.unwrap();
    let request = code_page.split("r=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code = code_sent(&t, ANNA).await.unwrap();
    let form = t.get(&code_page).await;
    assert!(form.has(&format!("name=\"next\" value=\"{}\"", slot.replace('&', "&#38;"))), "{}", form.body);
    let csrf = form.hidden("csrf");
    let id = uuid::Uuid::now_v7().to_string();
    let signed = t
        .post_raw(
            "/p/sign-in/code",
            &[("csrf", &csrf), ("command_id", &id), ("r", &request), ("code", &code), ("next", &slot)],
        )
        .await;
    assert_eq!(signed.location.as_deref(), Some(slot.as_str()), "{}", signed.body);
}
