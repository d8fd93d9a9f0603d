//! Problem management's texts in English and Polish (the list, the form,
//! the page and its panels, the candidates, the problem links on the
//! incident page and the desk), and its words chosen by stored keys:
//! states, cause categories, resolution codes, the analysis fields.

use crate::i18n::{Lang, Msg, t, tf};

use steward_domain::problem::{CauseCategory, ProblemResolution, ProblemState};

crate::i18n::catalogue! {
    /// A text of problem management's pages.
    enum PrbMsg;
    // Problem management in the UI (issue 11 items 6–8)
    NavProblems: "Problems", "Problemy";
    ProblemsTitle: "Problems", "Problemy";
    NewProblemTitle: "New problem", "Nowy problem";
    CreateProblem: "Create problem", "Utwórz problem";
    ProblemQueues: "Problem queues", "Kolejki problemów";
    PrbQueueOpen: "Open", "Otwarte";
    PrbQueueMine: "Mine", "Moje";
    PrbQueueKnownErrors: "Known errors", "Znane błędy";
    PrbQueueAll: "All", "Wszystkie";
    PrbOpenStates: "Open (new to fix in progress)", "Otwarte (od nowych po naprawę w toku)";
    PrbNoMatches: "No problems match these filters.", "Żaden problem nie pasuje do tych filtrów.";
    PrbExportHint: "Every problem these filters find, in this order", "Wszystkie problemy pasujące do tych filtrów, w tej kolejności";
    KnownError: "Known error", "Znany błąd";
    ProblemOwner: "Problem owner", "Właściciel problemu";
    PrbStateNew: "New", "Nowy";
    PrbStateAssessment: "Assessment", "Ocena";
    PrbStateRca: "Root cause analysis", "Analiza przyczyny";
    PrbStateFix: "Fix in progress", "Naprawa w toku";
    PrbStateResolved: "Resolved", "Rozwiązany";
    PrbStateClosed: "Closed", "Zamknięty";
    PrbStateCancelled: "Cancelled", "Anulowany";
    CauseHardware: "Hardware", "Sprzęt";
    CauseSoftware: "Software", "Oprogramowanie";
    CauseConfiguration: "Configuration", "Konfiguracja";
    CauseCapacity: "Capacity", "Wydajność";
    CauseNetwork: "Network", "Sieć";
    CauseSecurity: "Security", "Bezpieczeństwo";
    CauseProcess: "Process", "Proces";
    CauseHumanError: "Human error", "Błąd ludzki";
    CauseThirdParty: "Third party", "Dostawca zewnętrzny";
    CauseEnvironment: "Environment", "Środowisko";
    CauseUnknown: "Unknown", "Nieznana";
    PrbFixed: "Fixed", "Naprawiony";
    PrbWorkaroundOnly: "Workaround only", "Tylko obejście";
    PrbRiskAccepted: "Risk accepted", "Ryzyko zaakceptowane";
    PrbCannotFix: "Cannot be fixed", "Nie da się naprawić";
    PrbDuplicate: "Duplicate", "Duplikat";
    PrbNotAProblem: "Not a problem", "To nie jest problem";
    PrbActAssess: "Start assessment", "Rozpocznij ocenę";
    PrbActAnalyse: "Start root cause analysis", "Rozpocznij analizę przyczyny";
    PrbActFix: "Start the fix", "Rozpocznij naprawę";
    PrbActBack: "Back to {state}", "Wróć do etapu: {state}";
    PrbActReopen: "Reopen: the fix did not hold", "Otwórz ponownie: naprawa nie zadziałała";
    PrbActCancel: "Cancel problem", "Anuluj problem";
    PrbFinalState: "This problem is final; its state can no longer change.", "Ten problem jest zakończony; jego stanu nie można już zmienić.";
    PrbFixNeedsCause: "Starting the fix needs a cause category and the analysis (edit the problem).", "Rozpoczęcie naprawy wymaga kategorii przyczyny i analizy (edytuj problem).";
    CancelReason: "Reason for cancelling", "Powód anulowania";
    ResolveIncidentsToo: "Also resolve the {n} open linked incidents with this note", "Rozwiąż też otwarte powiązane incydenty ({n}) tą notatką";
    IncidentNotes: "Note for the incidents (empty: the resolution notes)", "Notatka dla incydentów (puste: opis rozwiązania)";
    RootCausePanel: "Root cause", "Przyczyna źródłowa";
    CauseCategory: "Cause category", "Kategoria przyczyny";
    RootCauseText: "Analysis", "Analiza";
    FiveWhys: "5 whys", "5 razy „dlaczego”";
    WhyQuestion: "Why? (step {n})", "Dlaczego? (krok {n})";
    WhyAnswer: "Because (step {n})", "Ponieważ (krok {n})";
    WhysHint: "Ask why until the cause is reached; leave unused steps empty.", "Pytaj „dlaczego”, aż dojdziesz do przyczyny; puste kroki zostaną pominięte.";
    NoCause: "No root cause recorded yet.", "Nie zapisano jeszcze przyczyny.";
    Workaround: "Workaround", "Obejście";
    TheFix: "Fix", "Trwałe rozwiązanie";
    KnownErrorPublished: "Published as a known error", "Opublikowany jako znany błąd";
    KnownErrorHint: "Published, the workaround shows on every linked incident for the desk to apply.", "Po publikacji obejście widać przy każdym powiązanym incydencie i zespół może je zastosować.";
    PublishKnownError: "Publish as known error", "Opublikuj jako znany błąd";
    WithdrawKnownError: "Withdraw known error", "Wycofaj znany błąd";
    LinkedIncidents: "Linked incidents", "Powiązane incydenty";
    NoLinkedIncidents: "No incidents are linked.", "Brak powiązanych incydentów.";
    LinkIncidents: "Link incidents", "Powiąż incydenty";
    LinkIncidentsHint: "Incident numbers, separated by spaces or commas", "Numery incydentów oddzielone spacjami lub przecinkami";
    UnlinkNamed: "Unlink {number}", "Odłącz {number}";
    Unlink: "Unlink", "Odłącz";
    AffectedTitle: "Affected services and CIs", "Usługi i elementy, których dotyczy";
    NoAffected: "No service or configuration item is named.", "Nie wskazano usługi ani elementu konfiguracji.";
    EvProblemCreated: "raised the problem", "zgłosił(a) problem";
    FlashProblemCreated: "Problem {number} created.", "Utworzono problem {number}.";
    FlashUnlinked: "Link removed.", "Usunięto powiązanie.";
    FlashPublished: "Published as a known error.", "Opublikowano jako znany błąd.";
    FlashWithdrawn: "Known error withdrawn.", "Wycofano znany błąd.";
    FlashWorkaroundApplied: "Workaround applied; a work note records it.", "Zastosowano obejście; zapisano to w notatce roboczej.";
    StaleProblem: "Someone else changed this problem while you were working on it, so nothing was saved.", "Ktoś inny zmienił ten problem w międzyczasie, więc niczego nie zapisano.";
    CandidatesTitle: "Problem candidates", "Kandydaci na problemy";
    CandidatesIntro: "Incidents that repeat: at least {min} in the last {days} days with the same service, CI or category, and no open problem for it.", "Powtarzające się incydenty: co najmniej {min} w ciągu ostatnich {days} dni z tą samą usługą, elementem lub kategorią, bez otwartego problemu.";
    NoCandidates: "No incidents repeat often enough to suggest a problem.", "Żadne incydenty nie powtarzają się na tyle często, by wskazywać na problem.";
    CandidateDays: "Period (days)", "Okres (dni)";
    CandidateMin: "At least (incidents)", "Co najmniej (incydentów)";
    CandidateBy: "Same", "Wspólne";
    CandidateTitle: "Repeated incidents: {what}", "Powtarzające się incydenty: {what}";
    NoProblemsLinked: "Not linked to a problem.", "Niepowiązany z żadnym problemem.";
    LinkToProblem: "Link to problem", "Powiąż z problemem";
    ProblemNumber: "Problem number", "Numer problemu";
    ProblemNumberHint: "e.g. {number}", "np. {number}";
    WorkaroundFrom: "Workaround from {number}", "Obejście z {number}";
    ApplyWorkaround: "Apply workaround", "Zastosuj obejście";
    ApplyNote: "What you did (optional, goes into the work note)", "Co zrobiono (opcjonalnie, trafi do notatki roboczej)";
    BulkLinkProblem: "Link to problem", "Powiąż z problemem";
    BulkLinkDone: "{n} incidents linked to {number}.", "Powiązano incydenty z {number}: {n}.";
    FieldIncidents: "Incidents", "Incydenty";
    FieldResolveIncidents: "Resolve the incidents", "Rozwiąż incydenty";
    WhysSteps: "{n} steps", "kroki: {n}";
    LinkedAt: "Linked", "Powiązano";
}

pub fn state(lang: Lang, s: ProblemState) -> &'static str {
    use ProblemState::*;
    t(
        lang,
        match s {
            New => PrbMsg::PrbStateNew,
            Assessment => PrbMsg::PrbStateAssessment,
            RootCauseAnalysis => PrbMsg::PrbStateRca,
            FixInProgress => PrbMsg::PrbStateFix,
            Resolved => PrbMsg::PrbStateResolved,
            Closed => PrbMsg::PrbStateClosed,
            Cancelled => PrbMsg::PrbStateCancelled,
        },
    )
}

pub fn cause_category(lang: Lang, c: CauseCategory) -> &'static str {
    use CauseCategory::*;
    t(
        lang,
        match c {
            Hardware => PrbMsg::CauseHardware,
            Software => PrbMsg::CauseSoftware,
            Configuration => PrbMsg::CauseConfiguration,
            Capacity => PrbMsg::CauseCapacity,
            Network => PrbMsg::CauseNetwork,
            Security => PrbMsg::CauseSecurity,
            Process => PrbMsg::CauseProcess,
            HumanError => PrbMsg::CauseHumanError,
            ThirdParty => PrbMsg::CauseThirdParty,
            Environment => PrbMsg::CauseEnvironment,
            Unknown => PrbMsg::CauseUnknown,
        },
    )
}

pub fn resolution(lang: Lang, r: ProblemResolution) -> &'static str {
    use ProblemResolution::*;
    t(
        lang,
        match r {
            Fixed => PrbMsg::PrbFixed,
            WorkaroundOnly => PrbMsg::PrbWorkaroundOnly,
            RiskAccepted => PrbMsg::PrbRiskAccepted,
            CannotFix => PrbMsg::PrbCannotFix,
            Duplicate => PrbMsg::PrbDuplicate,
            NotAProblem => PrbMsg::PrbNotAProblem,
        },
    )
}

/// The label of a field only problems have (None: not one of them).
pub fn field(lang: Lang, name: &str) -> Option<&'static str> {
    let m = match name {
        "cause_category" => PrbMsg::CauseCategory,
        "root_cause" | "cause" => PrbMsg::RootCauseText,
        "whys" => PrbMsg::FiveWhys,
        "workaround" => PrbMsg::Workaround,
        "known_error" => PrbMsg::KnownError,
        "cancel_reason" => PrbMsg::CancelReason,
        "incidents" => PrbMsg::FieldIncidents,
        "resolve_incidents" => PrbMsg::FieldResolveIncidents,
        "incident_notes" => PrbMsg::IncidentNotes,
        _ if name.starts_with("whys[") => PrbMsg::FiveWhys,
        _ => return None,
    };
    Some(t(lang, m))
}

/// A stored value of a problem field as people read it (None: the field
/// or the value is not a problem's).
pub fn value(lang: Lang, field: &str, v: &str) -> Option<String> {
    match field {
        "state" => v.parse::<ProblemState>().ok().map(|s| state(lang, s).to_owned()),
        "resolution_code" => v.parse::<ProblemResolution>().ok().map(|r| resolution(lang, r).to_owned()),
        "cause_category" => v.parse::<CauseCategory>().ok().map(|c| cause_category(lang, c).to_owned()),
        "known_error" => Some(t(lang, if v == "true" { Msg::Yes } else { Msg::No }).to_owned()),
        // The 5-whys are a JSON list: how many steps, not the list.
        "whys" => serde_json::from_str::<Vec<serde_json::Value>>(v)
            .ok()
            .map(|w| tf(lang, PrbMsg::WhysSteps, &[("n", &w.len().to_string())])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_category_and_code_has_words_in_both_languages() {
        for s in ProblemState::ALL {
            assert_ne!(state(Lang::Pl, *s), state(Lang::En, *s).to_lowercase(), "{s}");
        }
        assert_eq!(state(Lang::Pl, ProblemState::RootCauseAnalysis), "Analiza przyczyny");
        for c in CauseCategory::ALL {
            assert!(!cause_category(Lang::Pl, *c).is_empty());
        }
        assert_eq!(resolution(Lang::En, ProblemResolution::WorkaroundOnly), "Workaround only");
        assert_eq!(value(Lang::Pl, "state", "fix_in_progress").as_deref(), Some("Naprawa w toku"));
        assert_eq!(value(Lang::En, "state", "in_progress"), None, "an incident's state is not a problem's");
        assert_eq!(value(Lang::En, "whys", r#"[{"question":"a","answer":"b"}]"#).as_deref(), Some("1 steps"));
    }

    #[test]
    fn refusals_read_in_polish() {
        use crate::i18n_codes::message as tr;
        use steward_app::Code;
        use steward_domain::problem::KnownErrorError;
        let missing = KnownErrorError::Missing { field: "workaround" }.into();
        assert_eq!(tr(Lang::Pl, &missing), t(Lang::Pl, Msg::KnownErrorNeeds));
        assert_eq!(tr(Lang::En, &missing), "workaround is required to publish a known error");
        let numbers = Code::NoSuchIncidents.msg("no such incident: INC0000009").with("numbers", "INC0000009");
        assert_eq!(tr(Lang::Pl, &numbers), "nie ma takich incydentów: INC0000009");
        let not_published = KnownErrorError::NotPublished.into();
        assert_eq!(tr(Lang::Pl, &not_published), "nie jest opublikowanym znanym błędem");
    }
}
