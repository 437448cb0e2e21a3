//! SMS by day or month: messages sent and what became of them (delivered, failed, no result yet)
//! and what the provider charged. Messages cancelled before sending were never sent and are left
//! out. Read from the SMS service's own outbox.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::reports::revenue::Buckets;
use crate::sms::model::Status;

/// One message as the report reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub at: Timestamp,
    pub status: Status,
    pub segments: i64,
    /// What the provider charged, in millionths of `currency`.
    pub cost_micros: Option<i64>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub delivered: i64,
    pub failed: i64,
    /// Queued, sent or unknown: the provider has not said yet.
    pub waiting: i64,
    pub segments: i64,
    pub cost_micros: i64,
}

impl Tally {
    pub fn sent(&self) -> i64 {
        self.delivered + self.failed + self.waiting
    }
}

#[derive(Debug)]
pub struct SmsReport {
    pub buckets: Buckets,
    pub tallies: Vec<Tally>,
    /// The provider's currency (the first one seen; a club changing providers mid-period sees
    /// the spend of both added up in the first one's name, noted on the page).
    pub currency: Option<String>,
    pub currencies: usize,
}

impl SmsReport {
    pub fn total(&self) -> Tally {
        self.tallies.iter().fold(Tally::default(), |mut t, b| {
            t.delivered += b.delivered;
            t.failed += b.failed;
            t.waiting += b.waiting;
            t.segments += b.segments;
            t.cost_micros += b.cost_micros;
            t
        })
    }
}

pub fn sms_report(buckets: Buckets, sent: &[Sent], tz: &TimeZone) -> SmsReport {
    let mut tallies = vec![Tally::default(); buckets.starts.len()];
    let mut currencies: Vec<&str> = Vec::new();
    for s in sent {
        let day = s.at.to_zoned_datetime(tz.clone()).date();
        let (Some(i), false) = (buckets.index(day), s.status == Status::Cancelled) else {
            continue;
        };
        let t = &mut tallies[i];
        match s.status {
            Status::Delivered => t.delivered += 1,
            Status::Failed | Status::Rejected | Status::Expired => t.failed += 1,
            _ => t.waiting += 1,
        }
        t.segments += s.segments;
        t.cost_micros += s.cost_micros.unwrap_or(0);
        if let Some(c) = s.currency.as_deref().filter(|c| !currencies.contains(c)) {
            currencies.push(c);
        }
    }
    let currency = currencies.first().map(|c| (*c).to_owned());
    SmsReport { buckets, tallies, currency, currencies: currencies.len() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn messages_are_counted_by_what_became_of_them_month_by_month() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let sent = |at: &str, status, cost| Sent {
            at: at.parse().unwrap(),
            status,
            segments: 2,
            cost_micros: cost,
            currency: cost.map(|_| "RUB".to_owned()),
        };
        let messages = [
            sent("2026-10-31T21:30:00Z", Status::Delivered, Some(3_450_000)), // 1 November in Moscow
            sent("2026-11-10T10:00:00Z", Status::Rejected, None),
            sent("2026-11-20T10:00:00Z", Status::Queued, None),
            sent("2026-12-01T10:00:00Z", Status::Delivered, Some(3_450_000)),
            sent("2026-12-01T10:00:00Z", Status::Cancelled, None),
        ];
        let r = sms_report(Buckets::of(date(2026, 10, 1), date(2026, 12, 6)), &messages, &tz);
        assert_eq!(r.tallies[0], Tally::default(), "October: nothing");
        assert_eq!(r.tallies[1], Tally { delivered: 1, failed: 1, waiting: 1, segments: 6, cost_micros: 3_450_000 });
        assert_eq!(r.tallies[2].sent(), 1, "the cancelled one was never sent");
        assert_eq!((r.total().cost_micros, r.currency.as_deref(), r.currencies), (6_900_000, Some("RUB"), 1));
    }
}
