//! UI pages over plain HTTP: what each mistake shows, who sees what, and
//! the sign-in protections. Faster than the browser for the many cases.

use crate::server::{self, PASSWORD, TestServer, client, get, post};
use reqwest::{Response, StatusCode, header};
use steward_app::{
    incidents::{IncidentPatch, NewIncident},
    problems::NewProblem,
};

async fn page(r: Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status, "status of {}", r.url());
    assert_eq!(r.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
    r.text().await.unwrap()
}

fn login_token(body: &str) -> String {
    let start = body.find(r#"name="_csrf" value=""#).unwrap() + r#"name="_csrf" value=""#.len();
    body[start..].split('"').next().unwrap().to_owned()
}

async fn incident(t: &TestServer, requester: &str, title: &str) -> String {
    let agent = t.app.session_actor(&t.session("agent").await.0["steward_session=".len()..]).await.unwrap().0;
    let n = NewIncident { title: title.into(), requester: Some(requester.into()), ..NewIncident::default() };
    steward_app::incidents::number(t.app.create_incident(&agent, n).await.unwrap().number)
}

#[tokio::test]
async fn sign_in_form_is_bound_to_its_pre_session_and_explains_failures() {
    let t = server::spawn().await;
    let r = get(&t, "/login", "").await;
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("steward_login_csrf=") && cookie.ends_with("; Path=/login; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    let body = page(r, 200).await;
    let token = login_token(&body);
    let pre_session = cookie["steward_login_csrf=".len()..].split(';').next().unwrap().to_owned();
    assert!(!cookie.contains(&token), "the form's value is derived from the cookie, not a copy of it");
    let jar = format!("steward_login_csrf={pre_session}");

    // A form from elsewhere (no cookie) is refused before any password check,
    // and so is a planted cookie whose value the form was not made for, a
    // copy of the cookie as the token, and a token in the query string.
    let r = post(&t, "/login", "", &[("_csrf", &token), ("username", "agent"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let planted = format!("steward_login_csrf={}", "A".repeat(43));
    let r = post(&t, "/login", &planted, &[("_csrf", &token), ("username", "agent"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(&t, "/login", &jar, &[("_csrf", &pre_session), ("username", "agent"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(&t, &format!("/login?_csrf={token}"), &jar, &[("username", "agent"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let wrong = [("_csrf", token.as_str()), ("username", "agent"), ("password", "wrong"), ("next", "/incidents")];
    let body = page(post(&t, "/login", &jar, &wrong).await, 401).await;
    assert!(
        body.contains(r#"<div class="notice error" id="login-error" role="alert">Wrong username or password.</div>"#)
    );
    assert!(body.contains(r#"value="agent""#), "the username is kept");
    assert!(body.contains(r#"name="next" value="/incidents""#), "so is where they were going");

    for _ in 0..4 {
        post(&t, "/login", &jar, &wrong).await;
    }
    let r = post(&t, "/login", &jar, &wrong).await;
    let retry: u64 = r.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((25..=30).contains(&retry), "{retry}");
    let body = page(r, 429).await;
    assert!(body.contains(&format!("Too many failed sign-ins. Try again in {retry} seconds.")), "{body}");

    // The right password, after the lock, lands where they were going.
    let ok = [("_csrf", token.as_str()), ("username", "netagent"), ("password", PASSWORD), ("next", "//evil.example/")];
    let r = post(&t, "/login", &jar, &ok).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/", "never off-site");
    let cookies: Vec<_> =
        r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("steward_session=") && c.contains("HttpOnly; SameSite=Lax")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn pages_speak_the_browsers_language_unless_the_user_chose() {
    let t = server::spawn().await;
    let r = client()
        .get(t.url("/login"))
        .header(header::ACCEPT_LANGUAGE, "de-DE, pl;q=0.8, en;q=0.5")
        .send()
        .await
        .unwrap();
    let body = page(r, 200).await;
    assert!(body.contains(r#"<html lang="pl">"#) && body.contains("Zaloguj się do Stewarda"));

    let (cookie, csrf) = t.session("agent").await;
    let r = post(&t, "/settings", &cookie, &[("_csrf", &csrf), ("locale", "pl")]).await;
    assert_eq!(r.headers()[header::LOCATION], "/settings?m=saved");
    let r = client()
        .get(t.url("/home"))
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    let body = page(r, 200).await;
    assert!(body.contains("Przypisane do mnie") && body.contains("Moje grupy, nieprzypisane"), "{body}");
}

#[tokio::test]
async fn requesters_are_told_why_and_never_see_work_notes() {
    let t = server::spawn().await;
    let mine = incident(&t, "requester", "My VPN drops").await;
    let theirs = incident(&t, "requester2", "Their printer").await;
    let (agent, agent_csrf) = t.session("agent").await;
    let r = post(
        &t,
        &format!("/incidents/{mine}/comments"),
        &agent,
        &[("_csrf", &agent_csrf), ("body", "Suspect the Wi-Fi driver"), ("visibility", "internal")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(
        &t,
        &format!("/incidents/{mine}/comments"),
        &agent,
        &[("_csrf", &agent_csrf), ("body", "Which laptop model?"), ("visibility", "public")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (req, req_csrf) = t.session("requester").await;
    let body = page(get(&t, &format!("/incidents/{theirs}"), &req).await, 403).await;
    assert!(body.contains("Requesters can only see their own incidents"), "{body}");
    let body = page(get(&t, &format!("/incidents/{mine}"), &req).await, 200).await;
    assert!(body.contains("Which laptop model?") && !body.contains("Wi-Fi driver"), "{body}");
    assert!(!body.contains(r#"value="internal""#), "no work-note choice for requesters");
    let body = page(get(&t, &format!("/incidents/{mine}"), &agent).await, 200).await;
    assert!(body.contains("Suspect the Wi-Fi driver"));

    // A requester may cancel their new incident, but not edit it.
    let body = page(get(&t, &format!("/incidents/{mine}/edit"), &req).await, 403).await;
    assert!(body.contains("Only agents, managers and admins can edit incidents"));
    let r = post(
        &t,
        &format!("/incidents/{mine}/state"),
        &req,
        &[("_csrf", &req_csrf), ("state", "cancelled"), ("version", "1")],
    )
    .await;
    assert_eq!(r.headers()[header::LOCATION], format!("/incidents/{mine}?m=state"));
    let body = page(get(&t, "/portal?show=all", &req).await, 200).await;
    assert!(body.contains("My VPN drops") && body.contains("Cancelled") && !body.contains("Their printer"));
}

#[tokio::test]
async fn refused_forms_keep_the_input_and_say_why() {
    let t = server::spawn().await;
    let n = incident(&t, "requester", "Outlook crashes").await;
    let (cookie, csrf) = t.session("agent").await;
    let form = |v: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("version", v.into()),
            ("title", "Outlook crashes on start".into()),
            ("impact", "2".into()),
            ("urgency", "2".into()),
            ("assignment_group", "Network".into()),
            ("assignee", "agent2".into()),
        ]
    };
    let body = page(
        client()
            .post(t.url(&format!("/incidents/{n}/edit")))
            .header(header::COOKIE, &cookie)
            .form(&form("1"))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert!(
        body.contains(
            r#"<p class="field-error" id="assignee-error">Blake Second is not a member of the assignment group</p>"#
        ),
        "{body}"
    );
    assert!(body.contains(r#"value="Outlook crashes on start""#));

    // Someone else saves first: the form comes back with a way to reload.
    let agent = t.app.session_actor(&cookie["steward_session=".len()..]).await.unwrap().0;
    let patch = IncidentPatch { title: Some("Outlook crashes at start-up".into()), ..IncidentPatch::default() };
    t.app.update_incident(&agent, &n, Some(1), patch).await.unwrap();
    let mut stale = form("1");
    stale.retain(|(k, _)| *k != "assignee");
    let r = client()
        .post(t.url(&format!("/incidents/{n}/edit")))
        .header(header::COOKIE, &cookie)
        .form(&stale)
        .send()
        .await
        .unwrap();
    let body = page(r, 409).await;
    assert!(body.contains("Someone else changed this incident while you were working on it, so nothing was saved."));
    assert!(body.contains(&format!(r#"<a href="/incidents/{n}/edit">Load the latest version</a>"#)));
    assert!(body.contains(r#"name="version" value="1""#), "sending it again must fail again");

    // Resolving without notes: the message is beside the notes.
    let r = post(
        &t,
        &format!("/incidents/{n}/state"),
        &cookie,
        &[("_csrf", &csrf), ("state", "resolved"), ("version", "2"), ("resolution_code", "solved")],
    )
    .await;
    let body = page(r, 422).await;
    assert!(body.contains(r#"<p class="field-error" id="resolved-notes-error">Is required</p>"#), "{body}");
    let panel = body.split("<details").find(|d| d.contains(r#"id="panel-resolved""#)).unwrap();
    assert!(panel.split('>').next().unwrap().contains(" open"), "the panel stays open: {panel}");

    // An empty comment, and a file that is not there.
    let body =
        page(post(&t, &format!("/incidents/{n}/comments"), &cookie, &[("_csrf", &csrf), ("body", " ")]).await, 422)
            .await;
    assert!(body.contains(r#"id="comment-body-error">Is required<"#));
    let multipart = reqwest::multipart::Form::new().text("_csrf", csrf.clone()).text("note", "no file here");
    let r = client()
        .post(t.url(&format!("/incidents/{n}/attachments")))
        .header(header::COOKIE, &cookie)
        .multipart(multipart)
        .send()
        .await
        .unwrap();
    assert!(page(r, 422).await.contains(r#"id="attachment-file-error">Choose a file to upload.<"#));
}

#[tokio::test]
async fn attachments_upload_download_and_refuse_large_files() {
    let t = server::spawn().await;
    let n = incident(&t, "requester", "Scanner driver").await;
    let (cookie, csrf) = t.session("requester").await;
    let upload = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("scan <1>.txt").mime_str("text/plain").unwrap();
        // The token first, in the body, as the page's form sends it.
        client()
            .post(t.url(&format!("/incidents/{n}/attachments")))
            .header(header::COOKIE, &cookie)
            .multipart(reqwest::multipart::Form::new().text("_csrf", csrf.clone()).part("file", part))
            .send()
    };
    let body = page(upload(vec![b'x'; 3 * 1024 * 1024 + 1]).await.unwrap(), 413).await;
    assert!(body.contains(r#"id="attachment-file-error">The file is too large: at most 3 MB.<"#), "{body}");
    let r = upload(vec![b'x'; 2 * 1024 * 1024 + 512 * 1024]).await.unwrap();
    assert_eq!(r.headers()[header::LOCATION], format!("/incidents/{n}?m=uploaded"), "2.5 MB is within the limit");

    let r = upload(b"driver log".to_vec()).await.unwrap();
    assert_eq!(r.headers()[header::LOCATION], format!("/incidents/{n}?m=uploaded"));
    let body = page(get(&t, &format!("/incidents/{n}?m=uploaded"), &cookie).await, 200).await;
    assert!(body.contains("File attached."));
    let href = format!("/incidents/{n}/attachments/");
    // The newest attachment is listed last.
    let link = body.split(&format!(r#"href="{href}"#)).last().unwrap().split('"').next().unwrap().to_owned();
    let r = get(&t, &format!("{href}{link}"), &cookie).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/octet-stream");
    assert!(r.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment;"));
    assert!(r.bytes().await.unwrap().as_ref() == b"driver log", "the file as uploaded");

    // Without the CSRF token in the form, nothing is stored; one in the
    // address (where logs and Referer headers would keep it) is not taken.
    let part = reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt");
    let r = client()
        .post(t.url(&format!("/incidents/{n}/attachments?_csrf={csrf}")))
        .header(header::COOKIE, &cookie)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_problem_page_takes_a_file_on_its_own_and_refuses_requesters() {
    let t = server::spawn().await;
    let agent = t.app.session_actor(&t.session("agent").await.0["steward_session=".len()..]).await.unwrap().0;
    let n = NewProblem { title: "Print queue stalls every Monday".into(), ..NewProblem::default() };
    let prb = steward_app::problems::number(t.app.create_problem(&agent, n).await.unwrap().record.number);
    let upload = |(cookie, csrf): (String, String), bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("spooler.log").mime_str("text/plain").unwrap();
        client()
            .post(t.url(&format!("/problems/{prb}/attachments")))
            .header(header::COOKIE, cookie)
            .multipart(reqwest::multipart::Form::new().text("_csrf", csrf).part("file", part))
            .send()
    };
    let session = t.session("agent").await;
    let body = page(get(&t, &format!("/problems/{prb}"), &session.0).await, 200).await;
    assert!(body.contains(&format!(r#"action="/problems/{prb}/attachments""#)), "the page's upload form: {body}");

    let r = upload(session.clone(), b"spooler stopped".to_vec()).await.unwrap();
    assert_eq!(r.headers()[header::LOCATION], format!("/problems/{prb}?m=uploaded"));
    let body = page(get(&t, &format!("/problems/{prb}?m=uploaded"), &session.0).await, 200).await;
    assert!(body.contains("File attached.") && body.contains("spooler.log"), "{body}");
    let href = format!("/problems/{prb}/attachments/");
    let link = body.split(&format!(r#"href="{href}"#)).last().unwrap().split('"').next().unwrap().to_owned();
    let r = get(&t, &format!("{href}{link}"), &session.0).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().as_ref() == b"spooler stopped", "the file as uploaded");

    // Too large, or no file: the page again with the message by the field.
    let body = page(upload(session.clone(), vec![b'x'; 3 * 1024 * 1024 + 1]).await.unwrap(), 413).await;
    assert!(body.contains(r#"id="attachment-file-error">The file is too large: at most 3 MB.<"#), "{body}");
    let body = page(upload(session.clone(), Vec::new()).await.unwrap(), 422).await;
    assert!(body.contains(r#"id="attachment-file-error">Choose a file to upload.<"#), "{body}");

    // A requester may not comment on a problem, so may not attach to one.
    let r = upload(t.session("requester").await, b"not mine".to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let files = t.app.list_attachments(&agent, steward_domain::number::RecordKind::Problem, &prb).await.unwrap();
    assert_eq!(files.len(), 1, "only the agent's file");
}

#[tokio::test]
async fn errors_and_assets() {
    let t = server::spawn().await;
    let (cookie, _) = t.session("agent").await;
    let body = page(get(&t, "/no/such/page", &cookie).await, 404).await;
    assert!(body.contains("Not found") && body.contains(r#"class="topbar""#), "in the layout");
    let body = page(get(&t, "/incidents/INC0000999", &cookie).await, 404).await;
    assert!(body.contains("There is nothing here."));
    let body = page(get(&t, "/incidents?priority=9&cursor=bogus", &cookie).await, 200).await;
    assert!(body.contains(r#"id="f-priority-error">&quot;9&quot; is not a priority: use 1 to 5<"#), "{body}");
    assert!(body.contains("is not a cursor from this list"), "{body}");

    let css = body.split(r#"rel="stylesheet" href=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = get(&t, &css, "").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(get(&t, "/assets/app.css", "").await.status(), 404, "only the hashed name is served");

    // Signed out, pages send the browser to sign in and back.
    let r = get(&t, "/incidents?state=open", "").await;
    assert_eq!(r.headers()[header::LOCATION], "/login?next=/incidents%3Fstate%3Dopen");
}

#[tokio::test]
async fn every_record_page_links_records_and_says_why_not() {
    let t = server::spawn().await;
    let (a, b) = (incident(&t, "requester", "Mail down").await, incident(&t, "requester", "Mail down here too").await);
    let agent = t.app.session_actor(&t.session("agent").await.0["steward_session=".len()..]).await.unwrap().0;
    let n = NewProblem { title: "Mail server disk full".into(), ..NewProblem::default() };
    let prb = steward_app::problems::number(t.app.create_problem(&agent, n).await.unwrap().record.number);
    let (cookie, csrf) = t.session("agent").await;
    let send = |path: String, fields: Vec<(&'static str, String)>| {
        let mut form = vec![("_csrf", csrf.clone())];
        form.extend(fields);
        client().post(t.url(&path)).header(header::COOKIE, &cookie).form(&form).send()
    };

    // B repeats A: back to B's panel with the notice, A listed under "Duplicate of".
    let r = send(format!("/incidents/{b}/links"), vec![("link", "duplicate_of".into()), ("record", a.clone())])
        .await
        .unwrap();
    assert_eq!(r.headers()[header::LOCATION], format!("/incidents/{b}?m=link-made#links"));
    let body = page(get(&t, &format!("/incidents/{b}?m=link-made"), &cookie).await, 200).await;
    assert!(body.contains("Link made."), "{body}");
    let group = body.split(r#"id="links-duplicate_of""#).nth(1).expect("the group").split("</ul>").next().unwrap();
    assert!(group.contains(&format!(r#"href="/incidents/{a}">{a}</a> Mail down"#)), "{group}");
    // A's page lists B under "Its duplicates"; the problem page takes a related link.
    let body = page(get(&t, &format!("/incidents/{a}"), &cookie).await, 200).await;
    assert!(body.contains(r#"id="links-duplicates""#) && body.contains("Its duplicates"), "{body}");
    let r =
        send(format!("/problems/{prb}/links"), vec![("link", "related".into()), ("record", a.clone())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let body = page(get(&t, &format!("/problems/{prb}"), &cookie).await, 200).await;
    assert!(body.contains(r#"id="links-related""#) && body.contains(&format!(r#"href="/incidents/{a}""#)), "{body}");

    // Refused: the page again with the form as typed and the reason beside it, in Polish too.
    let r =
        send(format!("/incidents/{a}/links"), vec![("link", "parent".into()), ("record", a.clone())]).await.unwrap();
    let body = page(r, 422).await;
    assert!(body.contains(r#"id="link-record-error">A record cannot be its own parent<"#), "{body}");
    assert!(body.contains(&format!(r#"id="link-record" name="record" value="{a}""#)), "kept as typed: {body}");
    let r = send(format!("/incidents/{a}/links"), vec![("link", "duplicate_of".into()), ("record", b.clone())])
        .await
        .unwrap();
    let body = page(r, 422).await;
    assert!(body.contains(&format!("This would make {a} a duplicate of itself")), "{body}");
    let pl = client()
        .post(t.url(&format!("/problems/{prb}/links")))
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT_LANGUAGE, "pl")
        .form(&[("_csrf", csrf.as_str()), ("link", "related"), ("record", "INC9999999")])
        .send()
        .await
        .unwrap();
    let body = page(pl, 422).await;
    assert!(body.contains("Nie ma takiego rekordu: INC9999999"), "{body}");

    // Removed with its button.
    let r = send(format!("/incidents/{a}/links/remove"), vec![("link", "duplicates".into()), ("record", b.clone())])
        .await
        .unwrap();
    assert_eq!(r.headers()[header::LOCATION], format!("/incidents/{a}?m=link-removed#links"));
    let body = page(get(&t, &format!("/incidents/{b}"), &cookie).await, 200).await;
    assert!(!body.contains(r#"id="links-duplicate_of""#), "{body}");

    // Requesters see no panel and may not post to it.
    let (rc, rcsrf) = t.session("requester").await;
    let body = page(get(&t, &format!("/incidents/{a}"), &rc).await, 200).await;
    assert!(!body.contains(r#"id="links""#), "{body}");
    let r = post(&t, &format!("/incidents/{a}/links"), &rc, &[("_csrf", &rcsrf), ("link", "related"), ("record", &b)])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
