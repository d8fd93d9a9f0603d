//! The manager's dashboard in a real browser: from the navigation to the
//! dashboard, its figures as counted from the records, a figure followed
//! to the records behind it and a group's bar to that group's records, TV
//! mode and back, the problems' panel followed to the known errors, a saved report made (a bad recipient said beside its
//! field first) and an incident list saved as one; and
//! over plain HTTP, a bad period said beside its field with the default
//! period shown, and requesters kept out.

use crate::change_pages::{at, body};
use crate::cmdb_journey::sign_in;
use crate::driver;
use crate::journey::{choose, click, fill, go, path, text, wait};
use crate::server::{self, get, post};
use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use steward_app::incidents::{NewIncident, TransitionInput, number};

/// Two incidents today, one resolved, counted into the measures.
async fn counted(t: &server::TestServer) {
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let desk = t.app.list_groups().await.unwrap().into_iter().next().unwrap().name;
    for title in ["Printer jams on floor 3", "Mailbox full"] {
        let n = NewIncident { title: title.into(), assignment_group: Some(desk.clone()), ..Default::default() };
        let inc = t.app.create_incident(&agent, n).await.unwrap();
        if title == "Mailbox full" {
            let to = TransitionInput {
                state: "resolved".into(),
                resolution_code: Some("solved".into()),
                resolution_notes: Some("Archived old mail".into()),
                ..Default::default()
            };
            t.app.transition_incident(&agent, &number(inc.number), Some(inc.version), to).await.unwrap();
        }
    }
    // A problem published as a known error today, for the problems' panel.
    let (mona, _) = t.app.login("mona", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let p = steward_app::problems::NewProblem { title: "Printers lose their queue".into(), ..Default::default() };
    let p = t.app.create_problem(&mona, p).await.unwrap().record;
    sqlx::query("UPDATE problem_details SET known_error = 1, known_error_at = $1 WHERE record_id = $2")
        .bind(p.opened_at)
        .bind(p.id)
        .execute(t.app.store.pool())
        .await
        .unwrap();
    t.app.count_reports().await.unwrap();
    t.app.snapshot_backlog(true).await.unwrap();
}

async fn journey(c: &Client, t: &server::TestServer) {
    t.add_manager().await;
    counted(t).await;
    sign_in(c, t, "mona").await;
    go(c, ".mainnav a[href='/reports']").await;
    assert_eq!(path(c).await, "/reports");
    assert!(text(c, "#fig-arrivals").await.contains('2'), "{}", text(c, "#fig-arrivals").await);
    assert!(text(c, "#fig-resolved").await.contains('1'));
    assert!(text(c, "#fig-fcr").await.contains("100.0 %"));
    assert!(text(c, "#fig-backlog").await.contains('1'), "one still open");
    wait(c, "#report-backlog svg.report-chart").await;
    wait(c, "#report-series svg.report-chart").await;
    wait(c, "#report-heat svg.report-chart").await;
    // The problems' panel: the known error, which leads to the known errors.
    assert!(text(c, "#fig-known-errors").await.contains('1'), "{}", text(c, "#fig-known-errors").await);
    assert!(text(c, "#fig-problems-opened").await.contains('1'));
    assert!(text(c, "#report-availability").await.contains("No check"), "no check here");
    go(c, "#fig-known-errors dt a").await;
    assert_eq!(path(c).await, "/problems");
    assert!(text(c, "main").await.contains("Printers lose their queue"));
    c.goto(&t.url("/reports")).await.unwrap();

    // A figure leads to the records behind it: opened in the period.
    go(c, "#fig-arrivals dt a").await;
    assert_eq!(path(c).await, "/incidents");
    let list = text(c, "main").await;
    assert!(list.contains("Printer jams on floor 3") && list.contains("Mailbox full"), "{list}");

    // A group's bar leads to that group's records.
    c.back().await.unwrap();
    let bar = wait(c, "#report-groups svg a").await;
    let href = bar.attr("href").await.unwrap().unwrap();
    assert!(href.starts_with("/incidents?opened_from=") && href.contains("group="), "{href}");
    c.goto(&t.url(&href)).await.unwrap();
    assert_eq!(path(c).await, "/incidents");
    assert!(text(c, "main").await.contains("Printer jams on floor 3"));
    assert_eq!(c.find_all(Locator::Css("#report-figures")).await.unwrap().len(), 0);

    // TV mode: the figures alone, no navigation, a page that reloads itself
    // every minute; a link leads back.
    c.back().await.unwrap();
    go(c, "a[href='/reports?tv=1']").await;
    wait(c, "#tv-updated").await;
    assert!(text(c, "#fig-arrivals").await.contains('2'));
    assert_eq!(c.find_all(Locator::Css(".mainnav")).await.unwrap().len(), 0);
    let body = c.find(Locator::Css("body")).await.unwrap();
    assert_eq!(body.attr("data-refresh").await.unwrap().as_deref(), Some("60"));
    go(c, "a[href='/reports']").await;
    wait(c, ".mainnav").await;

    // A saved report: the load per group over the last 30 days, mailed
    // every Monday at 07:00 to the manager (no address yet: refused beside
    // the field, what was typed kept), then to nobody, kept.
    go(c, "a[href='/reports/saved']").await;
    wait(c, "#saved-reports-empty").await;
    fill(c, "#report-name", "Load per group").await;
    choose(c, "#report-period", "last_30_days").await;
    choose(c, "#report-by", "group").await;
    choose(c, "#report-frequency", "weekly").await;
    choose(c, "#report-hour", "7").await;
    fill(c, "#report-recipients", "mona@example.org").await;
    click(c, "#save-report").await;
    let error = text(c, "#report-recipients-error").await;
    assert!(error.contains("mona@example.org"), "{error}");
    assert_eq!(wait(c, "#report-name").await.prop("value").await.unwrap().as_deref(), Some("Load per group"));
    fill(c, "#report-recipients", "").await;
    choose(c, "#report-frequency", "").await;
    click(c, "#save-report").await;
    wait(c, "#saved-reports").await;
    let row = text(c, "#saved-reports tbody").await;
    assert!(row.contains("Load per group") && row.contains("Last 30 days") && row.contains("A row per group"), "{row}");
    let file = wait(c, "#saved-reports a[download]").await.attr("href").await.unwrap().unwrap();
    assert!(file.starts_with("/api/v1/reports/saved/") && file.ends_with("/file"), "{file}");
    // Edited: its page shows it as saved; renamed, it stays one report.
    go(c, "#saved-reports a.btn-small:not([download])").await;
    assert_eq!(wait(c, "#report-period").await.prop("value").await.unwrap().as_deref(), Some("last_30_days"));
    assert_eq!(wait(c, "#report-by").await.prop("value").await.unwrap().as_deref(), Some("group"));
    fill(c, "#report-name", "Load per group, monthly view").await;
    click(c, "#save-report").await;
    wait(c, "#saved-reports").await;
    let rows = text(c, "#saved-reports tbody").await;
    assert!(rows.contains("Load per group, monthly view") && rows.matches("Load per group").count() == 1, "{rows}");

    // The incident list's filters saved as a report: the form comes filled in.
    c.goto(&t.url("/incidents?state=open&sort=-opened")).await.unwrap();
    go(c, "#save-as-report").await;
    assert_eq!(path(c).await, "/reports/saved");
    let filters = wait(c, "#report-filters").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(filters, "state=open&sort=-opened");
    fill(c, "#report-name", "Open, newest first").await;
    choose(c, "#report-format", "xlsx").await;
    click(c, "#save-report").await;
    wait(c, "#saved-reports").await;
    assert!(text(c, "#saved-reports tbody").await.contains("Open, newest first"));

    // The improvement register: an aim the wrong way round is said beside
    // its field; put right, it is kept; edited; deleted.
    c.goto(&t.url("/reports/improvements")).await.unwrap();
    fill(c, "#imp-title", "Answer faster").await;
    choose(c, "#imp-measure", "mtta_hours").await;
    fill(c, "#imp-baseline", "4").await;
    fill(c, "#imp-target", "6").await;
    let in_a_month = jiff::Zoned::now().date().checked_add(jiff::Span::new().days(30)).unwrap();
    c.execute(&format!("document.getElementById('imp-target-date').value = '{in_a_month}';"), vec![]).await.unwrap();
    choose(c, "#imp-kind", "incident").await;
    click(c, "#save-improvement").await;
    assert!(text(c, "#imp-target-error").await.contains("below the baseline"));
    fill(c, "#imp-target", "1").await;
    click(c, "#save-improvement").await;
    wait(c, "#improvements").await;
    assert!(text(c, "#improvements tbody").await.contains("4 → 1"));
    go(c, "#improvements a.btn-small").await;
    fill(c, "#imp-target", "2").await;
    click(c, "#save-improvement").await;
    wait(c, "#improvements").await;
    assert!(text(c, "#improvements tbody").await.contains("4 → 2"));
    c.execute("window.confirm = () => true;", vec![]).await.unwrap();
    click(c, "#improvements button[type=submit]").await;
    wait(c, "#improvements-empty").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_opens_the_dashboard_and_follows_a_panel_to_its_records() {
    let t = server::spawn().await;
    driver::drive(async |c| journey(c, &t).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_period_is_said_beside_its_field_and_requesters_are_kept_out() {
    let t = server::spawn().await;
    t.add_manager().await;
    let (cookie, _) = t.session("mona").await;
    let page =
        body(get(&t, "/reports?from=2026-03-31&to=2026-03-01", &cookie).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(at(&page, "r-to-error"), "Must not be before from");
    assert!(page.contains(r#"value="2026-03-31""#), "what was typed stays: {page}");
    assert!(page.contains(r#"id="report-figures""#), "the default period is shown");
    let page = body(get(&t, "/reports?group=Nobody", &cookie).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(at(&page, "r-group-error").contains("Nobody"), "{page}");
    let (requester, _) = t.session("requester").await;
    body(get(&t, "/reports", &requester).await, StatusCode::FORBIDDEN).await;

    // The improvement register: empty, then one improvement with its
    // progress read from the live measure (nothing measured yet here).
    let page = body(get(&t, "/reports/improvements", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="improvements-empty""#), "{page}");
    let (mona, _) = t.app.login("mona", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let aim = steward_app::reports::improvements::ImprovementInput {
        title: "Answer faster".into(),
        measure: "mtta_hours".into(),
        baseline: 4.0,
        target: 1.0,
        target_date: jiff::Zoned::now().date().checked_add(jiff::Span::new().days(60)).unwrap().to_string(),
        ..Default::default()
    };
    t.app.add_improvement(&mona, aim).await.unwrap();
    let page = body(get(&t, "/reports/improvements", &cookie).await, StatusCode::OK).await;
    assert!(page.contains("Answer faster") && page.contains("4 → 1"), "{page}");
    assert!(page.contains(r#"<progress class="progress" value="0" max="100""#) && page.contains("No data"), "{page}");
    body(get(&t, "/reports/improvements", &requester).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_composes_their_own_dashboard() {
    let t = server::spawn().await;
    t.add_manager().await;
    counted(&t).await;
    let (cookie, csrf) = t.session("agent").await;
    // Until chosen, an agent's own dashboard begins with their work: the
    // incident they hold, open, and none resolved by them.
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let groups = t.app.list_groups().await.unwrap();
    let desk = groups.iter().find(|g| g.id == agent.group_ids[0]).unwrap().name.clone();
    let mine = NewIncident {
        title: "Badge reader offline".into(),
        assignment_group: Some(desk),
        assignee: Some("agent".into()),
        ..Default::default()
    };
    t.app.create_incident(&agent, mine).await.unwrap();
    // Another team's incident: the agent's team figures leave it out.
    let other = groups.iter().find(|g| !agent.group_ids.contains(&g.id)).expect("a group not the agent's");
    let theirs = NewIncident {
        title: "Payroll export fails".into(),
        assignment_group: Some(other.name.clone()),
        ..Default::default()
    };
    t.app.create_incident(&agent, theirs).await.unwrap();
    t.app.count_reports().await.unwrap();
    let page = body(get(&t, "/reports/mine", &cookie).await, StatusCode::OK).await;
    let work = page.find(r#"id="report-my-work""#).expect("my work first");
    assert!(work < page.find(r#"id="report-figures""#).unwrap(), "my work leads");
    assert!(page.contains(r#"<td class="my-open"><a href="/incidents?assignee=me">1</a></td>"#), "{page}");
    // Asked nothing, the figures are of the agent's groups, and link to
    // their records; "Any" group counts every team's.
    let arrivals = |page: &str| {
        let at = &page[page.find(r#"id="fig-arrivals""#).expect("arrivals")..];
        let dd = at.find("<dd>").unwrap() + 4;
        at[dd..dd + at[dd..].find("</dd>").unwrap()].parse::<i64>().unwrap()
    };
    let team = arrivals(&page);
    let select = &page[page.find(r#"id="r-group""#).unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(select.contains(r#"<option value="mine" selected"#), "{select}");
    assert!(page.contains("group=mine"), "the figures link to the groups' records");
    let everyone = body(get(&t, "/reports/mine?group=", &cookie).await, StatusCode::OK).await;
    // Every team's: the two counted first, the agent's and the other team's.
    assert_eq!(arrivals(&everyone), 4);
    assert!((1..4).contains(&team), "the agent's own groups' only: {team}");

    // A kind on a panel that counts none is refused beside it, what was
    // chosen kept; then the dashboard is kept in the order chosen.
    let form = [
        ("_csrf", csrf.as_str()),
        ("panels[0].panel", "series"),
        ("panels[0].kind", "change"),
        ("panels[1].panel", "availability"),
        ("panels[1].kind", "problem"),
        ("panels[2].panel", ""),
        ("panels[3].panel", "my_work"),
    ];
    let page = body(post(&t, "/reports/mine/edit", &cookie, &form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(at(&page, "pk1-error").contains("counts no one kind"), "{page}");
    let mut form = form.to_vec();
    form[4].1 = "";
    let r = post(&t, "/reports/mine/edit", &cookie, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = body(get(&t, "/reports/mine", &cookie).await, StatusCode::OK).await;
    let order: Vec<usize> = ["report-series", "report-availability", "report-my-work"]
        .iter()
        .map(|id| page.find(&format!(r#"id="{id}""#)).unwrap_or_else(|| panic!("{id}: {page}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(!page.contains(r#"id="report-figures""#), "only what was chosen");
    // The series counts changes: its days link to the change list.
    assert!(page.contains(r#"href="/changes?opened_from="#), "{page}");
    // Back to the default.
    let r = post(&t, "/reports/mine/edit", &cookie, &[("_csrf", csrf.as_str()), ("reset", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = body(get(&t, "/reports/mine", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="report-figures""#));
}
