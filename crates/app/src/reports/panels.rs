//! Personal dashboards (issue 14): the panels each user composed from the
//! panel list (`domain::report::panels`), or their role's default; and the
//! agent's own work, counted live over their records.

use super::count::open_states;
use crate::{Actor, App, FieldError, error::AppError};
use steward_domain::report::{
    Period, can_view_reports,
    panels::{Panel, check_panels, default_panels},
};
use steward_store::{StoreError, dashboards as store, now_micros};

/// One kind of record assigned to the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindWork {
    pub kind: &'static str,
    /// Open now, per priority P1–P5.
    pub open: [i64; 5],
    /// Of those, the ones whose SLA or OLA breached.
    pub breached: i64,
    /// Resolved in the period.
    pub resolved: i64,
}

impl KindWork {
    pub fn open_total(&self) -> i64 {
        self.open.iter().sum()
    }
}

impl App {
    /// The viewer's dashboard: the panels they chose, else their role's
    /// default; and whether they chose them.
    pub async fn my_panels(&self, actor: &Actor) -> Result<(Vec<Panel>, bool), AppError> {
        can_view_reports(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let kept = store::get(&mut conn, actor.id).await?;
        // A kept list the panel catalogue no longer fits (a panel dropped
        // by an upgrade) falls back to the default rather than failing.
        match kept.and_then(|json| serde_json::from_str::<Vec<Panel>>(&json).ok()) {
            Some(panels) if check_panels(&panels).is_empty() => Ok((panels, true)),
            _ => Ok((default_panels(actor.role), false)),
        }
    }

    /// Keeps the viewer's panels, each checked beside its place
    /// (`panels[2].kind`); none: back to their role's default.
    pub async fn set_my_panels(&self, actor: &Actor, panels: Option<Vec<Panel>>) -> Result<Vec<Panel>, AppError> {
        can_view_reports(actor.role)?;
        let json = match &panels {
            Some(list) => {
                let bad = check_panels(list);
                if !bad.is_empty() {
                    return Err(AppError::Invalid(bad.into_iter().map(|(f, m)| FieldError::new(&f, m)).collect()));
                }
                Some(serde_json::to_string(list).map_err(|e| AppError::Internal(e.to_string()))?)
            }
            None => None,
        };
        let user = actor.id;
        self.store
            .write(move |c| Box::pin(async move { store::put(c, user, json.as_deref(), now_micros()).await }))
            .await?;
        Ok(panels.unwrap_or_else(|| default_panels(actor.role)))
    }

    /// The viewer's own work: per kind, what is assigned to them and open
    /// (per priority, and how many breached), and what they resolved in
    /// `period`. Kinds with nothing are left out.
    pub async fn my_work(&self, actor: &Actor, period: Period) -> Result<Vec<KindWork>, AppError> {
        can_view_reports(actor.role)?;
        let (from, to) = self.instants(period);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let mut out = Vec::new();
        for (kind, open) in open_states() {
            let mut w = KindWork { kind, open: [0; 5], breached: 0, resolved: 0 };
            for (priority, n, breached) in store::open_work(&mut conn, kind, actor.id, &open).await? {
                if let Some(slot) = usize::try_from(priority - 1).ok().and_then(|i| w.open.get_mut(i)) {
                    *slot += n;
                }
                w.breached += breached;
            }
            w.resolved = store::resolved_work(&mut conn, kind, actor.id, from, to).await?;
            if w.open_total() > 0 || w.resolved > 0 || kind == "incident" {
                out.push(w);
            }
        }
        Ok(out)
    }
}
