//! The CMDB graph held in memory: every relation there ever was (with the
//! span it was live), each CI's class, name and status, and the class
//! schema. Impact analysis walks it without touching the database.
//!
//! Every read first asks the database for the CMDB revision (one indexed
//! row). When it moved, the rows written since are read and applied, so a
//! change made on any node is seen by the next read on every node.

use crate::error::AppError;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use steward_domain::cmdb::{Class, Edge, Graph, Relation, RelationType, Schema, builtin};
use steward_store::{Store, cmdb};

/// What the cache keeps of a CI.
#[derive(Debug, Clone)]
pub struct Brief {
    pub class: String,
    pub name: String,
    pub status: String,
    pub created_at: i64,
}

pub struct View {
    /// The CMDB revision this view has read up to; -1 before the first load.
    pub rev: i64,
    pub schema: Arc<Schema>,
    /// Admin-defined classes with their versions.
    pub custom: Vec<(Class, i64)>,
    pub graph: Graph,
    pub cis: HashMap<i64, Brief>,
    /// Service CIs by lower-cased name.
    services: HashMap<String, i64>,
}

impl View {
    fn empty() -> View {
        View {
            rev: -1,
            schema: Arc::new(Schema::new(builtin()).unwrap_or_else(|_| unreachable!("the built-in classes are valid"))),
            custom: Vec::new(),
            graph: Graph::default(),
            cis: HashMap::new(),
            services: HashMap::new(),
        }
    }

    pub fn ci(&self, id: i64) -> Option<&Brief> {
        self.cis.get(&id)
    }

    pub fn class_of(&self, id: i64) -> Option<String> {
        self.cis.get(&id).map(|b| b.class.clone())
    }

    pub fn is_service(&self, id: i64) -> bool {
        self.cis.get(&id).is_some_and(|b| steward_domain::cmdb::is_service(&self.schema, &b.class))
    }

    /// A service CI by its name, any case.
    pub fn service_named(&self, name: &str) -> Option<i64> {
        self.services.get(&name.trim().to_lowercase()).copied()
    }
}

#[derive(Default)]
pub struct CmdbCache {
    view: RwLock<Option<View>>,
    /// One refresher at a time; the others wait and then find it done.
    refreshing: tokio::sync::Mutex<()>,
    /// When the view was last known to be current.
    checked: std::sync::Mutex<Option<Instant>>,
}

impl CmdbCache {
    /// Reads the view as of at most `max_age` ago: for lookups on every
    /// incident write (a service by name), where one more round trip per
    /// request costs more than a second's delay in seeing a service created
    /// on another node. Changes made through this node are seen at once.
    pub async fn read_recent<T>(
        &self,
        store: &Store,
        max_age: Duration,
        f: impl FnOnce(&View) -> T,
    ) -> Result<T, AppError> {
        let fresh = self.checked.lock().ok().and_then(|c| *c).is_some_and(|at| at.elapsed() < max_age);
        if fresh {
            let guard = self.view.read().map_err(|_| AppError::Internal("CMDB cache poisoned".into()))?;
            if let Some(v) = guard.as_ref() {
                return Ok(f(v));
            }
        }
        self.read(store, f).await
    }

    /// A CMDB write through this node committed: the next read checks.
    pub fn written(&self) {
        if let Ok(mut c) = self.checked.lock() {
            *c = None;
        }
    }

    /// Reads the view, caught up with the database first.
    pub async fn read<T>(&self, store: &Store, f: impl FnOnce(&View) -> T) -> Result<T, AppError> {
        let asked = Instant::now();
        let mut conn = store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let rev = cmdb::current_rev(&mut conn).await?;
        if self.rev() < rev {
            let _one = self.refreshing.lock().await;
            let seen = self.rev();
            if seen < rev {
                let cis = cmdb::cis_since(&mut conn, seen).await?;
                let rels = cmdb::relations_since(&mut conn, seen).await?;
                let classes = cmdb::classes(&mut conn).await?;
                self.apply(rev, cis, rels, classes)?;
            }
        }
        drop(conn);
        if let Ok(mut c) = self.checked.lock() {
            *c = Some(asked);
        }
        let guard = self.view.read().map_err(|_| AppError::Internal("CMDB cache poisoned".into()))?;
        Ok(f(guard.as_ref().unwrap_or_else(|| unreachable!("loaded above"))))
    }

    fn rev(&self) -> i64 {
        self.view.read().ok().and_then(|v| v.as_ref().map(|v| v.rev)).unwrap_or(-1)
    }

    fn apply(
        &self,
        rev: i64,
        cis: Vec<cmdb::CiBrief>,
        rels: Vec<cmdb::Relation>,
        classes: Vec<(String, String, i64)>,
    ) -> Result<(), AppError> {
        let mut custom = Vec::new();
        for (key, def, version) in classes {
            let class: Class = serde_json::from_str(&def)
                .map_err(|e| AppError::Internal(format!("stored class {key} is not readable: {e}")))?;
            custom.push((class, version));
        }
        let mut all = builtin();
        all.extend(custom.iter().map(|(c, _)| c.clone()));
        let schema = Schema::new(all).map_err(|p| AppError::Internal(format!("stored classes are invalid: {p:?}")))?;
        let mut guard = self.view.write().map_err(|_| AppError::Internal("CMDB cache poisoned".into()))?;
        let view = guard.get_or_insert_with(View::empty);
        view.schema = Arc::new(schema);
        view.custom = custom;
        for c in cis {
            if let Some(old) = view.cis.get(&c.id) {
                view.services.remove(&old.name.to_lowercase());
            }
            if steward_domain::cmdb::is_service(&view.schema, &c.class) {
                view.services.insert(c.name.trim().to_lowercase(), c.id);
            }
            view.cis.insert(c.id, Brief { class: c.class, name: c.name, status: c.status, created_at: c.created_at });
        }
        for r in rels {
            let Ok(kind) = RelationType::parse(&r.kind) else { continue };
            view.graph.upsert(Edge {
                id: r.id,
                relation: Relation { from: r.from_id, to: r.to_id, kind },
                since: r.created_at,
                until: r.removed_at,
            });
        }
        view.rev = rev;
        Ok(())
    }
}
