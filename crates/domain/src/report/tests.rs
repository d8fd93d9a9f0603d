use super::*;
use crate::code::Code;

const H: i64 = 3_600_000_000;

/// 2026-03-02 00:00 UTC in microseconds.
const MON: i64 = 1_772_409_600_000_000;

fn dims() -> Dims {
    Dims { service: 5, group: 2, organisation: 0, priority: 3 }
}

fn facts() -> RecordFacts {
    RecordFacts {
        kind: "incident".into(),
        dims: dims(),
        state: "resolved".into(),
        opened_at: MON + 22 * H,
        first_response_at: Some(MON + 23 * H),
        resolved_at: Some(MON + 50 * H),
        reopened_at: vec![],
        reassigned: false,
        escalated_at: vec![MON + 24 * H + 1],
        clocks: vec![
            ClockFact {
                kind: "response".into(),
                sla: Some(9),
                group: None,
                elapsed_us: H,
                stopped_at: Some(MON + 23 * H),
                breached_at: None,
            },
            ClockFact {
                kind: "resolution".into(),
                sla: Some(9),
                group: None,
                elapsed_us: 10 * H,
                stopped_at: Some(MON + 50 * H),
                breached_at: Some(MON + 40 * H),
            },
            ClockFact {
                kind: "group".into(),
                sla: None,
                group: Some(2),
                elapsed_us: 2 * H,
                stopped_at: None,
                breached_at: None,
            },
        ],
        marks: vec![MarkFact { name: marks::KNOWN_ERROR.into(), at: MON + 30 * H, count: 1 }],
    }
}

#[test]
fn a_record_adds_to_each_day_it_touched() {
    let c = contribution(&facts(), &TimeZone::UTC);
    // Opened Monday 22:00, answered 23:00, escalated Tuesday, resolved Wednesday 02:00.
    assert_eq!(c.days.keys().copied().collect::<Vec<_>>(), vec![20260302, 20260303, 20260304]);
    let mon = c.days[&20260302];
    assert_eq!((mon.arrivals, mon.response.n, mon.response.sum), (1, 1, 3_600));
    assert_eq!(c.days[&20260303].escalations, 1);
    let wed = c.days[&20260304];
    assert_eq!((wed.resolved, wed.fcr, wed.resolve.sum, wed.business.sum), (1, 1, 28 * 3_600, 10 * 3_600));
    // The response clock met on Monday; the resolution clock breached on
    // Tuesday 16:00; the OLA clock only paused, so it met when the record
    // was resolved.
    let outcomes: Vec<_> = c.sla.iter().map(|((d, k), s)| (*d, k.target.as_str(), s.met, s.breached)).collect();
    assert_eq!(outcomes, vec![(20260302, "response", 1, 0), (20260303, "resolution", 0, 1), (20260304, "group", 1, 0)]);
    // Its kind's own marks count on their day (Tuesday 06:00).
    assert_eq!(c.marks.iter().collect::<Vec<_>>(), vec![(&(20260303, "known_error".to_owned()), &1)]);
    // Still open, a clock that neither stopped nor breached counts nowhere.
    let open = RecordFacts { resolved_at: None, ..facts() };
    assert!(contribution(&open, &TimeZone::UTC).sla.keys().all(|(_, k)| k.target != "group"));
}

#[test]
fn days_are_the_site_zones() {
    // 22:00 UTC on Monday is already Tuesday in Tokyo (UTC+9).
    let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
    let c = contribution(&facts(), &tokyo);
    assert_eq!(c.days.iter().find(|(_, v)| v.arrivals == 1).map(|(d, _)| *d), Some(20260302 + 1));
}

#[test]
fn a_reopen_or_a_second_group_is_no_first_contact_resolution() {
    let mut f = facts();
    f.reopened_at = vec![MON + 49 * H];
    let c = contribution(&f, &TimeZone::UTC);
    assert_eq!((c.days[&20260304].fcr, c.days[&20260304].reopened), (0, 1));
    let mut f = facts();
    f.reassigned = true;
    assert_eq!(contribution(&f, &TimeZone::UTC).days[&20260304].fcr, 0);
}

#[test]
fn a_change_moves_what_was_given_and_nothing_is_counted_twice() {
    let tz = TimeZone::UTC;
    let before = facts();
    let mut after = facts();
    // Reopened, then resolved again two days later, in another group.
    after.reopened_at = vec![MON + 60 * H];
    after.resolved_at = Some(MON + 100 * H);
    after.dims.group = 7;
    let mut d = Delta::default();
    d.add(&contribution(&before, &tz), -1);
    d.add(&contribution(&after, &tz), 1);
    let d = d.finish();
    let total = |group: i64| -> i64 {
        d.days.iter().filter(|((_, dm, _), _)| dm.group == group).map(|(_, c)| c.resolved).sum()
    };
    // One resolution left group 2 and one arrived in group 7.
    assert_eq!((total(2), total(7)), (-1, 1));
    // Giving and taking back the same comes out even.
    let mut z = Delta::default();
    z.add(&contribution(&before, &tz), 1);
    z.add(&contribution(&before, &tz), -1);
    assert!(z.finish().is_empty());
}

#[test]
fn the_standing_totals_follow_the_state_and_the_clocks() {
    let tz = TimeZone::UTC;
    let before = RecordFacts { state: "in_progress".into(), resolved_at: None, ..facts() };
    let mut d = Delta::default();
    d.add(&contribution(&before, &tz), -1);
    d.add(&contribution(&facts(), &tz), 1);
    let d = d.finish();
    let totals: Vec<_> = d.totals.iter().map(|(k, n)| (k.name, k.label.as_str(), k.priority, *n)).collect();
    // One record left in_progress for resolved; resolving met the paused OLA
    // clock. The response and resolution clocks' outcomes stand as they were.
    assert_eq!(
        totals,
        vec![("records", "in_progress", 3, -1), ("records", "resolved", 3, 1), ("sla_met", "group", 3, 1)]
    );
    let mut first = Delta::default();
    first.add(&contribution(&facts(), &tz), 1);
    let breached: i64 = first.totals.iter().filter(|(k, _)| k.name == "sla_breached").map(|(_, n)| n).sum();
    assert_eq!(breached, 1);
}

#[test]
fn facts_keep_as_short_json() {
    let f = facts();
    let json = serde_json::to_string(&f).unwrap();
    assert!(json.len() < 400, "{json}");
    assert_eq!(serde_json::from_str::<RecordFacts>(&json).unwrap(), f);
}

#[test]
fn percentiles_come_from_the_buckets() {
    let mut h = Histogram::default();
    for s in [30, 30, 30, 30, 30, 30, 30, 30, 30, 4_000] {
        h.record(s);
    }
    assert_eq!(h.mean(), Some(427.0));
    // Nine of ten under a minute: the median is inside the first bucket.
    let p50 = h.percentile(50.0).unwrap();
    assert!(p50 > 0.0 && p50 < 60.0, "{p50}");
    // The tenth is in the 1–2 hour bucket.
    let p95 = h.percentile(95.0).unwrap();
    assert!((3_600.0..=7_200.0).contains(&p95), "{p95}");
    assert_eq!(Histogram::default().percentile(50.0), None);
    let mut far = Histogram::default();
    far.record(100 * 86_400);
    assert_eq!(far.percentile(50.0), Some(7_776_000.0));
    assert_eq!(bucket_of(59), 0);
    assert_eq!(bucket_of(60), 1);
}

#[test]
fn periods_are_checked() {
    let p = Period::parse("2026-03-01", "2026-03-31").unwrap();
    assert_eq!((p.days(), p.keys()), (31, (20260301, 20260331)));
    let prev = p.previous();
    assert_eq!((prev.from.to_string(), prev.to.to_string()), ("2026-01-29".into(), "2026-02-28".into()));
    assert_eq!(p.each_day().count(), 31);
    assert_eq!(measures::date_of(20260331), Some(p.to));
    let e = Period::parse("2026-03-31", "2026-03-01").unwrap_err();
    assert_eq!((e.field, e.message.code), ("to", Code::EndBeforeStart));
    let e = Period::parse("2026-02-30", "2026-03-01").unwrap_err();
    assert_eq!((e.field, e.message.code), ("from", Code::BadDate));
    let e = Period::parse("2000-01-01", "2026-03-01").unwrap_err();
    assert_eq!((e.field, e.message.code), ("to", Code::TooLong));
}

#[test]
fn a_periods_figures() {
    let mut total = Counts::default();
    total.add(&contribution(&facts(), &TimeZone::UTC).days[&20260304], 1);
    total.arrivals = 4;
    total.resolved = 2;
    total.reopened = 1;
    let key = SlaKey { sla: 9, ola_group: 0, target: "resolution".into() };
    let m = Measures::of(
        &total,
        &[(key, SlaCounts { met: 3, breached: 1 })],
        vec![],
        vec![],
        marks::KindFigures::of(&Default::default()),
        vec![ServiceAvailability::of(4, 2, [90, 5, 5, 3])],
    );
    assert_eq!(m.availability[0].availability, Some(0.95));
    assert_eq!((m.first_contact_rate, m.reopen_rate), (Some(0.5), Some(0.5)));
    assert_eq!(m.sla[0].compliance, Some(0.75));
    assert_eq!((m.sla[0].sla_id, m.sla[0].ola_group_id), (Some(9), None));
    assert_eq!(m.mttr.mean_seconds, Some(100_800.0));
}
