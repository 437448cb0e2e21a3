//! The OpenAPI 3.1 description of /api/v1. A test compares it with the mounted routes, so a
//! route cannot be added without being described.

use rocket::serde::json::{Value, json};
use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};

pub fn document() -> Value {
    // Request bodies are described from the structs the API reads them into (see `input`).
    let mut g =
        SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas/".into()).into_generator();
    let mut doc = core(&mut g);
    merge(&mut doc["components"]["schemas"], pass_schemas());
    merge(&mut doc["paths"], pass_paths(&mut g));
    merge(&mut doc["components"]["schemas"], Value::Object(g.take_definitions(true)));
    declare_problems(&mut doc);
    doc
}

/// Every operation may be refused the same ways, whatever it does: each answer is listed on
/// each operation (413 and 415 only where a body is sent).
fn declare_problems(doc: &mut Value) {
    const ALWAYS: [&str; 9] = ["400", "401", "403", "404", "409", "422", "429", "503", "507"];
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for (_, ops) in paths.iter_mut().filter(|(path, _)| path.as_str() != "/openapi.json") {
        for op in ops.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            let with_body = op.get("requestBody").is_some();
            let Some(responses) = op["responses"].as_object_mut() else { continue };
            let extra: &[&str] = if with_body { &["413", "415"] } else { &[] };
            for code in ALWAYS.iter().chain(extra) {
                let answer = if *code == "401" { "Unauthorized" } else { "Problem" };
                responses
                    .entry(code.to_string())
                    .or_insert_with(|| json!({ "$ref": format!("#/components/responses/{answer}") }));
            }
        }
    }
}

/// The schema of a request body: a reference into components/schemas, where its definition
/// (properties, `required`, `additionalProperties: false` where the server refuses extras) goes.
fn input<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

fn merge(into: &mut Value, more: Value) {
    if let (Some(map), Value::Object(extra)) = (into.as_object_mut(), more) {
        map.extend(extra);
    }
}

/// Passes and the cash desk (kept apart: one json! this size exceeds the macro's recursion).
fn pass_schemas() -> Value {
    json!({
                "PassProduct": { "type": "object", "properties": {
                    "id": { "type": "string" }, "name": { "type": "string" },
                    "kind": { "type": "string", "enum": ["visits", "hours", "value", "period"] },
                    "quantity": { "type": "integer", "description": "visits, minutes, or minor units of value (price + bonus); 0 for a period membership" },
                    "bonus": { "type": "integer" }, "discount_pct": { "type": "integer", "description": "period membership: share of each booking it pays" },
                    "price": { "type": "integer" }, "valid_days": { "type": "integer" },
                    "court_ids": { "type": "array", "items": { "type": "string" } }, "weekdays": { "type": "array", "items": { "type": "integer" } },
                    "from": { "type": "string" }, "to": { "type": "string" }, "active": { "type": "boolean" } } },
                "Pass": { "type": "object", "properties": {
                    "id": { "type": "string" }, "member_id": { "type": "string" }, "product_id": { "type": "string" }, "name": { "type": "string" },
                    "kind": { "type": "string", "enum": ["visits", "hours", "value", "period"] }, "quantity": { "type": "integer" },
                    "remaining": { "type": ["integer", "null"], "description": "in the kind's unit; null for a period membership" },
                    "discount_pct": { "type": "integer" }, "price": { "type": "integer" },
                    "valid_from": { "type": "string", "format": "date" }, "valid_until": { "type": "string", "format": "date" },
                    "frozen_since": { "type": ["string", "null"], "format": "date" },
                    "state": { "type": "string", "enum": ["active", "not-started", "frozen", "expired", "used-up", "refunded"] },
                    "sold_at": { "type": "string", "format": "date-time" } } },
                "Shift": { "type": "object", "properties": {
                    "id": { "type": "string" }, "opened_at": { "type": "string", "format": "date-time" }, "opened_by": { "type": "string" },
                    "float": { "type": "integer" }, "closed_at": { "type": ["string", "null"] }, "closed_by": { "type": ["string", "null"] },
                    "counted": { "type": ["integer", "null"] }, "difference": { "type": ["integer", "null"], "description": "counted − expected, once closed" },
                    "note": { "type": "string" }, "expected_cash": { "type": "integer" },
                    "by_method": { "type": "array", "items": { "type": "object", "properties": { "method": { "type": "string" }, "taken": { "type": "integer" }, "refunded": { "type": "integer" } } } },
                    "by_purpose": { "type": "array", "items": { "type": "object", "properties": { "purpose": { "type": "string" }, "net": { "type": "integer" } } } },
                    "movements": { "type": "array", "items": { "type": "object", "properties": { "at": { "type": "string" }, "amount": { "type": "integer" }, "reason": { "type": "string" }, "taken_by": { "type": "string" } } } } } }
    })
}

fn pass_paths(g: &mut SchemaGenerator) -> Value {
    json!({
            "/pass-products": {
                "get": op("The passes and memberships the club sells (managers define them on the Passes page)", "listPassProducts", json!([]), None, ok_list("products", "PassProduct"))
            },
            "/passes": {
                "post": op("Sell a pass to a member: a payment (cash needs an open shift; wallet pays from the member's account). The pass and its payment take the request's id, so a retry with the same Idempotency-Key sells once.",
                    "sellPass", json!([idem()]),
                    Some((input::<super::passes::SellInput>(g), json!({ "member_id": "…", "product_id": "…", "method": "card", "valid_from": "2026-12-01" }))),
                    created("Pass"))
            },
            "/passes/{id}": {
                "get": op("One pass with what is left of it", "getPass", json!([path_id()]), None, ok_one("Pass"))
            },
            "/passes/{id}/freeze": {
                "post": op("Freeze a pass from a day (today when not given); it cannot be used until unfrozen", "freezePass", json!([path_id(), idem()]),
                    Some((input::<super::passes::FreezeInput>(g), json!({ "from": "2026-12-10" }))), ok_one("Pass"))
            },
            "/passes/{id}/unfreeze": {
                "post": op("End a freeze today; the frozen days are added to the validity", "unfreezePass", json!([path_id(), idem()]), None, ok_one("Pass"))
            },
            "/members/{id}/passes": {
                "get": op("A member's passes, newest first", "listMemberPasses", json!([path_id()]), None, ok_list("passes", "Pass"))
            },
            "/bookings/{id}/pass": {
                "post": op("Pay what is left on a booking from a pass of the booker or a member player (a payment with method pass)", "payBookingWithPass", json!([path_id(), idem()]),
                    Some((input::<super::passes::UseInput>(g), json!({ "pass_id": "…" }))), created("Payment"))
            },
            "/shifts": {
                "post": op("Open the cash desk with the float counted in the till", "openShift", json!([idem()]), Some((input::<super::shifts::OpenInput>(g), json!({ "float": 500000 }))), created("Shift"))
            },
            "/shifts/current": {
                "get": op("The open shift with its X report figures (404 when the desk is closed)", "getCurrentShift", json!([]), None, ok_one("Shift"))
            },
            "/shifts/current/movements": {
                "post": op("Put cash into the till (positive) or take it out (negative), with the reason", "moveCash", json!([idem()]),
                    Some((input::<super::shifts::MoveInput>(g), json!({ "amount": -20000, "reason": "Bought balls" }))), created("Shift"))
            },
            "/shifts/{id}": {
                "get": op("One shift with its figures: the X report while open, the Z report once closed", "getShift", json!([path_id()]), None, ok_one("Shift"))
            },
            "/shifts/{id}/close": {
                "post": op("Close the shift with the cash counted; the difference is kept", "closeShift", json!([path_id(), idem()]),
                    Some((input::<super::shifts::CloseInput>(g), json!({ "counted": 1234000, "note": "" }))), ok_one("Shift"))
            }
    })
}

fn core(g: &mut SchemaGenerator) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Courtside API",
            // The API's version, not the program's: the document is served to anyone who asks.
            "version": "1",
            "description": "JSON API of a Courtside tennis-club hub. Authenticate with `Authorization: Bearer <token>`; \
                            an owner or manager issues tokens per staff user (Staff page, or `courtside token create`). \
                            Errors are application/problem+json (RFC 9457)."
        },
        "servers": [{ "url": "/api/v1" }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": { "type": "string" },
                        "title": { "type": "string" },
                        "status": { "type": "integer" },
                        "detail": { "type": "string" },
                        "code": { "type": ["string", "null"] },
                        "field": { "type": ["string", "null"] }
                    }
                },
                "Court": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string", "format": "uuid", "readOnly": true },
                        "name": { "type": "string", "maxLength": 40 },
                        "surface": { "type": "string", "enum": ["hard", "clay", "grass", "carpet", "artificial_grass"] },
                        "indoor": { "type": "boolean" },
                        "floodlights": { "type": "boolean" },
                        "group": { "type": "string", "maxLength": 40 },
                        "display_order": { "type": "integer", "minimum": 0, "maximum": 999 },
                        "active": { "type": "boolean" }
                    }
                },
                "Member": { "type": "object", "properties": {
                    "id": { "type": "string" }, "card_no": { "type": "integer", "readOnly": true }, "full_name": { "type": "string" },
                    "phone": { "type": ["string", "null"], "description": "E.164; input may be local to the club's phone region" },
                    "email": { "type": "string" }, "birth_date": { "type": ["string", "null"], "format": "date" },
                    "category_id": { "type": ["string", "null"] }, "tags": { "type": "array", "items": { "type": "string" } },
                    "notes": { "type": "string" }, "sms_consent": { "type": "boolean" }, "archived": { "type": "boolean", "readOnly": true } } },
                "Booking": { "type": "object", "properties": {
                    "id": { "type": "string" }, "court_id": { "type": "string" }, "start": { "type": "string", "format": "date-time" },
                    "end": { "type": "string", "format": "date-time" }, "minutes": { "type": "integer" },
                    "kind": { "type": "string", "enum": ["play", "lesson", "tournament", "block"] },
                    "status": { "type": "string", "enum": ["booked", "checked_in", "no_show", "cancelled"] },
                    "member_id": { "type": ["string", "null"] }, "member_name": { "type": ["string", "null"] },
                    "players": { "type": "array", "items": { "type": "object", "properties": { "member_id": { "type": "string" }, "guest_name": { "type": "string" } } } },
                    "note": { "type": "string" }, "source": { "type": "string" }, "series_id": { "type": ["string", "null"] },
                    "price": { "type": "integer", "description": "minor units of the club currency" },
                    "price_note": { "type": "string", "description": "why a manager set the price by hand; empty when the price list decides" },
                    "pass_id": { "type": ["string", "null"], "description": "the pass that pays, or will pay at check-in, for the booking" },
                    "coach_id": { "type": ["string", "null"], "description": "a lesson's coach (their staff account)" } } },
                "Payment": { "type": "object", "properties": {
                    "id": { "type": "string" }, "receipt_no": { "type": "integer" }, "at": { "type": "string", "format": "date-time" },
                    "member_id": { "type": ["string", "null"] }, "booking_id": { "type": ["string", "null"] },
                    "purpose": { "type": "string", "enum": ["booking", "top_up", "pass"] },
                    "method": { "type": "string", "enum": ["cash", "card", "transfer", "other", "wallet", "pass"] },
                    "pass_id": { "type": ["string", "null"], "description": "the pass sold (purpose pass) or used (method pass)" },
                    "amount": { "type": "integer", "description": "minor units; refunds are negative" },
                    "refund_of": { "type": ["string", "null"] }, "payer_name": { "type": "string" }, "note": { "type": "string" }, "taken_by": { "type": "string" } } },
                "SmsMessage": { "type": "object", "properties": {
                    "id": { "type": "string" },
                    "status": { "type": "string", "enum": ["pending", "sending", "queued", "sent", "delivered", "failed", "expired", "rejected", "unknown", "cancelled"],
                                "description": "pending/sending: in the hub's outbox; queued..unknown: the providers' statuses in one model; unknown: the provider's answer never came (never resent blindly)" },
                    "cost": { "type": ["string", "null"], "description": "decimal, in currency; null until the provider prices it" },
                    "currency": { "type": ["string", "null"] },
                    "segments": { "type": "integer", "description": "SMS parts: GSM-7 160/153, UCS-2 (any Cyrillic) 70/67" },
                    "phone": { "type": "string" }, "member_id": { "type": ["string", "null"] },
                    "kind": { "type": "string", "enum": ["reminder", "confirmation", "cancellation", "campaign", "manual", "code", "test"] },
                    "campaign_id": { "type": ["string", "null"] }, "booking_id": { "type": ["string", "null"] },
                    "error": { "type": ["string", "null"], "description": "provider code or our reason" },
                    "created_at": { "type": "string", "format": "date-time" }, "sent_at": { "type": ["string", "null"], "format": "date-time" } } },
                "SmsCampaign": { "type": "object", "properties": {
                    "id": { "type": "string" }, "name": { "type": "string" }, "text": { "type": "string" },
                    "status": { "type": "string", "enum": ["scheduled", "sending", "cancelled"] },
                    "send_at": { "type": "string", "format": "date-time" }, "recipients": { "type": "integer" },
                    "counts": { "type": "object", "properties": { "pending": { "type": "integer" }, "sent": { "type": "integer" }, "delivered": { "type": "integer" },
                        "failed": { "type": "integer" }, "expired": { "type": "integer" }, "unknown": { "type": "integer" }, "cancelled": { "type": "integer" } } },
                    "segments": { "type": "integer" }, "cost": { "type": "string" }, "currency": { "type": ["string", "null"] } } },
                "Ledger": { "type": "object", "properties": {
                    "balance": { "type": "integer", "description": "sum of the entries, minor units; negative: the member owes" },
                    "currency": { "type": "string" },
                    "entries": { "type": "array", "items": { "type": "object", "properties": {
                        "id": { "type": "string" }, "at": { "type": "string", "format": "date-time" },
                        "kind": { "type": "string", "enum": ["payment", "charge", "refund", "payout", "adjustment", "fee", "waiver", "merged", "pass_sale", "pass_use", "pass_return", "group_fee", "group_fee_back"] },
                        "amount": { "type": "integer" }, "booking_id": { "type": ["string", "null"] }, "payment_id": { "type": ["string", "null"] }, "reason": { "type": "string" } } } } } },
                "Quote": { "type": "object", "properties": {
                    "amount": { "type": "integer", "description": "minor units" }, "currency": { "type": "string" },
                    "lights": { "type": "integer" }, "guests": { "type": "integer" }, "unpriced_minutes": { "type": "integer" },
                    "lines": { "type": "array", "items": { "type": "object", "properties": { "rule": { "type": "string" }, "minutes": { "type": "integer" }, "amount": { "type": "integer" } } } } } },
                "SeriesResult": { "type": "object", "properties": { "id": { "type": "string" }, "booked": { "type": "integer" }, "skipped": { "type": "array", "items": { "type": "string", "format": "date" } } } },
                "Me": {
                    "type": "object",
                    "required": ["id", "username", "display_name", "role"],
                    "properties": {
                        "id": { "type": "string", "format": "uuid" },
                        "username": { "type": "string" },
                        "display_name": { "type": "string" },
                        "role": { "type": "string", "enum": ["owner", "manager", "reception", "coach"] },
                        "locale": { "type": ["string", "null"], "enum": ["en", "ru", null] }
                    }
                }
            },
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "Any text. A retried request with the same key returns the first result instead of acting twice. A key belongs to its caller and endpoint; sent again with another body or to another resource it is refused (422, code idempotency-key-reused).",
                    "schema": { "type": "string" }
                }
            },
            "responses": {
                "Problem": {
                    "description": "Refused, nothing done: 400 unreadable request, 403 role, 404 unknown id, 409 already taken (e.g. a court name), 413 body too large, 415 body not JSON, 422 invalid field (`field` names it; `code` idempotency-key-reused for a key sent again with another request), 429/503 busy or the database unavailable (Retry-After), 507 the server's disk is full.",
                    "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
                },
                "Unauthorized": {
                    "description": "Missing, revoked or unknown token.",
                    "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
                }
            }
        },
        "security": [{ "bearer": [] }],
        "paths": {
            "/me": {
                "get": {
                    "summary": "The staff user the token belongs to",
                    "operationId": "getMe",
                    "responses": {
                        "200": { "description": "The user", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Me" } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" }
                    }
                }
            },
            "/courts": {
                "get": {
                    "summary": "All courts in display order",
                    "operationId": "listCourts",
                    "responses": {
                        "200": { "description": "Courts", "content": { "application/json": { "schema": {
                            "type": "object", "properties": { "courts": { "type": "array", "items": { "$ref": "#/components/schemas/Court" } } } } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" }
                    }
                },
                "post": {
                    "summary": "Add a court (manager or owner)",
                    "operationId": "createCourt",
                    "parameters": [{ "$ref": "#/components/parameters/IdempotencyKey" }],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": input::<super::courts::CourtInput>(g), "example": { "name": "Court 1", "surface": "clay" } } } },
                    "responses": {
                        "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Court" } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" },
                        "403": { "$ref": "#/components/responses/Problem" },
                        "409": { "$ref": "#/components/responses/Problem" },
                        "422": { "$ref": "#/components/responses/Problem" }
                    }
                }
            },
            "/courts/{id}": {
                "patch": {
                    "summary": "Change a court (manager or owner); fields left out keep their value",
                    "operationId": "updateCourt",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "$ref": "#/components/parameters/IdempotencyKey" }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": input::<super::courts::CourtInput>(g) } } },
                    "responses": {
                        "200": { "description": "The court as saved", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Court" } } } },
                        "401": { "$ref": "#/components/responses/Unauthorized" },
                        "403": { "$ref": "#/components/responses/Problem" },
                        "404": { "$ref": "#/components/responses/Problem" },
                        "409": { "$ref": "#/components/responses/Problem" },
                        "422": { "$ref": "#/components/responses/Problem" }
                    }
                }
            },
            "/members": {
                "get": op("Search members by name, phone digits or card number (prefix matches first)", "searchMembers",
                    json!([query("q", "string"), { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }, query("archived", "boolean")]), None,
                    ok_list("members", "Member")),
                "post": op("Add a member (reception and up)", "createMember", json!([idem()]), Some((input::<super::members::MemberInput>(g), json!({ "full_name": "Anna Smith", "phone": "+7 916 123-45-67" }))),
                    created("Member"))
            },
            "/members/{id}": {
                "get": op("One member", "getMember", json!([path_id()]), None, ok_one("Member")),
                "patch": op("Change a member; fields left out keep their value", "updateMember", json!([path_id(), idem()]), Some((input::<super::members::MemberInput>(g), json!({ "email": "anna@example.org" }))), ok_one("Member"))
            },
            "/members/{id}/archive": {
                "post": op("Archive a member (or restore with {\"archived\": false})", "archiveMember", json!([path_id(), idem()]), Some((input::<super::members::ArchiveInput>(g), json!({ "archived": true }))), ok_one("Member"))
            },
            "/bookings": {
                "get": op("Bookings of a day (date) or a range (from, to; at most 62 days), optionally one court (reception and up)", "listBookings",
                    json!([query_date("date"), query_date("from"), query_date("to"), query("court_id", "string")]), None,
                    ok_list("bookings", "Booking")),
                "post": op("Book a court. start is RFC 3339 with an offset or club-local YYYY-MM-DDTHH:MM. A taken slot is 409 naming the booking_id that holds it. pass_id pays it from a pass of the member or a member player (now, or at check-in, as the club's policy says). An Idempotency-Key header (or command_id) makes a retry return the first booking.",
                    "createBooking", json!([idem()]),
                    Some((input::<super::bookings::BookingInput>(g), json!({ "court_id": "…", "member_id": "…", "start": "2026-12-01T18:00", "minutes": 60 }))),
                    created("Booking"))
            },
            "/bookings/{id}": {
                "get": op("One booking (a coach: their own lessons only)", "getBooking", json!([path_id()]), None, ok_one("Booking")),
                "patch": op("Move, extend or change a booking (court_id, start, minutes, member_id, players, kind, note); everything is checked again", "updateBooking", json!([path_id(), idem()]), Some((input::<super::bookings::BookingChange>(g), json!({ "start": "2026-12-01T19:00", "minutes": 90 }))), ok_one("Booking"))
            },
            "/bookings/{id}/cancel": {
                "post": op("Cancel with a reason (kept, with the time of cancellation)", "cancelBooking", json!([path_id(), idem()]), Some((input::<super::bookings::CancelInput>(g), json!({ "reason": "Weather" }))), ok_one("Booking"))
            },
            "/bookings/{id}/check-in": {
                "post": op("Check in (from an hour before the start)", "checkInBooking", json!([path_id(), idem()]), None, ok_one("Booking"))
            },
            "/prices/quote": {
                "get": op("What a booking would cost: court_id, start (as for bookings), minutes, optional member_id (their category's prices) and guests (count)", "quotePrice",
                    json!([query("court_id", "string"), query("start", "string"), query("minutes", "integer"), query("member_id", "string"), query("guests", "integer")]), None,
                    ok_one("Quote"))
            },
            "/payments": {
                "post": op("Take a payment: for a booking (booking_id; at most what is left to pay) or, without booking_id, a top-up of the member's account. method cash needs an open cash desk shift; wallet pays from the member's account. An Idempotency-Key header (or command_id) makes a retry count once.",
                    "createPayment", json!([idem()]),
                    Some((input::<super::payments::PaymentInput>(g), json!({ "member_id": "…", "booking_id": "…", "amount": 120000, "method": "cash" }))),
                    created("Payment"))
            },
            "/payments/{id}": {
                "get": op("One payment or refund", "getPayment", json!([path_id()]), None, ok_one("Payment"))
            },
            "/payments/{id}/refund": {
                "post": op("Give back (part of) a payment, the way it was paid or (to_wallet) to the member's account; never more than is left", "refundPayment", json!([path_id(), idem()]),
                    Some((input::<super::payments::RefundInput>(g), json!({ "amount": 50000, "reason": "Rain", "to_wallet": true }))), created("Payment"))
            },
            "/members/{id}/ledger": {
                "get": op("The member's account: every entry and the balance", "getLedger", json!([path_id()]), None, ok_one("Ledger"))
            },
            "/series": {
                "post": op("Create a weekly series (weekdays 1 = Monday) between two dates, at club wall-clock time across DST. Dates that cannot be booked refuse the series (409) unless skip_conflicts is true.",
                    "createSeries", json!([idem()]),
                    Some((input::<super::bookings::SeriesInput>(g), json!({ "court_id": "…", "weekdays": [2, 4], "start": "19:00", "minutes": 60, "first_day": "2026-12-01", "last_day": "2027-02-28", "member_id": "…", "skip_conflicts": true }))),
                    created("SeriesResult"))
            },
            "/series/{id}/edit": {
                "post": op("Change court, time or length from from_day on (this and following); earlier dates keep theirs and the rest becomes a new series (id in the answer)", "editSeries", json!([path_id(), idem()]),
                    Some((input::<super::bookings::SeriesEdit>(g), json!({ "from_day": "2027-01-10", "court_id": "…", "start": "20:00", "minutes": 60 }))), ok_one("SeriesResult"))
            },
            "/series/{id}/end": {
                "post": op("End a series early: its dates after last_day are cancelled. Cancel one date with /bookings/{id}/cancel.", "endSeries", json!([path_id(), idem()]), Some((input::<super::bookings::SeriesEnd>(g), json!({ "last_day": "2027-01-31" }))), ok_one("SeriesResult"))
            },
            "/sms/messages": {
                "post": op("Queue one SMS to a member (member_id) or a number (phone, local numbers read in the club's region); the hub's sender hands it to the provider. 202 with the message; follow it with GET.",
                    "sendSms", json!([idem()]),
                    Some((input::<super::sms::MessageInput>(g), json!({ "phone": "+79161234567", "text": "Your racket is ready" }))),
                    accepted("SmsMessage"))
            },
            "/sms/messages/{id}": {
                "get": op("One SMS: status, cost, segments", "getSms", json!([path_id()]), None, ok_one("SmsMessage"))
            },
            "/sms/campaigns": {
                "post": op("Create a campaign (managers). audience.by: all_active | category (category_id) | tag (tag) | played_between (from, to: dates) | pass_holders (on: a date) | pasted (text: numbers). Members without SMS consent, who opted out, without a phone, or repeated are left out. The text may use {name} and {club}. send_at: later, or now when absent.",
                    "createCampaign", json!([idem()]),
                    Some((input::<super::sms::CampaignInput>(g), json!({ "name": "Junior camp", "text": "{name}, camp on Saturday!", "audience": { "by": "category", "category_id": "…" } }))),
                    created("SmsCampaign")),
                "get": op("Campaigns, newest first, with delivery counts (managers)", "listCampaigns", json!([]), None, ok_list("campaigns", "SmsCampaign"))
            },
            "/sms/campaigns/{id}": {
                "get": op("One campaign with its delivery counts and cost (managers)", "getCampaign", json!([path_id()]), None, ok_one("SmsCampaign"))
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "getOpenApi",
                    "security": [],
                    "responses": { "200": { "description": "The OpenAPI document", "content": { "application/json": {} } } }
                }
            }
        }
    })
}

fn query_date(name: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string", "format": "date" } })
}

fn query(name: &str, kind: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": { "type": kind } })
}

fn path_id() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } })
}

fn idem() -> Value {
    json!({ "$ref": "#/components/parameters/IdempotencyKey" })
}

fn answer(status: &str, description: &str, schema: Value) -> Value {
    json!({ status: { "description": description, "content": { "application/json": { "schema": schema } } } })
}

fn schema_ref(schema: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{schema}") })
}

fn ok_one(schema: &str) -> Value {
    answer("200", "OK", schema_ref(schema))
}

fn ok_list(key: &str, schema: &str) -> Value {
    answer(
        "200",
        "OK",
        json!({ "type": "object", "properties": { key: { "type": "array", "items": schema_ref(schema) } } }),
    )
}

fn accepted(schema: &str) -> Value {
    answer("202", "Accepted", schema_ref(schema))
}

fn created(schema: &str) -> Value {
    answer("201", "Created", schema_ref(schema))
}

/// One operation; `body` is (schema, example).
fn op(summary: &str, id: &str, parameters: Value, body: Option<(Value, Value)>, responses: Value) -> Value {
    let mut o = json!({ "summary": summary, "operationId": id, "parameters": parameters, "responses": responses });
    if let Some((schema, example)) = body {
        o["requestBody"] =
            json!({ "required": true, "content": { "application/json": { "schema": schema, "example": example } } });
    }
    o
}

/// (METHOD, path) pairs in `doc`.
pub fn described(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            for method in ops.as_object().into_iter().flat_map(|o| o.keys()) {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}
