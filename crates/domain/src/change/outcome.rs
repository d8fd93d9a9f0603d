//! What became of a set of closed changes: how many ended with each close
//! code, how many caused an incident, and the success rate — the share
//! that did what they were for (successful, with issues or not).

use super::CloseCode;
use serde::Serialize;

/// The closed changes of one group (a type, a service, a group, or all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub closed: u64,
    pub successful: u64,
    pub successful_with_issues: u64,
    pub failed: u64,
    pub backed_out: u64,
    /// Of the closed ones, those at least one incident names as its cause
    /// (whatever their close code).
    pub caused_incidents: u64,
}

impl Tally {
    /// Adds `n` changes closed with `code`, `caused` of which caused an
    /// incident. A change closed without a code (none are, but a store
    /// may hold one from before codes were required) counts as closed only.
    pub fn add(&mut self, code: Option<CloseCode>, n: u64, caused: u64) {
        self.closed += n;
        self.caused_incidents += caused;
        match code {
            Some(CloseCode::Successful) => self.successful += n,
            Some(CloseCode::SuccessfulWithIssues) => self.successful_with_issues += n,
            Some(CloseCode::Failed) => self.failed += n,
            Some(CloseCode::BackedOut) => self.backed_out += n,
            None => {}
        }
    }

    /// The share of the closed changes that succeeded, in per cent with one
    /// decimal (none when nothing closed).
    pub fn success_rate(&self) -> Option<f64> {
        if self.closed == 0 {
            return None;
        }
        let ok = (self.successful + self.successful_with_issues) as f64;
        Some((ok * 1000.0 / self.closed as f64).round() / 10.0)
    }

    /// Adds another group's figures (the total over the groups).
    pub fn merge(&mut self, other: &Tally) {
        self.closed += other.closed;
        self.successful += other.successful;
        self.successful_with_issues += other.successful_with_issues;
        self.failed += other.failed;
        self.backed_out += other.backed_out;
        self.caused_incidents += other.caused_incidents;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_counts_successes_with_issues_as_successes() {
        let mut t = Tally::default();
        assert_eq!(t.success_rate(), None, "nothing closed, no rate");
        t.add(Some(CloseCode::Successful), 5, 0);
        t.add(Some(CloseCode::SuccessfulWithIssues), 1, 1);
        t.add(Some(CloseCode::Failed), 1, 1);
        t.add(Some(CloseCode::BackedOut), 2, 0);
        assert_eq!((t.closed, t.failed, t.backed_out, t.caused_incidents), (9, 1, 2, 2));
        assert_eq!(t.success_rate(), Some(66.7), "6 of 9");
        let mut all = Tally::default();
        all.merge(&t);
        all.add(None, 1, 0);
        assert_eq!((all.closed, all.success_rate()), (10, Some(60.0)));
    }
}
