//! Many incidents, fast, for benchmarks: generated in batches of 20,000,
//! each written in one transaction with multi-row INSERTs while the next
//! batch is being generated.

use super::catalog::{TEMPLATES, fill};
use super::people::{self, People};
use super::rng::Rng;
use super::story::{self, Ctx, DAY, HOUR, MINUTE, NEWEST, fit, response_gap, work_gap};
use crate::{App, error::AppError};
use steward_domain::journal::Action;
use steward_domain::{HoldReason, IncidentState, ResolutionCode};
use steward_store::records::{self, Incident, JournalRow};
use steward_store::{Conn, Dialect, now_micros};
use steward_store::{articles, fulltext, problems};
use tokio::task::JoinHandle;

/// Rows per transaction: large enough that commits are rare, small enough
/// to hold the writer for well under a second.
const BATCH: usize = 20_000;
const SEED: u64 = 0xB01C_5EED;

/// One transaction's worth; ids and journal record ids count from 0 until
/// the numbers are taken inside the write.
#[derive(Clone)]
struct Batch {
    rows: Vec<Incident>,
    journal: Vec<JournalRow>,
}

/// What a bulk load makes: incidents, or (for the search benchmark)
/// problems and knowledge articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Incident,
    /// Problems named after a recurring incident, the fix in the body; one
    /// in five published as a known error with the fix as its workaround.
    Problem,
    /// How-to articles with a Polish sentence: nine in ten published, three
    /// in five of those for requesters.
    Article,
}

impl Shape {
    fn kind(self) -> &'static str {
        match self {
            Shape::Problem => "problem",
            Shape::Article => "article",
            Shape::Incident => crate::incidents::KIND,
        }
    }
}

/// Polish sentences for the article stand-ins: folded words such as
/// "zolta" and "lacznosc" to search for.
const POLISH: [&str; 6] = [
    "Instrukcja: zrestartuj usługę i sprawdź połączenie sieciowe.",
    "Rozwiązanie: wyczyść pamięć podręczną przeglądarki i zaloguj się ponownie.",
    "Żółta kontrolka drukarki oznacza brak tonera w podajniku.",
    "Łączność VPN wraca po ponownym zalogowaniu do domeny.",
    "Hasło wygasło: zmień je w portalu samoobsługowym.",
    "Dysk sieciowy jest niedostępny z powodu błędu uprawnień.",
];

pub(super) async fn run(app: &App, count: usize, progress: impl Fn(usize)) -> Result<(), AppError> {
    run_shaped(app, Shape::Incident, count, progress).await
}

pub(super) async fn run_shaped(
    app: &App,
    shape: Shape,
    count: usize,
    progress: impl Fn(usize),
) -> Result<(), AppError> {
    if count == 0 {
        return Ok(());
    }
    let people = people::for_bench(app).await?;
    let services = super::cmdb::story_services(app).await?;
    let ctx = Ctx {
        services: &services,
        people: &people,
        matrix: &app.config.priority_matrix,
        now: now_micros(),
        auto_close: i64::from(app.config.auto_close_days.max(1)) * DAY,
    };
    let weights: Vec<u32> = TEMPLATES.iter().map(|t| t.weight).collect();
    let mut rng = Rng::new(SEED ^ count as u64 ^ shape as u64);
    let (mut made, mut done) = (0, 0);
    let mut pending: Option<JoinHandle<Result<usize, AppError>>> = None;
    while made < count {
        let n = BATCH.min(count - made);
        let batch = make_batch(&mut rng, &ctx, &weights, shape, made, n, count)?;
        if let Some(h) = pending.take() {
            done += joined(h).await?;
            progress(done);
        }
        let (store, d) = (app.store.clone(), app.store.dialect());
        pending =
            Some(tokio::spawn(async move { store.write(move |c| Box::pin(write_batch(c, d, shape, batch))).await }));
        made += n;
    }
    if let Some(h) = pending {
        done += joined(h).await?;
        progress(done);
    }
    Ok(())
}

async fn joined(h: JoinHandle<Result<usize, AppError>>) -> Result<usize, AppError> {
    h.await.map_err(|e| AppError::Internal(format!("bulk write task failed: {e}")))?
}

async fn write_batch(c: &mut Conn, d: Dialect, shape: Shape, mut b: Batch) -> Result<usize, AppError> {
    // Rows and entries carry their index in the batch until numbers are drawn.
    let keys = records::reserve(c, d, shape.kind(), b.rows.len() as i64).await?;
    let key = |i: i64| {
        keys.get(usize::try_from(i).unwrap_or(usize::MAX)).copied().ok_or(AppError::Internal("numbering".into()))
    };
    for r in &mut b.rows {
        (r.id, r.number) = (key(r.id)?.id, key(r.id)?.number);
    }
    for e in &mut b.journal {
        e.record_id = key(e.record_id)?.id;
    }
    records::insert_many(c, d, &b.rows).await?;
    records::insert_journal_many(c, d, &b.journal).await?;
    for (i, r) in b.rows.iter().enumerate() {
        match shape {
            Shape::Incident => {}
            Shape::Problem => {
                let details = problem_details(r, i);
                problems::insert_details(c, &details).await?;
                crate::problems::index_analysis(c, r, &details).await?;
            }
            Shape::Article => {
                let (details, version, text) = article(r, i);
                articles::save_details(c, &details).await?;
                articles::save_version(c, &version).await?;
                articles::set_texts(c, r.id, 1, &[text]).await?;
            }
        }
        if shape != Shape::Incident {
            fulltext::refresh_suggest_to(c, r.id).await?;
        }
    }
    Ok(b.rows.len())
}

/// A problem's analysis; every fifth a known error.
fn problem_details(r: &Incident, i: usize) -> problems::Details {
    let known = i.is_multiple_of(5);
    problems::Details {
        record_id: r.id,
        cause_category: Some("configuration".into()),
        root_cause: Some(r.title.clone()),
        whys: "[]".into(),
        workaround: r.resolution_notes.clone(),
        known_error: i64::from(known),
        known_error_at: known.then_some(r.updated_at),
        cancel_reason: None,
    }
}

/// An article's details, its one version and its English text.
fn article(r: &Incident, i: usize) -> (articles::Details, articles::Version, articles::Text) {
    let audience = if i % 5 < 3 { "requesters" } else { "staff" };
    let published = r.state == "published";
    let details = articles::Details {
        record_id: r.id,
        audience: audience.into(),
        published_version: published.then_some(1),
        published_at: published.then_some(r.updated_at),
        ..articles::Details::default()
    };
    let version = articles::Version {
        record_id: r.id,
        number: 1,
        state: if published { "published" } else { "draft" }.into(),
        audience: audience.into(),
        author_id: r.created_by,
        created_at: r.opened_at,
        updated_at: r.updated_at,
        published_at: published.then_some(r.updated_at),
        ..articles::Version::default()
    };
    let text = articles::Text { version: 1, lang: "en".into(), title: r.title.clone(), body: r.description.clone() };
    (details, version, text)
}

/// Incidents `start..start + n` of `total`, opened evenly over the last
/// year in number order.
fn make_batch(
    rng: &mut Rng,
    ctx: &Ctx,
    weights: &[u32],
    shape: Shape,
    start: usize,
    n: usize,
    total: usize,
) -> Result<Batch, AppError> {
    let span = 365 * DAY - NEWEST;
    let from = ctx.now - 365 * DAY;
    let step = (span / total as i64).max(1);
    let mut b = Batch { rows: Vec::with_capacity(n), journal: Vec::with_capacity(n) };
    for i in 0..n {
        let slot = (start + i) as i128 * i128::from(span) / total as i128;
        let opened = from + slot as i64 + rng.between(0, step);
        let mut inc = one(rng, ctx, weights, i as i64, opened);
        // An asset tag: a word that few records share, for the search
        // benchmark's rare words.
        inc.description.push_str(&format!(" Asset tag at{:06}.", rng.between(0, 1_000_000)));
        reshape(&mut inc, shape, rng);
        b.journal.push(JournalRow {
            record_kind: shape.kind(),
            record_id: inc.id,
            seq: 1,
            at: inc.opened_at,
            actor_id: Some(inc.created_by),
            action: Action::Created.as_str(),
            changes: created_changes(&inc)?,
            comment_id: None,
        });
        b.rows.push(inc);
    }
    Ok(b)
}

/// Makes an incident into the shape's record: a problem's title, body and
/// state, or an article's.
fn reshape(inc: &mut Incident, shape: Shape, rng: &mut Rng) {
    let fix = inc.resolution_notes.clone().unwrap_or_default();
    match shape {
        Shape::Incident => {}
        Shape::Problem => {
            inc.kind = shape.kind().to_owned();
            inc.title = format!("Recurring: {}", inc.title);
            inc.description = format!("{} {fix}", inc.description);
            inc.state = match inc.state.as_str() {
                "in_progress" => "root_cause_analysis",
                "on_hold" => "fix_in_progress",
                s => s,
            }
            .to_owned();
            inc.hold_reason = None;
            inc.resolution_code = inc.resolution_code.as_ref().map(|_| "fixed".to_owned());
        }
        Shape::Article => {
            inc.kind = shape.kind().to_owned();
            inc.title = format!("How to: {}", inc.title);
            inc.description = format!("{fix} {}", POLISH[rng.between(0, POLISH.len() as i64) as usize]);
            inc.state = if rng.between(0, 10) == 0 { "draft" } else { "published" }.to_owned();
            inc.hold_reason = None;
            inc.resolution_code = None;
            inc.assignment_group_id = None;
            inc.assignee_id = None;
            (inc.first_response_at, inc.resolved_at, inc.closed_at) = (None, None, None);
        }
    }
}

/// The `created` entry's changes: the row as it was when it was opened.
fn created_changes(inc: &Incident) -> Result<String, AppError> {
    let opened = Incident {
        state: IncidentState::New.as_str().to_owned(),
        hold_reason: None,
        assignment_group_id: None,
        group_name: None,
        assignee_id: None,
        assignee_name: None,
        sla: Default::default(),
        resolution_code: None,
        resolution_notes: None,
        ..inc.clone()
    };
    serde_json::to_string(&crate::incidents::created_changes(&opened)).map_err(|e| AppError::Internal(e.to_string()))
}

/// One incident in its final state: 10-15% open overall, most of them recent.
fn one(rng: &mut Rng, ctx: &Ctx, weights: &[u32], id: i64, opened: i64) -> Incident {
    let t = &TEMPLATES[rng.weighted(weights)];
    let requester = ctx.people.requester(rng);
    let seed = rng.next_u64();
    let group = if rng.chance(35) { people::service_desk(ctx.people, rng) } else { ctx.people.group(t.group, rng) };
    let assignee = People::member(group, rng);
    let (impact, urgency) = story::impact_urgency(rng);
    let priority = story::priority(ctx.matrix, impact, urgency);
    let mut inc = Incident {
        id,
        kind: crate::incidents::KIND.to_owned(),
        number: id,
        title: fill(t.title, seed, &requester.first),
        description: fill(t.description, seed, &requester.first),
        state: IncidentState::New.as_str().to_owned(),
        hold_reason: None,
        impact,
        urgency,
        priority,
        requester_id: requester.id,
        organisation_id: requester.organisation_id,
        category: Some(t.category.to_owned()),
        service_id: ctx.services.get(t.service).copied(),
        service: Some(t.service.to_owned()),
        assignment_group_id: None,
        assignee_id: None,
        major: 0,
        parent_id: None,
        parent_number: None,
        resolution_code: None,
        resolution_notes: None,
        reopen_count: 0,
        opened_at: opened,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        updated_at: opened,
        created_by: requester.id,
        version: 1,
        requester_name: Some(requester.name.clone()),
        organisation_name: None,
        group_name: Some(group.name.clone()),
        assignee_name: Some(assignee.name.clone()),
        sla: Default::default(),
    };
    let limit = ctx.now - 2 * MINUTE;
    let open_percent = match (ctx.now - opened) / DAY {
        0..=6 => 60,
        7..=29 => 25,
        _ => 10,
    };
    let assign = |inc: &mut Incident, with_assignee: bool| {
        inc.assignment_group_id = Some(group.id);
        inc.assignee_id = with_assignee.then_some(assignee.id);
    };
    if rng.chance(open_percent) {
        let kind = rng.weighted(&[30, 50, 20]);
        if kind == 0 {
            // New, perhaps already routed to a queue.
            if rng.chance(40) {
                assign(&mut inc, false);
            }
            return inc;
        }
        let t1 = fit(opened, limit, &mut [response_gap(rng, priority)])[0];
        assign(&mut inc, true);
        inc.first_response_at = Some(t1);
        inc.updated_at = rng.between(t1, limit);
        inc.state = IncidentState::InProgress.as_str().to_owned();
        inc.version = 3;
        if kind == 2 {
            inc.state = IncidentState::OnHold.as_str().to_owned();
            inc.hold_reason = Some(
                rng.pick(&[HoldReason::AwaitingCaller, HoldReason::AwaitingVendor, HoldReason::AwaitingChange])
                    .as_str()
                    .to_owned(),
            );
            inc.version = 4;
        }
    } else if rng.chance(4) {
        inc.state = IncidentState::Cancelled.as_str().to_owned();
        inc.updated_at = fit(opened, limit, &mut [rng.between(10 * MINUTE, DAY)])[0];
        inc.version = 2;
    } else {
        let times = fit(opened, limit, &mut [response_gap(rng, priority), work_gap(rng, priority)]);
        assign(&mut inc, true);
        inc.first_response_at = Some(times[0]);
        inc.resolved_at = Some(times[1]);
        inc.resolution_code = Some(ResolutionCode::Solved.as_str().to_owned());
        inc.resolution_notes = Some(fill(t.fix, seed, &requester.first));
        inc.state = IncidentState::Resolved.as_str().to_owned();
        inc.updated_at = times[1];
        inc.version = 4;
        // Confirmed by the requester within hours, or closed automatically.
        let closing = if rng.chance(30) { rng.between(HOUR, 2 * DAY).min(ctx.auto_close) } else { ctx.auto_close };
        if times[1] + closing <= limit {
            inc.state = IncidentState::Closed.as_str().to_owned();
            inc.closed_at = Some(times[1] + closing);
            inc.updated_at = times[1] + closing;
            inc.version = 5;
        }
    }
    inc
}
