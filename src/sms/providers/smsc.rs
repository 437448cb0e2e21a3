//! SMSC.ru: `/sys/send.php`, `/sys/status.php`, `/sys/balance.php` with `fmt=3` (JSON) and
//! `charset=utf-8`; errors are `{"error", "error_code"}` in a 200 answer (research/sms.md §2).
//! We choose the message id ourselves (the send request's batch id), so a send that went
//! ambiguous can be looked up later by (id, phone) instead of being guessed about.

use serde_json::Value;

use super::{
    Outgoing, PollRef, ProviderConfig, ProviderError, StatusUpdate, Submitted, exchange, field, int_of, text_of,
    unclear,
};
use crate::sms::model::{Status, parse_micros};

pub struct Smsc {
    base: String,
    login: String,
    password: String,
    sender: String,
    http: reqwest::Client,
}

/// A status code of `status.php` (§2.3) in the common model.
pub fn delivery_status(code: i64) -> Status {
    match code {
        -1 => Status::Queued,
        0 => Status::Sent,
        1 | 2 | 4 => Status::Delivered,
        3 => Status::Expired,
        20 | 22 | 25 => Status::Failed,
        23 | 24 => Status::Rejected,
        _ => Status::Unknown,
    }
}

/// An `error_code` of a whole request (§2.2): either the request's class, or, for codes about
/// the message or its numbers, the outcome of every message in it.
pub fn request_error(code: i64, note: String) -> Result<Submitted, ProviderError> {
    match code {
        2 => Err(ProviderError::Auth(note)),
        3 => Err(ProviderError::NoMoney(note)),
        4 => Err(ProviderError::Retry { note, after_secs: Some(600) }),
        6 => Err(ProviderError::Config(note)),
        9 => Err(ProviderError::Retry { note, after_secs: Some(60) }),
        8 => Ok(Submitted::Refused { status: Status::Rejected, code: code.to_string(), note }),
        _ => Ok(Submitted::Refused { status: Status::Failed, code: code.to_string(), note }),
    }
}

impl Smsc {
    pub fn new(cfg: &ProviderConfig, http: reqwest::Client) -> Smsc {
        Smsc {
            base: cfg.base_url(),
            login: cfg.login.clone(),
            password: cfg.secret.clone(),
            sender: cfg.sender.clone(),
            http,
        }
    }

    fn post(&self, path: &str, mut form: Vec<(&'static str, String)>) -> reqwest::RequestBuilder {
        form.push(("login", self.login.clone()));
        form.push(("psw", self.password.clone()));
        form.push(("fmt", "3".into()));
        form.push(("charset", "utf-8".into()));
        self.http.post(format!("{}{path}", self.base)).form(&form)
    }

    /// `batch_id` becomes SMSC's message id for the whole request.
    pub async fn send(&self, batch_id: &str, batch: &[Outgoing]) -> Result<Vec<Submitted>, ProviderError> {
        let mut form: Vec<(&'static str, String)> =
            vec![("id", batch_id.to_owned()), ("op", "1".into()), ("cost", "2".into())];
        if batch.windows(2).all(|w| w[0].text == w[1].text) {
            let phones: Vec<&str> = batch.iter().map(|m| m.phone.as_str()).collect();
            form.push(("phones", phones.join(",")));
            form.push(("mes", batch.first().map(|m| m.text.clone()).unwrap_or_default()));
        } else {
            // One text per number: lines of "phone:text", newlines inside a text escaped as \n.
            let lines: Vec<String> =
                batch.iter().map(|m| format!("{}:{}", m.phone, m.text.replace('\n', "\\n"))).collect();
            form.push(("list", lines.join("\n")));
        }
        if !self.sender.is_empty() {
            form.push(("sender", self.sender.clone()));
        }
        let (status, body) = exchange(self.post("/sys/send.php", form), true).await?;
        if status != 200 {
            return Err(unclear(true, status, &body));
        }
        let v: Value = serde_json::from_str(&body).map_err(|_| unclear(true, status, &body))?;
        if let Some(code) = field(&v, "error_code").and_then(int_of) {
            let note = format!("SMSC {code}: {}", field(&v, "error").and_then(text_of).unwrap_or_default());
            let each = request_error(code, note)?;
            return Ok(batch.iter().map(|_| each.clone()).collect());
        }
        let phones = field(&v, "phones").and_then(Value::as_array).cloned().unwrap_or_default();
        Ok(batch
            .iter()
            .map(|m| {
                let want = super::digits(&m.phone);
                let entry = phones
                    .iter()
                    .find(|p| field(p, "phone").and_then(text_of).is_some_and(|ph| super::digits(&ph) == want));
                match entry {
                    // Without op=1 details, the request's success covers every number.
                    None if phones.is_empty() => Submitted::Accepted {
                        provider_id: batch_id.to_owned(),
                        status: Status::Queued,
                        cost_micros: None,
                        segments: None,
                    },
                    None => Submitted::Unanswered,
                    Some(p) => {
                        let err = field(p, "error").and_then(int_of).unwrap_or(0);
                        if err != 0 {
                            Submitted::Refused {
                                status: Status::Failed,
                                code: err.to_string(),
                                note: format!("SMSC error {err}"),
                            }
                        } else {
                            Submitted::Accepted {
                                provider_id: batch_id.to_owned(),
                                status: Status::Queued,
                                cost_micros: field(p, "cost").and_then(text_of).and_then(|c| parse_micros(&c)),
                                segments: None,
                            }
                        }
                    }
                }
            })
            .collect())
    }

    pub async fn poll(&self, refs: &[PollRef]) -> Result<Vec<StatusUpdate>, ProviderError> {
        // Lists in matching order; the trailing comma asks for the multi-message answer.
        let ids: String = refs.iter().map(|r| format!("{},", r.provider_id)).collect();
        let phones: String = refs.iter().map(|r| format!("{},", r.phone)).collect();
        let form = vec![("id", ids), ("phone", phones), ("all", "1".into())];
        let (status, body) = exchange(self.post("/sys/status.php", form), false).await?;
        if status != 200 {
            return Err(unclear(false, status, &body));
        }
        let v: Value = serde_json::from_str(&body).map_err(|_| unclear(false, status, &body))?;
        if let Some(code) = field(&v, "error_code").and_then(int_of) {
            let note = format!("SMSC {code}: {}", field(&v, "error").and_then(text_of).unwrap_or_default());
            return Err(match code {
                2 => ProviderError::Auth(note),
                _ => ProviderError::Retry { note, after_secs: Some(60) },
            });
        }
        let items = match v {
            Value::Array(items) => items,
            single => vec![single],
        };
        Ok(items
            .iter()
            .filter_map(|item| {
                let phone = field(item, "phone").and_then(text_of).map(|p| super::digits(&p));
                let id = field(item, "id").and_then(text_of);
                let r = refs.iter().find(|r| {
                    id.as_deref().is_none_or(|i| i == r.provider_id)
                        && phone.as_deref().is_none_or(|p| p == super::digits(&r.phone))
                })?;
                let code = field(item, "status").and_then(int_of)?;
                Some(StatusUpdate {
                    message_id: r.message_id.clone(),
                    status: delivery_status(code),
                    raw: code.to_string(),
                    cost_micros: field(item, "cost").and_then(text_of).and_then(|c| parse_micros(&c)),
                    not_found: code == -3,
                    provider_id: None,
                })
            })
            .collect())
    }

    pub async fn balance(&self) -> Result<String, ProviderError> {
        let (status, body) = exchange(self.post("/sys/balance.php", Vec::new()), false).await?;
        if status != 200 {
            return Err(unclear(false, status, &body));
        }
        let v: Value = serde_json::from_str(&body).map_err(|_| unclear(false, status, &body))?;
        if let Some(code) = field(&v, "error_code").and_then(int_of) {
            let note = format!("SMSC {code}: {}", field(&v, "error").and_then(text_of).unwrap_or_default());
            return Err(request_error(code, note.clone()).err().unwrap_or(ProviderError::Config(note)));
        }
        let amount = field(&v, "balance").and_then(text_of).unwrap_or_default();
        let currency = field(&v, "currency").and_then(text_of).unwrap_or_else(|| "RUB".into());
        Ok(format!("{amount} {currency}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_status_maps() {
        let table = [
            (-3, Status::Unknown),
            (-1, Status::Queued),
            (0, Status::Sent),
            (1, Status::Delivered),
            (2, Status::Delivered),
            (3, Status::Expired),
            (4, Status::Delivered),
            (20, Status::Failed),
            (22, Status::Failed),
            (23, Status::Rejected),
            (24, Status::Rejected),
            (25, Status::Failed),
        ];
        for (code, status) in table {
            assert_eq!(delivery_status(code), status, "{code}");
        }
    }

    #[test]
    fn request_errors() {
        assert!(matches!(request_error(2, String::new()), Err(ProviderError::Auth(_))));
        assert!(matches!(request_error(3, String::new()), Err(ProviderError::NoMoney(_))));
        assert!(matches!(request_error(9, String::new()), Err(ProviderError::Retry { .. })));
        assert!(matches!(request_error(7, String::new()), Ok(Submitted::Refused { status: Status::Failed, .. })));
    }
}
