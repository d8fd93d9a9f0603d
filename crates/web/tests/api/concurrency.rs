//! Many clients at once: optimistic locking lets exactly one stale-version
//! writer win, and concurrent creates never share a number.

use crate::both;
use crate::helpers::*;
use futures_util::future::join_all;
use serde_json::{Value, json};
use std::collections::BTreeSet;

both!(concurrent_patches_with_one_version_one_wins, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Contended"})).await);
    let path = format!("/api/v1/incidents/{n}");
    let journal_before = t.journal(&n, &t.admin).await.as_array().unwrap().len();
    let tokens = [&t.agent, &t.agent2, &t.manager, &t.admin];
    let answers = join_all((0..20).map(|i| {
        let (t, path, token) = (&t, &path, tokens[i % 4]);
        async move {
            let r = t.patch(path, token, json!({"version": 1, "title": format!("writer {i}")})).await;
            let status = r.status().as_u16();
            (i, status, r.json::<Value>().await.unwrap())
        }
    }))
    .await;
    let winners: Vec<&(usize, u16, Value)> = answers.iter().filter(|a| a.1 == 200).collect();
    assert_eq!(winners.len(), 1, "{:?}", answers.iter().map(|a| a.1).collect::<Vec<_>>());
    for (_, status, body) in answers.iter().filter(|a| a.1 != 200) {
        assert_eq!(*status, 409, "{body}");
        assert_eq!(body["code"], "version_conflict");
        assert_eq!(body["current_version"], 2);
    }
    let (i, _, won) = winners[0];
    let inc = t.read(&n, &t.admin).await;
    assert_eq!((inc["version"].as_i64(), inc["title"].as_str()), (Some(2), Some(format!("writer {i}").as_str())));
    assert_eq!(&inc, won);
    let journal = t.journal(&n, &t.admin).await;
    assert_eq!(journal.as_array().unwrap().len(), journal_before + 1, "one journal entry added");
    assert_eq!(journal[1]["changes"][0]["new"], format!("writer {i}"));
});

both!(concurrent_transitions_one_wins, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Race to resolve"})).await);
    let answers = join_all((0..10).map(|i| {
        let (t, n) = (&t, &n);
        async move {
            let body = if i % 2 == 0 {
                json!({"version": 1, "state": "in_progress"})
            } else {
                json!({"version": 1, "state": "cancelled"})
            };
            t.transition(n, &t.agent, body).await.status().as_u16()
        }
    }))
    .await;
    assert_eq!(answers.iter().filter(|s| **s == 200).count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|s| **s == 409).count(), 9, "{answers:?}");
    assert_eq!(t.journal(&n, &t.admin).await.as_array().unwrap().len(), 2);
});

both!(concurrent_creates_get_distinct_numbers, |t| {
    let tokens = [&t.agent, &t.requester, &t.manager, &t.requester2, &t.admin];
    let answers = join_all((0..50).map(|i| {
        let (t, token) = (&t, tokens[i % 5]);
        async move {
            let r = t.post("/api/v1/incidents", token, json!({"title": format!("burst {i}")})).await;
            assert_eq!(r.status(), 201);
            let location = r.headers()["location"].to_str().unwrap().to_owned();
            let inc: Value = r.json().await.unwrap();
            assert_eq!(location, format!("/api/v1/incidents/{}", inc["number"].as_str().unwrap()));
            num(&inc)
        }
    }))
    .await;
    let distinct: BTreeSet<String> = answers.iter().cloned().collect();
    assert_eq!(distinct.len(), 50, "{answers:?}");
    // Gaps would be allowed (PostgreSQL sequences); sharing is not.
    let listed: BTreeSet<String> = t.numbers(&[("limit", "200")], &t.admin).await.into_iter().collect();
    assert_eq!(listed, distinct, "every answered number is an incident of its own");
    // Each has exactly its own creation entry.
    for n in distinct.iter().step_by(10) {
        let j = t.journal(n, &t.admin).await;
        assert_eq!(j.as_array().unwrap().len(), 1);
        assert_eq!(j[0]["seq"], 1);
    }
});
