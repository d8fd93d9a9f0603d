use super::*;
use crate::alert::{MatchOp, Matcher};
use proptest::prelude::*;

const S: i64 = 1_000_000;
const NOW: i64 = 1_700_000_000 * S;

fn m(name: &str, op: MatchOp, value: &str) -> Matcher {
    Matcher::new(name, op, value).unwrap_or_else(|e| panic!("{e}"))
}

fn silence(matchers: Vec<Matcher>, starts_at: i64, ends_at: i64) -> Silence {
    Silence {
        matchers: Matchers(matchers),
        starts_at,
        ends_at,
        created_by: "ops".into(),
        comment: "maintenance".into(),
    }
}

fn fields(p: &Problems) -> Vec<(&str, Code)> {
    p.iter().map(|(f, m)| (f.as_str(), m.code)).collect()
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().copied().collect()
}

#[test]
fn a_good_silence_passes() {
    let s = silence(vec![m("alertname", MatchOp::Equal, "Up")], NOW, NOW + 3600 * S);
    assert!(s.validate(NOW).is_empty());
    // Starting in the past is fine: it is moved to now when stored.
    let mut past = silence(vec![m("job", MatchOp::Regex, "api|web")], NOW - 60 * S, NOW + 60 * S);
    assert!(past.validate(NOW).is_empty());
    past.start_no_earlier_than(NOW);
    assert_eq!(past.starts_at, NOW);
}

#[test]
fn every_refusal_names_its_field() {
    let mut s = silence(vec![], NOW, NOW);
    s.created_by.clear();
    s.comment.clear();
    let p = s.validate(NOW);
    assert_eq!(
        fields(&p),
        [
            ("endsAt", Code::EndBeforeStart),
            ("matchers", Code::NoMatchers),
            ("createdBy", Code::Required),
            ("comment", Code::Required)
        ]
    );
    assert_eq!(p[0].1, "must be after startsAt");
    assert_eq!(p[1].1, "a silence needs at least one matcher");

    let ended = silence(vec![m("a", MatchOp::Equal, "1")], NOW - 120 * S, NOW - 60 * S);
    let p = ended.validate(NOW);
    assert_eq!(fields(&p), [("endsAt", Code::EndsInPast)]);
    assert_eq!(p[0].1, "must not be in the past");

    let bad_name = silence(vec![m("a", MatchOp::Equal, "1"), m("b-c", MatchOp::Equal, "1")], NOW, NOW + S);
    let p = bad_name.validate(NOW);
    assert_eq!(fields(&p), [("matchers[1].name", Code::InvalidLabelName)]);
}

#[test]
fn a_silence_that_would_mute_everything_is_refused() {
    let all_empty = silence(vec![m("a", MatchOp::Equal, ""), m("b", MatchOp::Regex, ".*")], NOW, NOW + S);
    let p = all_empty.validate(NOW);
    assert_eq!(fields(&p), [("matchers", Code::MatchersMatchEmpty)]);
    assert_eq!(p[0].1, "at least one matcher must not match the empty string (the silence would mute every alert)");
    // One real matcher is enough.
    let ok = silence(vec![m("a", MatchOp::Equal, ""), m("b", MatchOp::Equal, "x")], NOW, NOW + S);
    assert!(ok.validate(NOW).is_empty());
    // As in Alertmanager, a negative matcher is never "matching empty".
    let neg = silence(vec![m("a", MatchOp::NotEqual, "x")], NOW, NOW + S);
    assert!(neg.validate(NOW).is_empty());
}

#[test]
fn api_matchers_name_the_bad_one() {
    let list = vec![
        ApiMatcher { name: "a".into(), value: "1".into(), is_regex: false, is_equal: true },
        ApiMatcher { name: "b".into(), value: "(".into(), is_regex: true, is_equal: true },
    ];
    let p = matchers_from_api(&list).err().unwrap_or_default();
    assert_eq!(fields(&p), [("matchers[1]", Code::InvalidRegex)]);
    assert_eq!(matchers_from_api(&list[..1]).ok().map(|m| m.len()), Some(1));
}

#[test]
fn states_and_muting_by_time() {
    let s = silence(vec![m("job", MatchOp::Equal, "api")], NOW, NOW + 60 * S);
    let api = labels(&[("job", "api"), ("alertname", "Up")]);
    assert_eq!(s.state(NOW - 1), SilenceState::Pending);
    assert_eq!(s.state(NOW), SilenceState::Active);
    assert_eq!(s.state(NOW + 60 * S), SilenceState::Active, "the end is included");
    assert_eq!(s.state(NOW + 60 * S + 1), SilenceState::Expired);
    assert!(!s.mutes(&api, NOW - 1));
    assert!(s.mutes(&api, NOW + S));
    assert!(!s.mutes(&labels(&[("job", "web")]), NOW + S));
    assert!(!s.mutes(&api, NOW + 61 * S));
    let names: Vec<&str> = SilenceState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["pending", "active", "expired"]);
    assert_eq!(serde_json::to_string(&SilenceState::Active).ok().as_deref(), Some("\"active\""));
}

#[test]
fn expiring() {
    let mut active = silence(vec![m("a", MatchOp::Equal, "1")], NOW, NOW + 60 * S);
    assert!(active.expire(NOW + 10 * S));
    assert_eq!((active.starts_at, active.ends_at), (NOW, NOW + 10 * S));
    assert_eq!(active.state(NOW + 10 * S + 1), SilenceState::Expired);
    assert!(!active.expire(NOW + 20 * S), "expired already: no change");
    let mut pending = silence(vec![m("a", MatchOp::Equal, "1")], NOW + 60 * S, NOW + 120 * S);
    assert!(pending.expire(NOW));
    assert_eq!((pending.starts_at, pending.ends_at), (NOW, NOW));
}

#[test]
fn updating_in_place_follows_alertmanager() {
    let base = silence(vec![m("a", MatchOp::Equal, "1")], NOW, NOW + 60 * S);
    let with = |f: &dyn Fn(&mut Silence)| {
        let mut s = base.clone();
        f(&mut s);
        s
    };
    // Active: a longer end or a new comment updates in place …
    assert!(base.can_update(&with(&|s| s.ends_at += 60 * S), NOW + S));
    assert!(base.can_update(&with(&|s| s.comment = "longer".into()), NOW + S));
    assert!(base.can_update(&with(&|s| s.starts_at += S / 2), NOW + S), "same second");
    // … other matchers, a moved start or an end in the past do not.
    assert!(!base.can_update(&with(&|s| s.matchers = Matchers(vec![m("a", MatchOp::Equal, "2")])), NOW + S));
    assert!(!base.can_update(&with(&|s| s.starts_at += 2 * S), NOW + 3 * S));
    assert!(!base.can_update(&with(&|s| s.ends_at = NOW + S), NOW + 2 * S));
    // Pending: any start not in the past.
    assert!(base.can_update(&with(&|s| s.starts_at += 10 * S), NOW - S));
    assert!(!base.can_update(&with(&|s| s.starts_at -= 10 * S), NOW - S));
    // Expired: never.
    assert!(!base.can_update(&base, NOW + 61 * S));
}

proptest! {
    /// Exactly one state at any moment, in order pending → active → expired,
    /// and only an active silence mutes.
    #[test]
    fn states_move_forward(start in -100i64..100, len in 0i64..100, a in -300i64..300, b in -300i64..300) {
        let s = silence(vec![m("a", MatchOp::Equal, "1")], start, start + len);
        let (t1, t2) = (a.min(b), a.max(b));
        prop_assert!(s.state(t1) as u8 <= s.state(t2) as u8);
        let l = labels(&[("a", "1")]);
        prop_assert_eq!(s.mutes(&l, t1), s.state(t1) == SilenceState::Active);
    }
}
