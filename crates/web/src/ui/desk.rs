//! The desk's daily work in the UI: "assign to me", canned replies in the
//! comment box, bulk changes and saved views on the incident list; and the
//! messages of these use cases in the UI's language.

use super::desk_texts::DeskMsg;
use super::problem_texts::PrbMsg;
use super::{Ctx, UiResult, fmt, incident, list::ListQuery, record_page::RecordPage, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Lang, Msg},
};
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use std::borrow::Cow;
use steward_app::{
    AppError, Code, FieldError,
    desk::{BulkChange, BulkItem, BulkOutcome, FilledReply, SavedView},
    incidents::{TransitionInput, number},
};
use steward_domain::{HoldReason, IncidentState, ResolutionCode, number::RecordKind};

/// A message from the desk's use cases in the UI's language: as
/// [`i18n::app_message`], but a name already taken is a view's name.
pub fn message(lang: Lang, e: &FieldError) -> Cow<'_, str> {
    if lang != Lang::En && e.code == Code::Taken {
        return Cow::Borrowed(i18n::t(lang, Msg::ValNameTakenView));
    }
    i18n::app_message(lang, e)
}

/// Field errors as the desk shows them: a name already taken is a view's.
pub fn errors(errs: Vec<FieldError>) -> widgets::Errors {
    let said = |e: FieldError| if e.code == Code::Taken { FieldError { code: Code::ViewNameTaken, ..e } } else { e };
    widgets::Errors(errs.into_iter().map(said).collect())
}

/// The "Assign to me" button (the `i` key presses it).
pub fn assign_button(ctx: &Ctx, d: &incident::Data) -> Markup {
    html! {
        @if ctx.actor.is_staff() && d.inc.assignee_id != Some(ctx.actor.id) {
            form.assign-form method="post" action={ "/incidents/" (d.number) "/assign-to-me" } {
                (widgets::csrf(&ctx.csrf))
                input type="hidden" name="version" value=(d.inc.version);
                button.btn #assign-me type="submit" { (ctx.t(DeskMsg::AssignToMe)) }
            }
        }
    }
}

pub async fn assign_to_me(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(f): Form<super::VersionForm>,
) -> UiResult {
    let (problem, status) = match s.app.assign_to_me(&ctx.actor, &n, f.version.trim().parse().ok()).await {
        Ok(inc) => return see_other(&format!("/incidents/{}?m=assigned", number(inc.number))),
        Err(AppError::Invalid(errs)) => {
            let text = errs.iter().map(|e| widgets::sentence(&message(ctx.lang, e))).collect::<Vec<_>>();
            ((text.join(" "), false), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::Stale { .. } | AppError::VersionRequired) => {
            ((ctx.t(Msg::StaleAction).to_owned(), true), StatusCode::CONFLICT)
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    incident::IncidentPage::respond(
        &s,
        &ctx,
        &n,
        incident::View { alert: Some(problem), ..incident::View::default() },
        status,
    )
    .await
}

/// The canned replies beside the comment box: with JavaScript "Insert"
/// puts the chosen text at the cursor; without, it posts the form and the
/// page comes back with the text added to the draft.
pub fn reply_picker(ctx: &Ctx, replies: &[FilledReply]) -> Markup {
    html! {
        @if !replies.is_empty() {
            div.reply-picker {
                label for="canned-reply" { (ctx.t(DeskMsg::CannedReply)) }
                select #canned-reply name="reply" {
                    option value="" { (ctx.t(DeskMsg::ChooseReply)) }
                    @for r in replies {
                        option value=(r.reply.id) data-text=(r.text) {
                            (r.reply.title)
                            @if let Some(g) = &r.reply.group_name { " · " (g) }
                        }
                    }
                }
                button.btn #insert-reply type="submit" name="insert" value="1" formnovalidate { (ctx.t(DeskMsg::InsertReply)) }
            }
        }
    }
}

/// The draft with the chosen reply added: the page a form without
/// JavaScript gets back from "Insert".
pub fn with_reply(draft: &str, replies: &[FilledReply], chosen: &str) -> String {
    let Some(r) = replies.iter().find(|r| r.reply.id.to_string() == chosen.trim()) else { return draft.to_owned() };
    if draft.trim().is_empty() { r.text.clone() } else { format!("{}\n\n{}", draft.trim_end(), r.text) }
}

/// The bar above the list's table: what to change on the ticked rows.
pub fn bulk_bar(
    ctx: &Ctx,
    q: &ListQuery,
    groups: &[String],
    staff: &[(String, String)],
    errs: &widgets::Errors,
) -> Markup {
    let lang = ctx.lang;
    let none = || (String::new(), ctx.t(DeskMsg::NoChange).to_owned());
    let mut assignees =
        vec![none(), ("me".into(), ctx.t(Msg::Me).into()), ("none".into(), ctx.t(DeskMsg::Unassign).into())];
    assignees.extend(staff.iter().cloned());
    let mut group_options = vec![none(), ("none".into(), ctx.t(Msg::NoGroup).into())];
    group_options.extend(groups.iter().map(|g| (g.clone(), g.clone())));
    let mut states = vec![none()];
    states.extend(IncidentState::ALL.iter().map(|s| (s.as_str().to_owned(), i18n::state(lang, *s).to_owned())));
    let mut prios = vec![none()];
    prios.extend((1..=5).map(|p| (p.to_string(), format!("P{p} – {}", i18n::priority_name(lang, p)))));
    let mut holds = vec![none()];
    holds.extend(HoldReason::ALL.iter().map(|r| (r.as_str().to_owned(), i18n::hold_reason(lang, *r).to_owned())));
    let mut codes = vec![none()];
    codes.extend(
        ResolutionCode::ALL.iter().map(|c| (c.as_str().to_owned(), i18n::resolution_code(lang, *c).to_owned())),
    );
    let f = |id, name, label| widgets::Field::new(lang, id, name, label, errs);
    html! {
        form.bulk-bar #bulk method="post" action="/incidents/bulk" aria-labelledby="bulk-title" {
            h2.visually-hidden #bulk-title { (ctx.t(DeskMsg::BulkTitle)) }
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="back" value=(q.link(&q.sort, &q.cursor));
            (f("bulk-group", "assignment_group", ctx.t(Msg::GroupShort)).select(&group_options, ""))
            (f("bulk-assignee", "assignee", ctx.t(DeskMsg::BulkAssignee)).select(&assignees, ""))
            (f("bulk-state", "state", ctx.t(DeskMsg::BulkState)).select(&states, ""))
            (f("bulk-priority", "priority", ctx.t(DeskMsg::BulkPriority)).select(&prios, ""))
            // What a move to on hold or resolved needs, as on the incident page.
            details.bulk-details {
                summary { (ctx.t(DeskMsg::BulkStateDetails)) }
                (f("bulk-hold", "hold_reason", ctx.t(Msg::HoldReason)).select(&holds, ""))
                (f("bulk-code", "resolution_code", ctx.t(Msg::ResolutionCode)).select(&codes, ""))
                (f("bulk-notes", "resolution_notes", ctx.t(Msg::ResolutionNotes)).input(""))
            }
            (widgets::Field { hint: Some(&ctx.t_example(PrbMsg::ProblemNumberHint, RecordKind::Problem)), ..f("bulk-problem", "problem", ctx.t(PrbMsg::BulkLinkProblem)) }.input(""))
            button.btn #bulk-apply type="submit" { (ctx.t(DeskMsg::ApplySelected)) }
            @for e in errs.0.iter().filter(|e| !matches!(e.field.as_str(), "assignment_group" | "assignee" | "state" | "priority" | "problem")) {
                p.field-error { (widgets::sentence(&message(lang, e))) }
            }
        }
    }
}

/// What the list says after a bulk change: how many, and each refusal.
pub fn bulk_summary(ctx: &Ctx, out: &BulkOutcome) -> Markup {
    let total = out.updated.len() + out.refused.len();
    let done = i18n::tf(
        ctx.lang,
        DeskMsg::BulkDone,
        &[("done", &out.updated.len().to_string()), ("total", &total.to_string())],
    );
    let why = |e: &AppError| -> String {
        match e {
            AppError::Stale { .. } | AppError::VersionRequired => ctx.t(DeskMsg::RefusedStale).to_owned(),
            AppError::Forbidden(_) => ctx.t(DeskMsg::RefusedForbidden).to_owned(),
            AppError::NotFound(_) => ctx.t(DeskMsg::RefusedNotFound).to_owned(),
            AppError::Transition { .. } => ctx.t(DeskMsg::RefusedTransition).to_owned(),
            AppError::Invalid(errs) => errs
                .iter()
                .map(|f| format!("{}: {}", i18n::field(ctx.lang, &f.field), message(ctx.lang, f)))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        }
    };
    html! {
        div #bulk-summary class={ "notice " @if out.refused.is_empty() { "success" } @else { "error" } } role="status" {
            p { (done) }
            @if !out.refused.is_empty() {
                p { (ctx.t(DeskMsg::BulkRefused)) }
                ul {
                    @for r in &out.refused {
                        li { a href={ "/incidents/" (r.number) } { (r.number) } " — " (why(&r.error)) }
                    }
                }
            }
        }
    }
}

/// The bulk form as posted: ticked rows (`items`, "INC0000042:7" with the
/// version shown), the changes, the list to go back to, and the problem
/// to link them to.
struct BulkRequest {
    items: Vec<BulkItem>,
    change: BulkChange,
    back: String,
    problem: Option<String>,
}

fn bulk_request(pairs: Vec<(String, String)>) -> BulkRequest {
    let mut items = Vec::new();
    let mut change = BulkChange::default();
    let mut back = String::new();
    let mut problem = None;
    let mut state = TransitionInput::default();
    for (k, v) in pairs {
        let v = v.trim().to_owned();
        match k.as_str() {
            "items" => {
                let (n, version) = v.split_once(':').unwrap_or((&v, ""));
                items.push(BulkItem { number: n.to_owned(), version: version.parse().ok() });
            }
            "assignee" if !v.is_empty() => change.assignee = Some(if v == "none" { String::new() } else { v }),
            "assignment_group" if !v.is_empty() => {
                change.assignment_group = Some(if v == "none" { String::new() } else { v });
            }
            "state" if !v.is_empty() => state.state = v,
            "hold_reason" if !v.is_empty() => state.hold_reason = Some(v),
            "resolution_code" if !v.is_empty() => state.resolution_code = Some(v),
            "resolution_notes" if !v.is_empty() => state.resolution_notes = Some(v),
            "priority" if !v.is_empty() => change.priority = Some(v.parse().unwrap_or(0)),
            "back" => back = v,
            "problem" if !v.is_empty() => problem = Some(v),
            _ => {}
        }
    }
    // The details count only with a state to move to.
    change.state = (!state.state.is_empty()).then_some(state);
    BulkRequest { items, change, back, problem }
}

/// Links the ticked incidents to a problem: the summary, or why not (beside
/// the problem field).
async fn bulk_link(s: &AppState, ctx: &Ctx, problem: &str, items: &[BulkItem]) -> Result<Markup, widgets::Errors> {
    let numbers: Vec<String> = items.iter().map(|i| i.number.clone()).collect();
    match s.app.link_incidents(&ctx.actor, problem, None, &numbers).await {
        Ok(_) => {
            let number = steward_app::problems::parse_number(problem).map(steward_app::problems::number);
            let (n, number) = (numbers.len().to_string(), number.unwrap_or_default());
            let args = [("n", n.as_str()), ("number", number.as_str())];
            Ok(
                html! { div.notice.success #bulk-summary role="status" { p { (i18n::tf(ctx.lang, PrbMsg::BulkLinkDone, &args)) } } },
            )
        }
        Err(AppError::Invalid(errs)) => {
            // Every refusal concerns the problem typed (its state) or the
            // ticked rows: the message goes beside the problem field.
            Err(errors(errs.into_iter().map(|e| FieldError { field: "problem".into(), ..e }).collect()))
        }
        Err(_) => Err(errors(vec![FieldError::new("problem", Code::NoSuchProblem.msg("no such problem"))])),
    }
}

pub async fn bulk(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    super::staff_only(&ctx)?;
    let BulkRequest { items, change, back, problem } = bulk_request(pairs);
    let q = super::list::query_of(&back);
    if let Some(problem) = problem {
        let shown = match bulk_link(&s, &ctx, &problem, &items).await {
            Ok(summary) => super::list::Shown { summary: Some(summary), ..Default::default() },
            Err(bulk_errors) => super::list::Shown { bulk_errors, ..Default::default() },
        };
        // Other changes ticked with the link wait until it is made.
        let nothing_else = change.assignee.is_none()
            && change.assignment_group.is_none()
            && change.priority.is_none()
            && change.state.is_none();
        if nothing_else || shown.summary.is_none() {
            return super::list::render(&s, &ctx, Ok(q), shown).await;
        }
    }
    let outcome = s.app.bulk_update(&ctx.actor, items, change).await;
    let shown = match outcome {
        Ok(out) => super::list::Shown { summary: Some(bulk_summary(&ctx, &out)), ..Default::default() },
        Err(AppError::Invalid(errs)) => super::list::Shown { bulk_errors: errors(errs), ..Default::default() },
        Err(e) => return Err(ctx.fail(e)),
    };
    super::list::render(&s, &ctx, Ok(q), shown).await
}

/// The user's saved views beside the list, and the form that saves this one.
pub fn views_panel(ctx: &Ctx, views: &[SavedView], q: &ListQuery, errs: &widgets::Errors) -> Markup {
    let name = widgets::Field {
        required: true,
        ..widgets::Field::new(ctx.lang, "view-name", "name", ctx.t(DeskMsg::ViewName), errs)
    };
    html! {
        section.panel.saved-views #saved-views aria-labelledby="views-title" {
            h2 #views-title { (ctx.t(DeskMsg::SavedViews)) }
            @if views.is_empty() { p.muted { (ctx.t(DeskMsg::NoSavedViews)) } }
            ul.view-list {
                @for v in views {
                    @let pairs: Vec<(&str, &str)> = v.filters.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    li {
                        a.view-link href={ "/incidents" (fmt::query(&pairs)) } { (v.name) }
                        form.inline method="post" action={ "/incidents/views/" (v.id) "/delete" } {
                            (widgets::csrf(&ctx.csrf))
                            button.btn.btn-quiet.btn-small type="submit" aria-label=(i18n::tf(ctx.lang, DeskMsg::DeleteView, &[("name", &v.name)])) { "×" }
                        }
                    }
                }
            }
            form.save-view method="post" action="/incidents/views" {
                (widgets::csrf(&ctx.csrf))
                input type="hidden" name="back" value=(q.link(&q.sort, ""));
                (name.input(""))
                button.btn #save-view type="submit" { (ctx.t(DeskMsg::SaveView)) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SaveViewForm {
    name: String,
    /// The list's address: the view is its filters and sort.
    back: String,
}

pub async fn save_view(State(s): State<AppState>, ctx: Ctx, Form(f): Form<SaveViewForm>) -> UiResult {
    super::staff_only(&ctx)?;
    let q = super::list::query_of(&f.back);
    match s.app.save_view(&ctx.actor, &f.name, &q.params(50)).await {
        Ok(_) => {
            let link = q.link(&q.sort, "");
            see_other(&format!("{link}{}m=view_saved", if link.contains('?') { '&' } else { '?' }))
        }
        Err(AppError::Invalid(errs)) => {
            let shown = super::list::Shown { view_errors: errors(errs), ..Default::default() };
            super::list::render(&s, &ctx, Ok(q), shown).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn delete_view(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    s.app.delete_view(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
    see_other("/incidents?m=view_deleted")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bulk_form_reads_rows_with_their_versions() {
        let pairs = [
            ("items", "INC0000042:7"),
            ("items", "INC0000043"),
            ("assignee", "none"),
            ("state", ""),
            ("priority", "2"),
        ];
        let BulkRequest { items, change, problem, .. } =
            bulk_request(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        let got: Vec<(&str, Option<i64>)> = items.iter().map(|i| (i.number.as_str(), i.version)).collect();
        assert_eq!(got, [("INC0000042", Some(7)), ("INC0000043", None)]);
        assert_eq!((change.assignee.as_deref(), change.state.is_none(), change.priority), (Some(""), true, Some(2)));
        assert_eq!(problem, None);
    }

    #[test]
    fn the_bulk_form_carries_what_a_state_needs() {
        let form = |pairs: &[(&str, &str)]| {
            bulk_request(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()).change.state
        };
        let resolve = form(&[
            ("resolution_code", "solved"),
            ("state", "resolved"),
            ("resolution_notes", " Restarted the spooler "),
            ("hold_reason", ""),
        ])
        .unwrap();
        assert_eq!(resolve.state, "resolved");
        assert_eq!(resolve.resolution_code.as_deref(), Some("solved"));
        assert_eq!(resolve.resolution_notes.as_deref(), Some("Restarted the spooler"));
        assert_eq!(resolve.hold_reason, None);
        assert!(form(&[("hold_reason", "awaiting_vendor"), ("state", "")]).is_none(), "no state, no transition");
    }

    #[test]
    fn desk_messages_in_polish() {
        let e = |m: steward_app::Message| FieldError::new("body", m);
        let unknown = e(steward_domain::canned::check("Hi {x}").unwrap_err().into());
        assert_eq!(
            message(Lang::Pl, &unknown),
            "nieznane pole {x}; użyj jednego z: {requester}, {requester_first_name}, {number}, {title}, {service}, {group}, {agent}"
        );
        let no_group = e(Code::NotInAnyGroup.msg("you are not a member of any assignment group"));
        assert_eq!(message(Lang::Pl, &no_group), "nie należysz do żadnej grupy przydziału");
        assert_eq!(message(Lang::En, &e(Code::Required.msg("is required"))), "is required");
        // A saved view's name is feminine in Polish ("nazwa").
        let taken = e(Code::Taken.msg("is already taken"));
        assert_eq!(
            (message(Lang::Pl, &taken), message(Lang::En, &taken)),
            ("jest już zajęta".into(), "is already taken".into())
        );
    }
}
