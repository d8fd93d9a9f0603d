//! The measures (issue 14) on a hand-built data set with known answers:
//! four incidents made through the app, their moments then set by hand,
//! counted by a rebuild; then a change counted by the worker's pass, which
//! must leave the same totals as a rebuild. Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};
use steward_app::accounts::NewUser;
use steward_app::incidents::{IncidentPatch, NewIncident, Patch, TransitionInput};
use steward_app::reports::Filter;
use steward_app::{Actor, App, AppConfig, AppError};
use steward_domain::RecordNumber;
use steward_domain::report::{Measures, Period};
use steward_domain::sla::SlaDefinition;

const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const MIN: i64 = 60_000_000;
const HOUR: i64 = 60 * MIN;
/// 2026-03-02 09:00 UTC.
const T0: i64 = 1_772_409_600_000_000 + 9 * HOUR;
const DAY: i64 = 24 * HOUR;

async fn login(app: &App, name: &str, role: &str) -> Actor {
    if role != "agent" {
        let u = NewUser {
            username: name.into(),
            role: role.into(),
            password: Some("a long password".into()),
            ..Default::default()
        };
        app.add_user(None, u).await.unwrap();
    }
    app.login(name, "a long password", IP).await.unwrap().0
}

/// Round the clock: every priority answers in 1 hour and resolves in 4.
fn standard() -> SlaDefinition {
    let targets: Vec<_> = (1..=5).map(|p| json!({"priority": p, "response": "1h", "resolution": "4h"})).collect();
    serde_json::from_value(json!({
        "id": 0, "name": "Standard", "position": 10, "calendar_id": 1,
        "targets": targets, "thresholds": []
    }))
    .unwrap()
}

fn number(id: i64) -> String {
    RecordNumber::incident(id).to_string()
}

fn resolve() -> TransitionInput {
    TransitionInput {
        state: "resolved".into(),
        resolution_code: Some("solved".into()),
        resolution_notes: Some("Fixed".into()),
        ..Default::default()
    }
}

/// Sets a record's moments and its clocks' by hand.
async fn set_times(app: &App, id: i64, opened: i64, response: Option<i64>, resolved: Option<i64>, clocks: &[Clock]) {
    let mut c = app.store.pool().acquire().await.unwrap();
    sqlx::query("UPDATE records SET opened_at = $1, first_response_at = $2, resolved_at = $3 WHERE id = $4")
        .bind(opened)
        .bind(response)
        .bind(resolved)
        .bind(id)
        .execute(&mut *c)
        .await
        .unwrap();
    for k in clocks {
        sqlx::query(
            "UPDATE sla_clocks SET elapsed_us = $1, stopped_at = $2, breached_at = $3 \
             WHERE record_id = $4 AND kind = $5",
        )
        .bind(k.elapsed)
        .bind(k.stopped)
        .bind(k.breached)
        .bind(id)
        .bind(k.kind)
        .execute(&mut *c)
        .await
        .unwrap();
    }
}

struct Clock {
    kind: &'static str,
    elapsed: i64,
    stopped: Option<i64>,
    breached: Option<i64>,
}

fn clock(kind: &'static str, elapsed: i64, stopped: Option<i64>, breached: Option<i64>) -> Clock {
    Clock { kind, elapsed, stopped, breached }
}

async fn measures(app: &App, who: &Actor, from: &str, to: &str, f: Filter) -> Measures {
    app.measures(who, Period::parse(from, to).unwrap(), f).await.unwrap()
}

both!(each_measure_on_a_hand_built_set, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    app.create_sla(&boss, standard(), true).await.unwrap();
    app.add_group(None, "Network", "").await.unwrap();
    let desk = || NewIncident { assignment_group: Some("Desk".into()), ..Default::default() };

    // A: answered in 10 minutes, resolved in an hour, by the first group.
    let a = app.create_incident(&agent, NewIncident { title: "A".into(), ..desk() }).await.unwrap();
    let a = app.transition_incident(&agent, &number(a.number), Some(a.version), resolve()).await.unwrap();
    // B: moved to another group, then resolved after the SLA's 4 hours.
    let b = app.create_incident(&agent, NewIncident { title: "B".into(), ..desk() }).await.unwrap();
    let to_network = IncidentPatch { assignment_group: Patch::Set("Network".into()), ..Default::default() };
    let b = app.update_incident(&agent, &number(b.number), Some(b.version), to_network).await.unwrap();
    let b = app.transition_incident(&agent, &number(b.number), Some(b.version), resolve()).await.unwrap();
    // C: resolved, reopened, resolved again the next day.
    let c = app.create_incident(&agent, NewIncident { title: "C".into(), ..desk() }).await.unwrap();
    let c = app.transition_incident(&agent, &number(c.number), Some(c.version), resolve()).await.unwrap();
    let again = TransitionInput { state: "in_progress".into(), ..Default::default() };
    let c = app.transition_incident(&agent, &number(c.number), Some(c.version), again).await.unwrap();
    let c = app.transition_incident(&agent, &number(c.number), Some(c.version), resolve()).await.unwrap();
    assert_eq!(c.reopen_count, 1);
    // D: still open, escalated once.
    let d = app.create_incident(&agent, NewIncident { title: "D".into(), ..desk() }).await.unwrap();

    set_times(
        &app,
        a.id,
        T0,
        Some(T0 + 10 * MIN),
        Some(T0 + HOUR),
        &[clock("response", 10 * MIN, Some(T0 + 10 * MIN), None), clock("resolution", HOUR, None, None)],
    )
    .await;
    let b0 = T0 + HOUR;
    set_times(
        &app,
        b.id,
        b0,
        Some(b0 + 30 * MIN),
        Some(b0 + 5 * HOUR),
        &[
            clock("response", 30 * MIN, Some(b0 + 30 * MIN), None),
            clock("resolution", 5 * HOUR, None, Some(b0 + 4 * HOUR)),
        ],
    )
    .await;
    let c0 = T0 + DAY;
    set_times(
        &app,
        c.id,
        c0,
        Some(c0 + 20 * MIN),
        Some(c0 + 26 * HOUR),
        &[
            clock("response", 20 * MIN, Some(c0 + 20 * MIN), None),
            clock("resolution", 26 * HOUR, None, Some(c0 + 4 * HOUR)),
        ],
    )
    .await;
    let d0 = T0 + DAY + 3 * HOUR;
    set_times(&app, d.id, d0, None, None, &[clock("response", 0, None, None), clock("resolution", 0, None, None)])
        .await;
    {
        let mut conn = app.store.pool().acquire().await.unwrap();
        // C's reopen happened on its first day.
        sqlx::query("UPDATE journal SET at = $1 WHERE record_id = $2")
            .bind(c0 + 6 * HOUR)
            .bind(c.id)
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO escalation_rules (id, name, position, active, rule, created_at, updated_at) \
             VALUES (90, 'Nudge', 1, 0, '{}', 0, 0)",
        )
        .execute(&mut *conn)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO escalation_firings (rule_id, record_kind, record_id, threshold, at) \
             VALUES (90, 'incident', $1, 'breach', $2)",
        )
        .bind(d.id)
        .bind(d0 + 4 * HOUR)
        .execute(&mut *conn)
        .await
        .unwrap();
    }

    // The first pass builds the totals from every record.
    let first = app.count_reports().await.unwrap();
    assert!(first.rebuilt && first.records >= 4, "{first:?}");
    let m = measures(&app, &boss, "2026-03-02", "2026-03-04", Filter::default()).await;
    assert_eq!((m.arrivals, m.resolved), (4, 3));
    assert_eq!((m.mtta.count, m.mtta.mean_seconds), (3, Some(1_200.0)));
    // 1 h, 5 h and 26 h.
    assert_eq!((m.mttr.count, m.mttr.mean_seconds), (3, Some(38_400.0)));
    assert_eq!((m.mttr_business.count, m.mttr_business.mean_seconds), (3, Some(38_400.0)));
    // The median is in the 4–8 hour bucket; nine in ten resolve within 26 h.
    let p50 = m.mttr.p50_seconds.unwrap();
    assert!((14_400.0..=28_800.0).contains(&p50), "{p50}");
    // Only A was resolved at first contact: B changed group, C was reopened.
    assert_eq!((m.first_contact_resolved, m.first_contact_rate), (1, Some(0.3333)));
    assert_eq!((m.reopened, m.reopen_rate), (1, Some(0.3333)));
    assert_eq!(m.escalations, 1);
    let sla: Vec<(&str, i64, i64, Option<f64>)> =
        m.sla.iter().map(|s| (s.target.as_str(), s.met, s.breached, s.compliance)).collect();
    assert_eq!(sla, vec![("resolution", 1, 2, Some(0.3333)), ("response", 3, 0, Some(1.0))]);
    let daily: Vec<(&str, i64, i64)> = m.daily.iter().map(|d| (d.day.as_str(), d.arrivals, d.resolved)).collect();
    assert_eq!(daily, vec![("2026-03-02", 2, 2), ("2026-03-03", 2, 0), ("2026-03-04", 0, 1)]);

    // Narrowed: the group now holding B, one day, one priority.
    let network = app.list_groups().await.unwrap().into_iter().find(|g| g.name == "Network").unwrap().id;
    let m =
        measures(&app, &boss, "2026-03-02", "2026-03-04", Filter { group: Some(network), ..Default::default() }).await;
    assert_eq!((m.arrivals, m.resolved, m.first_contact_resolved), (1, 1, 0));
    let m = measures(&app, &boss, "2026-03-03", "2026-03-03", Filter::default()).await;
    assert_eq!((m.arrivals, m.resolved, m.reopened, m.escalations), (2, 0, 1, 1));
    let p = Filter { priority: Some(a.priority), kind: Some("incident".into()), ..Default::default() };
    assert_eq!(measures(&app, &boss, "2026-03-02", "2026-03-04", p).await.arrivals, 4);
    let problems = Filter { kind: Some("problem".into()), ..Default::default() };
    assert_eq!(measures(&app, &boss, "2026-03-02", "2026-03-04", problems).await.arrivals, 0);

    // A reopened now: the worker's pass moves what it gave, and the totals
    // are those a rebuild makes.
    let again = TransitionInput { state: "in_progress".into(), ..Default::default() };
    app.transition_incident(&agent, &number(a.number), Some(a.version), again).await.unwrap();
    let pass = app.count_reports().await.unwrap();
    assert!(!pass.rebuilt && pass.records >= 1, "{pass:?}");
    let wide = || async {
        let today = jiff::Zoned::now().date().tomorrow().unwrap().to_string();
        let all = measures(&app, &boss, "2026-01-01", &today, Filter::default()).await;
        let desk = measures(
            &app,
            &boss,
            "2026-01-01",
            &today,
            Filter { group: Some(agent.group_ids[0]), ..Default::default() },
        )
        .await;
        (all, desk)
    };
    let counted = wide().await;
    assert_eq!((counted.0.resolved, counted.0.first_contact_resolved, counted.0.reopened), (2, 0, 2));
    // The standing totals /metrics reads: records by state, clock outcomes.
    let totals = app.metrics().await.unwrap().gauges.totals;
    let sum = |name: &str, label: &str| -> i64 {
        totals.iter().filter(|t| t.0 == "incident" && t.1 == name && t.2 == label).map(|t| t.4).sum()
    };
    assert_eq!((sum("records", "in_progress"), sum("records", "resolved"), sum("records", "new")), (1, 2, 1));
    assert_eq!((sum("sla_breached", "resolution"), sum("sla_met", "response")), (2, 3));
    assert_eq!(app.rebuild_reports().await.unwrap(), 4);
    assert_eq!(wide().await, counted);
    assert_eq!(app.metrics().await.unwrap().gauges.totals, totals, "a rebuild counts the same");
    // Totals counted from facts of an older shape are counted afresh.
    sqlx::query("UPDATE report_state SET facts_version = 0").execute(app.store.pool()).await.unwrap();
    assert!(app.count_reports().await.unwrap().rebuilt);
    assert_eq!(app.metrics().await.unwrap().gauges.totals, totals);
    // Nothing new: a pass counts nothing and changes nothing.
    app.count_reports().await.unwrap();
    assert_eq!(wide().await, counted);

    // The backlog: A (reopened) and D are open, both opened in March.
    app.snapshot_backlog(true).await.unwrap();
    let (all, _) = wide().await;
    let today = jiff::Zoned::now().date().to_string();
    let last = all.backlog.last().expect("today's count");
    assert_eq!((last.day.as_str(), last.open, last.by_age), (today.as_str(), 2, [0, 0, 0, 0, 2]));
    let network = measures(&app, &boss, "2026-01-01", &today, Filter { group: Some(network), ..Default::default() });
    assert!(network.await.backlog.iter().all(|b| b.open == 0), "B is resolved");
    // Counted again the same day: that day's figure is the last count.
    app.snapshot_backlog(true).await.unwrap();
    assert_eq!(wide().await.0.backlog.len(), 1);
});

both!(requesters_see_no_measures, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let req = app.login("req", "a long password", IP).await.unwrap().0;
    let p = Period::parse("2026-03-01", "2026-03-31").unwrap();
    assert!(matches!(app.measures(&req, p, Filter::default()).await, Err(AppError::Forbidden(_))));
});

/// Runs `sql` with `binds` (all integers).
async fn exec(app: &App, sql: &str, binds: &[i64]) {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(app.store.pool()).await.unwrap();
}

both!(each_kinds_own_measures_on_a_hand_built_set, |pg| async move {
    use steward_app::changes::NewChange;
    use steward_app::links::LinkRequest;
    use steward_app::problems::NewProblem;
    use steward_domain::number::RecordKind;

    let (app, _d) = app(pg, AppConfig::default()).await;
    let boss = login(&app, "boss", "manager").await;
    let agent = login(&app, "agent", "agent").await;
    let mut incidents = Vec::new();
    for t in ["I1", "I2", "I3", "I4", "I5"] {
        incidents
            .push(app.create_incident(&agent, NewIncident { title: t.into(), ..Default::default() }).await.unwrap());
    }
    let inc = |i: usize| number(incidents[i].number);
    let problem = |t: &str| NewProblem { title: t.into(), ..Default::default() };
    let p1 = app.create_problem(&boss, problem("P1")).await.unwrap().record;
    let p2 = app.create_problem(&boss, problem("P2")).await.unwrap().record;
    let prb = |r: &steward_store::records::Record| RecordNumber::problem(r.number).to_string();
    app.link_incidents(&boss, &prb(&p1), None, &[inc(0), inc(1), inc(2)]).await.unwrap();
    let change = |t: &str| NewChange { title: t.into(), ..Default::default() };
    let mut changes = Vec::new();
    for t in ["C1", "C2", "C3"] {
        changes.push(app.create_change(&boss, change(t)).await.unwrap().record);
    }
    let chg = |i: usize| RecordNumber::change(changes[i].number).to_string();
    let caused = LinkRequest { link: "caused_by_change".into(), record: chg(1), version: None };
    app.link_record(&agent, RecordKind::Incident, &inc(3), &caused).await.unwrap();

    // By hand: every record raised on Monday 2 March; P1 a known error on
    // Tuesday, P2 solved on Wednesday; C1 closed successful and C2 failed
    // (it caused I4) on Monday, C3 in review (no outcome yet).
    exec(&app, "UPDATE records SET opened_at = $1", &[T0]).await;
    exec(
        &app,
        "UPDATE problem_details SET known_error = 1, known_error_at = $1 WHERE record_id = $2",
        &[T0 + DAY, p1.id],
    )
    .await;
    exec(&app, "UPDATE records SET state = 'resolved', resolved_at = $1 WHERE id = $2", &[T0 + 2 * DAY, p2.id]).await;
    for (c, state, code) in [(0, "closed", "successful"), (1, "closed", "failed"), (2, "review", "successful")] {
        let sql =
            format!("UPDATE records SET state = '{state}', resolution_code = '{code}', resolved_at = $1 WHERE id = $2");
        exec(&app, &sql, &[T0 + HOUR, changes[c].id]).await;
    }
    // Alerts: five episodes fired on Monday and Tuesday (one resolved, not
    // counted), one in April; one group of them opened I1.
    exec(
        &app,
        "INSERT INTO alerts (id, fingerprint, labels, starts_at, ends_at, updated_at, received_at) \
         VALUES (1, 7, '{}', $1, $1, $1, $1)",
        &[T0],
    )
    .await;
    for at in [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + DAY, T0 + DAY + HOUR, T0 + 40 * DAY] {
        exec(&app, "INSERT INTO alert_events (alert_id, at, kind) VALUES (1, $1, 'fired')", &[at]).await;
    }
    exec(&app, "INSERT INTO alert_events (alert_id, at, kind) VALUES (1, $1, 'resolved')", &[T0 + 3 * HOUR]).await;
    exec(
        &app,
        "INSERT INTO alert_groups (group_key, cause_ci, incident_id, opened_at, updated_at) VALUES ('g', 0, $1, $2, $2)",
        &[incidents[0].id, T0],
    )
    .await;
    // A service watched by a check: 95 results up, 4 warnings, 1 down and
    // 3 unknown in the period's hours; a day before it, 10 down.
    let batch = serde_json::from_value(json!({"items": [{"class": "business_service", "name": "Mail"}]})).unwrap();
    let mail = app.upsert_cis(&boss, batch).await.unwrap().items[0].id;
    exec(
        &app,
        "INSERT INTO checks (id, name, kind, settings, interval_secs, timeout_ms, service_id, created_at, updated_at) \
         VALUES (1, 'mail', 'tcp', '{}', 60, 1000, $1, 0, 0)",
        &[mail],
    )
    .await;
    for (bucket, ok, warning, critical, unknown) in
        [(T0 - 10 * HOUR, 0, 0, 10, 0), (T0, 50, 4, 1, 3), (T0 + DAY, 45, 0, 0, 0)]
    {
        exec(
            &app,
            "INSERT INTO check_rollups (check_id, span, bucket, ok, warning, critical, unknown) \
             VALUES (1, 'hour', $1, $2, $3, $4, $5)",
            &[bucket - bucket % HOUR, ok, warning, critical, unknown],
        )
        .await;
    }

    assert!(app.count_reports().await.unwrap().rebuilt);
    let period = || measures(&app, &boss, "2026-03-02", "2026-03-04", Filter::default());
    let m = period().await;
    let p = &m.kinds.problems;
    assert_eq!((p.opened, p.solved, p.known_errors, p.linked_incidents), (2, 1, 1, 3));
    assert_eq!(p.incidents_per_problem, Some(1.5));
    let c = &m.kinds.changes;
    assert_eq!((c.closed, c.successful, c.failed, c.caused_incidents), (2, 1, 1, 1));
    assert_eq!((c.success_rate, c.caused_incident_rate), (Some(0.5), Some(0.5)));
    let a = &m.kinds.alerts;
    assert_eq!((a.fired, a.incidents_from_alerts, a.alerts_per_incident), (5, 1, Some(5.0)));
    let up: Vec<_> =
        m.availability.iter().map(|s| (s.service_id, s.checks, s.ok, s.critical, s.availability)).collect();
    assert_eq!(up, vec![(mail, 1, 95, 1, Some(0.99))]);
    // Narrowed to another service: no availability, no problem of it.
    let other =
        measures(&app, &boss, "2026-03-02", "2026-03-04", Filter { service: Some(mail + 1), ..Default::default() });
    let other = other.await;
    assert!(other.availability.is_empty());
    assert_eq!((other.kinds.problems.opened, other.kinds.alerts.fired), (0, 0));
    // Each kind's own figures whatever kind is asked.
    let incidents_only = Filter { kind: Some("incident".into()), ..Default::default() };
    let only = measures(&app, &boss, "2026-03-02", "2026-03-04", incidents_only).await;
    assert_eq!((only.arrivals, only.kinds.clone()), (5, m.kinds.clone()));
    // One day: Tuesday has the known error and two firings, nothing else.
    let tue = measures(&app, &boss, "2026-03-03", "2026-03-03", Filter::default()).await;
    assert_eq!((tue.kinds.problems.known_errors, tue.kinds.problems.opened, tue.kinds.alerts.fired), (1, 0, 2));

    // Through the worker's pass: I5 linked to P2, C3 closed, another alert
    // fired on Monday. The totals then are those a rebuild makes.
    app.link_incidents(&boss, &prb(&p2), None, &[inc(4)]).await.unwrap();
    exec(&app, "UPDATE records SET state = 'closed' WHERE id = $1", &[changes[2].id]).await;
    exec(&app, "INSERT INTO alert_events (alert_id, at, kind) VALUES (1, $1, 'fired')", &[T0 + 5 * HOUR]).await;
    let pass = app.count_reports().await.unwrap();
    assert!(!pass.rebuilt, "{pass:?}");
    let m = period().await;
    assert_eq!((m.kinds.problems.linked_incidents, m.kinds.problems.incidents_per_problem), (4, Some(2.0)));
    assert_eq!(m.kinds.alerts.fired, 6);
    // C3's state changed without a journal entry: the pass did not see it,
    // a rebuild does.
    assert_eq!(m.kinds.changes.closed, 2);
    app.rebuild_reports().await.unwrap();
    app.count_reports().await.unwrap();
    let rebuilt = period().await;
    assert_eq!(rebuilt.kinds.changes.closed, 3);
    assert_eq!((rebuilt.kinds.problems, rebuilt.kinds.alerts), (m.kinds.problems, m.kinds.alerts));
});
