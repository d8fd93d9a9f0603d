//! The merge a post makes inside its INSERT … ON CONFLICT agrees with
//! Alertmanager's, as the domain writes it (`alert::merge`), over every
//! arrangement of a kept and a posted alert's times around now, and the
//! statement says what the alert was before and the database writes the
//! history it makes (fired, resolved); a list narrowed by a label reads
//! the label index, and finds alerts not indexed yet too. Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{drop_store, store};
use steward_domain::alert::{Alert, Labels, merge, pair_key};
use steward_store::alerts::{
    AlertRow, firing, firing_query, index_labels, label_queue, label_queue_len, upsert, upsert_merged,
};

const NOW: i64 = 1_800_000_000_000_000;
const MIN: i64 = 60_000_000;

fn row(fp: i64, starts_at: i64, ends_at: i64, timeout: bool, at: i64) -> AlertRow {
    AlertRow {
        id: 0,
        fingerprint: fp,
        labels: format!("{{\"n\":\"{fp}\"}}"),
        annotations: "{}".into(),
        generator_url: String::new(),
        starts_at,
        ends_at,
        timeout: i64::from(timeout),
        updated_at: at,
        received_at: at,
        acked_by: None,
        acked_at: None,
        assignee_id: None,
        sender_id: None,
        ci_id: None,
    }
}

fn alert(r: &AlertRow) -> Alert {
    Alert {
        fingerprint: r.fingerprint as u64,
        labels: Labels::new(),
        annotations: Labels::new(),
        generator_url: String::new(),
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        timeout: r.timeout != 0,
        updated_at: r.updated_at,
    }
}

async fn agrees_with_the_domain(pg: bool) {
    let (s, _d) = store(pg).await;
    // Times around now: long ago, just before, now, just after, far on.
    let times = [NOW - 60 * MIN, NOW - 10 * MIN, NOW - MIN, NOW, NOW + MIN, NOW + 10 * MIN, NOW + 60 * MIN];
    let mut kept = Vec::new();
    let mut posted = Vec::new();
    let mut fp = 0;
    for (i, &os) in times.iter().enumerate() {
        for &oe in &times[i..] {
            for &ps in &times {
                for &pe in times.iter().filter(|&&e| e >= ps) {
                    for (ot, pt) in [(false, false), (true, false), (false, true), (true, true)] {
                        fp += 1;
                        kept.push(row(fp, os, oe, ot, NOW - 2 * MIN));
                        posted.push(row(fp, ps, pe, pt, NOW));
                    }
                }
            }
        }
    }
    let mut c = s.pool().acquire().await.unwrap();
    let added = upsert_merged(&mut c, NOW - 2 * MIN, &kept).await.unwrap();
    assert!(added.iter().all(|m| m.prev_ends_at.is_none()), "new alerts had no end before");
    // The kept ones fire or not as of two minutes ago; acknowledge them all,
    // to see a new episode clear it.
    sqlx::query("UPDATE alerts SET acked_by = NULL, acked_at = 5, assignee_id = NULL").execute(&mut *c).await.unwrap();
    let merged = upsert_merged(&mut c, NOW, &posted).await.unwrap();
    assert_eq!(merged.len(), kept.len());
    let by_fp: std::collections::HashMap<i64, _> = merged.iter().map(|m| (m.fingerprint, *m)).collect();
    for (k, p) in kept.iter().zip(&posted) {
        let want = merge(&alert(k), alert(p), NOW);
        let got = by_fp[&k.fingerprint];
        assert_eq!(
            (got.starts_at, got.ends_at),
            (want.starts_at, want.ends_at),
            "kept {:?} posted {:?}",
            (k.starts_at - NOW, k.ends_at - NOW, k.timeout),
            (p.starts_at - NOW, p.ends_at - NOW, p.timeout)
        );
        assert_eq!(got.prev_ends_at, Some(k.ends_at));
        let again = k.ends_at <= NOW && want.ends_at > NOW;
        assert_eq!(got.received_at, if again { NOW } else { NOW - 2 * MIN }, "episode of {}", k.fingerprint);
        let (acked_at,): (Option<i64>,) =
            sqlx::query_as("SELECT acked_at FROM alerts WHERE id = $1").bind(got.id).fetch_one(&mut *c).await.unwrap();
        assert_eq!(acked_at, if again { None } else { Some(5) }, "a new episode is not acknowledged");
        // The history the database wrote: the first post's fired or
        // resolved, then the second's if it changed the episode.
        let episode = |firing: bool, starts_at: i64, ends_at: i64| {
            if firing { ("fired".to_owned(), starts_at) } else { ("resolved".to_owned(), ends_at) }
        };
        let mut want = vec![episode(k.ends_at > NOW - 2 * MIN, k.starts_at, k.ends_at)];
        if (k.ends_at > NOW) != (got.ends_at > NOW) {
            want.push(episode(got.ends_at > NOW, got.starts_at, got.ends_at));
        }
        let history: Vec<(String, i64)> =
            sqlx::query_as("SELECT kind, at FROM alert_events WHERE alert_id = $1 ORDER BY id")
                .bind(got.id)
                .fetch_all(&mut *c)
                .await
                .unwrap();
        assert_eq!(history, want, "history of {}", k.fingerprint);
    }
    drop(c);
    drop_store(s, pg).await;
}

#[tokio::test]
async fn sql_merge_agrees_with_the_domain_sqlite() {
    agrees_with_the_domain(false).await;
}

#[tokio::test]
async fn sql_merge_agrees_with_the_domain_postgres() {
    agrees_with_the_domain(true).await;
}

/// The labels' text of the rows in the test below.
fn labels_of(i: i64) -> String {
    format!("{{\"alertname\":\"Alert{}\",\"instance\":\"host-{i}:9100\",\"job\":\"node\"}}", i % 50)
}

/// The label index's rows for queued alerts, as the indexing pass writes
/// them (the pair keys of `labels_of`).
fn index_rows(queued: &[(i64, Option<String>)]) -> Vec<(i64, i64)> {
    let mut rows: Vec<(i64, i64)> = Vec::new();
    for (id, labels) in queued {
        let text = labels.as_deref().unwrap();
        let fp: i64 = text.split("host-").nth(1).unwrap().split(':').next().unwrap().parse().unwrap();
        assert_eq!(text, labels_of(fp));
        for (n, v) in [
            ("alertname", format!("Alert{}", fp % 50)),
            ("instance", format!("host-{fp}:9100")),
            ("job", "node".into()),
        ] {
            rows.push((pair_key(n, &v) as i64, *id));
        }
    }
    rows.sort_unstable();
    rows
}

async fn filtered_lists_read_the_label_index(pg: bool) {
    let (s, _d) = store(pg).await;
    let d = s.dialect();
    let posted: Vec<AlertRow> = (0..5_000)
        .map(|i| {
            let mut r = row(i, NOW - MIN, NOW + 5 * MIN, true, NOW);
            r.labels = labels_of(i);
            r
        })
        .collect();
    let mut c = s.pool().acquire().await.unwrap();
    upsert(&mut c, NOW, &posted).await.unwrap();
    let pair = |n: &str, v: &str| vec![(n.to_owned(), v.to_owned())];
    // Before the index has them (queued), and after.
    for indexed in [false, true] {
        if indexed {
            let queued = label_queue(&mut c, 10_000).await.unwrap();
            assert_eq!(queued.len(), 5_000, "every new alert is queued once");
            let ids: Vec<i64> = queued.iter().map(|(id, _)| *id).collect();
            let rows = index_rows(&queued);
            index_labels(&mut c, &rows, &ids).await.unwrap();
            // Written twice (two passes, a pass run again): the same rows.
            index_labels(&mut c, &rows, &ids).await.unwrap();
            assert_eq!(label_queue_len(&mut c).await.unwrap(), 0);
            // A repeat queues nothing.
            upsert(&mut c, NOW, &posted).await.unwrap();
            assert_eq!(label_queue_len(&mut c).await.unwrap(), 0, "a repeat is indexed already");
            sqlx::raw_sql("ANALYZE").execute(&mut *c).await.unwrap();
        }
        let found = firing(&mut c, d, NOW, &pair("instance", "host-7:9100")).await.unwrap();
        assert_eq!(found.iter().map(|r| r.fingerprint).collect::<Vec<_>>(), [7], "indexed: {indexed}");
        let found = firing(&mut c, d, NOW, &[pair("alertname", "Alert7"), pair("job", "node")].concat()).await.unwrap();
        assert_eq!(found.len(), 100);
        assert!(found.windows(2).all(|w| w[0].fingerprint < w[1].fingerprint), "by fingerprint");
        assert_eq!(firing(&mut c, d, NOW, &pair("job", "node")).await.unwrap().len(), 5_000);
        assert!(firing(&mut c, d, NOW, &pair("job", "nod")).await.unwrap().is_empty(), "a whole value, not a part");
    }
    for name in ["instance", "alertname", "service"] {
        let q = firing_query(d, NOW, &pair(name, "x"));
        let (text, args) = q.parts(&c).unwrap();
        let explain = if pg { format!("EXPLAIN {text}") } else { format!("EXPLAIN QUERY PLAN {text}") };
        let plan: Vec<sqlx::any::AnyRow> =
            sqlx::query_with(sqlx::AssertSqlSafe(explain), args).fetch_all(&mut *c).await.unwrap();
        let plan: Vec<String> = plan
            .iter()
            .map(|r| {
                use sqlx::Row;
                r.try_get::<String, _>(if pg { 0 } else { 3 }).unwrap()
            })
            .collect();
        assert!(plan.iter().any(|l| l.contains("alert_labels")), "{name}: {plan:?}");
    }
    // A label most alerts share is checked on the alerts read in order.
    let (text, _) = firing_query(d, NOW, &pair("job", "node")).parts(&c).unwrap();
    assert!(!text.contains("alert_labels"), "{text}");
    drop(c);
    drop_store(s, pg).await;
}

#[tokio::test]
async fn filtered_lists_read_the_label_index_sqlite() {
    filtered_lists_read_the_label_index(false).await;
}

#[tokio::test]
async fn filtered_lists_read_the_label_index_postgres() {
    filtered_lists_read_the_label_index(true).await;
}

/// The CI mapping's write: each alert given its CI (0: none) in one
/// statement per 500, the others left unmapped.
async fn cis_are_set_in_bulk(pg: bool) {
    let (s, _d) = store(pg).await;
    let mut c = s.pool().acquire().await.unwrap();
    let rows: Vec<AlertRow> = (0..1_201).map(|i| row(i, NOW - MIN, NOW + 5 * MIN, true, NOW)).collect();
    upsert(&mut c, NOW, &rows).await.unwrap();
    let unmapped = steward_store::alerts::unmapped(&mut c, 2_000).await.unwrap();
    assert_eq!(unmapped.len(), 1_201);
    // All but the last: even ids to CI 7, odd ones to none.
    let pairs: Vec<(i64, i64)> =
        unmapped[..1_200].iter().map(|(id, _)| (*id, if id % 2 == 0 { 7 } else { 0 })).collect();
    steward_store::alerts::set_cis(&mut c, &pairs).await.unwrap();
    let left = steward_store::alerts::unmapped(&mut c, 2_000).await.unwrap();
    assert_eq!(left.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [unmapped[1_200].0]);
    for (id, ci) in &pairs {
        let want = if *ci > 0 { Some(7) } else { None };
        assert_eq!(steward_store::alerts::ci_of(&mut c, *id).await.unwrap(), want);
    }
    drop(c);
    drop_store(s, pg).await;
}

#[tokio::test]
async fn cis_are_set_in_bulk_sqlite() {
    cis_are_set_in_bulk(false).await;
}

#[tokio::test]
async fn cis_are_set_in_bulk_postgres() {
    cis_are_set_in_bulk(true).await;
}
