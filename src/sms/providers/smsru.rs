//! SMS.ru: POST form requests with `api_id` and `json=1`; HTTP 200 even for errors, the outcome
//! is in `status` / `status_code`, per recipient in the `sms` map (research/sms.md §1).

use serde_json::Value;

use super::{
    Outgoing, PollRef, ProviderConfig, ProviderError, StatusUpdate, Submitted, digits, exchange, field, int_of,
    text_of, unclear,
};
use crate::sms::model::{Status, parse_micros};

pub struct SmsRu {
    base: String,
    api_id: String,
    sender: String,
    http: reqwest::Client,
}

/// A delivery status code (`/sms/status`, §1.4) in the common model.
pub fn delivery_status(code: i64) -> Status {
    match code {
        100 | 101 => Status::Queued,
        102 => Status::Sent,
        103 | 110 => Status::Delivered,
        104 => Status::Expired,
        105 | 108 => Status::Rejected,
        106 | 107 | 150 => Status::Failed,
        _ => Status::Unknown,
    }
}

/// A request-level error code (§1.5), when it concerns the whole account or request.
pub fn request_error(code: i64, note: String) -> Option<ProviderError> {
    Some(match code {
        200 | 300 | 301 | 302 | 303 | 304 | 305 => ProviderError::Auth(note),
        201 => ProviderError::NoMoney(note),
        204 | 221 => ProviderError::Config(note),
        // The daily account limit: nothing more goes today.
        206 => ProviderError::Retry { note, after_secs: Some(3600) },
        220 | 500 => ProviderError::Retry { note, after_secs: None },
        501..=508 => ProviderError::Retry { note, after_secs: Some(600) },
        _ => return None,
    })
}

/// A per-recipient refusal (§1.5) as what to do with that message.
pub fn recipient_outcome(code: i64, note: String) -> Submitted {
    let code_s = code.to_string();
    match code {
        231 => Submitted::RetryLater { code: code_s, note, after_secs: 60 },
        230 | 233 => Submitted::RetryLater { code: code_s, note, after_secs: 3600 },
        201 => Submitted::RetryLater { code: code_s, note, after_secs: 600 },
        // Stop-lists, content and policy: the provider will not carry it.
        209 | 215 | 216 | 217 | 232 | 550 => Submitted::Refused { status: Status::Rejected, code: code_s, note },
        // 202 bad number, 207/214 no route, anything else: it cannot go.
        _ => Submitted::Refused { status: Status::Failed, code: code_s, note },
    }
}

fn note_of(v: &Value) -> String {
    field(v, "status_text").and_then(text_of).unwrap_or_default()
}

/// Parses a JSON answer; `Err` for a whole-request problem.
fn envelope(status: u16, body: &str, is_send: bool) -> Result<Value, ProviderError> {
    if status != 200 {
        return Err(unclear(is_send, status, body));
    }
    let v: Value = serde_json::from_str(body).map_err(|_| unclear(is_send, status, body))?;
    let ok = field(&v, "status").and_then(text_of).as_deref() == Some("OK");
    if !ok {
        let code = field(&v, "status_code").and_then(int_of).unwrap_or(0);
        let note = format!("SMS.ru {code}: {}", note_of(&v));
        return Err(request_error(code, note.clone()).unwrap_or(ProviderError::Config(note)));
    }
    Ok(v)
}

impl SmsRu {
    pub fn new(cfg: &ProviderConfig, http: reqwest::Client) -> SmsRu {
        SmsRu { base: cfg.base_url(), api_id: cfg.secret.clone(), sender: cfg.sender.clone(), http }
    }

    fn post(&self, path: &str, mut form: Vec<(String, String)>) -> reqwest::RequestBuilder {
        form.push(("api_id".into(), self.api_id.clone()));
        form.push(("json".into(), "1".into()));
        self.http.post(format!("{}{path}", self.base)).form(&form)
    }

    pub async fn send(&self, batch: &[Outgoing]) -> Result<Vec<Submitted>, ProviderError> {
        let mut form: Vec<(String, String)> = Vec::new();
        let same_text = batch.windows(2).all(|w| w[0].text == w[1].text);
        if same_text {
            let to: Vec<String> = batch.iter().map(|m| digits(&m.phone)).collect();
            form.push(("to".into(), to.join(",")));
            form.push(("msg".into(), batch.first().map(|m| m.text.clone()).unwrap_or_default()));
        } else {
            // One text per number.
            for m in batch {
                form.push((format!("to[{}]", digits(&m.phone)), m.text.clone()));
            }
        }
        if !self.sender.is_empty() {
            form.push(("from".into(), self.sender.clone()));
        }
        let (status, body) = exchange(self.post("/sms/send", form), true).await?;
        let v = match envelope(status, &body, true) {
            Ok(v) => v,
            // A top-level per-number code (one recipient): that recipient's outcome.
            Err(ProviderError::Config(note)) => {
                let code = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|v| field(&v, "status_code").and_then(int_of))
                    .unwrap_or(0);
                return Ok(batch.iter().map(|_| recipient_outcome(code, note.clone())).collect());
            }
            Err(e) => return Err(e),
        };
        let empty = Value::Null;
        let sms = field(&v, "sms").unwrap_or(&empty);
        let by_digits: Vec<(String, &Value)> =
            sms.as_object().map(|m| m.iter().map(|(k, v)| (digits(k), v)).collect()).unwrap_or_default();
        Ok(batch
            .iter()
            .map(|m| {
                let want = digits(&m.phone);
                let Some((_, entry)) = by_digits.iter().find(|(d, _)| *d == want) else {
                    return Submitted::Unanswered;
                };
                let code = field(entry, "status_code").and_then(int_of).unwrap_or(0);
                let id = field(entry, "sms_id").and_then(text_of);
                match (field(entry, "status").and_then(text_of).as_deref(), id) {
                    (Some("OK"), Some(id)) if code == 100 => Submitted::Accepted {
                        provider_id: id,
                        status: Status::Queued,
                        cost_micros: None,
                        segments: None,
                    },
                    _ => recipient_outcome(code, format!("SMS.ru {code}: {}", note_of(entry))),
                }
            })
            .collect())
    }

    pub async fn poll(&self, refs: &[PollRef]) -> Result<Vec<StatusUpdate>, ProviderError> {
        let ids: Vec<&str> = refs.iter().map(|r| r.provider_id.as_str()).collect();
        let (status, body) = exchange(self.post("/sms/status", vec![("sms_id".into(), ids.join(","))]), false).await?;
        let v = envelope(status, &body, false)?;
        let empty = Value::Null;
        let sms = field(&v, "sms").unwrap_or(&empty);
        Ok(refs
            .iter()
            .filter_map(|r| {
                let entry = field(sms, &r.provider_id)?;
                let code = field(entry, "status_code").and_then(int_of)?;
                Some(StatusUpdate {
                    message_id: r.message_id.clone(),
                    status: delivery_status(code),
                    raw: code.to_string(),
                    cost_micros: field(entry, "cost").and_then(text_of).and_then(|c| parse_micros(&c)),
                    not_found: code == -1,
                    provider_id: None,
                })
            })
            .collect())
    }

    pub async fn balance(&self) -> Result<String, ProviderError> {
        let (status, body) = exchange(self.post("/my/balance", Vec::new()), false).await?;
        let v = envelope(status, &body, false)?;
        let amount = field(&v, "balance").and_then(text_of).unwrap_or_default();
        Ok(format!("{amount} RUB"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_status_maps() {
        let table = [
            (-1, Status::Unknown),
            (100, Status::Queued),
            (101, Status::Queued),
            (102, Status::Sent),
            (103, Status::Delivered),
            (104, Status::Expired),
            (105, Status::Rejected),
            (106, Status::Failed),
            (107, Status::Failed),
            (108, Status::Rejected),
            (110, Status::Delivered),
            (150, Status::Failed),
            (999, Status::Unknown),
        ];
        for (code, status) in table {
            assert_eq!(delivery_status(code), status, "{code}");
        }
    }

    #[test]
    fn request_errors_class_the_whole_request() {
        assert!(matches!(request_error(200, "x".into()), Some(ProviderError::Auth(_))));
        assert!(matches!(request_error(301, "x".into()), Some(ProviderError::Auth(_))));
        assert!(matches!(request_error(201, "x".into()), Some(ProviderError::NoMoney(_))));
        assert!(matches!(request_error(204, "x".into()), Some(ProviderError::Config(_))));
        assert!(matches!(request_error(220, "x".into()), Some(ProviderError::Retry { .. })));
        assert!(matches!(request_error(500, "x".into()), Some(ProviderError::Retry { .. })));
        assert!(request_error(202, "x".into()).is_none());
    }

    #[test]
    fn recipient_codes() {
        let refused = |code| matches!(recipient_outcome(code, String::new()), Submitted::Refused { .. });
        for code in [202, 207, 209, 214, 215, 216, 217, 232] {
            assert!(refused(code), "{code}");
        }
        assert!(matches!(recipient_outcome(231, String::new()), Submitted::RetryLater { after_secs: 60, .. }));
        assert!(matches!(recipient_outcome(209, String::new()), Submitted::Refused { status: Status::Rejected, .. }));
    }
}
