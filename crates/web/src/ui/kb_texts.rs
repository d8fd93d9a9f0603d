//! The knowledge base's texts in English and Polish (the list, the
//! article page, the editor), and its words chosen by their codes:
//! article and version states, audiences and languages.

use crate::i18n::{Lang, t};

crate::i18n::catalogue! {
    /// A text of the knowledge base's pages.
    enum KbMsg;
    // Knowledge base (issue 11 items 9 and 10): list, article page, editor
    NavKnowledge: "Knowledge", "Baza wiedzy";
    KbTitle: "Knowledge base", "Baza wiedzy";
    KbIntroStaff: "Articles in every state: write them, review them, publish them.", "Artykuły we wszystkich stanach: pisz je, recenzuj i publikuj.";
    KbIntroRequester: "Answers to common questions, in plain words.", "Odpowiedzi na częste pytania, prostymi słowami.";
    KbFromReport: "Before you report: perhaps one of these answers your question.", "Zanim zgłosisz: może któryś z tych artykułów odpowiada na Twoje pytanie.";
    KbNew: "New article", "Nowy artykuł";
    KbEditTitle: "Edit the draft", "Edytuj szkic";
    KbNone: "No articles match.", "Brak pasujących artykułów.";
    KbAudience: "Audience", "Odbiorcy";
    KbAudienceRequesters: "Requesters", "Zgłaszający";
    KbAudienceStaff: "Staff only", "Tylko personel";
    KbAnyAudience: "Any audience", "Wszyscy odbiorcy";
    KbAnyState: "Any state", "Dowolny stan";
    KbStateDraft: "Draft", "Szkic";
    KbStateInReview: "In review", "W recenzji";
    KbStatePublished: "Published", "Opublikowany";
    KbStateRetired: "Retired", "Wycofany";
    KbStateSuperseded: "Superseded", "Zastąpiony";
    KbStateDiscarded: "Discarded", "Odrzucony";
    KbViews: "Views", "Wyświetlenia";
    KbReviewDue: "Due for review", "Do przeglądu";
    KbDeflections: "Suggested articles opened from the report form in the last 30 days: {opened}. No report followed: {deflected}; a report followed: {reported}; opened in the last 30 minutes: {pending}.", "Sugerowane artykuły otwarte z formularza zgłoszenia w ostatnich 30 dniach: {opened}. Bez zgłoszenia: {deflected}; ze zgłoszeniem: {reported}; otwarte w ostatnich 30 minutach: {pending}.";
    KbHelpful: "Did this help?", "Czy to pomogło?";
    KbComment: "Comment (optional)", "Komentarz (opcjonalnie)";
    KbThanks: "Thank you for your answer.", "Dziękujemy za odpowiedź.";
    KbYourAnswer: "Your answer: {answer}. You can change it.", "Twoja odpowiedź: {answer}. Możesz ją zmienić.";
    KbTally: "Helped: {yes}. Did not help: {no}.", "Pomogło: {yes}. Nie pomogło: {no}.";
    KbOtherLanguage: "This article is not written in your language yet; it is shown in {lang}.", "Ten artykuł nie ma jeszcze wersji w Twoim języku; pokazano go w języku: {lang}.";
    KbLangEn: "English", "angielski";
    KbLangPl: "Polish", "polski";
    KbVersions: "Versions", "Wersje";
    KbVersionN: "Version {n}", "Wersja {n}";
    KbReading: "You are reading version {n}: {state}.", "Czytasz wersję {n}: {state}.";
    KbReadPublished: "Read the published version", "Czytaj opublikowaną wersję";
    KbChangeNote: "Change note", "Opis zmiany";
    KbChangeNoteHint: "What this version changes, in one line.", "Co zmienia ta wersja, w jednym wierszu.";
    KbAuthor: "Author", "Autor";
    KbReviewer: "Reviewer", "Recenzent";
    KbReviewBy: "Review by", "Przegląd do";
    KbSubmit: "Submit for review", "Wyślij do recenzji";
    KbPublish: "Publish", "Opublikuj";
    KbSendBack: "Send back to draft", "Odeślij do poprawy";
    KbRetire: "Retire", "Wycofaj";
    KbDiscard: "Discard", "Odrzuć";
    KbStartVersion: "Start a new version", "Zacznij nową wersję";
    KbEditDraft: "Edit the draft", "Edytuj szkic";
    KbProblems: "Problems and known errors", "Problemy i znane błędy";
    KbProblemsHint: "Problem numbers, separated by commas ({number}).", "Numery problemów oddzielone przecinkami ({number}).";
    KbServicesHint: "Service names, separated by commas.", "Nazwy usług oddzielone przecinkami.";
    KbBody: "Text (Markdown)", "Treść (Markdown)";
    KbBodyHint: "Markdown: # headings, **bold**, lists, [links](https://…). Leave a language empty to write it later.", "Markdown: # nagłówki, **pogrubienie**, listy, [linki](https://…). Język pozostawiony pusty można dopisać później.";
    KbSaved: "Article saved.", "Zapisano artykuł.";
    KbMoved: "Version {n} is now: {state}.", "Wersja {n} ma teraz stan: {state}.";
    KbFeedbackList: "Readers' answers", "Odpowiedzi czytelników";
    KbActions: "Actions", "Działania";
}

/// An article's or a version's state (`draft`, `in_review`, …).
pub fn state(lang: Lang, code: &str) -> &'static str {
    t(
        lang,
        match code {
            "draft" => KbMsg::KbStateDraft,
            "in_review" => KbMsg::KbStateInReview,
            "published" => KbMsg::KbStatePublished,
            "superseded" => KbMsg::KbStateSuperseded,
            "discarded" => KbMsg::KbStateDiscarded,
            _ => KbMsg::KbStateRetired,
        },
    )
}

pub fn audience(lang: Lang, code: &str) -> &'static str {
    t(lang, if code == "staff" { KbMsg::KbAudienceStaff } else { KbMsg::KbAudienceRequesters })
}

/// An article language's name (`en`, `pl`).
pub fn language(lang: Lang, code: &str) -> &'static str {
    t(lang, if code == "pl" { KbMsg::KbLangPl } else { KbMsg::KbLangEn })
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
