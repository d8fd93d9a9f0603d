//! The continual improvement register (issue 14): an improvement aims to
//! move one measure, read over a rolling window of days and narrowed like
//! the dashboard, from a baseline to a target by a date. Its progress is
//! read from the live measure, never typed in.

use super::Measures;
use crate::code::{Code, Message, not_one_of};

/// Which way a measure should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
}

/// The measures an improvement may aim at, with the way each should move
/// and whether it is a percentage (0–100).
pub const MEASURES: [(&str, Better, bool); 9] = [
    ("mtta_hours", Better::Lower, false),
    ("mttr_hours", Better::Lower, false),
    ("mttr_business_hours", Better::Lower, false),
    ("first_contact_rate", Better::Higher, true),
    ("reopen_rate", Better::Lower, true),
    ("sla_compliance", Better::Higher, true),
    ("arrivals", Better::Lower, false),
    ("escalations", Better::Lower, false),
    ("backlog", Better::Lower, false),
];

/// The days a live value is read over, up to today.
pub const WINDOW_DAYS: i64 = 30;

fn measure(name: &str) -> Option<(Better, bool)> {
    MEASURES.iter().find(|(n, _, _)| *n == name).map(|(_, b, p)| (*b, *p))
}

/// The measure's value in `m` (rates and compliance as percentages, times
/// in hours); none when nothing was measured.
pub fn value_of(name: &str, m: &Measures) -> Option<f64> {
    let hours = |s: Option<f64>| s.map(|s| s / 3_600.0);
    let percent = |r: Option<f64>| r.map(|r| r * 100.0);
    match name {
        "mtta_hours" => hours(m.mtta.mean_seconds),
        "mttr_hours" => hours(m.mttr.mean_seconds),
        "mttr_business_hours" => hours(m.mttr_business.mean_seconds),
        "first_contact_rate" => percent(m.first_contact_rate),
        "reopen_rate" => percent(m.reopen_rate),
        "sla_compliance" => {
            let (met, breached) = m.sla.iter().fold((0, 0), |(a, b), s| (a + s.met, b + s.breached));
            (met + breached > 0).then(|| met as f64 * 100.0 / (met + breached) as f64)
        }
        "arrivals" => Some(m.arrivals as f64),
        "escalations" => Some(m.escalations as f64),
        "backlog" => m.backlog.last().map(|b| b.open as f64),
        _ => None,
    }
}

/// An improvement's aim as typed, checked by [`check`].
#[derive(Debug, Clone, PartialEq)]
pub struct Aim {
    pub measure: String,
    pub baseline: f64,
    pub target: f64,
    /// `YYYY-MM-DD`.
    pub target_date: String,
}

/// Checks an aim: a known measure, numbers in range, a target better than
/// the baseline, a date that is one (and, for a new aim, not past). Each
/// problem beside its field.
pub fn check(aim: &Aim, today: jiff::civil::Date, new: bool) -> Vec<(&'static str, Message)> {
    let mut bad = Vec::new();
    let Some((better, percent)) = measure(&aim.measure) else {
        let names: Vec<&str> = MEASURES.iter().map(|m| m.0).collect();
        bad.push(("measure", not_one_of(&aim.measure, &names)));
        return bad;
    };
    let max = if percent { 100.0 } else { 1e12 };
    for (field, v) in [("baseline", aim.baseline), ("target", aim.target)] {
        if !(v.is_finite() && (0.0..=max).contains(&v)) {
            let msg = format!("must be between 0 and {max}");
            bad.push((field, Code::Between.msg(msg).with("min", "0").with("max", max.to_string())));
        }
    }
    if bad.is_empty() {
        let (ok, why) = match better {
            Better::Lower => {
                (aim.target < aim.baseline, "must be below the baseline: lower is better for this measure")
            }
            Better::Higher => {
                (aim.target > aim.baseline, "must be above the baseline: higher is better for this measure")
            }
        };
        if !ok {
            let code = if better == Better::Lower { Code::TargetBelowBaseline } else { Code::TargetAboveBaseline };
            bad.push(("target", code.msg(why)));
        }
    }
    match aim.target_date.parse::<jiff::civil::Date>() {
        Err(_) => bad.push((
            "target_date",
            Code::AttrNotDate
                .msg(format!("{:?} is not a date (YYYY-MM-DD)", aim.target_date))
                .with("text", format!("{:?}", aim.target_date)),
        )),
        Ok(d) if new && d < today => bad.push(("target_date", Code::TargetDatePast.msg("must not be in the past"))),
        Ok(_) => {}
    }
    bad
}

/// Where an improvement stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The live value (none: nothing measured in the window).
    pub current: Option<f64>,
    /// How much of the way from baseline to target is behind it, 0–100.
    pub percent: Option<f64>,
    /// `achieved`, `on_track`, `behind`, `overdue` or `no_data`.
    pub status: &'static str,
}

/// Progress of an aim started on `started` (a date) towards its target by
/// `target_date`, with `current` the live value, on `today`.
pub fn progress(aim: &Aim, current: Option<f64>, started: jiff::civil::Date, today: jiff::civil::Date) -> Progress {
    let Some((better, _)) = measure(&aim.measure) else {
        return Progress { current, percent: None, status: "no_data" };
    };
    let Some(now) = current else { return Progress { current, percent: None, status: "no_data" } };
    let span = aim.baseline - aim.target;
    let percent = if span == 0.0 { 100.0 } else { ((aim.baseline - now) / span * 100.0).clamp(0.0, 100.0) };
    let achieved = match better {
        Better::Lower => now <= aim.target,
        Better::Higher => now >= aim.target,
    };
    let due = aim.target_date.parse::<jiff::civil::Date>().unwrap_or(today);
    let status = if achieved {
        "achieved"
    } else if today > due {
        "overdue"
    } else {
        let total = (due - started).get_days().max(1) as f64;
        let gone = (today - started).get_days().clamp(0, i32::MAX) as f64;
        if percent >= (gone / total * 100.0).min(100.0) { "on_track" } else { "behind" }
    };
    Progress { current, percent: Some((percent * 10.0).round() / 10.0), status }
}

/// Managers and admins keep the register; the desk reads it.
pub fn can_keep_improvements(role: crate::Role) -> Result<(), crate::access::Denied> {
    if matches!(role, crate::Role::Manager | crate::Role::Admin) {
        Ok(())
    } else {
        Err(crate::access::Denied("only managers and admins can keep the improvement register", Code::DenyImprovements))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn aim(measure: &str, baseline: f64, target: f64) -> Aim {
        Aim { measure: measure.into(), baseline, target, target_date: "2027-03-31".into() }
    }

    #[test]
    fn aims_are_checked_beside_their_fields() {
        let today = date(2026, 12, 6);
        assert!(check(&aim("mttr_hours", 20.0, 12.0), today, true).is_empty());
        let fields = |a: &Aim| check(a, today, true).into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(fields(&aim("happiness", 1.0, 2.0)), ["measure"]);
        assert_eq!(fields(&aim("mttr_hours", 12.0, 20.0)), ["target"], "lower is better");
        assert_eq!(fields(&aim("sla_compliance", 95.0, 90.0)), ["target"], "higher is better");
        assert_eq!(fields(&aim("sla_compliance", 95.0, 101.0)), ["target"], "a percentage");
        assert_eq!(fields(&aim("arrivals", f64::NAN, 1.0)), ["baseline"]);
        let past = Aim { target_date: "2026-01-01".into(), ..aim("mttr_hours", 20.0, 12.0) };
        assert_eq!(fields(&past), ["target_date"]);
        assert!(check(&past, today, false).is_empty(), "an aim kept past its date may still be edited");
        let bad = Aim { target_date: "2027-02-30".into(), ..aim("mttr_hours", 20.0, 12.0) };
        assert_eq!(fields(&bad), ["target_date"]);
    }

    #[test]
    fn progress_is_read_from_the_live_value() {
        let a = aim("mttr_hours", 20.0, 10.0);
        let (start, mid) = (date(2026, 12, 1), date(2027, 2, 1));
        // Half the way to the target, a little more than half the time gone.
        let p = progress(&a, Some(15.0), start, mid);
        assert_eq!((p.percent, p.status), (Some(50.0), "behind"));
        assert_eq!(progress(&a, Some(12.0), start, mid).status, "on_track");
        assert_eq!(progress(&a, Some(9.5), start, mid).status, "achieved");
        assert_eq!(progress(&a, Some(25.0), start, mid).percent, Some(0.0), "worse than the baseline: none");
        assert_eq!(progress(&a, Some(15.0), start, date(2027, 4, 1)).status, "overdue");
        assert_eq!(progress(&a, None, start, mid).status, "no_data");
        let up = aim("sla_compliance", 90.0, 95.0);
        assert_eq!(progress(&up, Some(96.0), start, mid).status, "achieved");
    }
}
