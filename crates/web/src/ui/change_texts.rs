//! Change enablement's texts in English and Polish (the list, the form,
//! the page, its approval and conflicts panels), and its words chosen by
//! stored keys: states, types, risk levels, close codes, its own fields.

use super::fmt;
use crate::i18n::{Lang, Msg, t, tf};
use steward_domain::change::{ChangeState, ChangeType, CloseCode, RiskLevel};

crate::i18n::catalogue! {
    /// A text of change enablement's pages.
    enum ChgMsg;
    // Change enablement in the UI (issue 12)
    NavChanges: "Changes", "Zmiany";
    ChangesTitle: "Changes", "Zmiany";
    NewChangeTitle: "New change", "Nowa zmiana";
    CreateChange: "Create change", "Utwórz zmianę";
    ChangeQueues: "Change queues", "Kolejki zmian";
    QueueOpen: "Open", "Otwarte";
    QueueMine: "Mine", "Moje";
    QueueAwaiting: "Awaiting approval", "Czekają na zatwierdzenie";
    QueueScheduled: "Scheduled", "Zaplanowane";
    QueueAll: "All", "Wszystkie";
    OpenStates: "Open (draft to implementing)", "Otwarte (od szkicu po wdrażanie)";
    NoMatches: "No changes match these filters.", "Żadna zmiana nie pasuje do tych filtrów.";
    ExportHint: "Every change these filters find, in this order", "Wszystkie zmiany pasujące do tych filtrów, w tej kolejności";
    ChangeOwner: "Change owner", "Właściciel zmiany";
    ChangeType: "Type", "Typ";
    TypeStandard: "Standard", "Standardowa";
    TypeNormal: "Normal", "Zwykła";
    TypeEmergency: "Emergency", "Pilna";
    TypeHint: "Standard: pre-approved, no assessment. Emergency: an emergency approver authorizes it, a review follows.", "Standardowa: zatwierdzona z góry, bez oceny. Pilna: zatwierdza ją osoba do spraw pilnych, potem następuje przegląd.";
    StateDraft: "Draft", "Szkic";
    StateAssessment: "Assessment", "Ocena";
    StateAuthorization: "Authorization", "Zatwierdzanie";
    StateScheduled: "Scheduled", "Zaplanowana";
    StateImplementing: "Implementing", "Wdrażanie";
    StateReview: "Review", "Przegląd";
    StateClosed: "Closed", "Zamknięta";
    StateCancelled: "Cancelled", "Anulowana";
    CloseSuccessful: "Successful", "Udana";
    CloseWithIssues: "Successful with issues", "Udana z problemami";
    CloseFailed: "Failed", "Nieudana";
    CloseBackedOut: "Backed out", "Wycofana";
    RiskLow: "Low", "Niskie";
    RiskModerate: "Moderate", "Umiarkowane";
    RiskHigh: "High", "Wysokie";
    RiskVeryHigh: "Very high", "Bardzo wysokie";
    Risk: "Risk", "Ryzyko";
    RiskTitle: "Risk assessment", "Ocena ryzyka";
    RiskScore: "Score", "Wynik";
    RiskLevelLabel: "Risk level", "Poziom ryzyka";
    RiskAnswers: "Risk answers", "Odpowiedzi o ryzyko";
    RiskAnswersCount: "{n} answers", "odpowiedzi: {n}";
    RiskOf: "{level}, score {score}", "{level}, wynik {score}";
    RiskSays: "Risk level: {level}, score {score} · {cab}", "Poziom ryzyka: {level}, wynik {score} · {cab}";
    RiskNotAssessed: "Not assessed yet: answer the risk questions.", "Jeszcze nie oceniono: odpowiedz na pytania o ryzyko.";
    RiskIncomplete: "Answer every question to get the score.", "Odpowiedz na każde pytanie, aby poznać wynik.";
    RiskHint: "Every answer adds to the score; the score gives the level. From {level} up the change goes to the CAB.", "Każda odpowiedź dodaje punkty; wynik wyznacza poziom. Od poziomu „{level}” zmiana trafia do komitetu CAB.";
    NeedsCab: "Needs the CAB", "Wymaga komitetu CAB";
    NoCab: "No CAB needed", "Bez komitetu CAB";
    NoAnswer: "Choose an answer", "Wybierz odpowiedź";
    PlannedStart: "Planned start", "Planowany początek";
    PlannedEnd: "Planned end", "Planowany koniec";
    PlannedWindow: "Planned window", "Planowane okno";
    ActualStart: "Actual start", "Faktyczny początek";
    ActualEnd: "Actual end", "Faktyczny koniec";
    ActualWindow: "Actual window", "Faktyczne okno";
    WindowTitle: "When", "Kiedy";
    NotPlanned: "No window planned yet.", "Nie zaplanowano jeszcze okna.";
    NotStarted: "Not started.", "Nie rozpoczęto.";
    TimesIn: "Times in {zone}", "Czas w strefie {zone}";
    PlansTitle: "Plans", "Plany";
    ImplementationPlan: "Implementation plan", "Plan wdrożenia";
    BackoutPlan: "Back-out plan", "Plan wycofania";
    TestPlan: "Test plan", "Plan testów";
    NoPlan: "Not written yet.", "Jeszcze nie opisano.";
    CloseCode: "Close code", "Kod zamknięcia";
    ReviewNotes: "Review notes", "Wnioski z przeglądu";
    ReviewNotesHint: "Required when the change failed or was backed out, and for every emergency change.", "Wymagane, gdy zmiana się nie udała lub ją wycofano, oraz dla każdej zmiany pilnej.";
    ReviewTitle: "Review", "Przegląd";
    CancelReason: "Reason for cancelling", "Powód anulowania";
    ApprovalTitle: "Approval", "Zatwierdzenie";
    Approved: "Approved", "Zatwierdzona";
    NotApproved: "Not approved yet.", "Jeszcze nie zatwierdzona.";
    ApprovalComment: "Comment", "Komentarz";
    ApproveButton: "Approve", "Zatwierdź";
    ApproveWaits: "Waiting for a manager to approve it.", "Czeka na zatwierdzenie przez kierownika.";
    ApproveOwn: "You raised this change: another manager must approve it.", "To Twoja zmiana: musi ją zatwierdzić inny kierownik.";
    ApproveFirst: "It can be scheduled once it is approved.", "Można ją zaplanować dopiero po zatwierdzeniu.";
    RejectButton: "Reject", "Odrzuć";
    ApprovalPolicy: "Policy", "Polityka";
    ApprovalRound: "Round {n}", "Runda {n}";
    StageWaiting: "waiting for the stage before", "czeka na wcześniejszy etap";
    StageOpen: "open", "otwarty";
    StageApproved: "approved", "zatwierdzony";
    StageRejected: "rejected", "odrzucony";
    StageQuorum: "{quorum} of {count} must approve", "{quorum} z {count} musi zatwierdzić";
    DecisionApproved: "approved", "zatwierdził(a)";
    DecisionRejected: "rejected", "odrzucił(a)";
    DecisionWaiting: "not yet", "jeszcze nie";
    ApprovalNotAsked: "Waiting for the approvers the policy asks now.", "Czeka na zatwierdzających, o których polityka prosi teraz.";
    RejectNeedsComment: "To reject, say why in the comment.", "Aby odrzucić, napisz w komentarzu dlaczego.";
    ActAssess: "Submit for assessment", "Przekaż do oceny";
    ActAuthorize: "Request authorization", "Poproś o zatwierdzenie";
    ActSchedule: "Schedule", "Zaplanuj";
    ActImplement: "Start implementation", "Rozpocznij wdrażanie";
    ActReview: "Implemented: to review", "Wdrożona: do przeglądu";
    ActClose: "Close change", "Zamknij zmianę";
    ActCancel: "Cancel change", "Anuluj zmianę";
    ActBack: "Back to {state}", "Wróć do etapu: {state}";
    FinalState: "This change is final; its state can no longer change.", "Ta zmiana jest zakończona; jej stanu nie można już zmienić.";
    ConflictsTitle: "Conflicts", "Konflikty";
    ConflictsNeedWindow: "Plan a window to check it against other changes and freezes.", "Zaplanuj okno, aby sprawdzić je względem innych zmian i okresów zamrożenia.";
    NoConflicts: "Nothing else is planned on these CIs, what they depend on or what depends on them in this window.", "W tym oknie nic innego nie dotyczy tych elementów, tego, od czego zależą, ani tego, co od nich zależy.";
    ConflictSameCi: "changes {ci} too", "też zmienia {ci}";
    ConflictDependsOn: "{ours} depends on {theirs}, which it changes", "{ours} zależy od {theirs}, który ta zmiana zmienia";
    ConflictDependedOn: "{theirs}, which it changes, depends on {ours}", "{theirs}, który ta zmiana zmienia, zależy od {ours}";
    ConflictFreeze: "the freeze covers {service}", "zamrożenie obejmuje {service}";
    ConflictFreezeAll: "the freeze covers every service", "zamrożenie obejmuje wszystkie usługi";
    ConflictAssignee: "the same owner ({name}) is booked at the same time", "ten sam właściciel ({name}) jest wtedy zajęty";
    ConflictFreezeNamed: "Freeze: {name}", "Zamrożenie: {name}";
    ConflictWindow: "its window: {start} – {end}", "jej okno: {start} – {end}";
    ConflictPath: "Path", "Ścieżka";
    NextSlot: "Next free slot", "Najbliższy wolny termin";
    NoSlot: "No free slot in the next 30 days.", "Brak wolnego terminu w ciągu 30 dni.";
    ConflictsUnavailable: "The conflicts could not be checked: {reason}", "Nie udało się sprawdzić konfliktów: {reason}";
    NoCis: "No configuration item is named.", "Nie wskazano elementu konfiguracji.";
    EvChangeCreated: "raised the change", "zgłosił(a) zmianę";
    FlashChangeCreated: "Change {number} created.", "Utworzono zmianę {number}.";
    FlashApproved: "Change approved.", "Zmiana zatwierdzona.";
    FlashDecided: "Your decision is recorded.", "Twoja decyzja została zapisana.";
    FlashRejected: "Change rejected and sent back.", "Zmiana odrzucona i zwrócona.";
    FieldApprovalPolicy: "Approval policy", "Polityka zatwierdzania";
    FieldApprovers: "Approvers", "Zatwierdzający";
    FieldApproval: "Approval", "Zatwierdzenie";
    FieldConflicts: "Conflicts accepted", "Zaakceptowane konflikty";
    StaleChange: "Someone else changed this change while you were working on it, so nothing was saved.", "Ktoś inny zmienił tę zmianę w międzyczasie, więc niczego nie zapisano.";
    FieldApprovalComment: "Approval comment", "Komentarz do zatwierdzenia";
    FieldApprovedAt: "Approved at", "Zatwierdzono";
    // The standard change catalogue
    Template: "Template", "Szablon";
    NoTemplate: "No template", "Bez szablonu";
    TemplateHint: "Standard changes only: pre-approved work from the catalogue. What you leave empty is taken from the template.", "Tylko zmiany standardowe: zatwierdzona z góry praca z katalogu. Czego nie wypełnisz, zostanie wzięte z szablonu.";
    TemplateRetiredNote: "retired", "wycofany";
    StandardChanges: "Standard changes", "Zmiany standardowe";
    CatalogueIntro: "Low-risk work done often, approved once as a template: raise a change from one and schedule it with no CAB.", "Praca o niskim ryzyku, wykonywana często, zatwierdzona raz jako szablon: utwórz z niego zmianę i zaplanuj ją bez komitetu CAB.";
    CatalogueEmpty: "The catalogue has no templates yet.", "Katalog nie ma jeszcze szablonów.";
    Raise: "Raise", "Utwórz zmianę";
    RaiseNamed: "Raise a change from {name}", "Utwórz zmianę z szablonu {name}";
    ManageTemplates: "Manage templates", "Zarządzaj szablonami";
    TemplatesTitle: "Change templates", "Szablony zmian";
    TemplatesIntro: "A template is pre-approved by the manager or admin who makes or edits it; no CAB reviews it. Retired templates stay for the changes made from them, but no new change is raised or scheduled from them.", "Szablon zatwierdza z góry kierownik lub administrator, który go tworzy albo zmienia; komitet CAB go nie ocenia. Wycofane szablony zostają dla zmian z nich utworzonych, ale nie tworzy się ani nie planuje z nich nowych zmian.";
    NewTemplate: "New template", "Nowy szablon";
    EditTemplate: "Edit template", "Edytuj szablon";
    SaveTemplate: "Save template", "Zapisz szablon";
    TemplateName: "Name", "Nazwa";
    Duration: "Default duration (minutes)", "Domyślny czas trwania (minuty)";
    DurationHint: "15 minutes to 30 days (43,200 minutes): a change's planned end defaults to its start plus this.", "Od 15 minut do 30 dni (43 200 minut): planowany koniec zmiany to domyślnie jej początek plus ten czas.";
    DurationOf: "{n} min", "{n} min";
    TemplateActive: "In the catalogue", "W katalogu";
    TemplateRetired: "Retired", "Wycofany";
    Retire: "Retire", "Wycofaj";
    Reactivate: "Reactivate", "Przywróć";
    DeleteTemplate: "Delete", "Usuń";
    ConfirmDeleteTemplate: "Delete this template? One that changes were raised from is retired instead.", "Usunąć ten szablon? Szablon, z którego utworzono zmiany, zostanie zamiast tego wycofany.";
    FlashTemplateSaved: "Template saved.", "Zapisano szablon.";
    FlashTemplateDeleted: "Template deleted.", "Usunięto szablon.";
    FlashTemplateRetired: "Template retired: changes were raised from it.", "Szablon wycofany: utworzono z niego zmiany.";
}

crate::i18n::plurals! {
    /// What change pages count.
    enum ChgPlural;
    Changes: ["{n} change", "{n} changes"], ["{n} zmiana", "{n} zmiany", "{n} zmian"];
    Hops: ["{n} relation away", "{n} relations away"], ["{n} relacja dalej", "{n} relacje dalej", "{n} relacji dalej"];
}

pub fn state(lang: Lang, s: ChangeState) -> &'static str {
    use ChangeState::*;
    t(
        lang,
        match s {
            Draft => ChgMsg::StateDraft,
            Assessment => ChgMsg::StateAssessment,
            Authorization => ChgMsg::StateAuthorization,
            Scheduled => ChgMsg::StateScheduled,
            Implementing => ChgMsg::StateImplementing,
            Review => ChgMsg::StateReview,
            Closed => ChgMsg::StateClosed,
            Cancelled => ChgMsg::StateCancelled,
        },
    )
}

pub fn change_type(lang: Lang, ty: ChangeType) -> &'static str {
    t(
        lang,
        match ty {
            ChangeType::Standard => ChgMsg::TypeStandard,
            ChangeType::Normal => ChgMsg::TypeNormal,
            ChangeType::Emergency => ChgMsg::TypeEmergency,
        },
    )
}

pub fn risk_level(lang: Lang, l: RiskLevel) -> &'static str {
    t(
        lang,
        match l {
            RiskLevel::Low => ChgMsg::RiskLow,
            RiskLevel::Moderate => ChgMsg::RiskModerate,
            RiskLevel::High => ChgMsg::RiskHigh,
            RiskLevel::VeryHigh => ChgMsg::RiskVeryHigh,
        },
    )
}

pub fn close_code(lang: Lang, c: CloseCode) -> &'static str {
    t(
        lang,
        match c {
            CloseCode::Successful => ChgMsg::CloseSuccessful,
            CloseCode::SuccessfulWithIssues => ChgMsg::CloseWithIssues,
            CloseCode::Failed => ChgMsg::CloseFailed,
            CloseCode::BackedOut => ChgMsg::CloseBackedOut,
        },
    )
}

/// The label of a field only changes have (None: not one of them).
pub fn field(lang: Lang, name: &str) -> Option<&'static str> {
    let m = match name {
        "change_type" => ChgMsg::ChangeType,
        "template" => ChgMsg::Template,
        "risk_answers" => ChgMsg::RiskAnswers,
        "risk_score" => ChgMsg::RiskScore,
        "risk_level" => ChgMsg::RiskLevelLabel,
        "planned_start" => ChgMsg::PlannedStart,
        "planned_end" => ChgMsg::PlannedEnd,
        "actual_start" => ChgMsg::ActualStart,
        "actual_end" => ChgMsg::ActualEnd,
        "implementation_plan" => ChgMsg::ImplementationPlan,
        "backout_plan" => ChgMsg::BackoutPlan,
        "test_plan" => ChgMsg::TestPlan,
        "approved" => ChgMsg::Approved,
        "approved_at" => ChgMsg::FieldApprovedAt,
        "approval_comment" => ChgMsg::FieldApprovalComment,
        "approval_policy" => ChgMsg::FieldApprovalPolicy,
        "approvers" => ChgMsg::FieldApprovers,
        "approval" => ChgMsg::FieldApproval,
        "conflicts" => ChgMsg::FieldConflicts,
        "review_notes" => ChgMsg::ReviewNotes,
        "close_code" => ChgMsg::CloseCode,
        _ if name.starts_with("answers.") => ChgMsg::RiskAnswers,
        _ => return None,
    };
    Some(t(lang, m))
}

/// A stored value of a change field as people read it (None: the field or
/// the value is not a change's). Times are shown in the viewer's zone.
pub fn value(lang: Lang, field: &str, v: &str) -> Option<String> {
    match field {
        "state" => v.parse::<ChangeState>().ok().map(|s| state(lang, s).to_owned()),
        "resolution_code" | "close_code" => v.parse::<CloseCode>().ok().map(|c| close_code(lang, c).to_owned()),
        "change_type" => v.parse::<ChangeType>().ok().map(|c| change_type(lang, c).to_owned()),
        "risk_level" => v.parse::<RiskLevel>().ok().map(|l| risk_level(lang, l).to_owned()),
        "approved" => Some(t(lang, if v == "true" { Msg::Yes } else { Msg::No }).to_owned()),
        "planned_start" | "planned_end" | "actual_start" | "actual_end" | "approved_at" => {
            v.parse::<jiff::Timestamp>().ok().map(|at| fmt::absolute(lang, at.as_microsecond()))
        }
        // The answers are a JSON list of pairs: how many, not the list.
        "risk_answers" => serde_json::from_str::<Vec<serde_json::Value>>(v)
            .ok()
            .map(|a| tf(lang, ChgMsg::RiskAnswersCount, &[("n", &a.len().to_string())])),
        // The approval's lines are kept in English: said in Polish here.
        "approval" | "approvers" if lang == Lang::Pl => Some(approval_pl(v)),
        "conflicts" if lang == Lang::Pl => Some(v.lines().map(conflict_pl).collect::<Vec<_>>().join("\n")),
        _ => None,
    }
}

/// "approved in CAB (1 of 2)", "rejected in CAB", "Owner: Ann; then CAB:
/// 2 of Bo, Cy" in Polish.
fn approval_pl(v: &str) -> String {
    let said = if let Some(rest) = v.strip_prefix("approved in ") {
        format!("zatwierdzono w etapie {rest}")
    } else if let Some(rest) = v.strip_prefix("rejected in ") {
        format!("odrzucono w etapie {rest}")
    } else {
        v.to_owned()
    };
    said.replace("; then ", "; następnie ").replace("; and ", "; równolegle ").replace(" of ", " z ")
}

/// One accepted conflict as the journal keeps it ("CHG0000007: app-01
/// depends on db-01 (2 hops)", "freeze Black Friday: Web Shop is frozen")
/// in Polish.
fn conflict_pl(line: &str) -> String {
    let (with, why) = line.split_once(": ").unwrap_or(("", line));
    let with = with.strip_prefix("freeze ").map_or_else(|| with.to_owned(), |f| format!("zamrożenie {f}"));
    let (why, hops) = match why.rsplit_once(" (") {
        Some((w, h)) if h.ends_with(" hop)") || h.ends_with(" hops)") => {
            let n: u64 = h.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(1);
            (w, Some(crate::i18n::tn(Lang::Pl, ChgPlural::Hops, n)))
        }
        _ => (why, None),
    };
    let why = if let Some(ci) = why.strip_prefix("both change ") {
        format!("obie zmieniają {ci}")
    } else if why == "the same owner at the same time" {
        "ten sam właściciel w tym samym czasie".to_owned()
    } else if why == "every service is frozen" {
        "zamrożone są wszystkie usługi".to_owned()
    } else if let Some(s) = why.strip_suffix(" is frozen") {
        format!("usługa {s} jest zamrożona")
    } else {
        why.replace(" depends on ", " zależy od ")
    };
    let said = if with.is_empty() { why } else { format!("{with}: {why}") };
    match hops {
        Some(h) => format!("{said} ({h})"),
        None => said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conflict_lines_read_in_polish() {
        let lines = "CHG0000007: app-01 depends on db-01 (2 hops)\nCHG0000008: both change db-01 (1 hop)\n\
                     CHG0000009: the same owner at the same time\nfreeze Black Friday: Web Shop is frozen\n\
                     freeze Year end: every service is frozen";
        assert_eq!(
            value(Lang::Pl, "conflicts", lines).unwrap(),
            "CHG0000007: app-01 zależy od db-01 (2 relacje dalej)\nCHG0000008: obie zmieniają db-01 (1 relacja dalej)\n\
             CHG0000009: ten sam właściciel w tym samym czasie\nzamrożenie Black Friday: usługa Web Shop jest zamrożona\n\
             zamrożenie Year end: zamrożone są wszystkie usługi"
        );
        assert_eq!(value(Lang::En, "conflicts", lines), None, "kept as written in English");
    }

    #[test]
    fn the_approval_lines_read_in_polish() {
        assert_eq!(
            value(Lang::Pl, "approval", "approved in CAB (1 of 2)").unwrap(),
            "zatwierdzono w etapie CAB (1 z 2)"
        );
        assert_eq!(value(Lang::Pl, "approval", "rejected in CAB").unwrap(), "odrzucono w etapie CAB");
        let approvers = "Owner: Ann Lee; then CAB: 2 of Bo Chen, Cy Diaz";
        assert_eq!(
            value(Lang::Pl, "approvers", approvers).unwrap(),
            "Owner: Ann Lee; następnie CAB: 2 z Bo Chen, Cy Diaz"
        );
        assert_eq!(value(Lang::En, "approval", "rejected in CAB"), None);
    }

    #[test]
    fn every_state_type_level_and_code_has_words_in_both_languages() {
        for s in ChangeState::ALL {
            assert!(!state(Lang::Pl, *s).is_empty() && state(Lang::Pl, *s) != state(Lang::En, *s), "{s}");
        }
        for ty in ChangeType::ALL {
            assert_ne!(change_type(Lang::Pl, *ty), change_type(Lang::En, *ty));
        }
        assert_eq!(risk_level(Lang::Pl, RiskLevel::VeryHigh), "Bardzo wysokie");
        assert_eq!(close_code(Lang::En, CloseCode::BackedOut), "Backed out");
    }

    #[test]
    fn journal_values_read_as_words() {
        assert_eq!(value(Lang::Pl, "state", "authorization").as_deref(), Some("Zatwierdzanie"));
        assert_eq!(
            value(Lang::En, "resolution_code", "successful_with_issues").as_deref(),
            Some("Successful with issues")
        );
        assert_eq!(value(Lang::En, "change_type", "emergency").as_deref(), Some("Emergency"));
        assert_eq!(value(Lang::En, "planned_start", "2025-11-24T16:00:00Z").as_deref(), Some("24 Nov 2025, 16:00 UTC"));
        assert_eq!(value(Lang::Pl, "risk_answers", r#"[["a","b"],["c","d"]]"#).as_deref(), Some("odpowiedzi: 2"));
        assert_eq!(value(Lang::En, "state", "on_hold"), None, "an incident's state is not a change's");
        assert_eq!(field(Lang::En, "answers.outage"), Some("Risk answers"));
        assert_eq!(field(Lang::Pl, "backout_plan"), Some("Plan wycofania"));
    }
}
