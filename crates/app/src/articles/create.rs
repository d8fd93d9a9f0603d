//! Writing a new article: its first version, a draft.

use super::{Article, KIND, article_errors, show_version, texts_diff, version_diff};
use crate::error::Code;
use crate::{Actor, App, error::AppError, incidents::created_changes};
use steward_domain::{
    Lifecycle,
    knowledge::{
        ArticleFields, ArticleState, Audience, Lang, Translation, VersionState, can_write_articles, check_article,
        check_review_by,
    },
    text::{self, Limit},
};
use steward_store::{
    articles::{self as store_articles, Details, Text, Version},
    now_micros,
    records::{self, Record},
};

/// A change note: one line, at most 500 characters.
pub const CHANGE_NOTE: Limit = Limit { min: 0, max: 500, multiline: false };

/// One language's text as sent.
#[derive(Debug, Clone, Default)]
pub struct TranslationInput {
    pub lang: String,
    pub title: String,
    pub body: String,
}

/// A version's fields as sent. Creating needs the audience and a text;
/// editing keeps what is left out, and a blank category, review-by date or
/// change note clears it. Translations, when sent, replace them all.
#[derive(Debug, Clone, Default)]
pub struct ArticleInput {
    pub audience: Option<String>,
    pub category: Option<String>,
    /// RFC 3339 time or date.
    pub review_by: Option<String>,
    pub change_note: Option<String>,
    pub translations: Option<Vec<TranslationInput>>,
    /// Problem numbers the article documents (replacing the links).
    pub problems: Option<Vec<String>>,
    /// Names of the services it is about (replacing them).
    pub services: Option<Vec<String>>,
}

/// A version's fields checked: what to store.
pub(crate) struct Checked {
    pub version: Version,
    pub texts: Vec<Text>,
}

/// Checks `input` over `base` (the version being edited, or a blank one),
/// every problem named at once.
pub(crate) fn check_input(
    input: &ArticleInput,
    base: &Version,
    base_texts: &[Text],
    now: i64,
) -> Result<Checked, AppError> {
    let mut bad = Vec::new();
    let audience = match input.audience.as_deref().map(str::trim) {
        Some(a) => a.parse::<Audience>().map_err(|e| bad.push(crate::FieldError::new("audience", e))).ok(),
        None => base.audience.parse::<Audience>().ok(),
    };
    if audience.is_none() && input.audience.is_none() {
        bad.push(crate::FieldError::new("audience", Code::Required.msg("is required: requesters or staff")));
    }
    let translations: Vec<Translation> = match &input.translations {
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let lang = t.lang.trim().parse::<Lang>().unwrap_or_else(|e| {
                    bad.push(crate::FieldError::new(&format!("translations[{i}].lang"), e));
                    Lang::En
                });
                Translation { lang, title: t.title.clone(), body: t.body.clone() }
            })
            .collect(),
        None => base_texts
            .iter()
            .filter_map(|t| {
                Some(Translation { lang: t.lang.parse().ok()?, title: t.title.clone(), body: t.body.clone() })
            })
            .collect(),
    };
    let category = input.category.clone().or_else(|| base.category.clone());
    let review_by = match input.review_by.as_deref().map(str::trim) {
        Some("") => None,
        Some(v) => match crate::incidents::parse_time(v) {
            Ok(t) => match check_review_by(t, now) {
                Ok(()) => Some(t),
                Err(e) => {
                    bad.push(crate::FieldError::new(&e.field(), e));
                    None
                }
            },
            Err(e) => {
                bad.push(crate::FieldError::new("review_by", e));
                None
            }
        },
        None => base.review_by,
    };
    let change_note = match input.change_note.as_deref() {
        Some(n) => text::check(n, CHANGE_NOTE)
            .map_err(|e| bad.push(crate::FieldError::new("change_note", e)))
            .ok()
            .filter(|n| !n.is_empty()),
        None => base.change_note.clone(),
    };
    let fields = ArticleFields { audience: audience.unwrap_or(Audience::Staff), category, translations };
    let checked = check_article(fields);
    if let Err(errs) = &checked {
        if let AppError::Invalid(more) = article_errors(errs.clone()) {
            bad.extend(more);
        }
    }
    if !bad.is_empty() {
        return Err(AppError::Invalid(bad));
    }
    let fields = checked.map_err(article_errors)?;
    let mut texts: Vec<Text> = fields
        .translations
        .into_iter()
        .map(|t| Text { version: base.number, lang: t.lang.as_str().to_owned(), title: t.title, body: t.body })
        .collect();
    texts.sort_by(|a, b| a.lang.cmp(&b.lang));
    let version = Version {
        audience: fields.audience.as_str().to_owned(),
        category: fields.category,
        review_by,
        change_note,
        updated_at: now,
        ..base.clone()
    };
    Ok(Checked { version, texts })
}

impl App {
    /// Starts an article: its first version, a draft by the actor.
    pub async fn create_article(&self, actor: &Actor, input: ArticleInput) -> Result<Article, AppError> {
        can_write_articles(actor.role)?;
        let now = now_micros();
        let blank = Version {
            number: 1,
            state: VersionState::Draft.as_str().to_owned(),
            author_id: actor.id,
            created_at: now,
            updated_at: now,
            author_name: Some(actor.display_name.clone()),
            ..Version::default()
        };
        if input.translations.is_none() {
            return Err(AppError::field("translations", Code::KbOneLanguage.msg("at least one language is required")));
        }
        let Checked { version, texts } = check_input(&input, &blank, &[], now)?;
        let links = self.resolve_links(&input).await?;
        let mut rec = new_record(actor, now);
        let mut details = Details { review_by: None, ..Details::default() };
        show_version(&mut rec, &mut details, &version, &texts);
        let mut created = created_changes(&rec);
        created.extend(version_diff(None, &version));
        created.extend(texts_diff(1, &[], &texts));
        created.extend(links.changes(&Default::default()));
        let changes = serde_json::to_string(&created).map_err(|e| AppError::Internal(e.to_string()))?;
        let (dialect, actor_id) = (self.store.dialect(), actor.id);
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let key = records::insert_created(c, dialect, &rec, Some(actor_id), changes).await?;
                    (rec.id, rec.number) = (key.id, key.number);
                    details.record_id = rec.id;
                    store_articles::save_details(c, &details).await?;
                    let version = Version { record_id: rec.id, ..version };
                    store_articles::save_version(c, &version).await?;
                    store_articles::set_texts(c, rec.id, 1, &texts).await?;
                    super::index_texts(c, rec.id, &details).await?;
                    links.write(c, rec.id, now, actor_id).await?;
                    Ok::<_, AppError>(Article { record: rec, details, versions: vec![version] })
                })
            })
            .await
    }
}

/// A new article's record, written by the actor.
fn new_record(actor: &Actor, now: i64) -> Record {
    crate::records::fresh(KIND, ArticleState::initial().as_str(), actor, now)
}
