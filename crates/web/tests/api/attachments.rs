//! Attachments: multipart upload, listing, safe download, one copy per
//! content, and the size limit.

use crate::helpers::*;
use crate::{both, both_with};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use steward_app::AppConfig;

/// Files under the data folder's `attachments`.
/// The contents kept (in the database; never in the data folder), by hash.
async fn stored_blobs(t: &TestApp) -> Vec<String> {
    assert!(!t.app.config.data_dir.join("attachments").exists(), "no file in the node's data folder");
    let rows: Vec<(String,)> = sqlx::query_as("SELECT sha256 FROM attachment_blobs ORDER BY sha256")
        .fetch_all(t.app.store.pool())
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

both!(upload_list_and_download, |t| {
    let n = num(&t.incident(&t.requester, json!({"title": "Error dialog"})).await);
    let bytes = b"<script>alert(1)</script> not for rendering".to_vec();
    let r = t.upload(&n, &t.requester, "screen.html", &bytes).await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let sha = hex::encode(Sha256::digest(&bytes));
    assert_eq!(
        (a["filename"].as_str(), a["size"].as_i64(), a["sha256"].as_str()),
        (Some("screen.html"), Some(bytes.len() as i64), Some(sha.as_str()))
    );
    assert_eq!(a["content_type"], "text/plain");
    let href = a["href"].as_str().unwrap().to_owned();
    assert_eq!(href, format!("/api/v1/incidents/{n}/attachments/{}", a["id"]));

    let list = t.json(&format!("/api/v1/incidents/{n}/attachments"), &t.agent).await;
    assert_eq!(list, json!([a]));
    for token in [&t.requester, &t.agent2, &t.admin] {
        let r = t.get(&href, token).await;
        assert_eq!(r.status(), 200);
        let h = r.headers();
        assert_eq!(h["content-type"], "application/octet-stream", "never rendered as uploaded");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["content-disposition"], "attachment; filename=\"screen.html\"; filename*=UTF-8''screen.html");
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    }
    let j = t.journal(&n, &t.requester).await;
    assert_eq!(j[1]["action"], "attachment");
    assert_eq!(j[1]["changes"], json!([{"field": "attachment", "old": null, "new": "screen.html"}]));
    assert_eq!(t.read(&n, &t.agent).await["version"], 1, "an attachment is no edit");

    // Big files up to the configured limit (10 MiB by default) are taken.
    let big: Vec<u8> = (0..3 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    let r = t.upload(&n, &t.agent, "dump.bin", &big).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["size"], big.len());
    let got = t.get(a["href"].as_str().unwrap(), &t.agent).await.bytes().await.unwrap();
    assert!(got.as_ref() == big.as_slice(), "the same bytes come back");
});

both!(non_ascii_and_hostile_file_names, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Invoices"})).await);
    let cases = [
        ("faktura-żółć.pdf", "faktura-____.pdf", "faktura-%C5%BC%C3%B3%C5%82%C4%87.pdf"),
        ("../../etc/passwd", "passwd", "passwd"),
        ("report: final?.txt", "report final.txt", "report%20final.txt"),
    ];
    for (i, (sent, ascii, encoded)) in cases.into_iter().enumerate() {
        let r = t.upload(&n, &t.agent, sent, format!("file {i}").as_bytes()).await;
        assert_eq!(r.status(), 201, "{sent}");
        let a: Value = r.json().await.unwrap();
        let kept = a["filename"].as_str().unwrap().to_owned();
        let r = t.get(a["href"].as_str().unwrap(), &t.agent).await;
        let cd = r.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(
            cd,
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            "{sent} kept as {kept}"
        );
    }
    let names: Vec<String> = t
        .json(&format!("/api/v1/incidents/{n}/attachments"), &t.agent)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["filename"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["faktura-żółć.pdf", "passwd", "report final.txt"]);
});

both!(identical_content_is_stored_once, |t| {
    let a = num(&t.incident(&t.agent, json!({"title": "First"})).await);
    let b = num(&t.incident(&t.agent, json!({"title": "Second"})).await);
    let bytes = vec![7u8; 300];
    let one: Value = t.upload(&a, &t.agent, "log.txt", &bytes).await.json().await.unwrap();
    let two: Value = t.upload(&b, &t.agent, "same-log.txt", &bytes).await.json().await.unwrap();
    let three: Value = t.upload(&a, &t.agent, "other.txt", b"different").await.json().await.unwrap();
    assert_eq!(one["sha256"], two["sha256"]);
    assert_ne!(one["id"], two["id"]);
    assert_ne!(one["sha256"], three["sha256"]);
    let blobs = stored_blobs(&t).await;
    assert_eq!(blobs.len(), 2, "{blobs:?}");
    assert!(blobs.iter().any(|sha| sha == one["sha256"].as_str().unwrap()));
    let r = t.get(two["href"].as_str().unwrap(), &t.agent).await;
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"same-log.txt\"; filename*=UTF-8''same-log.txt"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
});

both!(a_file_of_several_chunks_streams_back_whole, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "A core dump"})).await);
    let bytes: Vec<u8> =
        (0..(2 * 1024 * 1024 + 777)).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let a: Value = t.upload(&n, &t.agent, "core.bin", &bytes).await.json().await.unwrap();
    let (chunks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attachment_chunks WHERE sha256 = $1")
        .bind(a["sha256"].as_str().unwrap().to_owned())
        .fetch_one(t.app.store.pool())
        .await
        .unwrap();
    assert_eq!(chunks, 3, "1 MiB chunks");
    let r = t.get(a["href"].as_str().unwrap(), &t.agent).await;
    assert_eq!(r.headers()["content-length"], bytes.len().to_string().as_str());
    assert!(r.bytes().await.unwrap().as_ref() == bytes.as_slice(), "the same bytes, in order");
});

both!(attachments_of_others_and_bad_uploads, |t| {
    let mine = num(&t.incident(&t.requester, json!({"title": "Mine"})).await);
    let theirs = num(&t.incident(&t.requester2, json!({"title": "Theirs"})).await);
    let a: Value = t.upload(&theirs, &t.requester2, "salary.xlsx", b"secret numbers").await.json().await.unwrap();
    let href = a["href"].as_str().unwrap();
    let only_own = "requesters can only see their own incidents";
    forbidden(t.get(href, &t.requester).await, only_own).await;
    forbidden(t.get(&format!("/api/v1/incidents/{theirs}/attachments"), &t.requester).await, only_own).await;
    forbidden(t.upload(&theirs, &t.requester, "virus.exe", b"MZ").await, only_own).await;
    // Reaching it through one's own incident does not work either.
    let p = problem(
        t.get(&format!("/api/v1/incidents/{mine}/attachments/{}", a["id"]), &t.requester).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(p["detail"], "attachment not found");
    problem(t.get(&format!("/api/v1/incidents/{theirs}/attachments/999999"), &t.agent).await, 404, "not_found").await;

    let before = t.snapshot(&mine).await;
    assert_eq!(invalid(t.upload(&mine, &t.requester, "empty.txt", b"").await, &["file"]).await, "is empty");
    let r = t
        .req(reqwest::Method::POST, &format!("/api/v1/incidents/{mine}/attachments"), &t.requester)
        .multipart(reqwest::multipart::Form::new().text("note", "no file here"))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid(r, &["file"]).await, "is required (a part named file)");
    let r = t.post(&format!("/api/v1/incidents/{mine}/attachments"), &t.requester, json!({"file": "x"})).await;
    problem(r, 415, "unsupported_media_type").await;
    assert_eq!(t.snapshot(&mine).await, before);
    assert!(
        t.json(&format!("/api/v1/incidents/{mine}/attachments"), &t.requester).await.as_array().unwrap().is_empty()
    );
    assert_eq!(stored_blobs(&t).await.len(), 1, "only the one good upload");
});

both_with!(attachment_over_the_limit, AppConfig { attachment_max_bytes: 1024, ..Default::default() }, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Big files"})).await);
    let before = t.snapshot(&n).await;
    for size in [1025, 5000, 200_000, 2_000_000] {
        let p = problem(t.upload(&n, &t.agent, "big.bin", &vec![1u8; size]).await, 413, "too_large").await;
        assert_eq!(p["detail"], "the attachment is too large: at most 1024 bytes", "{size}");
    }
    assert_eq!(t.snapshot(&n).await, before, "nothing changed");
    assert!(stored_blobs(&t).await.is_empty());
    assert_eq!(t.upload(&n, &t.agent, "fits.bin", &[2u8; 1024]).await.status(), 201, "exactly the limit");
    assert_eq!(t.json(&format!("/api/v1/incidents/{n}/attachments"), &t.agent).await.as_array().unwrap().len(), 1);
});
