//! Adding and removing a CI's relations from its page. A refusal (an
//! unknown CI, a class rule, a relation that already exists) comes back as
//! a message on the page, with the status that says why.

use super::cmdb_ci::{CiQuery, Data, respond, respond_with};
use super::cmdb_form::ci_id;
use super::{Ctx, UiResult, cmdb_texts::CmdbMsg, cmdb_words, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    cmdb::{Batch, CiRef, RelationInput},
};
use steward_domain::cmdb::RelationType;
use steward_store::cmdb::CiFilter;

/// The add-relation form as it was sent, when it was refused: the other
/// end's text, the items it may mean (to choose from), and why.
#[derive(Debug, Default)]
pub struct Draft {
    pub kind: String,
    pub direction: String,
    pub other: String,
    /// (id, name, class key) of the items the text may mean.
    pub candidates: Vec<(i64, String, String)>,
    pub error: Option<String>,
}

/// The add-relation form, under the relations. The other end is typed by
/// name: app.js suggests names as you type (a datalist filled from
/// `/api/v1/cis?q=`); without JavaScript the server finds the name and,
/// when several items fit, asks which one.
pub fn add_form(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let draft = &d.relation_draft;
    let none = widgets::Errors::default();
    let kinds: Vec<(String, String)> = RelationType::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), cmdb_words::relation(lang, k.as_str()).into_owned()))
        .collect();
    let directions =
        [("out", CmdbMsg::RelOutgoing), ("in", CmdbMsg::RelIncoming)].map(|(v, m)| (v.to_owned(), ctx.t(m).to_owned()));
    let or = |v: &str, default: &'static str| if v.is_empty() { default.to_owned() } else { v.to_owned() };
    let described = draft.error.as_ref().map(|_| "rel-other-error");
    html! {
        form.filters.relation-form #add-relation method="post" action={ "/cmdb/" (d.id) "/relations" } {
            (widgets::csrf(&ctx.csrf))
            (widgets::Field::new(lang, "rel-direction", "direction", ctx.t(CmdbMsg::RelDirection), &none).select(&directions, &or(&draft.direction, "out")))
            (widgets::Field::new(lang, "rel-kind", "kind", ctx.t(CmdbMsg::RelKind), &none).select(&kinds, &or(&draft.kind, "depends_on")))
            @if draft.candidates.is_empty() {
                div class={ "field" @if draft.error.is_some() { " has-error" } } {
                    label for="rel-other" { (ctx.t(CmdbMsg::OtherCiName)) span.req aria-hidden="true" { " *" } }
                    input #rel-other type="text" name="other" value=(draft.other) required autocomplete="off"
                        list="rel-other-names" data-lookup="/api/v1/cis" aria-invalid=[described.map(|_| "true")]
                        aria-describedby={ "rel-other-hint" @if let Some(e) = described { " " (e) } };
                    datalist #rel-other-names {}
                    p.hint #rel-other-hint { (ctx.t(CmdbMsg::OtherCiHint)) }
                    @if let Some(e) = &draft.error { p.field-error #rel-other-error { (e) } }
                }
            } @else {
                fieldset.field.has-error.ci-choice #rel-choose aria-describedby="rel-other-error" {
                    legend { (ctx.t(CmdbMsg::OtherCiName)) }
                    @if let Some(e) = &draft.error { p.field-error #rel-other-error { (e) } }
                    @for (i, (id, name, class)) in draft.candidates.iter().enumerate() {
                        label.ci-option {
                            input type="radio" name="other" value={ "#" (id) } required checked[i == 0];
                            " " (name) " " span.muted { "(" (d.classes.name(lang, class)) ")" }
                        }
                    }
                }
            }
            div.filter-actions { button.btn #add-relation-submit type="submit" { (ctx.t(CmdbMsg::AddRelation)) } }
        }
    }
}

/// The button that ends relation `rid`.
pub fn remove_button(ctx: &Ctx, d: &Data, rid: i64) -> Markup {
    html! {
        form.inline method="post" action={ "/cmdb/" (d.id) "/relations/" (rid) "/remove" } {
            (widgets::csrf(&ctx.csrf))
            button.btn.btn-quiet.remove-relation type="submit" data-relation-id=(rid) { (ctx.t(CmdbMsg::RemoveRelation)) }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewRelation {
    kind: String,
    direction: String,
    other: String,
}

/// The page again with why a change was refused.
async fn refused(s: &AppState, ctx: &Ctx, id: i64, e: AppError) -> UiResult {
    let (status, why) = match e {
        AppError::Invalid(errs) => {
            let what: Vec<String> = errs
                .iter()
                .map(|e| {
                    let field = e.field.split_once("].").map_or(e.field.as_str(), |(_, f)| f);
                    format!("{}: {}", cmdb_words::field(ctx.lang, field), i18n::app_message(ctx.lang, e))
                })
                .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, format!("{} {}", ctx.t(CmdbMsg::RelNotAdded), what.join("; ")))
        }
        AppError::NotFound(what) => (StatusCode::NOT_FOUND, format!("{what}: {}", ctx.t(Msg::NotFoundTitle))),
        other => return Err(ctx.fail(other)),
    };
    respond(s, ctx, id, CiQuery::default(), Some((status, why))).await
}

/// What the other end's text names: `#12` is an id; otherwise the item of
/// that name (any case), or, when none or several fit, the items to choose
/// from and why (a number that names nothing is an id too).
type Choice = Result<i64, (Vec<(i64, String, String)>, String)>;

async fn other_end(s: &AppState, ctx: &Ctx, text: &str) -> Result<Choice, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Err((Vec::new(), widgets::sentence(ctx.t(Msg::ValRequired)))));
    }
    if let Some(Ok(id)) = text.strip_prefix('#').map(str::parse::<i64>) {
        return Ok(Ok(id));
    }
    let filter = CiFilter { q: Some(text.to_owned()), ..CiFilter::default() };
    let page = s.app.list_cis(&ctx.actor, filter, None, None, CHOICES).await?;
    let fits: Vec<(i64, String, String)> = page.items.into_iter().map(|c| (c.id, c.name, c.class)).collect();
    let exact: Vec<_> = fits.iter().filter(|c| c.1.to_lowercase() == text.to_lowercase()).cloned().collect();
    Ok(match (exact.as_slice(), fits.is_empty()) {
        ([one], _) => Ok(one.0),
        // A number that names nothing is an id.
        ([], true) => text.parse().map_err(|_| (Vec::new(), i18n::fill(ctx.t(CmdbMsg::RelNoCi), &[("name", text)]))),
        ([], false) => Err((fits, i18n::fill(ctx.t(CmdbMsg::RelChooseOne), &[("name", text)]))),
        (several, _) => Err((several.to_vec(), i18n::fill(ctx.t(CmdbMsg::RelChooseOne), &[("name", text)]))),
    })
}

/// How many items a name may offer to choose from.
const CHOICES: i64 = 20;

pub async fn add(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<NewRelation>,
) -> UiResult {
    let id = ci_id(&ctx, id)?;
    let other = match other_end(&s, &ctx, &f.other).await.map_err(|e| ctx.fail(e))? {
        Ok(other) => other,
        Err((candidates, why)) => {
            let refused = Some((StatusCode::UNPROCESSABLE_ENTITY, format!("{} {why}", ctx.t(CmdbMsg::RelNotAdded))));
            let draft = Draft { kind: f.kind, direction: f.direction, other: f.other, candidates, error: Some(why) };
            return respond_with(&s, &ctx, id, CiQuery::default(), refused, draft).await;
        }
    };
    let (from, to) = if f.direction == "in" { (other, id) } else { (id, other) };
    let rel = RelationInput { from: CiRef::Id(from), to: CiRef::Id(to), kind: f.kind };
    match s.app.upsert_cis(&ctx.actor, Batch { items: Vec::new(), relations: vec![rel] }).await {
        Ok(r) if r.relations_added == 0 => {
            respond(
                &s,
                &ctx,
                id,
                CiQuery::default(),
                Some((StatusCode::CONFLICT, ctx.t(CmdbMsg::RelExists).to_owned())),
            )
            .await
        }
        Ok(_) => see_other(&format!("/cmdb/{id}?m=relation_added")),
        Err(e) => refused(&s, &ctx, id, e).await,
    }
}

pub async fn remove(State(s): State<AppState>, ctx: Ctx, ids: Result<Path<(i64, i64)>, PathRejection>) -> UiResult {
    let Ok(Path((id, rid))) = ids else { return Err(ctx.fail(AppError::NotFound("relation"))) };
    // Only a live relation of this CI: the form is on its page.
    let own = match s.app.ci_relations(&ctx.actor, id, None).await {
        Ok(list) => list.iter().any(|r| r.id == rid),
        Err(e) => return refused(&s, &ctx, id, e).await,
    };
    if !own {
        return refused(&s, &ctx, id, AppError::NotFound("relation")).await;
    }
    match s.app.remove_relation(&ctx.actor, rid).await {
        Ok(_) => see_other(&format!("/cmdb/{id}?m=relation_removed")),
        Err(e) => refused(&s, &ctx, id, e).await,
    }
}
