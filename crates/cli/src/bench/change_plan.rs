//! The change calendar `steward bench changes` measures: change teams,
//! scheduled changes over the estate (written in bulk through the store:
//! records, details, CIs and a journal entry each), freezes and services'
//! maintenance windows.

use super::change_estate::{APP, DB, Estate, HOST, NET, SAN, SVC, TSVC, VM, weighted};
use super::cmdb::Rnd;
use anyhow::Result;
use std::sync::Arc;
use steward_app::{App, accounts::NewUser};
use steward_domain::{Impact, Urgency};
use steward_store::{
    Conn, Dialect,
    change_calendar::{self as calendar, Freeze, MaintenanceWindow},
    changes::{Details, insert_details_many},
    cmdb::insert_record_cis_many,
    now_micros,
    records::{self, JournalRow, Record, SlaSummary},
};

pub const MINUTE: i64 = 60_000_000;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
/// Changes per transaction.
const BATCH: usize = 5_000;

/// What the calendar holds for the measurements.
pub struct Plan {
    /// The numbers of the changes touching many CIs, whose conflicts are timed.
    pub probes: Vec<String>,
    /// Midnight (UTC) of the first planned day.
    pub first_day: i64,
}

/// How many changes, over how many days, and how many of them touch
/// `touched` CIs each.
pub struct Sizes {
    pub changes: usize,
    pub days: usize,
    pub probes: usize,
    pub touched: usize,
    pub freezes: usize,
    pub windows: usize,
}

/// Change teams: 8 groups of 5 agents; (group id, member ids).
async fn teams(app: &App) -> Result<Vec<(i64, Vec<i64>)>> {
    let mut out = Vec::new();
    for g in 0..8 {
        let name = format!("Change Team {}", g + 1);
        let group =
            app.add_group(None, &name, "Plans and carries out changes").await.map_err(crate::commands::app_error)?;
        let mut members = Vec::new();
        for m in 0..5 {
            let u = NewUser {
                username: format!("change-agent-{g}{m}"),
                role: "agent".into(),
                groups: vec![name.clone()],
                ..Default::default()
            };
            members.push(app.add_user(None, u).await.map_err(crate::commands::app_error)?);
        }
        out.push((group, members));
    }
    Ok(out)
}

/// One change as generated: its record, details and CIs (ids and numbers
/// are drawn when it is written).
#[derive(Clone)]
struct Planned {
    record: Record,
    details: Details,
    cis: Vec<i64>,
}

pub async fn load(app: &App, estate: &Estate, s: &Sizes, requester: i64, rnd: &mut Rnd) -> Result<Plan> {
    let teams = teams(app).await?;
    let now = now_micros();
    let first_day = now.div_euclid(DAY) * DAY + DAY;
    let mut planned = Vec::with_capacity(s.changes);
    for i in 0..s.changes {
        planned.push(change(app, estate, s, &teams, (i, first_day, now, requester), rnd));
    }
    let d = app.store.dialect();
    let mut probes = Vec::new();
    for batch in planned.chunks(BATCH) {
        let batch = Arc::new(batch.to_vec());
        let numbers = app.store.write(move |c| Box::pin(write_batch(c, d, batch.clone()))).await?;
        probes.extend(numbers.into_iter().take(s.probes.saturating_sub(probes.len())));
    }
    let services = &estate.layers[SVC];
    app.store
        .write({
            let (services, freezes, windows) = (services.clone(), s.freezes, s.windows);
            let picks: Vec<usize> = (0..freezes * 20).map(|_| rnd.below(services.len())).collect();
            let days: Vec<i64> = (0..freezes).map(|_| rnd.below(s.days) as i64).collect();
            move |c| {
                let (services, picks, days) = (services.clone(), picks.clone(), days.clone());
                Box::pin(
                    async move { calendar_entries(c, &services, &picks, &days, first_day, (freezes, windows)).await },
                )
            }
        })
        .await?;
    Ok(Plan { probes: probes.into_iter().map(steward_app::changes::number).collect(), first_day })
}

/// The `i`th change: most touch one to five CIs, a few up to twenty, the
/// probes `touched`; windows spread over the days, mostly at night, from
/// half an hour to three days long.
fn change(
    app: &App,
    estate: &Estate,
    s: &Sizes,
    teams: &[(i64, Vec<i64>)],
    (i, first_day, now, requester): (usize, i64, i64, i64),
    rnd: &mut Rnd,
) -> Planned {
    let probe = i < s.probes;
    let day = rnd.below(s.days) as i64;
    let hour = if rnd.below(10) < 6 { [20, 21, 22, 23, 0, 1, 2, 3, 4, 5][rnd.below(10)] } else { 6 + rnd.below(14) };
    let start = first_day + day * DAY + hour as i64 * HOUR + rnd.below(4) as i64 * 15 * MINUTE;
    let minutes = match rnd.below(100) {
        0..30 => 30,
        30..70 => 60 * (1 + rnd.below(2) as i64),
        70..90 => 240,
        90..97 => 480,
        _ => 1440 * (1 + rnd.below(3) as i64),
    };
    let count = if probe {
        s.touched
    } else {
        match rnd.below(100) {
            0..40 => 1,
            40..85 => 2 + rnd.below(4),
            _ => 6 + rnd.below(15),
        }
    };
    // Layers weighted by how often changes touch them.
    let weights: &[(usize, usize)] = if probe {
        &[(VM, 60), (HOST, 20), (APP, 15), (DB, 5)]
    } else {
        &[(SVC, 2), (TSVC, 1), (APP, 25), (DB, 10), (VM, 35), (HOST, 15), (SAN, 5), (NET, 7)]
    };
    let mut cis = Vec::with_capacity(count);
    let mut first = String::new();
    let mut tries = 0;
    while cis.len() < count && tries < count * 10 {
        tries += 1;
        let layer = weighted(rnd, weights);
        let (id, name) = estate.pick(rnd, layer);
        if !cis.contains(&id) {
            if cis.is_empty() {
                first = name.to_owned();
            }
            cis.push(id);
        }
    }
    let verb = ["Patch", "Upgrade", "Reboot", "Migrate", "Resize", "Rotate certificates on", "Reconfigure"];
    let title = match cis.len() {
        1 => format!("{} {first}", verb[rnd.below(verb.len())]),
        n => format!("{} {first} and {} more", verb[rnd.below(verb.len())], n - 1),
    };
    let (group, members) = &teams[rnd.below(teams.len())];
    let state = match (probe, rnd.below(100)) {
        (true, _) | (_, 0..80) => "scheduled",
        (_, 80..90) => "authorization",
        _ => "assessment",
    };
    let (change_type, level, score) = match rnd.below(100) {
        0..40 => ("standard", "low", 1),
        40..80 => ("normal", "moderate", 5),
        80..95 => ("normal", "high", 9),
        _ => ("emergency", "high", 10),
    };
    let (impact, urgency) = (1 + rnd.below(3) as i64, 1 + rnd.below(3) as i64);
    let priority = match (Impact::new(impact), Urgency::new(urgency)) {
        (Ok(im), Ok(ur)) => app.config.priority_matrix.priority(im, ur).into(),
        _ => 5,
    };
    let opened_at = now - rnd.below(14 * 24) as i64 * HOUR;
    let services = &estate.layers[SVC];
    let service_id = (probe || rnd.below(10) < 7).then(|| services[rnd.below(services.len())]);
    let record = Record {
        id: 0,
        kind: "change".into(),
        number: 0,
        title,
        description: "Planned by steward bench changes.".into(),
        state: state.into(),
        hold_reason: None,
        impact,
        urgency,
        priority,
        requester_id: requester,
        organisation_id: None,
        category: Some(["infrastructure", "software", "network"][rnd.below(3)].into()),
        service_id,
        assignment_group_id: Some(*group),
        assignee_id: (rnd.below(10) < 9).then(|| members[rnd.below(members.len())]),
        major: 0,
        parent_id: None,
        resolution_code: None,
        resolution_notes: None,
        reopen_count: 0,
        opened_at,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        updated_at: opened_at,
        created_by: requester,
        version: 1,
        requester_name: None,
        organisation_name: None,
        group_name: None,
        assignee_name: None,
        service: None,
        parent_number: None,
        sla: SlaSummary::default(),
    };
    let approved = state == "scheduled";
    let details = Details {
        record_id: 0,
        change_type: change_type.into(),
        risk_answers: "[]".into(),
        risk_score: Some(score),
        risk_level: Some(level.into()),
        risk_needs_cab: Some(i64::from(matches!(level, "high" | "very_high"))),
        planned_start: Some(start),
        planned_end: Some(start + minutes * MINUTE),
        implementation_plan: Some("Drain, apply, verify, restore traffic.".into()),
        backout_plan: Some("Restore the snapshot taken before.".into()),
        approved: i64::from(approved),
        approved_at: approved.then_some(opened_at + HOUR),
        ..Details::default()
    };
    Planned { record, details, cis }
}

/// Writes a batch of changes; their numbers, in order.
async fn write_batch(c: &mut Conn, d: Dialect, batch: Arc<Vec<Planned>>) -> steward_store::Result<Vec<i64>> {
    let keys = records::reserve(c, d, "change", batch.len() as i64).await?;
    let mut rows = Vec::with_capacity(batch.len());
    let mut details = Vec::with_capacity(batch.len());
    let mut cis = Vec::new();
    let mut journal = Vec::with_capacity(batch.len());
    for (p, key) in batch.iter().zip(&keys) {
        rows.push(Record { id: key.id, number: key.number, ..p.record.clone() });
        details.push(Details { record_id: key.id, ..p.details.clone() });
        cis.extend(p.cis.iter().map(|ci| (key.id, *ci)));
        journal.push(JournalRow {
            record_kind: "change",
            record_id: key.id,
            seq: 1,
            at: p.record.opened_at,
            actor_id: Some(p.record.created_by),
            action: "created",
            changes: "[]".into(),
            comment_id: None,
        });
    }
    records::insert_many(c, d, &rows).await?;
    insert_details_many(c, d, &details).await?;
    insert_record_cis_many(c, d, &cis).await?;
    records::insert_journal_many(c, d, &journal).await?;
    Ok(keys.iter().map(|k| k.number).collect())
}

/// A freeze over every service at the end of the fourth week, others over
/// 20 services each for 3 to 7 days; a weekly maintenance window for each
/// of the first `windows` services.
async fn calendar_entries(
    c: &mut Conn,
    services: &[i64],
    picks: &[usize],
    days: &[i64],
    first_day: i64,
    (freezes, windows): (usize, usize),
) -> steward_store::Result<()> {
    let now = now_micros();
    for f in 0..freezes {
        let (name, start, end, ids) = if f == 0 {
            ("Month-end close".to_owned(), first_day + 27 * DAY, first_day + 28 * DAY, Vec::new())
        } else {
            let ids: Vec<i64> = picks[f * 20..(f + 1) * 20].iter().map(|i| services[*i]).collect();
            let start = first_day + days[f] * DAY;
            (format!("Release freeze {f}"), start, start + (3 + days[f] % 5) * DAY, ids)
        };
        let services = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
        let row = Freeze {
            id: 0,
            name,
            starts_at: start,
            ends_at: end,
            services,
            note: None,
            created_at: now,
            created_by: None,
        };
        calendar::insert_freeze(c, &row).await?;
    }
    for (i, service) in services.iter().take(windows).enumerate() {
        let (days, start, minutes) = if i % 2 == 0 { ("sat,sun", "01:00", 240) } else { ("tue,thu", "22:00", 180) };
        let row = MaintenanceWindow {
            id: 0,
            name: format!("Weekly window {i}"),
            service_id: Some(*service),
            service: None,
            days: days.into(),
            start_time: start.into(),
            minutes,
            time_zone: "Europe/Warsaw".into(),
            created_at: now,
            created_by: None,
        };
        calendar::insert_window(c, &row).await?;
    }
    Ok(())
}
