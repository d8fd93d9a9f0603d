//! Finding anything from one search box: a record by its number, incidents
//! by words in their title or description, services and CIs by name,
//! hostname or serial number. Each kind answers only what the actor may see.

use crate::{Actor, App, error::AppError};
use serde::Serialize;
use steward_domain::{
    access,
    number::{RecordKind, numbers_in},
};
use steward_store::{
    StoreError,
    cmdb::CiRow,
    records::{self, Filter, Incident, Sort},
    search::{self, CiScope},
};

/// Results per kind; the full lists hold the rest.
pub const PER_KIND: i64 = 20;
/// Longer search texts are cut to this many characters.
pub const MAX_QUERY: usize = 200;

/// A record found by its number.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NumberHit {
    pub kind: &'static str,
    /// E.g. INC0001127.
    pub number: String,
    pub title: String,
    pub state: String,
}

/// What a search found, grouped by kind.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The text searched for (trimmed and cut to [`MAX_QUERY`]).
    pub query: String,
    /// Records whose number the text is: one means "go straight there".
    pub by_number: Vec<NumberHit>,
    pub incidents: Vec<Incident>,
    /// More incidents match than are listed.
    pub more_incidents: bool,
    pub services: Vec<CiRow>,
    /// CIs that are not services; staff only.
    pub cis: Vec<CiRow>,
}

impl Found {
    /// The one record the text names by number, if exactly one exists.
    pub fn go_to(&self) -> Option<&NumberHit> {
        match self.by_number.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

impl App {
    pub async fn search(&self, actor: &Actor, text: &str) -> Result<Found, AppError> {
        // Control characters (a NUL, which PostgreSQL refuses) cannot be in
        // what is searched for: they are dropped, not refused, as typed words.
        let query: String = text.trim().chars().filter(|c| !c.is_control()).take(MAX_QUERY).collect();
        let mut found = Found { query: query.clone(), ..Found::default() };
        if query.is_empty() {
            return Ok(found);
        }
        found.by_number = self.records_numbered(actor, &query).await?;
        // A number that names records is what was meant: answer at once,
        // without reading titles (a bare number naming nothing may still be
        // words or a serial number).
        if !found.by_number.is_empty() {
            return Ok(found);
        }
        let words = Filter { text: Some(query.clone()), sort: Sort::UpdatedDesc, limit: PER_KIND, ..Filter::default() };
        (found.incidents, found.more_incidents) = self.list_incidents(actor, words).await?;
        let services = self.service_classes().await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let d = self.store.dialect();
        let scope = CiScope { classes: services.clone(), requester_visible: !actor.is_staff(), ..CiScope::default() };
        found.services = search::cis(&mut conn, d, &query, &scope, PER_KIND).await?;
        if actor.is_staff() {
            let scope = CiScope { except: services, ..CiScope::default() };
            found.cis = search::cis(&mut conn, d, &query, &scope, PER_KIND).await?;
        }
        Ok(found)
    }

    /// The records of each kind the text names by number that the actor
    /// may see (a requester learns nothing of others' records).
    async fn records_numbered(&self, actor: &Actor, text: &str) -> Result<Vec<NumberHit>, AppError> {
        let mut hits = Vec::new();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        for n in numbers_in(text) {
            let kind = n.kind.as_str();
            let Some(rec) = records::by_number(&mut conn, kind, n.seq).await? else {
                continue;
            };
            let visible = match n.kind {
                RecordKind::Incident => access::can_view(crate::incidents::viewer(actor, &rec)).is_ok(),
                RecordKind::Problem => steward_domain::problem::can_view_problem(actor.role).is_ok(),
                // Requesters find by number only what they may read.
                RecordKind::Article => actor.is_staff() || self.get_article(actor, &n.to_string(), None).await.is_ok(),
            };
            if visible {
                hits.push(NumberHit { kind, number: n.to_string(), title: rec.title, state: rec.state });
            }
        }
        Ok(hits)
    }

    /// Every class that is a service (business or technical, and the
    /// classes extending them).
    pub async fn service_classes(&self) -> Result<Vec<String>, AppError> {
        let mut classes = self.descendants("business_service").await?;
        classes.extend(self.descendants("technical_service").await?);
        Ok(classes)
    }

    /// The services named `name` (any case): what a list filter by
    /// service name means.
    pub async fn service_ids_named(&self, name: &str) -> Result<Vec<i64>, AppError> {
        let classes = self.service_classes().await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(search::ci_ids_named(&mut conn, &classes, name).await?)
    }
}
