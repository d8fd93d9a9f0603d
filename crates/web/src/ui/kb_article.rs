//! `/kb/{number}`: an article's page. The text in the reader's language
//! (the other one when it is not written in theirs), rendered from Markdown
//! and sanitised; "did this help?"; for staff the details, the moves the
//! version being written allows (submit, send back, publish, discard,
//! retire, start a new version), the problems and services it is about,
//! the versions, the readers' answers and its links to other records. Each reading is counted; a
//! requester coming from the report form's suggestions (`?from=report`)
//! also leaves an opening, from which deflection is decided.

use super::{
    Ctx, OrPage, UiResult, fmt, html,
    kb_texts::{self, KbMsg},
    layout,
    link_texts::LinkMsg,
    record_links, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use steward_app::Code;
use steward_app::links::RecordLink;
use steward_app::{
    AppError,
    articles::{self, ArticleRead, VersionMove, state_of},
};
use steward_domain::{Role, knowledge::VersionState, links::LinkType, number::RecordKind};
use steward_store::articles::{Feedback, Version};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    version: String,
    from: String,
    /// A message after a post: `saved`, `thanks`, `moved`.
    m: String,
}

/// The text shown: the reader's language, else the other.
fn text_for<'a>(ctx: &Ctx, r: &'a ArticleRead) -> Option<(&'a steward_store::articles::Text, bool)> {
    let own = r.texts.iter().find(|t| t.lang == ctx.lang.code());
    own.map(|t| (t, false)).or_else(|| r.texts.first().map(|t| (t, true)))
}

fn manages(ctx: &Ctx) -> bool {
    matches!(ctx.actor.role, Role::Manager | Role::Admin)
}

/// A button posting one move of version `v`.
fn move_button(ctx: &Ctx, r: &ArticleRead, v: &Version, to: VersionState, label: KbMsg, class: &str) -> Markup {
    let number = articles::number(r.article.record.number);
    html! {
        form.inline method="post" action={ "/kb/" (number) "/state" } {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="version" value=(r.article.record.version);
            input type="hidden" name="article_version" value=(v.number);
            input type="hidden" name="state" value=(to.as_str());
            button class={ "btn btn-block " (class) } type="submit" { (ctx.t(label)) }
        }
    }
}

/// What staff may do now, as buttons (the server decides; these are the
/// moves that make sense to offer).
fn actions(ctx: &Ctx, r: &ArticleRead) -> Markup {
    let number = articles::number(r.article.record.number);
    let open = r.article.open_version();
    let published = r.article.published();
    html! {
        section.panel aria-labelledby="kb-actions-title" {
            h2 #kb-actions-title { (ctx.t(KbMsg::KbActions)) }
            div.action-list {
                @if let Some(v) = open {
                    @match state_of(v) {
                        VersionState::Draft => {
                            a.btn.btn-block.btn-primary href={ "/kb/" (number) "/edit" } { (ctx.t(KbMsg::KbEditDraft)) }
                            (move_button(ctx, r, v, VersionState::InReview, KbMsg::KbSubmit, ""))
                            (move_button(ctx, r, v, VersionState::Discarded, KbMsg::KbDiscard, "btn-danger-quiet"))
                        }
                        _ => {
                            @if manages(ctx) { (move_button(ctx, r, v, VersionState::Published, KbMsg::KbPublish, "btn-primary")) }
                            (move_button(ctx, r, v, VersionState::Draft, KbMsg::KbSendBack, ""))
                        }
                    }
                } @else {
                    form.inline method="post" action={ "/kb/" (number) "/versions" } {
                        (widgets::csrf(&ctx.csrf))
                        input type="hidden" name="version" value=(r.article.record.version);
                        button.btn.btn-block type="submit" { (ctx.t(KbMsg::KbStartVersion)) }
                    }
                }
                @if let (Some(p), true) = (published, manages(ctx)) {
                    (move_button(ctx, r, p, VersionState::Retired, KbMsg::KbRetire, "btn-danger-quiet"))
                }
            }
        }
    }
}

fn details(ctx: &Ctx, r: &ArticleRead) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    let d = &r.article.details;
    html! {
        section.panel aria-labelledby="kb-details-title" {
            h2 #kb-details-title { (ctx.t(Msg::Details)) }
            dl.details {
                dt { (ctx.t(Msg::State)) } dd { (kb_texts::state(lang, &r.article.record.state)) }
                dt { (ctx.t(KbMsg::KbAudience)) } dd { (kb_texts::audience(lang, &d.audience)) }
                dt { (ctx.t(Msg::Category)) } dd { (r.article.record.category.as_deref().unwrap_or(ctx.t(Msg::Empty))) }
                dt { (ctx.t(KbMsg::KbReviewBy)) } dd {
                    (widgets::opt_time(lang, d.review_by, now))
                    @if r.article.review_due(now) { " " span.badge.state-on_hold { (ctx.t(KbMsg::KbReviewDue)) } }
                }
                dt { (ctx.t(KbMsg::KbViews)) } dd { (d.views) }
                dt { (ctx.t(KbMsg::KbHelpful)) } dd { (i18n::tf(lang, KbMsg::KbTally, &[("yes", &r.tally.helpful.to_string()), ("no", &r.tally.not_helpful.to_string())])) }
            }
        }
        section.panel aria-labelledby="kb-related-title" {
            h2 #kb-related-title { (ctx.t(KbMsg::KbProblems)) }
            @if r.problems.is_empty() { p.muted { (ctx.t(Msg::Empty)) } }
            ul.files {
                @for p in &r.problems {
                    @let n = steward_app::problems::number(p.number);
                    li { a href={ "/problems/" (n) } { span.num { (n) } " " (p.title) } }
                }
            }
            h3 { (ctx.t(Msg::ServicesTitle)) }
            @if r.services.is_empty() { p.muted { (ctx.t(Msg::Empty)) } }
            ul.files { @for sv in &r.services { li { a href={ "/cmdb/" (sv.id) } { (sv.name) } } } }
        }
    }
}

fn versions(ctx: &Ctx, r: &ArticleRead) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    let number = articles::number(r.article.record.number);
    html! {
        section.panel aria-labelledby="kb-versions-title" {
            h2 #kb-versions-title { (ctx.t(KbMsg::KbVersions)) }
            ol.files #kb-versions reversed {
                @for v in r.article.versions.iter().rev() {
                    li data-version=(v.number) data-state=(v.state) {
                        a href={ "/kb/" (number) "?version=" (v.number) } aria-current=[(v.number == r.shown.number).then_some("page")] {
                            (i18n::tf(lang, KbMsg::KbVersionN, &[("n", &v.number.to_string())]))
                        }
                        " · " (kb_texts::state(lang, &v.state))
                        br;
                        span.muted {
                            (ctx.t(KbMsg::KbAuthor)) ": " (v.author_name.as_deref().unwrap_or(""))
                            @if let Some(rv) = &v.reviewer_name { " · " (ctx.t(KbMsg::KbReviewer)) ": " (rv) }
                            " · " (widgets::time(lang, v.updated_at, now))
                        }
                        @if let Some(n) = &v.change_note { br; span { (n) } }
                    }
                }
            }
        }
    }
}

fn answers(ctx: &Ctx, list: &[Feedback]) -> Markup {
    let now = fmt::now_micros();
    html! {
        @if !list.is_empty() {
            section.panel aria-labelledby="kb-answers-title" {
                h2 #kb-answers-title { (ctx.t(KbMsg::KbFeedbackList)) }
                ul.files {
                    @for f in list {
                        li {
                            (ctx.t(if f.helpful != 0 { Msg::Yes } else { Msg::No }))
                            " · " (f.user_name.as_deref().unwrap_or("")) " · " (widgets::time(ctx.lang, f.at, now))
                            @if let Some(c) = &f.comment { br; span.prose { (c) } }
                        }
                    }
                }
            }
        }
    }
}

/// "Did this help?": yes or no and a comment, about the version shown.
fn feedback_form(ctx: &Ctx, r: &ArticleRead, errors: &widgets::Errors) -> Markup {
    let number = articles::number(r.article.record.number);
    let mine = r.mine.as_ref();
    let field = widgets::Field::new(ctx.lang, "kb-comment", "comment", ctx.t(KbMsg::KbComment), errors);
    html! {
        section.panel #feedback aria-labelledby="kb-feedback-title" {
            h2 #kb-feedback-title { (ctx.t(KbMsg::KbHelpful)) }
            @if let Some(m) = mine {
                p { (i18n::tf(ctx.lang, KbMsg::KbYourAnswer, &[("answer", ctx.t(if m.helpful != 0 { Msg::Yes } else { Msg::No }))])) }
            }
            form method="post" action={ "/kb/" (number) "/feedback" } {
                (widgets::csrf(&ctx.csrf))
                input type="hidden" name="article_version" value=(r.shown.number);
                fieldset.field.choices {
                    legend.visually-hidden { (ctx.t(KbMsg::KbHelpful)) }
                    label.choice { input type="radio" name="helpful" value="yes" required checked[mine.is_some_and(|m| m.helpful != 0)]; " " (ctx.t(Msg::Yes)) }
                    label.choice { input type="radio" name="helpful" value="no" checked[mine.is_some_and(|m| m.helpful == 0)]; " " (ctx.t(Msg::No)) }
                }
                (field.textarea(mine.and_then(|m| m.comment.as_deref()).unwrap_or(""), 3))
                div.form-actions { button.btn.btn-primary type="submit" { (ctx.t(Msg::Send)) } }
            }
        }
    }
}

/// The page for `r`, with a message on top.
fn page(
    ctx: &Ctx,
    r: &ArticleRead,
    feedback: &[Feedback],
    top: Option<Markup>,
    errors: &widgets::Errors,
    links: Markup,
) -> Markup {
    let lang = ctx.lang;
    let number = articles::number(r.article.record.number);
    let shown_state = state_of(&r.shown);
    let text = text_for(ctx, r);
    let title = text.map(|(t, _)| t.title.as_str()).unwrap_or(r.article.record.title.as_str());
    let not_current = r.article.published().is_none_or(|p| p.number != r.shown.number);
    let body = html! {
        nav.crumbs aria-label="Breadcrumb" { a href="/kb" { (ctx.t(KbMsg::KbTitle)) } " / " span.num { (number) } }
        @if let Some(t) = top { (t) }
        div.incident-head {
            div.head-row {
                h1 #article-title { (title) }
            }
            div.head-badges {
                span class={ "badge state state-" (r.shown.state) } { (kb_texts::state(lang, &r.shown.state)) }
                @if ctx.actor.is_staff() { " " span.badge { (kb_texts::audience(lang, &r.shown.audience)) } }
                @if let Some(c) = &r.shown.category { " " span.chip { (c) } }
            }
        }
        @if ctx.actor.is_staff() && not_current {
            p.notice #kb-reading {
                (i18n::tf(lang, KbMsg::KbReading, &[("n", &r.shown.number.to_string()), ("state", kb_texts::state(lang, &r.shown.state))]))
                @if r.article.published().is_some() { " " a href={ "/kb/" (number) } { (ctx.t(KbMsg::KbReadPublished)) } }
            }
        }
        div.incident-grid {
            div.incident-main {
                article.panel.article-body #article-body lang=[text.map(|(t, _)| t.lang.as_str())] {
                    @if let Some((t, fallback)) = text {
                        @if fallback { p.notice { (i18n::tf(lang, KbMsg::KbOtherLanguage, &[("lang", kb_texts::language(lang, &t.lang))])) } }
                        (PreEscaped(crate::markdown::to_html(&t.body)))
                    }
                }
                @if shown_state == VersionState::Published { (feedback_form(ctx, r, errors)) }
            }
            @if ctx.actor.is_staff() {
                aside.incident-side {
                    (actions(ctx, r))
                    (details(ctx, r))
                    (versions(ctx, r))
                    (answers(ctx, feedback))
                    (links)
                }
            }
        }
    };
    layout::page(ctx, title, body)
}

/// Reads the article for the page and, for staff, its readers' answers.
async fn load(
    s: &AppState,
    ctx: &Ctx,
    number: &str,
    version: Option<i64>,
) -> Result<(ArticleRead, Vec<Feedback>, Vec<RecordLink>), AppError> {
    let r = s.app.get_article(&ctx.actor, number, version).await?;
    let feedback = if ctx.actor.is_staff() { s.app.article_feedback(&ctx.actor, number).await? } else { Vec::new() };
    let links = record_links::load(s, ctx, RecordKind::Article, number).await?;
    Ok((r, feedback, links))
}

/// The "Related records" panel of the article (the problems it documents
/// have their own).
fn links_panel(ctx: &Ctx, r: &ArticleRead, links: &[RecordLink], typed: &record_links::Typed) -> Markup {
    record_links::panel(ctx, RecordKind::Article, r.article.record.number, links, &[LinkType::Documents], typed)
}

/// The article page, as the links panel's posts show it again.
pub struct ArticlePage;

impl record_links::LinkedPage for ArticlePage {
    const KIND: RecordKind = RecordKind::Article;
    async fn refused(
        s: &AppState,
        ctx: &Ctx,
        n: &str,
        typed: (record_links::LinkDraft, widgets::Errors),
        status: StatusCode,
    ) -> UiResult {
        let (r, feedback, links) = load(s, ctx, n, None).await.or_page(ctx)?;
        let panel = links_panel(ctx, &r, &links, &Some(typed));
        Ok(html(status, page(ctx, &r, &feedback, None, &widgets::Errors::default(), panel)))
    }
}

pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> UiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let version = q.version.trim().parse::<i64>().ok();
    let (r, feedback, links) = load(&s, &ctx, &number, version).await.or_page(&ctx)?;
    s.app.article_read(&ctx.actor, &r, q.from == "report").await.or_page(&ctx)?;
    let top = match q.m.as_str() {
        "saved" => Some(widgets::notice(ctx.t(KbMsg::KbSaved))),
        "thanks" => Some(widgets::notice(ctx.t(KbMsg::KbThanks))),
        "link-made" => Some(widgets::notice(ctx.t(LinkMsg::FlashLinkMade))),
        "link-removed" => Some(widgets::notice(ctx.t(LinkMsg::FlashLinkRemoved))),
        "moved" => Some(widgets::notice(&i18n::tf(
            ctx.lang,
            KbMsg::KbMoved,
            &[("n", &r.shown.number.to_string()), ("state", kb_texts::state(ctx.lang, &r.shown.state))],
        ))),
        _ => None,
    };
    let panel = links_panel(&ctx, &r, &links, &None);
    super::ok(page(&ctx, &r, &feedback, top, &widgets::Errors::default(), panel))
}

/// A refused post: the page again, with why.
async fn refused(s: &AppState, ctx: &Ctx, number: &str, version: Option<i64>, e: AppError) -> UiResult {
    let (status, errors) = match e {
        AppError::Invalid(errs) => (StatusCode::UNPROCESSABLE_ENTITY, super::desk::errors(errs)),
        AppError::Forbidden(why) => {
            (StatusCode::FORBIDDEN, widgets::Errors(vec![steward_app::FieldError::new("", why)]))
        }
        AppError::Transition { message, .. } => {
            (StatusCode::CONFLICT, widgets::Errors(vec![steward_app::FieldError::new("", message)]))
        }
        AppError::Stale { .. } => (
            StatusCode::CONFLICT,
            widgets::Errors(vec![steward_app::FieldError::new(
                "",
                crate::i18n_codes::ui(steward_app::Code::Stale, &[]),
            )]),
        ),
        other => return Err(ctx.fail(other)),
    };
    let (r, feedback, links) = load(s, ctx, number, version).await.or_page(ctx)?;
    let messages: Vec<String> = errors.0.iter().map(|e| widgets::sentence(&i18n::app_message(ctx.lang, e))).collect();
    let top = html! { (widgets::alert(&messages.join(" "), None)) };
    let panel = links_panel(ctx, &r, &links, &None);
    Ok(html(status, page(ctx, &r, &feedback, Some(top), &errors, panel)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    version: String,
    article_version: String,
    state: String,
}

pub async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<MoveForm>,
) -> UiResult {
    let m = VersionMove { state: f.state.clone(), version: f.article_version.trim().parse().ok() };
    match s.app.move_article_version(&ctx.actor, &number, f.version.trim().parse().ok(), m).await {
        Ok(a) => {
            let n = articles::number(a.record.number);
            super::see_other(&format!("/kb/{n}?version={}&m=moved", f.article_version.trim()))
        }
        Err(e) => refused(&s, &ctx, &number, f.article_version.trim().parse().ok(), e).await,
    }
}

pub async fn start_version(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<super::VersionForm>,
) -> UiResult {
    match s.app.start_article_version(&ctx.actor, &number, f.version.trim().parse().ok()).await {
        Ok(a) => super::see_other(&format!("/kb/{}/edit", articles::number(a.record.number))),
        Err(e) => refused(&s, &ctx, &number, None, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FeedbackForm {
    helpful: String,
    comment: String,
    article_version: String,
}

pub async fn feedback(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<FeedbackForm>,
) -> UiResult {
    let version = f.article_version.trim().parse().ok();
    let helpful = match f.helpful.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let e = AppError::field("helpful", Code::Required.msg("is required"));
            return refused(&s, &ctx, &number, version, e).await;
        }
    };
    match s.app.give_article_feedback(&ctx.actor, &number, version, helpful, Some(&f.comment)).await {
        Ok(_) => {
            let n = articles::parse_number(&number).map(articles::number).or_page(&ctx)?;
            super::see_other(&format!("/kb/{n}?m=thanks#feedback"))
        }
        Err(e) => refused(&s, &ctx, &number, version, e).await,
    }
}
