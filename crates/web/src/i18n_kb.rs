//! The knowledge base's words in the reader's language: article and
//! version states, audiences and languages, chosen by their codes.

use crate::i18n::{Lang, Msg, t};

/// An article's or a version's state (`draft`, `in_review`, …).
pub fn state(lang: Lang, code: &str) -> &'static str {
    t(
        lang,
        match code {
            "draft" => Msg::KbStateDraft,
            "in_review" => Msg::KbStateInReview,
            "published" => Msg::KbStatePublished,
            "superseded" => Msg::KbStateSuperseded,
            "discarded" => Msg::KbStateDiscarded,
            _ => Msg::KbStateRetired,
        },
    )
}

pub fn audience(lang: Lang, code: &str) -> &'static str {
    t(lang, if code == "staff" { Msg::KbAudienceStaff } else { Msg::KbAudienceRequesters })
}

/// An article language's name (`en`, `pl`).
pub fn language(lang: Lang, code: &str) -> &'static str {
    t(lang, if code == "pl" { Msg::KbLangPl } else { Msg::KbLangEn })
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_domain::knowledge::VersionState;

    #[test]
    fn every_state_reads_in_english_and_polish() {
        for s in VersionState::ALL {
            assert_ne!(state(Lang::En, s.as_str()), state(Lang::Pl, s.as_str()), "{s}");
        }
        assert_eq!(state(Lang::Pl, "in_review"), "W recenzji");
        assert_eq!(audience(Lang::Pl, "staff"), "Tylko personel");
        assert_eq!(language(Lang::En, "pl"), "Polish");
    }
}
