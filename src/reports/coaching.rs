//! Group attendance: for each group, the sessions held in a period (not cancelled, begun) and
//! the journal's marks on them, with how many came a session and how full that is. Lessons and
//! group sessions per coach are the coach pay report's.

/// One group's figures for the period, as the store adds them up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupAttendance {
    pub group_id: String,
    pub name: String,
    pub coach: String,
    pub capacity: i64,
    pub sessions: i64,
    pub present: i64,
    pub trial: i64,
    pub absent: i64,
    pub excused: i64,
}

impl GroupAttendance {
    /// Present or on trial: who was on court.
    pub fn came(&self) -> i64 {
        self.present + self.trial
    }

    /// How many came to a session, on average.
    pub fn per_session(&self) -> Option<f64> {
        (self.sessions > 0).then(|| self.came() as f64 / self.sessions as f64)
    }

    /// The share of the group's places filled, over its sessions.
    pub fn fill(&self) -> Option<f64> {
        (self.sessions > 0 && self.capacity > 0).then(|| self.came() as f64 / (self.sessions * self.capacity) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_as_full_as_those_who_came() {
        let g = GroupAttendance {
            capacity: 8,
            sessions: 4,
            present: 20,
            trial: 2,
            absent: 5,
            excused: 3,
            ..Default::default()
        };
        assert_eq!(g.came(), 22);
        assert_eq!(g.per_session(), Some(5.5));
        assert_eq!(g.fill(), Some(22.0 / 32.0));
        assert_eq!(GroupAttendance::default().fill(), None, "no session held");
    }
}
