//! The group-commit writer: a failing write undoes only itself, concurrent
//! writes all land, and answers come after the commit. Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::store;

use steward_store::StoreError;

#[derive(Debug)]
enum TestError {
    #[allow(dead_code)] // shown by Debug when a test fails
    Store(StoreError),
    Refused,
}

impl From<StoreError> for TestError {
    fn from(e: StoreError) -> Self {
        TestError::Store(e)
    }
}

/// Every third job writes a row and then fails: its row must vanish while
/// its neighbours in the same batch keep theirs.
async fn failing_jobs_roll_back_alone(pg: bool) {
    let (s, _d) = store(pg).await;
    let mut tasks = Vec::new();
    for i in 0..60i64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.write(move |c| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
                        .bind(format!("k{i}"))
                        .bind("v")
                        .execute(&mut *c)
                        .await
                        .map_err(StoreError::from)?;
                    if i % 3 == 0 { Err(TestError::Refused) } else { Ok(i) }
                })
            })
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(TestError::Refused) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 40);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM settings").fetch_one(s.pool()).await.unwrap();
    assert_eq!(n, 40, "only the successful jobs' rows are there");
    let (bad,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM settings WHERE key IN ('k0', 'k3', 'k57')")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(bad, 0);
    // A duplicate key fails inside the database: also rolled back alone.
    let dup = s
        .write(|c| {
            Box::pin(async move {
                sqlx::query("INSERT INTO settings (key, value) VALUES ('k1', 'again')").execute(&mut *c).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Duplicate(_))), "{dup:?}");
    let after = s
        .write(|c| {
            Box::pin(async move {
                sqlx::query("INSERT INTO settings (key, value) VALUES ('after', 'x')").execute(&mut *c).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await;
    assert!(after.is_ok(), "the writer goes on after a failed job");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_jobs_roll_back_alone_sqlite() {
    failing_jobs_roll_back_alone(false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_jobs_roll_back_alone_postgres() {
    failing_jobs_roll_back_alone(true).await
}

/// Every third job is refused by its check (as a stale version or a
/// missing right is): the others in its batch are neither rolled back nor
/// run again, and the refused ones wrote nothing.
async fn refusals_do_not_rerun_the_batch(pg: bool) {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };
    let (s, _d) = store(pg).await;
    let runs = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..60i64 {
        let (s, runs) = (s.clone(), runs.clone());
        tasks.push(tokio::spawn(async move {
            if i % 3 == 0 {
                s.write_checked(
                    move |c| {
                        Box::pin(async move {
                            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM settings")
                                .fetch_one(&mut *c)
                                .await
                                .map_err(StoreError::from)?;
                            if n >= 0 { Err(TestError::Refused) } else { Ok(n) }
                        })
                    },
                    move |c, _| {
                        Box::pin(async move {
                            sqlx::query("INSERT INTO settings (key, value) VALUES ('never', 'x')")
                                .execute(&mut *c)
                                .await
                                .map_err(StoreError::from)?;
                            Ok(i)
                        })
                    },
                )
                .await
            } else {
                s.write(move |c| {
                    Box::pin(async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
                            .bind(format!("k{i}"))
                            .bind("v")
                            .execute(&mut *c)
                            .await
                            .map_err(StoreError::from)?;
                        Ok::<_, TestError>(i)
                    })
                })
                .await
            }
        }));
    }
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => {}
            Err(TestError::Refused) => refused += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(refused, 20);
    assert_eq!(runs.load(Ordering::SeqCst), 40, "no job ran twice");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM settings").fetch_one(s.pool()).await.unwrap();
    assert_eq!(n, 40, "every accepted job's row, none of the refused ones'");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_do_not_rerun_the_batch_sqlite() {
    refusals_do_not_rerun_the_batch(false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_do_not_rerun_the_batch_postgres() {
    refusals_do_not_rerun_the_batch(true).await
}

/// Writers that lock the same two rows in opposite orders deadlock on
/// PostgreSQL, which then ends one of them. Every write must still land:
/// the victim is run again, not answered with an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlock_victims_are_run_again_postgres() {
    const JOBS: i64 = 200;
    let (s, _d) = store(true).await;
    sqlx::query("INSERT INTO settings (key, value) VALUES ('a', '0'), ('b', '0')").execute(s.pool()).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..JOBS {
        let s = s.clone();
        let (first, second) = if i % 2 == 0 { ("a", "b") } else { ("b", "a") };
        // Arriving one by one, the jobs fill small batches that the
        // writers run side by side.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        tasks.push(tokio::spawn(async move {
            s.write(move |c| {
                Box::pin(async move {
                    for key in [first, second] {
                        sqlx::query(
                            "UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) \
                             WHERE key = $1 AND pg_sleep(0.005) IS NOT NULL",
                        )
                        .bind(key)
                        .execute(&mut *c)
                        .await?;
                    }
                    Ok::<_, StoreError>(i)
                })
            })
            .await
        }));
    }
    let mut failed = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.unwrap() {
            failed.push(e.to_string());
        }
    }
    assert!(failed.is_empty(), "{} writes failed, e.g. {:?}", failed.len(), failed.first());
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key IN ('a', 'b') ORDER BY key")
            .fetch_all(s.pool())
            .await
            .unwrap();
    assert_eq!(rows, vec![("a".into(), JOBS.to_string()), ("b".into(), JOBS.to_string())], "every write counted once");
    s.close().await;
}
