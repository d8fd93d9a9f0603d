//! `accounts::candidates`: everyone an event on a record may tell, read in
//! one statement, each user once with why they were found.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{drop_store, store};
use steward_store::{
    accounts::{self, NewUser},
    watchers,
};

fn user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: name.to_uppercase(),
        email: Some(format!("{name}@example.com")),
        role: "agent".into(),
        organisation_id: None,
        password_hash: None,
        locale: None,
    }
}

async fn finds_each_user_once_with_why(pg: bool) {
    let (s, _d) = store(pg).await;
    let ids = s
        .write(|c| {
            Box::pin(async move {
                let mut ids = Vec::new();
                for name in ["ann", "bob", "cat", "dan", "eve"] {
                    ids.push(accounts::insert_user(c, &user(name), 1).await?);
                }
                let g = accounts::insert_group(c, "Desk", "", 1).await?;
                accounts::add_member(c, g, ids[1]).await?;
                accounts::add_member(c, g, ids[2]).await?;
                // Bob is in the group and watches; Dan only watches; Eve
                // watches another record.
                watchers::add(c, "incident", 7, ids[1]).await?;
                watchers::add(c, "incident", 7, ids[3]).await?;
                watchers::add(c, "problem", 7, ids[4]).await?;
                ids.push(g);
                Ok::<_, steward_store::StoreError>(ids)
            })
        })
        .await
        .unwrap();
    let (ann, bob, cat, group) = (ids[0], ids[1], ids[2], ids[5]);
    let mut conn = s.pool().acquire().await.unwrap();
    let seen = |found: Vec<accounts::Candidate>| {
        found.into_iter().map(|c| (c.user.username, c.in_group, c.watching)).collect::<Vec<_>>()
    };

    let all = accounts::candidates(&mut conn, &[ann, bob], Some(group), Some(("incident", 7))).await.unwrap();
    assert_eq!(
        seen(all),
        [("ann".to_owned(), 0, 0), ("bob".to_owned(), 1, 1), ("cat".to_owned(), 1, 0), ("dan".to_owned(), 0, 1)]
    );
    // Each source alone.
    assert_eq!(seen(accounts::candidates(&mut conn, &[cat], None, None).await.unwrap()), [("cat".to_owned(), 0, 0)]);
    assert_eq!(
        seen(accounts::candidates(&mut conn, &[], Some(group), None).await.unwrap()),
        [("bob".to_owned(), 1, 0), ("cat".to_owned(), 1, 0)]
    );
    assert_eq!(
        seen(accounts::candidates(&mut conn, &[], None, Some(("problem", 7))).await.unwrap()),
        [("eve".to_owned(), 0, 1)]
    );
    // Nobody asked for: no statement, nobody found; unknown ids are no one.
    assert!(accounts::candidates(&mut conn, &[], None, None).await.unwrap().is_empty());
    assert!(accounts::candidates(&mut conn, &[9_999], None, Some(("incident", 8))).await.unwrap().is_empty());
    drop(conn);
    drop_store(s, pg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_each_user_once_with_why_sqlite() {
    finds_each_user_once_with_why(false).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_each_user_once_with_why_postgres() {
    finds_each_user_once_with_why(true).await
}
