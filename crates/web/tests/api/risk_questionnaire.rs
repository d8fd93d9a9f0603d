//! The risk questionnaire over HTTP: the built-in one until a manager or
//! admin replaces it, new assessments scored with the one in force while
//! earlier ones keep theirs, a reset, and every refusal naming its field.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// Two questions; high from 6, and the CAB from high.
fn short() -> Value {
    json!({
        "questions": [
            {"key": "reach", "text_en": "How far does it reach?", "text_pl": "Jak daleko sięga?", "answers": [
                {"key": "small", "text_en": "One team", "text_pl": "Jeden zespół", "weight": 0},
                {"key": "wide", "text_en": "Everyone", "text_pl": "Wszyscy", "weight": 6}]},
            {"key": "rehearsed", "text_en": "Rehearsed?", "text_pl": "Przećwiczona?", "answers": [
                {"key": "yes", "text_en": "Yes", "text_pl": "Tak", "weight": 0},
                {"key": "no", "text_en": "No", "text_pl": "Nie", "weight": 2}]}],
        "levels": [{"min_score": 0, "level": "low"}, {"min_score": 2, "level": "moderate"},
            {"min_score": 6, "level": "high"}],
        "cab_from": "high"
    })
}

fn risk(c: &Value) -> (Option<i64>, Option<&str>, Option<bool>) {
    (c["risk_score"].as_i64(), c["risk_level"].as_str(), c["needs_cab"].as_bool())
}

both!(a_configured_questionnaire_scores_new_assessments_and_past_ones_keep_theirs, |t| {
    let built_in = t.json("/api/v1/risk-questionnaire", &t.agent).await;
    assert_eq!(built_in["questions"].as_array().unwrap().len(), 5);
    assert_eq!((built_in["cab_from"].as_str(), built_in["levels"][2]["min_score"].as_i64()), (Some("high"), Some(10)));
    // Scored with the built-in one: 5 + 4 + 3 + 0 + 1 = 13, high, CAB.
    let answers = json!({"services_affected": "many", "user_impact": "everyone", "back_out": "hard",
        "tested": "production_like", "outage": "in_window"});
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "Move the core router", "answers": answers})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let before: Value = r.json().await.unwrap();
    assert_eq!(risk(&before), (Some(13), Some("high"), Some(true)));

    let r = t.put_json("/api/v1/risk-questionnaire", &t.manager, short()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(r.json::<Value>().await.unwrap(), short());
    assert_eq!(t.json("/api/v1/risk-questionnaire", &t.agent).await, short(), "every reader sees it");

    // New answers are the new questionnaire's; the old ones are refused.
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "Patch the VPN", "answers": answers})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert!(fields(&p).contains(&"answers.services_affected".to_owned()), "{p}");
    assert!(fields(&p).contains(&"answers.reach".to_owned()), "{p}");
    let body = json!({"title": "Patch the VPN", "answers": {"reach": "small", "rehearsed": "no"}});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let after: Value = r.json().await.unwrap();
    assert_eq!(risk(&after), (Some(2), Some("moderate"), Some(false)));
    let body = json!({"title": "Rebuild the directory", "answers": {"reach": "wide", "rehearsed": "yes"}});
    let wide: Value = t.post("/api/v1/changes", &t.agent, body).await.json().await.unwrap();
    assert_eq!(risk(&wide), (Some(6), Some("high"), Some(true)));
    // The change assessed before keeps the score, level and CAB need of its day.
    let n = before["number"].as_str().unwrap();
    assert_eq!(risk(&t.json(&format!("/api/v1/changes/{n}"), &t.agent).await), (Some(13), Some("high"), Some(true)));

    // The reset brings back the built-in one; it is audited.
    let r = t.post("/api/v1/risk-questionnaire/reset", &t.manager, json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), built_in);
    assert_eq!(t.json("/api/v1/risk-questionnaire", &t.agent).await, built_in);
    let log = t.json("/api/v1/audit?kind=risk_questionnaire_changed", &t.admin).await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
});

both!(questionnaire_refusals_name_their_field_and_store_nothing, |t| {
    // Only managers and admins change it; requesters do not read it.
    let p = problem(t.put_json("/api/v1/risk-questionnaire", &t.agent, short()).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_risk_questionnaire");
    let p = problem(t.post("/api/v1/risk-questionnaire/reset", &t.agent, json!({})).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_risk_questionnaire");
    let p = problem(t.get("/api/v1/risk-questionnaire", &t.requester).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_change_view");

    let mut bad = short();
    bad["questions"][0]["key"] = json!("Reach!");
    bad["questions"][0]["answers"][1]["key"] = json!("small");
    bad["questions"][0]["answers"][0]["weight"] = json!(5000);
    bad["questions"][1]["text_pl"] = json!("");
    bad["questions"][1]["answers"] = json!([]);
    bad["levels"][1]["min_score"] = json!(0);
    bad["cab_from"] = json!("very_high");
    let r = t.put_json("/api/v1/risk-questionnaire", &t.admin, bad).await;
    invalid(
        r,
        &[
            "questions[0].key",
            "questions[0].answers[0].weight",
            "questions[0].answers[1].key",
            "questions[1].text_pl",
            "questions[1].answers",
            "levels[1]",
            "cab_from",
        ],
    )
    .await;
    let mut none = short();
    none["questions"] = json!([]);
    none["levels"] = json!([{"min_score": 3, "level": "low"}]);
    invalid(t.put_json("/api/v1/risk-questionnaire", &t.admin, none).await, &["questions", "levels[0]", "cab_from"])
        .await;
    // Shapes the schema refuses: an unknown level, a negative weight, an unknown field.
    let mut level = short();
    level["cab_from"] = json!("extreme");
    invalid(t.put_json("/api/v1/risk-questionnaire", &t.admin, level).await, &["cab_from"]).await;
    let mut weight = short();
    weight["questions"][0]["answers"][0]["weight"] = json!(-1);
    invalid(t.put_json("/api/v1/risk-questionnaire", &t.admin, weight).await, &["questions[0].answers[0].weight"])
        .await;
    let mut extra = short();
    extra["owner"] = json!("me");
    let r = t.put_json("/api/v1/risk-questionnaire", &t.admin, extra).await;
    assert_eq!(r.status(), 422);
    assert_eq!(t.json("/api/v1/risk-questionnaire", &t.agent).await["questions"].as_array().unwrap().len(), 5);
});
