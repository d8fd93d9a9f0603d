use super::*;
use crate::Role;
use crate::access::Denied;
use crate::code::{Code, Message};
use crate::lifecycle::{assert_consistent, open_state_names};
use ChangeState::*;
use proptest::prelude::*;
use std::collections::HashSet;

const HOUR: i64 = 3_600_000_000;

/// Facts under which every move of the type's path is allowed.
fn facts(ty: ChangeType) -> ChangeFacts {
    ChangeFacts {
        change_type: ty,
        approved: true,
        planned_start: Some(10 * HOUR),
        planned_end: Some(12 * HOUR),
        open_tasks: 0,
        template_available: true,
    }
}

/// The move with what its target needs sent along.
fn full(from: ChangeState, to: ChangeState) -> ChangeTransitionRequest {
    let mut req = ChangeTransitionRequest::new(from, to);
    match to {
        Closed => {
            req.close_code = Some(CloseCode::Successful);
            req.review_notes = Some("went as planned".into());
        }
        Cancelled => req.cancel_reason = Some("superseded by CHG0000042".into()),
        _ => {}
    }
    req
}

fn plan(ty: ChangeType, from: ChangeState, to: ChangeState) -> Result<ChangeTransitionPlan, ChangeTransitionError> {
    plan_transition(&full(from, to), &facts(ty))
}

fn path(ty: ChangeType) -> Vec<(ChangeState, ChangeState)> {
    let forward: &[ChangeState] = match ty {
        ChangeType::Normal => &[Draft, Assessment, Authorization, Scheduled, Implementing, Review, Closed],
        ChangeType::Standard => &[Draft, Scheduled, Implementing, Review, Closed],
        ChangeType::Emergency => &[Draft, Authorization, Implementing, Review, Closed],
    };
    forward.windows(2).map(|w| (w[0], w[1])).collect()
}

fn allowed_pairs(ty: ChangeType) -> Vec<(ChangeState, ChangeState)> {
    let mut pairs = path(ty);
    let open = ChangeState::ALL.iter().copied().filter(|s| s.is_open());
    let extra: &[(ChangeState, ChangeState)] = match ty {
        ChangeType::Normal => &[(Assessment, Draft), (Authorization, Assessment), (Scheduled, Authorization)],
        ChangeType::Standard => &[(Scheduled, Draft)],
        ChangeType::Emergency => &[(Authorization, Scheduled), (Scheduled, Implementing)],
    };
    pairs.extend_from_slice(extra);
    pairs.extend(open.map(|s| (s, Cancelled)));
    pairs
}

// ---- the machine ----

#[test]
fn the_machine_is_consistent() {
    assert_consistent::<ChangeState>();
    assert_eq!(
        open_state_names::<ChangeState>(),
        ["draft", "assessment", "authorization", "scheduled", "implementing"]
    );
    assert!(Review.is_resolved() && !Review.is_open() && !Review.is_final());
    assert!(Closed.is_final() && Cancelled.is_final());
    assert_eq!(ChangeState::initial(), Draft);
    assert_eq!(ChangeType::default(), ChangeType::Normal);
}

#[test]
fn the_lifecycle_targets_are_the_union_over_the_types() {
    for &from in ChangeState::ALL {
        let union: HashSet<ChangeState> =
            ChangeType::ALL.iter().flat_map(|&ty| targets(ty, from).iter().copied()).collect();
        let lifecycle: HashSet<ChangeState> = from.allowed_targets().iter().copied().collect();
        assert_eq!(lifecycle, union, "{from}");
        assert_eq!(lifecycle.len(), from.allowed_targets().len(), "{from}: listed once each");
        for &ty in ChangeType::ALL {
            assert!(targets(ty, from).iter().all(|t| from.can_move_to(*t)), "{ty} {from}");
        }
    }
}

/// Every pair of states, for every type: allowed exactly when the table
/// says so, refused with the type's own targets otherwise.
#[test]
fn every_transition_allowed_or_not() {
    for &ty in ChangeType::ALL {
        let allowed = allowed_pairs(ty);
        for &from in ChangeState::ALL {
            for &to in ChangeState::ALL {
                match plan(ty, from, to) {
                    Ok(p) => {
                        assert!(allowed.contains(&(from, to)), "{ty}: {from} → {to} allowed");
                        assert_eq!(p.to, to);
                    }
                    Err(ChangeTransitionError::NotAllowed { ty: t, from: f, to: x, allowed: a }) => {
                        assert!(!allowed.contains(&(from, to)), "{ty}: {from} → {to} refused");
                        assert_eq!((t, f, x, a.as_slice()), (ty, from, to, targets(ty, from)));
                    }
                    Err(e) => panic!("{ty}: {from} → {to}: wrong error {e}"),
                }
            }
        }
    }
}

#[test]
fn each_type_walks_its_path_to_closed() {
    for &ty in ChangeType::ALL {
        for (from, to) in path(ty) {
            let p = plan(ty, from, to).unwrap_or_else(|e| panic!("{ty}: {from} → {to}: {e}"));
            assert_eq!(
                (p.sets_actual_start, p.sets_actual_end, p.sets_closed_at),
                (to == Implementing, to == Review, to == Closed)
            );
            assert!(!p.resets_approval, "{ty}: {from} → {to} is forward");
        }
    }
    // An emergency change with time to plan goes through a window too.
    for (from, to) in [
        (Draft, Authorization),
        (Authorization, Scheduled),
        (Scheduled, Implementing),
        (Implementing, Review),
        (Review, Closed),
    ] {
        plan(ChangeType::Emergency, from, to).unwrap_or_else(|e| panic!("{from} → {to}: {e}"));
    }
}

#[test]
fn sent_back_asks_for_approval_again() {
    use ChangeType::*;
    for (ty, from, to) in
        [(Normal, Assessment, Draft), (Normal, Authorization, Assessment), (Normal, Scheduled, Authorization)]
    {
        let p = plan(ty, from, to).unwrap();
        assert!(p.resets_approval, "{from} → {to}");
        assert!(!p.sets_actual_start && !p.sets_closed_at);
    }
    assert!(!plan(Standard, Scheduled, Draft).unwrap().resets_approval, "a standard change has no approval to lose");
    assert!(!plan(Normal, Scheduled, Cancelled).unwrap().resets_approval);
}

#[test]
fn no_path_closes_without_review_nor_cancels_a_review() {
    for &ty in ChangeType::ALL {
        for &from in ChangeState::ALL {
            assert_eq!(targets(ty, from).contains(&Closed), from == Review, "{ty} {from}");
        }
        assert_eq!(targets(ty, Review), [Closed]);
        // Without Review, Closed cannot be reached at all.
        let mut seen = HashSet::from([Draft]);
        let mut todo = vec![Draft];
        while let Some(s) = todo.pop() {
            todo.extend(targets(ty, s).iter().filter(|t| **t != Review && seen.insert(**t)));
        }
        assert!(!seen.contains(&Closed), "{ty}");
    }
}

#[test]
fn skipping_approval_is_not_a_move() {
    let err = plan(ChangeType::Normal, Draft, Scheduled).unwrap_err();
    assert_eq!(err.to_string(), "a normal change cannot go from draft to scheduled; allowed: assessment, cancelled");
    assert_eq!(err.field(), "state");
    let m = Message::from(err);
    assert_eq!(m.code, Code::TransitionNotAllowed);
    assert_eq!(
        m.params,
        [
            ("from", "draft".to_owned()),
            ("to", "scheduled".to_owned()),
            ("allowed", "assessment, cancelled".to_owned()),
            ("type", "normal".to_owned())
        ]
    );
    let err = plan(ChangeType::Normal, Assessment, Implementing).unwrap_err();
    assert!(matches!(err, ChangeTransitionError::NotAllowed { .. }));
    let err = plan(ChangeType::Emergency, Draft, Implementing).unwrap_err();
    assert_eq!(
        err.to_string(),
        "an emergency change cannot go from draft to implementing; allowed: authorization, cancelled"
    );
    let err = plan(ChangeType::Standard, Closed, Draft).unwrap_err();
    assert_eq!(err.to_string(), "a standard change cannot go from closed to draft; allowed: none, the change is final");
    assert_eq!(Message::from(err).params[2], ("allowed", "—".to_owned()));
}

// ---- refusals ----

fn refused(ty: ChangeType, req: ChangeTransitionRequest, f: ChangeFacts) -> (ChangeTransitionError, Message) {
    let f = ChangeFacts { change_type: ty, ..f };
    let err = plan_transition(&req, &f).expect_err("must be refused");
    (err.clone(), err.into())
}

#[test]
fn leaving_authorization_forward_needs_the_approval() {
    use ChangeType::*;
    for (ty, to) in [(Normal, Scheduled), (Emergency, Scheduled), (Emergency, Implementing)] {
        let (err, m) = refused(ty, full(Authorization, to), ChangeFacts { approved: false, ..facts(ty) });
        assert_eq!(err, ChangeTransitionError::NotApproved { to });
        assert_eq!(
            (err.field(), m.code, m.text.as_str()),
            ("approval", Code::NotApproved, "the change is not approved yet")
        );
    }
    // Going back or cancelling needs no approval.
    let unapproved = ChangeFacts { approved: false, ..facts(Normal) };
    assert!(plan_transition(&full(Authorization, Assessment), &unapproved).is_ok());
    assert!(plan_transition(&full(Authorization, Cancelled), &unapproved).is_ok());
    // A standard change is pre-approved; an emergency one skips the window.
    let standard = ChangeFacts { approved: false, ..facts(Standard) };
    assert!(plan_transition(&full(Draft, Scheduled), &standard).is_ok());
    let no_window = ChangeFacts { planned_start: None, planned_end: None, ..facts(Emergency) };
    assert!(plan_transition(&full(Authorization, Implementing), &no_window).is_ok());
}

#[test]
fn scheduling_needs_a_window_that_ends_after_it_starts() {
    use ChangeType::*;
    for (ty, from) in [(Normal, Authorization), (Standard, Draft), (Emergency, Authorization)] {
        let f = facts(ty);
        let (err, m) = refused(ty, full(from, Scheduled), ChangeFacts { planned_start: None, ..f.clone() });
        assert_eq!(err, ChangeTransitionError::Missing { field: "planned_start", to: Scheduled });
        assert_eq!((err.field(), m.code), ("planned_start", Code::RequiredForState));
        assert_eq!(m.text, "planned_start is required to move to scheduled");
        let (err, _) = refused(ty, full(from, Scheduled), ChangeFacts { planned_end: None, ..f.clone() });
        assert_eq!(err.field(), "planned_end");
        for end in [Some(10 * HOUR), Some(9 * HOUR)] {
            let (err, m) = refused(ty, full(from, Scheduled), ChangeFacts { planned_end: end, ..f.clone() });
            assert_eq!((err, m.code), (ChangeTransitionError::EndNotAfterStart, Code::PlannedEndBeforeStart));
            assert_eq!(m.text, "planned_end must be after planned_start");
        }
    }
    assert_eq!(ChangeTransitionError::EndNotAfterStart.field(), "planned_end");
}

#[test]
fn a_window_is_both_ends_or_neither_and_ends_after_it_starts() {
    assert_eq!(check_window(None, None), Ok(()));
    assert_eq!(check_window(Some(1), Some(2)), Ok(()));
    assert_eq!(check_window(Some(2), Some(2)).unwrap_err().code, Code::PlannedEndBeforeStart);
    assert_eq!(check_window(Some(3), Some(2)).unwrap_err().code, Code::PlannedEndBeforeStart);
    for (s, e) in [(Some(1), None), (None, Some(1))] {
        let m = check_window(s, e).unwrap_err();
        assert_eq!(m.code, Code::PlannedWindowHalf);
        assert_eq!(m.text, "planned_start and planned_end go together: give both or neither");
    }
}

#[test]
fn a_standard_change_needs_its_template() {
    let gone = ChangeFacts { template_available: false, ..facts(ChangeType::Standard) };
    let (err, m) = refused(ChangeType::Standard, full(Draft, Scheduled), gone.clone());
    assert_eq!((err.field(), m.code), ("template", Code::ChangeTemplateGone));
    assert_eq!(m.text, "the template of this standard change is gone: raise it as a normal change");
    assert!(plan_transition(&full(Draft, Cancelled), &gone).is_ok(), "it can still be cancelled");
    assert!(plan_transition(&full(Scheduled, Implementing), &gone).is_ok(), "scheduled on the approval it had");
    let normal = ChangeFacts { template_available: false, ..facts(ChangeType::Normal) };
    assert!(plan_transition(&full(Authorization, Scheduled), &normal).is_ok(), "other types have no template");
}

#[test]
fn review_waits_for_the_tasks() {
    for &ty in ChangeType::ALL {
        let (err, m) = refused(ty, full(Implementing, Review), ChangeFacts { open_tasks: 2, ..facts(ty) });
        assert_eq!((err.field(), m.code), ("tasks", Code::OpenTasks));
        assert_eq!(m.params, [("n", "2".to_owned())]);
        assert_eq!(m.text, "the change has 2 open tasks: close them before the review");
    }
    let busy = ChangeFacts { open_tasks: 3, ..facts(ChangeType::Normal) };
    assert!(plan_transition(&full(Implementing, Cancelled), &busy).is_ok(), "only the review waits");
}

#[test]
fn closing_needs_a_code_and_review_notes_when_it_went_wrong_or_was_an_emergency() {
    use ChangeType::*;
    let no_code = ChangeTransitionRequest { close_code: None, ..full(Review, Closed) };
    let (err, m) = refused(Normal, no_code, facts(Normal));
    assert_eq!((err.field(), m.code), ("close_code", Code::RequiredForState));
    assert_eq!(m.text, "close_code is required to move to closed");
    for &ty in ChangeType::ALL {
        for &code in CloseCode::ALL {
            for notes in [None, Some("  \n "), Some("the disk filled up")] {
                let req = ChangeTransitionRequest {
                    close_code: Some(code),
                    review_notes: notes.map(str::to_owned),
                    ..full(Review, Closed)
                };
                let needs = ty == Emergency || code.is_failure();
                let has = notes.is_some_and(|n| !n.trim().is_empty());
                match plan_transition(&req, &facts(ty)) {
                    Ok(p) => {
                        assert!(has || !needs, "{ty} {code} {notes:?}");
                        assert_eq!((p.close_code, p.review_notes.as_deref()), (Some(code), notes.filter(|_| has)));
                        assert!(p.sets_closed_at);
                    }
                    Err(err) => {
                        assert!(needs && !has, "{ty} {code} {notes:?}: {err}");
                        let m = Message::from(err.clone());
                        assert_eq!((err.field(), m.code), ("review_notes", Code::RequiredForState));
                    }
                }
            }
        }
    }
    let (err, _) =
        refused(Emergency, ChangeTransitionRequest { review_notes: None, ..full(Review, Closed) }, facts(Emergency));
    assert_eq!(err.to_string(), "review_notes is required to close an emergency change");
    let req =
        ChangeTransitionRequest { close_code: Some(CloseCode::BackedOut), review_notes: None, ..full(Review, Closed) };
    let (err, _) = refused(Normal, req, facts(Normal));
    assert_eq!(err.to_string(), "review_notes is required to close a change that failed or was backed out");
    assert!(CloseCode::Failed.is_failure() && CloseCode::BackedOut.is_failure());
    assert!(!CloseCode::Successful.is_failure() && !CloseCode::SuccessfulWithIssues.is_failure());
}

#[test]
fn cancelling_needs_a_reason() {
    for reason in [None, Some("   ")] {
        let req = ChangeTransitionRequest { cancel_reason: reason.map(str::to_owned), ..full(Scheduled, Cancelled) };
        let (err, m) = refused(ChangeType::Normal, req, facts(ChangeType::Normal));
        assert_eq!(err, ChangeTransitionError::Missing { field: "cancel_reason", to: Cancelled });
        assert_eq!((err.field(), m.code), ("cancel_reason", Code::RequiredForState));
    }
    let p = plan(ChangeType::Normal, Scheduled, Cancelled).unwrap();
    assert_eq!(p.cancel_reason.as_deref(), Some("superseded by CHG0000042"));
    assert!(!p.sets_closed_at);
}

#[test]
fn fields_sent_to_the_wrong_state_are_refused() {
    let ty = ChangeType::Normal;
    let cases = [
        (
            ChangeTransitionRequest { close_code: Some(CloseCode::Failed), ..full(Implementing, Review) },
            "close_code",
            Closed,
        ),
        (
            ChangeTransitionRequest { review_notes: Some("x".into()), ..full(Implementing, Cancelled) },
            "review_notes",
            Closed,
        ),
        (
            ChangeTransitionRequest { cancel_reason: Some("x".into()), ..full(Review, Closed) },
            "cancel_reason",
            Cancelled,
        ),
    ];
    for (req, field, applies_to) in cases {
        let (err, m) = refused(ty, req, facts(ty));
        assert_eq!(err, ChangeTransitionError::NotApplicable { field, applies_to });
        assert_eq!((err.field(), m.code), (field, Code::NotApplicable));
    }
}

#[test]
fn names_read_back_and_unknown_ones_are_refused() {
    for &s in ChangeState::ALL {
        assert_eq!(s.as_str().parse::<ChangeState>(), Ok(s));
        assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::from(s.as_str())));
    }
    for &t in ChangeType::ALL {
        assert_eq!(t.as_str().parse::<ChangeType>(), Ok(t));
    }
    for &c in CloseCode::ALL {
        assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::Value::from(c.as_str())));
    }
    let m = "approved".parse::<ChangeState>().unwrap_err();
    assert_eq!(m.code, Code::NotOneOf);
    assert!(m.text.starts_with("unknown state \"approved\": must be one of draft, assessment"), "{m}");
    assert_eq!(
        "rfc".parse::<ChangeType>().unwrap_err().text,
        "unknown change type \"rfc\": must be one of standard, normal, emergency"
    );
}

// ---- risk ----

fn answers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(q, a)| (q.to_string(), a.to_string())).collect()
}

const SAFEST: [(&str, &str); 5] = [
    ("services_affected", "none"),
    ("user_impact", "nobody"),
    ("back_out", "easy"),
    ("tested", "production_like"),
    ("outage", "none"),
];

#[test]
fn the_default_questionnaire_is_valid_and_speaks_both_languages() {
    let q = Questionnaire::default();
    assert_eq!(q.validate(), Ok(()));
    assert_eq!(q.questions.len(), 5);
    for question in &q.questions {
        assert_ne!(question.text_en, question.text_pl);
        assert!(question.answers.len() >= 3, "{}", question.key);
        assert!(question.answers.iter().any(|a| a.weight == 0), "{}: a safe answer", question.key);
    }
    let back: Questionnaire = serde_json::from_str(&serde_json::to_string(&q).unwrap()).unwrap();
    assert_eq!(back, q);
}

#[test]
fn answers_add_up_to_a_score_and_its_level() {
    let q = Questionnaire::default();
    let risk = q.score(&answers(&SAFEST)).unwrap();
    assert_eq!(risk, Risk { score: 0, level: RiskLevel::Low, needs_cab: false });
    let worst = answers(&[
        ("services_affected", "many"),
        ("user_impact", "everyone"),
        ("back_out", "impossible"),
        ("tested", "no"),
        ("outage", "outside_window"),
    ]);
    assert_eq!(q.score(&worst).unwrap(), Risk { score: 21, level: RiskLevel::VeryHigh, needs_cab: true });
    // 3 + 2 + 1 + 2 + 1 = 9: just below the CAB.
    let mid = [
        ("services_affected", "several"),
        ("user_impact", "one_site"),
        ("back_out", "documented"),
        ("tested", "partly"),
        ("outage", "in_window"),
    ];
    assert_eq!(q.score(&answers(&mid)).unwrap(), Risk { score: 9, level: RiskLevel::Moderate, needs_cab: false });
    // The order of the answers does not matter; one more point reaches the CAB.
    let mut more = answers(&mid);
    more.reverse();
    more[0].1 = "outside_window".into();
    assert_eq!(q.score(&more).unwrap(), Risk { score: 11, level: RiskLevel::High, needs_cab: true });
    for (score, level) in [
        (0, RiskLevel::Low),
        (4, RiskLevel::Low),
        (5, RiskLevel::Moderate),
        (10, RiskLevel::High),
        (15, RiskLevel::VeryHigh),
        (99, RiskLevel::VeryHigh),
    ] {
        assert_eq!(q.level_for(score), level, "{score}");
    }
}

#[test]
fn bad_answers_are_refused_beside_their_question() {
    let q = Questionnaire::default();
    let mut given = answers(&SAFEST);
    given[2].1 = "maybe".into();
    given.push(("colour".into(), "red".into()));
    given.push(("tested".into(), "no".into()));
    given.retain(|(k, _)| k != "outage");
    let problems = q.score(&given).unwrap_err();
    let got: Vec<(&str, Code)> = problems.iter().map(|(f, m)| (f.as_str(), m.code)).collect();
    assert_eq!(
        got,
        [
            ("answers.back_out", Code::RiskAnswerOutOfRange),
            ("answers.colour", Code::RiskUnknownQuestion),
            ("answers.tested", Code::Twice),
            ("answers.outage", Code::Required),
        ]
    );
    let out = &problems[0].1;
    assert_eq!(out.text, "\"maybe\" is out of range: must be one of easy, documented, hard, impossible");
    assert_eq!(
        out.params,
        [("text", "\"maybe\"".to_owned()), ("list", "easy, documented, hard, impossible".to_owned())]
    );
    assert_eq!(problems[1].1.params, [("key", "colour".to_owned())]);
    assert_eq!(problems[1].1.text, "there is no question \"colour\"");
    let none = q.score(&[]).unwrap_err();
    assert_eq!(none.len(), 5, "every question unanswered");
}

#[test]
fn a_questionnaire_is_validated_whole() {
    let mut q = Questionnaire::default();
    q.questions[1].key = "services_affected".into();
    q.questions[2].key = "Back out".into();
    q.questions[3].text_pl = " ".into();
    q.questions[4].answers.clear();
    q.questions[0].answers[1].key = "none".into();
    q.questions[0].answers[2].key = String::new();
    q.levels = vec![(1, RiskLevel::Low), (5, RiskLevel::High), (5, RiskLevel::VeryHigh), (9, RiskLevel::Moderate)];
    q.cab_from = RiskLevel::Low;
    let problems = q.validate().unwrap_err();
    let got: Vec<(&str, Code)> = problems.iter().map(|(f, m)| (f.as_str(), m.code)).collect();
    assert_eq!(
        got,
        [
            ("questions[0].answers[1].key", Code::Twice),
            ("questions[0].answers[2].key", Code::Required),
            ("questions[1].key", Code::Twice),
            ("questions[2].key", Code::KeyChars),
            ("questions[3].text_pl", Code::Required),
            ("questions[4].answers", Code::RiskNoAnswers),
            ("levels[0]", Code::RiskLevelsFromZero),
            ("levels[2]", Code::RiskLevelsRising),
            ("levels[3]", Code::RiskLevelsRising),
        ]
    );
    q.cab_from = RiskLevel::VeryHigh;
    q.levels = vec![(0, RiskLevel::Low), (5, RiskLevel::High)];
    q.questions.clear();
    let problems = q.validate().unwrap_err();
    assert_eq!(problems[0].0, "questions");
    assert_eq!(problems[0].1.code, Code::RiskNoQuestions);
    assert_eq!(problems[1].0, "cab_from");
    assert_eq!(problems[1].1.params, [("level", "very_high".to_owned())]);
    q.levels.clear();
    let problems = q.validate().unwrap_err();
    assert_eq!(problems[1].0, "levels");
    assert_eq!(problems[1].1.code, Code::RiskLevelsFromZero);
}

#[test]
fn a_questionnaire_stays_a_form_people_fill_in() {
    let mut q = Questionnaire::default();
    let extra = q.questions[0].answers[0].clone();
    q.questions[0].answers[0].weight = 1_001;
    q.questions[1].answers = (0..21).map(|i| Answer { key: format!("a{i}"), ..extra.clone() }).collect();
    let problems = q.validate().unwrap_err();
    let got: Vec<(&str, Code)> = problems.iter().map(|(f, m)| (f.as_str(), m.code)).collect();
    assert_eq!(got, [("questions[0].answers[0].weight", Code::Between), ("questions[1].answers", Code::TooMany)]);
    q = Questionnaire::default();
    let base = q.questions[0].clone();
    q.questions = (0..31).map(|i| Question { key: format!("q{i}"), ..base.clone() }).collect();
    let problems = q.validate().unwrap_err();
    assert_eq!((problems[0].0.as_str(), problems[0].1.code), ("questions", Code::TooMany));
    assert_eq!(problems[0].1.params, [("max", "30".to_owned())]);
    q.questions.truncate(30);
    q.questions[0].answers[0].weight = 1_000;
    assert!(q.validate().is_ok(), "30 questions and a weight of 1,000 are allowed");
}

#[test]
fn only_managers_and_admins_configure_risk() {
    for role in [Role::Manager, Role::Admin] {
        assert!(can_configure_risk(role).is_ok());
    }
    for role in [Role::Agent, Role::Requester] {
        assert_eq!(can_configure_risk(role).unwrap_err().1, Code::DenyRiskQuestionnaire);
    }
}

#[test]
fn a_questionnaire_with_unknown_fields_is_not_read() {
    let json = r#"{"questions": [], "levels": [[0, "low"]], "cab_from": "low", "extra": 1}"#;
    assert!(serde_json::from_str::<Questionnaire>(json).is_err());
    let json = r#"{"questions": [], "levels": [[0, "low"]], "cab_from": "low"}"#;
    assert!(serde_json::from_str::<Questionnaire>(json).is_ok());
}

// ---- access ----

#[test]
fn the_desk_works_changes_and_requesters_do_not_see_them() {
    for role in Role::ALL {
        assert_eq!(can_view_change(role).is_ok(), role.is_staff(), "{role}");
        assert_eq!(can_edit_change(role).is_ok(), role.is_staff(), "{role}");
    }
    assert_eq!(can_view_change(Role::Requester).unwrap_err().1, Code::DenyChangeView);
    assert_eq!(can_edit_change(Role::Requester).unwrap_err().1, Code::DenyChangeEdit);
    assert_eq!(can_transition_change(Role::Requester, Draft, Cancelled).unwrap_err().1, Code::DenyChangeEdit);
}

#[test]
fn cancelling_a_planned_or_running_change_is_a_managers_decision() {
    for role in Role::ALL {
        for &from in ChangeState::ALL {
            for &to in ChangeState::ALL {
                let got = can_transition_change(role, from, to);
                let managers_only = to == Cancelled && matches!(from, Scheduled | Implementing);
                let expected = role.is_staff() && (!managers_only || matches!(role, Role::Manager | Role::Admin));
                assert_eq!(got.is_ok(), expected, "{role}: {from} → {to}");
            }
        }
    }
    assert_eq!(
        can_transition_change(Role::Agent, Implementing, Cancelled),
        Err(Denied(
            "only managers and admins can cancel a change that is scheduled or being implemented",
            Code::DenyChangeCancel
        ))
    );
}

// ---- properties ----

fn any_state() -> impl Strategy<Value = ChangeState> {
    proptest::sample::select(ChangeState::ALL)
}

fn any_type() -> impl Strategy<Value = ChangeType> {
    proptest::sample::select(ChangeType::ALL)
}

/// Facts of a change of no type yet (the walk sets it).
fn any_facts() -> impl Strategy<Value = ChangeFacts> {
    let window = (proptest::option::of(0_i64..10), proptest::option::of(0_i64..10));
    (any::<bool>(), window, 0_u32..2, any::<bool>()).prop_map(|(approved, (start, end), open_tasks, template)| {
        ChangeFacts {
            change_type: ChangeType::Normal,
            approved,
            planned_start: start,
            planned_end: end,
            open_tasks,
            template_available: template,
        }
    })
}

fn any_request() -> impl Strategy<Value = (Option<CloseCode>, Option<String>, Option<String>)> {
    (
        proptest::option::of(proptest::sample::select(CloseCode::ALL)),
        proptest::option::of("[ a-z]{0,3}"),
        proptest::option::of("[ a-z]{0,3}"),
    )
}

proptest! {
    /// Random walks of random moves under random facts: whatever is
    /// allowed, Closed is only ever entered from Review, and every forward
    /// move out of Authorization was approved.
    #[test]
    fn no_walk_closes_without_review_or_leaves_authorization_unapproved(
        ty in any_type(),
        steps in proptest::collection::vec((any_state(), any_facts(), any_request()), 1..40),
    ) {
        let mut state = Draft;
        let mut visited = vec![Draft];
        for (to, facts, (close_code, review_notes, cancel_reason)) in steps {
            let facts = ChangeFacts { change_type: ty, ..facts };
            let req = ChangeTransitionRequest { from: state, to, close_code, review_notes, cancel_reason };
            let Ok(p) = plan_transition(&req, &facts) else { continue };
            prop_assert_eq!(p.to, to);
            prop_assert!(targets(ty, state).contains(&to));
            if to == Closed {
                prop_assert_eq!(state, Review);
                prop_assert!(p.close_code.is_some());
            }
            if state == Authorization && matches!(to, Scheduled | Implementing) {
                prop_assert!(facts.approved, "{} left authorization for {} unapproved", ty, to);
            }
            if to == Scheduled {
                prop_assert!(matches!((facts.planned_start, facts.planned_end), (Some(s), Some(e)) if e > s));
            }
            if to == Review {
                prop_assert_eq!(facts.open_tasks, 0);
            }
            state = to;
            visited.push(to);
        }
        if visited.contains(&Closed) {
            prop_assert!(visited.contains(&Review));
        }
        if ty != ChangeType::Standard && visited.contains(&Scheduled) {
            prop_assert!(visited.contains(&Authorization), "scheduled before authorization");
        }
    }

    /// Any answer to each question scores the sum of the weights, and the
    /// level and the CAB follow the score.
    #[test]
    fn a_score_is_the_sum_of_the_weights(picks in proptest::collection::vec(0_usize..4, 5)) {
        let q = Questionnaire::default();
        let chosen: Vec<&Answer> =
            q.questions.iter().zip(&picks).map(|(qu, i)| &qu.answers[i % qu.answers.len()]).collect();
        let given: Vec<(String, String)> =
            q.questions.iter().zip(&chosen).map(|(qu, a)| (qu.key.clone(), a.key.clone())).collect();
        let risk = q.score(&given).unwrap();
        prop_assert_eq!(risk.score, chosen.iter().map(|a| a.weight).sum::<u32>());
        prop_assert_eq!(risk.level, q.level_for(risk.score));
        prop_assert_eq!(risk.needs_cab, risk.score >= 10);
    }
}

#[test]
fn only_managers_and_admins_approve_and_never_their_own_change() {
    for role in [Role::Manager, Role::Admin] {
        assert!(can_approve_change(role, false).is_ok());
        assert_eq!(can_approve_change(role, true).unwrap_err().1, Code::DenyOwnApproval);
    }
    assert_eq!(can_approve_change(Role::Agent, false).unwrap_err().1, Code::DenyChangeApprove);
    assert_eq!(can_approve_change(Role::Requester, false).unwrap_err().1, Code::DenyChangeView);
}
