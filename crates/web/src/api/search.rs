//! `GET /api/v1/search?q=&kind=&state=&limit=`: one search box for
//! everything, grouped by kind, records ranked with their matches marked.

use super::dto::{IncidentJson, time};
use crate::{AppState, auth::ApiActor, error::ApiError, query::Query};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_app::Code;
use steward_app::search::{CiHit, Found, Highlighted, NumberHit, RecordHit, SearchKind, SearchRequest};
use steward_domain::number::RecordKind;
use utoipa::ToSchema;

/// The search resource: search and suggestions, with their OpenAPI
/// description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(search, suggestions), components(schemas(super::schema::SearchKindName)))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/search", get(search)).route("/suggestions", get(suggestions))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    q: Option<String>,
    kind: Option<String>,
    state: Option<String>,
    limit: Option<i64>,
}

impl SearchQuery {
    /// The request as the app takes it; an unknown kind names `kind`.
    pub fn request(self) -> Result<SearchRequest, ApiError> {
        let kind = match self.kind.as_deref() {
            None => None,
            Some(k) => Some(SearchKind::parse(k).ok_or_else(|| {
                let names: Vec<&str> = SearchKind::ALL.iter().map(|(_, n)| *n).collect();
                ApiError::field("kind", steward_app::error::one_of(&names))
            })?),
        };
        let states = self
            .state
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(SearchRequest { text: self.q.unwrap_or_default(), kind, states, limit: self.limit })
    }
}

/// A run of text; `matched` when it is what the search matched.
#[derive(Serialize, ToSchema)]
pub struct PieceJson {
    pub text: String,
    pub matched: bool,
}

/// Text with its matches marked, in order.
#[derive(Serialize, ToSchema)]
pub struct HighlightJson {
    pub pieces: Vec<PieceJson>,
    /// Text was left out before the first piece.
    pub cut_before: bool,
    /// Text was left out after the last piece.
    pub cut_after: bool,
}

/// A record found by words, best first.
#[derive(Serialize, ToSchema)]
pub struct RecordFoundJson {
    #[schema(value_type = crate::api::schema::RecordKindName)]
    pub kind: String,
    /// A problem published as a known error.
    pub known_error: bool,
    /// e.g. PRB0000012
    pub number: String,
    /// Its API address.
    pub href: String,
    pub title: String,
    pub state: String,
    pub opened_at: String,
    pub updated_at: String,
    /// Every word is in the title (these rank first).
    pub title_hit: bool,
    /// The whole title with the matches marked.
    pub title_marked: HighlightJson,
    /// The part of the description around the matches, marked.
    pub snippet: HighlightJson,
}

fn marked(h: Highlighted) -> HighlightJson {
    HighlightJson {
        pieces: h.pieces.into_iter().map(|p| PieceJson { text: p.text, matched: p.matched }).collect(),
        cut_before: h.cut_before,
        cut_after: h.cut_after,
    }
}

/// The API resource of a record of `kind` numbered `number`.
fn api_path(kind: &str, number: &str) -> String {
    let (_, api) = RecordKind::named(kind).unwrap_or(RecordKind::Incident).paths();
    format!("/api/v1/{api}/{number}")
}

fn found(r: RecordHit) -> RecordFoundJson {
    RecordFoundJson {
        href: api_path(&r.kind, &r.number),
        kind: r.kind,
        known_error: r.known_error,
        number: r.number,
        title: r.title,
        state: r.state,
        opened_at: time(r.opened_at),
        updated_at: time(r.updated_at),
        title_hit: r.title_hit,
        title_marked: marked(r.title_marked),
        snippet: marked(r.snippet),
    }
}

/// A record whose number the search text is.
#[derive(Serialize, ToSchema)]
pub struct RecordHitJson {
    /// The kind of record, e.g. `incident`.
    pub kind: String,
    /// e.g. INC0001127
    pub number: String,
    pub title: String,
    pub state: String,
}

/// A service or CI found by words of its name, description, vendor or
/// attributes, or by an identifier (hostname, serial number, FQDN, UUID).
#[derive(Serialize, ToSchema)]
pub struct CiHitJson {
    pub id: i64,
    pub class: String,
    pub name: String,
    pub status: String,
    /// Services only: pipeline, live or retired.
    pub portfolio_status: Option<String>,
    /// Every word is in the name (these rank first after an exact
    /// identifier).
    pub title_hit: bool,
    /// The whole name with the matches marked.
    pub name_marked: HighlightJson,
    /// The part of the description around the matches, marked.
    pub snippet: HighlightJson,
}

/// What a search found, grouped by kind; each kind holds at most `limit`
/// (20 unless asked).
#[derive(Serialize, ToSchema)]
pub struct SearchResultJson {
    /// The text searched for, trimmed.
    pub query: String,
    /// Records whose number the text is (`INC0001127`, `inc1127`, or a
    /// bare `1127` for every kind); exactly one means the client can go
    /// straight to it, several offer the choice. When any is found, the
    /// other groups are left empty.
    pub by_number: Vec<RecordHitJson>,
    /// Set when exactly one record has that number: its API address.
    pub go_to: Option<String>,
    /// Records of every kind the caller may see (incidents, problems and
    /// known errors) with every word in their title or description, best
    /// first: title matches, then the most recently updated. A word that
    /// matches more than 10,000 records ranks within the most recent
    /// 10,000.
    pub records: Vec<RecordFoundJson>,
    /// More records match than are listed.
    pub more_records: bool,
    /// The incidents among `records`, in the same order, as the incident
    /// list shows them.
    pub incidents: Vec<IncidentJson>,
    /// More records match: incidents can be listed with `/incidents?text=`.
    pub more_incidents: bool,
    /// Services with every word in their name, description or attributes,
    /// or an identifier equal to the text (requesters: those offered to
    /// them), best first: an exact identifier, every word in the name, then
    /// by name.
    pub services: Vec<CiHitJson>,
    /// Other CIs, found and ranked as services are (agents, managers and
    /// admins only).
    pub cis: Vec<CiHitJson>,
}

fn hit(h: &NumberHit) -> RecordHitJson {
    RecordHitJson { kind: h.kind.to_owned(), number: h.number.clone(), title: h.title.clone(), state: h.state.clone() }
}

fn ci(h: CiHit) -> CiHitJson {
    let r = h.ci;
    CiHitJson {
        id: r.id,
        class: r.class,
        name: r.name,
        status: r.status,
        portfolio_status: r.portfolio_status,
        title_hit: h.title_hit,
        name_marked: marked(h.name_marked),
        snippet: marked(h.snippet),
    }
}

impl From<Found> for SearchResultJson {
    fn from(f: Found) -> Self {
        SearchResultJson {
            go_to: f.go_to().map(|h| api_path(h.kind, &h.number)),
            by_number: f.by_number.iter().map(hit).collect(),
            query: f.query,
            records: f.records.into_iter().map(found).collect(),
            more_records: f.more_records,
            incidents: f.incidents.into_iter().map(IncidentJson::from).collect(),
            more_incidents: f.more_incidents,
            services: f.services.into_iter().map(ci).collect(),
            cis: f.cis.into_iter().map(ci).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", operation_id = "search",
    params(("q" = Option<String>, Query, description = "A record number (INC0001127, inc1127, 1127); words of a record's title or description (the last one a prefix while typed, \"quoted phrases\" in order, folded: zolty finds Żółty); or words of a service's or CI's name, description or attributes, or its exact hostname or serial number. At most 500 characters."),
        ("kind" = Option<crate::api::schema::SearchKindName>, Query, description = "Only this kind"),
        ("state" = Option<String>, Query, description = "Only records in these states (comma-separated; `open` for every open state); leaves services and CIs out"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 50, description = "Results per kind (default 20)")),
    responses((status = 200, description = "What was found, by kind", body = SearchResultJson),
        (status = 400, description = "A search text that cannot be searched: an unclosed quotation mark, more than 500 characters, only punctuation, or only common words; the code says which and `errors` names `q`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad query string", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<SearchQuery>,
) -> Result<axum::Json<SearchResultJson>, ApiError> {
    let found = s.app.search(&actor, &q.request()?).await?;
    Ok(axum::Json(found.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestQuery {
    title: Option<String>,
    description: Option<String>,
    limit: Option<i64>,
    lang: Option<String>,
}

/// Known errors and articles matching a report being typed, best first.
#[derive(Serialize, ToSchema)]
pub struct SuggestionsJson {
    /// Best first; empty while the report has nothing to look for.
    pub items: Vec<RecordFoundJson>,
}

#[utoipa::path(get, path = "/api/v1/suggestions", tag = "search", operation_id = "suggestions",
    params(("title" = Option<String>, Query, description = "The incident's title as typed so far (its last word, with nothing after it, matches as a prefix once it has 3 letters)"),
        ("description" = Option<String>, Query, description = "The description as typed so far (its first 2,000 bytes are read)"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 20, description = "How many (default 5)"),
        ("lang" = Option<crate::api::schema::ArticleLang>, Query, description = "Articles in this language where they are written in it (default en)")),
    responses((status = 200, description = "For agents, managers and admins the known errors (not closed or cancelled) and published articles; for requesters the published articles written for them. Matching any of the words, best first (more words and title words rank higher).", body = SuggestionsJson),
        (status = 401, description = "Not signed in", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad query string or limit", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn suggestions(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<SuggestQuery>,
) -> Result<axum::Json<SuggestionsJson>, ApiError> {
    let title = q.title.unwrap_or_default();
    let description = q.description.unwrap_or_default();
    let lang = match q.lang.as_deref() {
        None | Some("en") => "en",
        Some("pl") => "pl",
        Some(_) => return Err(ApiError::field("lang", Code::OneOf.msg("must be en or pl").with("list", "en, pl"))),
    };
    let hits = s.app.suggestions(&actor, &title, &description, q.limit, lang).await?;
    Ok(axum::Json(SuggestionsJson { items: hits.into_iter().map(found).collect() }))
}
