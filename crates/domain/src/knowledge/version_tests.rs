use super::*;
use crate::lifecycle::{Lifecycle, assert_consistent, open_state_names};
use VersionState::*;
use proptest::prelude::*;

const AUTHOR: i64 = 7;
const REVIEWER: i64 = 9;
const REVIEWED: ReviewPolicy = ReviewPolicy { required: true, author_may_review: false };
const OPEN: ReviewPolicy = ReviewPolicy { required: false, author_may_review: false };

fn v(number: u32, state: VersionState) -> VersionFacts {
    VersionFacts { number, state, author: AUTHOR }
}

#[test]
fn the_article_machine_is_consistent() {
    assert_consistent::<ArticleState>();
    assert_eq!(open_state_names::<ArticleState>(), ["draft", "in_review"]);
    assert!(ArticleState::ALL.iter().all(|s| !s.is_final() && !s.is_resolved()));
}

#[test]
fn every_version_move_allowed_or_not() {
    let allowed: &[(VersionState, VersionState)] = &[
        (Draft, InReview),
        (Draft, Published),
        (Draft, Discarded),
        (InReview, Draft),
        (InReview, Published),
        (Published, Retired),
    ];
    for &from in VersionState::ALL {
        for &to in VersionState::ALL {
            let result = plan_version(&[v(1, from)], 1, to, REVIEWER, OPEN);
            if allowed.contains(&(from, to)) {
                assert_eq!(result.unwrap_or_else(|e| panic!("{from} → {to}: {e}")).to, to);
            } else {
                match result.expect_err("must be refused") {
                    VersionError::NotAllowed { allowed, .. } => assert_eq!(allowed, from.allowed_targets()),
                    other => panic!("{from} → {to}: wrong error {other}"),
                }
            }
        }
    }
    let err = plan_version(&[v(1, Draft)], 1, Retired, REVIEWER, OPEN).unwrap_err();
    assert_eq!(err.to_string(), "version 1 cannot go from draft to retired; allowed: in_review, published, discarded");
    let err = plan_version(&[v(1, Retired)], 1, Draft, REVIEWER, OPEN).unwrap_err();
    assert_eq!(err.to_string(), "version 1 cannot go from retired to draft; allowed: none, the version is final");
    let err = plan_version(&[v(1, Published)], 1, Superseded, REVIEWER, OPEN).unwrap_err();
    assert!(matches!(err, VersionError::NotAllowed { .. }), "superseding is never asked for");
}

#[test]
fn unknown_version_is_refused() {
    let err = plan_version(&[v(1, Draft)], 4, InReview, AUTHOR, OPEN).unwrap_err();
    assert_eq!(err, VersionError::NoSuchVersion { number: 4 });
    assert_eq!(err.to_string(), "the article has no version 4");
}

#[test]
fn publishing_an_unreviewed_article_where_review_is_required_is_refused() {
    let err = plan_version(&[v(1, Draft)], 1, Published, REVIEWER, REVIEWED).unwrap_err();
    assert_eq!(err, VersionError::ReviewRequired);
    assert_eq!(err.to_string(), "this article must be reviewed before it is published: submit it for review first");
    let plan = plan_version(&[v(1, Draft)], 1, Published, AUTHOR, OPEN).unwrap();
    assert_eq!((plan.reviewed_by, plan.article_state), (None, ArticleState::Published), "no review asked");
}

#[test]
fn the_reviewer_is_not_the_author_unless_allowed() {
    let err = plan_version(&[v(1, InReview)], 1, Published, AUTHOR, REVIEWED).unwrap_err();
    assert_eq!(err, VersionError::SelfReview);
    assert_eq!(err.to_string(), "the author cannot review their own article: another manager or admin must publish it");
    let small_team = ReviewPolicy { required: true, author_may_review: true };
    assert_eq!(plan_version(&[v(1, InReview)], 1, Published, AUTHOR, small_team).unwrap().reviewed_by, Some(AUTHOR));
    let plan = plan_version(&[v(1, InReview)], 1, Published, REVIEWER, REVIEWED).unwrap();
    assert_eq!(plan.reviewed_by, Some(REVIEWER));
    assert!(plan.sets_published_at);
    assert_eq!(plan.published_version, Some(1));
}

#[test]
fn a_published_article_stays_readable_while_revised() {
    let versions = [v(1, Published)];
    let new = plan_new_version(&versions).unwrap();
    assert_eq!(new, NewVersion { number: 2, copy_from: Some(1), article_state: ArticleState::Published });
    let versions = [v(1, Published), v(2, InReview)];
    assert_eq!(article_state(&versions), ArticleState::Published);
    let plan = plan_version(&versions, 2, Published, REVIEWER, REVIEWED).unwrap();
    assert_eq!(plan.supersedes, Some(1));
    assert_eq!((plan.published_version, plan.article_state), (Some(2), ArticleState::Published));
    let plan = plan_version(&[v(1, Published), v(2, Draft)], 2, Discarded, AUTHOR, REVIEWED).unwrap();
    assert_eq!((plan.published_version, plan.article_state), (Some(1), ArticleState::Published));
}

#[test]
fn one_revision_at_a_time() {
    let err = plan_new_version(&[v(1, Published), v(2, InReview)]).unwrap_err();
    assert_eq!(err, VersionError::RevisionOpen { number: 2 });
    assert_eq!(err.to_string(), "version 2 is already being written; change it or discard it first");
    assert_eq!(
        plan_new_version(&[]).unwrap(),
        NewVersion { number: 1, copy_from: None, article_state: ArticleState::Draft }
    );
}

#[test]
fn retiring_withdraws_the_article_and_its_revision() {
    let plan = plan_version(&[v(1, Superseded), v(2, Published), v(3, Draft)], 2, Retired, REVIEWER, REVIEWED).unwrap();
    assert_eq!(plan.discards, Some(3));
    assert_eq!((plan.published_version, plan.article_state), (None, ArticleState::Retired));
    let revive = plan_new_version(&[v(1, Superseded), v(2, Retired), v(3, Discarded)]).unwrap();
    assert_eq!(revive, NewVersion { number: 4, copy_from: Some(3), article_state: ArticleState::Draft });
    let plan = plan_version(&[v(1, Draft)], 1, Discarded, AUTHOR, REVIEWED).unwrap();
    assert_eq!(plan.article_state, ArticleState::Retired, "a draft abandoned before publication");
}

#[test]
fn article_state_follows_the_versions() {
    assert_eq!(article_state(&[]), ArticleState::Draft);
    assert_eq!(article_state(&[v(1, InReview)]), ArticleState::InReview);
    assert_eq!(article_state(&[v(2, Draft), v(1, Retired)]), ArticleState::Draft, "newest by number");
    assert_eq!(article_state(&[v(1, Retired)]), ArticleState::Retired);
}

#[test]
fn only_drafts_are_edited() {
    assert!(can_edit_content(v(1, Draft)).is_ok());
    let msg = |s| can_edit_content(v(2, s)).unwrap_err().to_string();
    assert_eq!(msg(InReview), "version 2 is in review: send it back to draft to change it");
    assert_eq!(msg(Published), "version 2 is published: start a new version to change it");
    assert_eq!(msg(Superseded), "version 2 is superseded and cannot be changed");
}

#[derive(Debug, Clone)]
enum Step {
    New,
    Move(u32, VersionState, i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => Just(Step::New),
        4 => (1_u32..6, proptest::sample::select(VersionState::ALL), prop_oneof![Just(AUTHOR), Just(REVIEWER)])
            .prop_map(|(n, to, actor)| Step::Move(n, to, actor)),
    ]
}

proptest! {
    /// Whatever people do, an article has at most one published and one
    /// open version, the pointer and state agree with the versions, and the
    /// article moves only as its machine allows.
    #[test]
    fn versions_keep_their_invariants(
        steps in proptest::collection::vec(step(), 1..40),
        required in any::<bool>(),
        author_may_review in any::<bool>(),
    ) {
        let policy = ReviewPolicy { required, author_may_review };
        let mut versions = vec![v(1, Draft)];
        for s in steps {
            let before = article_state(&versions);
            match s {
                Step::New => if let Ok(n) = plan_new_version(&versions) {
                    prop_assert_eq!(n.number as usize, versions.len() + 1);
                    versions.push(v(n.number, Draft));
                    prop_assert_eq!(article_state(&versions), n.article_state);
                },
                Step::Move(n, to, actor) => if let Ok(p) = plan_version(&versions, n, to, actor, policy) {
                    prop_assert!(!(required && p.to == Published && p.reviewed_by.is_none()));
                    for o in versions.iter_mut() {
                        if o.number == n { o.state = to }
                        if Some(o.number) == p.supersedes { o.state = Superseded }
                        if Some(o.number) == p.discards { o.state = Discarded }
                    }
                    prop_assert_eq!(published_version(&versions), p.published_version);
                    prop_assert_eq!(article_state(&versions), p.article_state);
                },
            }
            let after = article_state(&versions);
            prop_assert!(after == before || before.can_move_to(after), "{} → {}", before, after);
            prop_assert!(versions.iter().filter(|v| v.state == Published).count() <= 1);
            prop_assert!(versions.iter().filter(|v| v.state.is_open()).count() <= 1);
        }
    }
}
