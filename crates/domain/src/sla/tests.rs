use super::*;
use crate::calendar::Calendar;
use crate::calendar::tests::{office, warsaw as w};
use crate::{HoldReason, IncidentState, Priority};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

const fn h(hours: i64) -> SignedDuration {
    SignedDuration::from_hours(hours)
}

fn p(n: i64) -> Priority {
    Priority::new(n).unwrap()
}

fn definition() -> SlaDefinition {
    SlaDefinition {
        id: 1,
        name: "Standard".into(),
        position: 10,
        conditions: SlaConditions::default(),
        targets: vec![
            PriorityTarget { priority: p(1), response: Some(h(1)), resolution: Some(h(4)) },
            PriorityTarget { priority: p(3), response: Some(h(4)), resolution: Some(h(24)) },
        ],
        calendar_id: 1,
        pause_on: PauseOn::defaults(),
        thresholds: vec![50, 75, 90],
    }
}

#[test]
fn validation_names_every_problem() {
    assert_eq!(definition().validate(), Ok(()));
    let mut d = definition();
    d.name = "  ".into();
    d.conditions.kinds = vec!["Incident".into(), "change".into()];
    d.targets = vec![
        PriorityTarget { priority: p(1), response: Some(h(0)), resolution: Some(h(-2)) },
        PriorityTarget { priority: p(1), response: None, resolution: None },
    ];
    d.thresholds = vec![50, 40, 100, 0];
    d.pause_on = vec![PauseOn { state: IncidentState::Resolved, hold_reason: Some(HoldReason::AwaitingCaller) }];
    let problems = d.validate().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "conditions.kinds[1]",
            "targets[0].response",
            "targets[0].resolution",
            "targets[1].priority",
            "targets[1]",
            "thresholds[1]",
            "thresholds[2]",
            "thresholds[3]",
            "pause_on[0].hold_reason",
        ]
    );
    assert_eq!(problems[4].reason, "P1 has targets twice");
    assert_eq!(problems[6].reason, "40 % must be above the one before it");
    assert_eq!(problems[7].reason, "100 % is not between 1 and 99");
    d.targets.clear();
    assert!(d.validate().unwrap_err().iter().any(|p| p.field == "targets"));
}

#[test]
fn definitions_as_json() {
    let json = r#"{"id":3,"name":"Gold","position":1,"calendar_id":2,
        "conditions":{"kinds":["incident"],"priorities":[1,2],"organisation_ids":[7]},
        "targets":[{"priority":1,"response":"PT30M","resolution":"4h"},{"priority":2,"resolution":28800}],
        "thresholds":[50,75,90]}"#;
    let d: SlaDefinition = serde_json::from_str(json).unwrap();
    assert_eq!(d.pause_on, PauseOn::defaults());
    assert_eq!(d.target(p(1), SlaTargetKind::Response), Some(SignedDuration::from_mins(30)));
    assert_eq!(d.target(p(1), SlaTargetKind::Resolution), Some(h(4)));
    assert_eq!(d.target(p(2), SlaTargetKind::Resolution), Some(h(8)));
    assert_eq!(d.target(p(2), SlaTargetKind::Response), None);
    assert_eq!(d.target(p(5), SlaTargetKind::Resolution), None);
    let back = serde_json::to_value(&d).unwrap();
    assert_eq!(back["targets"][0]["resolution"], "PT4H");
    assert_eq!(back["pause_on"][0]["hold_reason"], "awaiting_caller");
    let bad = r#"{"id":3,"name":"x","position":1,"calendar_id":2,"targets":[{"priority":1,"response":"soon"}]}"#;
    let err = serde_json::from_str::<SlaDefinition>(bad).unwrap_err().to_string();
    assert!(err.contains("\"soon\" is not a duration such as PT4H or 4h 30m"), "{err}");
    assert_eq!(serde_json::to_string(&ClockKind::Group(7)).unwrap(), r#"{"group":7}"#);
    assert_eq!(serde_json::to_string(&ClockKind::Response).unwrap(), r#""response""#);
    assert_eq!(ClockKind::from_parts("group", Some(7)), Ok(ClockKind::Group(7)));
    assert_eq!(ClockKind::from_parts(ClockKind::Resolution.as_str(), None), Ok(ClockKind::Resolution));
    assert!(ClockKind::from_parts("group", None).is_err());
}

#[test]
fn selection_takes_the_first_match_by_position() {
    let facts = RecordFacts {
        kind: "incident",
        priority: p(2),
        service: Some("E-Mail"),
        organisation_id: Some(7),
        category: None,
    };
    let mut general = definition();
    general.id = 1;
    general.position = 100;
    let mut gold = definition();
    gold.id = 2;
    gold.position = 1;
    gold.conditions.organisation_ids = vec![7, 8];
    gold.conditions.services = vec!["e-mail ".into()];
    let mut network = definition();
    network.id = 3;
    network.position = 0;
    network.conditions.categories = vec!["network".into()];
    let defs = [general, gold, network];
    assert_eq!(select(&defs, &facts).map(|d| d.id), Some(2));
    let other_org = RecordFacts { organisation_id: Some(9), ..facts };
    assert_eq!(select(&defs, &other_org).map(|d| d.id), Some(1));
    let network_case = RecordFacts { category: Some("Network"), ..facts };
    assert_eq!(select(&defs, &network_case).map(|d| d.id), Some(3));
    let change = RecordFacts { kind: "change", ..facts };
    let mut only_incidents = defs.clone();
    for d in &mut only_incidents {
        d.conditions.kinds = vec!["INCIDENT".into()];
    }
    assert_eq!(select(&only_incidents, &change), None);
    let mut p1_only = definition();
    p1_only.conditions.priorities = vec![p(1)];
    assert!(!p1_only.matches(&facts));
    assert!(p1_only.matches(&RecordFacts { priority: p(1), ..facts }));
}

#[test]
fn pause_states() {
    let d = definition();
    assert!(d.pauses(IncidentState::OnHold, Some(HoldReason::AwaitingCaller)));
    assert!(d.pauses(IncidentState::OnHold, Some(HoldReason::AwaitingVendor)));
    assert!(!d.pauses(IncidentState::OnHold, Some(HoldReason::AwaitingChange)));
    assert!(!d.pauses(IncidentState::InProgress, None));
    let any_hold = PauseOn { state: IncidentState::OnHold, hold_reason: None };
    assert!(any_hold.matches(IncidentState::OnHold, Some(HoldReason::AwaitingChange)));
}

#[test]
fn a_clock_runs_in_business_hours() {
    let cal = office();
    // Friday 14:00, 4 business hours: due Monday 10:00.
    let c = Clock::start(ClockKind::Resolution, h(4), w("2026-03-06T14:00"), &cal);
    assert_eq!(c.due_at, Some(w("2026-03-09T10:00")));
    assert!(c.is_running());
    assert_eq!(c.elapsed_at(w("2026-03-07T12:00"), &cal), h(2));
    assert_eq!(c.remaining_at(w("2026-03-09T09:00"), &cal), h(1));
    assert_eq!(c.percent_at(w("2026-03-09T09:00"), &cal), 75);
    assert_eq!(c.remaining_at(w("2026-03-09T12:00"), &cal), h(-2));
    assert_eq!(c.percent_at(w("2026-03-09T12:00"), &cal), 150);
}

#[test]
fn pause_and_resume_move_the_due_moment() {
    let cal = office();
    let mut c = Clock::start(ClockKind::Resolution, h(8), w("2026-03-09T08:00"), &cal);
    assert_eq!(c.due_at, Some(w("2026-03-09T16:00")));
    c.pause(w("2026-03-09T11:00"), &cal);
    assert!(c.is_paused());
    assert_eq!((c.elapsed, c.due_at, c.running_since), (h(3), None, None));
    assert_eq!(c.elapsed_at(w("2026-03-10T11:00"), &cal), h(3), "a paused clock stands still");
    c.pause(w("2026-03-09T12:00"), &cal);
    assert_eq!(c.elapsed, h(3), "pausing twice changes nothing");
    c.resume(w("2026-03-10T14:00"), &cal);
    assert_eq!(c.due_at, Some(w("2026-03-11T11:00")));
    c.resume(w("2026-03-10T15:00"), &cal);
    assert_eq!(c.running_since, Some(w("2026-03-10T14:00")), "resuming twice changes nothing");
    c.stop(w("2026-03-10T15:00"), &cal);
    assert!(c.is_stopped());
    assert_eq!((c.elapsed, c.due_at, c.stopped_at), (h(4), None, Some(w("2026-03-10T15:00"))));
    c.resume(w("2026-03-10T15:30"), &cal);
    assert!(c.is_stopped() && !c.is_running(), "a stopped clock is final");
    assert_eq!(c.elapsed_at(w("2026-03-12T15:00"), &cal), h(4));
}

#[test]
fn a_breach_survives_pause_and_resume() {
    let cal = office();
    let mut c = Clock::start(ClockKind::Response, h(1), w("2026-03-09T08:00"), &cal);
    c.pause(w("2026-03-09T10:00"), &cal);
    assert_eq!(c.breached_at, Some(w("2026-03-09T09:00")), "breached while running, before the pause");
    assert_eq!(c.remaining_at(w("2026-03-09T12:00"), &cal), h(-1));
    c.resume(w("2026-03-10T08:00"), &cal);
    assert_eq!(c.due_at, Some(w("2026-03-09T09:00")), "due stays in the past");
    assert_eq!(c.next_event(&[], &cal), Some((ClockEvent::Breach, w("2026-03-09T09:00"))));
    assert!(c.fire(ClockEvent::Breach, w("2026-03-09T09:00")));
    assert_eq!(c.next_event(&[], &cal), None);
    assert_eq!(c.remaining_at(w("2026-03-10T09:00"), &cal), h(-2));
}

#[test]
fn events_fire_once_each_in_order() {
    let cal = office();
    let thresholds = [90, 50, 75];
    let mut c = Clock::start(ClockKind::Resolution, h(8), w("2026-03-09T08:00"), &cal);
    assert_eq!(c.next_event(&thresholds, &cal), Some((ClockEvent::Warning(50), w("2026-03-09T12:00"))));
    // A worker down all day catches up every event at its own moment.
    let events = c.due_events(w("2026-03-10T09:00"), &thresholds, &cal);
    assert_eq!(
        events,
        [
            (ClockEvent::Warning(50), w("2026-03-09T12:00")),
            (ClockEvent::Warning(75), w("2026-03-09T14:00")),
            (ClockEvent::Warning(90), w("2026-03-09T15:12")),
            (ClockEvent::Breach, w("2026-03-09T16:00")),
        ]
    );
    assert_eq!(c.due_events(w("2026-03-09T14:00"), &thresholds, &cal).len(), 2);
    assert_eq!(c.catch_up(w("2026-03-09T14:30"), &thresholds, &cal).len(), 2);
    assert_eq!(c.fired, 75);
    assert!(!c.fire(ClockEvent::Warning(50), w("2026-03-09T14:30")), "once");
    assert_eq!(c.next_event(&thresholds, &cal), Some((ClockEvent::Warning(90), w("2026-03-09T15:12"))));
    assert_eq!(c.catch_up(w("2026-03-09T16:00"), &thresholds, &cal).len(), 2);
    assert_eq!((c.fired, c.breached_at), (100, Some(w("2026-03-09T16:00"))));
    assert!(!c.fire(ClockEvent::Breach, w("2026-03-09T17:00")));
    assert_eq!(c.breached_at, Some(w("2026-03-09T16:00")));
    assert_eq!(c.next_event(&thresholds, &cal), None);
    assert!(c.due_events(w("2027-01-01T00:00"), &thresholds, &cal).is_empty());
}

#[test]
fn paused_and_stopped_clocks_have_no_next_event() {
    let cal = office();
    let mut c = Clock::start(ClockKind::Group(4), h(2), w("2026-03-09T08:00"), &cal);
    c.pause(w("2026-03-09T08:30"), &cal);
    assert_eq!(c.next_event(&[50], &cal), None);
    c.resume(w("2026-03-09T09:00"), &cal);
    assert_eq!(c.next_event(&[50], &cal), Some((ClockEvent::Warning(50), w("2026-03-09T09:30"))));
    c.stop(w("2026-03-09T09:10"), &cal);
    assert_eq!(c.next_event(&[50], &cal), None);
}

#[test]
fn a_priority_change_recomputes_from_the_start() {
    let cal = office();
    let mut c = Clock::start(ClockKind::Resolution, h(24), w("2026-03-09T08:00"), &cal);
    c.fire(ClockEvent::Warning(50), w("2026-03-10T12:00"));
    // Raised to P1 (4 h) on Tuesday 09:00 with 9 h spent: breached Monday 12:00.
    c.retarget(h(4), w("2026-03-10T09:00"), &cal);
    assert_eq!((c.target, c.breached_at), (h(4), Some(w("2026-03-09T12:00"))));
    assert_eq!(c.due_at, Some(w("2026-03-09T12:00")));
    assert_eq!(c.next_event(&[50, 75], &cal), Some((ClockEvent::Warning(75), w("2026-03-09T11:00"))));
    // Lowered to 40 h: no longer breached, 50 % is announced again when reached.
    c.retarget(h(40), w("2026-03-10T10:00"), &cal);
    assert_eq!((c.breached_at, c.fired), (None, 25), "events up to the 25 % spent stay announced");
    assert_eq!(c.due_at, Some(w("2026-03-13T16:00")));
    assert_eq!(c.next_event(&[50], &cal), Some((ClockEvent::Warning(50), w("2026-03-11T12:00"))));
    // A change while paused: the breach counts from the change.
    c.pause(w("2026-03-10T10:00"), &cal);
    c.retarget(h(2), w("2026-03-10T11:00"), &cal);
    assert_eq!(c.breached_at, Some(w("2026-03-10T11:00")));
    assert_eq!(c.due_at, None);
    c.resume(w("2026-03-10T12:00"), &cal);
    assert_eq!(c.due_at, Some(w("2026-03-10T11:00")));
}

#[test]
fn always_clock() {
    let cal = Calendar::always();
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    let c = Clock::start(ClockKind::Response, h(4), t("2026-03-07T22:00:00Z"), &cal);
    assert_eq!(c.due_at, Some(t("2026-03-08T02:00:00Z")));
    assert_eq!(c.percent_at(t("2026-03-08T00:00:00Z"), &cal), 50);
}

fn instant() -> impl Strategy<Value = Timestamp> {
    (1_767_222_000_i64..1_893_452_400).prop_map(|s| Timestamp::from_second(s).unwrap())
}

proptest! {
    #[test]
    fn pausing_never_brings_the_due_moment_earlier(
        start in instant(),
        target_mins in 1_i64..=5 * 8 * 60,
        pauses in proptest::collection::vec((0_i64..200_000, 0_i64..400_000), 1..4),
    ) {
        let cal = office();
        let target = SignedDuration::from_mins(target_mins);
        let mut c = Clock::start(ClockKind::Resolution, target, start, &cal);
        let unpaused = c.due_at.unwrap();
        prop_assert_eq!(Some(unpaused), cal.add(start, target));
        let mut t = start;
        let mut due = unpaused;
        for (run, pause) in pauses {
            t = t.checked_add(SignedDuration::from_secs(run)).unwrap();
            c.pause(t, &cal);
            t = t.checked_add(SignedDuration::from_secs(pause)).unwrap();
            c.resume(t, &cal);
            let now = c.due_at.unwrap();
            prop_assert!(now >= due, "{} < {}", now, due);
            due = now;
            // Spent plus remaining is the target, whatever happened.
            prop_assert_eq!(c.elapsed_at(t, &cal) + c.remaining_at(t, &cal), target);
        }
    }
}
