use super::*;
use crate::access::Denied;
use crate::code::Code;
use crate::lifecycle::{assert_consistent, open_state_names};
use crate::text::TextError;
use crate::{ResolutionCode, Role};
use ProblemState::*;
use proptest::prelude::*;

fn full_request(from: ProblemState, to: ProblemState) -> ProblemTransitionRequest {
    let mut req = ProblemTransitionRequest { has_cause: true, ..Default::default() };
    match to {
        Resolved => {
            let code = ProblemResolution::ALL.iter().copied().find(|c| c.allowed_from().contains(&from));
            req.resolution_code = Some(code.unwrap_or(ProblemResolution::Fixed));
            req.resolution_notes = Some("patched the driver".into());
        }
        Cancelled => req.cancel_reason = Some("logged twice".into()),
        _ => {}
    }
    req
}

/// Every pair of states: allowed exactly when the table says so.
#[test]
fn every_transition_allowed_or_not() {
    let allowed: &[(ProblemState, ProblemState)] = &[
        (New, Assessment),
        (New, Cancelled),
        (Assessment, RootCauseAnalysis),
        (Assessment, New),
        (Assessment, Resolved),
        (Assessment, Cancelled),
        (RootCauseAnalysis, FixInProgress),
        (RootCauseAnalysis, Assessment),
        (RootCauseAnalysis, Resolved),
        (RootCauseAnalysis, Cancelled),
        (FixInProgress, Resolved),
        (FixInProgress, RootCauseAnalysis),
        (FixInProgress, Cancelled),
        (Resolved, Closed),
        (Resolved, FixInProgress),
    ];
    for &from in ProblemState::ALL {
        for &to in ProblemState::ALL {
            let result = plan_transition(from, to, &full_request(from, to));
            if allowed.contains(&(from, to)) {
                let plan = result.unwrap_or_else(|e| panic!("{from} → {to} refused: {e}"));
                assert_eq!(plan.to, to);
                assert_eq!(plan.reopen, from == Resolved && to == FixInProgress);
                assert_eq!(plan.clears_resolved_at, plan.reopen, "{from} → {to}");
                assert_eq!((plan.sets_resolved_at, plan.sets_closed_at), (to == Resolved, to == Closed));
            } else {
                match result.expect_err("must be refused") {
                    ProblemTransitionError::NotAllowed { allowed, .. } => assert_eq!(allowed, from.allowed_targets()),
                    other => panic!("{from} → {to}: wrong error {other}"),
                }
            }
        }
    }
}

#[test]
fn the_machine_is_consistent() {
    assert_consistent::<ProblemState>();
    assert_eq!(open_state_names::<ProblemState>(), ["new", "assessment", "root_cause_analysis", "fix_in_progress"]);
    assert!(Resolved.is_resolved() && !Resolved.is_open() && !Resolved.is_final());
}

#[test]
fn refusal_names_the_allowed_states() {
    let err = plan_transition(New, FixInProgress, &full_request(New, FixInProgress)).unwrap_err();
    assert_eq!(err.to_string(), "cannot go from new to fix_in_progress; allowed: assessment, cancelled");
    let err = plan_transition(Closed, FixInProgress, &full_request(Closed, FixInProgress)).unwrap_err();
    assert_eq!(err.to_string(), "cannot go from closed to fix_in_progress; allowed: none, the problem is final");
}

#[test]
fn fix_needs_a_recorded_cause() {
    let err = plan_transition(RootCauseAnalysis, FixInProgress, &ProblemTransitionRequest::default()).unwrap_err();
    assert_eq!(err, ProblemTransitionError::Missing { field: "cause", to: FixInProgress });
    assert_eq!(err.to_string(), "cause is required to move to fix_in_progress");
    let err = plan_transition(Resolved, FixInProgress, &ProblemTransitionRequest::default()).unwrap_err();
    assert_eq!(err, ProblemTransitionError::Missing { field: "cause", to: FixInProgress }, "a reopen too");
}

#[test]
fn resolve_needs_code_and_notes() {
    let no_code = ProblemTransitionRequest { resolution_notes: Some("x".into()), ..Default::default() };
    assert_eq!(
        plan_transition(FixInProgress, Resolved, &no_code).unwrap_err(),
        ProblemTransitionError::Missing { field: "resolution_code", to: Resolved }
    );
    let blank = ProblemTransitionRequest {
        resolution_code: Some(ProblemResolution::Fixed),
        resolution_notes: Some(" \n ".into()),
        ..Default::default()
    };
    let err = plan_transition(FixInProgress, Resolved, &blank).unwrap_err();
    assert_eq!(err, ProblemTransitionError::Missing { field: "resolution_notes", to: Resolved });
    let plan = plan_transition(FixInProgress, Resolved, &full_request(FixInProgress, Resolved)).unwrap();
    assert_eq!(plan.resolution_code, Some(ProblemResolution::Fixed));
    assert_eq!(plan.resolution_notes.as_deref(), Some("patched the driver"));
    assert!(plan.sets_resolved_at && !plan.sets_closed_at && !plan.retires_known_error);
}

#[test]
fn each_resolution_comes_from_its_stages() {
    for &code in ProblemResolution::ALL {
        for &from in [Assessment, RootCauseAnalysis, FixInProgress].iter() {
            let req = ProblemTransitionRequest {
                resolution_code: Some(code),
                resolution_notes: Some("done".into()),
                ..Default::default()
            };
            let result = plan_transition(from, Resolved, &req);
            assert_eq!(result.is_ok(), code.allowed_from().contains(&from), "{code} from {from}");
        }
    }
    let req = ProblemTransitionRequest {
        resolution_code: Some(ProblemResolution::Fixed),
        resolution_notes: Some("done".into()),
        ..Default::default()
    };
    let err = plan_transition(Assessment, Resolved, &req).unwrap_err();
    assert_eq!(err.to_string(), "resolution_code fixed is not allowed from assessment; only from: fix_in_progress");
}

#[test]
fn cancel_needs_a_reason_and_withdraws_the_known_error() {
    let err = plan_transition(Assessment, Cancelled, &ProblemTransitionRequest::default()).unwrap_err();
    assert_eq!(err, ProblemTransitionError::Missing { field: "cancel_reason", to: Cancelled });
    let blank = ProblemTransitionRequest { cancel_reason: Some("   ".into()), ..Default::default() };
    assert!(plan_transition(Assessment, Cancelled, &blank).is_err());
    let plan = plan_transition(Assessment, Cancelled, &full_request(Assessment, Cancelled)).unwrap();
    assert_eq!(plan.cancel_reason.as_deref(), Some("logged twice"));
    assert!(plan.retires_known_error && !plan.sets_closed_at);
}

#[test]
fn duplicates_and_non_problems_withdraw_the_known_error() {
    for (code, retires) in [
        (ProblemResolution::Duplicate, true),
        (ProblemResolution::NotAProblem, true),
        (ProblemResolution::WorkaroundOnly, false),
        (ProblemResolution::RiskAccepted, false),
        (ProblemResolution::CannotFix, false),
    ] {
        let req = ProblemTransitionRequest {
            resolution_code: Some(code),
            resolution_notes: Some("why".into()),
            ..Default::default()
        };
        assert_eq!(plan_transition(RootCauseAnalysis, Resolved, &req).unwrap().retires_known_error, retires, "{code}");
    }
}

#[test]
fn fields_for_other_states_are_refused() {
    let code = ProblemTransitionRequest { resolution_code: Some(ProblemResolution::Fixed), ..Default::default() };
    assert_eq!(
        plan_transition(New, Assessment, &code).unwrap_err(),
        ProblemTransitionError::NotApplicable { field: "resolution_code", applies_to: Resolved }
    );
    let notes = ProblemTransitionRequest { resolution_notes: Some("x".into()), ..Default::default() };
    assert_eq!(
        plan_transition(New, Cancelled, &notes).unwrap_err(),
        ProblemTransitionError::NotApplicable { field: "resolution_notes", applies_to: Resolved }
    );
    let reason = ProblemTransitionRequest { cancel_reason: Some("x".into()), ..Default::default() };
    let err = plan_transition(New, Assessment, &reason).unwrap_err();
    assert_eq!(err.to_string(), "cancel_reason only applies when moving to cancelled");
}

#[test]
fn reopen_is_counted_and_clears_resolution() {
    let plan = plan_transition(Resolved, FixInProgress, &full_request(Resolved, FixInProgress)).unwrap();
    assert!(plan.reopen && plan.clears_resolved_at && !plan.sets_resolved_at);
    let plan = plan_transition(Resolved, Closed, &ProblemTransitionRequest::default()).unwrap();
    assert!(plan.sets_closed_at && !plan.reopen && !plan.retires_known_error && !plan.clears_resolved_at);
    let back = plan_transition(FixInProgress, RootCauseAnalysis, &ProblemTransitionRequest::default()).unwrap();
    assert!(!back.reopen && !back.clears_resolved_at, "a step back is not a reopen");
}

#[test]
fn incidents_are_offered_a_resolution_only_when_their_fault_is_handled() {
    assert_eq!(ProblemResolution::Fixed.incident_resolution(), Some(ResolutionCode::Solved));
    assert_eq!(ProblemResolution::WorkaroundOnly.incident_resolution(), Some(ResolutionCode::Workaround));
    for c in [ProblemResolution::RiskAccepted, ProblemResolution::CannotFix, ProblemResolution::Duplicate] {
        assert_eq!(c.incident_resolution(), None, "{c}");
    }
}

#[test]
fn names_round_trip() {
    for c in CauseCategory::ALL {
        assert_eq!(c.as_str().parse::<CauseCategory>(), Ok(*c));
    }
    for r in ProblemResolution::ALL {
        assert_eq!(r.as_str().parse::<ProblemResolution>(), Ok(*r));
        assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
    }
    let err = "bogus".parse::<CauseCategory>().unwrap_err();
    assert!(err.text.starts_with("unknown cause category \"bogus\": must be one of hardware, software"), "{err}");
    assert!("fix".parse::<ProblemState>().is_err());
}

// ---- 5 whys ----

fn step(q: &str, a: &str) -> WhyStep {
    WhyStep { question: q.into(), answer: a.into() }
}

#[test]
fn whys_keep_their_order_and_trim() {
    let w = Whys::new(vec![step(" Why did mail stop? ", "the queue filled\r\nup"), step("", "disk full")]).unwrap();
    assert_eq!(w.steps()[0], step("Why did mail stop?", "the queue filled\nup"));
    assert_eq!(w.conclusion(), Some("disk full"));
    assert!(Whys::default().is_empty() && Whys::default().conclusion().is_none());
}

#[test]
fn whys_refusals_name_the_step() {
    let six = vec![step("why", "because"); 6];
    let err = Whys::new(six).unwrap_err();
    assert_eq!((err.to_string().as_str(), err.field()), ("whys: at most 5 steps, got 6", "whys".to_owned()));
    let err = Whys::new(vec![step("why", "a"), step("why", "  ")]).unwrap_err();
    assert_eq!(err, WhysError::Step { index: 1, field: "answer", error: TextError::Required });
    assert_eq!((err.to_string().as_str(), err.field()), ("whys[1].answer is required", "whys[1].answer".to_owned()));
    let long = "x".repeat(WHY_MAX_CHARS + 1);
    let err = Whys::new(vec![step(&long, "a")]).unwrap_err();
    assert_eq!(err.field(), "whys[0].question");
    assert_eq!(err.to_string(), "whys[0].question is too long: at most 2000 characters, got 2001");
    assert!(Whys::new(vec![step("q", &long)]).is_err());
    let err = Whys::new(vec![step("q", "bell\u{7}")]).unwrap_err();
    assert_eq!(err, WhysError::Step { index: 0, field: "answer", error: TextError::Control });
    assert!(Whys::new(vec![step(&"ż".repeat(WHY_MAX_CHARS), &"ł".repeat(WHY_MAX_CHARS))]).is_ok(), "characters");
}

#[test]
fn whys_are_checked_when_read_from_json() {
    let ok: Whys = serde_json::from_str(r#"[{"question":"why?","answer":"because"},{"answer":"root"}]"#).unwrap();
    assert_eq!(ok.steps().len(), 2);
    assert_eq!(
        serde_json::to_string(&ok).unwrap(),
        r#"[{"question":"why?","answer":"because"},{"question":"","answer":"root"}]"#
    );
    let err = serde_json::from_str::<Whys>(r#"[{"question":"why?","answer":""}]"#).unwrap_err();
    assert!(err.to_string().contains("whys[0].answer is required"), "{err}");
    assert!(serde_json::from_str::<Whys>(r#"[{"answer":"a","extra":1}]"#).is_err());
    assert!(serde_json::from_str::<Whys>(&format!("[{}]", [r#"{"answer":"a"}"#; 6].join(","))).is_err());
}

proptest! {
    #[test]
    fn valid_whys_survive_json(steps in proptest::collection::vec(("[a-zA-Ząę ?]{0,40}", "[a-zżł]{1,40}"), 0..=5)) {
        let w = Whys::new(steps.into_iter().map(|(q, a)| step(&q, &a)).collect()).unwrap();
        let back: Whys = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        prop_assert_eq!(back, w);
    }
}

// ---- known errors, links, access ----

#[test]
fn known_errors_need_an_assessed_problem_a_cause_and_a_workaround() {
    let (c, w) = (Some("driver leak"), Some("restart the spooler"));
    for &s in ProblemState::ALL {
        assert_eq!(can_publish_known_error(s, c, w).is_ok(), !matches!(s, New | Cancelled), "{s}");
    }
    let err = can_publish_known_error(New, c, w).unwrap_err();
    assert_eq!(err.to_string(), "a new problem cannot be published as a known error: assess it first");
    let err = can_publish_known_error(Cancelled, c, w).unwrap_err();
    assert_eq!(err.to_string(), "a cancelled problem cannot be published as a known error: it was cancelled");
    assert_eq!(can_publish_known_error(Assessment, None, w), Err(KnownErrorError::Missing { field: "cause" }));
    let err = can_publish_known_error(Assessment, c, Some("  ")).unwrap_err();
    assert_eq!(err.to_string(), "workaround is required to publish a known error");
}

#[test]
fn a_published_known_error_keeps_its_cause_and_workaround() {
    assert_eq!(can_unpublish_known_error(false), Err(KnownErrorError::NotPublished));
    assert!(can_unpublish_known_error(true).is_ok());
    assert!(check_known_error_edit(false, None, None).is_ok(), "unpublished: anything goes");
    assert!(check_known_error_edit(true, Some("c"), Some("w")).is_ok());
    let err = check_known_error_edit(true, Some("c"), Some("")).unwrap_err();
    assert_eq!(err, KnownErrorError::Cleared { field: "workaround" });
    assert_eq!(
        err.to_string(),
        "workaround cannot be cleared while the problem is published as a known error; unpublish it first"
    );
}

#[test]
fn incidents_link_to_problems_that_are_not_over() {
    for &s in ProblemState::ALL {
        assert_eq!(can_link_incident(s).is_ok(), !s.is_final(), "{s}");
    }
    let err = can_link_incident(Closed).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot link an incident to a closed problem; link it to an open problem or create a new one"
    );
    assert_eq!(can_link_incident(Cancelled), Err(LinkRefused { state: Cancelled }));
}

#[test]
fn problem_role_matrix() {
    for role in Role::ALL {
        let staff = role.is_staff();
        let manager = matches!(role, Role::Manager | Role::Admin);
        assert_eq!(can_view_problem(role).is_ok(), staff, "{role}");
        assert_eq!(can_edit_problem(role).is_ok(), staff, "{role}");
        assert_eq!(can_link_incidents(role).is_ok(), staff, "{role}");
        assert_eq!(can_change_known_error(role).is_ok(), staff, "{role}");
        assert_eq!(can_transition_problem(role, RootCauseAnalysis, None).is_ok(), staff, "{role}");
        let fixed = Some(ProblemResolution::Fixed);
        assert_eq!(can_transition_problem(role, Resolved, fixed).is_ok(), staff, "{role}");
        let risk = Some(ProblemResolution::RiskAccepted);
        assert_eq!(can_transition_problem(role, Resolved, risk).is_ok(), manager, "{role}");
        assert_eq!(can_transition_problem(role, Closed, None).is_ok(), manager, "{role}");
        assert_eq!(can_transition_problem(role, Cancelled, None).is_ok(), manager, "{role}");
    }
    let denied = |r| can_transition_problem(Role::Agent, r, Some(ProblemResolution::RiskAccepted)).unwrap_err();
    assert_eq!(denied(Closed), Denied("only managers and admins can close a problem", Code::DenyProblemClose));
    assert_eq!(denied(Cancelled), Denied("only managers and admins can cancel a problem", Code::DenyProblemCancel));
    assert_eq!(denied(Resolved), Denied("only managers and admins can accept a risk", Code::DenyRiskAccept));
    let requester = can_transition_problem(Role::Requester, Closed, None).unwrap_err();
    assert_eq!(requester.to_string(), "only agents, managers and admins can edit problems");
    assert_eq!(can_view_problem(Role::Requester).unwrap_err().0, "only agents, managers and admins can see problems");
    assert!(can_link_incidents(Role::Requester).unwrap_err().0.contains("link incidents"));
    assert!(can_change_known_error(Role::Requester).unwrap_err().0.contains("known errors"));
}

// ---- candidates ----

fn count(what: GroupKey, incidents: u32, open_problem: bool) -> GroupCount {
    GroupCount { what, incidents, open_problem }
}

#[test]
fn candidates_reach_the_threshold_and_lack_a_problem() {
    let counts = [
        count(GroupKey::Category("printing".into()), 7, false),
        count(GroupKey::Service(3), 12, true),
        count(GroupKey::Ci(9), 5, false),
        count(GroupKey::Ci(2), 4, false),
        count(GroupKey::Service(8), 7, false),
    ];
    let got = candidates(&counts, 5);
    let want = [(GroupKey::Service(8), 7), (GroupKey::Category("printing".into()), 7), (GroupKey::Ci(9), 5)];
    assert_eq!(got.iter().map(|c| (c.what.clone(), c.incidents)).collect::<Vec<_>>(), want);
    assert!(candidates(&[count(GroupKey::Ci(1), 0, false)], 0).is_empty(), "no incidents, no candidate");
    assert_eq!(candidates(&[count(GroupKey::Ci(1), 1, false)], 0).len(), 1);
    let json = serde_json::to_value(&got[1]).unwrap();
    assert_eq!(json, serde_json::json!({"what": {"by": "category", "key": "printing"}, "incidents": 7}));
}

proptest! {
    #[test]
    fn candidates_are_the_uncovered_groups_at_the_threshold_in_order(
        raw in proptest::collection::vec((0_i64..20, 0_u32..30, any::<bool>()), 0..40),
        threshold in 0_u32..25,
    ) {
        let counts: Vec<GroupCount> = raw.iter().map(|&(id, n, open)| count(GroupKey::Ci(id), n, open)).collect();
        let got = candidates(&counts, threshold);
        let expected = counts.iter().filter(|c| c.incidents >= threshold.max(1) && !c.open_problem).count();
        prop_assert_eq!(got.len(), expected);
        prop_assert!(got.windows(2).all(|w| w[0].incidents > w[1].incidents
            || (w[0].incidents == w[1].incidents && w[0].what <= w[1].what)));
    }
}
