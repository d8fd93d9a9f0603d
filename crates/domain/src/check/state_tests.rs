use super::*;
use Status::{Critical as C, Ok as O, Warning as W};
use proptest::prelude::*;

const FLAP: Option<FlapThresholds> = Some(FlapThresholds { low: 5.0, high: 20.0 });

fn feed_all(s: &mut CheckState, statuses: &[Status], retries: u8) -> Vec<Vec<Transition>> {
    statuses.iter().map(|&st| s.feed(st, retries, FLAP)).collect()
}

fn hard(from: Status, to: Status) -> Transition {
    Transition::Hard { from, to, notify: true }
}

#[test]
fn problems_are_soft_until_the_retries_are_spent() {
    let mut s = CheckState::default();
    let steps = feed_all(&mut s, &[O, C, C, C, C], 2);
    assert_eq!(steps[0], []);
    assert_eq!(steps[1], [Transition::Soft { from: O, to: C, attempt: 1, max_attempts: 3 }]);
    assert_eq!(steps[2], [Transition::Soft { from: C, to: C, attempt: 2, max_attempts: 3 }]);
    assert_eq!(steps[3], [hard(O, C)]);
    assert_eq!(steps[4], []);
    assert_eq!((s.hard, s.state_type, s.notified), (C, StateType::Hard, C));
}

#[test]
fn a_soft_problem_that_recovers_notifies_nothing() {
    let mut s = CheckState::default();
    let steps = feed_all(&mut s, &[W, C, O, O], 3);
    assert_eq!(steps[1], [Transition::Soft { from: W, to: C, attempt: 2, max_attempts: 4 }]);
    assert_eq!(steps[2], [Transition::Soft { from: C, to: O, attempt: 1, max_attempts: 4 }]);
    assert_eq!(steps[3], []);
    assert_eq!((s.hard, s.notified), (O, O));
    // The count starts again after a soft recovery.
    let steps = feed_all(&mut s, &[C, C, C, C], 3);
    assert_eq!(steps[3], [hard(O, C)]);
}

#[test]
fn without_retries_changes_are_hard_at_once_and_recoveries_always_are() {
    let mut s = CheckState::default();
    assert_eq!(s.feed(C, 0, None), [hard(O, C)]);
    assert_eq!(s.feed(W, 0, None), [hard(C, W)]);
    assert_eq!(s.feed(W, 0, None), []);
    let mut s = CheckState::default();
    feed_all(&mut s, &[C, C, C], 2);
    // A confirmed problem changing status or recovering does not wait.
    assert_eq!(s.feed(Status::Unknown, 2, FLAP), [hard(C, Status::Unknown)]);
    assert_eq!(s.feed(O, 2, FLAP), [hard(Status::Unknown, O)]);
}

#[test]
fn percent_state_change_is_weighted_as_nagios_does() {
    let h = |v: &[Status]| v.iter().copied().collect::<VecDeque<_>>();
    assert_eq!(percent_change(&h(&[])), 0.0);
    assert_eq!(percent_change(&h(&[C; 21])), 0.0);
    let alternating: Vec<Status> = (0..21).map(|i| if i % 2 == 0 { O } else { C }).collect();
    assert!((percent_change(&h(&alternating)) - 100.0).abs() < 1e-9);
    // One change, newest: weight 1.25; oldest: 0.75 (of 20 possible).
    let mut newest = vec![O; 20];
    newest.push(C);
    assert!((percent_change(&h(&newest)) - 6.25).abs() < 1e-9);
    let mut oldest = vec![C];
    oldest.extend([O; 20]);
    assert!((percent_change(&h(&oldest)) - 3.75).abs() < 1e-9);
    // A short history counts as padded with its oldest state.
    assert!((percent_change(&h(&[O, C])) - 6.25).abs() < 1e-9);
}

#[test]
fn a_flapping_check_stops_notifying_and_settles_once() {
    let mut s = CheckState::default();
    let steps = feed_all(&mut s, &[C, O, C, O], 0);
    assert!(steps.iter().all(|t| matches!(t[..], [Transition::Hard { notify: true, .. }])), "{steps:?}");
    assert!(!s.flapping && s.percent_change > 18.0 && s.percent_change < 20.0, "{}", s.percent_change);
    // The fifth flip crosses 20 %: flapping, and this change is not notified.
    let step = s.feed(C, 0, FLAP);
    assert!(
        matches!(step[..], [Transition::FlappingStarted { percent }, Transition::Hard { from: O, to: C, notify: false }] if percent >= 20.0),
        "{step:?}"
    );
    assert!(s.flapping);
    let step = s.feed(O, 0, FLAP);
    assert_eq!(step, [Transition::Hard { from: C, to: O, notify: false }]);
    let step = s.feed(C, 0, FLAP);
    assert_eq!(step, [Transition::Hard { from: O, to: C, notify: false }]);
    // Steady now: it keeps flapping between the thresholds, then stops at
    // or under 5 % and notifies the critical state people never heard of.
    let mut stopped_after = None;
    for i in 1..=21 {
        let step = s.feed(C, 0, FLAP);
        if let [Transition::FlappingStopped { percent, settled }] = &step[..] {
            assert!(*percent <= 5.0);
            assert_eq!(*settled, Some(C));
            stopped_after = Some(i);
            break;
        }
        assert_eq!(step, [], "at {i}");
        assert!(s.flapping);
    }
    let n = stopped_after.expect("stops flapping within 21 steady results");
    assert!(n > 5, "hysteresis keeps it flapping a while (stopped after {n})");
    assert_eq!((s.notified, s.flapping), (C, false));
    assert_eq!(s.feed(C, 0, FLAP), []);
}

#[test]
fn flapping_that_ends_where_it_was_notified_settles_nothing() {
    let mut s = CheckState::default();
    feed_all(&mut s, &[C, O, C, O, C, O], 0);
    assert!(s.flapping);
    assert_eq!(s.notified, O);
    let stop = (0..21).flat_map(|_| s.feed(O, 0, FLAP)).find(|t| matches!(t, Transition::FlappingStopped { .. }));
    assert!(matches!(stop, Some(Transition::FlappingStopped { settled: None, .. })), "{stop:?}");
}

#[test]
fn soft_problems_are_not_recorded_so_retries_damp_flapping_too() {
    let mut s = CheckState::default();
    // Short blips that recover before the retries are spent: only the soft
    // recoveries (ok) are recorded, so nothing flaps.
    for _ in 0..20 {
        s.feed(C, 2, FLAP);
        s.feed(O, 2, FLAP);
    }
    assert_eq!((s.flapping, s.percent_change, s.hard), (false, 0.0, O));
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(Status::ALL.to_vec())
}

proptest! {
    #[test]
    fn the_rules_hold_for_any_sequence(seq in prop::collection::vec(status(), 0..200), retries in 0u8..4, flap in any::<bool>()) {
        let thresholds = flap.then_some(FlapThresholds::default());
        let mut s = CheckState::default();
        let mut run = 0usize; // problem results in a row with the same hard state OK
        for st in seq {
            let before = s.clone();
            let step = s.feed(st, retries, thresholds);
            prop_assert!((0.0..=100.0 + 1e-9).contains(&s.percent_change));
            prop_assert!(s.history.len() <= HISTORY);
            prop_assert_eq!(s.current, st);
            let hards: Vec<_> = step.iter().filter_map(|t| match t { Transition::Hard { from, to, notify } => Some((*from, *to, *notify)), _ => None }).collect();
            prop_assert!(hards.len() <= 1);
            if let Some(&(from, to, notify)) = hards.first() {
                prop_assert_eq!(from, before.hard);
                prop_assert_eq!(to, s.hard);
                prop_assert_ne!(from, to);
                prop_assert_eq!(notify, !s.flapping);
                if thresholds.is_none() { prop_assert!(notify); }
            } else {
                prop_assert_eq!(s.hard, before.hard);
            }
            run = if st == Status::Ok { 0 } else { run + 1 };
            // Enough problems in a row always confirm one.
            if run > usize::from(retries) { prop_assert_ne!(s.hard, Status::Ok); }
            if st == Status::Ok { prop_assert_eq!(s.hard, Status::Ok); }
            if thresholds.is_none() || !s.flapping { prop_assert!(s.notified == s.hard || !hards.is_empty() || s.notified == before.notified); }
        }
    }
}
