//! The list filters as the API and the UI take them (text), turned into a
//! store filter with names resolved and a keyset cursor decoded.

use crate::Code;
use crate::error::Message;
use crate::{
    Actor, App,
    error::{AppError, Errors},
};
use base64::Engine;
use serde::{Deserialize, Serialize};
use steward_domain::IncidentState;
use steward_store::{
    StoreError, accounts,
    records::{Assigned, Filter, SlaFilter, Sort},
    search,
};

/// How far ahead "breaching soon" looks: an hour, as a desk plans it.
pub const BREACHING_SOON: i64 = 3_600_000_000;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Comma-separated states; `open` means new, in_progress and on_hold.
    pub state: Option<String>,
    /// Comma-separated priorities 1–5.
    pub priority: Option<String>,
    /// Comma-separated group names; `mine` is the caller's groups, `none` unassigned.
    pub group: Option<String>,
    /// A username, `me` or `none`.
    pub assignee: Option<String>,
    /// A username or `me`.
    pub requester: Option<String>,
    pub service: Option<String>,
    /// An organisation's name (any case).
    pub organisation: Option<String>,
    pub category: Option<String>,
    pub major: Option<String>,
    /// Words in the title or description.
    pub text: Option<String>,
    /// RFC 3339 times or YYYY-MM-DD dates (UTC); `from` inclusive, `to` exclusive.
    pub opened_from: Option<String>,
    pub opened_to: Option<String>,
    pub updated_from: Option<String>,
    pub updated_to: Option<String>,
    /// `breaching_soon` (a running SLA clock due within the next hour, or
    /// overdue and not yet marked) or `breached`.
    pub sla: Option<String>,
    /// priority (default), -priority, opened, -opened, updated, -updated,
    /// number, -number, sla_due (the nearest SLA due moment first)
    pub sort: Option<String>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn items(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// Parses an RFC 3339 time or a date into microseconds.
pub fn parse_time(s: &str) -> Result<i64, crate::Message> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t.as_microsecond());
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        if let Ok(z) = d.to_zoned(jiff::tz::TimeZone::UTC) {
            return Ok(z.timestamp().as_microsecond());
        }
    }
    Err(Code::NotATime.msg(format!("{s:?} is not a time: use RFC 3339 (2026-01-31T12:00:00Z) or a date (2026-01-31)")))
}

pub fn encode_cursor(key: &[i64]) -> String {
    let text = key.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(".");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(s: &str, len: usize) -> Result<Vec<i64>, Message> {
    let bad = || Code::BadCursor.msg("is not a cursor from this list (it belongs to another sort, or was altered)");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let key = text.split('.').map(|p| p.parse::<i64>()).collect::<Result<Vec<_>, _>>().map_err(|_| bad())?;
    if key.len() != len {
        return Err(bad());
    }
    Ok(key)
}

impl App {
    /// Checks and resolves list parameters for this caller.
    pub async fn incident_filter(&self, actor: &Actor, p: &ListParams) -> Result<Filter, AppError> {
        let mut bad = Errors::default();
        // Names and words go to the database as given: hold them to the text
        // rule first (PostgreSQL refuses a NUL outright).
        for (field, v) in [
            ("group", &p.group),
            ("assignee", &p.assignee),
            ("requester", &p.requester),
            ("service", &p.service),
            ("organisation", &p.organisation),
            ("category", &p.category),
            ("text", &p.text),
        ] {
            if v.as_deref().is_some_and(|v| v.chars().any(char::is_control)) {
                bad.add(field, steward_domain::text::TextError::Control);
            }
        }
        bad.finish()?;
        let mut errs = Errors::default();
        let mut f = Filter { limit: 50, ..Filter::default() };
        if let Some(s) = present(&p.sort) {
            match Sort::parse(s) {
                Some(sort) => f.sort = sort,
                None => errs.add("sort", crate::error::one_of(&Sort::ALL.iter().map(|(_, n)| *n).collect::<Vec<_>>())),
            }
        }
        if let Some(s) = present(&p.state) {
            for st in items(s) {
                if st == "open" {
                    f.states.extend(["new", "in_progress", "on_hold"].map(String::from));
                } else if let Some(v) = errs.check("state", st.parse::<IncidentState>()) {
                    f.states.push(v.as_str().to_owned());
                }
            }
            f.states.dedup();
        }
        if let Some(s) = present(&p.priority) {
            for v in items(s) {
                match v.trim_start_matches(['P', 'p']).parse::<i64>() {
                    Ok(n) if (1..=5).contains(&n) => f.priorities.push(n),
                    _ => errs.add(
                        "priority",
                        Code::NotPriority
                            .msg(format!("{v:?} is not a priority: use 1 to 5"))
                            .with("text", format!("{v:?}")),
                    ),
                }
            }
        }
        if let Some(l) = p.limit {
            if !(1..=super::query::MAX_PAGE).contains(&l) {
                errs.add("limit", crate::error::between(1, super::query::MAX_PAGE));
            } else {
                f.limit = l;
            }
        }
        if let Some(v) = present(&p.sla) {
            match v {
                "breaching_soon" => f.sla = Some(SlaFilter::DueBy(steward_store::now_micros() + BREACHING_SOON)),
                "breached" => f.sla = Some(SlaFilter::Breached),
                _ => errs.add(
                    "sla",
                    Code::OneOf.msg("must be breaching_soon or breached").with("list", "breaching_soon, breached"),
                ),
            }
        }
        if let Some(m) = present(&p.major) {
            match m {
                "true" | "1" | "yes" => f.major = Some(true),
                "false" | "0" | "no" => f.major = Some(false),
                _ => errs.add("major", Code::NotBool.msg("must be true or false")),
            }
        }
        f.text = present(&p.text).map(|t| t.chars().take(200).collect());
        f.category = present(&p.category).map(str::to_owned);
        for (field, value, slot) in [
            ("opened_from", &p.opened_from, &mut f.opened_from),
            ("opened_to", &p.opened_to, &mut f.opened_to),
            ("updated_from", &p.updated_from, &mut f.updated_from),
            ("updated_to", &p.updated_to, &mut f.updated_to),
        ] {
            if let Some(v) = present(value) {
                *slot = errs.check(field, parse_time(v));
            }
        }
        if let Some(c) = present(&p.cursor) {
            f.after = errs.check("cursor", decode_cursor(c, f.sort.key_len()));
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        if let Some(g) = present(&p.group) {
            for name in items(g) {
                match name {
                    "mine" => {
                        f.group_ids.extend(&actor.group_ids);
                        if actor.group_ids.is_empty() {
                            f.group_ids.push(-1); // matches nothing, as "my groups" should
                        }
                    }
                    "none" => f.no_group = true,
                    _ => match accounts::group_by_name(&mut conn, name).await? {
                        Some(grp) => f.group_ids.push(grp.id),
                        None => errs.add(
                            "group",
                            Code::NoGroup.msg(format!("no group named {name:?}")).with("name", format!("{name:?}")),
                        ),
                    },
                }
            }
        }
        if let Some(a) = present(&p.assignee) {
            f.assignee = match a {
                "me" => Some(Assigned::To(actor.id)),
                "none" => Some(Assigned::Nobody),
                who => errs.check("assignee", user_named(&mut conn, who).await?).map(Assigned::To),
            };
        }
        if let Some(r) = present(&p.requester) {
            f.requester_id = match r {
                "me" => Some(actor.id),
                who => errs.check("requester", user_named(&mut conn, who).await?),
            };
        }
        if let Some(name) = present(&p.organisation) {
            match accounts::organisation_by_name(&mut conn, name).await? {
                Some(o) => f.organisation_id = Some(o.id),
                None => errs.add(
                    "organisation",
                    Code::NoOrganisation
                        .msg(format!("no organisation named {name:?}"))
                        .with("name", format!("{name:?}")),
                ),
            }
        }
        drop(conn);
        if let Some(name) = present(&p.service) {
            let ids = self.service_ids_named(name).await?;
            if ids.is_empty() {
                errs.add(
                    "service",
                    Code::NoService.msg(format!("no service named {name:?}")).with("name", format!("{name:?}")),
                );
            }
            f.service_ids = ids;
        }
        errs.finish()?;
        Ok(f)
    }
}

impl App {
    /// Another kind's list filter: the incident list's `shared` parameters
    /// as it reads them, with the kind's `states` and condition (`extra`);
    /// every bad parameter named at once, the kind's own (`errs`) too.
    pub(crate) async fn kind_filter(
        &self,
        actor: &Actor,
        shared: &ListParams,
        (kind, states, extra): (&'static str, Vec<String>, Option<&'static str>),
        errs: Errors,
    ) -> Result<Filter, AppError> {
        let f = match self.incident_filter(actor, shared).await {
            Ok(f) => f,
            Err(AppError::Invalid(mut bad)) => {
                bad.extend(errs.0);
                return Err(AppError::Invalid(bad));
            }
            Err(e) => return Err(e),
        };
        errs.finish()?;
        Ok(Filter { kind, states, extra, ..f })
    }
}

/// The states a list asks for (comma-separated; `open` is every open
/// state of the kind), sorted, each bad one noted under `state`.
pub(crate) fn kind_states<S>(errs: &mut Errors, text: Option<&str>) -> Vec<String>
where
    S: steward_domain::Lifecycle,
{
    let mut states: Vec<String> = Vec::new();
    for st in items(text.unwrap_or("")) {
        if st == "open" {
            states.extend(steward_domain::lifecycle::open_state_names::<S>().into_iter().map(String::from));
        } else if let Some(v) = errs.check("state", st.parse::<S>()) {
            states.push(v.as_str().to_owned());
        }
    }
    states.sort();
    states.dedup();
    states
}

/// The one user a filter names by username, e-mail or display name (any
/// case); a name two people share must be given as username or e-mail.
async fn user_named(conn: &mut steward_store::Conn, who: &str) -> Result<Result<i64, crate::Message>, AppError> {
    let found = search::users_named(conn, who).await?;
    Ok(match found.as_slice() {
        [] => Err(Code::NoUserNamed
            .msg(format!("no user with the username, e-mail or name {who:?}"))
            .with("who", format!("{who:?}"))),
        [only] => Ok(only.id),
        [first, ..] if first.username == who => Ok(first.id),
        _ => Err(Code::UserAmbiguous
            .msg(format!("{who:?} names {} users: give a username or e-mail", found.len()))
            .with("who", format!("{who:?}"))
            .with("n", found.len())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_tampering() {
        let c = encode_cursor(&[3, 1_700_000_000_000_000, 42]);
        assert_eq!(decode_cursor(&c, 3).unwrap(), vec![3, 1_700_000_000_000_000, 42]);
        assert!(decode_cursor(&c, 2).is_err());
        assert!(decode_cursor("!!", 1).is_err());
        assert!(decode_cursor(&encode_cursor(&[1]).replace('M', "x"), 1).is_err());
    }

    #[test]
    fn times_and_dates_parse() {
        assert_eq!(parse_time("1970-01-01T00:00:01Z").unwrap(), 1_000_000);
        assert_eq!(parse_time("1970-01-02").unwrap(), 86_400_000_000);
        assert!(parse_time("yesterday").unwrap_err().text.contains("RFC 3339"));
    }
}
