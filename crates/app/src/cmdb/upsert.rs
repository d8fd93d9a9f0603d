//! Getting CIs and relations in: one path for a form, the JSON bulk API, a
//! CSV import and an agent's inventory.
//!
//! Each CI is reconciled by its class's identifying attributes (scoped by
//! the root class): a CI that matches none is created, one that matches a
//! stored CI updates it (fields not sent keep their values; an attribute
//! sent as null is removed), one that matches two stored CIs is refused as
//! an identifier clash. The whole batch is one transaction: all or nothing.
//! Names are resolved and drafts checked before the write; matching runs
//! inside it, so two batches naming the same server cannot both create it.

use super::history::{Snapshot, changes};
use crate::Code;
use crate::error::{Message, too_many};
use crate::{Actor, App, FieldError, error::AppError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use steward_domain::access;
use steward_domain::cmdb::{CiDraft, CiStatus, Criticality, Identifier, PortfolioStatus, RelationType, Schema};
use steward_domain::journal::FieldChange;
use steward_store::cmdb::{self, CiFields, IdentifierRow};
use steward_store::{Conn, accounts, now_micros};

/// Most CIs one request may carry; bigger loads are sent in batches.
pub const MAX_ITEMS: usize = 5_000;
pub const MAX_RELATIONS: usize = 20_000;

/// A CI as a caller sends it. `ref` names it for relations in the same
/// batch; `id` updates that CI instead of reconciling.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiInput {
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub class: String,
    pub name: String,
    #[serde(default)]
    pub status: Option<CiStatus>,
    #[serde(default)]
    pub criticality: Option<Criticality>,
    #[serde(default)]
    pub owner_group: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub attributes: Map<String, Value>,
    /// Catalog fields (services).
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub support_calendar_id: Option<i64>,
    #[serde(default)]
    pub tier: Option<i64>,
    #[serde(default)]
    pub portfolio_status: Option<PortfolioStatus>,
    #[serde(default)]
    pub requester_visible: Option<bool>,
    /// Organisations that use the service, by name.
    #[serde(default)]
    pub consumers: Option<Vec<String>>,
}

impl From<CiDraft> for CiInput {
    fn from(d: CiDraft) -> Self {
        CiInput {
            class: d.class,
            name: d.name,
            status: d.status,
            criticality: d.criticality,
            owner_group: d.owner_group,
            location: d.location,
            vendor: d.vendor,
            attributes: d.attributes,
            ..CiInput::default()
        }
    }
}

/// One end of a relation: a stored CI's id, or the `ref` of a CI in the
/// same batch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CiRef {
    Id(i64),
    Ref(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationInput {
    pub from: CiRef,
    pub to: CiRef,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    #[serde(default)]
    pub items: Vec<CiInput>,
    #[serde(default)]
    pub relations: Vec<RelationInput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemOutcome {
    pub index: usize,
    pub id: i64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub relations_added: usize,
    pub items: Vec<ItemOutcome>,
}

/// A checked item, names resolved to ids.
#[derive(Debug, Clone)]
struct Ready {
    explicit_id: Option<i64>,
    class: String,
    name: String,
    status: Option<String>,
    criticality: Option<String>,
    owner_group_id: Option<i64>,
    location_id: Option<i64>,
    /// A location sent in the same batch, by its index there.
    location_item: Option<usize>,
    vendor: Option<String>,
    description: Option<String>,
    attributes: Map<String, Value>,
    owner_id: Option<i64>,
    support_calendar_id: Option<i64>,
    tier: Option<i64>,
    portfolio_status: Option<String>,
    requester_visible: Option<bool>,
    consumers: Option<Vec<i64>>,
    identifiers: Vec<Identifier>,
}

#[derive(Debug, Clone)]
enum End {
    Stored(i64),
    Item(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    items: Vec<Ready>,
    relations: Vec<(End, End, RelationType)>,
    /// Extra details per item (agent inventory), stored as JSON.
    inventory: Vec<Option<String>>,
    schema: Arc<steward_domain::cmdb::Schema>,
}

impl Prepared {
    /// How many distinct relations the batch holds.
    pub(crate) fn relation_count(&self) -> usize {
        self.relations.len()
    }
}

impl App {
    /// Upserts a batch of CIs and relations in one transaction.
    pub async fn upsert_cis(&self, actor: &Actor, batch: Batch) -> Result<Report, AppError> {
        self.upsert_with_inventory(actor, batch, Vec::new()).await
    }

    /// The same, with agent inventory details for some items.
    pub(crate) async fn upsert_with_inventory(
        &self,
        actor: &Actor,
        batch: Batch,
        inventory: Vec<Option<String>>,
    ) -> Result<Report, AppError> {
        access::can_edit_cmdb(actor.role)?;
        let catalog = batch.items.iter().any(|i| {
            i.owner.is_some()
                || i.support_calendar_id.is_some()
                || i.tier.is_some()
                || i.portfolio_status.is_some()
                || i.requester_visible.is_some()
                || i.consumers.is_some()
        });
        if catalog {
            access::can_manage_catalog(actor.role)?;
        }
        if batch.items.len() > MAX_ITEMS {
            return Err(AppError::field(
                "items",
                too_many(format!("at most {MAX_ITEMS} CIs a request; send more in batches"), MAX_ITEMS),
            ));
        }
        if batch.relations.len() > MAX_RELATIONS {
            return Err(AppError::field(
                "relations",
                too_many(format!("at most {MAX_RELATIONS} relations a request"), MAX_RELATIONS),
            ));
        }
        let (items, started) = (batch.items.len(), std::time::Instant::now());
        let mut prepared = self.prepare(batch).await?;
        prepared.inventory = inventory;
        let checked = started.elapsed();
        let report = self.upsert_prepared(actor, prepared).await?;
        tracing::debug!(
            items,
            check_ms = checked.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "CMDB upsert"
        );
        Ok(report)
    }

    /// Writes a checked batch in one transaction.
    pub(crate) async fn upsert_prepared(&self, actor: &Actor, prepared: Prepared) -> Result<Report, AppError> {
        let prepared = Arc::new(prepared);
        let actor_id = (actor.id > 0).then_some(actor.id);
        let report = self
            .store
            .write(move |c| {
                let p = prepared.clone();
                Box::pin(async move { write(c, &p, actor_id, now_micros()).await })
            })
            .await;
        self.cmdb.written();
        report
    }

    /// Checks every item and relation and resolves names; every problem is
    /// named by its place in the batch.
    pub(crate) async fn prepare(&self, batch: Batch) -> Result<Prepared, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let names = Names::resolve(&mut conn, &batch.items).await?;
        drop(conn);
        self.cmdb
            .read(&self.store, |view| {
                let mut errs: Vec<FieldError> = Vec::new();
                let mut items = Vec::with_capacity(batch.items.len());
                let mut seen: HashMap<Identifier, usize> = HashMap::new();
                let mut refs: HashMap<&str, usize> = HashMap::new();
                // Locations of this batch, which its other CIs may name.
                let local_locations: HashMap<String, usize> = batch
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(_, it)| view.schema.is_a(&it.class, "location"))
                    .map(|(i, it)| (it.name.trim().to_lowercase(), i))
                    .collect();
                for (i, it) in batch.items.iter().enumerate() {
                    let at = |f: &str| format!("items[{i}].{f}");
                    let draft = CiDraft {
                        class: it.class.clone(),
                        name: it.name.clone(),
                        attributes: it
                            .attributes
                            .iter()
                            .filter(|(_, v)| !v.is_null())
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                        ..CiDraft::default()
                    };
                    if let Err(problems) = view.schema.check_draft(&draft, |id| view.class_of(id)) {
                        // A required attribute not sent may be stored: that
                        // is checked on the CI it matches (see match_items).
                        let later = view.schema.missing_required(&it.class, &draft.attributes);
                        let now: Vec<_> = problems.into_iter().filter(|p| !later.contains(p)).collect();
                        if !now.is_empty() {
                            errs.extend(now.into_iter().map(|p| FieldError::new(&at(&p.field), p.reason)));
                            continue;
                        }
                    }
                    if let Some(k) = &it.key {
                        if refs.insert(k.as_str(), i).is_some() {
                            let m = Code::RefTwice
                                .msg(format!("{k:?} names another item too"))
                                .with("ref", format!("{k:?}"));
                            errs.push(FieldError::new(&at("ref"), m));
                        }
                    }
                    let identifiers = view.schema.identifiers(&it.class, &it.name, &draft.attributes);
                    for id in &identifiers {
                        if let Some(j) = seen.insert(id.clone(), i) {
                            errs.push(FieldError::new(
                                &at(&format!("attributes.{}", id.key)),
                                Code::SentTwice
                                    .msg(format!("{} {:?} is also in items[{j}]: one CI sent twice", id.key, id.value))
                                    .with("j", j),
                            ));
                        }
                    }
                    if let Some(d) = &it.description {
                        let rule = steward_domain::text::Limit { min: 0, max: 10_000, multiline: true };
                        if let Err(e) = steward_domain::text::check(d, rule) {
                            errs.push(FieldError::new(&at("description"), e));
                        }
                    }
                    if let Some(c) = it.support_calendar_id.filter(|c| !names.calendars.contains(c)) {
                        errs.push(FieldError::new(
                            &at("support_calendar_id"),
                            Code::NoCalendar.msg(format!("no calendar {c}")).with("id", c),
                        ));
                    }
                    if let Some(t) = it.tier {
                        if !(1..=4).contains(&t) {
                            errs.push(FieldError::new(&at("tier"), Code::FromTo.msg("must be 1 to 4").with("max", 4)));
                        }
                    }
                    let mut lookup = |field: &str, name: &Option<String>, map: &HashMap<String, i64>, what: &str| {
                        let n = name.as_deref().map(str::trim).filter(|n| !n.is_empty())?;
                        let found = map.get(&n.to_lowercase()).copied();
                        if found.is_none() {
                            let code = if what == "group" { Code::NoGroup } else { Code::NoOrganisation };
                            let m = code.msg(format!("no {what} named {n:?}")).with("name", format!("{n:?}"));
                            errs.push(FieldError::new(&at(field), m));
                        }
                        found
                    };
                    let owner_group_id = lookup("owner_group", &it.owner_group, &names.groups, "group");
                    let location_item =
                        it.location.as_deref().and_then(|n| local_locations.get(&n.trim().to_lowercase()).copied());
                    let location_id = match location_item {
                        Some(_) => None,
                        None => lookup("location", &it.location, &names.locations, "location"),
                    };
                    let owner_id = lookup("owner", &it.owner, &names.users, "user");
                    let consumers = it.consumers.as_ref().map(|list| {
                        let mut ids: Vec<i64> = list
                            .iter()
                            .filter_map(|o| lookup("consumers", &Some(o.clone()), &names.organisations, "organisation"))
                            .collect();
                        ids.sort_unstable();
                        ids.dedup();
                        ids
                    });
                    if let Some(id) = it.id {
                        if view.ci(id).is_none() {
                            errs.push(FieldError::new(&at("id"), Code::NoCi.msg(format!("no CI {id}")).with("id", id)));
                        }
                    }
                    items.push(Ready {
                        explicit_id: it.id,
                        class: it.class.clone(),
                        name: it.name.trim().to_owned(),
                        status: it.status.map(|s| s.as_str().to_owned()),
                        criticality: it.criticality.map(|s| s.as_str().to_owned()),
                        owner_group_id,
                        location_id,
                        location_item,
                        vendor: it.vendor.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned),
                        description: it.description.clone(),
                        attributes: it.attributes.clone(),
                        owner_id,
                        support_calendar_id: it.support_calendar_id,
                        tier: it.tier,
                        portfolio_status: it.portfolio_status.map(|s| s.as_str().to_owned()),
                        requester_visible: it.requester_visible,
                        consumers,
                        identifiers,
                    });
                }
                let mut relations = Vec::with_capacity(batch.relations.len());
                let mut pairs = HashSet::new();
                for (i, r) in batch.relations.iter().enumerate() {
                    let at = |f: &str| format!("relations[{i}].{f}");
                    let kind = match RelationType::parse(&r.kind) {
                        Ok(k) => k,
                        Err(e) => {
                            errs.push(FieldError::new(&at("type"), e));
                            continue;
                        }
                    };
                    let mut end = |field: &str, e: &CiRef| -> Option<(End, String)> {
                        match e {
                            CiRef::Id(id) => match view.ci(*id) {
                                Some(b) => Some((End::Stored(*id), b.class.clone())),
                                None => {
                                    errs.push(FieldError::new(
                                        &at(field),
                                        Code::NoCi.msg(format!("no CI {id}")).with("id", id),
                                    ));
                                    None
                                }
                            },
                            CiRef::Ref(k) => match refs.get(k.as_str()) {
                                Some(j) => Some((End::Item(*j), batch.items[*j].class.clone())),
                                None => {
                                    let m =
                                        Code::NoRef.msg(format!("no item has ref {k:?}")).with("ref", format!("{k:?}"));
                                    errs.push(FieldError::new(&at(field), m));
                                    None
                                }
                            },
                        }
                    };
                    let (Some((from, fc)), Some((to, tc))) = (end("from", &r.from), end("to", &r.to)) else { continue };
                    if r.from == r.to {
                        errs.push(FieldError::new(
                            &at("to"),
                            Code::SelfRelation.msg("a CI cannot be related to itself"),
                        ));
                        continue;
                    }
                    if let Err(e) = view.schema.check_relation(&fc, kind, &tc) {
                        errs.push(FieldError::new(&at("type"), e));
                        continue;
                    }
                    if pairs.insert((r.from.clone(), r.to.clone(), kind)) {
                        relations.push((from, to, kind));
                    }
                }
                if errs.is_empty() {
                    Ok(Prepared { items, relations, inventory: Vec::new(), schema: view.schema.clone() })
                } else {
                    Err(AppError::Invalid(errs))
                }
            })
            .await?
    }
}

/// Names in a batch, resolved to ids (keys lower-cased).
struct Names {
    groups: HashMap<String, i64>,
    locations: HashMap<String, i64>,
    users: HashMap<String, i64>,
    organisations: HashMap<String, i64>,
    /// The support calendars named that exist.
    calendars: HashSet<i64>,
}

impl Names {
    async fn resolve(conn: &mut Conn, items: &[CiInput]) -> Result<Names, AppError> {
        fn distinct<'a>(it: impl Iterator<Item = &'a Option<String>>) -> HashSet<String> {
            it.flatten().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
        }
        let mut n = Names {
            groups: HashMap::new(),
            locations: HashMap::new(),
            users: HashMap::new(),
            organisations: HashMap::new(),
            calendars: HashSet::new(),
        };
        for g in distinct(items.iter().map(|i| &i.owner_group)) {
            if let Some(found) = accounts::group_by_name(conn, &g).await? {
                n.groups.insert(g.to_lowercase(), found.id);
            }
        }
        for u in distinct(items.iter().map(|i| &i.owner)) {
            if let Some(found) = accounts::user_by_name(conn, &u).await? {
                n.users.insert(u.to_lowercase(), found.id);
            }
        }
        let orgs: Vec<Option<String>> =
            items.iter().flat_map(|i| i.consumers.iter().flatten().cloned().map(Some)).collect();
        for o in distinct(orgs.iter()) {
            if let Some(found) = accounts::organisation_by_name(conn, &o).await? {
                n.organisations.insert(o.to_lowercase(), found.id);
            }
        }
        for c in items.iter().filter_map(|i| i.support_calendar_id).collect::<HashSet<i64>>() {
            if steward_store::sla::calendar(conn, c).await?.is_some() {
                n.calendars.insert(c);
            }
        }
        for l in distinct(items.iter().map(|i| &i.location)) {
            if let Some(id) = cmdb::find_by_name(conn, "location", &l).await? {
                n.locations.insert(l.to_lowercase(), id);
            }
        }
        Ok(n)
    }
}

fn problem(field: String, message: Message) -> AppError {
    AppError::Invalid(vec![FieldError::new(&field, message)])
}

/// Which stored CI each item is (None: a new one), and those CIs as they
/// are; every clash is named by its item.
async fn match_items(c: &mut Conn, p: &Prepared) -> Result<(Vec<Option<i64>>, HashMap<i64, cmdb::CiRow>), AppError> {
    let keys: Vec<(String, String, String)> = p
        .items
        .iter()
        .flat_map(|r| r.identifiers.iter().map(|i| (i.scope.clone(), i.key.clone(), i.value.clone())))
        .collect();
    let held: HashMap<(String, String, String), i64> =
        cmdb::find_identifiers(c, &keys).await?.into_iter().map(|r| ((r.scope, r.key, r.value), r.ci_id)).collect();
    let mut errs: Vec<FieldError> = Vec::new();
    let mut targets: Vec<Option<i64>> = Vec::with_capacity(p.items.len());
    let mut claimed: HashMap<i64, usize> = HashMap::new();
    for (i, r) in p.items.iter().enumerate() {
        let mut ids: BTreeMap<i64, &Identifier> = BTreeMap::new();
        for ident in &r.identifiers {
            if let Some(id) = held.get(&(ident.scope.clone(), ident.key.clone(), ident.value.clone())) {
                ids.entry(*id).or_insert(ident);
            }
        }
        let target = match r.explicit_id {
            Some(explicit) => {
                if let Some((other, ident)) = ids.iter().find(|(id, _)| **id != explicit) {
                    errs.push(FieldError::new(
                        &format!("items[{i}].attributes.{}", ident.key),
                        Code::IdentifierClash
                            .msg(format!(
                                "identifier clash: {} {:?} already identifies CI {other}",
                                ident.key, ident.value
                            ))
                            .with("id", other),
                    ));
                }
                Some(explicit)
            }
            None if ids.len() > 1 => {
                let named: Vec<String> = ids.iter().map(|(id, ident)| format!("CI {id} by {}", ident.key)).collect();
                errs.push(FieldError::new(
                    &format!("items[{i}].attributes"),
                    Code::IdentifierClashMany
                        .msg(format!("identifier clash: this item matches {}", named.join(" and ")))
                        .with("list", named.join(", ")),
                ));
                None
            }
            None => ids.keys().next().copied(),
        };
        // Two items of this batch may land on one stored CI.
        if let Some(id) = target {
            if let Some(j) = claimed.insert(id, i) {
                errs.push(FieldError::new(
                    &format!("items[{i}]"),
                    Code::SentTwice.msg(format!("is CI {id}, as is items[{j}]: one CI sent twice")).with("j", j),
                ));
            }
        }
        targets.push(target);
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let existing: HashMap<i64, cmdb::CiRow> =
        cmdb::get_many(c, &claimed.keys().copied().collect::<Vec<_>>()).await?.into_iter().map(|r| (r.id, r)).collect();
    // Required attributes, on the CI as it will be.
    for (i, r) in p.items.iter().enumerate() {
        let old = targets[i].and_then(|id| existing.get(&id));
        for m in p.schema.missing_required(&class_after(r, old, &p.schema), &merged_attributes(r, old)) {
            errs.push(FieldError::new(&format!("items[{i}].{}", m.field), m.reason));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    Ok((targets, existing))
}

/// What a batch would do, item by item, without writing: for dry runs.
pub(crate) async fn preview(c: &mut Conn, p: &Prepared) -> Result<Vec<(Outcome, Option<i64>)>, AppError> {
    let (targets, existing) = match_items(c, p).await?;
    Ok(p.items
        .iter()
        .zip(targets)
        .map(|(r, t)| match t.and_then(|id| existing.get(&id)) {
            None => (Outcome::Created, None),
            Some(row) => {
                let same =
                    changes(Some(&Snapshot::of(&CiFields::of(row))), &Snapshot::of(&merge(r, Some(row), &p.schema)))
                        .is_empty();
                (if same { Outcome::Unchanged } else { Outcome::Updated }, Some(row.id))
            }
        })
        .collect())
}

/// The write: match, insert, update, identifiers, journal, relations.
async fn write(c: &mut Conn, p: &Prepared, actor_id: Option<i64>, now: i64) -> Result<Report, AppError> {
    let rev = cmdb::bump_rev(c).await?;
    let (targets, existing) = match_items(c, p).await?;
    // The organisations using the stored services whose consumers are sent.
    let sent: Vec<i64> =
        p.items.iter().zip(&targets).filter(|(r, _)| r.consumers.is_some()).filter_map(|(_, t)| *t).collect();
    let mut had: HashMap<i64, Vec<i64>> = HashMap::new();
    for x in cmdb::consumers(c, &sent).await? {
        had.entry(x.service_id).or_default().push(x.organisation_id);
    }
    // Every item's id first: a CI may name a location of this batch.
    let mut next = cmdb::next_id(c).await?;
    let ids: Vec<i64> = targets
        .iter()
        .map(|t| {
            t.unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    let mut report = Report::default();
    let mut inserts: Vec<(i64, CiFields)> = Vec::new();
    let mut updates: Vec<(i64, CiFields)> = Vec::new();
    let mut journal: Vec<(i64, &'static str, String)> = Vec::new();
    let mut touched_identifiers: Vec<i64> = Vec::new();
    let mut identifiers: Vec<IdentifierRow> = Vec::new();
    for (i, r) in p.items.iter().enumerate() {
        let old = targets[i].and_then(|id| existing.get(&id));
        let mut fields = merge(r, old, &p.schema);
        if let Some(j) = r.location_item {
            fields.location_id = Some(ids[j]);
        }
        let class = fields.class.clone();
        let (id, outcome) = match old {
            None => {
                let id = ids[i];
                let mut diff = changes(None, &Snapshot::of(&fields));
                diff.extend(r.consumers.as_deref().and_then(|new| consumers_change(&[], new)));
                journal.push((id, "created", to_json(&diff)?));
                inserts.push((id, fields));
                (id, Outcome::Created)
            }
            Some(row) => {
                let before = Snapshot::of(&CiFields::of(row));
                let after = Snapshot::of(&fields);
                let mut diff: Vec<FieldChange> = changes(Some(&before), &after);
                let old_consumers = had.get(&row.id).map_or(&[][..], Vec::as_slice);
                diff.extend(r.consumers.as_deref().and_then(|new| consumers_change(old_consumers, new)));
                if diff.is_empty() {
                    (row.id, Outcome::Unchanged)
                } else {
                    updates.push((row.id, fields));
                    journal.push((row.id, "updated", to_json(&diff)?));
                    touched_identifiers.push(row.id);
                    (row.id, Outcome::Updated)
                }
            }
        };
        // The identifiers come from the merged attributes: a partial update
        // keeps the identifiers it did not send.
        if outcome != Outcome::Unchanged || old.is_none() {
            let merged = merged_attributes(r, old);
            for ident in p.schema.identifiers(&class, &r.name, &merged) {
                identifiers.push(IdentifierRow { scope: ident.scope, key: ident.key, value: ident.value, ci_id: id });
            }
        }
        match outcome {
            Outcome::Created => report.created += 1,
            Outcome::Updated => report.updated += 1,
            Outcome::Unchanged => report.unchanged += 1,
        }
        report.items.push(ItemOutcome { index: i, id, outcome });
    }
    // Locations first: the rows naming them must find them.
    let named: std::collections::HashSet<i64> =
        p.items.iter().filter_map(|r| r.location_item.map(|j| ids[j])).collect();
    inserts.sort_by_key(|(id, _)| !named.contains(id));
    cmdb::insert(c, &inserts, now, rev).await?;
    for (id, fields) in &updates {
        cmdb::update(c, *id, fields, now, rev).await?;
    }
    cmdb::delete_identifiers(c, &touched_identifiers).await?;
    identifiers.sort_by(|a, b| (&a.scope, &a.key, &a.value).cmp(&(&b.scope, &b.key, &b.value)));
    identifiers.dedup_by(|a, b| a.scope == b.scope && a.key == b.key && a.value == b.value);
    if let Err(e) = cmdb::insert_identifiers(c, &identifiers).await {
        return Err(match e {
            steward_store::StoreError::Duplicate(_) => problem(
                "items".into(),
                Code::IdentifierTaken
                    .msg("identifier clash: an identifier of this batch already belongs to another CI"),
            ),
            e => e.into(),
        });
    }
    for (i, r) in p.items.iter().enumerate() {
        if let Some(orgs) = &r.consumers {
            cmdb::set_consumers(c, ids[i], orgs).await?;
        }
        if let Some(Some(inv)) = p.inventory.get(i) {
            cmdb::set_inventory(c, ids[i], inv, now).await?;
        }
    }
    let entry = |(id, action, changes): &(i64, &'static str, String)| {
        super::relations::entry(*id, action, changes, actor_id, now)
    };
    let (created, updated): (Vec<_>, Vec<_>) = journal.iter().partition(|(_, action, _)| *action == "created");
    cmdb::journal_many(c, &created.into_iter().map(entry).collect::<Vec<_>>(), true).await?;
    cmdb::journal_many(c, &updated.into_iter().map(entry).collect::<Vec<_>>(), false).await?;
    let rels: Vec<(i64, i64, &str)> = p
        .relations
        .iter()
        .map(|(f, t, k)| {
            let id = |e: &End| match e {
                End::Stored(id) => *id,
                End::Item(i) => ids[*i],
            };
            (id(f), id(t), k.as_str())
        })
        .collect();
    let added = cmdb::insert_relations(c, &rels, now, rev).await?;
    report.relations_added = added.len();
    super::relations::journal_relations(c, &added, "relation_added", actor_id, now).await?;
    Ok(report)
}

/// The journal's record of a change of the organisations using a service
/// (their ids, sorted).
fn consumers_change(old: &[i64], new: &[i64]) -> Option<FieldChange> {
    let text = |l: &[i64]| {
        let mut l = l.to_vec();
        l.sort_unstable();
        (!l.is_empty()).then(|| l.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
    };
    FieldChange::new("consumers", text(old), text(new))
}

fn to_json(c: &[FieldChange]) -> Result<String, AppError> {
    serde_json::to_string(c).map_err(|e| AppError::Internal(e.to_string()))
}

/// The attributes after this item: sent keys replace, null removes, the
/// rest stays.
fn merged_attributes(r: &Ready, old: Option<&cmdb::CiRow>) -> Map<String, Value> {
    let mut attrs: Map<String, Value> = old.and_then(|o| serde_json::from_str(&o.attributes).ok()).unwrap_or_default();
    for (k, v) in &r.attributes {
        if v.is_null() {
            attrs.remove(k);
        } else {
            attrs.insert(k.clone(), v.clone());
        }
    }
    attrs
}

/// The class after this item: the one it sends, except that a CI matched
/// by its identifiers is not made less specific (a virtual machine that an
/// agent or a server list reports as a server stays one); by id, as sent.
fn class_after(r: &Ready, old: Option<&cmdb::CiRow>, schema: &Schema) -> String {
    match old {
        Some(o) if r.explicit_id.is_none() && schema.is_a(&o.class, &r.class) => o.class.clone(),
        _ => r.class.clone(),
    }
}

/// The stored fields after this item: what it sends, else what was there,
/// else the defaults.
fn merge(r: &Ready, old: Option<&cmdb::CiRow>, schema: &Schema) -> CiFields {
    let base = old.map(CiFields::of).unwrap_or_else(|| CiFields {
        status: CiStatus::InUse.as_str().into(),
        criticality: Criticality::Medium.as_str().into(),
        portfolio_status: steward_domain::cmdb::SERVICE_CLASSES
            .contains(&r.class.as_str())
            .then(|| PortfolioStatus::Live.as_str().to_owned()),
        ..CiFields::default()
    });
    CiFields {
        class: class_after(r, old, schema),
        name: r.name.clone(),
        status: r.status.clone().unwrap_or(base.status),
        criticality: r.criticality.clone().unwrap_or(base.criticality),
        owner_group_id: r.owner_group_id.or(base.owner_group_id),
        location_id: r.location_id.or(base.location_id),
        vendor: r.vendor.clone().or(base.vendor),
        attributes: serde_json::to_string(&merged_attributes(r, old)).unwrap_or_else(|_| "{}".into()),
        description: r.description.clone().unwrap_or(base.description),
        owner_id: r.owner_id.or(base.owner_id),
        support_calendar_id: r.support_calendar_id.or(base.support_calendar_id),
        tier: r.tier.or(base.tier),
        portfolio_status: r.portfolio_status.clone().or(base.portfolio_status),
        requester_visible: r.requester_visible.unwrap_or(base.requester_visible),
    }
}
