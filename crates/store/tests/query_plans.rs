//! An index behind every list filter: the plan of each incident filter with
//! each sort order (and of its capped count), and of the CMDB's portfolio
//! and requester filters and the knowledge base's lists, read from the engine on a table large enough and
//! analysed (with sequential scans priced out on PostgreSQL). A filter that
//! scans the table, or that the planner serves without its index, fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use sqlx::Executor;
use steward_domain::search::parse;
use steward_store::{
    Backend, articles,
    cmdb::{self, CiFilter},
    fulltext::{self, Scope, SuggestScope},
    records::{self, Assigned, Filter, SlaFilter, Sort},
    search::{self, CiScope},
};

const INCIDENTS: i64 = 20_000;
const ORGS: i64 = 40;
const USERS: i64 = 200;
const GROUPS: i64 = 20;
const SERVICES: i64 = 30;
const CIS: i64 = 5_000;
const STATES: [&str; 6] = ["new", "in_progress", "on_hold", "resolved", "closed", "cancelled"];
const ARTICLES: i64 = 2_000;

/// Runs `rows` multi-row INSERTs of literal values, 500 rows a statement.
async fn insert(conn: &mut sqlx::AnyConnection, head: &str, rows: impl Iterator<Item = String>) {
    let rows: Vec<String> = rows.collect();
    for chunk in rows.chunks(500) {
        conn.execute(sqlx::AssertSqlSafe(format!("{head} VALUES {}", chunk.join(", ")))).await.unwrap();
    }
}

/// A desk's worth of data: every filter value the test asks for matches a
/// small share of the rows, as a real organisation, category or group does
/// at a million.
async fn fill(conn: &mut sqlx::AnyConnection) {
    let t0: i64 = 1_700_000_000_000_000;
    insert(
        conn,
        "INSERT INTO organisations (id, name, created_at)",
        (1..=ORGS).map(|o| format!("({o}, 'Org {o}', 0)")),
    )
    .await;
    insert(
        conn,
        "INSERT INTO users (id, username, display_name, email, role, organisation_id, created_at)",
        (1..=USERS).map(|u| {
            let role = if u <= 50 { "agent" } else { "requester" };
            format!("({u}, 'user{u}', 'User {u}', 'user{u}@example.com', '{role}', {}, 0)", u % ORGS + 1)
        }),
    )
    .await;
    insert(
        conn,
        "INSERT INTO assignment_groups (id, name, created_at)",
        (1..=GROUPS).map(|g| format!("({g}, 'Group {g}', 0)")),
    )
    .await;
    insert(
        conn,
        "INSERT INTO cis (id, class, name, status, criticality, portfolio_status, requester_visible, created_at, updated_at, rev)",
        (1..=CIS).map(|c| {
            let (class, portfolio) = if c <= 300 {
                ("'business_service'", ["'pipeline'", "'live'", "'retired'"][(c % 3) as usize])
            } else {
                (["'server'", "'application'", "'database'", "'network_device'"][(c % 4) as usize], "NULL")
            };
            format!("({c}, {class}, 'CI {c:05}', 'in_use', 'medium', {portfolio}, {}, 0, 0, 0)", i64::from(c % 7 == 0))
        }),
    )
    .await;
    insert(
        conn,
        "INSERT INTO records (id, kind, number, title, description, state, impact, urgency, priority, requester_id, \
         organisation_id, category, service_id, assignment_group_id, assignee_id, major, opened_at, updated_at, \
         created_by, version, sla_due_at, sla_breached)",
        (1..=INCIDENTS).map(|i| {
            let state = STATES[(i * 7 % 6) as usize];
            let group = if i % (GROUPS + 1) == 0 { "NULL".into() } else { (i % (GROUPS + 1)).to_string() };
            let assignee = if i % 7 == 0 { "NULL".into() } else { (i % 50 + 1).to_string() };
            let service = if i % 3 == 0 { "NULL".into() } else { (i % SERVICES + 1).to_string() };
            let due = if i % 10 == 0 { (t0 + i * 1_000_000_000).to_string() } else { "NULL".into() };
            format!(
                "({i}, 'incident', {i}, 'Incident {i}', '', '{state}', 2, 2, {prio}, {req}, {org}, 'cat{cat}', {service}, {group}, \
                 {assignee}, {major}, {opened}, {updated}, 1, 1, {due}, {breached})",
                prio = i % 5 + 1,
                req = i % USERS + 1,
                org = i % ORGS + 1,
                cat = i % 25,
                major = i64::from(i % 200 == 0),
                opened = t0 + i * 60_000_000,
                updated = t0 + (i * 7_919 % INCIDENTS) * 60_000_000,
                breached = i64::from(i % 97 == 0),
            )
        }),
    )
    .await;
    // Articles after the incidents: mostly published, a third for staff.
    let ids = || INCIDENTS + 1..=INCIDENTS + ARTICLES;
    insert(
        conn,
        "INSERT INTO records (id, kind, number, title, description, state, impact, urgency, priority, requester_id, \
         category, opened_at, updated_at, created_by, version)",
        ids().map(|i| {
            let state = ["published", "published", "published", "draft", "in_review", "retired"][(i % 6) as usize];
            let at = t0 + i * 60_000_000;
            format!(
                "({i}, 'article', {n}, 'Article {n}', '', '{state}', 3, 3, 5, 1, 'kb{c}', {at}, {at}, 1, 1)",
                n = i - INCIDENTS,
                c = i % 20
            )
        }),
    )
    .await;
    insert(
        conn,
        "INSERT INTO article_details (record_id, audience, views)",
        ids().map(|i| format!("({i}, '{}', 0)", if i % 3 == 0 { "staff" } else { "requesters" })),
    )
    .await;
}

/// The knowledge base's lists: what requesters read (by category), what
/// the staff's list filters on.
fn article_filters() -> Vec<(&'static str, Filter)> {
    let f = || Filter { kind: "article", ..Filter::default() };
    let published = || vec!["published".to_owned()];
    vec![
        ("articles for requesters", Filter { states: published(), extra: Some(articles::FOR_REQUESTERS), ..f() }),
        (
            "articles for requesters by category",
            Filter { states: published(), extra: Some(articles::FOR_REQUESTERS), category: Some("kb7".into()), ..f() },
        ),
        ("open articles", Filter { states: vec!["draft".into(), "in_review".into()], ..f() }),
        ("articles for staff", Filter { extra: Some(articles::FOR_STAFF), ..f() }),
        ("articles by category", Filter { category: Some("kb3".into()), ..f() }),
    ]
}

/// Each incident filter, and the indexes that may serve it.
fn incident_filters() -> Vec<(&'static str, Filter, &'static [&'static str])> {
    let t0: i64 = 1_700_000_000_000_000;
    let recent = t0 + (INCIDENTS - 200) * 60_000_000;
    let f = Filter::default;
    vec![
        (
            "state",
            Filter { states: vec!["on_hold".into()], ..f() },
            &["records_state_priority", "records_queue", "records_resolved"],
        ),
        ("priority", Filter { priorities: vec![1], ..f() }, &["records_priority", "records_state_priority"]),
        ("group", Filter { group_ids: vec![3], ..f() }, &["records_group"]),
        ("no group", Filter { no_group: true, ..f() }, &["records_group"]),
        (
            "group and state",
            Filter { group_ids: vec![3], states: vec!["new".into(), "in_progress".into()], ..f() },
            &["records_queue", "records_group"],
        ),
        (
            "assignee",
            Filter { assignee: Some(Assigned::To(9)), ..f() },
            &["records_assignee", "records_assignee_order"],
        ),
        ("requester", Filter { requester_id: Some(17), ..f() }, &["records_requester", "records_requester_order"]),
        ("organisation", Filter { organisation_id: Some(5), ..f() }, &["records_organisation"]),
        ("service", Filter { service_ids: vec![4], ..f() }, &["records_service", "records_service_order"]),
        ("category", Filter { category: Some("cat7".into()), ..f() }, &["records_category"]),
        ("major", Filter { major: Some(true), ..f() }, &["records_major"]),
        ("opened from", Filter { opened_from: Some(recent), ..f() }, &["records_opened"]),
        ("updated from", Filter { updated_from: Some(recent), ..f() }, &["records_updated"]),
        ("sla due by", Filter { sla: Some(SlaFilter::DueBy(t0 + 200_000_000_000)), ..f() }, &["records_sla_due"]),
        ("sla breached", Filter { sla: Some(SlaFilter::Breached), ..f() }, &["records_sla_breached"]),
    ]
}

/// The plan reads no table without an index and, when `indexes` are
/// given, uses one of them. SQLite's table is itself the index of the
/// number order (its rowid), so walking it in that order is not a scan.
fn check(what: &str, plan: &[String], pg: bool, table: &str, alias: &str, indexes: &[&str]) -> Option<String> {
    let text = plan.join("\n");
    let scans = if pg {
        plan.iter().any(|l| l.contains(&format!("Seq Scan on {table}")))
    } else {
        plan.iter().any(|l| l.trim() == format!("SCAN {alias}"))
            && !what.contains("sort number")
            && !what.contains("sort -number")
    };
    if scans {
        return Some(format!("{what}: scans {table}\n{text}"));
    }
    if !indexes.is_empty() && !indexes.iter().any(|i| plan.iter().any(|l| l.contains(i))) {
        return Some(format!("{what}: none of {indexes:?} used\n{text}"));
    }
    None
}

async fn plans_use_indexes(pg: bool) {
    let (store, _dir) = common::store(pg).await;
    let d = store.dialect();
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    store.analyze().await.unwrap();
    if store.backend() == Backend::Postgres {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    let mut problems = Vec::new();
    for (name, filter, indexes) in incident_filters() {
        // Every sort order reads through an index (the filter's, or the
        // order's own when the planner expects a short walk to fill the
        // page); the count, which has no order, through the filter's own.
        for (sort, sort_name) in Sort::ALL {
            let f = Filter { sort, limit: 50, ..filter.clone() };
            let (list, count) = records::plans(&mut conn, d, &f).await.unwrap();
            problems.extend(check(&format!("{name}, sort {sort_name}"), &list, pg, "records", "i", &[]));
            if sort != Sort::SlaDue {
                problems.extend(check(&format!("{name}, count"), &count, pg, "records", "i", indexes));
            }
            // PostgreSQL's read pool runs generic plans (values unseen):
            // they must use the indexes too.
            if pg {
                let (list, count) = records::generic_plans(&mut conn, &f).await.unwrap();
                assert!(list.iter().any(|l| l.contains("$1")), "not a generic plan: {list:?}");
                problems.extend(check(&format!("{name}, sort {sort_name}, generic"), &list, pg, "records", "i", &[]));
                // The page's rows are read by id, one index probe each, never
                // by hashing the whole table.
                if list.iter().any(|l| l.contains("Hash Join")) {
                    problems.push(format!("{name}, sort {sort_name}, generic: hashes the table\n{}", list.join("\n")));
                }
                if sort != Sort::SlaDue {
                    problems.extend(check(&format!("{name}, count, generic"), &count, pg, "records", "i", indexes));
                }
            }
        }
    }
    // The article lists read records by an index led by the kind, and the
    // details by their key (or the requesters' partial index).
    for (name, filter) in article_filters() {
        for sort in [Sort::UpdatedDesc, Sort::Updated, Sort::OpenedDesc, Sort::Opened, Sort::NumberDesc, Sort::Number] {
            let f = Filter { sort, limit: 50, ..filter.clone() };
            let what = format!("{name}, sort {}", sort.name());
            let (list, count) = records::plans(&mut conn, d, &f).await.unwrap();
            for (plan, what) in [(list, what.clone()), (count, format!("{name}, count"))] {
                problems.extend(check(&what, &plan, pg, "records", "i", &[]));
                problems.extend(check(&what, &plan, pg, "article_details", "ad", &[]));
            }
            if pg {
                let (list, count) = records::generic_plans(&mut conn, &f).await.unwrap();
                for plan in [list, count] {
                    problems.extend(check(&format!("{what}, generic"), &plan, pg, "records", "i", &[]));
                    problems.extend(check(&format!("{what}, generic"), &plan, pg, "article_details", "ad", &[]));
                }
            }
        }
    }
    let services = vec!["business_service".to_owned(), "technical_service".to_owned()];
    let cmdb_filters: [(&str, CiFilter, &[&str]); 3] = [
        (
            "portfolio status",
            CiFilter { portfolio_status: Some("retired".into()), ..CiFilter::default() },
            &["cis_portfolio", "cis_requester_visible"],
        ),
        (
            "requester visible",
            CiFilter { portfolio_status: Some("live".into()), requester_visible: true, ..CiFilter::default() },
            &["cis_requester_visible"],
        ),
        (
            "the requester's catalog",
            CiFilter {
                classes: services,
                portfolio_status: Some("live".into()),
                requester_visible: true,
                ..CiFilter::default()
            },
            &["cis_requester_visible", "cis_class_name"],
        ),
    ];
    for (name, filter, indexes) in cmdb_filters {
        let plan = cmdb::list_plan(&mut conn, d, &filter).await.unwrap();
        problems.extend(check(name, &plan, pg, "cis", "c", indexes));
    }
    drop(conn);
    common::drop_store(store, pg).await;
    assert!(problems.is_empty(), "{} plans miss their index:\n\n{}", problems.len(), problems.join("\n\n"));
}

/// Search: the ranked search of every scope and the list's text filter
/// read the full-text index (FTS5; on PostgreSQL the GIN index, in the
/// generic plan the read pool runs), never the whole table.
async fn search_uses_the_full_text_index(pg: bool) {
    let (store, _dir) = common::store(pg).await;
    let d = store.dialect();
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    // The rows were written without search text, as before migration 0013.
    while fulltext::backfill(&mut conn, 5_000).await.unwrap() > 0 {}
    store.analyze().await.unwrap();
    if pg {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    // FTS5 shows itself as a virtual table read through its index.
    let index: &[&str] = if pg { &["records_search"] } else { &["VIRTUAL TABLE INDEX"] };
    let mut problems = Vec::new();
    let scopes = [
        ("staff", Scope { kinds: vec!["incident", "problem"], ..Scope::default() }),
        ("requester", Scope { kinds: vec!["incident"], requester_id: Some(77), ..Scope::default() }),
        (
            "known errors in a state",
            Scope { kinds: vec!["problem"], known_errors_only: true, states: vec!["new".into()], ..Scope::default() },
        ),
    ];
    for typed in ["incident 42", "\"incident 42\"", "incid", "1234 "] {
        let query = parse(typed, &["INC", "PRB"]).unwrap();
        for (name, scope) in &scopes {
            let plan = fulltext::plan(&mut conn, d, &query, scope).await.unwrap();
            // Known errors are few: walking them is as good as the index.
            let known: &[&str] = &["problem_details_known_error", index[0]];
            let indexes = if name.starts_with("known") { known } else { index };
            problems.extend(check(&format!("search {typed:?}, {name}"), &plan, pg, "records", "r", indexes));
            if std::env::var("SHOW_PLANS").is_ok() {
                eprintln!("{typed:?} {name}:\n{}\n", plan.join("\n"));
            }
            // Staff searches walk the matches newest first, not every record
            // of a kind looked up in the index one by one.
            if !pg && *name == "staff" && !plan.get(1).is_some_and(|l| l.contains("VIRTUAL TABLE")) {
                problems.push(format!("search {typed:?}, staff: not led by the matches\n{}", plan.join("\n")));
            }
        }
        let f = Filter { text: Some(typed.into()), limit: 50, ..Filter::default() };
        let (list, count) = records::plans(&mut conn, d, &f).await.unwrap();
        problems.extend(check(&format!("list text {typed:?}"), &list, pg, "records", "i", &[]));
        problems.extend(check(&format!("list text {typed:?}, count"), &count, pg, "records", "i", index));
        if pg {
            let (list, count) = records::generic_plans(&mut conn, &f).await.unwrap();
            problems.extend(check(&format!("list text {typed:?}, generic"), &list, pg, "records", "i", &[]));
            problems.extend(check(&format!("list text {typed:?}, count, generic"), &count, pg, "records", "i", index));
        }
    }
    // A common word ranks within its newest matches (PostgreSQL: the
    // newest window of records); a rare one is found however old.
    let staff = Scope { kinds: vec!["incident", "problem"], ..Scope::default() };
    let (hits, more) =
        fulltext::search(&mut conn, d, &parse("incident ", &["INC"]).unwrap(), &staff, 20).await.unwrap();
    assert!(more && hits.len() == 20, "{}", hits.len());
    assert!(hits.iter().all(|h| h.id > INCIDENTS - fulltext::CANDIDATES), "not the newest: {:?}", hits[0].id);
    let (hits, _) = fulltext::search(&mut conn, d, &parse("42 ", &["INC"]).unwrap(), &staff, 20).await.unwrap();
    assert_eq!(hits.iter().map(|h| h.number).collect::<Vec<_>>(), [42], "the oldest record's own word");
    drop(conn);
    common::drop_store(store, pg).await;
    assert!(problems.is_empty(), "{} search plans miss the index:\n\n{}", problems.len(), problems.join("\n\n"));
}

/// Services and CIs: the search of each scope reads the CIs' full-text
/// index (FTS5; on PostgreSQL the GIN index, in the generic plan the read
/// pool runs), never the whole table, and the CIs from before migration
/// 0020 are folded by the backfill.
async fn ci_search_uses_the_full_text_index(pg: bool) {
    let (store, _dir) = common::store(pg).await;
    let d = store.dialect();
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    while fulltext::backfill(&mut conn, 5_000).await.unwrap() > 0 {}
    assert_eq!(fulltext::pending(&mut conn).await.unwrap(), 0);
    store.analyze().await.unwrap();
    if pg {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    let index: &[&str] = if pg { &["cis_search"] } else { &["VIRTUAL TABLE INDEX"] };
    // Services are few: for a word most CIs have, walking them by class
    // (or the requester's live ones) is as good as the index.
    let few: &[&str] = &["cis_search", "cis_class_name", "cis_requester_visible"];
    // A word every CI has: walking the newest CIs back under the window's
    // limit reads no more than the index would (PostgreSQL picks either,
    // by its statistics of the day).
    let common: &[&str] = &["cis_search", "Index Scan Backward using cis_pkey"];
    let services = || vec!["business_service".to_owned(), "technical_service".to_owned()];
    let scopes = [
        ("services", CiScope { classes: services(), ..CiScope::default() }),
        ("requester's services", CiScope { classes: services(), requester_visible: true, ..CiScope::default() }),
        ("cis", CiScope { except: services(), ..CiScope::default() }),
    ];
    let mut problems = Vec::new();
    for typed in ["ci 00042", "\"ci 04242\"", "ci 0424", "ci "] {
        let query = parse(typed, &["INC"]).unwrap();
        for (name, scope) in &scopes {
            let plan = search::cis_plan(&mut conn, d, &query, typed, scope).await.unwrap();
            let what = format!("ci search {typed:?}, {name}");
            let indexes = match (pg, *name, typed) {
                (true, "cis", "ci ") => common,
                (true, "cis", _) => index,
                (true, _, _) => few,
                (false, _, _) => index,
            };
            problems.extend(check(&what, &plan, pg, "cis", "c", indexes));
            problems.extend(check(&what, &plan, pg, "cis", "x", indexes));
            // The matches lead, newest first, with no sort of every match.
            if !pg && !plan.iter().any(|l| l.contains("SCAN f VIRTUAL TABLE INDEX")) {
                problems.push(format!("{what}: not led by the matches\n{}", plan.join("\n")));
            }
            if std::env::var("SHOW_PLANS").is_ok() {
                eprintln!("{what}:\n{}\n", plan.join("\n"));
            }
        }
    }
    // A word every CI has ranks within the newest matches; a rare one
    // finds its CI, and so does its name typed exactly.
    let cis = CiScope { except: services(), ..CiScope::default() };
    let hits = search::cis(&mut conn, d, &parse("ci ", &["INC"]).unwrap(), "ci ", &cis, 20).await.unwrap();
    assert_eq!(hits.len(), 20);
    let hits = search::cis(&mut conn, d, &parse("ci 04242", &["INC"]).unwrap(), "ci 04242", &cis, 20).await.unwrap();
    assert_eq!(hits.iter().map(|h| h.ci.name.as_str()).collect::<Vec<_>>(), ["CI 04242"]);
    drop(conn);
    common::drop_store(store, pg).await;
    assert!(problems.is_empty(), "{} CI search plans miss the index:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[tokio::test]
async fn ci_search_uses_the_full_text_index_sqlite() {
    ci_search_uses_the_full_text_index(false).await;
}

#[tokio::test]
async fn ci_search_uses_the_full_text_index_postgres() {
    ci_search_uses_the_full_text_index(true).await;
}

/// Suggestions read the small index of the records suggested (FTS5's
/// `knowledge_fts`; on PostgreSQL the partial GIN index), never the index
/// of every record nor the table.
async fn suggestions_use_the_knowledge_index(pg: bool) {
    let (store, _dir) = common::store(pg).await;
    let d = store.dialect();
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    // One record in ten a problem or an article, as a desk has them.
    conn.execute("UPDATE records SET kind = 'problem', number = id + 100000000 WHERE id % 20 = 0").await.unwrap();
    conn.execute("UPDATE records SET kind = 'article', number = id + 100000000, state = 'published' WHERE id % 20 = 1")
        .await
        .unwrap();
    while fulltext::backfill(&mut conn, 5_000).await.unwrap() > 0 {}
    store.analyze().await.unwrap();
    if pg {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    let knowledge: &[&str] = if pg { &["knowledge_search_words"] } else { &["knowledge_fts VIRTUAL TABLE INDEX"] };
    let mut problems = Vec::new();
    for typed in ["incident 42", "incid", "1234 "] {
        let words = steward_domain::search::words_of(typed, "the words typed").unwrap();
        for (name, scope) in
            [("staff", SuggestScope { requesters_only: false }), ("requester", SuggestScope { requesters_only: true })]
        {
            let plan = fulltext::suggest_plan(&mut conn, d, &words, scope).await.unwrap();
            if pg {
                assert!(plan.iter().any(|l| l.contains("$1")), "not a generic plan: {plan:?}");
            }
            problems.extend(check(&format!("suggest {typed:?}, {name}"), &plan, pg, "records", "r", knowledge));
            // FTS5 keeps the best matches; only those are read, by id.
            if !pg && !plan.iter().any(|l| l.contains("SEARCH r USING INTEGER PRIMARY KEY")) {
                problems.push(format!("suggest {typed:?}, {name}: records not read by id\n{}", plan.join("\n")));
            }
            if std::env::var("SHOW_PLANS").is_ok() {
                eprintln!("suggest {typed:?} {name}:\n{}\n", plan.join("\n"));
            }
        }
    }
    drop(conn);
    common::drop_store(store, pg).await;
    assert!(problems.is_empty(), "{} suggestion plans miss the index:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[tokio::test]
async fn suggestions_use_the_knowledge_index_sqlite() {
    suggestions_use_the_knowledge_index(false).await;
}

#[tokio::test]
async fn suggestions_use_the_knowledge_index_postgres() {
    suggestions_use_the_knowledge_index(true).await;
}

#[tokio::test]
async fn search_uses_the_full_text_index_sqlite() {
    search_uses_the_full_text_index(false).await;
}

#[tokio::test]
async fn search_uses_the_full_text_index_postgres() {
    search_uses_the_full_text_index(true).await;
}

#[tokio::test]
async fn every_list_filter_uses_an_index_sqlite() {
    plans_use_indexes(false).await;
}

#[tokio::test]
async fn every_list_filter_uses_an_index_postgres() {
    plans_use_indexes(true).await;
}

/// The problem list's SLA filters and order: problems share `records`
/// with the incidents (a twentieth of the rows here), and each filter
/// reads an index led by the kind, so the incidents' clocks are never
/// walked.
async fn problem_sla_plans_use_indexes(pg: bool) {
    let (store, _dir) = common::store(pg).await;
    let d = store.dialect();
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    let t0: i64 = 1_700_000_000_000_000;
    let first = INCIDENTS + ARTICLES + 1;
    insert(
        &mut conn,
        "INSERT INTO records (id, kind, number, title, description, state, impact, urgency, priority, requester_id, \
         assignment_group_id, opened_at, updated_at, created_by, version, sla_due_at, sla_breached)",
        (first..first + INCIDENTS / 20).map(|i| {
            let state = ["new", "assessment", "root_cause_analysis", "fix_in_progress", "resolved", "closed"]
                [(i % 6) as usize];
            let due = if i % 4 == 0 { (t0 + i * 1_000_000_000).to_string() } else { "NULL".into() };
            format!(
                "({i}, 'problem', {n}, 'Problem {n}', '', '{state}', 2, 2, {prio}, 1, {group}, {at}, {at}, 1, 1, {due}, {breached})",
                n = i - first + 1,
                prio = i % 5 + 1,
                group = i % GROUPS + 1,
                at = t0 + i * 60_000_000,
                breached = i64::from(i % 31 == 0),
            )
        }),
    )
    .await;
    store.analyze().await.unwrap();
    if pg {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    let f = || Filter { kind: "problem", limit: 50, ..Filter::default() };
    let open = || ["assessment", "fix_in_progress", "new", "root_cause_analysis"].map(String::from).to_vec();
    let due = Some(SlaFilter::DueBy(t0 + (first + 400) * 1_000_000_000));
    let filters: [(&str, Filter, &[&str]); 5] = [
        ("problems due by", Filter { sla: due, ..f() }, &["records_sla_due"]),
        ("problems breached", Filter { sla: Some(SlaFilter::Breached), ..f() }, &["records_sla_breached"]),
        (
            "open problems due by",
            Filter { sla: due, states: open(), ..f() },
            &["records_sla_due", "records_state_priority", "records_queue", "records_resolved"],
        ),
        (
            "open problems breached",
            Filter { sla: Some(SlaFilter::Breached), states: open(), ..f() },
            &["records_sla_breached"],
        ),
        ("open problems", Filter { states: open(), ..f() }, &[]),
    ];
    let mut problems = Vec::new();
    for (name, filter, indexes) in filters {
        for sort in [Sort::SlaDue, Sort::Priority, Sort::UpdatedDesc] {
            let f = Filter { sort, ..filter.clone() };
            let what = format!("{name}, sort {}", sort.name());
            let (list, count) = records::plans(&mut conn, d, &f).await.unwrap();
            // The count of `sort=sla_due` also asks for a due moment: any
            // index of the kind serves it, as long as none is scanned.
            let indexes = if sort == Sort::SlaDue { &[] } else { indexes };
            problems.extend(check(&what, &list, pg, "records", "i", &[]));
            problems.extend(check(&format!("{what}, count"), &count, pg, "records", "i", indexes));
            if pg {
                let (list, count) = records::generic_plans(&mut conn, &f).await.unwrap();
                problems.extend(check(&format!("{what}, generic"), &list, pg, "records", "i", &[]));
                problems.extend(check(&format!("{what}, count, generic"), &count, pg, "records", "i", indexes));
            }
            if std::env::var("SHOW_PLANS").is_ok() {
                eprintln!("{what}:\n{}\n", list.join("\n"));
            }
        }
    }
    drop(conn);
    common::drop_store(store, pg).await;
    assert!(problems.is_empty(), "{} problem plans miss their index:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[tokio::test]
async fn problem_sla_lists_use_indexes_sqlite() {
    problem_sla_plans_use_indexes(false).await;
}

#[tokio::test]
async fn problem_sla_lists_use_indexes_postgres() {
    problem_sla_plans_use_indexes(true).await;
}

/// The problem candidates' counts read the period's incidents through
/// `records_opened` and probe each group's open problem through an index;
/// the incidents of one group come from the group's own index.
async fn candidate_plans_use_indexes(pg: bool) {
    use steward_store::problem_trends::{self, Group, Period};
    let (store, _dir) = common::store(pg).await;
    let d = store.dialect();
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    // A CI on every fifth incident, and a few problems.
    insert(
        &mut conn,
        "INSERT INTO record_cis (record_id, ci_id)",
        (1..=INCIDENTS).filter(|i| i % 5 == 0).map(|i| format!("({i}, {})", 301 + i % 400)),
    )
    .await;
    insert(
        &mut conn,
        "INSERT INTO records (id, kind, number, title, description, state, impact, urgency, priority, requester_id, \
         category, service_id, opened_at, updated_at, created_by, version)",
        (1..=50).map(|p| {
            format!(
                "({}, 'problem', {p}, 'Problem {p}', '', 'assessment', 2, 2, 3, 1, 'cat{}', {}, 0, 0, 1, 1)",
                INCIDENTS + ARTICLES + p,
                p % 25,
                p % SERVICES + 1
            )
        }),
    )
    .await;
    store.analyze().await.unwrap();
    if pg {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    let t0: i64 = 1_700_000_000_000_000;
    let since = t0 + (INCIDENTS - 2_000) * 60_000_000;
    let open = ["new", "assessment", "root_cause_analysis", "fix_in_progress"];
    let mut problems = Vec::new();
    let plan = problem_trends::counts_plan(&mut conn, d, &Period { since, min: 3, open_states: &open }).await.unwrap();
    problems.extend(check("candidate counts", &plan, pg, "records", "i", &["records_opened"]));
    problems.extend(check("candidate counts' open problems", &plan, pg, "records", "p", &[]));
    problems.extend(check("candidate counts' CIs", &plan, pg, "record_cis", "rc", &[]));
    if pg {
        let period = Period { since, min: 3, open_states: &open };
        let plan = problem_trends::counts_generic_plan(&mut conn, &period).await.unwrap();
        assert!(plan.iter().any(|l| l.contains("$1")), "not a generic plan: {plan:?}");
        problems.extend(check("candidate counts, generic", &plan, pg, "records", "i", &["records_opened"]));
    }
    for (name, g, index) in [
        ("service's incidents", Group::Service(4), "records_service"),
        ("CI's incidents", Group::Ci(305), "record_cis_ci"),
        ("category's incidents", Group::Category("cat7"), "records_category"),
    ] {
        let plan = problem_trends::incidents_plan(&mut conn, d, &g, since).await.unwrap();
        // The group's own index, or the period's when it is the narrower.
        problems.extend(check(name, &plan, pg, "records", "i", &[index, "records_opened"]));
    }
    drop(conn);
    common::drop_store(store, pg).await;
    assert!(problems.is_empty(), "{} plans miss their index:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[tokio::test]
async fn problem_candidates_use_indexes_sqlite() {
    candidate_plans_use_indexes(false).await;
}

#[tokio::test]
async fn problem_candidates_use_indexes_postgres() {
    candidate_plans_use_indexes(true).await;
}

/// The change calendar reads changes by the planned window's index and the
/// actual start's (migration 0024), never by scanning the changes.
async fn calendar_plans_use_indexes(pg: bool) {
    use steward_store::calendar_entries::{self, Span};
    let (store, _dir) = common::store(pg).await;
    let d = store.dialect();
    let mut conn = store.pool().acquire().await.unwrap();
    fill(&mut conn).await;
    let t0: i64 = 1_700_000_000_000_000;
    let hour: i64 = 3_600_000_000;
    // Every incident row stands in for a change: one an hour, a third begun.
    insert(
        &mut conn,
        "INSERT INTO change_details (record_id, change_type, planned_start, planned_end, actual_start, actual_end)",
        (1..=INCIDENTS).map(|i| {
            let s = t0 + i * hour;
            let actual = if i % 3 == 0 { format!("{}, {}", s + hour / 2, s + 3 * hour) } else { "NULL, NULL".into() };
            format!("({i}, 'normal', {s}, {}, {actual})", s + 2 * hour)
        }),
    )
    .await;
    store.analyze().await.unwrap();
    if pg {
        conn.execute("SET enable_seqscan = off").await.unwrap();
    }
    let from = t0 + (INCIDENTS / 2) * hour;
    let span = Span { from, to: from + 43 * 24 * hour, longest: 30 * 24 * hour, now: from, limit: 2_001 };
    let plan = calendar_entries::in_span_plan(&mut conn, d, span).await.unwrap();
    let mut problems = Vec::new();
    problems.extend(check(
        "calendar by plan",
        &plan,
        pg,
        "change_details",
        "change_details",
        &["change_details_window"],
    ));
    problems.extend(check(
        "calendar by actual",
        &plan,
        pg,
        "change_details",
        "change_details",
        &["change_details_actual"],
    ));
    problems.extend(check("calendar's rows", &plan, pg, "records", "r", &[]));
    problems.extend(check("calendar's details", &plan, pg, "change_details", "d", &[]));
    drop(conn);
    common::drop_store(store, pg).await;
    assert!(problems.is_empty(), "{} plans miss their index:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[tokio::test]
async fn change_calendar_uses_indexes_sqlite() {
    calendar_plans_use_indexes(false).await;
}

#[tokio::test]
async fn change_calendar_uses_indexes_postgres() {
    calendar_plans_use_indexes(true).await;
}
