//! A group's terms, its roster's and journal's rules, and what a visit costs. No I/O.

use serde::{Deserialize, Serialize};

/// How a group's members pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceModel {
    /// Each chargeable visit costs the group's price.
    Visit,
    /// The group's price once a calendar month, at the month's first chargeable visit.
    Monthly,
    /// A visit from the member's pass of the group's product; the price when none covers it.
    Pass,
}

impl PriceModel {
    pub const ALL: [PriceModel; 3] = [PriceModel::Visit, PriceModel::Monthly, PriceModel::Pass];

    pub fn as_str(self) -> &'static str {
        match self {
            PriceModel::Visit => "visit",
            PriceModel::Monthly => "monthly",
            PriceModel::Pass => "pass",
        }
    }

    pub fn parse(s: &str) -> Option<PriceModel> {
        PriceModel::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// What a manager fills in for a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDraft {
    /// "Juniors 8–10".
    pub name: String,
    pub coach_id: String,
    /// The court of the schedule, and of extra sessions unless another is chosen.
    pub court_id: String,
    pub capacity: i64,
    /// Fewer enrolled than this and the group's page says so (the club may cancel).
    pub minimum: i64,
    pub price_model: PriceModel,
    /// Per visit, per month, or per visit without a pass; minor units.
    pub price: i64,
    /// The pass product a visit is taken from (price model `pass` only).
    pub product_id: Option<String>,
    /// Missing a session without notice is charged like a visit.
    pub charge_absent: bool,
    pub active: bool,
}

pub const MAX_NAME: usize = 80;
pub const MAX_CAPACITY: i64 = 200;

impl GroupDraft {
    pub fn tidy(mut self) -> Self {
        self.name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if self.price_model != PriceModel::Pass {
            self.product_id = None;
        }
        self
    }

    /// The first problem as (field, message id).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if self.name.is_empty() {
            return Err(("name", "group-name-required"));
        }
        if self.name.chars().count() > MAX_NAME {
            return Err(("name", "group-name-too-long"));
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            return Err(("capacity", "group-capacity-invalid"));
        }
        if !(0..=self.capacity).contains(&self.minimum) {
            return Err(("minimum", "group-minimum-invalid"));
        }
        if !(0..=crate::money::amount::MAX_MAJOR * 100).contains(&self.price) {
            return Err(("price", "amount-invalid"));
        }
        if self.price_model == PriceModel::Pass && self.product_id.is_none() {
            return Err(("product_id", "group-product-required"));
        }
        Ok(())
    }
}

/// Where a member is on a group's roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Enrolled,
    Waiting,
    Left,
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Enrolled => "enrolled",
            Place::Waiting => "waiting",
            Place::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<Place> {
        [Place::Enrolled, Place::Waiting, Place::Left].into_iter().find(|p| p.as_str() == s)
    }
}

/// Where a member joining a group with `enrolled` members (and `waiting` ahead) goes: a free
/// place, or the end of the waiting list. Nobody jumps the queue while anyone waits.
pub fn place_for_newcomer(enrolled: i64, waiting: i64, capacity: i64) -> Place {
    if enrolled < capacity && waiting == 0 { Place::Enrolled } else { Place::Waiting }
}

/// How many of the waiting list move up when the group has `enrolled` of `capacity`.
pub fn places_free(enrolled: i64, capacity: i64) -> i64 {
    (capacity - enrolled).max(0)
}

/// A member's mark in a session's journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Present,
    /// Missed without notice.
    Absent,
    /// Missed, having said so in time.
    Excused,
    /// A first, free try of the group by someone not (yet) on its roster.
    Trial,
}

impl Mark {
    pub const ALL: [Mark; 4] = [Mark::Present, Mark::Absent, Mark::Excused, Mark::Trial];

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Absent => "absent",
            Mark::Excused => "excused",
            Mark::Trial => "trial",
        }
    }

    pub fn parse(s: &str) -> Option<Mark> {
        Mark::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether the visit costs the member something: being there, or (when the group says so)
    /// missing it without notice. A trial and an excused absence are free.
    pub fn charged(self, charge_absent: bool) -> bool {
        match self {
            Mark::Present => true,
            Mark::Absent => charge_absent,
            Mark::Excused | Mark::Trial => false,
        }
    }

    /// Whether the member came (the coach pay report counts attendees).
    pub fn came(self) -> bool {
        matches!(self, Mark::Present | Mark::Trial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> GroupDraft {
        GroupDraft {
            name: "  Juniors   8–10 ".into(),
            coach_id: "c".into(),
            court_id: "k".into(),
            capacity: 8,
            minimum: 4,
            price_model: PriceModel::Visit,
            price: 50000,
            product_id: Some("stale".into()),
            charge_absent: true,
            active: true,
        }
    }

    #[test]
    fn a_draft_is_tidied_and_its_first_problem_named() {
        let d = draft().tidy();
        assert_eq!(d.name, "Juniors 8–10");
        assert_eq!(d.product_id, None, "only a pass group keeps a product");
        assert_eq!(d.validate(), Ok(()));
        type Case = (fn(&mut GroupDraft), (&'static str, &'static str));
        let cases: [Case; 6] = [
            (|d| d.name.clear(), ("name", "group-name-required")),
            (|d| d.capacity = 0, ("capacity", "group-capacity-invalid")),
            (|d| d.capacity = MAX_CAPACITY + 1, ("capacity", "group-capacity-invalid")),
            (|d| d.minimum = 9, ("minimum", "group-minimum-invalid")),
            (|d| d.price = -1, ("price", "amount-invalid")),
            (
                |d| {
                    d.price_model = PriceModel::Pass;
                    d.product_id = None;
                },
                ("product_id", "group-product-required"),
            ),
        ];
        for (change, expected) in cases {
            let mut d = draft().tidy();
            change(&mut d);
            assert_eq!(d.validate(), Err(expected));
        }
    }

    #[test]
    fn newcomers_take_free_places_and_then_queue() {
        assert_eq!(place_for_newcomer(7, 0, 8), Place::Enrolled);
        assert_eq!(place_for_newcomer(8, 0, 8), Place::Waiting);
        assert_eq!(place_for_newcomer(7, 1, 8), Place::Waiting, "nobody jumps the queue");
        assert_eq!(places_free(6, 8), 2);
        assert_eq!(places_free(9, 8), 0);
    }

    #[test]
    fn which_marks_cost_a_visit() {
        let table = [
            (Mark::Present, true, true),
            (Mark::Present, false, true),
            (Mark::Absent, true, true),
            (Mark::Absent, false, false),
            (Mark::Excused, true, false),
            (Mark::Trial, true, false),
        ];
        for (mark, charge_absent, charged) in table {
            assert_eq!(mark.charged(charge_absent), charged, "{mark:?} with charge_absent={charge_absent}");
        }
        assert!(Mark::Trial.came() && !Mark::Absent.came());
        assert_eq!(Mark::parse("excused"), Some(Mark::Excused));
        assert_eq!(PriceModel::parse("monthly"), Some(PriceModel::Monthly));
    }
}
