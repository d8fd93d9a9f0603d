//! The known errors and articles that match an incident being typed,
//! beside the title and description of the desk's form and the portal's
//! report form. Without JavaScript the forms' "Find matching answers"
//! button sends the form back with them (nothing is saved); `app.js`
//! fetches `/suggestions` (this panel alone) as the person types. A
//! requester's link to an article carries `from=report`, which is what
//! deflection is counted from.

use super::{Ctx, UiResult, search::highlighted, search_texts::SearchMsg};
use crate::AppState;
use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::search::RecordHit;

/// Which form the panel is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum For {
    /// The desk's incident form: known errors and articles.
    Desk,
    /// The portal's report form: articles for requesters, counted.
    Report,
}

/// The panel: a heading and the matches, or (once asked for) a line that
/// none match. `asked` is false while nothing has been looked up (a blank
/// form), when the panel stays an empty live region.
pub fn panel(ctx: &Ctx, form: For, hits: &[RecordHit], asked: bool) -> Markup {
    let heading = match form {
        For::Desk => SearchMsg::SuggestHeadingDesk,
        For::Report => SearchMsg::SuggestHeadingPortal,
    };
    html! {
        section #suggestions.suggestions aria-live="polite" data-for=(if form == For::Report { "report" } else { "desk" }) {
            @if !hits.is_empty() {
                h2 { (ctx.t(heading)) }
                ul.search-hits {
                    @for h in hits {
                        li {
                            @let href = match form {
                                For::Report => format!("/kb/{}?from=report", h.number),
                                For::Desk => super::search::page_of(&h.kind, &h.number),
                            };
                            // A new tab keeps the half-typed form.
                            a href=(href) target="_blank" rel="noopener" {
                                (h.number) " " (highlighted(&h.title_marked))
                                span.visually-hidden { " " (ctx.t(SearchMsg::SuggestNewTab)) }
                            }
                            " "
                            @if h.known_error { span.badge { (ctx.t(SearchMsg::SearchKnownError)) } }
                            @else if form == For::Desk { span.badge { (ctx.t(SearchMsg::SuggestArticle)) } }
                            @if !h.snippet.pieces.is_empty() { p.muted.snippet { (highlighted(&h.snippet)) } }
                        }
                    }
                }
                @if form == For::Desk && hits.iter().any(|h| h.known_error) { p.hint { (ctx.t(SearchMsg::SuggestWorkaround)) } }
            } @else if asked {
                p.muted { (ctx.t(SearchMsg::SuggestNone)) }
            }
        }
    }
}

/// The button that asks for the panel without JavaScript (`app.js` removes
/// it). It sends the form to its own address with `suggest=1`: the
/// handler shows the form again with the panel and saves nothing. It
/// stands after the form's own submit button, which Enter in a field
/// keeps pressing.
pub fn button(ctx: &Ctx) -> Markup {
    html! {
        button.btn.btn-quiet.suggest-button type="submit" name="suggest" value="1" formnovalidate {
            (ctx.t(SearchMsg::SuggestButton))
        }
    }
}

/// The matches for a form's title and description, as the panel shows
/// them; a failure to look them up leaves the form usable.
pub async fn for_form(s: &AppState, ctx: &Ctx, title: &str, description: &str) -> Vec<RecordHit> {
    match s.app.suggestions(&ctx.actor, title, description, None, ctx.lang.code()).await {
        Ok(hits) => hits,
        Err(e) => {
            tracing::warn!(error = %e, "suggestions failed");
            Vec::new()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PanelQuery {
    title: String,
    description: String,
    #[serde(rename = "for")]
    form: String,
}

/// `GET /suggestions?title=&description=&for=report`: the panel alone,
/// for `app.js` to put in place as the person types.
pub async fn fragment(State(s): State<AppState>, ctx: Ctx, q: Result<Query<PanelQuery>, QueryRejection>) -> UiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let form = if q.form == "report" || !ctx.actor.is_staff() { For::Report } else { For::Desk };
    let hits = for_form(&s, &ctx, &q.title, &q.description).await;
    let asked = !q.title.trim().is_empty() || !q.description.trim().is_empty();
    Ok(super::html(StatusCode::OK, panel(&ctx, form, &hits, asked)))
}
