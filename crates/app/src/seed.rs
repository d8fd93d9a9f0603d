//! Demo and benchmark data.
//!
//! [`demo`] fills a new database with a believable service desk: customer
//! organisations, resolver groups, agents, managers, requesters and three
//! months of incidents in every state, with the comments, work notes and
//! journal entries real use would have left. [`bulk_incidents`] loads many
//! plain incidents fast, for benchmarks.
//!
//! Both are deterministic (a seeded splitmix64, see [`rng`]) apart from
//! "now", and write through the store's multi-row inserts in large batches.

mod alerts;
mod bulk;
pub use bulk::Shape as BulkShape;
mod canned;
mod catalog;
mod changes;
mod checks;
pub use checks::demo_checks;
mod cmdb;
mod knowledge;
mod people;
mod problems;
mod reports;
mod rng;
mod service_levels;
mod story;
#[cfg(test)]
mod tests;

use crate::error::Code;
use crate::{App, error::AppError, sla::Snapshot};
use rng::Rng;
use serde::Serialize;
use std::fmt;
use steward_domain::IncidentState;
use steward_store::records::{self, Incident, JournalRow};
use steward_store::{Conn, Dialect, journal, now_micros};
use story::{DAY, Event, HOUR, MINUTE, NEWEST, Plan, Story, Topic};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = people::PASSWORD;

/// A fixed login of the demo, for the README and the CLI's summary.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DemoLogin {
    pub username: &'static str,
    pub role: &'static str,
    pub note: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin { username: "admin", role: "admin", note: "manages users, groups and settings" },
    DemoLogin { username: "manager", role: "manager", note: "the IT service manager" },
    DemoLogin { username: "agent", role: "agent", note: "member of Service Desk and Network" },
    DemoLogin { username: "requester", role: "requester", note: "an employee of Contoso Retail" },
];

/// What [`demo`] created.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub organisations: usize,
    pub groups: usize,
    pub agents: usize,
    pub managers: usize,
    pub admins: usize,
    pub requesters: usize,
    pub incidents: usize,
    pub major_incidents: usize,
    /// Incidents linked to a major incident as its children.
    pub child_incidents: usize,
    /// Public comments and internal work notes.
    pub comments: usize,
    pub journal_entries: usize,
    /// Incidents per state, in the state machine's order.
    pub by_state: Vec<(String, usize)>,
    /// Open incidents whose SLA clocks run (two SLAs and an OLA are set up).
    pub with_clocks: usize,
    /// Problems raised from the repeated incidents, known errors among them.
    pub problems: usize,
    /// Knowledge articles (English and Polish), most of them published.
    pub articles: usize,
    /// Alerts firing (the Web Shop's, a silenced one, one a maintenance
    /// window mutes, the Watchdog) and earlier episodes resolved.
    pub alerts_firing: usize,
    pub alerts_resolved: usize,
    pub logins: Vec<DemoLogin>,
    pub password: &'static str,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} organisations, {} groups, {} agents, {} managers, {} admin(s), {} requesters",
            self.organisations, self.groups, self.agents, self.managers, self.admins, self.requesters
        )?;
        let states: Vec<String> = self.by_state.iter().map(|(s, n)| format!("{n} {s}")).collect();
        writeln!(f, "{} incidents ({}), {} major", self.incidents, states.join(", "), self.major_incidents)?;
        writeln!(f, "{} comments and work notes, {} journal entries", self.comments, self.journal_entries)?;
        writeln!(
            f,
            "2 SLAs, an office calendar with Poland's holidays, clocks on {} open incidents",
            self.with_clocks
        )?;
        writeln!(f, "{} problems with known errors, linked to their incidents", self.problems)?;
        writeln!(f, "{} knowledge articles in English and Polish", self.articles)?;
        writeln!(
            f,
            "{} alerts firing ({} resolved before), one silenced, one in a maintenance window; \
             correlation opens an incident on the Web Shop from them within 15 s of serving",
            self.alerts_firing, self.alerts_resolved
        )?;
        writeln!(f, "sign in with password {:?} as:", self.password)?;
        for l in &self.logins {
            writeln!(f, "  {:<10} {:<10} {}", l.username, l.role, l.note)?;
        }
        Ok(())
    }
}

const DEMO_SEED: u64 = 0x5EED_0000_DE30;
/// Incidents per write: one transaction each, a few hundred milliseconds.
const DEMO_BATCH: usize = 500;

/// Fills an empty, migrated database with demo content: about 90 users in
/// six organisations and eight groups, and `incidents` incidents over the
/// last 90 days. Refuses a database that already has incidents.
pub async fn demo(app: &App, incidents: usize) -> Result<DemoSummary, AppError> {
    ensure_no_incidents(app).await?;
    let mut rng = Rng::new(DEMO_SEED);
    // One argon2 run for everyone: they all share the demo password.
    let hash = crate::auth::hash_password(DEMO_PASSWORD)?;
    let (people, counts) = people::create_demo(app, &mut rng, hash).await?;
    let now = now_micros();
    let ids = take_numbers(app, incidents).await?;
    let plans = plan(&mut rng, &ids, incidents, now);
    let services = cmdb::services(app).await?;
    let ctx = story::Ctx {
        services: &services,
        people: &people,
        matrix: &app.config.priority_matrix,
        now,
        auto_close: i64::from(app.config.auto_close_days.max(1)) * DAY,
    };
    let mut stories: Vec<Story> = plans.iter().map(|p| story::tell(&mut rng, &ctx, p, None)).collect();
    cover_every_state(&mut rng, &ctx, &plans, &mut stories);
    let summary = summarise(counts, &stories);
    service_levels::create(app).await?;
    let snap = app.sla_snapshot().await?;
    let dialect = app.store.dialect();
    let mut rest = stories.into_iter();
    let mut with_clocks = 0;
    loop {
        let batch: Vec<Story> = rest.by_ref().take(DEMO_BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let snap = snap.clone();
        with_clocks += app.store.write(move |c| Box::pin(write_stories(c, dialect, batch, snap, now))).await?;
    }
    canned::create(app).await?;
    let problems = problems::create(app).await?;
    // After the problems, which the articles document.
    let articles = knowledge::create(app, &services).await?;
    changes::create(app, now_micros()).await?;
    reports::create(app).await?;
    // Last: the incident correlation opens from them follows the stories.
    let made = alerts::create(app, now_micros()).await?;
    Ok(DemoSummary {
        with_clocks,
        problems,
        articles,
        alerts_firing: made.firing,
        alerts_resolved: made.resolved,
        ..summary
    })
}

/// Loads `count` incidents as fast as the database takes them, for
/// benchmarks: existing users and groups are reused (a small cast is created
/// when there are none), states are mostly closed with 10-15% open, opening
/// times spread over the last 365 days, and each gets a `created` journal
/// entry. `progress` is called with the number written so far.
pub async fn bulk_incidents(app: &App, count: usize, progress: impl Fn(usize)) -> Result<(), AppError> {
    bulk::run(app, count, progress).await
}

/// Loads `count` records of a [`BulkShape`] the way [`bulk_incidents`]
/// loads incidents: problems, or how-to records standing in for knowledge
/// articles, for the search benchmark.
pub async fn bulk_records(app: &App, shape: BulkShape, count: usize, progress: impl Fn(usize)) -> Result<(), AppError> {
    bulk::run_shaped(app, shape, count, progress).await
}

async fn ensure_no_incidents(app: &App) -> Result<(), AppError> {
    if app.store.has_incidents().await? {
        return Err(AppError::Forbidden(
            Code::DemoNotEmpty
                .msg("the database already has incidents: demo data can only be loaded into a new, empty database"),
        ));
    }
    Ok(())
}

/// Reserves the incident numbers up front, so parents can be named before
/// their children are written.
async fn take_numbers(app: &App, count: usize) -> Result<Vec<records::Key>, AppError> {
    let n = count as i64;
    let d = app.store.dialect();
    let kind = crate::incidents::KIND;
    Ok(app.store.write(move |c| Box::pin(async move { records::reserve(c, d, kind, n).await })).await?)
}

/// What a planned slot becomes.
enum Slot {
    Regular,
    Major(usize),
    Child(usize),
}

/// When each incident was opened and what it is about, oldest first so that
/// numbers rise with time; a few major incidents, each followed within hours
/// by 2-6 incidents from people it affected.
fn plan(rng: &mut Rng, ids: &[records::Key], count: usize, now: i64) -> Vec<Plan> {
    let majors = if count >= 20 { (count / 800).clamp(1, catalog::MAJORS.len()) } else { 0 };
    let kids: Vec<usize> = (0..majors).map(|_| rng.between(2, 7) as usize).collect();
    let regular = count - majors - kids.iter().sum::<usize>();
    let mut slots: Vec<(i64, Slot)> = (0..regular).map(|_| (opened_time(rng, now), Slot::Regular)).collect();
    for (k, n) in kids.iter().enumerate() {
        let t = opened_time(rng, now).min(now - 2 * DAY);
        slots.push((t, Slot::Major(k)));
        slots.extend((0..*n).map(|_| (t + rng.between(2 * MINUTE, 3 * HOUR), Slot::Child(k))));
    }
    slots.sort_by_key(|s| s.0);
    let mut major_ids = vec![records::Key { id: 0, number: 0 }; majors];
    for (i, (_, slot)) in slots.iter().enumerate() {
        if let Slot::Major(k) = slot {
            major_ids[*k] = ids[i];
        }
    }
    let offset = rng.below(catalog::MAJORS.len());
    let major = |k: usize| &catalog::MAJORS[(offset + k) % catalog::MAJORS.len()];
    let seeds: Vec<u64> = (0..majors).map(|_| rng.next_u64()).collect();
    let weights: Vec<u32> = catalog::TEMPLATES.iter().map(|t| t.weight).collect();
    let mut out = Vec::with_capacity(count);
    for (i, (opened_at, slot)) in slots.into_iter().enumerate() {
        let (topic, seed) = match slot {
            Slot::Regular => (Topic::Regular(&catalog::TEMPLATES[rng.weighted(&weights)]), rng.next_u64()),
            Slot::Major(k) => (Topic::Major(major(k)), seeds[k]),
            Slot::Child(k) => (Topic::Child(major(k), major_ids[k]), seeds[k]),
        };
        out.push(Plan { key: ids[i], opened_at, topic, seed });
    }
    out
}

/// A moment in the last 90 days, mostly on weekdays in office hours (UTC),
/// and at least [`NEWEST`] ago.
fn opened_time(rng: &mut Rng, now: i64) -> i64 {
    const BY_HOUR: [u32; 24] = [1, 1, 1, 1, 1, 2, 4, 10, 16, 18, 17, 14, 12, 15, 16, 14, 12, 8, 5, 4, 3, 2, 1, 1];
    let today = now.div_euclid(DAY);
    for _ in 0..100 {
        let day = today - rng.between(0, 90);
        // 1970-01-01 was a Thursday; 5 and 6 are Saturday and Sunday.
        if (day + 3).rem_euclid(7) >= 5 && rng.chance(75) {
            continue;
        }
        let t = day * DAY + rng.weighted(&BY_HOUR) as i64 * HOUR + rng.between(0, HOUR);
        if t <= now - NEWEST {
            return t;
        }
    }
    now - NEWEST - rng.between(0, DAY)
}

/// A small demo can miss a state by chance: retell the newest incidents of
/// a common state until every state appears.
fn cover_every_state(rng: &mut Rng, ctx: &story::Ctx, plans: &[Plan], stories: &mut [Story]) {
    for state in IncidentState::ALL {
        let count = |stories: &[Story], s: &str| stories.iter().filter(|x| x.incident.state == s).count();
        if count(stories, state.as_str()) > 0 {
            continue;
        }
        let candidate = (0..stories.len())
            .rev()
            .find(|&i| matches!(plans[i].topic, Topic::Regular(_)) && count(stories, &stories[i].incident.state) > 1);
        if let Some(i) = candidate {
            stories[i] = story::tell(rng, ctx, &plans[i], Some(*state));
        }
    }
}

fn summarise(counts: people::Counts, stories: &[Story]) -> DemoSummary {
    let by_state = IncidentState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), stories.iter().filter(|x| x.incident.state == s.as_str()).count()))
        .collect();
    DemoSummary {
        organisations: counts.organisations,
        groups: counts.groups,
        agents: counts.agents,
        managers: counts.managers,
        admins: counts.admins,
        requesters: counts.requesters,
        incidents: stories.len(),
        major_incidents: stories.iter().filter(|s| s.incident.major == 1).count(),
        child_incidents: stories.iter().filter(|s| s.incident.parent_id.is_some()).count(),
        comments: stories.iter().map(|s| s.comments.len()).sum(),
        journal_entries: stories.iter().map(|s| s.events.len()).sum(),
        by_state,
        with_clocks: 0,
        problems: 0,
        articles: 0,
        alerts_firing: 0,
        alerts_resolved: 0,
        logins: DEMO_LOGINS.to_vec(),
        password: DEMO_PASSWORD,
    }
}

/// Writes a batch of stories: the rows in multi-row inserts, the open
/// ones' SLA clocks (their entries merged into the story by time, so the
/// journal reads in the order things happened), the comments one by one
/// (their ids go into the journal), then the journal. The number of
/// incidents whose clocks started.
async fn write_stories(
    c: &mut Conn,
    d: Dialect,
    batch: Vec<Story>,
    snap: std::sync::Arc<Snapshot>,
    now: i64,
) -> Result<usize, AppError> {
    let rows: Vec<Incident> = batch.iter().map(|s| s.incident.clone()).collect();
    records::insert_many(c, d, &rows).await?;
    let mut entries = Vec::new();
    let mut with_clocks = 0;
    for s in batch {
        let (id, comments, mut events) = (s.incident.id, s.comments, s.events);
        let open = s.incident.state.parse::<IncidentState>().map_err(|e| AppError::Internal(e.text))?.is_open();
        // Open incidents' clocks run until now; a resolved one's ran until
        // it was resolved, where resolving paused them (the dashboard's SLA
        // compliance counts both).
        let until = if open { Some(now) } else { s.incident.resolved_at };
        if let Some(until) = until {
            let (_, sla) = crate::sla::engine::start_as_of_old(c, d, &snap, &s.incident, until).await?;
            with_clocks += usize::from(open);
            events.extend(sla.into_iter().map(|(at, action, changes)| Event {
                at,
                actor_id: None,
                action,
                changes,
                comment: None,
            }));
            // Stable: a clock's entry at the same moment follows the story's.
            events.sort_by_key(|e| e.at);
        }
        let mut ids = Vec::with_capacity(comments.len());
        for cm in &comments {
            ids.push(journal::insert_comment(c, id, cm.author_id, &cm.body, cm.internal, cm.at).await?);
        }
        for (seq, e) in events.into_iter().enumerate() {
            entries.push(JournalRow {
                record_kind: crate::incidents::KIND,
                record_id: id,
                seq: seq as i64 + 1,
                at: e.at,
                actor_id: e.actor_id,
                action: e.action.as_str(),
                changes: serde_json::to_string(&e.changes).map_err(|e| AppError::Internal(e.to_string()))?,
                comment_id: e.comment.and_then(|i| ids.get(i).copied()),
            });
        }
    }
    records::insert_journal_many(c, d, &entries).await?;
    Ok(with_clocks)
}
