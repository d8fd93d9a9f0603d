//! The "Related records" panel every record's page shows the desk: the
//! record's links grouped (parent, children, duplicate of, duplicates,
//! related; and the links made elsewhere, caused by and documents, read
//! only), a button to remove each, and a form to make one. Its posts
//! (`{page}/links`, `{page}/links/remove`) go back to the page, or show it
//! again with the form as typed and why not ([`LinkedPage`]).

use super::link_texts::{self, LinkMsg};
use super::{Ctx, UiResult, conversation::page_path, see_other, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    links::{LinkRequest, RecordLink},
};
use steward_domain::{links::LinkType, number::RecordKind};

/// The link form as typed.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct LinkDraft {
    pub link: String,
    pub record: String,
}

/// The form as typed after a refusal, with its messages.
pub type Typed = Option<(LinkDraft, widgets::Errors)>;

/// A page that shows the panel: how it is shown again after a refused post.
pub trait LinkedPage {
    const KIND: RecordKind;
    fn refused(
        s: &AppState,
        ctx: &Ctx,
        n: &str,
        typed: (LinkDraft, widgets::Errors),
        status: StatusCode,
    ) -> impl Future<Output = UiResult> + Send;
}

/// The panel of the record `seq` of `kind`, without the links the page
/// lists in a panel of their own (`elsewhere`).
pub fn panel(
    ctx: &Ctx,
    kind: RecordKind,
    seq: i64,
    links: &[RecordLink],
    elsewhere: &[LinkType],
    typed: &Typed,
) -> Markup {
    let links: Vec<&RecordLink> = links.iter().filter(|l| !elsewhere.contains(&l.link)).collect();
    let lang = ctx.lang;
    let page = page_path(kind, seq);
    let (draft, errors) = match typed {
        Some((d, e)) => (d.clone(), e.clone()),
        None => (
            LinkDraft { link: LinkType::Related.as_str().to_owned(), ..LinkDraft::default() },
            widgets::Errors::default(),
        ),
    };
    let options: Vec<(String, String)> =
        LinkType::MADE_HERE.iter().map(|l| (l.as_str().to_owned(), ctx.t(link_texts::choice(*l)).to_owned())).collect();
    let shown = ["link", "record"];
    html! {
        section.panel #links aria-labelledby="links-title" {
            h2 #links-title { (ctx.t(LinkMsg::RelatedRecords)) }
            @if links.is_empty() { p.muted { (ctx.t(LinkMsg::NoLinks)) } }
            @for group in LinkType::ALL {
                @let items: Vec<&&RecordLink> = links.iter().filter(|l| l.link == group).collect();
                @if !items.is_empty() {
                    h3 { (ctx.t(link_texts::group(group))) }
                    ul.files.links #{ "links-" (group.as_str()) } {
                        @for l in items {
                            @let number = l.record.to_string();
                            li {
                                a href=(page_path(l.record.kind, l.record.seq)) { (number) } " " (l.title) " "
                                span class={ "badge state state-" (l.state) } { (super::search::state_label(lang, &l.state)) }
                                @if LinkType::MADE_HERE.contains(&group) {
                                    form.inline method="post" action={ (page) "/links/remove" } {
                                        (widgets::csrf(&ctx.csrf))
                                        input type="hidden" name="link" value=(group.as_str());
                                        input type="hidden" name="record" value=(number);
                                        button.btn.btn-quiet.btn-small type="submit" title=(i18n::tf(lang, LinkMsg::LinkRemove, &[("number", &number)]))
                                            aria-label=(i18n::tf(lang, LinkMsg::LinkRemove, &[("number", &number)])) { "×" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @for e in errors.others(&shown) { p.field-error { (widgets::sentence(&i18n::app_message(lang, e))) } }
            form #link-form method="post" action={ (page) "/links" } {
                (widgets::csrf(&ctx.csrf))
                (widgets::Field::new(lang, "link-how", "link", ctx.t(LinkMsg::LinkHow), &errors).select(&options, &draft.link))
                (widgets::Field {
                    hint: Some(&ctx.t_example(LinkMsg::LinkRecordHint, kind)),
                    required: true,
                    ..widgets::Field::new(lang, "link-record", "record", ctx.t(LinkMsg::LinkRecord), &errors)
                }.input(&draft.record))
                button.btn #link-submit type="submit" { (ctx.t(LinkMsg::LinkSubmit)) }
            }
        }
    }
}

/// The record's links for its page: the desk's only.
pub async fn load(s: &AppState, ctx: &Ctx, kind: RecordKind, n: &str) -> Result<Vec<RecordLink>, AppError> {
    if ctx.actor.is_staff() { s.app.record_links(&ctx.actor, kind, n).await } else { Ok(Vec::new()) }
}

/// `POST {page}/links`: makes the link.
pub async fn link<P: LinkedPage>(s: State<AppState>, ctx: Ctx, n: Path<String>, f: Form<LinkDraft>) -> UiResult {
    change::<P>(s, ctx, n, f, true).await
}

/// `POST {page}/links/remove`: removes the link.
pub async fn unlink<P: LinkedPage>(s: State<AppState>, ctx: Ctx, n: Path<String>, f: Form<LinkDraft>) -> UiResult {
    change::<P>(s, ctx, n, f, false).await
}

async fn change<P: LinkedPage>(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(draft): Form<LinkDraft>,
    make: bool,
) -> UiResult {
    let req = LinkRequest { link: draft.link.clone(), record: draft.record.clone(), version: None };
    let (result, notice) = if make {
        (s.app.link_record(&ctx.actor, P::KIND, &n, &req).await, "link-made")
    } else {
        (s.app.unlink_record(&ctx.actor, P::KIND, &n, &req).await, "link-removed")
    };
    // After a removal the form shown again is the one to make a link: empty.
    let draft = if make { draft } else { LinkDraft::default() };
    after::<P>(&s, &ctx, &n, draft, result, notice).await
}

async fn after<P: LinkedPage>(
    s: &AppState,
    ctx: &Ctx,
    n: &str,
    draft: LinkDraft,
    result: Result<Vec<RecordLink>, AppError>,
    notice: &str,
) -> UiResult {
    match result {
        Ok(_) => {
            let seq = P::KIND.seq_of(n).unwrap_or_default();
            see_other(&format!("{}?m={notice}#links", page_path(P::KIND, seq)))
        }
        Err(AppError::Invalid(errs)) => {
            P::refused(s, ctx, n, (draft, super::desk::errors(errs)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Stale { .. }) => {
            let stale = steward_app::FieldError::new("", crate::i18n_codes::ui(steward_app::Code::Stale, &[]));
            P::refused(s, ctx, n, (draft, widgets::Errors(vec![stale])), StatusCode::CONFLICT).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The notices the panel's posts ask for, for a page's list of notices.
pub const NOTICES: [(&str, crate::i18n::Label); 2] =
    [("link-made", &LinkMsg::FlashLinkMade), ("link-removed", &LinkMsg::FlashLinkRemoved)];

/// Every kind's page made of `record_page`'s pieces shows the panel again
/// through its `respond`.
impl<P: super::record_page::RecordPage> LinkedPage for P {
    const KIND: RecordKind = P::KIND;
    async fn refused(
        s: &AppState,
        ctx: &Ctx,
        n: &str,
        typed: (LinkDraft, widgets::Errors),
        status: StatusCode,
    ) -> UiResult {
        let view = super::record_page::View { link: Some(typed), ..Default::default() };
        P::respond(s, ctx, n, view, status).await
    }
}
