//! Twilio Programmable Messaging: one recipient per `POST …/Messages.json`, Basic auth with the
//! account SID and auth token, real HTTP statuses, `{code, message}` errors (research/sms.md §3).

use serde_json::Value;

use super::{
    Outgoing, PollRef, ProviderConfig, ProviderError, StatusUpdate, Submitted, exchange, field, int_of, text_of,
    unclear,
};
use crate::sms::model::{Status, parse_micros};

pub struct Twilio {
    base: String,
    sid: String,
    token: String,
    from: String,
    http: reqwest::Client,
}

/// A message status and error code (§3.3) in the common model.
pub fn delivery_status(status: &str, error_code: Option<i64>) -> Status {
    let blocked = matches!(error_code, Some(30004 | 30007 | 21610));
    match status {
        "accepted" | "scheduled" | "queued" | "sending" => Status::Queued,
        "sent" => Status::Sent,
        "delivered" | "read" => Status::Delivered,
        "undelivered" if blocked => Status::Rejected,
        "undelivered" => Status::Failed,
        "failed" if error_code == Some(30001) => Status::Expired,
        "failed" if blocked => Status::Rejected,
        "failed" => Status::Failed,
        "canceled" => Status::Rejected,
        _ => Status::Unknown,
    }
}

/// A refused create (§3.4): the request's class, or this message's outcome.
pub fn create_error(http: u16, code: i64, note: String) -> Result<Submitted, ProviderError> {
    match (http, code) {
        (401, _) | (_, 20003) => Err(ProviderError::Auth(note)),
        (_, 10001 | 30002) => Err(ProviderError::NoMoney(note)),
        (_, 21212 | 21606 | 21408) => Err(ProviderError::Config(note)),
        (_, 21610) => Ok(Submitted::Refused { status: Status::Rejected, code: code.to_string(), note }),
        (400..=499, _) => Ok(Submitted::Refused { status: Status::Failed, code: code.to_string(), note }),
        _ => Err(ProviderError::Ambiguous(note)),
    }
}

impl Twilio {
    pub fn new(cfg: &ProviderConfig, http: reqwest::Client) -> Twilio {
        Twilio {
            base: cfg.base_url(),
            sid: cfg.login.clone(),
            token: cfg.secret.clone(),
            from: cfg.sender.clone(),
            http,
        }
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/2010-04-01/Accounts/{}{tail}", self.base, self.sid)
    }

    async fn send_one(&self, m: &Outgoing) -> Result<Submitted, ProviderError> {
        let form = [("To", m.phone.as_str()), ("From", self.from.as_str()), ("Body", m.text.as_str())];
        let req = self.http.post(self.url("/Messages.json")).basic_auth(&self.sid, Some(&self.token)).form(&form);
        let (status, body) = exchange(req, true).await?;
        let v: Option<Value> = serde_json::from_str(&body).ok();
        match (status, v) {
            (200 | 201, Some(v)) => {
                let Some(sid) = field(&v, "sid").and_then(text_of) else {
                    return Err(unclear(true, status, &body));
                };
                let st = field(&v, "status").and_then(text_of).unwrap_or_default();
                Ok(Submitted::Accepted {
                    provider_id: sid,
                    status: delivery_status(&st, None).max_queued(),
                    cost_micros: field(&v, "price").and_then(text_of).and_then(|p| parse_micros(&p)),
                    segments: field(&v, "num_segments").and_then(int_of).filter(|n| *n > 0),
                })
            }
            (400..=499, Some(v)) => {
                let code = field(&v, "code").and_then(int_of).unwrap_or(0);
                let note = format!("Twilio {code}: {}", field(&v, "message").and_then(text_of).unwrap_or_default());
                create_error(status, code, note)
            }
            (401, None) => Err(ProviderError::Auth(format!("HTTP 401: {}", super::excerpt(&body)))),
            _ => Err(unclear(true, status, &body)),
        }
    }

    pub async fn send(&self, batch: &[Outgoing]) -> Result<Vec<Submitted>, ProviderError> {
        let mut out = Vec::with_capacity(batch.len());
        for m in batch {
            out.push(self.send_one(m).await?);
        }
        Ok(out)
    }

    /// A read that only a 200 with JSON answers; nothing it asks can have sent a message.
    async fn read_json(&self, req: reqwest::RequestBuilder) -> Result<Value, ProviderError> {
        let (status, body) = exchange(req.basic_auth(&self.sid, Some(&self.token)), false).await?;
        match (status, serde_json::from_str(&body)) {
            (200, Ok(v)) => Ok(v),
            (401, _) => Err(ProviderError::Auth(format!("HTTP 401: {}", super::excerpt(&body)))),
            _ => Err(unclear(false, status, &body)),
        }
    }

    /// A message whose create went unanswered, found (or not) among the messages sent to its
    /// number since the day of the attempt, by its text.
    async fn look_up(&self, r: &PollRef) -> Result<StatusUpdate, ProviderError> {
        let day = r.sent_at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date().to_string();
        let params = [("To", r.phone.as_str()), ("DateSent>", day.as_str()), ("PageSize", "50")];
        let url = reqwest::Url::parse_with_params(&self.url("/Messages.json"), params)
            .map_err(|e| ProviderError::Config(format!("provider address: {e}")))?;
        let v = self.read_json(self.http.get(url)).await?;
        let found = field(&v, "messages")
            .and_then(Value::as_array)
            .and_then(|all| all.iter().find(|m| field(m, "body").and_then(text_of).as_deref() == Some(r.text.trim())));
        Ok(match found {
            Some(m) => {
                let st = field(m, "status").and_then(text_of).unwrap_or_default();
                let code = field(m, "error_code").and_then(int_of);
                StatusUpdate {
                    message_id: r.message_id.clone(),
                    status: delivery_status(&st, code).max_queued(),
                    raw: st,
                    cost_micros: field(m, "price").and_then(text_of).and_then(|p| parse_micros(&p)),
                    not_found: false,
                    provider_id: field(m, "sid").and_then(text_of),
                }
            }
            None => StatusUpdate {
                message_id: r.message_id.clone(),
                status: Status::Unknown,
                raw: "not listed".into(),
                cost_micros: None,
                not_found: true,
                provider_id: None,
            },
        })
    }

    pub async fn poll(&self, refs: &[PollRef]) -> Result<Vec<StatusUpdate>, ProviderError> {
        let mut out = Vec::new();
        for r in refs {
            if r.provider_id.is_empty() {
                out.push(self.look_up(r).await?);
                continue;
            }
            let req = self
                .http
                .get(self.url(&format!("/Messages/{}.json", r.provider_id)))
                .basic_auth(&self.sid, Some(&self.token));
            let (status, body) = exchange(req, false).await?;
            match status {
                200 => {
                    let v: Value = serde_json::from_str(&body).map_err(|_| unclear(false, status, &body))?;
                    let st = field(&v, "status").and_then(text_of).unwrap_or_default();
                    let code = field(&v, "error_code").and_then(int_of);
                    out.push(StatusUpdate {
                        message_id: r.message_id.clone(),
                        status: delivery_status(&st, code),
                        raw: code.map_or_else(|| st.clone(), |c| format!("{st} {c}")),
                        cost_micros: field(&v, "price").and_then(text_of).and_then(|p| parse_micros(&p)),
                        not_found: false,
                        provider_id: None,
                    });
                }
                404 => out.push(StatusUpdate {
                    message_id: r.message_id.clone(),
                    status: Status::Unknown,
                    raw: "404".into(),
                    cost_micros: None,
                    not_found: true,
                    provider_id: None,
                }),
                401 => return Err(ProviderError::Auth(format!("HTTP 401: {}", super::excerpt(&body)))),
                _ => return Err(unclear(false, status, &body)),
            }
        }
        Ok(out)
    }

    pub async fn balance(&self) -> Result<String, ProviderError> {
        let v = self.read_json(self.http.get(self.url("/Balance.json"))).await?;
        let amount = field(&v, "balance").and_then(text_of).unwrap_or_default();
        let currency = field(&v, "currency").and_then(text_of).unwrap_or_default();
        Ok(format!("{amount} {currency}"))
    }
}

impl Status {
    /// A fresh Twilio answer says at least "queued".
    fn max_queued(self) -> Status {
        if self == Status::Unknown { Status::Queued } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_status_maps() {
        let table = [
            ("accepted", None, Status::Queued),
            ("scheduled", None, Status::Queued),
            ("queued", None, Status::Queued),
            ("sending", None, Status::Queued),
            ("sent", None, Status::Sent),
            ("delivered", None, Status::Delivered),
            ("read", None, Status::Delivered),
            ("undelivered", Some(30003), Status::Failed),
            ("undelivered", Some(30005), Status::Failed),
            ("undelivered", Some(30006), Status::Failed),
            ("undelivered", Some(30007), Status::Rejected),
            ("failed", Some(30001), Status::Expired),
            ("failed", Some(30008), Status::Failed),
            ("failed", Some(21610), Status::Rejected),
            ("canceled", None, Status::Rejected),
            ("partially_delivered", None, Status::Unknown),
        ];
        for (st, code, want) in table {
            assert_eq!(delivery_status(st, code), want, "{st} {code:?}");
        }
    }

    #[test]
    fn create_errors() {
        assert!(matches!(create_error(401, 20003, String::new()), Err(ProviderError::Auth(_))));
        assert!(matches!(create_error(400, 21211, String::new()), Ok(Submitted::Refused { .. })));
        assert!(matches!(
            create_error(400, 21610, String::new()),
            Ok(Submitted::Refused { status: Status::Rejected, .. })
        ));
        assert!(matches!(create_error(400, 21212, String::new()), Err(ProviderError::Config(_))));
        assert!(matches!(create_error(503, 0, String::new()), Err(ProviderError::Ambiguous(_))));
    }
}
