//! The search page's and the suggestions' texts in English and Polish,
//! and the search box's refusals in the reader's language, chosen by the
//! refusal itself rather than by matching its English text (their texts
//! are messages by code, in the shared catalogue).

use crate::i18n::{Lang, Msg, t, tf};
use steward_domain::search::QueryError;

crate::i18n::catalogue! {
    /// A text of the search page and the suggestions.
    enum SearchMsg;
    // The search box and its page
    SearchLabel: "Search by number, words, service or CI", "Szukaj po numerze, słowach, usłudze lub CI";
    SearchBoxPlaceholder: "Search  ( / )", "Szukaj  ( / )";
    SearchTitle: "Search", "Wyszukiwanie";
    SearchResultsFor: "Results for “{q}”", "Wyniki dla „{q}”";
    SearchHint: "Type a record number ({number}, {typed} or 1127), words from the title or description of an incident or problem (the last one may be unfinished; \"words in quotes\" must follow each other; accents do not matter: zolty finds żółty), or a service's or CI's name, hostname or serial number.", "Wpisz numer zgłoszenia ({number}, {typed} lub 1127), słowa z tytułu lub opisu incydentu albo problemu (ostatnie może być niedokończone; „słowa w cudzysłowie” muszą następować po sobie; znaki diakrytyczne nie mają znaczenia: zolty znajdzie żółty) albo nazwę, nazwę hosta lub numer seryjny usługi bądź CI.";
    SearchNothing: "Nothing matches “{q}”.", "Nic nie pasuje do „{q}”.";
    SearchByNumber: "Records with this number", "Zgłoszenia o tym numerze";
    SearchMoreIncidents: "All matching incidents", "Wszystkie pasujące incydenty";
    SearchMoreCis: "Search the CMDB", "Szukaj w CMDB";
    // The search page's filters and results (issue 11)
    SearchText: "Search for", "Szukaj";
    SearchKind: "Kind", "Rodzaj";
    SearchKindAny: "Everything", "Wszystko";
    SearchKindIncidents: "Incidents", "Incydenty";
    SearchKindProblems: "Problems", "Problemy";
    SearchKindKnownErrors: "Known errors", "Znane błędy";
    SearchKindArticles: "Knowledge articles", "Artykuły bazy wiedzy";
    SearchKindServices: "Services", "Usługi";
    SearchKindCis: "Configuration items", "Elementy konfiguracji";
    SearchState: "State", "Stan";
    SearchStateAny: "Any", "Dowolny";
    SearchStateOpen: "Open", "Otwarte";
    SearchFiltersLabel: "Search and its filters", "Wyszukiwanie i jego filtry";
    SearchKnownError: "known error", "znany błąd";
    // Suggestions while an incident is typed (issue 11 item 10)
    SuggestHeadingDesk: "Known errors and articles that match", "Pasujące znane błędy i artykuły";
    SuggestHeadingPortal: "These articles may answer your question", "Te artykuły mogą odpowiedzieć na Twoje pytanie";
    SuggestButton: "Find matching answers", "Znajdź pasujące odpowiedzi";
    SuggestNone: "No known error or article matches these words yet.", "Żaden znany błąd ani artykuł nie pasuje jeszcze do tych słów.";
    SuggestNewTab: "(opens in a new tab)", "(otwiera się w nowej karcie)";
    SuggestArticle: "article", "artykuł";
    SuggestWorkaround: "Its workaround can be applied once the incident is saved.", "Jego obejście można zastosować po zapisaniu incydentu.";
}

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
