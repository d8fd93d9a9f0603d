//! Links between records of any kinds (parent and child, duplicate of,
//! related), made and removed from either end, journaled on both. The
//! incident-to-problem link ("caused by") and an article's problems have
//! their own use cases (`problems::links`, `articles`); they show here too.
//!
//! Each change is one `write_checked` job: the check locks the record it
//! starts from (and the child whose parent changes), loads the other end
//! and refuses a loop or a second parent or original before anything is
//! written.

use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
    records,
};
use steward_domain::{
    RecordNumber,
    journal::{Action, FieldChange},
    links::{self, LinkType, Stored},
    number::RecordKind,
};
use steward_store::{
    Conn, Dialect, StoreError, links as store_links, now_micros,
    records::{self as store_records, Record},
};

/// The record at the other end of a link, as the record's page and API show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordLink {
    /// The link as read from the record asked about.
    pub link: LinkType,
    pub record: RecordNumber,
    pub title: String,
    pub state: String,
    pub priority: i64,
    pub linked_at: Option<i64>,
    pub linked_by: Option<String>,
}

/// A link to make or remove, as sent.
#[derive(Debug, Clone, Default)]
pub struct LinkRequest {
    /// The link's name as seen from the record (`related`, `duplicate_of`, …).
    pub link: String,
    /// The other record's number (a bare number is one of the same kind).
    pub record: String,
    /// The version of the record the link starts from, when the writer
    /// saw one.
    pub version: Option<i64>,
}

/// What a checked link request will write.
struct Plan {
    link: LinkType,
    here: Record,
    there: Record,
    /// Already so (making) or not so (removing): nothing to write.
    nothing: bool,
}

impl App {
    /// Every link of the record, both ways.
    pub async fn record_links(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
    ) -> Result<Vec<RecordLink>, AppError> {
        links::can_link(actor.role)?;
        let n = kind.seq_of(number).ok_or(AppError::NotFound(kind.as_str()))?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let id = store_records::id_of(&mut conn, kind.as_str(), n).await?.ok_or(AppError::NotFound(kind.as_str()))?;
        read(&mut conn, id).await
    }

    /// Links the record to another; a link that exists already stays as
    /// it is. Answers the record's links.
    pub async fn link_record(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
        req: &LinkRequest,
    ) -> Result<Vec<RecordLink>, AppError> {
        self.change_link(actor, kind, number, req, true).await
    }

    /// Removes a link the record has.
    pub async fn unlink_record(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
        req: &LinkRequest,
    ) -> Result<Vec<RecordLink>, AppError> {
        self.change_link(actor, kind, number, req, false).await
    }

    async fn change_link(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
        req: &LinkRequest,
        make: bool,
    ) -> Result<Vec<RecordLink>, AppError> {
        links::can_link(actor.role)?;
        let n = kind.seq_of(number).ok_or(AppError::NotFound(kind.as_str()))?;
        let (link, there) = parse(kind, n, req)?;
        let (dialect, actor_id, version) = (self.store.dialect(), actor.id, req.version);
        self.store
            .write_checked(
                move |c| Box::pin(async move { check(c, dialect, kind, n, version, link, there, make).await }),
                move |c, plan| {
                    Box::pin(async move {
                        if !plan.nothing {
                            apply(c, &plan, make, actor_id, now_micros()).await?;
                        }
                        read(c, plan.here.id).await
                    })
                },
            )
            .await
    }
}

/// The link and the other end a request names, or every field's problem.
fn parse(kind: RecordKind, n: i64, req: &LinkRequest) -> Result<(LinkType, RecordNumber), AppError> {
    let mut errs = Errors::default();
    let link = errs.check("link", LinkType::requested(&req.link));
    let raw = req.record.trim();
    let there = if raw.is_empty() {
        errs.add("record", Code::Required.msg("is required"));
        None
    } else if let Some(seq) = raw.parse::<i64>().ok().filter(|s| *s > 0) {
        Some(RecordNumber { kind, seq })
    } else {
        match raw.parse::<RecordNumber>() {
            Ok(r) => Some(r),
            Err(_) => {
                errs.add(
                    "record",
                    Code::NotRecordNumber.msg(format!("{raw:?} is not a record number (such as INC0000042)")),
                );
                None
            }
        }
    };
    if let (Some(l), Some(t)) = (link, there) {
        let same = t == RecordNumber { kind, seq: n };
        if let Err(e) = links::may_link(kind, l, t.kind, same) {
            errs.add("record", e);
        }
    }
    errs.finish()?;
    match (link, there) {
        (Some(l), Some(t)) => Ok((l, t)),
        _ => Err(AppError::Internal("a link request passed its checks half".into())),
    }
}

/// Locks the record the change starts from (and the child whose parent
/// changes), loads the other end and decides: refuses a second parent or
/// original and a loop; says when there is nothing to do.
#[allow(clippy::too_many_arguments)]
async fn check(
    c: &mut Conn,
    d: Dialect,
    kind: RecordKind,
    n: i64,
    version: Option<i64>,
    link: LinkType,
    there: RecordNumber,
    make: bool,
) -> Result<Plan, AppError> {
    if link.stored().0 == Stored::Parent || link.stored().0 == Stored::Row(links::DUPLICATE_OF) {
        store_links::lock_chains(c, d).await?;
    }
    let here = records::lock(c, d, kind.as_str(), n).await?;
    if let Some(v) = version {
        records::check_version(&here, v)?;
    }
    let there_rec = if link == LinkType::Child {
        match records::lock(c, d, there.kind.as_str(), there.seq).await {
            Err(AppError::NotFound(_)) => return Err(no_such(there)),
            other => other?,
        }
    } else {
        store_records::by_number(c, there.kind.as_str(), there.seq).await?.ok_or_else(|| no_such(there))?
    };
    let here_no = RecordNumber { kind, seq: here.number }.to_string();
    let there_no = there.to_string();
    let (how, here_is_from) = link.stored();
    let (from, to) = if here_is_from { (&here, &there_rec) } else { (&there_rec, &here) };
    let from_no = if here_is_from { &here_no } else { &there_no };
    let linked = match how {
        Stored::Parent => from.parent_id == Some(to.id),
        Stored::Row(name) => store_links::exists(c, from.id, name, to.id, link == LinkType::Related).await?,
    };
    let plan = |nothing| Plan { link, here: here.clone(), there: there_rec.clone(), nothing };
    if !make {
        if !linked {
            return Err(AppError::field(
                "record",
                Code::NotLinked
                    .msg(format!("{here_no} has no {} link to {there_no}", link.as_str()))
                    .with("number", &there_no),
            ));
        }
        return Ok(plan(false));
    }
    if linked {
        return Ok(plan(true));
    }
    // One parent, one original: the `from` end must have none yet.
    let held = match how {
        Stored::Parent => match from.parent_id {
            Some(p) => match store_records::get(c, p).await? {
                Some(parent) => Some(RecordNumber { kind: kind_of(&parent)?, seq: parent.number }.to_string()),
                None => None,
            },
            None => None,
        },
        Stored::Row(links::DUPLICATE_OF) => store_links::original_of(c, from.id)
            .await?
            .and_then(|(_, k, num)| RecordKind::named(&k).map(|k| RecordNumber { kind: k, seq: num }.to_string())),
        Stored::Row(_) => None,
    };
    if let Some(other) = held {
        return Err(AppError::field("record", links::taken(link, from_no, &other)));
    }
    // A loop: `to` is already below `from`.
    let chained = match how {
        Stored::Parent => Some(true),
        Stored::Row(links::DUPLICATE_OF) => Some(false),
        Stored::Row(_) => None,
    };
    if let Some(parent) = chained
        && store_links::reaches(c, parent, to.id, from.id).await?
    {
        return Err(AppError::field("record", links::cycle(link, from_no)));
    }
    Ok(plan(false))
}

/// Writes the link (or takes it away) and journals it on both ends.
async fn apply(c: &mut Conn, p: &Plan, make: bool, actor: i64, now: i64) -> Result<(), AppError> {
    let (how, here_is_from) = p.link.stored();
    let (from, to) = if here_is_from { (&p.here, &p.there) } else { (&p.there, &p.here) };
    match how {
        // The parent is a field of the child: a change of it (its version
        // goes up). A link row is neither record's edit: it leaves both as
        // they were (as an incident linked to a problem stays).
        Stored::Parent => {
            store_links::set_parent(c, from.id, make.then_some(to.id), now).await?;
        }
        Stored::Row(name) => {
            let either = p.link == LinkType::Related;
            if make {
                store_links::insert(c, from.id, name, to.id, now, Some(actor)).await?;
            } else {
                store_links::delete(c, from.id, name, to.id, either).await?;
            }
        }
    }
    let action = if make { Action::Linked } else { Action::Unlinked };
    for (rec, link, other) in [(&p.here, p.link, &p.there), (&p.there, p.link.inverse(), &p.here)] {
        let other_no = RecordNumber { kind: kind_of(other)?, seq: other.number }.to_string();
        let (old, new) = if make { (None, Some(other_no)) } else { (Some(other_no), None) };
        let change: Vec<FieldChange> = FieldChange::new(link.as_str(), old, new).into_iter().collect();
        records::journal(c, rec, now, Some(actor), action, &change, None).await?;
    }
    Ok(())
}

/// The record's links as the pages and the API show them.
async fn read(c: &mut Conn, id: i64) -> Result<Vec<RecordLink>, AppError> {
    let rows = store_links::of(c, id).await?;
    let mut out: Vec<RecordLink> = rows
        .into_iter()
        .filter_map(|r| {
            let from_end = r.from_end != 0;
            let link = if r.link == "parent" {
                if from_end { LinkType::Parent } else { LinkType::Child }
            } else {
                LinkType::of_row(&r.link, from_end)?
            };
            let kind = RecordKind::named(&r.kind)?;
            Some(RecordLink {
                link,
                record: RecordNumber { kind, seq: r.number },
                title: r.title,
                state: r.state,
                priority: r.priority,
                linked_at: r.linked_at,
                linked_by: r.linked_by,
            })
        })
        .collect();
    // Grouped as pages show them: parent, children, …, related, then the rest.
    out.sort_by_key(|l| (LinkType::ALL.iter().position(|x| *x == l.link), l.record));
    Ok(out)
}

fn no_such(n: RecordNumber) -> AppError {
    AppError::field("record", Code::NoSuchRecord.msg(format!("no such record: {n}")).with("number", n.to_string()))
}

fn kind_of(r: &Record) -> Result<RecordKind, AppError> {
    RecordKind::named(&r.kind).ok_or_else(|| AppError::Internal(format!("unknown record kind {:?}", r.kind)))
}
