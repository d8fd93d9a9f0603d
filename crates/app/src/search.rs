//! Finding anything from one search box: a record by its number; records
//! of every kind (incidents, problems, known errors) by words, prefixes as
//! typed and quoted phrases through the full-text index, ranked, with the
//! matches marked; services and CIs the same way by their name,
//! description and attributes, or exactly by an identifier (hostname,
//! serial number). Each kind answers only what the actor may see.

use crate::error::Code;
use crate::{Actor, App, error::AppError};
use serde::Serialize;
use steward_domain::{
    access,
    incident::IncidentState,
    knowledge::ArticleState,
    lifecycle::{Lifecycle, open_state_names},
    number::{RecordKind, RecordNumber, numbers_in},
    problem::{ProblemState, can_view_problem},
    search::{self as text, Mark, Query},
};
use steward_store::{
    StoreError,
    cmdb::CiRow,
    fulltext::{self, Hit, Scope},
    records::{self, Incident},
    search::CiHit as CiMatch,
    search::{self, CiScope},
};

/// Results per kind unless the search asks for fewer or more.
pub const PER_KIND: i64 = 20;
/// The most results a search answers at once.
pub const MAX_LIMIT: i64 = 50;
/// Characters of a result's description shown around its matches.
const SNIPPET_CHARS: usize = 160;

/// What the search box may be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    Incident,
    Problem,
    /// Problems published as known errors.
    KnownError,
    /// Knowledge articles.
    Article,
    Service,
    Ci,
}

impl SearchKind {
    pub const ALL: [(SearchKind, &'static str); 6] = [
        (SearchKind::Incident, "incident"),
        (SearchKind::Problem, "problem"),
        (SearchKind::KnownError, "known_error"),
        (SearchKind::Article, "article"),
        (SearchKind::Service, "service"),
        (SearchKind::Ci, "ci"),
    ];
    pub fn parse(s: &str) -> Option<SearchKind> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(k, _)| *k == self).map_or("incident", |(_, n)| n)
    }
    fn is_record(self) -> bool {
        matches!(self, SearchKind::Incident | SearchKind::Problem | SearchKind::KnownError | SearchKind::Article)
    }
}

/// A search as the box and the API send it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    /// Only this kind (none: every kind).
    pub kind: Option<SearchKind>,
    /// Only records in these states, as stored or "open" (none: any;
    /// services and CIs have no state and are left out).
    pub states: Vec<String>,
    /// Results per kind (1..=[`MAX_LIMIT`]; none: [`PER_KIND`]).
    pub limit: Option<i64>,
}

/// A record found by its number.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NumberHit {
    pub kind: &'static str,
    /// E.g. INC0001127.
    pub number: String,
    pub title: String,
    pub state: String,
}

/// A run of a result's text, matched or not.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub matched: bool,
}

/// A result's text with its matches marked: all of a title, the part of a
/// description around the matches.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Highlighted {
    pub pieces: Vec<Piece>,
    /// Text was left out before / after.
    pub cut_before: bool,
    pub cut_after: bool,
}

impl Highlighted {
    fn of(source: &str, marks: &[Mark], max_chars: usize) -> Self {
        let s = text::snippet(source, marks, max_chars);
        Highlighted {
            pieces: s.segments.iter().map(|p| Piece { text: p.text.to_owned(), matched: p.matched }).collect(),
            cut_before: s.cut_before,
            cut_after: s.cut_after,
        }
    }
}

/// A record found by words.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordHit {
    /// `incident` or `problem`.
    pub kind: String,
    /// A problem published as a known error.
    pub known_error: bool,
    /// E.g. PRB0000012.
    pub number: String,
    pub title: String,
    pub state: String,
    pub opened_at: i64,
    pub updated_at: i64,
    /// Every word is in the title (these rank first).
    pub title_hit: bool,
    pub title_marked: Highlighted,
    pub snippet: Highlighted,
}

/// A service or CI found by words or by an identifier.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CiHit {
    pub ci: CiRow,
    /// Every word is in the name (these rank after an exact identifier).
    pub title_hit: bool,
    pub name_marked: Highlighted,
    pub snippet: Highlighted,
}

/// What a search found, grouped by kind.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The text searched for, trimmed.
    pub query: String,
    /// Records whose number the text is: one means "go straight there".
    pub by_number: Vec<NumberHit>,
    /// Records of every kind the actor may see, best first.
    pub records: Vec<RecordHit>,
    /// More records match than are listed.
    pub more_records: bool,
    /// The incidents among `records`, in their order, as the list has them.
    pub incidents: Vec<Incident>,
    /// More incidents may match than are listed.
    pub more_incidents: bool,
    pub services: Vec<CiHit>,
    /// CIs that are not services; staff only.
    pub cis: Vec<CiHit>,
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

/// The record-number prefixes a search recognises: the configured ones
/// and the defaults they replaced.
fn prefixes() -> Vec<&'static str> {
    steward_domain::number::Prefixes::known()
}

/// Parses what was typed; a refusal names the field `q`.
pub fn parse_query(text: &str) -> Result<Query, AppError> {
    text::parse(text, &prefixes()).map_err(|error| AppError::BadQuery { field: "q", error })
}

impl App {
    pub async fn search(&self, actor: &Actor, req: &SearchRequest) -> Result<Found, AppError> {
        // Control characters (a NUL, which PostgreSQL refuses) cannot be in
        // what is searched for: they are dropped, not refused, as typed words.
        let typed: String = req.text.trim_start().chars().filter(|c| !c.is_control()).collect();
        let query = typed.trim_end().to_owned();
        let mut found = Found { query: query.clone(), ..Found::default() };
        let limit = match req.limit {
            None => PER_KIND,
            Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(_) => return Err(AppError::field("limit", crate::error::between(1, MAX_LIMIT))),
        };
        let scope = self.record_scope(actor, req)?;
        if query.is_empty() {
            return Ok(found);
        }
        // As typed: a space after the last word says it is finished.
        let parsed = parse_query(&typed)?;
        if !matches!(req.kind, Some(SearchKind::Service | SearchKind::Ci)) {
            // The kinds searched, and for a requester the articles written
            // for them, which their own scope leaves out.
            let mut kinds = scope.as_ref().map(|s| s.kinds.clone()).unwrap_or_default();
            if self.requester_articles(actor, req).is_some() {
                kinds.push(RecordKind::Article.as_str());
            }
            found.by_number = self.records_numbered(actor, &query, &kinds, &scope).await?;
        }
        // A number that names records is what was meant: answer at once,
        // without reading titles (a bare number naming nothing may still be
        // words or a serial number).
        if !found.by_number.is_empty() {
            return Ok(found);
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let d = self.store.dialect();
        // A requester's own records and the articles written for them are
        // two searches, merged in rank order.
        let articles = self.requester_articles(actor, req);
        if scope.is_some() || articles.is_some() {
            let (mut hits, mut more) = match &scope {
                Some(scope) => fulltext::search(&mut conn, d, &parsed, scope, limit).await?,
                None => (Vec::new(), false),
            };
            if let Some(articles) = &articles {
                let (more_hits, more_articles) = fulltext::search(&mut conn, d, &parsed, articles, limit).await?;
                hits.extend(more_hits);
                hits.sort_by_key(|h| std::cmp::Reverse((h.title_hit, h.updated_at, h.id)));
                more = more || more_articles || hits.len() as i64 > limit;
                hits.truncate(usize::try_from(limit).unwrap_or(0));
            }
            let marks = parsed.marks();
            let incident_ids: Vec<i64> = hits.iter().filter(|h| h.kind == "incident").map(|h| h.id).collect();
            found.incidents = fulltext::records(&mut conn, &incident_ids).await?;
            found.more_incidents = more;
            found.records = hits.into_iter().map(|h| record_hit(h, &marks)).collect();
            found.more_records = more;
        }
        // Services and CIs have no state: a search narrowed by state is
        // about records.
        if !req.states.is_empty() || req.kind.is_some_and(SearchKind::is_record) {
            return Ok(found);
        }
        let services = self.service_classes().await?;
        // Quotation marks group words for the index; an identifier is
        // matched as typed between them.
        let identifier = query.replace(['"', '„', '“', '”'], "");
        let marks = parsed.marks();
        let mut cis = async |scope: CiScope| -> Result<Vec<CiHit>, AppError> {
            let hits = search::cis(&mut conn, d, &parsed, &identifier, &scope, limit).await?;
            Ok(hits.into_iter().map(|h| ci_hit(h, &marks)).collect())
        };
        if req.kind != Some(SearchKind::Ci) {
            let scope =
                CiScope { classes: services.clone(), requester_visible: !actor.is_staff(), ..CiScope::default() };
            found.services = cis(scope).await?;
        }
        if actor.is_staff() && req.kind != Some(SearchKind::Service) {
            found.cis = cis(CiScope { except: services, ..CiScope::default() }).await?;
        }
        Ok(found)
    }

    /// Which records the actor may search, narrowed as asked; `None` when
    /// no record is searched (services or CIs only, or nothing visible).
    fn record_scope(&self, actor: &Actor, req: &SearchRequest) -> Result<Option<Scope>, AppError> {
        let mut scope = Scope::default();
        let staff = can_view_problem(actor.role).is_ok();
        match req.kind {
            None => {
                scope.kinds.push(RecordKind::Incident.as_str());
                if staff {
                    scope.kinds.push(RecordKind::Problem.as_str());
                    scope.kinds.push(RecordKind::Article.as_str());
                }
            }
            Some(SearchKind::Incident) => scope.kinds.push(RecordKind::Incident.as_str()),
            Some(SearchKind::Article) if staff => scope.kinds.push(RecordKind::Article.as_str()),
            Some(SearchKind::Problem | SearchKind::KnownError) if staff => {
                scope.kinds.push(RecordKind::Problem.as_str());
                scope.known_errors_only = req.kind == Some(SearchKind::KnownError);
            }
            // A requester asking for problems finds none, as a requester
            // naming a problem by number learns nothing of it.
            Some(_) => return Ok(None),
        }
        // Requesters see their own incidents, as the incident list decides.
        if !actor.is_staff() {
            scope.requester_id = Some(actor.id);
        }
        for state in &req.states {
            let known = |kind: &str| match kind {
                "incident" => state == "open" || IncidentState::ALL.iter().any(|s| s.as_str() == state.as_str()),
                "article" => {
                    state == "open" || <ArticleState as Lifecycle>::ALL.iter().any(|s| s.as_str() == state.as_str())
                }
                _ => state == "open" || <ProblemState as Lifecycle>::ALL.iter().any(|s| s.as_str() == state.as_str()),
            };
            if !scope.kinds.iter().any(|k| known(k)) {
                let m = Code::NotSearchedState.msg(format!("{state:?} is not a state of the records searched"));
                return Err(AppError::field("state", m.with("state", format!("{state:?}"))));
            }
            if state == "open" {
                scope.states.extend(open_state_names::<IncidentState>().into_iter().map(str::to_owned));
                scope.states.extend(open_state_names::<ProblemState>().into_iter().map(str::to_owned));
                scope.states.extend(open_state_names::<ArticleState>().into_iter().map(str::to_owned));
            } else {
                scope.states.push(state.clone());
            }
        }
        scope.states.sort_unstable();
        scope.states.dedup();
        Ok(Some(scope))
    }

    /// The articles a requester may find (published, written for
    /// requesters), when the search takes articles; staff find articles in
    /// their one scope.
    fn requester_articles(&self, actor: &Actor, req: &SearchRequest) -> Option<Scope> {
        if actor.is_staff() || !matches!(req.kind, None | Some(SearchKind::Article)) {
            return None;
        }
        let published = ArticleState::Published.as_str();
        if !req.states.is_empty() && !req.states.iter().any(|s| s == published) {
            return None;
        }
        Some(Scope {
            kinds: vec![RecordKind::Article.as_str()],
            states: vec![published.to_owned()],
            requesters_only: true,
            ..Scope::default()
        })
    }

    /// The records of each kind the text names by number that the actor
    /// may see (a requester learns nothing of others' records).
    async fn records_numbered(
        &self,
        actor: &Actor,
        text: &str,
        kinds: &[&str],
        scope: &Option<Scope>,
    ) -> Result<Vec<NumberHit>, AppError> {
        let mut hits = Vec::new();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        for n in numbers_in(text) {
            let kind = n.kind.as_str();
            if !kinds.contains(&kind) {
                continue;
            }
            let Some(rec) = records::by_number(&mut conn, kind, n.seq).await? else {
                continue;
            };
            let visible = match n.kind {
                RecordKind::Incident => access::can_view(crate::incidents::viewer(actor, &rec)).is_ok(),
                RecordKind::Problem => can_view_problem(actor.role).is_ok(),
                // Requesters find by number only what they may read.
                RecordKind::Article => actor.is_staff() || self.get_article(actor, &n.to_string(), None).await.is_ok(),
                RecordKind::Change => steward_domain::change::can_view_change(actor.role).is_ok(),
                RecordKind::Task => steward_domain::task::can_view_task(actor.role).is_ok(),
            };
            let states = scope.as_ref().map(|s| s.states.as_slice()).unwrap_or_default();
            if visible && (states.is_empty() || states.contains(&rec.state)) {
                hits.push(NumberHit { kind, number: n.to_string(), title: rec.title, state: rec.state });
            }
        }
        Ok(hits)
    }

    /// Folds the search text of records written before search existed
    /// (migration 0013) and of services and CIs from before migration
    /// 0020, in batches of `batch` rows, each its own short
    /// write, until none is left; returns how many it did. Run in the
    /// background after start: the server answers meanwhile, and an
    /// interrupted run is taken up where it stopped by the next start.
    pub async fn backfill_search(&self, batch: i64) -> Result<usize, AppError> {
        let mut done = 0;
        loop {
            let n = self.store.write(move |c| Box::pin(async move { fulltext::backfill(c, batch).await })).await?;
            done += n;
            if n == 0 {
                return Ok(done);
            }
            tokio::task::yield_now().await;
        }
    }

    /// Merges the search index in steps of `pages` pages, each its own
    /// short write, until there is nothing left to merge or `max_steps`
    /// were taken; returns the steps that did work.
    pub async fn merge_search_index(&self, pages: i64, max_steps: usize) -> Result<usize, AppError> {
        let d = self.store.dialect();
        for step in 0..max_steps {
            let worked = self.store.write(move |c| Box::pin(async move { fulltext::merge(c, d, pages).await })).await?;
            if !worked {
                return Ok(step);
            }
            tokio::task::yield_now().await;
        }
        Ok(max_steps)
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

/// A hit's title (all of it) and the part of its description around the
/// matches, marked: the one highlighting of records, services and CIs.
fn marked(title: &str, description: &str, marks: &[Mark]) -> (Highlighted, Highlighted) {
    (Highlighted::of(title, marks, title.chars().count().max(1)), Highlighted::of(description, marks, SNIPPET_CHARS))
}

fn ci_hit(h: CiMatch, marks: &[Mark]) -> CiHit {
    let (name_marked, snippet) = marked(&h.ci.name, &h.ci.description, marks);
    CiHit { ci: h.ci, title_hit: h.title_hit > 0, name_marked, snippet }
}

pub(crate) fn record_hit(h: Hit, marks: &[Mark]) -> RecordHit {
    let kind = RecordKind::named(&h.kind).unwrap_or(RecordKind::Incident);
    let (title_marked, snippet) = marked(&h.title, &h.description, marks);
    RecordHit {
        number: RecordNumber { kind, seq: h.number }.to_string(),
        known_error: h.known_error > 0,
        title_hit: h.title_hit > 0,
        title_marked,
        snippet,
        kind: h.kind,
        title: h.title,
        state: h.state,
        opened_at: h.opened_at,
        updated_at: h.updated_at,
    }
}
