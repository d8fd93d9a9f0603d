//! The article editor: `/kb/new` (the first draft) and `/kb/{number}/edit`
//! (the draft being written). The English and Polish texts side by side; a
//! language left empty is not part of the version. Refused input comes
//! back with each message beside its field.

use super::{Ctx, OrPage, UiResult, html, kb_texts::KbMsg, layout, staff_only, widgets};
use crate::{AppState, i18n::Msg};
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, FieldError,
    articles::{self, ArticleInput, ArticleRead, TranslationInput},
};
use steward_domain::number::RecordKind;

const LANGS: [&str; 2] = ["en", "pl"];

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ArticleForm {
    audience: String,
    category: String,
    /// YYYY-MM-DD.
    review_by: String,
    change_note: String,
    en_title: String,
    en_body: String,
    pl_title: String,
    pl_body: String,
    /// Problem numbers, comma-separated.
    problems: String,
    /// Service names, comma-separated.
    services: String,
    version: String,
}

fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl ArticleForm {
    fn of(r: &ArticleRead) -> Self {
        let text = |lang: &str| r.texts.iter().find(|t| t.lang == lang);
        let date = |m: i64| {
            jiff::Timestamp::from_microsecond(m)
                .map(|t| t.to_zoned(super::fmt::zone()).date().to_string())
                .unwrap_or_default()
        };
        ArticleForm {
            audience: r.shown.audience.clone(),
            category: r.shown.category.clone().unwrap_or_default(),
            review_by: r.shown.review_by.map(date).unwrap_or_default(),
            change_note: r.shown.change_note.clone().unwrap_or_default(),
            en_title: text("en").map(|t| t.title.clone()).unwrap_or_default(),
            en_body: text("en").map(|t| t.body.clone()).unwrap_or_default(),
            pl_title: text("pl").map(|t| t.title.clone()).unwrap_or_default(),
            pl_body: text("pl").map(|t| t.body.clone()).unwrap_or_default(),
            problems: r.problems.iter().map(|p| steward_app::problems::number(p.number)).collect::<Vec<_>>().join(", "),
            services: r.services.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", "),
            version: r.article.record.version.to_string(),
        }
    }

    fn text(&self, lang: &str) -> (&str, &str) {
        if lang == "pl" { (&self.pl_title, &self.pl_body) } else { (&self.en_title, &self.en_body) }
    }

    /// The input, and which language each sent translation is (to put
    /// `translations[i].…` messages beside their fields).
    fn input(&self) -> (ArticleInput, Vec<&'static str>) {
        let mut langs = Vec::new();
        let mut translations = Vec::new();
        for lang in LANGS {
            let (title, body) = self.text(lang);
            if !title.trim().is_empty() || !body.trim().is_empty() {
                langs.push(lang);
                translations.push(TranslationInput {
                    lang: lang.to_owned(),
                    title: title.to_owned(),
                    body: body.to_owned(),
                });
            }
        }
        let input = ArticleInput {
            audience: Some(self.audience.clone()),
            category: Some(self.category.clone()),
            review_by: Some(self.review_by.clone()),
            change_note: Some(self.change_note.clone()),
            translations: Some(translations),
            problems: Some(list(&self.problems)),
            services: Some(list(&self.services)),
        };
        (input, langs)
    }
}

/// The app's field names as this form's (`translations[1].title` is
/// `pl_title` when Polish was the second text sent).
fn form_errors(errs: Vec<FieldError>, langs: &[&str]) -> widgets::Errors {
    let renamed = errs
        .into_iter()
        .map(|mut e| {
            // The domain's messages start with the field's path; the form
            // shows them beside the field.
            if let Some(rest) = e.message.strip_prefix(&format!("{} ", e.field)) {
                e.message = rest.to_owned();
            }
            if let Some(rest) = e.field.strip_prefix("translations[") {
                let (i, part) = rest.split_once("].").unwrap_or((rest, ""));
                let lang = i.parse::<usize>().ok().and_then(|i| langs.get(i)).copied().unwrap_or("en");
                e.field = format!("{lang}_{}", if part == "lang" { "title" } else { part });
            } else if e.field == "translations" {
                e.field = "en_title".to_owned();
            } else if let Some((field, _)) = e.field.split_once('[') {
                e.field = field.to_owned();
            }
            e
        })
        .collect();
    super::desk::errors(renamed)
}

fn form(ctx: &Ctx, f: &ArticleForm, action: &str, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let field = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    let audiences = [
        ("requesters".to_owned(), ctx.t(KbMsg::KbAudienceRequesters).to_owned()),
        ("staff".to_owned(), ctx.t(KbMsg::KbAudienceStaff).to_owned()),
    ];
    let shown = [
        "audience",
        "category",
        "review_by",
        "change_note",
        "en_title",
        "en_body",
        "pl_title",
        "pl_body",
        "problems",
        "services",
    ];
    html! {
        @if !errors.is_empty() { (widgets::alert(ctx.t(Msg::FixErrors), None)) }
        @for e in errors.others(&shown) { (widgets::alert(&widgets::sentence(&crate::i18n::app_message(ctx.lang, e)), None)) }
        form.kb-form method="post" action=(action) {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="version" value=(f.version);
            div.kb-langs {
                @for l in LANGS {
                    @let (title, body) = f.text(l);
                    @let (tid, bid) = if l == "pl" { ("pl_title", "pl_body") } else { ("en_title", "en_body") };
                    fieldset.form-main lang=(l) {
                        legend { (super::kb_texts::language(lang, l)) }
                        (widgets::Field { autofocus: l == "en", ..field(tid, tid, ctx.t(Msg::Title)) }.input(title))
                        (widgets::Field { hint: Some(ctx.t(KbMsg::KbBodyHint)), ..field(bid, bid, ctx.t(KbMsg::KbBody)) }.textarea(body, 16))
                    }
                }
            }
            div.form-side {
                (field("audience", "audience", ctx.t(KbMsg::KbAudience)).select(&audiences, &f.audience))
                (field("category", "category", ctx.t(Msg::Category)).input(&f.category))
                (widgets::Field { kind: Some("date"), ..field("review_by", "review_by", ctx.t(KbMsg::KbReviewBy)) }.input(&f.review_by))
                (widgets::Field { hint: Some(ctx.t(KbMsg::KbChangeNoteHint)), ..field("change_note", "change_note", ctx.t(KbMsg::KbChangeNote)) }.input(&f.change_note))
                (widgets::Field { hint: Some(&ctx.t_example(KbMsg::KbProblemsHint, RecordKind::Problem)), ..field("problems", "problems", ctx.t(KbMsg::KbProblems)) }.input(&f.problems))
                (widgets::Field { hint: Some(ctx.t(KbMsg::KbServicesHint)), ..field("services", "services", ctx.t(Msg::ServicesTitle)) }.input(&f.services))
                div.form-actions {
                    button.btn.btn-primary type="submit" { (ctx.t(Msg::Save)) }
                    a.btn.btn-quiet href="/kb" { (ctx.t(Msg::Cancel)) }
                }
            }
        }
    }
}

fn editor(
    ctx: &Ctx,
    title: KbMsg,
    f: &ArticleForm,
    action: &str,
    errors: &widgets::Errors,
    status: StatusCode,
) -> UiResult {
    let body = html! {
        nav.crumbs aria-label="Breadcrumb" { a href="/kb" { (ctx.t(KbMsg::KbTitle)) } }
        h1 { (ctx.t(title)) }
        (form(ctx, f, action, errors))
    };
    Ok(html(status, layout::page(ctx, ctx.t(title), body)))
}

pub async fn new(ctx: Ctx) -> UiResult {
    staff_only(&ctx)?;
    let f = ArticleForm { audience: "requesters".into(), ..ArticleForm::default() };
    editor(&ctx, KbMsg::KbNew, &f, "/kb", &widgets::Errors::default(), StatusCode::OK)
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(f): Form<ArticleForm>) -> UiResult {
    staff_only(&ctx)?;
    let (input, langs) = f.input();
    match s.app.create_article(&ctx.actor, input).await {
        Ok(a) => super::see_other(&format!("/kb/{}?m=saved", articles::number(a.record.number))),
        Err(AppError::Invalid(errs)) => {
            editor(&ctx, KbMsg::KbNew, &f, "/kb", &form_errors(errs, &langs), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The draft being written, as the editor starts from it.
async fn draft(s: &AppState, ctx: &Ctx, number: &str) -> Result<(ArticleRead, String), AppError> {
    let n = articles::number(articles::parse_number(number)?);
    let r = s.app.get_article(&ctx.actor, &n, None).await?;
    let open = r.article.open_version().map(|v| v.number);
    // Staff read the open version by default unless one is published.
    let r = match open {
        Some(v) if v != r.shown.number => s.app.get_article(&ctx.actor, &n, Some(v)).await?,
        _ => r,
    };
    Ok((r, n))
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> UiResult {
    staff_only(&ctx)?;
    let (r, n) = draft(&s, &ctx, &number).await.or_page(&ctx)?;
    let action = format!("/kb/{n}/edit");
    editor(&ctx, KbMsg::KbEditTitle, &ArticleForm::of(&r), &action, &widgets::Errors::default(), StatusCode::OK)
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ArticleForm>,
) -> UiResult {
    staff_only(&ctx)?;
    let n = articles::parse_number(&number).map(articles::number).or_page(&ctx)?;
    let (input, langs) = f.input();
    let action = format!("/kb/{n}/edit");
    match s.app.update_article(&ctx.actor, &n, f.version.trim().parse().ok(), input).await {
        Ok(a) => {
            let v = a.open_version().map(|v| format!("version={}&", v.number)).unwrap_or_default();
            super::see_other(&format!("/kb/{n}?{v}m=saved"))
        }
        Err(AppError::Invalid(errs)) => {
            editor(&ctx, KbMsg::KbEditTitle, &f, &action, &form_errors(errs, &langs), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::Stale { .. }) => {
            let errs = widgets::Errors(vec![FieldError::new("", crate::i18n_codes::ui(steward_app::Code::Stale, &[]))]);
            editor(&ctx, KbMsg::KbEditTitle, &f, &action, &errs, StatusCode::CONFLICT)
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
