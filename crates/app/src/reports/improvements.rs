//! The continual improvement register (issue 14): managers and admins
//! keep it, the desk reads it; each improvement's progress is its live
//! measure over the last [`WINDOW_DAYS`] days, narrowed as it says.

use super::{Filter, KINDS};
use crate::{Actor, App, Code, error::AppError, error::Errors};
use steward_domain::number::RecordNumber;
use steward_domain::report::{
    Period, can_view_reports,
    improvement::{self, Aim, Progress, WINDOW_DAYS, can_keep_improvements},
};
use steward_store::{StoreError, accounts, improvements as store, improvements::ImprovementRow, now_micros, records};

/// The states an improvement moves through.
pub const STATES: [&str; 3] = ["open", "done", "dropped"];

/// An improvement as sent to make or replace one: the owner by username,
/// the narrowing by ids (as the reporting API takes them), linked records
/// by number.
#[derive(Debug, Clone, Default)]
pub struct ImprovementInput {
    pub title: String,
    pub description: String,
    pub measure: String,
    pub kind: Option<String>,
    pub service: Option<i64>,
    pub group: Option<i64>,
    pub priority: Option<i64>,
    pub baseline: f64,
    pub target: f64,
    pub target_date: String,
    /// A username; none: the one who makes it.
    pub owner: Option<String>,
    pub state: Option<String>,
    pub records: Vec<String>,
}

/// A linked record as shown: kind, number, title, state.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub kind: String,
    pub number: String,
    pub title: String,
    pub state: String,
}

/// An improvement with its live progress and linked records.
#[derive(Debug, Clone)]
pub struct ImprovementView {
    pub row: ImprovementRow,
    pub progress: Progress,
    pub records: Vec<Linked>,
}

impl App {
    /// The register, each with its progress now.
    pub async fn improvements(&self, actor: &Actor) -> Result<Vec<ImprovementView>, AppError> {
        can_view_reports(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::list(&mut conn).await?;
        let links = store::records(&mut conn, None).await?;
        drop(conn);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let records = links.iter().filter(|l| l.0 == row.id).map(linked).collect();
            let progress = self.progress_of(actor, &row).await?;
            out.push(ImprovementView { row, progress, records });
        }
        Ok(out)
    }

    pub async fn improvement(&self, actor: &Actor, id: i64) -> Result<ImprovementView, AppError> {
        can_view_reports(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::get(&mut conn, id).await?.ok_or(AppError::NotFound("improvement"))?;
        let records = store::records(&mut conn, Some(id)).await?.iter().map(linked).collect();
        drop(conn);
        let progress = self.progress_of(actor, &row).await?;
        Ok(ImprovementView { row, progress, records })
    }

    pub async fn add_improvement(&self, actor: &Actor, input: ImprovementInput) -> Result<ImprovementView, AppError> {
        can_keep_improvements(actor.role)?;
        let (row, records) = self.checked(actor, input, None).await?;
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let id = store::insert(c, &row).await?;
                    store::set_records(c, id, &records).await?;
                    Ok::<_, StoreError>(id)
                })
            })
            .await?;
        self.improvement(actor, id).await
    }

    /// Replaces an improvement if it is still at `version`.
    pub async fn edit_improvement(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: ImprovementInput,
    ) -> Result<ImprovementView, AppError> {
        can_keep_improvements(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let old = store::get(&mut conn, id).await?.ok_or(AppError::NotFound("improvement"))?;
        drop(conn);
        if old.version != version {
            return Err(AppError::Stale { sent: version, current: old.version });
        }
        let (mut row, records) = self.checked(actor, input, Some(&old)).await?;
        row.id = id;
        let current = old.version;
        let done = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    if !store::update(c, &row, version).await? {
                        return Ok::<_, StoreError>(false);
                    }
                    store::set_records(c, id, &records).await?;
                    Ok(true)
                })
            })
            .await?;
        if !done {
            return Err(AppError::Stale { sent: version, current: current + 1 });
        }
        self.improvement(actor, id).await
    }

    pub async fn delete_improvement(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        can_keep_improvements(actor.role)?;
        let gone = self.store.write(move |c| Box::pin(async move { store::delete(c, id).await })).await?;
        if gone { Ok(()) } else { Err(AppError::NotFound("improvement")) }
    }

    /// Checks what was sent; the row to write and the linked record ids.
    async fn checked(
        &self,
        actor: &Actor,
        i: ImprovementInput,
        old: Option<&ImprovementRow>,
    ) -> Result<(ImprovementRow, Vec<i64>), AppError> {
        let mut errs = Errors::default();
        let title = errs.check("title", steward_domain::text::check(&i.title, steward_domain::text::TITLE));
        let description =
            errs.check("description", steward_domain::text::check(&i.description, steward_domain::text::DESCRIPTION));
        let today = jiff::Timestamp::now().to_zoned(self.config.site.time_zone.zone()).date();
        let aim = Aim {
            measure: i.measure.trim().to_owned(),
            baseline: i.baseline,
            target: i.target,
            target_date: i.target_date.trim().to_owned(),
        };
        for (field, m) in improvement::check(&aim, today, old.is_none()) {
            errs.add(field, m);
        }
        if let Some(k) = i.kind.as_deref().filter(|k| !KINDS.contains(k)) {
            errs.add("kind", steward_domain::code::not_one_of(k, &KINDS));
        }
        for (field, id) in [("service", i.service), ("group", i.group)] {
            if id.is_some_and(|v| v < 0) {
                errs.add(field, Code::NotId.msg("must be an id, or 0 for none"));
            }
        }
        if i.priority.is_some_and(|p| !(1..=5).contains(&p)) {
            errs.add("priority", Code::PriorityLevel.msg("must be one of 1, 2, 3, 4, 5"));
        }
        let state = i.state.clone().unwrap_or_else(|| old.map_or("open".into(), |o| o.state.clone()));
        if !STATES.contains(&state.as_str()) {
            errs.add("state", steward_domain::code::not_one_of(&state, &STATES));
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let owner_id = match i.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            None => Some(old.map_or(actor.id, |o| o.owner_id)),
            Some(name) => match accounts::user_by_name(&mut conn, name).await? {
                Some(u) if u.active != 0 && u.role != "requester" => Some(u.id),
                _ => {
                    errs.add(
                        "owner",
                        Code::NoSuchUser
                            .msg(format!("there is no active staff user {name:?}"))
                            .with("name", format!("{name:?}")),
                    );
                    None
                }
            },
        };
        let mut ids = Vec::new();
        for raw in &i.records {
            let found = match raw.parse::<RecordNumber>() {
                Ok(n) => records::id_of(&mut conn, n.kind.as_str(), n.seq).await?,
                Err(_) => None,
            };
            match found {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => errs.add(
                    "records",
                    Code::NotRecordNumber.msg(format!("{raw:?} is not a record number (such as INC0000042)")),
                ),
            }
        }
        drop(conn);
        errs.finish()?;
        let now = now_micros();
        let row = ImprovementRow {
            id: 0,
            title: title.unwrap_or_default(),
            description: description.unwrap_or_default(),
            measure: aim.measure,
            kind: i.kind,
            service_id: i.service,
            group_id: i.group,
            priority: i.priority,
            baseline: aim.baseline,
            target: aim.target,
            target_date: aim.target_date,
            owner_id: owner_id.unwrap_or(actor.id),
            state,
            created_by: old.map_or(actor.id, |o| o.created_by),
            created_at: old.map_or(now, |o| o.created_at),
            updated_at: now,
            version: old.map_or(1, |o| o.version),
            owner_name: None,
        };
        Ok((row, ids))
    }

    /// The live measure over the last [`WINDOW_DAYS`] days, narrowed as the
    /// improvement says, against its aim.
    async fn progress_of(&self, actor: &Actor, r: &ImprovementRow) -> Result<Progress, AppError> {
        let tz = self.config.site.time_zone.zone();
        let today = jiff::Timestamp::now().to_zoned(tz.clone()).date();
        let from = today.checked_sub(jiff::Span::new().days(WINDOW_DAYS - 1)).unwrap_or(today);
        let filter = Filter {
            kind: r.kind.clone(),
            service: r.service_id,
            group: r.group_id,
            priority: r.priority,
            ..Default::default()
        };
        let m = self.measures(actor, Period { from, to: today }, filter).await?;
        let aim = Aim {
            measure: r.measure.clone(),
            baseline: r.baseline,
            target: r.target,
            target_date: r.target_date.clone(),
        };
        let started = jiff::Timestamp::from_microsecond(r.created_at).map_or(today, |t| t.to_zoned(tz).date());
        Ok(improvement::progress(&aim, improvement::value_of(&r.measure, &m), started, today))
    }
}

fn linked(l: &(i64, i64, String, i64, String, String)) -> Linked {
    let number = steward_domain::number::RecordKind::named(&l.2)
        .map(|k| RecordNumber { kind: k, seq: l.3 }.to_string())
        .unwrap_or_else(|| l.3.to_string());
    Linked { kind: l.2.clone(), number, title: l.4.clone(), state: l.5.clone() }
}
