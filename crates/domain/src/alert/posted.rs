//! An alert as a tool posts it, made whole as Alertmanager 0.25 makes it
//! (`POST /api/v2/alerts`), and merged with the alert of the same
//! fingerprint already kept (Alertmanager's `mem.Alerts.Put` and
//! `types.Alert.Merge`), so a repeat updates the alert, never a new one.

use super::{Labels, Problems};
use crate::code::Code;

/// The default resolve timeout: an alert sent without an end ends this
/// long after it was last sent, unless sent again.
pub const RESOLVE_TIMEOUT: i64 = 5 * 60 * 1_000_000;

/// What was posted; `None` times are unset (Go's zero time).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Posted {
    pub labels: Labels,
    pub annotations: Labels,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub generator_url: String,
}

/// An alert as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub fingerprint: u64,
    pub labels: Labels,
    pub annotations: Labels,
    pub generator_url: String,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Its end came from the resolve timeout, not from the sender.
    pub timeout: bool,
    pub updated_at: i64,
}

impl Alert {
    /// Ended at `now` (an end not after it).
    pub fn resolved(&self, now: i64) -> bool {
        self.ends_at <= now
    }
}

impl Posted {
    /// The alert made whole at `now` — empty labels dropped, a missing
    /// start is now (or the end, when only that was sent), a missing end is
    /// `now + resolve_timeout` — then checked as Alertmanager does; every
    /// problem beside its field under `prefix` (`[3]` for the fourth of a
    /// batch).
    pub fn into_alert(mut self, now: i64, resolve_timeout: i64, prefix: &str) -> Result<Alert, Problems> {
        self.labels.remove_empty();
        let starts_at = self.starts_at.or(self.ends_at).unwrap_or(now);
        let (ends_at, timeout) = match self.ends_at {
            Some(e) => (e, false),
            None => (now.saturating_add(resolve_timeout), true),
        };
        let mut problems = Problems::new();
        if ends_at < starts_at {
            problems.push((format!("{prefix}endsAt"), Code::EndBeforeStart.msg("must not be before startsAt")));
        }
        for (field, m) in self.labels.validate().into_iter().chain(self.annotations.validate_names("annotations")) {
            problems.push((format!("{prefix}{field}"), m));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Alert {
            fingerprint: self.labels.fingerprint(),
            labels: self.labels,
            annotations: self.annotations,
            generator_url: self.generator_url,
            starts_at,
            ends_at,
            timeout,
            updated_at: now,
        })
    }
}

/// The alert to keep when `new` arrives for `old`'s fingerprint: merged
/// when their spans of activity overlap (the earliest start; the end the
/// later of the two unless a resolution or a timeout says otherwise),
/// else `new` replaces `old` (a new episode of a resolved alert).
pub fn merge(old: &Alert, new: Alert, now: i64) -> Alert {
    let overlap = (new.ends_at > old.starts_at && new.ends_at < old.ends_at)
        || (new.starts_at > old.starts_at && new.starts_at < old.ends_at);
    if !overlap {
        return new;
    }
    // Alertmanager's Merge, `new` being the younger.
    let mut res = new;
    if old.starts_at < res.starts_at {
        res.starts_at = old.starts_at;
    }
    if res.resolved(now) {
        if old.resolved(now) && old.ends_at > res.ends_at {
            res.ends_at = old.ends_at;
        }
    } else if old.ends_at > res.ends_at && !old.timeout {
        res.ends_at = old.ends_at;
    }
    res
}

/// Several posts of one fingerprint in one batch fold into one, in order
/// (later ones are younger), as if each had been put on its own.
pub fn fold(alerts: Vec<Alert>, now: i64) -> Vec<Alert> {
    let mut out: Vec<Alert> = Vec::with_capacity(alerts.len());
    let mut at: std::collections::HashMap<u64, usize> = std::collections::HashMap::with_capacity(alerts.len());
    for a in alerts {
        match at.get(&a.fingerprint) {
            Some(&i) => out[i] = merge(&out[i], a, now),
            None => {
                at.insert(a.fingerprint, out.len());
                out.push(a);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000_000;
    const NOW: i64 = 1_800_000_000_000_000;

    fn posted(labels: &[(&str, &str)], starts: Option<i64>, ends: Option<i64>) -> Posted {
        let mut l = Labels::new();
        for (k, v) in labels {
            l.insert(*k, *v);
        }
        Posted { labels: l, starts_at: starts, ends_at: ends, ..Posted::default() }
    }

    fn alert(starts: i64, ends: i64, timeout: bool) -> Alert {
        posted(&[("alertname", "Down")], Some(starts), Some(ends))
            .into_alert(NOW, RESOLVE_TIMEOUT, "")
            .map(|a| Alert { timeout, ..a })
            .unwrap()
    }

    #[test]
    fn missing_times_are_made_as_alertmanager_makes_them() {
        let a = posted(&[("alertname", "Down"), ("job", "")], None, None).into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap();
        assert_eq!((a.starts_at, a.ends_at, a.timeout), (NOW, NOW + RESOLVE_TIMEOUT, true));
        assert_eq!(a.labels.len(), 1, "the empty label is dropped");
        assert_eq!(a.fingerprint, posted(&[("alertname", "Down")], None, None).labels.fingerprint());
        let a = posted(&[("alertname", "Down")], None, Some(NOW - MIN)).into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap();
        assert_eq!((a.starts_at, a.ends_at, a.timeout), (NOW - MIN, NOW - MIN, false), "only an end: it starts then");
    }

    #[test]
    fn bad_alerts_name_their_fields() {
        let p = posted(&[("alert-name", "x"), ("job", "")], Some(NOW), Some(NOW - MIN));
        let problems = p.into_alert(NOW, RESOLVE_TIMEOUT, "[2].").unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["[2].endsAt", "[2].labels.alert-name"]);
        let problems = posted(&[("job", "")], None, None).into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap_err();
        assert_eq!(problems[0].1.code, Code::NoLabels, "nothing left once empty values go");
    }

    #[test]
    fn a_repeat_while_firing_keeps_the_first_start() {
        let old = alert(NOW - 10 * MIN, NOW + 5 * MIN, true);
        let new = alert(NOW - 2 * MIN, NOW + 5 * MIN + 30_000_000, true);
        let m = merge(&old, new, NOW);
        assert_eq!((m.starts_at, m.ends_at), (NOW - 10 * MIN, NOW + 5 * MIN + 30_000_000));
    }

    #[test]
    fn an_explicit_later_end_outlives_a_timeout_and_a_resolution_wins() {
        // The sender said it ends in an hour; a repeat with a timeout does not shorten it.
        let old = alert(NOW - 10 * MIN, NOW + 60 * MIN, false);
        let new = alert(NOW - 10 * MIN, NOW + 5 * MIN, true);
        assert_eq!(merge(&old, new, NOW).ends_at, NOW + 60 * MIN);
        // A timeout end is replaced by the newer one.
        let old = alert(NOW - 10 * MIN, NOW + 60 * MIN, true);
        let new = alert(NOW - 10 * MIN, NOW + 5 * MIN, true);
        assert_eq!(merge(&old, new, NOW).ends_at, NOW + 5 * MIN);
        // A resolution (an end now) is kept.
        let old = alert(NOW - 10 * MIN, NOW + 5 * MIN, true);
        let new = alert(NOW - 10 * MIN, NOW - 1, false);
        let m = merge(&old, new, NOW);
        assert!(m.resolved(NOW));
    }

    #[test]
    fn a_new_episode_after_a_resolution_starts_afresh() {
        let old = alert(NOW - 60 * MIN, NOW - 30 * MIN, false);
        let new = alert(NOW - MIN, NOW + 4 * MIN, true);
        let m = merge(&old, new.clone(), NOW);
        assert_eq!(m, new);
    }

    #[test]
    fn a_batch_folds_repeats_into_one() {
        let a = alert(NOW - 10 * MIN, NOW + 5 * MIN, true);
        let b = alert(NOW - 2 * MIN, NOW + 6 * MIN, true);
        let mut other = posted(&[("alertname", "Other")], None, None).into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap();
        other.updated_at = NOW;
        let folded = fold(vec![a.clone(), other.clone(), b], NOW);
        assert_eq!(folded.len(), 2);
        assert_eq!((folded[0].starts_at, folded[0].ends_at), (NOW - 10 * MIN, NOW + 6 * MIN));
        assert_eq!(folded[1], other);
    }
}
