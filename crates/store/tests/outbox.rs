//! The outbox queue on both backends: claims lease rows so that concurrent
//! claimers never take the same one, retries and dead letters.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::store;

use steward_store::StoreError;
use steward_store::outbox::{self, NewMessage};

fn message(i: usize, channel: &str) -> NewMessage {
    NewMessage {
        channel: channel.into(),
        event: "incident.created".into(),
        record_kind: Some("incident".into()),
        record_id: Some(1),
        target: format!("user{i}@example.com"),
        payload: "{}".into(),
        last_error: None,
    }
}

async fn claims_never_overlap(pg: bool) {
    let (s, _d) = store(pg).await;
    let msgs: Vec<NewMessage> = (0..200).map(|i| message(i, "email")).collect();
    let now = 1_000_000;
    s.write(move |c| Box::pin(async move { outbox::enqueue_many(c, &msgs, now).await })).await.unwrap();
    let d = s.dialect();
    // Eight claimers at once, 10 rows each, until nothing is left.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = s
                    .write(move |c| {
                        Box::pin(async move { outbox::claim_due(c, d, now, now + 60_000_000, 10, &["email"]).await })
                    })
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch.into_iter().map(|m| m.id));
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!((before, all.len()), (200, 200), "every row claimed exactly once");
    // Leased: not due again until the lease ends, then due again.
    let again = s
        .write(move |c| Box::pin(async move { outbox::claim_due(c, d, now + 1, now + 2, 500, &["email"]).await }))
        .await
        .unwrap();
    assert!(again.is_empty());
    let later = now + 60_000_000;
    let again = s
        .write(move |c| Box::pin(async move { outbox::claim_due(c, d, later, later + 1, 500, &["email"]).await }))
        .await
        .unwrap();
    assert_eq!(again.len(), 200, "an expired lease frees the row");
    s.close().await;
}

async fn retries_dead_letters_and_counts(pg: bool) {
    let (s, _d) = store(pg).await;
    let d = s.dialect();
    let msgs = vec![message(1, "email"), message(2, "webhook"), message(3, "email")];
    let ids = s.write(move |c| Box::pin(async move { outbox::enqueue_many(c, &msgs, 10).await })).await.unwrap();
    let (a, b, e) = (ids[0], ids[1], ids[2]);
    // Only the channels asked for.
    let got = s
        .write(move |c| Box::pin(async move { outbox::claim_due(c, d, 10, 20, 10, &["webhook"]).await }))
        .await
        .unwrap();
    assert_eq!(got.iter().map(|m| m.id).collect::<Vec<_>>(), [b]);
    s.write(move |c| {
        Box::pin(async move {
            outbox::mark_sent(c, b, 1, 30).await?;
            outbox::schedule_retry(c, a, 1, 100, "relay down").await?;
            outbox::mark_dead(c, e, 8, "550 no such mailbox").await
        })
    })
    .await
    .unwrap();
    let mut conn = s.pool().acquire().await.unwrap();
    let counts = outbox::counts(&mut conn).await.unwrap();
    assert_eq!(counts, [("dead".to_owned(), 1), ("pending".to_owned(), 1), ("sent".to_owned(), 1)]);
    let m = outbox::get(&mut conn, a).await.unwrap().unwrap();
    assert_eq!((m.attempts, m.next_attempt_at, m.last_error.as_deref()), (1, 100, Some("relay down")));
    let (dead, more) = outbox::list(&mut conn, "dead", None, 10).await.unwrap();
    assert_eq!((dead.len(), more, dead[0].last_error.as_deref()), (1, false, Some("550 no such mailbox")));
    drop(conn);
    // A pending message cannot be "retried"; a dead one can, once.
    let r = s.write(move |c| Box::pin(async move { outbox::retry(c, a, 50).await })).await;
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    s.write(move |c| Box::pin(async move { outbox::retry(c, e, 50).await })).await.unwrap();
    let mut conn = s.pool().acquire().await.unwrap();
    let m = outbox::get(&mut conn, e).await.unwrap().unwrap();
    assert_eq!((m.state.as_str(), m.attempts, m.next_attempt_at), ("pending", 0, 50));
    // Keyset pages.
    let (p1, more) = outbox::list(&mut conn, "pending", None, 1).await.unwrap();
    assert!(more);
    let (p2, more) = outbox::list(&mut conn, "pending", Some(p1[0].id), 1).await.unwrap();
    assert!(!more);
    assert!(p2[0].id < p1[0].id);
    drop(conn);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_never_overlap_sqlite() {
    claims_never_overlap(false).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_never_overlap_postgres() {
    claims_never_overlap(true).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_dead_letters_and_counts_sqlite() {
    retries_dead_letters_and_counts(false).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_dead_letters_and_counts_postgres() {
    retries_dead_letters_and_counts(true).await
}
