//! Adding and removing a CI's relations from its page. A refusal (an
//! unknown CI, a class rule, a relation that already exists) comes back as
//! a message on the page, with the status that says why.

use super::cmdb_ci::{CiQuery, Data, respond};
use super::cmdb_form::ci_id;
use super::{Ctx, UiResult, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
    i18n_cmdb,
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

/// The add-relation form, under the relations.
pub fn add_form(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let none = widgets::Errors::default();
    let kinds: Vec<(String, String)> = RelationType::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), i18n_cmdb::relation(lang, k.as_str()).into_owned()))
        .collect();
    let directions =
        [("out", Msg::RelOutgoing), ("in", Msg::RelIncoming)].map(|(v, m)| (v.to_owned(), ctx.t(m).to_owned()));
    html! {
        form.filters #add-relation method="post" action={ "/cmdb/" (d.id) "/relations" } {
            (widgets::csrf(&ctx.csrf))
            (widgets::Field::new(lang, "rel-direction", "direction", ctx.t(Msg::RelDirection), &none).select(&directions, "out"))
            (widgets::Field::new(lang, "rel-kind", "kind", ctx.t(Msg::RelKind), &none).select(&kinds, "depends_on"))
            (widgets::Field { kind: Some("number"), required: true, ..widgets::Field::new(lang, "rel-other", "other", ctx.t(Msg::OtherCi), &none) }.input(""))
            div.filter-actions { button.btn #add-relation-submit type="submit" { (ctx.t(Msg::AddRelation)) } }
        }
    }
}

/// The button that ends relation `rid`.
pub fn remove_button(ctx: &Ctx, d: &Data, rid: i64) -> Markup {
    html! {
        form.inline method="post" action={ "/cmdb/" (d.id) "/relations/" (rid) "/remove" } {
            (widgets::csrf(&ctx.csrf))
            button.btn.btn-quiet.remove-relation type="submit" data-relation-id=(rid) { (ctx.t(Msg::RemoveRelation)) }
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
                    format!("{}: {}", i18n_cmdb::field(ctx.lang, field), i18n::app_message(ctx.lang, &e.message))
                })
                .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, format!("{} {}", ctx.t(Msg::RelNotAdded), what.join("; ")))
        }
        AppError::NotFound(what) => (StatusCode::NOT_FOUND, format!("{what}: {}", ctx.t(Msg::NotFoundTitle))),
        other => return Err(ctx.fail(other)),
    };
    respond(s, ctx, id, CiQuery::default(), Some((status, why))).await
}

pub async fn add(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<NewRelation>,
) -> UiResult {
    let id = ci_id(&ctx, id)?;
    let Ok(other) = f.other.trim().parse::<i64>() else {
        let e = AppError::field("relations[0].other", ctx.t(Msg::ValNotCiId));
        return refused(&s, &ctx, id, e).await;
    };
    let (from, to) = if f.direction == "in" { (other, id) } else { (id, other) };
    let rel = RelationInput { from: CiRef::Id(from), to: CiRef::Id(to), kind: f.kind };
    match s.app.upsert_cis(&ctx.actor, Batch { items: Vec::new(), relations: vec![rel] }).await {
        Ok(r) if r.relations_added == 0 => {
            respond(&s, &ctx, id, CiQuery::default(), Some((StatusCode::CONFLICT, ctx.t(Msg::RelExists).to_owned())))
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
