//! The search box's refusals in the reader's language, chosen by the
//! refusal itself rather than by matching its English text (the texts
//! are in `i18n.rs`'s catalogue, section "The search box's refusals").

use steward_domain::search::QueryError;

use crate::i18n::{Lang, Msg, t, tf};

/// The message shown beside the search field (`q`).
pub fn query_error(lang: Lang, e: &QueryError) -> String {
    match e {
        QueryError::TooLong { max } => tf(lang, Msg::SearchTooLong, &[("max", &max.to_string())]),
        QueryError::UnbalancedQuotes => t(lang, Msg::SearchUnbalancedQuotes).to_owned(),
        QueryError::NothingToSearch => t(lang, Msg::SearchNothingLeft).to_owned(),
        QueryError::StopWordsOnly => t(lang, Msg::SearchStopWordsOnly).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_reads_in_english_and_polish() {
        let all = [
            QueryError::TooLong { max: 500 },
            QueryError::UnbalancedQuotes,
            QueryError::NothingToSearch,
            QueryError::StopWordsOnly,
        ];
        let mut polish = Vec::new();
        for e in &all {
            // The catalogue's English is the domain's own text.
            assert_eq!(query_error(Lang::En, e), e.to_string());
            let pl = query_error(Lang::Pl, e);
            assert!(pl != e.to_string() && !polish.contains(&pl), "{e:?}: {pl}");
            polish.push(pl);
        }
        assert_eq!(query_error(Lang::Pl, &all[0]), "jest za długie: najwyżej 500 znaków");
    }
}
