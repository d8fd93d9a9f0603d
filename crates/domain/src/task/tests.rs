use super::*;
use crate::lifecycle::{assert_consistent, open_state_names};
use TaskState::*;

fn sib(name: &str, step: i64, state: TaskState) -> Sibling<String> {
    Sibling { name: name.to_owned(), step, state }
}

fn req(from: TaskState, to: TaskState, code: Option<TaskCloseCode>) -> TaskTransitionRequest {
    TaskTransitionRequest { close_code: code, ..TaskTransitionRequest::new(from, to) }
}

#[test]
fn the_machine_is_consistent() {
    assert_consistent::<TaskState>();
    assert_eq!(open_state_names::<TaskState>(), ["open", "in_progress"]);
    assert_eq!("in_progress".parse::<TaskState>(), Ok(InProgress));
    assert_eq!("skipped".parse::<TaskCloseCode>(), Ok(TaskCloseCode::Skipped));
    let err = "done".parse::<TaskCloseCode>().unwrap_err();
    assert_eq!(err.code, Code::NotOneOf);
    assert!(err.text.contains("complete, incomplete, skipped"), "{}", err.text);
}

#[test]
fn every_move_of_the_path_and_no_other() {
    let allowed = [
        (Open, InProgress),
        (Open, Closed),
        (Open, Cancelled),
        (InProgress, Closed),
        (InProgress, Open),
        (InProgress, Cancelled),
    ];
    for &from in TaskState::ALL {
        for &to in TaskState::ALL {
            let code = (to == Closed).then_some(TaskCloseCode::Complete);
            let got = plan_task_transition(&req(from, to, code), &[], false);
            if allowed.contains(&(from, to)) {
                let plan = got.unwrap_or_else(|e| panic!("{from} → {to}: {e}"));
                assert_eq!(plan.to, to);
                assert_eq!(plan.sets_closed_at, to.is_final());
            } else {
                let err = got.unwrap_err();
                assert!(matches!(err, TaskTransitionError::NotAllowed { .. }), "{from} → {to}: {err}");
                assert_eq!(Message::from(err).code, Code::TransitionNotAllowed);
            }
        }
    }
    let err = plan_task_transition(&req(Closed, Open, None), &[], true).unwrap_err();
    assert_eq!(err.to_string(), "a task cannot go from closed to open; allowed: none, the task is final");
}

#[test]
fn closing_needs_a_close_code_and_only_closing_takes_one() {
    let err = plan_task_transition(&req(InProgress, Closed, None), &[], true).unwrap_err();
    assert_eq!(err, TaskTransitionError::Missing { field: "close_code", to: Closed });
    assert_eq!((err.field(), Message::from(err).code), ("close_code", Code::RequiredForState));
    let err = plan_task_transition(&req(Open, InProgress, Some(TaskCloseCode::Complete)), &[], false).unwrap_err();
    assert_eq!((err.field(), Message::from(err).code), ("close_code", Code::NotApplicable));
    let mut r = req(Open, Cancelled, None);
    r.close_notes = Some("not needed".into());
    let err = plan_task_transition(&r, &[], false).unwrap_err();
    assert_eq!(err.field(), "close_notes");
    let mut r = req(InProgress, Closed, Some(TaskCloseCode::Incomplete));
    r.close_notes = Some("  half the servers  ".into());
    let plan = plan_task_transition(&r, &[], true).unwrap();
    assert_eq!(
        (plan.close_code, plan.close_notes.as_deref()),
        (Some(TaskCloseCode::Incomplete), Some("half the servers"))
    );
}

#[test]
fn a_task_waits_for_the_open_tasks_of_lower_steps() {
    let siblings = [
        sib("TASK1", 1, Closed),
        sib("TASK2", 1, InProgress),
        sib("TASK3", 2, Open),
        sib("TASK4", 2, Cancelled),
        sib("TASK5", 3, Open),
        sib("TASK6", 1, Open),
    ];
    assert!(blockers(1, &siblings).is_empty(), "the first step waits for nobody");
    assert_eq!(blockers(2, &siblings), ["TASK2", "TASK6"]);
    assert_eq!(blockers(3, &siblings), ["TASK2", "TASK3", "TASK6"]);
    let by = blockers(2, &siblings);
    // Starting and completing wait; putting back, cancelling, skipping and
    // closing incomplete do not.
    for (from, to, code) in [(Open, InProgress, None), (Open, Closed, Some(TaskCloseCode::Complete))] {
        let err = plan_task_transition(&req(from, to, code), &by, false).unwrap_err();
        assert_eq!(err, TaskTransitionError::Blocked { by: by.clone() });
        assert_eq!(err.to_string(), "waits for TASK2, TASK6: a task of an earlier step is still open");
        let m = Message::from(err);
        assert_eq!((m.code, m.params.clone()), (Code::TaskBlocked, vec![("tasks", "TASK2, TASK6".to_owned())]));
    }
    for (from, to, code) in [
        (Open, Cancelled, None),
        (Open, Closed, Some(TaskCloseCode::Skipped)),
        (Open, Closed, Some(TaskCloseCode::Incomplete)),
        (InProgress, Open, None),
    ] {
        assert!(plan_task_transition(&req(from, to, code), &by, true).is_ok(), "{from} → {to} {code:?}");
    }
}

#[test]
fn the_first_start_is_marked() {
    assert!(plan_task_transition(&req(Open, InProgress, None), &[], false).unwrap().starts);
    assert!(!plan_task_transition(&req(Open, InProgress, None), &[], true).unwrap().starts);
}

#[test]
fn steps_windows_and_changes_that_take_tasks() {
    assert_eq!(check_step(1), Ok(1));
    assert_eq!(check_step(MAX_STEP), Ok(MAX_STEP));
    for bad in [0, -1, MAX_STEP + 1, i64::MIN] {
        let m = check_step(bad).unwrap_err();
        assert_eq!((m.code, m.text.as_str()), (Code::Between, "must be between 1 and 999"), "{bad}");
    }
    assert!(check_window(None, None).is_ok());
    assert!(check_window(Some(5), None).is_ok());
    assert!(check_window(None, Some(5)).is_ok());
    assert!(check_window(Some(5), Some(6)).is_ok());
    for (s, e) in [(6, 5), (5, 5)] {
        let m = check_window(Some(s), Some(e)).unwrap_err();
        assert_eq!((m.code, m.params.clone()), (Code::EndBeforeStart, vec![("start", "planned_start".to_owned())]));
    }
    for s in ChangeState::ALL {
        let refused = matches!(s, ChangeState::Review | ChangeState::Closed | ChangeState::Cancelled);
        assert_eq!(can_add_task(*s).is_err(), refused, "{s}");
    }
    assert_eq!(can_add_task(ChangeState::Closed).unwrap_err().code, Code::TaskChangeClosed);
}

#[test]
fn staff_see_and_edit_tasks_requesters_do_not() {
    for role in [Role::Agent, Role::Manager, Role::Admin] {
        assert!(can_view_task(role).is_ok() && can_edit_task(role).is_ok(), "{role:?}");
    }
    assert!(can_view_task(Role::Requester).is_err());
    assert!(can_edit_task(Role::Requester).is_err());
}
