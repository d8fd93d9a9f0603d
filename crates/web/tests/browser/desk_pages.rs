//! The desk's forms over plain HTTP: a canned reply inserted without
//! JavaScript, a comment with files, a report with files, the canned
//! replies page's messages.

use crate::server::{self, TestServer, client, get, post};
use reqwest::{StatusCode, header, multipart::Form, multipart::Part};
use steward_app::{desk::CannedReplyInput, incidents::NewIncident};

async fn body(r: reqwest::Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status, "status of {}", r.url());
    r.text().await.unwrap()
}

async fn incident(t: &TestServer, title: &str) -> String {
    let agent = t.app.session_actor(&t.session("agent").await.0["steward_session=".len()..]).await.unwrap().0;
    let n = NewIncident { title: title.into(), requester: Some("requester".into()), ..NewIncident::default() };
    steward_app::incidents::number(t.app.create_incident(&agent, n).await.unwrap().number)
}

/// Posts a multipart form as the page does: the CSRF token is one of its parts.
async fn multipart(t: &TestServer, path: &str, cookie: &str, csrf: &str, form: Form) -> reqwest::Response {
    let form = form.text("_csrf", csrf.to_owned());
    client().post(t.url(path)).header(header::COOKIE, cookie).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_canned_reply_is_inserted_without_javascript() {
    let t = server::spawn().await;
    t.add_manager().await;
    let mona = t.app.session_actor(&t.session("mona").await.0["steward_session=".len()..]).await.unwrap().0;
    let input = CannedReplyInput {
        title: "Restart".into(),
        body_en: "Dear {requester}, please restart {number}'s laptop.".into(),
        body_pl: Some("Szanowna Pani {requester_first_name}, prosimy o restart.".into()),
        ..CannedReplyInput::default()
    };
    let r = t.app.create_canned_reply(&mona, input).await.unwrap();
    let n = incident(&t, "Slow laptop").await;
    let (cookie, csrf) = t.session("agent").await;
    let page = body(get(&t, &format!("/incidents/{n}"), &cookie).await, 200).await;
    assert!(
        page.contains(&format!("data-text=\"Dear Rita Requester, please restart {n}&#39;s laptop.\""))
            || page.contains(&format!("data-text=\"Dear Rita Requester, please restart {n}'s laptop.\"")),
        "{page}"
    );
    let id = r.id.to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("body", "First line."),
        ("reply", &id),
        ("insert", "1"),
        ("visibility", "internal"),
    ];
    let page = body(post(&t, &format!("/incidents/{n}/comments"), &cookie, &form).await, 200).await;
    let expected = format!("First line.\n\nDear Rita Requester, please restart {n}'s laptop.");
    assert!(page.contains(&format!(">{}</textarea>", maud::html! { (expected) }.into_string())), "{page}");
    assert!(page.contains(r#"value="internal" checked"#), "the draft keeps its visibility");
    let agent = t.app.session_actor(&cookie["steward_session=".len()..]).await.unwrap().0;
    assert!(
        t.app.list_comments(&agent, steward_domain::number::RecordKind::Incident, &n).await.unwrap().is_empty(),
        "inserting sends nothing"
    );
}

#[tokio::test]
async fn a_comment_and_a_report_carry_files() {
    let t = server::spawn().await;
    let n = incident(&t, "Broken screen").await;
    let (cookie, csrf) = t.session("agent").await;
    let form = Form::new()
        .text("body", "Photos from the user")
        .text("visibility", "public")
        .part("file", Part::bytes(b"front".to_vec()).file_name("front.jpg"))
        .part("file", Part::bytes(b"back".to_vec()).file_name("back.jpg"));
    let r = multipart(&t, &format!("/incidents/{n}/comments"), &cookie, &csrf, form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = body(get(&t, &format!("/incidents/{n}"), &cookie).await, 200).await;
    assert!(page.contains("Photos from the user") && page.contains("front.jpg") && page.contains("back.jpg"));

    // Too large: the message is beside the files, the text is kept.
    let big = vec![b'x'; 3 * 1024 * 1024 + 1];
    let form = Form::new().text("body", "Dump").part("file", Part::bytes(big).file_name("dump.bin"));
    let page = body(multipart(&t, &format!("/incidents/{n}/comments"), &cookie, &csrf, form).await, 413).await;
    assert!(
        page.contains(r#"id="comment-files-error">The file is too large"#)
            || page.contains(r#"id="comment-files-error""#),
        "{page}"
    );

    // The requester's report with a screenshot.
    let (rc, rcsrf) = t.session("requester").await;
    let form = Form::new()
        .text("title", "Error on start")
        .text("description", "See the screenshot")
        .text("impact", "3")
        .text("urgency", "2")
        .part("file", Part::bytes(b"png".to_vec()).file_name("error.png"));
    let r = multipart(&t, "/portal/report", &rc, &rcsrf, form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let page = body(get(&t, &to, &rc).await, 200).await;
    assert!(page.contains("Error on start") && page.contains("error.png"), "{page}");

    // A report refused for its title keeps the files' place and says why.
    let form = Form::new().text("title", " ").text("impact", "3").text("urgency", "3");
    let page = body(multipart(&t, "/portal/report", &rc, &rcsrf, form).await, 422).await;
    assert!(page.contains(r#"id="title-error""#), "{page}");
}

#[tokio::test]
async fn canned_replies_page_says_what_is_wrong() {
    let t = server::spawn().await;
    t.add_manager().await;
    let (cookie, csrf) = t.session("mona").await;
    let page = body(get(&t, "/settings/canned-replies", &cookie).await, 200).await;
    assert!(page.contains("{requester_first_name}") && page.contains("No canned replies yet."), "{page}");
    let form = [("_csrf", csrf.as_str()), ("title", "Hi"), ("group", ""), ("body_en", "Hi {nmae}"), ("body_pl", "")];
    let page = body(post(&t, "/settings/canned-replies", &cookie, &form).await, 422).await;
    assert!(page.contains(r#"id="reply-body-en-error">Unknown placeholder {nmae}; use one of {requester}"#), "{page}");
    let form = [
        ("_csrf", csrf.as_str()),
        ("title", "Hi"),
        ("group", "Network"),
        ("body_en", "Hi {requester}"),
        ("body_pl", "Cześć {requester}"),
    ];
    let r = post(&t, "/settings/canned-replies", &cookie, &form).await;
    assert_eq!(r.headers()[header::LOCATION], "/settings/canned-replies?m=saved");
    let page = body(get(&t, "/settings/canned-replies?m=saved", &cookie).await, 200).await;
    assert!(
        page.contains("Reply saved.") && page.contains("Cześć {requester}") && page.contains(" · Network"),
        "{page}"
    );

    // Agents read them but cannot change them.
    let (agent, agent_csrf) = t.session("agent").await;
    let page = body(get(&t, "/settings/canned-replies", &agent).await, 200).await;
    assert!(!page.contains("reply-title"), "no form for agents");
    let form = [("_csrf", agent_csrf.as_str()), ("title", "x"), ("body_en", "y")];
    let page = body(post(&t, "/settings/canned-replies", &agent, &form).await, 403).await;
    assert!(page.contains("Only managers and admins can manage canned replies"), "{page}");
}

#[tokio::test]
async fn a_bulk_change_says_what_it_did_not_do() {
    let t = server::spawn().await;
    let a = incident(&t, "Mail slow").await;
    let b = incident(&t, "VPN down").await;
    let (cookie, csrf) = t.session("agent").await;
    let a_item = format!("{a}:1");
    let b_item = format!("{b}:0");
    let form = [
        ("_csrf", csrf.as_str()),
        ("back", "/incidents?state=open"),
        ("items", &a_item),
        ("items", &b_item),
        ("assignment_group", "Network"),
        ("assignee", ""),
        ("state", ""),
        ("priority", ""),
    ];
    let page = body(post(&t, "/incidents/bulk", &cookie, &form).await, 200).await;
    assert!(page.contains("Changed 1 of 2."), "{page}");
    assert!(page.contains(&format!(">{b}</a> — changed by someone else since the list was shown")), "{page}");
    let agent = t.app.session_actor(&cookie["steward_session=".len()..]).await.unwrap().0;
    assert_eq!(t.app.get_incident(&agent, &a).await.unwrap().group_name.as_deref(), Some("Network"));
    assert_eq!(t.app.get_incident(&agent, &b).await.unwrap().group_name, None);

    // Resolving many at once takes the code and notes a resolution needs;
    // without notes each is refused with the field that is missing.
    let a_item = format!("{a}:2");
    let form = [
        ("_csrf", csrf.as_str()),
        ("back", "/incidents?state=open"),
        ("items", &a_item),
        ("state", "resolved"),
        ("resolution_code", "solved"),
        ("resolution_notes", ""),
    ];
    let page = body(post(&t, "/incidents/bulk", &cookie, &form).await, 200).await;
    assert!(page.contains("Changed 0 of 1."), "{page}");
    assert!(page.contains("Resolution notes: "), "{page}");
    let form = [
        ("_csrf", csrf.as_str()),
        ("back", "/incidents?state=open"),
        ("items", &a_item),
        ("state", "resolved"),
        ("resolution_code", "solved"),
        ("resolution_notes", "Moved to the new relay"),
    ];
    let page = body(post(&t, "/incidents/bulk", &cookie, &form).await, 200).await;
    assert!(page.contains("Changed 1 of 1."), "{page}");
    let resolved = t.app.get_incident(&agent, &a).await.unwrap();
    assert_eq!(
        (resolved.state.as_str(), resolved.resolution_notes.as_deref()),
        ("resolved", Some("Moved to the new relay"))
    );

    // Nothing ticked: the list again, with the reason.
    let form = [("_csrf", csrf.as_str()), ("back", "/incidents?state=open"), ("priority", "2")];
    let page = body(post(&t, "/incidents/bulk", &cookie, &form).await, 200).await;
    assert!(page.contains(r#"<p class="field-error">Choose at least one incident</p>"#), "{page}");
    assert!(!page.contains("incident-keys"), "the incident keys are for an incident's page");
}
