//! Pieces the CMDB and catalog pages share: class names, the status badge,
//! links to a CI page that keep the moment and the map's depth.

use super::{as_of, cmdb_words, fmt};
use crate::{AppState, i18n::Lang};
use maud::{Markup, html};
use std::{borrow::Cow, collections::HashMap};
use steward_app::AppError;

/// Every class's name by key, and the labels classes give their
/// attributes, to label what admins defined.
pub struct Classes(HashMap<String, String>, HashMap<String, String>);

impl Classes {
    pub async fn load(s: &AppState) -> Result<Classes, AppError> {
        let (mut names, mut labels) = (HashMap::new(), HashMap::new());
        for (c, _) in s.app.ci_classes().await? {
            for a in c.attributes {
                if let Some(l) = a.label {
                    labels.entry(a.name).or_insert(l);
                }
            }
            names.insert(c.key, c.name);
        }
        Ok(Classes(names, labels))
    }

    /// An attribute's label, in `lang` when it is a built-in one.
    pub fn attribute<'a>(&'a self, lang: Lang, name: &'a str) -> Cow<'a, str> {
        cmdb_words::attribute(lang, name, self.1.get(name).map(String::as_str))
    }

    pub fn name<'a>(&'a self, lang: Lang, key: &'a str) -> Cow<'a, str> {
        cmdb_words::class(lang, key, self.0.get(key).map(String::as_str))
    }

    /// (key, name) of every class, by name.
    pub fn options(&self, lang: Lang) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            self.0.keys().map(|k| (k.clone(), self.name(lang, k).into_owned())).collect();
        sort_by_name(&mut out, |o| &o.1);
        out
    }
}

/// Sorts by a name as people read lists: "alpha" before "Beta".
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|i| (name(i).to_lowercase(), name(i).to_owned()));
}

pub fn status_badge(lang: Lang, status: &str) -> Markup {
    html! { span class={ "badge ci-status ci-" (status) } { (cmdb_words::status(lang, status)) } }
}

/// A CI page's address, read at `at` (None: now) with the map `hops` deep
/// (None: the default).
pub fn ci_href(id: i64, at: Option<i64>, hops: Option<u32>) -> String {
    let at = at.map(as_of::param).unwrap_or_default();
    let hops = hops.map(|h| h.to_string()).unwrap_or_default();
    format!("/cmdb/{id}{}", fmt::query(&[("as_of", &at), ("hops", &hops)]))
}

pub fn ci_link(id: i64, name: &str, at: Option<i64>) -> Markup {
    html! { a href=(ci_href(id, at, None)) data-ci=(id) { (name) } }
}

#[cfg(test)]
mod tests {
    use super::sort_by_name;

    #[test]
    fn names_sort_whatever_their_case() {
        let mut names = vec!["beta", "Alpha", "alpha", "Gamma", "ßeta"];
        sort_by_name(&mut names, |n| n);
        assert_eq!(names, ["Alpha", "alpha", "beta", "Gamma", "ßeta"]);
    }
}
