//! Service levels end to end below HTTP: clocks start with the incident,
//! pause on hold, follow priority changes, and the timer journals warnings
//! and breaches at their moments even when nobody looks. Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app;
use jiff::SignedDuration;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};
use steward_app::accounts::NewUser;
use steward_app::incidents::{IncidentPatch, NewIncident, TransitionInput};
use steward_app::{Actor, App, AppConfig, AppError};
use steward_domain::RecordNumber;
use steward_domain::calendar::{CalendarSpec, Interval, WeekHours};
use steward_domain::sla::SlaDefinition;
use steward_store::records::{Filter, SlaFilter};

const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const HOUR: i64 = 3_600_000_000;

async fn login(app: &App, name: &str, role: &str) -> Actor {
    let u = NewUser {
        username: name.into(),
        role: role.into(),
        password: Some("a long password".into()),
        ..Default::default()
    };
    if role != "agent" {
        app.add_user(None, u).await.unwrap();
    }
    app.login(name, "a long password", IP).await.unwrap().0
}

/// Round the clock (calendar 1): P1 responds in 15 minutes and resolves in
/// 1 hour, everything else 1 hour and 4 hours; warnings at 50, 75, 90 %.
fn standard() -> SlaDefinition {
    let mut targets = vec![json!({"priority": 1, "response": "15m", "resolution": "1h"})];
    for p in 2..=5 {
        targets.push(json!({"priority": p, "response": "1h", "resolution": "4h"}));
    }
    serde_json::from_value(json!({
        "id": 0, "name": "Standard", "position": 10, "calendar_id": 1,
        "targets": targets, "thresholds": [50, 75, 90]
    }))
    .unwrap()
}

fn number(id: i64) -> String {
    RecordNumber::incident(id).to_string()
}

both!(an_incident_breaches_while_nobody_looks, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    app.create_sla(&boss, standard(), true).await.unwrap();
    let inc =
        app.create_incident(&agent, NewIncident { title: "Mail is down".into(), ..Default::default() }).await.unwrap();
    assert!(inc.sla.sla_id.is_some());
    let clocks = app.clocks_of_incident(inc.id).await.unwrap();
    let kinds: Vec<(&str, &str)> = clocks.iter().map(|c| (c.kind.as_str(), c.state)).collect();
    assert_eq!(kinds, [("response", "running"), ("resolution", "running")]);
    assert_eq!(clocks[0].due_at, Some(inc.opened_at + HOUR));
    assert_eq!(inc.sla.sla_due_at, Some(inc.opened_at + HOUR), "the nearest due moment is the response's");

    // Five hours on, with no one signed in: every threshold of both clocks.
    let fired = app.run_sla_timers_at(inc.opened_at + 5 * HOUR).await.unwrap();
    assert_eq!(fired.len(), 8, "{fired:?}");
    let journal = app.incident_journal(&agent, &number(inc.number)).await.unwrap();
    let sla: Vec<(String, i64)> = journal
        .iter()
        .filter(|e| e.action.starts_with("sla_") && e.action != "sla_attached")
        .map(|e| (e.action.clone(), e.at - inc.opened_at))
        .collect();
    let resolution_warnings: Vec<i64> = journal
        .iter()
        .filter(|e| e.action == "sla_warning" && e.changes.contains("sla_resolution"))
        .map(|e| e.at - inc.opened_at)
        .collect();
    assert_eq!(resolution_warnings, [2 * HOUR, 3 * HOUR, 3 * HOUR + 36 * 60_000_000], "{sla:?}");
    assert_eq!(sla.iter().filter(|(a, _)| a == "sla_breached").count(), 2);
    assert!(journal.iter().any(|e| e.action == "sla_attached" && e.changes.contains("Standard")));

    // Announced once: a second scan finds nothing to say.
    assert!(app.run_sla_timers_at(inc.opened_at + 6 * HOUR).await.unwrap().is_empty());
    let again = app.get_incident(&agent, &number(inc.number)).await.unwrap();
    assert_eq!((again.sla.sla_breached, again.sla.sla_due_at), (1, None));
    let (breached, _) = app
        .list_incidents(&agent, Filter { sla: Some(SlaFilter::Breached), limit: 50, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(breached.iter().map(|i| i.id).collect::<Vec<_>>(), [inc.id]);
    let view = app.clocks_of_incident(inc.id).await.unwrap();
    // (Breached by the timer's clock, five hours ahead of this one.)
    assert!(view.iter().all(|c| c.breached && c.breached_at.is_some()), "{view:?}");
});

both!(on_hold_pauses_the_clock_and_a_priority_change_retargets_it, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    app.create_sla(&boss, standard(), true).await.unwrap();
    let n = NewIncident {
        title: "Printer".into(),
        assignee: Some("agent".into()),
        assignment_group: Some("Desk".into()),
        ..Default::default()
    };
    let inc = app.create_incident(&agent, n).await.unwrap();
    let clocks = app.clocks_of_incident(inc.id).await.unwrap();
    assert_eq!(clocks[0].state, "stopped", "assigned at once: the response is met");
    let due = clocks[1].due_at.unwrap();

    let hold =
        TransitionInput { state: "on_hold".into(), hold_reason: Some("awaiting_caller".into()), ..Default::default() };
    let inc = app.transition_incident(&agent, &number(inc.number), Some(inc.version), hold).await.unwrap();
    let paused = app.clocks_of_incident(inc.id).await.unwrap();
    assert_eq!((paused[1].state, paused[1].due_at), ("paused", None));
    assert_eq!(inc.sla.sla_due_at, None, "a paused clock is not breaching soon");
    let back = TransitionInput { state: "in_progress".into(), ..Default::default() };
    let inc = app.transition_incident(&agent, &number(inc.number), Some(inc.version), back).await.unwrap();
    let resumed = app.clocks_of_incident(inc.id).await.unwrap();
    assert_eq!(resumed[1].state, "running");
    assert!(resumed[1].due_at.unwrap() >= due, "pausing never brings the due moment earlier");

    // Impact and urgency high: P1, resolution in one hour from the start.
    let p1 = IncidentPatch { impact: Some(1), urgency: Some(1), ..Default::default() };
    let inc = app.update_incident(&agent, &number(inc.number), Some(inc.version), p1).await.unwrap();
    assert_eq!(inc.priority, 1);
    let retargeted = app.clocks_of_incident(inc.id).await.unwrap();
    assert_eq!(retargeted[1].target_seconds, 3600);
    let journal = app.incident_journal(&agent, &number(inc.number)).await.unwrap();
    let entry = journal.iter().find(|e| e.action == "sla_retargeted").expect("the journal says so");
    assert!(entry.changes.contains(r#""old":"4h","new":"1h""#), "{}", entry.changes);

    // Resolved pauses the resolution clock; closing stops it for good.
    let resolve = TransitionInput {
        state: "resolved".into(),
        resolution_code: Some("solved".into()),
        resolution_notes: Some("New toner".into()),
        ..Default::default()
    };
    let inc = app.transition_incident(&agent, &number(inc.number), Some(inc.version), resolve).await.unwrap();
    assert_eq!(app.clocks_of_incident(inc.id).await.unwrap()[1].state, "paused");
    let close = TransitionInput { state: "closed".into(), ..Default::default() };
    let inc = app.transition_incident(&agent, &number(inc.number), Some(inc.version), close).await.unwrap();
    assert_eq!(app.clocks_of_incident(inc.id).await.unwrap()[1].state, "stopped");
});

both!(a_group_ola_runs_while_the_group_holds_the_record, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    let desk = agent.group_ids[0];
    app.set_group_ola(&boss, desk, Some((SignedDuration::from_mins(30), 1, vec![50]))).await.unwrap();
    let n = NewIncident { title: "VPN".into(), assignment_group: Some("Desk".into()), ..Default::default() };
    let inc = app.create_incident(&agent, n).await.unwrap();
    let clocks = app.clocks_of_incident(inc.id).await.unwrap();
    assert_eq!(clocks.len(), 1, "no SLA defined: only the group's OLA");
    assert_eq!((clocks[0].kind.as_str(), clocks[0].group_name.as_deref()), ("group", Some("Desk")));
    let fired = app.run_sla_timers_at(inc.opened_at + HOUR).await.unwrap();
    assert_eq!(fired.len(), 2, "50 % and the breach");

    let away = IncidentPatch { assignment_group: steward_app::incidents::Patch::Clear, ..Default::default() };
    let inc = app.update_incident(&agent, &number(inc.number), Some(inc.version), away).await.unwrap();
    assert_eq!(app.clocks_of_incident(inc.id).await.unwrap()[0].state, "stopped");
});

both!(bad_calendars_and_slas_are_refused_with_the_field, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    let overlapping = CalendarSpec {
        time_zone: "Europe/Warsaw".into(),
        week: WeekHours::weekdays(&[Interval::new("08:00", "12:00"), Interval::new("11:00", "16:00")]),
        holidays: vec![],
    };
    let fields = |e: AppError| match e {
        AppError::Invalid(f) => f.into_iter().map(|f| f.field).collect::<Vec<_>>(),
        other => panic!("expected invalid input, got {other}"),
    };
    let f = fields(app.create_calendar(&boss, "Office", overlapping.clone()).await.unwrap_err());
    assert!(f.contains(&"week.monday[1]".to_owned()), "{f:?}");
    let bad_zone = CalendarSpec { time_zone: "Europe/Atlantis".into(), ..overlapping.clone() };
    assert!(fields(app.create_calendar(&boss, "Office", bad_zone).await.unwrap_err()).contains(&"time_zone".into()));
    let inverted =
        CalendarSpec { week: WeekHours::weekdays(&[Interval::new("17:00", "08:00")]), ..overlapping.clone() };
    assert!(
        fields(app.create_calendar(&boss, "Office", inverted).await.unwrap_err()).contains(&"week.monday[0]".into())
    );
    assert!(matches!(app.create_calendar(&agent, "Office", overlapping).await, Err(AppError::Forbidden(_))));
    assert!(app.list_calendars(&boss).await.unwrap().len() == 1, "nothing was stored");

    let no_targets = SlaDefinition { targets: vec![], ..standard() };
    assert!(fields(app.create_sla(&boss, no_targets, true).await.unwrap_err()).contains(&"targets".into()));
    let mut negative = standard();
    negative.targets[0].resolution = Some(SignedDuration::from_mins(-5));
    let f = fields(app.create_sla(&boss, negative, true).await.unwrap_err());
    assert!(f.iter().any(|f| f.starts_with("targets[0]")), "{f:?}");
    let nowhere = SlaDefinition { calendar_id: 99, ..standard() };
    assert!(fields(app.create_sla(&boss, nowhere, true).await.unwrap_err()).contains(&"calendar_id".into()));
    assert!(app.list_slas(&boss).await.unwrap().is_empty(), "nothing was stored");
});

both!(the_poland_preset_adds_its_holidays_once, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let spec = CalendarSpec {
        time_zone: "Europe/Warsaw".into(),
        week: WeekHours::weekdays(&[Interval::new("08:00", "16:00")]),
        holidays: vec![],
    };
    let cal = app.create_calendar(&boss, "Warsaw office", spec).await.unwrap();
    let cal = app.add_calendar_preset(&boss, cal.id, cal.version, "poland").await.unwrap();
    let n = cal.spec.holidays.len();
    assert!(n >= 13, "{n}");
    let cal = app.add_calendar_preset(&boss, cal.id, cal.version, "poland").await.unwrap();
    assert_eq!(cal.spec.holidays.len(), n, "added once");
    let e = app.add_calendar_preset(&boss, cal.id, cal.version - 1, "poland").await.unwrap_err();
    assert!(matches!(e, AppError::Stale { .. }), "{e}");
    let e = app.add_calendar_preset(&boss, cal.id, cal.version, "atlantis").await.unwrap_err();
    assert!(matches!(e, AppError::Invalid(ref f) if f[0].field == "preset"), "{e}");
    let ical = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261231\r\nSUMMARY:Stocktaking\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = app.import_calendar_ical(&boss, cal.id, cal.version, ical).await.unwrap();
    assert_eq!(cal.spec.holidays.len(), n + 1);
    let e = app.import_calendar_ical(&boss, cal.id, cal.version, "not a calendar").await.unwrap_err();
    assert!(matches!(e, AppError::Invalid(ref f) if f[0].field.starts_with("ical")), "{e}");
});

fn rule(v: serde_json::Value) -> steward_domain::sla::escalation::EscalationRule {
    serde_json::from_value(v).unwrap()
}

both!(an_unassigned_p1_escalates_once_after_fifteen_minutes, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    app.add_group(None, "Second line", "").await.unwrap();
    app.set_group_manager(&boss, "Desk", Some("boss")).await.unwrap();
    let r = rule(json!({
        "name": "P1 left alone", "trigger": {"kind": "elapsed", "after": "15m", "unassigned": true},
        "conditions": {"priorities": [1]},
        "actions": [{"do": "notify", "to": ["group", "group_manager"]}, {"do": "reassign", "group": "Second line"}]
    }));
    app.create_escalation_rule(&boss, r, true).await.unwrap();
    let n = NewIncident {
        title: "Payments down".into(),
        impact: Some(1),
        urgency: Some(1),
        assignment_group: Some("Desk".into()),
        ..Default::default()
    };
    let inc = app.create_incident(&agent, n).await.unwrap();
    let quiet = NewIncident { title: "Mouse".into(), assignment_group: Some("Desk".into()), ..Default::default() };
    app.create_incident(&agent, quiet).await.unwrap();
    assert!(app.run_escalations_at(inc.opened_at + 10 * 60_000_000).await.unwrap().is_empty());
    let fired = app.run_escalations_at(inc.opened_at + 16 * 60_000_000).await.unwrap();
    assert_eq!(fired.len(), 1, "only the P1: {fired:?}");
    assert_eq!(fired[0].notify.len(), 2, "the group's member and its manager");
    assert!(app.run_escalations_at(inc.opened_at + 30 * 60_000_000).await.unwrap().is_empty(), "once");
    let now = app.get_incident(&agent, &number(inc.number)).await.unwrap();
    assert_eq!(now.group_name.as_deref(), Some("Second line"));
    let journal = app.incident_journal(&agent, &number(inc.number)).await.unwrap();
    let e = journal.iter().find(|e| e.action == "escalated").unwrap();
    assert!(e.changes.contains("P1 left alone") && e.changes.contains("boss"), "{}", e.changes);
    assert_eq!(e.actor_id, None, "the system escalates");

    let e = app.set_group_manager(&boss, "Desk", Some("nobody")).await.unwrap_err();
    assert!(matches!(e, AppError::Invalid(ref f) if f[0].field == "manager"), "{e}");
    let bad = rule(json!({"name": "", "trigger": {"kind": "elapsed"}, "actions": []}));
    let e = app.create_escalation_rule(&boss, bad, true).await.unwrap_err();
    assert!(matches!(e, AppError::Invalid(ref f) if f.len() == 3), "{e}");
    let ok =
        rule(json!({"name": "x", "trigger": {"kind": "elapsed", "after": "1h"}, "actions": [{"do": "raise_urgency"}]}));
    assert!(matches!(app.create_escalation_rule(&agent, ok, true).await, Err(AppError::Forbidden(_))));
});

both!(a_clock_threshold_raises_urgency_once, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    app.create_sla(&boss, standard(), true).await.unwrap();
    let r =
        rule(json!({"name": "Resolution at risk", "trigger": {"kind": "clock", "clock": "resolution", "percent": 75},
        "actions": [{"do": "raise_urgency"}]}));
    app.create_escalation_rule(&boss, r, true).await.unwrap();
    let inc =
        app.create_incident(&agent, NewIncident { title: "Slow wiki".into(), ..Default::default() }).await.unwrap();
    assert_eq!((inc.urgency, inc.priority), (3, 5));
    app.run_sla_timers_at(inc.opened_at + 3 * HOUR + 60_000_000).await.unwrap();
    let now = app.get_incident(&agent, &number(inc.number)).await.unwrap();
    assert_eq!(now.urgency, 2, "one step more urgent");
    assert!(now.priority < 5, "a higher priority from the matrix: P{}", now.priority);
    app.run_sla_timers_at(inc.opened_at + 5 * HOUR).await.unwrap();
    let journal = app.incident_journal(&agent, &number(inc.number)).await.unwrap();
    assert_eq!(journal.iter().filter(|e| e.action == "escalated").count(), 1, "never repeated for a threshold");
    assert_eq!(app.get_incident(&agent, &number(inc.number)).await.unwrap().urgency, 2);
});

both!(a_switched_off_rule_never_fires_and_rules_change_under_their_version, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    app.create_sla(&boss, standard(), true).await.unwrap();
    let clock =
        rule(json!({"name": "Resolution at risk", "trigger": {"kind": "clock", "clock": "resolution", "percent": 75},
        "actions": [{"do": "raise_urgency"}]}));
    let waited = rule(json!({"name": "Waited", "trigger": {"kind": "elapsed", "after": "15m"},
        "conditions": {"no_assignee": true}, "actions": [{"do": "notify", "to": ["group"]}]}));
    let c = app.create_escalation_rule(&boss, clock, true).await.unwrap();
    let w = app.create_escalation_rule(&boss, waited, true).await.unwrap();
    let c = app.set_escalation_rule_active(&boss, c.rule.id, c.version, false).await.unwrap();
    assert!(!c.active && c.version == 2);
    app.set_escalation_rule_active(&boss, w.rule.id, w.version, false).await.unwrap();
    let n = NewIncident { title: "Slow wiki".into(), assignment_group: Some("Desk".into()), ..Default::default() };
    let inc = app.create_incident(&agent, n).await.unwrap();
    app.run_sla_timers_at(inc.opened_at + 3 * HOUR + 60_000_000).await.unwrap();
    assert!(app.run_escalations_at(inc.opened_at + HOUR).await.unwrap().is_empty(), "switched off: not fired");
    let now = app.get_incident(&agent, &number(inc.number)).await.unwrap();
    assert_eq!(now.urgency, 3, "the clock rule stayed quiet");
    let journal = app.incident_journal(&agent, &number(inc.number)).await.unwrap();
    assert!(!journal.iter().any(|e| e.action == "escalated"));

    // A stale version changes nothing; the current one switches it back on.
    let e = app.set_escalation_rule_active(&boss, c.rule.id, 1, true).await.unwrap_err();
    assert!(matches!(e, AppError::Stale { sent: 1, current: 2 }), "{e}");
    let e = app.set_escalation_rule_active(&agent, c.rule.id, 2, true).await.unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)), "{e}");
    app.set_escalation_rule_active(&boss, c.rule.id, 2, true).await.unwrap();
    let next =
        app.create_incident(&agent, NewIncident { title: "Slow mail".into(), ..Default::default() }).await.unwrap();
    app.run_sla_timers_at(next.opened_at + 3 * HOUR + 60_000_000).await.unwrap();
    assert_eq!(app.get_incident(&agent, &number(next.number)).await.unwrap().urgency, 2, "on again: it fires");

    // Replacing names its bad fields, the groups and users included.
    let bad = rule(json!({"name": "Waited", "trigger": {"kind": "elapsed", "after": "15m"},
        "conditions": {"groups": ["Nowhere"]},
        "actions": [{"do": "reassign", "group": "Atlantis"}, {"do": "notify", "to": [{"users": ["ghost"]}]}]}));
    let e = app.update_escalation_rule(&boss, w.rule.id, 2, bad, true).await.unwrap_err();
    let AppError::Invalid(f) = e else { panic!("{e}") };
    let fields: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["conditions.groups", "actions[0].group", "actions[1].to"]);
    let e = app.delete_escalation_rule(&boss, w.rule.id, 1).await.unwrap_err();
    assert!(matches!(e, AppError::Stale { .. }), "{e}");
    app.delete_escalation_rule(&boss, w.rule.id, 2).await.unwrap();
    let e = app.get_escalation_rule(&boss, w.rule.id).await.unwrap_err();
    assert!(matches!(e, AppError::NotFound(_)), "{e}");
    let e = app.delete_escalation_rule(&boss, w.rule.id, 2).await.unwrap_err();
    assert!(matches!(e, AppError::NotFound(_)), "{e}");
    // Every change is in the audit log.
    let admin = login(&app, "root", "admin").await;
    let f = steward_store::audit::AuditFilter {
        kind: Some("escalation_rule_changed".into()),
        actor: None,
        before: None,
        limit: 50,
    };
    let log = app.audit_events(&admin, f).await.unwrap().items;
    let details: Vec<&str> = log.iter().rev().map(|e| e.detail.as_str()).collect();
    assert_eq!(
        details,
        ["created", "created", "changed, switched off", "changed, switched off", "changed, switched on", "deleted"]
    );
    assert!(log.iter().all(|e| e.actor_name == "boss"));
});

both!(a_rule_that_reassigns_tells_the_new_group_and_the_webhooks, |pg| async move {
    let mut config = AppConfig::default();
    config.notify.webhook_allow = steward_domain::net::Networks::parse(&["127.0.0.0/8"]).unwrap();
    config.notify.worker = false;
    let (app, _d) = app(pg, config).await;
    let boss = login(&app, "boss", "manager").await;
    let root = login(&app, "root", "admin").await;
    let agent = login(&app, "agent", "agent").await;
    app.add_group(None, "Second line", "").await.unwrap();
    for name in ["sam", "sue"] {
        let u = NewUser {
            username: name.into(),
            role: "agent".into(),
            email: Some(format!("{name}@example.org")),
            groups: vec!["Second line".into()],
            ..Default::default()
        };
        app.add_user(None, u).await.unwrap();
    }
    let hook = steward_app::notify::WebhookInput {
        name: "chat".into(),
        url: "http://127.0.0.1:9/hook".into(),
        events: vec!["incident.assigned".into()],
        ..Default::default()
    };
    let hook = app.create_webhook(&root, hook).await.unwrap();
    let r = rule(json!({"name": "Nobody took it", "trigger": {"kind": "elapsed", "after": "30m"},
        "conditions": {"no_assignee": true}, "actions": [{"do": "reassign", "group": "Second line"}]}));
    app.create_escalation_rule(&boss, r, true).await.unwrap();
    let n = NewIncident { title: "VPN drops".into(), assignment_group: Some("Desk".into()), ..Default::default() };
    let inc = app.create_incident(&agent, n).await.unwrap();
    let fired = app.run_escalations_at(inc.opened_at + 31 * 60_000_000).await.unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(app.get_incident(&agent, &number(inc.number)).await.unwrap().group_name.as_deref(), Some("Second line"));
    let mut c = app.store.pool().acquire().await.unwrap();
    let msgs = steward_store::outbox::for_record(&mut c, "incident", inc.id).await.unwrap();
    let mut mails: Vec<&str> = msgs
        .iter()
        .filter(|m| m.event == "incident.assigned" && m.channel == "email")
        .map(|m| m.target.as_str())
        .collect();
    mails.sort();
    assert_eq!(mails, ["sam@example.org", "sue@example.org"], "the new group's members, as after any assignment");
    let calls: Vec<&steward_store::outbox::Message> = msgs
        .iter()
        .filter(|m| m.event == "incident.assigned" && m.channel == "webhook" && m.payload.contains("\"actor\":null"))
        .collect();
    assert_eq!(calls.len(), 1, "one call for the escalation's assignment (besides the creation's)");
    assert_eq!(calls[0].target, hook.id.to_string());
    assert!(calls[0].payload.contains("Second line"), "{}", calls[0].payload);
});

both!(a_no_group_rule_picks_up_what_no_group_holds, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    let r = rule(json!({"name": "Homeless", "trigger": {"kind": "elapsed", "after": "10m"},
        "conditions": {"no_group": true}, "actions": [{"do": "reassign", "group": "Desk"}]}));
    app.create_escalation_rule(&boss, r, true).await.unwrap();
    let loose =
        app.create_incident(&agent, NewIncident { title: "Printer".into(), ..Default::default() }).await.unwrap();
    let held = NewIncident { title: "Mouse".into(), assignment_group: Some("Desk".into()), ..Default::default() };
    app.create_incident(&agent, held).await.unwrap();
    let fired = app.run_escalations_at(loose.opened_at + 11 * 60_000_000).await.unwrap();
    assert_eq!(fired.iter().map(|f| f.record_id).collect::<Vec<_>>(), [loose.id], "only the one no group held");
});
