//! Keeping the measures' daily totals current (issue 14): a pass reads the
//! journal entries written since the last one, recomputes the facts of the
//! records they touched, and adds the difference to what each record gave
//! before to the totals, in one write. A rebuild walks every record.
//!
//! Entries are read again for a while after they were first counted
//! ([`SETTLE`]): on PostgreSQL a transaction that took its journal ids
//! first may commit after a later one, so the journal is only taken as
//! read up to entries older than that. Counting a record again is free of
//! harm: its difference to what it gave is then nothing.

use crate::{App, error::AppError};
use std::collections::{BTreeMap, BTreeSet};
use steward_domain::links;
use steward_domain::report::{
    ClockFact, Delta, Dims, FACTS_VERSION, RecordFacts, contribution, day_of,
    marks::{self, Extras},
};
use steward_store::{StoreError, now_micros, reports as store};

/// Journal entries read per pass (a pass that reads this many goes on).
const PASS_ENTRIES: i64 = 5_000;
/// Records counted per write of a rebuild.
const REBUILD_BATCH: i64 = 2_000;
/// How long an entry stays within reach of the next passes.
const SETTLE: i64 = 30_000_000;
/// How often today's backlog is counted again (a day's figure is its last).
const BACKLOG_EVERY: i64 = 300_000_000;

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub records: usize,
    /// Whether the totals were rebuilt (first run, another time zone, or
    /// facts of another shape).
    pub rebuilt: bool,
}

impl App {
    /// Brings the totals up to the journal: rebuilds them on the first run
    /// or when the site's time zone changed, else counts the records the
    /// journal's new entries touched.
    pub async fn count_reports(&self) -> Result<Counted, AppError> {
        let counted = self.count_journal().await?;
        self.count_firings().await?;
        self.snapshot_backlog(false).await?;
        Ok(counted)
    }

    /// Counts the alerts that began firing since the last pass into their
    /// days (alerts are not records: their history is read, not the
    /// journal, with the same settling as the journal's).
    async fn count_firings(&self) -> Result<(), AppError> {
        let tz = self.config.site.time_zone.zone();
        loop {
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let after = store::alert_mark(&mut conn).await?;
            let firings = store::firings_after(&mut conn, after, PASS_ENTRIES).await?;
            drop(conn);
            let settled = now_micros() - SETTLE;
            let counted: Vec<(i64, i64)> = firings.iter().take_while(|f| f.1 < settled).copied().collect();
            let Some(read_to) = counted.last().map(|f| f.0) else { return Ok(()) };
            let mut delta = Delta::default();
            for (_, at) in &counted {
                let key = (marks::ALERT.to_owned(), Dims::default(), day_of(*at, &tz), marks::FIRED.to_owned());
                *delta.marks.entry(key).or_default() += 1;
            }
            let done = (firings.len() as i64) < PASS_ENTRIES || counted.len() < firings.len();
            let moved = self
                .store
                .write(move |c| {
                    Box::pin(async move {
                        // Under the worker's lock, and only from where this
                        // pass began: another node's pass counts nothing twice.
                        if store::lock_state(c).await?.is_none() || store::alert_mark(c).await? != after {
                            return Ok::<_, AppError>(false);
                        }
                        store::apply(c, &delta.finish()).await?;
                        store::set_alert_mark(c, read_to).await?;
                        Ok(true)
                    })
                })
                .await?;
            if done || !moved {
                return Ok(());
            }
        }
    }

    /// Counts the records open now into today's backlog, when the last
    /// count is older than [`BACKLOG_EVERY`] or `now` is asked.
    pub async fn snapshot_backlog(&self, now: bool) -> Result<(), AppError> {
        let at = now_micros();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let last = store::backlog_at(&mut conn).await?;
        drop(conn);
        if !now && at - last < BACKLOG_EVERY {
            return Ok(());
        }
        let day = day_of(at, &self.config.site.time_zone.zone());
        self.store
            .write(move |c| {
                Box::pin(async move {
                    for (kind, open) in open_states() {
                        store::snapshot_backlog(c, day, at, kind, &open).await?;
                    }
                    store::set_backlog_at(c, at).await
                })
            })
            .await?;
        Ok(())
    }

    async fn count_journal(&self) -> Result<Counted, AppError> {
        let zone = self.config.site.time_zone.as_str().to_owned();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let state = store::state(&mut conn).await?;
        drop(conn);
        let Some((mut after, built_zone, version)) = state else {
            return Ok(Counted { records: self.rebuild_reports().await?, rebuilt: true });
        };
        if built_zone != zone {
            tracing::info!(from = %built_zone, to = %zone, "site time zone changed: rebuilding the measures");
            return Ok(Counted { records: self.rebuild_reports().await?, rebuilt: true });
        }
        if version != FACTS_VERSION {
            tracing::info!(from = version, to = FACTS_VERSION, "the measures are counted anew in a new shape");
            return Ok(Counted { records: self.rebuild_reports().await?, rebuilt: true });
        }
        let mut counted = 0;
        loop {
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let entries = store::journal_after(&mut conn, after, PASS_ENTRIES).await?;
            drop(conn);
            if entries.is_empty() {
                return Ok(Counted { records: counted, rebuilt: false });
            }
            let settled = now_micros() - SETTLE;
            let ids: BTreeSet<i64> = entries.iter().map(|e| e.1).collect();
            let ids: Vec<i64> = ids.into_iter().collect();
            // The journal counts as read up to the last entry before the
            // first one still settling.
            let read_to = entries.iter().take_while(|e| e.2 < settled).last().map_or(after, |e| e.0);
            counted += self.count_records(&ids, Some(read_to)).await?;
            if (entries.len() as i64) < PASS_ENTRIES || read_to == after {
                return Ok(Counted { records: counted, rebuilt: false });
            }
            after = read_to;
        }
    }

    /// Recomputes every total from the records (the `steward reports
    /// rebuild` command; also the first pass, and after the site's time
    /// zone changed). How many records were counted.
    pub async fn rebuild_reports(&self) -> Result<usize, AppError> {
        let zone = self.config.site.time_zone.as_str().to_owned();
        // Changes made while the walk goes on are in the journal after
        // this point, and the next pass counts them.
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let start = store::last_journal_id(&mut conn).await?;
        drop(conn);
        self.store
            .write(move |c| {
                Box::pin(async move {
                    store::clear(c).await?;
                    store::set_state(c, start, &zone, now_micros()).await
                })
            })
            .await?;
        let (mut after, mut counted) = (0, 0);
        loop {
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let ids = store::record_ids_after(&mut conn, after, REBUILD_BATCH).await?;
            drop(conn);
            let Some(last) = ids.last().copied() else { return Ok(counted) };
            counted += self.count_records(&ids, None).await?;
            after = last;
        }
    }

    /// Counts `ids` afresh: reads their facts, then in one write takes back
    /// what each gave before and adds what it gives now; `read_to` moves the
    /// journal mark along in the same write.
    async fn count_records(&self, ids: &[i64], read_to: Option<i64>) -> Result<usize, AppError> {
        let tz = self.config.site.time_zone.zone();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let facts = facts_of(&mut conn, ids).await?;
        drop(conn);
        let now: Vec<(i64, Option<RecordFacts>)> = ids.iter().map(|id| (*id, facts.get(id).cloned())).collect();
        let n = ids.len();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let Some((mark, zone)) = store::lock_state(c).await? else { return Ok::<_, AppError>(()) };
                    let ids: Vec<i64> = now.iter().map(|r| r.0).collect();
                    let before: BTreeMap<i64, RecordFacts> = store::stored_facts(c, &ids)
                        .await?
                        .into_iter()
                        .filter_map(|(id, json)| serde_json::from_str(&json).ok().map(|f| (id, f)))
                        .collect();
                    let mut delta = Delta::default();
                    let mut keep = Vec::with_capacity(now.len());
                    for (id, facts) in &now {
                        let old = before.get(id);
                        if old == facts.as_ref() {
                            continue;
                        }
                        if let Some(old) = old {
                            delta.add(&contribution(old, &tz), -1);
                        }
                        if let Some(f) = facts {
                            delta.add(&contribution(f, &tz), 1);
                        }
                        keep.push((*id, facts.as_ref().and_then(|f| serde_json::to_string(f).ok())));
                    }
                    store::apply(c, &delta.finish()).await?;
                    store::put_facts(c, &keep).await?;
                    if let Some(to) = read_to.filter(|to| *to > mark) {
                        store::set_state(c, to, &zone, now_micros()).await?;
                    }
                    Ok(())
                })
            })
            .await?;
        Ok(n)
    }
}

/// Each counted kind with the names of its open states.
pub(super) fn open_states() -> [(&'static str, Vec<&'static str>); 4] {
    use steward_domain::lifecycle::open_state_names as open;
    use steward_domain::{IncidentState, change::ChangeState, problem::ProblemState, task::TaskState};
    [
        ("incident", open::<IncidentState>()),
        ("problem", open::<ProblemState>()),
        ("change", open::<ChangeState>()),
        ("task", open::<TaskState>()),
    ]
}

/// The facts of the records `ids` that are counted, read in a few queries
/// per kind.
async fn facts_of(conn: &mut steward_store::Conn, ids: &[i64]) -> Result<BTreeMap<i64, RecordFacts>, StoreError> {
    let rows = store::records(conn, ids).await?;
    let mut by_kind: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    let mut codes = BTreeMap::new();
    for r in rows {
        by_kind.entry(r.kind.clone()).or_default().push(r.id);
        let dims = Dims {
            service: r.service_id.unwrap_or(0),
            group: r.assignment_group_id.unwrap_or(0),
            organisation: r.organisation_id.unwrap_or(0),
            priority: r.priority,
        };
        out.insert(
            r.id,
            RecordFacts {
                kind: r.kind,
                state: r.state,
                dims,
                opened_at: r.opened_at,
                first_response_at: r.first_response_at,
                resolved_at: r.resolved_at,
                reopened_at: Vec::new(),
                reassigned: false,
                escalated_at: Vec::new(),
                clocks: Vec::new(),
                marks: Vec::new(),
            },
        );
        codes.insert(r.id, r.resolution_code);
    }
    let mut extras: BTreeMap<i64, Extras> = BTreeMap::new();
    for (kind, ids) in &by_kind {
        match kind.as_str() {
            "problem" => {
                for (id, at) in store::known_errors(conn, ids).await? {
                    extras.entry(id).or_default().known_error_at = Some(at);
                }
                for (id, n) in store::incidents_linking(conn, links::CAUSED_BY, ids).await? {
                    extras.entry(id).or_default().linked_incidents = n;
                }
            }
            "change" => {
                for (id, _) in store::incidents_linking(conn, links::CAUSED_BY_CHANGE, ids).await? {
                    extras.entry(id).or_default().caused_incidents = true;
                }
            }
            "incident" => {
                for id in store::from_alerts(conn, ids).await? {
                    extras.entry(id).or_default().from_alerts = true;
                }
            }
            _ => {}
        }
    }
    for (kind, ids) in &by_kind {
        for (id, at, reopen) in store::moves(conn, kind, ids).await? {
            if let Some(f) = out.get_mut(&id) {
                if reopen == 1 {
                    f.reopened_at.push(at);
                } else {
                    f.reassigned = true;
                }
            }
        }
        for (id, at) in store::escalations(conn, kind, ids).await? {
            if let Some(f) = out.get_mut(&id) {
                f.escalated_at.push(at);
            }
        }
        for k in store::clocks(conn, kind, ids).await? {
            if let Some(f) = out.get_mut(&k.record_id) {
                f.clocks.push(ClockFact {
                    kind: k.kind,
                    sla: k.sla_id,
                    group: k.group_id,
                    elapsed_us: k.elapsed_us,
                    stopped_at: k.stopped_at,
                    breached_at: k.breached_at,
                });
            }
        }
    }
    // One order whatever the database returned, so equal facts compare equal.
    for (id, f) in out.iter_mut() {
        f.reopened_at.sort_unstable();
        f.escalated_at.sort_unstable();
        let mut x = extras.remove(id).unwrap_or_default();
        x.resolution_code = codes.remove(id).flatten();
        f.marks = marks::marks(&f.kind, &f.state, f.opened_at, f.resolved_at, &x);
    }
    Ok(out)
}
