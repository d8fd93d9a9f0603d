//! Knowledge articles' Markdown: rendered to HTML by pulldown-cmark, then
//! sanitised by ammonia against an allow-list, so whatever an author
//! writes (raw HTML included) cannot put script on a reader's page.
//!
//! What survives: headings, paragraphs, lists, tables, block quotes,
//! code, emphasis, strike-through, `kbd`/`sub`/`sup`, links and images.
//! Links keep only `http`, `https`, `mailto` and site paths, and get
//! `rel="noopener noreferrer"`. Images keep only a site path (`/…`): the
//! pages' Content-Security-Policy (`img-src 'self' data:`) would block any
//! other image anyway, an outside image would tell a third party who read
//! the article, and `data:` is refused like every other scheme. Table
//! alignment is dropped: pulldown-cmark writes it as an inline `style`,
//! which the same policy forbids. Everything else, `class` and `id`
//! included, goes; `script`, `style` and their kind go with their content.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

const TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements dropped together with their content (not only their tags).
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "noembed", "noframes", "template", "textarea", "title",
    "xmp", "svg", "math", "select", "option",
];

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "title"])),
            ("img", HashSet::from(["src", "alt", "title"])),
            ("ol", HashSet::from(["start"])),
        ]))
        .allowed_classes(HashMap::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "src") if !is_site_path(value) => None,
            _ => Some(Cow::Borrowed(value)),
        });
    b
});

/// A path on this site: `/…`, but not `//host` or `/\host` (which
/// browsers read as another host), and nothing a browser would trim.
fn is_site_path(url: &str) -> bool {
    let mut bytes = url.bytes();
    bytes.next() == Some(b'/')
        && !matches!(bytes.next(), Some(b'/' | b'\\'))
        && !url.bytes().any(|b| b == b'\\' || b.is_ascii_whitespace() || b.is_ascii_control())
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// An article's Markdown as HTML that is safe to put on a page.
pub fn to_html(markdown: &str) -> String {
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, Parser::new_ext(markdown, options()));
    sanitise(&raw)
}

/// Any HTML cleaned to the article allow-list.
pub fn sanitise(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

/// The words of an article for the search index: text, code and image
/// descriptions, one block a line; no markup, no link targets, and no raw
/// HTML (its tags and any text inside an HTML block).
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak | Event::Rule => end_line(&mut out),
            Event::Start(Tag::TableCell) if !out.is_empty() && !out.ends_with(['\n', ' ']) => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableHead
                | TagEnd::TableRow,
            ) => end_line(&mut out),
            _ => {}
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

fn end_line(out: &mut String) {
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
