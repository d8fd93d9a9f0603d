//! The UI's translations (English and Polish): the machinery every
//! catalogue uses, the shared catalogue, and the choice of language.
//!
//! A catalogue is an enum of messages declared with both texts by
//! `catalogue!`: a message without its Polish text does not compile, a
//! misspelt key is an unknown variant, and the macro adds the catalogue's
//! own test that both languages use the same `{name}` parameters (filled
//! with [`fill`]). Messages that count something are declared by
//! `plurals!` with the forms each language needs (English one/other;
//! Polish one/few/many). [`t`], [`tf`], [`tn`] and `ui::Ctx::t` take a
//! message of any catalogue ([`Text`], [`Counted`]).
//!
//! Where a text goes: a kind's or an area's own words live with its pages,
//! in its catalogue `ui/<area>_texts.rs` (`CmdbMsg`, `KbMsg`, `SearchMsg`,
//! `SlaMsg`, `AdminMsg`, `SettingsMsg`, `PrbMsg`, `IncMsg`, `DeskMsg`,
//! `PortalMsg`); a new area declares one there and lists it nowhere. The
//! pieces every record kind shares (`ui/record_*.rs`, `state_moves.rs`)
//! take a kind's text as any [`Text`] (a [`Label`] in their tables). This file's [`Msg`] keeps only what every area uses:
//! the layout, sign-in, errors, common buttons and words, field names,
//! states shared across kinds and the app's messages by their code
//! (`i18n_codes.rs`). A text two areas use stays here.
//!
//! The language is the user's setting, else the browser's `Accept-Language`,
//! else English.

use std::borrow::Cow;
use steward_domain::{HoldReason, IncidentState, ResolutionCode, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Pl,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Pl];

    /// The BCP 47 tag, for `<html lang>` and the user's stored setting.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Pl => "pl",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.trim();
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The user's setting wins; then the browser's preference; then the
    /// site's default (`site.language`).
    pub fn choose(setting: Option<&str>, accept_language: Option<&str>, site: Lang) -> Lang {
        setting.and_then(Lang::from_code).or_else(|| accept_language.and_then(negotiate)).unwrap_or(site)
    }
}

/// The best supported language in an `Accept-Language` header: the highest
/// q-value wins, the header's order breaks ties, `q=0` means "not this".
pub fn negotiate(header: &str) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let mut q = 1000u16;
        for param in parts {
            if let Some((k, v)) = param.split_once('=')
                && k.trim().eq_ignore_ascii_case("q")
            {
                q = parse_q(v.trim()).unwrap_or(0);
            }
        }
        let Some(lang) = Lang::from_code(tag) else { continue };
        if q > 0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

/// A q-value ("0.8", "1", "0.125") in thousandths; None when malformed.
fn parse_q(v: &str) -> Option<u16> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: u16 = match int {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let frac_val: u16 = format!("{frac:0<3}").parse().ok()?;
    let q = whole * 1000 + frac_val;
    (q <= 1000).then_some(q)
}

/// A message of some catalogue: its text in a language. The shared
/// catalogue ([`Msg`]) and every area's (`ui::*_texts`) implement it, so
/// [`t`], [`tf`] and `Ctx::t` take a message of any of them.
pub trait Text {
    fn text(&self, lang: Lang) -> &'static str;
}

/// A reference to a message is one (a navigation label, a choice's text).
impl<T: Text + ?Sized> Text for &T {
    fn text(&self, lang: Lang) -> &'static str {
        (**self).text(lang)
    }
}

/// A message of any catalogue, where a shared piece takes a kind's own
/// text (a queue, a notice, a column's heading, an owner's name).
pub type Label = &'static dyn Text;

/// A message that counts something: its forms in a language (see
/// [`plural_form`]).
pub trait Counted {
    fn forms(&self, lang: Lang) -> &'static [&'static str];
}

/// Declares a catalogue: an enum of messages, each with its English and
/// Polish text, implementing [`Text`]. A message without its Polish text
/// does not compile, and a misspelt key is an unknown variant. It also
/// declares the catalogue's unit test (both languages present, with the
/// same `{placeholders}`), so a new catalogue is tested without being
/// listed anywhere; one catalogue per module.
///
/// ```ignore
/// crate::i18n::catalogue! {
///     /// The knowledge base's texts.
///     enum KbMsg;
///     KbTitle: "Knowledge base", "Baza wiedzy";
/// }
/// ```
macro_rules! catalogue {
    ($(#[$meta:meta])* enum $name:ident; $($key:ident: $en:literal, $pl:literal;)+) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($key),+ }

        impl $name {
            #[cfg(test)]
            pub const ALL: &'static [$name] = &[$($name::$key),+];
        }

        impl $crate::i18n::Text for $name {
            fn text(&self, lang: $crate::i18n::Lang) -> &'static str {
                match lang {
                    $crate::i18n::Lang::En => match self { $($name::$key => $en),+ },
                    $crate::i18n::Lang::Pl => match self { $($name::$key => $pl),+ },
                }
            }
        }

        #[cfg(test)]
        mod catalogue_is_complete {
            #[test]
            fn every_message_has_both_languages_with_the_same_placeholders() {
                $crate::i18n::check_messages(super::$name::ALL);
            }
        }
    };
}
pub(crate) use catalogue;

/// Declares messages that count something, as `catalogue!` does texts:
/// English one/other, Polish one/few/many; `{n}` is the number.
macro_rules! plurals {
    ($(#[$meta:meta])* enum $name:ident;
        $($key:ident: [$en1:literal, $en2:literal], [$pl1:literal, $pl2:literal, $pl3:literal];)+
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($key),+ }

        impl $name {
            #[cfg(test)]
            pub const ALL: &'static [$name] = &[$($name::$key),+];
        }

        impl $crate::i18n::Counted for $name {
            fn forms(&self, lang: $crate::i18n::Lang) -> &'static [&'static str] {
                match lang {
                    $crate::i18n::Lang::En => match self { $($name::$key => &[$en1, $en2]),+ },
                    $crate::i18n::Lang::Pl => match self { $($name::$key => &[$pl1, $pl2, $pl3]),+ },
                }
            }
        }

        #[cfg(test)]
        mod plurals_are_complete {
            #[test]
            fn every_count_has_the_forms_of_both_languages() {
                $crate::i18n::check_counts(super::$name::ALL);
            }
        }
    };
}
pub(crate) use plurals;

/// The form index for `n`: English one/other; Polish one/few/many
/// (1 sekunda, 2–4 and 22–24 sekundy, 5–21 and 12–14 sekund).
pub fn plural_form(lang: Lang, n: u64) -> usize {
    match lang {
        Lang::En => usize::from(n != 1),
        Lang::Pl => {
            if n == 1 {
                0
            } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
                1
            } else {
                2
            }
        }
    }
}

/// The text of a message in a language.
pub fn t(lang: Lang, m: impl Text) -> &'static str {
    m.text(lang)
}

/// "5 seconds", "5 sekund".
pub fn tn(lang: Lang, p: impl Counted, n: u64) -> String {
    let f = p.forms(lang);
    let text = f.get(plural_form(lang, n)).or(f.last()).copied().unwrap_or("{n}");
    text.replace("{n}", &n.to_string())
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// A message with its placeholders filled.
pub fn tf(lang: Lang, m: impl Text, args: &[(&str, &str)]) -> String {
    fill(t(lang, m), args)
}

/// What each catalogue's own test checks: every message has both
/// languages, with the same placeholders.
#[cfg(test)]
pub(crate) fn check_messages<M: Text + std::fmt::Debug>(all: &[M]) {
    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(name, _)| name)).collect();
        out.sort_unstable();
        out
    }
    for m in all {
        let (en, pl) = (m.text(Lang::En), m.text(Lang::Pl));
        assert!(!en.trim().is_empty() && !pl.trim().is_empty(), "{m:?} is empty");
        assert_eq!(placeholders(en), placeholders(pl), "{m:?} placeholders differ");
    }
}

/// What each plural catalogue's own test checks: English has two forms,
/// Polish three.
#[cfg(test)]
pub(crate) fn check_counts<P: Counted + std::fmt::Debug>(all: &[P]) {
    for p in all {
        assert_eq!(p.forms(Lang::En).len(), 2, "{p:?}");
        assert_eq!(p.forms(Lang::Pl).len(), 3, "{p:?}");
    }
}

catalogue! {
    /// A message every area uses (layout, sign-in, errors, common words,
    /// field names, states, the app's messages by code); see the module
    /// documentation.
    enum Msg;
    // Layout and navigation
    AppName: "Steward", "Steward";
    SkipToContent: "Skip to content", "Przejdź do treści";
    MainNavigation: "Main navigation", "Nawigacja główna";
    NavNewIncident: "New incident", "Nowy incydent";
    NavMyIncidents: "My incidents", "Moje zgłoszenia";
    NavSettings: "Settings", "Ustawienia";
    SignOut: "Sign out", "Wyloguj się";
    KeyboardHint: "Keys: / search · g i incidents · g h queues · n new incident", "Klawisze: / szukaj · g i incydenty · g h kolejki · n nowy incydent";
    RoleRequester: "Requester", "Zgłaszający";
    RoleAgent: "Agent", "Agent";
    RoleManager: "Manager", "Kierownik";
    RoleAdmin: "Administrator", "Administrator";
    // Sign-in
    SignIn: "Sign in", "Zaloguj się";
    SignInTitle: "Sign in to Steward", "Zaloguj się do Stewarda";
    SignInIntro: "IT service management for your team.", "Zarządzanie usługami IT dla Twojego zespołu.";
    Username: "Username", "Nazwa użytkownika";
    Password: "Password", "Hasło";
    WrongCredentials: "Wrong username or password.", "Błędna nazwa użytkownika lub hasło.";
    DirectoryDown: "The directory does not answer, so directory accounts cannot sign in right now. Try again later; local accounts still sign in.", "Katalog nie odpowiada, więc konta z katalogu nie mogą się teraz zalogować. Spróbuj później; konta lokalne logują się nadal.";
    DirectoryNoRole: "Your directory account is in no group that gives access to Steward. Ask your administrator.", "Twoje konto w katalogu nie należy do żadnej grupy, która daje dostęp do Stewarda. Zwróć się do administratora.";
    DirectoryBadName: "Your directory username is not one Steward accepts (letters, digits and . _ - @, at most 64). Ask your administrator.", "Twoja nazwa użytkownika w katalogu nie jest taka, jaką Steward przyjmuje (litery, cyfry oraz . _ - @, najwyżej 64). Zwróć się do administratora.";
    DirectoryNameTaken: "This name belongs to a Steward account that does not sign in through the directory. Ask your administrator.", "Ta nazwa należy do konta Stewarda, które nie loguje się przez katalog. Zwróć się do administratora.";
    Throttled: "Too many failed sign-ins. Try again in {wait}.", "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za {wait}.";
    ForgotPassword: "Forgot your password? Ask your Steward administrator.", "Nie pamiętasz hasła? Poproś administratora Stewarda.";
    CodeTitle: "Two-step sign-in", "Logowanie dwuetapowe";
    CodeIntro: "Enter the 6-digit code your authenticator app shows, or one of your recovery codes.", "Wpisz 6-cyfrowy kod z aplikacji uwierzytelniającej albo jeden z kodów awaryjnych.";
    CodeLabel: "Code", "Kod";
    WrongCode: "Wrong code. Codes change every 30 seconds; each works once.", "Błędny kod. Kody zmieniają się co 30 sekund; każdy działa raz.";
    CodeExpired: "The sign-in took too long. Enter your password again.", "Logowanie trwało zbyt długo. Wpisz hasło ponownie.";
    LostDevice: "Lost your phone and your recovery codes? Ask your Steward administrator.", "Nie masz telefonu ani kodów awaryjnych? Poproś administratora Stewarda.";
    SignedOut: "You have signed out.", "Wylogowano.";
    // Single sign-on (OpenID Connect)
    SsoButton: "Sign in with single sign-on", "Zaloguj się przez SSO";
    SsoOr: "or", "lub";
    SsoPasswordInstead: "Sign in with a password instead", "Zaloguj się hasłem";
    SsoUnavailable: "The single sign-on provider cannot be reached just now. Try again later, or sign in with a password if you have one.", "Dostawca logowania jednokrotnego jest teraz nieosiągalny. Spróbuj później albo zaloguj się hasłem, jeśli je masz.";
    SsoRefused: "The single sign-on provider did not sign you in ({error}). Try again, or ask your Steward administrator.", "Dostawca logowania jednokrotnego nie zalogował Cię ({error}). Spróbuj ponownie albo poproś administratora Stewarda.";
    SsoExpired: "That single sign-on took too long, was already used or was begun in another browser. Start again with the button below.", "To logowanie jednokrotne trwało zbyt długo, zostało już użyte albo zaczęto je w innej przeglądarce. Zacznij od nowa przyciskiem poniżej.";
    SsoInvalid: "The single sign-on provider's answer could not be verified, so you are not signed in. Ask your Steward administrator to look at the audit log.", "Nie udało się sprawdzić odpowiedzi dostawcy logowania jednokrotnego, więc nie zalogowano Cię. Poproś administratora Stewarda o zajrzenie do dziennika audytu.";
    SsoMissingClaim: "The single sign-on provider did not tell Steward your {claim}. Ask your Steward administrator.", "Dostawca logowania jednokrotnego nie przekazał Stewardowi pola {claim}. Poproś administratora Stewarda.";
    SsoNoRole: "Your single sign-on account is in no group that may use Steward. Ask your Steward administrator for access.", "Twoje konto logowania jednokrotnego nie należy do żadnej grupy z dostępem do Stewarda. Poproś administratora Stewarda o dostęp.";
    SsoNameTaken: "A Steward account that signs in with a password already has the user name {name}. Ask your Steward administrator to rename one of them.", "Konto Stewarda logujące się hasłem ma już nazwę użytkownika {name}. Poproś administratora Stewarda o zmianę jednej z nazw.";
    SsoDeactivated: "Your Steward account is deactivated. Ask your Steward administrator.", "Twoje konto w Stewardzie jest wyłączone. Poproś administratora Stewarda.";
    SsoOff: "Single sign-on is not set up on this Steward.", "Logowanie jednokrotne nie jest skonfigurowane w tym Stewardzie.";
    // Priority names
    PriorityP1: "Critical", "Krytyczny";
    PriorityP2: "High", "Wysoki";
    PriorityP3: "Moderate", "Umiarkowany";
    PriorityP4: "Low", "Niski";
    PriorityP5: "Planning", "Planowy";
    // Incident list
    IncidentsTitle: "Incidents", "Incydenty";
    Filters: "Filters", "Filtry";
    FilterText: "Words", "Słowa";
    Any: "Any", "Dowolny";
    MyGroups: "My groups", "Moje grupy";
    NoGroup: "No group", "Bez grupy";
    Me: "Me", "Ja";
    Unassigned: "Unassigned", "Nieprzypisane";
    OpenedFrom: "Opened from", "Otwarte od";
    OpenedBefore: "Opened before", "Otwarte przed";
    Apply: "Apply", "Zastosuj";
    ClearFilters: "Clear", "Wyczyść";
    ExportCsv: "Export CSV", "Eksportuj CSV";
    ExportXlsx: "Export XLSX", "Eksportuj XLSX";
    Number: "Number", "Numer";
    Title: "Title", "Tytuł";
    State: "State", "Stan";
    Priority: "Priority", "Priorytet";
    Group: "Assignment group", "Grupa";
    GroupShort: "Group", "Grupa";
    Assignee: "Assignee", "Przypisany";
    Requester: "Requester", "Zgłaszający";
    Service: "Service", "Usługa";
    Category: "Category", "Kategoria";
    Opened: "Opened", "Otwarte";
    Updated: "Updated", "Zmienione";
    NextPage: "Next page", "Następna strona";
    FirstPage: "First page", "Pierwsza strona";
    Pages: "Pages", "Strony";
    SortOrder: "Order", "Kolejność";
    MajorIncident: "Major incident", "Poważny incydent";
    SortedAscending: "sorted ascending", "sortowanie rosnące";
    SortedDescending: "sorted descending", "sortowanie malejące";
    FilterProblem: "Some filters could not be used; the list appears once they are fixed.", "Części filtrów nie da się użyć; lista pojawi się po ich poprawieniu.";
    // Incident form
    EditIncidentTitle: "Edit {number}", "Edycja {number}";
    Description: "Description", "Opis";
    Impact: "Impact", "Wpływ";
    Urgency: "Urgency", "Pilność";
    ImpactHigh: "1 – High: many people", "1 – Wysoki: wiele osób";
    ImpactMedium: "2 – Medium: a team", "2 – Średni: zespół";
    ImpactLow: "3 – Low: one person", "3 – Niski: jedna osoba";
    UrgencyHigh: "1 – High: work has stopped", "1 – Wysoka: praca stoi";
    UrgencyMedium: "2 – Medium: work is impaired", "2 – Średnia: praca jest utrudniona";
    UrgencyLow: "3 – Low: it can wait", "3 – Niska: może poczekać";
    PriorityExplained: "Priority follows from impact and urgency:", "Priorytet wynika z wpływu i pilności:";
    MatrixCaption: "Priority matrix: impact (rows) × urgency (columns)", "Macierz priorytetów: wpływ (wiersze) × pilność (kolumny)";
    ImpactRow: "Impact {n}", "Wpływ {n}";
    UrgencyColumn: "Urgency {n}", "Pilność {n}";
    ParentIncident: "Parent incident", "Incydent nadrzędny";
    AssigneeHint: "Must be a member of the assignment group", "Musi należeć do wybranej grupy";
    NoneOption: "— none —", "— brak —";
    SaveChanges: "Save changes", "Zapisz zmiany";
    Cancel: "Cancel", "Anuluj";
    FixErrors: "Please correct the fields marked below.", "Popraw zaznaczone poniżej pola.";
    StaleKept: "Your input is kept below.", "Twoje dane pozostały poniżej.";
    ReloadLatest: "Load the latest version", "Wczytaj najnowszą wersję";
    Level1: "1 – high", "1 – wysoki";
    Level2: "2 – medium", "2 – średni";
    Level3: "3 – low", "3 – niski";
    ChooseFromList: "choose a value from the list", "wybierz wartość z listy";
    // Incident page
    Edit: "Edit", "Edytuj";
    Details: "Details", "Szczegóły";
    Organisation: "Organisation", "Organizacja";
    HoldReason: "Hold reason", "Powód wstrzymania";
    ResolutionCode: "Resolution code", "Kod rozwiązania";
    ResolutionNotes: "Resolution notes", "Opis rozwiązania";
    ResolvedAt: "Resolved", "Rozwiązane";
    ClosedAt: "Closed", "Zamknięte";
    Reopened: "Reopened", "Ponownie otwierane";
    NoDescription: "No description.", "Brak opisu.";
    Activity: "Activity", "Aktywność";
    Comment: "Comment", "Komentarz";
    AddComment: "Add comment", "Dodaj komentarz";
    PublicComment: "Public comment – the requester sees it", "Komentarz publiczny – widzi go zgłaszający";
    WorkNoteChoice: "Work note – only the desk sees it", "Notatka robocza – widzi ją tylko zespół";
    WorkNote: "Work note", "Notatka robocza";
    CommentVisibility: "Visibility", "Widoczność";
    EvCreated: "opened the incident", "otworzył(a) incydent";
    EvUpdated: "changed", "zmienił(a)";
    EvStateChanged: "changed the state", "zmienił(a) stan";
    EvComment: "commented", "skomentował(a)";
    EvWorkNote: "added a work note", "dodał(a) notatkę roboczą";
    EvAttachment: "attached a file", "dodał(a) załącznik";
    EvSlaAttached: "service level applies", "obowiązuje umowa SLA";
    EvSlaRetargeted: "service-level target changed", "zmieniono cel SLA";
    EvSlaWarning: "service-level warning", "ostrzeżenie SLA";
    EvSlaBreached: "service level breached", "naruszono SLA";
    EvEscalated: "escalated", "eskalowano";
    EvLinked: "linked", "powiązał(a)";
    EvUnlinked: "removed a link", "usunął(-ęła) powiązanie";
    EvFeedback: "said whether it helped", "ocenił(a), czy pomogło";
    FieldProblem: "Problem", "Problem";
    FieldEscalation: "Escalation rule", "Reguła eskalacji";
    FieldNotified: "Notified", "Powiadomieni";
    SlaName: "Service level", "Umowa SLA";
    SlaResponse: "First response", "Pierwsza odpowiedź";
    SlaResolution: "Resolution", "Rozwiązanie";
    SlaGroupTime: "Time with group", "Czas w grupie";
    SystemActor: "Steward (automatic)", "Steward (automatycznie)";
    // Problem management's texts that shared pieces use: the record page's flash, messages by code
    NoWorkaround: "No workaround recorded yet.", "Nie zapisano jeszcze obejścia.";
    KnownErrorNeeds: "Publishing needs an assessed problem with a root cause and a workaround.", "Publikacja wymaga ocenionego problemu z przyczyną i obejściem.";
    FlashLinked: "Incidents linked.", "Powiązano incydenty.";
    ConfigurationItem: "Configuration item", "Element konfiguracji";
    ValFromTo: "must be 1 to {max}", "musi być od 1 do {max}";
    ValKeptWhilePublished: "is kept while the problem is published as a known error; withdraw it first", "pozostaje, dopóki problem jest opublikowany jako znany błąd; najpierw go wycofaj";
    ValNotKnownError: "is not a published known error", "nie jest opublikowanym znanym błędem";
    ValLinkClosedProblem: "a closed or cancelled problem takes no more incidents; link them to an open problem or create a new one", "do zamkniętego lub anulowanego problemu nie można dodać incydentów; powiąż je z otwartym problemem lub utwórz nowy";
    ValNoSuchIncidents: "no such incidents: {numbers}", "nie ma takich incydentów: {numbers}";
    ValIncidentsStayOpen: "with this resolution code the incidents stay open: their fault is not gone", "przy tym kodzie rozwiązania incydenty pozostają otwarte: ich usterka nie zniknęła";
    ValNotLinkedProblem: "is not linked to this incident", "nie jest powiązany z tym incydentem";
    ValResolutionNotHere: "this resolution code is not allowed at this stage", "ten kod rozwiązania nie jest dozwolony na tym etapie";
    ValNotApplicable: "does not apply to this change of state", "nie dotyczy tej zmiany stanu";
    // Service levels: clocks on the incident page, list and queues
    SlaPanel: "Service levels", "Poziomy usług";
    SlaRecordKinds: "Applies to", "Dotyczy";
    RecordKindIncidents: "Incidents", "Incydenty";
    RecordKindProblems: "Problems", "Problemy";
    SlaColumn: "SLA", "SLA";
    SlaTimeWith: "Time with {group}", "Czas w grupie {group}";
    SlaLeft: "{time} left", "zostało {time}";
    SlaOverdue: "overdue by {time}", "po terminie o {time}";
    SlaMet: "met", "dotrzymano";
    SlaMissed: "missed", "niedotrzymano";
    SlaPausedLeft: "paused, {time} left", "wstrzymano, zostało {time}";
    SlaToneOk: "On track", "W terminie";
    SlaToneWarn: "At risk", "Zagrożone";
    SlaToneBreached: "Breached", "Naruszone";
    SlaToneDone: "Done", "Zakończone";
    SlaTonePaused: "Paused", "Wstrzymane";
    SlaDue: "Due", "Termin";
    SlaBreachedAt: "Breached at", "Naruszono";
    SlaNoClocks: "No service level applies here.", "Żadna umowa SLA tu nie obowiązuje.";
    UnitHour: "h", "godz.";
    UnitMinute: "min", "min";
    UnderAMinute: "under 1 min", "poniżej 1 min";
    SortPriority: "Priority, highest first", "Priorytet, najwyższy najpierw";
    SortPriorityLow: "Priority, lowest first", "Priorytet, najniższy najpierw";
    SortNewest: "Newest first", "Najnowsze najpierw";
    SortOldest: "Oldest first", "Najstarsze najpierw";
    SortUpdated: "Recently updated", "Ostatnio zmienione";
    SortNumber: "Number", "Numer";
    SortSlaDue: "SLA due soonest", "Najbliższy termin SLA";
    NoActivity: "No activity yet.", "Brak aktywności.";
    Attachments: "Attachments", "Załączniki";
    NoAttachments: "No attachments yet.", "Brak załączników.";
    File: "File", "Plik";
    Upload: "Upload", "Wyślij plik";
    MaxSize: "Up to {size}.", "Maksymalnie {size}.";
    TooLarge: "The file is too large: at most {size}.", "Plik jest za duży: maksymalnie {size}.";
    FileRequired: "Choose a file to upload.", "Wybierz plik do wysłania.";
    ChangeState: "Change state", "Zmień stan";
    ActResolve: "Resolve", "Rozwiąż";
    ActClose: "Close", "Zamknij";
    StaleAction: "This incident changed after you loaded the page, so nothing was saved.", "Ten incydent zmienił się po wczytaniu strony, więc nic nie zapisano.";
    Yes: "Yes", "Tak";
    No: "No", "Nie";
    Empty: "—", "—";
    // Flash messages after a successful post
    FlashSaved: "Changes saved.", "Zapisano zmiany.";
    FlashStateChanged: "State changed.", "Zmieniono stan.";
    FlashCommented: "Comment added.", "Dodano komentarz.";
    FlashUploaded: "File attached.", "Dodano załącznik.";
    // The desk's daily work that shared pieces use (the comment box, the list's selection, the settings' link) and its messages by code
    AttachFiles: "Attach files", "Załącz pliki";
    AttachFilesHint: "Up to 10 files, {size} each", "Do 10 plików, każdy do {size}";
    CtrlEnterHint: "Ctrl+Enter sends", "Ctrl+Enter wysyła";
    IncidentKeysHint: "On an incident: i assign to me · c comment · Ctrl+Enter send", "W incydencie: i przypisz do mnie · c komentarz · Ctrl+Enter wyślij";
    SelectRow: "Select {number}", "Zaznacz {number}";
    SelectAll: "Select all on this page", "Zaznacz wszystkie na tej stronie";
    CannedRepliesTitle: "Canned replies", "Gotowe odpowiedzi";
    ValUnknownPlaceholder: "unknown placeholder {name}; use one of {list}", "nieznane pole {name}; użyj jednego z: {list}";
    ValUnclosedBrace: "has an opening brace without its closing one; write two braces to show one", "ma nawias klamrowy bez zamknięcia; aby pokazać nawias, napisz go dwa razy";
    ValStrayBrace: "has a closing brace without its opening one; write two braces to show one", "ma nawias zamykający bez otwierającego; aby pokazać nawias, napisz go dwa razy";
    ValNotInAnyGroup: "you are not a member of any assignment group", "nie należysz do żadnej grupy przydziału";
    ValTooManyFiles: "at most 10 files at once", "najwyżej 10 plików naraz";
    ValNameTakenView: "is already taken", "jest już zajęta";
    ValChooseIncidents: "choose at least one incident", "zaznacz co najmniej jeden incydent";
    ValBulkTooMany: "at most 200 incidents at once", "najwyżej 200 incydentów naraz";
    ValBulkNothing: "say what to change: assignee, group, priority or state", "wybierz, co zmienić: osobę, grupę, priorytet lub stan";
    ValBulkStateAlone: "change the state on its own, not with other fields", "stan zmień osobno, bez innych pól";
    // Requester portal: words the knowledge base uses too
    Send: "Send", "Wyślij";
    LastUpdate: "Last update", "Ostatnia zmiana";
    // Search and list counts
    SearchButton: "Search", "Szukaj";
    ServiceFromCatalog: "Service", "Usługa";
    ValNoUserNamed: "no user with the username, e-mail or name {who}", "nie ma użytkownika o loginie, adresie e-mail ani nazwie {who}";
    ValUserAmbiguous: "{who} names {n} users: give a username or e-mail", "{who} pasuje do {n} użytkowników: podaj login lub adres e-mail";
    // CI forms
    ValNotDecimal: "must be a number", "musi być liczbą";
    ValNotCiId: "must be a CI's id (a whole number)", "musi być id elementu (liczbą całkowitą)";
    // The CI page
    AsOfNotTime: "“{text}” is not a date and time such as 2026-01-31T12:00", "„{text}” to nie jest data z godziną, np. 2026-01-31T12:00";
    AsOfFuture: "is in the future", "jest w przyszłości";
    AsOfBeforeCi: "this item did not exist yet at that moment; showing it as it is now", "ten element wtedy jeszcze nie istniał; pokazano stan obecny";
    ServicesAffected: "Services affected", "Usługi, których dotyczy";
    NoServicesAffected: "No service stands on this item.", "Żadna usługa nie opiera się na tym elemencie.";
    ImpactPath: "Why", "Dlaczego";
    HopsNotValid: "choose 1 to 4 steps", "wybierz od 1 do 4 kroków";
    // CSV import
    Problems: "Problems", "Problemy";
    ValNoService: "no service named {name}", "nie ma usługi o nazwie {name}";
    ValNoCi: "no CI {id}", "nie ma elementu konfiguracji {id}";
    // Service catalog
    ServicesTitle: "Services", "Usługi";
    // Incidents and the CMDB
    ConfigurationItems: "Configuration items", "Elementy konfiguracji";
    // Security: the audit log, text rules
    ValSingleLine: "must be a single line", "musi mieścić się w jednym wierszu";
    // Calendar and SLA history (issue 9 item 9)
    EvSettingCreated: "created it", "utworzył(a)";
    FieldPauseOn: "Paused while", "Wstrzymany, gdy";
    // Errors
    NotFoundTitle: "Not found", "Nie znaleziono";
    NotFoundText: "There is nothing here. The link may be mistyped, or the record does not exist.", "Nic tu nie ma. Link może być błędny albo rekord nie istnieje.";
    ForbiddenTitle: "Not allowed", "Brak uprawnień";
    ForbiddenIntro: "You cannot do this:", "Nie możesz tego zrobić:";
    ErrorTitle: "Something went wrong", "Coś poszło nie tak";
    ErrorText: "Something went wrong on our side. It has been logged; please try again.", "Wystąpił błąd po naszej stronie. Zapisaliśmy go; spróbuj ponownie.";
    UnavailableTitle: "Temporarily unavailable", "Chwilowo niedostępne";
    BadRequestTitle: "That did not work", "To się nie udało";
    BackToStart: "Back to the start page", "Wróć na stronę startową";
    // Own settings and admin screens (profile, password, sessions, users, groups, organisations)
    TimesInZone: "Times are shown in {zone} time.", "Godziny podano w strefie czasowej {zone}.";
    UserTimeZone: "Time zone", "Strefa czasowa";
    UserTimeZoneHint: "An IANA name such as Europe/Warsaw; leave empty for the browser's zone, else the site's default.", "Nazwa IANA, np. Europe/Warsaw; puste pole oznacza strefę przeglądarki, a bez niej domyślną strefę serwisu.";
    NewPassword: "New password", "Nowe hasło";
    PasswordsDiffer: "does not match the new password", "nie zgadza się z nowym hasłem";
    FlashTokenRevoked: "The token was revoked.", "Token został unieważniony.";
    AdminUsers: "Users", "Użytkownicy";
    DenyAdminPage: "Only admins can manage users, groups and organisations.", "Tylko administratorzy mogą zarządzać użytkownikami, grupami i organizacjami.";
    ValWrongPassword: "is not your current password", "to nie jest Twoje obecne hasło";
    ValWrongCode: "is not the code your app shows now", "to nie jest kod, który teraz pokazuje aplikacja";
    ValTwoFactorOn: "two-step sign-in is on already", "logowanie dwuetapowe jest już włączone";
    ValTwoFactorOff: "two-step sign-in is off: there are no recovery codes to renew", "logowanie dwuetapowe jest wyłączone: nie ma kodów awaryjnych do odnowienia";
    ValSamePassword: "must differ from the current one", "musi różnić się od obecnego";
    ValPasswordShort: "must be at least {n} characters", "musi mieć co najmniej {n} znaków";
    ValPasswordLong: "must be at most {n} characters", "może mieć najwyżej {n} znaków";
    ValPasswordCommon: "is one of the most common passwords; choose another", "to jedno z najpopularniejszych haseł; wybierz inne";
    ValPasswordUsername: "must not be your username", "nie może być nazwą użytkownika";
    ValNotZone: "{zone} is not a time zone: use an IANA name such as Europe/Warsaw", "{zone} nie jest strefą czasową: podaj nazwę IANA, np. Europe/Warsaw";
    ValLocale: "must be en or pl", "musi być en albo pl";
    ValSelfDemote: "you cannot demote or deactivate yourself", "nie możesz odebrać sobie uprawnień ani się dezaktywować";
    ValLastAdmin: "the last active admin must stay an active admin", "ostatni aktywny administrator musi nim pozostać";
    ValInUse: "is still used by {what}; move them first", "wciąż używają tego: {what}; najpierw ich przenieś";
    ValNoOrganisation: "no organisation named {name}", "nie ma organizacji o nazwie {name}";
    ValTaken: "is already taken", "jest już zajęte";
    // Leavers, group members, users' tokens, e-mail addresses
    DeactivatedName: "{name} (deactivated)", "{name} (konto dezaktywowane)";
    ValEmailOneAt: "is not an email address: it needs exactly one @", "to nie jest adres e-mail: musi mieć dokładnie jeden znak @";
    ValEmailNoLocal: "is not an email address: nothing comes before the @", "to nie jest adres e-mail: przed znakiem @ nic nie ma";
    ValEmailNoDot: "is not an email address: the domain after the @ needs a dot, as in example.com", "to nie jest adres e-mail: domena po znaku @ musi zawierać kropkę, np. example.com";
    ValEmailBadDomain: "is not an email address: the domain after the @ is not a domain name", "to nie jest adres e-mail: to, co jest po znaku @, nie jest nazwą domeny";
    ValEmailSpaces: "is not an email address: it must not contain spaces or control characters", "to nie jest adres e-mail: nie może zawierać spacji ani znaków sterujących";
    ValEmailTooLong: "is not an email address: it is longer than 254 characters (or 64 before the @)", "to nie jest adres e-mail: ma więcej niż 254 znaki (albo 64 przed znakiem @)";
    ValEmailTaken: "is already the address of {who}", "to już adres użytkownika {who}";
    ValAssigneeDeactivated: "{who} is deactivated", "{who} jest dezaktywowany(-a)";
    // Settings
    Save: "Save", "Zapisz";
    Role: "Role", "Rola";
    Groups: "Groups", "Grupy";
    // States, hold reasons, resolution codes
    StateNew: "New", "Nowy";
    StateInProgress: "In progress", "W toku";
    StateOnHold: "On hold", "Wstrzymany";
    StateResolved: "Resolved", "Rozwiązany";
    StateClosed: "Closed", "Zamknięty";
    StateCancelled: "Cancelled", "Anulowany";
    HoldAwaitingCaller: "Awaiting the requester", "Oczekuje na zgłaszającego";
    HoldAwaitingVendor: "Awaiting a vendor", "Oczekuje na dostawcę";
    HoldAwaitingChange: "Awaiting a change", "Oczekuje na zmianę";
    ResSolved: "Solved", "Rozwiązano";
    ResWorkaround: "Workaround", "Obejście";
    ResNotReproducible: "Not reproducible", "Nie udało się odtworzyć";
    ResDuplicate: "Duplicate", "Duplikat";
    ResResolvedByCaller: "Resolved by the requester", "Rozwiązane przez zgłaszającego";
    ResNoFaultFound: "No fault found", "Nie stwierdzono usterki";
    ChooseOne: "Choose…", "Wybierz…";
    // Field names in the activity stream
    FieldAttachment: "Attachment", "Załącznik";
    FieldReopenCount: "Times reopened", "Liczba ponownych otwarć";
    // Validation messages from the use cases, in Polish
    ValRequired: "is required", "jest wymagane";
    ValTooLong: "is too long: at most {max} characters, got {got}", "jest za długie: najwyżej {max} znaków, jest {got}";
    ValControl: "must not contain control characters", "nie może zawierać znaków sterujących";
    ValNoSuchUser: "no such user", "nie ma takiego użytkownika";
    ValNoSuchIncident: "no such incident", "nie ma takiego incydentu";
    ValNotNumber: "is not an incident number", "to nie jest numer incydentu";
    ValOwnParent: "a record cannot be its own parent", "rekord nie może być swoim własnym nadrzędnym";
    ValNotApproved: "the change is not approved yet", "zmiana nie jest jeszcze zatwierdzona";
    ValOpenTasks: "{n} of its tasks are still open", "otwartych zadań: {n}";
    ValTaskBlocked: "waits for {tasks}: a task of an earlier step is still open", "czeka na {tasks}: zadanie wcześniejszego kroku jest jeszcze otwarte";
    ValTaskChangeClosed: "the change is {state}: tasks are added while its work is still ahead", "zmiana jest w stanie {state}: zadania dodaje się, dopóki praca jest przed nią";
    ValPlannedEndBeforeStart: "the planned end must be after the planned start", "planowany koniec musi być po planowanym początku";
    ValEndBeforeStart: "must be after {start}", "musi być po {start}";
    ValPlannedWindowHalf: "give both the planned start and the planned end, or neither", "podaj planowany początek i koniec albo żadnego z nich";
    ValChangeTemplateGone: "the standard change's template is gone", "szablonu tej standardowej zmiany już nie ma";
    ValChangeTemplateRequired: "a standard change is raised from a template of the standard change catalogue", "zmianę standardową tworzy się z szablonu z katalogu zmian standardowych";
    ValNoChangeTemplate: "no change template has id {id}", "nie ma szablonu zmiany o identyfikatorze {id}";
    ValTemplateOnlyStandard: "only a standard change is raised from a template", "z szablonu tworzy się tylko zmianę standardową";
    ValRiskUnknownQuestion: "the questionnaire has no question {key}", "kwestionariusz nie ma pytania {key}";
    ValRiskAnswerOutOfRange: "{text} is not one of {list}", "{text} nie jest żadną z odpowiedzi: {list}";
    ValRiskNoQuestions: "the questionnaire needs a question", "kwestionariusz musi mieć pytanie";
    ValRiskNoAnswers: "a question needs an answer", "pytanie musi mieć odpowiedź";
    ValRiskLevelsFromZero: "the first level must start at score 0", "pierwszy poziom musi zaczynać się od wyniku 0";
    ValRiskLevelsRising: "each level must start above the one before", "każdy poziom musi zaczynać się wyżej niż poprzedni";
    ValRiskCabLevel: "{level} is not one of the questionnaire's levels", "{level} nie jest poziomem kwestionariusza";
    DenyChangeView: "only agents, managers and admins can see changes", "tylko agenci, kierownicy i administratorzy widzą zmiany";
    DenyReports: "only agents, managers and admins can see the measures and reports", "tylko agenci, kierownicy i administratorzy widzą wskaźniki i raporty";
    DenyChangeEdit: "only agents, managers and admins can raise and edit changes", "tylko agenci, kierownicy i administratorzy mogą zgłaszać i edytować zmiany";
    DenyChangeCancel: "only managers and admins can cancel a change that is scheduled or being implemented", "tylko kierownicy i administratorzy mogą anulować zaplanowaną lub wdrażaną zmianę";
    DenyChangeApprove: "only managers and admins can approve a change", "tylko kierownicy i administratorzy mogą zatwierdzić zmianę";
    DenyOwnApproval: "you cannot approve your own change: someone else must approve it", "nie można zatwierdzić własnej zmiany: musi ją zatwierdzić ktoś inny";
    ValNotAwaitingApproval: "a change is approved only in authorization; this one is {state}", "zmianę zatwierdza się tylko w autoryzacji; ta jest w stanie {state}";
    ValLinkElsewhere: "incidents are linked to their problem on the problem, and articles to problems on the article", "incydenty łączy się z problemem na stronie problemu, a artykuły z problemami na stronie artykułu";
    ValLinkSelf: "a record cannot be linked to itself", "rekordu nie można powiązać z nim samym";
    ValLinkKinds: "both records must be of the same kind for this link", "do tego powiązania oba rekordy muszą być tego samego rodzaju";
    ValParentCycle: "this would make {number} its own parent", "wtedy {number} byłby swoim własnym nadrzędnym";
    ValDuplicateCycle: "this would make {number} a duplicate of itself", "wtedy {number} byłby duplikatem samego siebie";
    ValLinkTaken: "{number} is already linked so to {other}: remove that link first", "{number} ma już takie powiązanie z {other}: najpierw je usuń";
    ValNoSuchRecord: "no such record: {number}", "nie ma takiego rekordu: {number}";
    ValNotRecordNumber: "is not a record number (such as INC0000042)", "to nie jest numer rekordu (np. INC0000042)";
    ValNotLinked: "no such link to {number}", "brak takiego powiązania z {number}";
    ValGroupForAssignee: "is required when an assignee is set", "jest wymagana, gdy wybrano osobę przypisaną";
    ValNotMember: "{who} is not a member of the assignment group", "{who} nie należy do wybranej grupy";
    ValNoGroup: "no group named {name}", "nie ma grupy o nazwie {name}";
    ValLevel: "must be 1 (high), 2 (medium) or 3 (low)", "musi być 1 (wysoki), 2 (średni) lub 3 (niski)";
    ValEmptyFile: "is empty", "jest pusty";
    ValNotDate: "is not a date: use YYYY-MM-DD", "to nie jest data: użyj RRRR-MM-DD";
    ValNotTimeOfDay: "is not a time of day: use HH:MM, e.g. 01:00", "to nie jest godzina: użyj GG:MM, np. 01:00";
    DenyOwnOnly: "requesters can only see their own incidents", "zgłaszający widzą tylko własne zgłoszenia";
    DenyCommentOwn: "requesters can only comment on their own incidents", "zgłaszający mogą komentować tylko własne zgłoszenia";
    DenyWorkNotes: "only agents, managers and admins can write work notes", "tylko agenci, kierownicy i administratorzy mogą pisać notatki robocze";
    DenyEdit: "only agents, managers and admins can edit incidents", "tylko agenci, kierownicy i administratorzy mogą edytować incydenty";
    DenyTransition: "requesters can only confirm or reopen a resolved incident, or cancel a new one", "zgłaszający mogą tylko potwierdzić lub ponownie otworzyć rozwiązane zgłoszenie albo wycofać nowe";
    DenyStaffPage: "this page is for the service desk", "ta strona jest dla zespołu wsparcia";
    // Messages of the use cases by their codes (see i18n_codes.rs)
    DenyKbUnpublished: "only its author, managers and admins can read an unpublished version", "tylko autor, kierownicy i administratorzy mogą czytać nieopublikowaną wersję";
    DenyAdmin: "only admins can manage users and groups", "tylko administratorzy mogą zarządzać użytkownikami i grupami";
    DenyServiceLevels: "only managers and admins can manage calendars and service levels", "tylko kierownicy i administratorzy mogą zarządzać kalendarzami i poziomami usług";
    DenyCmdb: "only agents, managers and admins can change the CMDB", "tylko agenci, kierownicy i administratorzy mogą zmieniać CMDB";
    DenyCiClasses: "only admins can define CI classes", "tylko administratorzy mogą definiować klasy elementów konfiguracji";
    DenyCatalog: "only managers and admins can change the service catalog", "tylko kierownicy i administratorzy mogą zmieniać katalog usług";
    DenyCannedReplies: "only managers and admins can manage canned replies", "tylko kierownicy i administratorzy mogą zarządzać gotowymi odpowiedziami";
    DenyProblemView: "only agents, managers and admins can see problems", "tylko agenci, kierownicy i administratorzy widzą problemy";
    DenyProblemEdit: "only agents, managers and admins can edit problems", "tylko agenci, kierownicy i administratorzy mogą edytować problemy";
    DenyProblemLink: "only agents, managers and admins can link incidents to problems", "tylko agenci, kierownicy i administratorzy mogą łączyć incydenty z problemami";
    ValInFreeze: "the planned window falls in the freeze {freeze}; only managers and admins can schedule into a freeze (next free slot: {next})", "planowane okno wypada w okresie zamrożenia {freeze}; tylko kierownicy i administratorzy mogą planować zmiany w zamrożeniu (najbliższy wolny termin: {next})";
    ValApprovalUnreachable: "the approval policy {policy}: stage {stage} needs {quorum} approvals but {count} people may give them", "polityka zatwierdzania {policy}: etap {stage} wymaga {quorum} zatwierdzeń, a może ich udzielić {count} osób";
    ValApprovalWaiting: "your stage {stage} opens when the stages before it are approved", "twój etap {stage} otworzy się, gdy wcześniejsze etapy zostaną zatwierdzone";
    ValApprovalDecided: "the decision on this approval is made already", "decyzja w tym zatwierdzeniu już zapadła";
    DenyApprovalPolicies: "only managers and admins can set approval policies", "tylko kierownicy i administratorzy mogą ustalać polityki zatwierdzania";
    DenyChangeTemplates: "only managers and admins can keep the standard change catalogue", "tylko kierownicy i administratorzy mogą prowadzić katalog zmian standardowych";
    ValTemplateInUse: "changes were raised from this template: retire it instead", "z tego szablonu utworzono zmiany: wycofaj go zamiast usuwać";
    DenyAlerts: "only staff tokens send and read alerts", "tylko tokeny personelu wysyłają i czytają alerty";
    DenyTokenAlertsOnly: "this token may only send alerts", "ten token służy tylko do wysyłania alertów";
    DenyRiskQuestionnaire: "only managers and admins can change the risk questionnaire", "tylko kierownicy i administratorzy mogą zmieniać kwestionariusz ryzyka";
    DenyChangeCalendar: "only managers and admins can set freezes and maintenance windows", "tylko kierownicy i administratorzy mogą ustalać okresy zamrożenia i okna serwisowe";
    CiRetired: "{ci} is retired: take it off the change", "element {ci} jest wycofany z użytku: usuń go ze zmiany";
    DenyCabMeetings: "only managers and admins can set when a group meets", "tylko kierownicy i administratorzy mogą ustalać terminy posiedzeń grupy";
    DenyLinks: "only agents, managers and admins can see and make links between records", "tylko agenci, kierownicy i administratorzy widzą i tworzą powiązania między rekordami";
    DenyKnownError: "only agents, managers and admins can publish known errors", "tylko agenci, kierownicy i administratorzy mogą publikować znane błędy";
    DenyProblemClose: "only managers and admins can close a problem", "tylko kierownicy i administratorzy mogą zamknąć problem";
    DenyProblemCancel: "only managers and admins can cancel a problem", "tylko kierownicy i administratorzy mogą anulować problem";
    DenyRiskAccept: "only managers and admins can accept a risk", "tylko kierownicy i administratorzy mogą zaakceptować ryzyko";
    ValTransitionNotAllowed: "cannot go from {from} to {to}; allowed: {allowed}", "nie można przejść ze stanu {from} do {to}; dozwolone: {allowed}";
    ValPriorityLevel: "must be one of 1, 2, 3, 4, 5", "musi być jedną z wartości 1, 2, 3, 4, 5";
    ValUnknownRole: "unknown role {role}: must be one of requester, agent, manager, admin", "nieznana rola {role}: dozwolone requester, agent, manager, admin";
    ValZoneUnmappable: "cannot map local dates in this zone", "w tej strefie nie da się odwzorować dat lokalnych";
    ValBadDate: "{text} is not a date; write YYYY-MM-DD, e.g. 2026-12-24", "{text} to nie jest data; wpisz RRRR-MM-DD, np. 2026-12-24";
    ValNoSuchDate: "{text} does not exist in the calendar", "{text} nie istnieje w kalendarzu";
    ValNotMonth: "{month} is not a month (1-12)", "{month} to nie jest miesiąc (1-12)";
    ValNoDayInMonth: "month {month} has no day {day}", "miesiąc {month} nie ma dnia {day}";
    ValEasterOffset: "{offset} is too far from Easter; keep within ±{max} days", "{offset} to za daleko od Wielkanocy; najwyżej ±{max} dni";
    ValNotYear: "{year} is not a year (1-9999)", "{year} to nie jest rok (1-9999)";
    ValYearsInverted: "{until} is before from_year {from}", "{until} jest przed rokiem początkowym {from}";
    ValEndOnly: "24:00 is only allowed as an end; start at 00:00", "24:00 może być tylko końcem; zacznij od 00:00";
    ValIcalTooLarge: "is {size} bytes; at most {max} (1 MiB) are accepted", "ma {size} bajtów; przyjmujemy najwyżej {max} (1 MiB)";
    ValIcalUnclosed: "not closed by END:VEVENT", "nie jest zamknięte przez END:VEVENT";
    ValIcalNotCalendar: "no BEGIN:VCALENDAR; this is not an iCalendar file", "brak BEGIN:VCALENDAR; to nie jest plik iCalendar";
    ValIcalNoStart: "missing DTSTART", "brak DTSTART";
    ValIcalBadDate: "{text} is not a date; expected YYYYMMDD or YYYYMMDDTHHMMSS", "{text} to nie jest data; oczekiwano RRRRMMDD lub RRRRMMDDTGGMMSS";
    ValIcalBadDuration: "{text} is not a duration in days, e.g. P1D", "{text} to nie jest czas trwania w dniach, np. P1D";
    ValIcalTooLong: "spans {n} days; at most {max}", "trwa {n} dni; najwyżej {max}";
    ValIcalFreq: "FREQ={value} is not supported; only yearly holidays (FREQ=YEARLY) are", "FREQ={value} nie jest obsługiwane; tylko święta coroczne (FREQ=YEARLY)";
    ValIcalCount: "COUNT={value} must be 1 to {max}", "COUNT={value} musi być od 1 do {max}";
    ValIcalRule: "{part} is not supported; a holiday must repeat on the start's month and day every year", "{part} nie jest obsługiwane; święto musi powtarzać się co roku w miesiącu i dniu początku";
    ValIcalNoYearly: "RRULE needs FREQ=YEARLY", "RRULE wymaga FREQ=YEARLY";
    ValTwice: "is defined twice", "jest zdefiniowane dwukrotnie";
    ValNoClass: "no class {name}", "nie ma klasy {name}";
    ValExtendsItself: "extends itself through its parents", "dziedziczy po sobie samej przez swoich rodziców";
    ValEnumNoValues: "an enum needs values", "lista wyboru potrzebuje wartości";
    ValNoAttribute: "{class} has no attribute {name}", "{class} nie ma atrybutu {name}";
    ValAttrNotDate: "{text} is not a date such as 2026-01-31", "{text} to nie jest data, np. 2026-01-31";
    ValOneOf: "must be one of {list}", "musi być jedną z wartości: {list}";
    ValOneOfListed: "must be one of the listed values", "musi być jedną z podanych wartości";
    ValCiWrongClass: "CI {id} is a {class}, not a {expected}", "element {id} jest klasy {class}, a nie {expected}";
    ValRelationTarget: "{type} from a {from} must go to a {allowed}, not a {to}", "{type} z klasy {from} musi prowadzić do {allowed}, nie do {to}";
    ValNotText: "must be text", "musi być tekstem";
    ValNotBool: "must be true or false", "musi być true lub false";
    ValUnknownKind: "unknown record kind {kind}; must be one of {list}", "nieznany rodzaj rekordu {kind}; dozwolone: {list}";
    ValTargetsTwice: "{priority} has targets twice", "{priority} ma cele dwukrotnie";
    ValTargetNeeded: "needs a response or a resolution target", "potrzebny jest cel reakcji lub rozwiązania";
    ValUnknownClock: "unknown clock {clock}; must be one of {list}", "nieznany zegar {clock}; dozwolone: {list}";
    ValNotStateOf: "{state} is not a state of {kinds}; must be one of {list}", "{state} to nie jest stan dla: {kinds}; dozwolone: {list}";
    ValNamesNobody: "names nobody", "nie wskazuje nikogo";
    ValUsersNeedNames: "a users list needs usernames", "lista użytkowników potrzebuje loginów";
    ValNameAGroup: "must name a group", "musi wskazywać grupę";
    ValTooLarge: "is too large: at most {max} bytes, got {got}", "jest za duże: najwyżej {max} bajtów, jest {got}";
    ValNotOneOf: "{text} is not one of {list}", "{text} nie jest jedną z wartości: {list}";
    ValNotId: "must be an id, or 0 for none", "musi być identyfikatorem albo 0 (brak)";
    ValExportWhole: "an export takes every matching record: leave it out", "eksport obejmuje wszystkie pasujące rekordy: pomiń ten parametr";
    ValTargetBelowBaseline: "must be below the baseline: lower is better for this measure", "musi być niższy niż punkt wyjścia: dla tego wskaźnika lepiej mniej";
    ValTargetAboveBaseline: "must be above the baseline: higher is better for this measure", "musi być wyższy niż punkt wyjścia: dla tego wskaźnika lepiej więcej";
    ValTargetDatePast: "must not be in the past", "nie może być w przeszłości";
    DenyImprovements: "only managers and admins can keep the improvement register", "tylko kierownicy i administratorzy prowadzą rejestr usprawnień";
    ValPanelNoKind: "the {panel} panel counts no one kind: leave the kind out", "panel {panel} nie liczy jednego rodzaju zgłoszeń: pomiń rodzaj";
    ValNotReportRecipient: "{text} is no active staff user's address: reports go only to those who may see them", "{text} to nie jest adres aktywnego pracownika: raporty trafiają tylko do tych, którzy mogą je oglądać";
    ValReportTooLarge: "the report's file would be over {max} MB", "plik raportu miałby ponad {max} MB";
    ValXlsxTooLarge: "more records match than an XLSX sheet holds ({max} rows): export them as CSV", "pasuje więcej rekordów, niż mieści arkusz XLSX ({max} wierszy): wyeksportuj je jako CSV";
    ValTextNotWhole: "{text} is not a whole number", "{text} to nie jest liczba całkowita";
    ValTextNotBool: "{text} is not true or false (also yes/no, 1/0)", "{text} to nie jest true ani false (także yes/no, 1/0)";
    ValTextNotCiId: "{text} is not a CI id", "{text} to nie jest id elementu konfiguracji";
    ValTextDecimalComma: "{text}: write decimals with a point, e.g. 1.5", "{text}: ułamki pisz z kropką, np. 1.5";
    ValTextNotNumber: "{text} is not a number", "{text} to nie jest liczba";
    ValNotTier: "{text} is not a tier: must be 1 to 4", "{text} to nie jest poziom: musi być od 1 do 4";
    ValNotAService: "only services have catalog fields; {class} is not one", "tylko usługi mają pola katalogu; {class} nie jest usługą";
    ValKbLanguageTwice: "{lang} is given twice; an article has one text per language", "{lang} podano dwukrotnie; artykuł ma jeden tekst na język";
    ValWhysTooMany: "at most {max} steps, got {got}", "najwyżej {max} kroków, jest {got}";
    DenyStaffOnly: "only agents, managers and admins can see this", "tylko agenci, kierownicy i administratorzy mogą to zobaczyć";
    DenyNoComments: "this kind of record takes no comments", "ten rodzaj zapisu nie przyjmuje komentarzy";
    DenyAudit: "only admins can read the audit log", "tylko administratorzy mogą czytać dziennik audytu";
    DenyOthersTokens: "only admins can manage other users' tokens", "tylko administratorzy mogą zarządzać tokenami innych użytkowników";
    DenyReservedFields: "only agents, managers and admins can set {fields}", "tylko agenci, kierownicy i administratorzy mogą ustawić {fields}";
    ValDemoNotEmpty: "demo data can only be loaded into a new, empty database", "dane demonstracyjne można wczytać tylko do nowej, pustej bazy";
    ValTooMany: "at most {max}", "najwyżej {max}";
    ValBetween: "must be between {min} and {max}", "musi być od {min} do {max}";
    ValTimeoutBelowInterval: "must be shorter than the interval ({interval} s)", "musi być krótszy niż odstęp ({interval} s)";
    ValNotHost: "{text} is not a host name or an IP address", "{text} to nie jest nazwa hosta ani adres IP";
    ValNotIpAddress: "{text} is not an IP address, with or without a port", "{text} to nie jest adres IP (z portem lub bez)";
    ValPluginFileName: "must be the name of a file in the plugin folder: no / or \\, not . or ..", "musi być nazwą pliku w folderze wtyczek: bez / i \\, nie . ani ..";
    ValJsonCondition: "{detail}", "nieprawidłowy warunek JSON: {detail}";
    ValHttpStatusRange: "{text} is not an HTTP status or range such as 200-299 (100 to 599)", "{text} to nie jest status HTTP ani zakres, np. 200-299 (100 do 599)";
    DenyChecks: "only managers and admins can keep checks", "tylko kierownicy i administratorzy mogą prowadzić kontrole";
    DenyAlertWindows: "only managers and admins can keep maintenance windows for alerts", "tylko kierownicy i administratorzy mogą prowadzić okna serwisowe alertów";
    ValPluginsOff: "plugin checks are off: the configuration names no checks.plugin_dir", "kontrole wtyczkami są wyłączone: konfiguracja nie podaje checks.plugin_dir";
    ValNoCiIdOrName: "no CI with the id or name {ci}", "nie ma elementu konfiguracji o id lub nazwie {ci}";
    ValTlsDaysOrder: "must not be more than the warning days ({warn})", "nie może przekraczać dni ostrzeżenia ({warn})";
    ValNotPriority: "{text} is not a priority: use 1 to 5", "{text} to nie jest priorytet: użyj 1 do 5";
    ValBadCursor: "is not a cursor from this list", "to nie jest kursor z tej listy";
    ValPriorityUnreachable: "the priority matrix gives P{p} for no impact and urgency", "macierz priorytetów nie daje P{p} dla żadnego wpływu i pilności";
    ValViewsFull: "you have {max} views; delete one first", "masz już {max} widoków; najpierw usuń jeden";
    ValMissingReference: "refers to something that does not exist", "wskazuje na coś, co nie istnieje";
    ValUsernameChars: "may contain only letters, digits and . _ - @", "może zawierać tylko litery, cyfry oraz . _ - @";
    ValNotSearchedState: "{state} is not a state of the records searched", "{state} to nie jest stan przeszukiwanych rekordów";
    ValNoSuchVersion: "the article has no such version to give feedback on", "artykuł nie ma takiej wersji do oceny";
    ValFeedbackPublished: "feedback is about a published version", "ocena dotyczy opublikowanej wersji";
    ValNoSuchArticle: "no knowledge article is numbered {number}", "nie ma artykułu bazy wiedzy o numerze {number}";
    ValSupersededByPublish: "superseded follows from publishing another version", "stan „zastąpiona” wynika z opublikowania innej wersji";
    ValNotProblemNumber: "{text} is not a problem number", "{text} to nie jest numer problemu";
    ValNoProblemNumbered: "no problem {number}", "nie ma problemu {number}";
    ValNoSuchProblem: "no such problem", "nie ma takiego problemu";
    ValGroupKeyForm: "must be service:<id>, ci:<id> or category:<name>", "musi mieć postać service:<id>, ci:<id> lub category:<nazwa>";
    ValKeyChars: "use lower-case letters, digits and _", "użyj małych liter, cyfr i _";
    ValBuiltinClass: "{key} is a built-in class", "{key} to klasa wbudowana";
    ValNameACi: "name at least one CI", "wskaż co najmniej jeden element konfiguracji";
    ValCiNotYet: "CI {id} did not exist yet at that moment", "element {id} wtedy jeszcze nie istniał";
    ValBadFile: "the file cannot be read: {detail}", "nie da się odczytać pliku: {detail}";
    ValLineRejected: "{text} is line {line}, which is rejected", "{text} to wiersz {line}, który odrzucono";
    ValNamesRows: "{text} names {n} rows of this file (lines {lines})", "{text} wskazuje {n} wierszy tego pliku (wiersze {lines})";
    ValNoCiNamed: "no CI named {name} in the CMDB or this file", "nie ma elementu o nazwie {name} w CMDB ani w tym pliku";
    ValCisNamed: "{n} CIs are named {name} ({ids}): write the one you mean by its id", "{n} elementów nazywa się {name} ({ids}): wpisz id tego, o który chodzi";
    ValRefTwice: "{ref} names another item too", "{ref} wskazuje też inny element";
    ValSentTwice: "one CI sent twice (also items[{j}])", "ten sam element wysłano dwukrotnie (także items[{j}])";
    ValNoRef: "no item has ref {ref}", "żaden element nie ma odnośnika {ref}";
    ValSelfRelation: "a CI cannot be related to itself", "element nie może być powiązany sam ze sobą";
    ValIdentifierClash: "identifier clash: it already identifies CI {id}", "konflikt identyfikatorów: już wskazuje element {id}";
    ValIdentifierClashMany: "identifier clash: this item matches {list}", "konflikt identyfikatorów: ten element pasuje do {list}";
    ValIdentifierTaken: "identifier clash: an identifier of this batch already belongs to another CI", "konflikt identyfikatorów: identyfikator z tej partii należy już do innego elementu";
    ValRetryDeadOnly: "only dead messages are retried; it is {state}", "ponawia się tylko wiadomości martwe; ta jest w stanie {state}";
    ValInternalAddress: "{host} is {ip}, an internal address; webhooks may call it only if notifications.webhook_allow names it", "{host} to {ip}, adres wewnętrzny; webhooki mogą go wywołać tylko, gdy wymienia go notifications.webhook_allow";
    ValNoSuchGroup: "no such group", "nie ma takiej grupy";
    ValKbRevisionOpen: "version {number} is already being written; change it or discard it first", "wersja {number} jest już pisana; najpierw ją zmień lub odrzuć";
    ValKbNotEditable: "version {number} is {state} and cannot be changed", "wersja {number} ma stan {state} i nie można jej zmienić";
    ValKbNoOpenVersion: "the article has no version being written: start a new version to change it", "artykuł nie ma wersji w trakcie pisania: aby go zmienić, zacznij nową wersję";
    ValMalformed: "cannot be read: {detail}", "nie da się odczytać: {detail}";
    ValNotObject: "must be a JSON object", "musi być obiektem JSON";
    ValIdByServer: "is given by the server; PUT /api/v1/cis/{id} updates a CI", "nadaje go serwer; element zmienia PUT /api/v1/cis/{id}";
    ValRefsNotHere: "name CIs by id here; refs are for /api/v1/cmdb/bulk", "tu wskazuj elementy po id; odnośniki są dla /api/v1/cmdb/bulk";
    ValIfMatchForm: "must be the ETag you received, e.g. \"3\"", "musi być otrzymanym ETagiem, np. \"3\"";
    ValVersionDiffers: "differs from the If-Match header", "różni się od nagłówka If-Match";
    ValPartTooLong: "is too long", "jest za długie";
    ValNotUtf8: "is not UTF-8 text", "to nie jest tekst UTF-8";
    ValOwnPassword: "change your own password with PUT /api/v1/me/password", "własne hasło zmień przez PUT /api/v1/me/password";
    DenyDenied: "Not allowed.", "Brak uprawnień.";
    ValNoStaffNamed: "no staff user named {who}", "nie ma pracownika wsparcia o nazwie {who}";
    ValInvalidLabelName: "{name} is not a valid label name: letters, digits and _, not starting with a digit", "{name} to nie jest poprawna nazwa etykiety: litery, cyfry i _, bez cyfry na początku";
    ValNoLabels: "an alert needs at least one label with a value", "alert potrzebuje co najmniej jednej etykiety z wartością";
    ValNotFingerprint: "{text} is not a fingerprint: 1 to 16 hexadecimal digits", "{text} to nie jest odcisk: od 1 do 16 cyfr szesnastkowych";
    ValBadMatcher: "{matcher} is not a matcher: name, one of = != =~ !~, value", "{matcher} to nie jest warunek: nazwa, jedno z = != =~ !~, wartość";
    ValMatcherQuote: "{matcher} has a double quote inside its value: write it as \\\"", "{matcher} ma cudzysłów wewnątrz wartości: zapisz go jako \\\"";
    ValInvalidRegex: "{matcher}: invalid regular expression: {error}", "{matcher}: błędne wyrażenie regularne: {error}";
    ValNoMatchers: "a silence needs at least one matcher", "wyciszenie potrzebuje co najmniej jednego warunku";
    ValMatchersMatchEmpty: "at least one matcher must not match the empty string (the silence would mute every alert)", "co najmniej jeden warunek nie może pasować do pustego tekstu (wyciszenie objęłoby każdy alert)";
    ValEndsInPast: "must not be in the past", "nie może być w przeszłości";
    ValUnknownReceiver: "no receiver named {name}", "nie ma odbiorcy o nazwie {name}";
    ValRootRouteReceiver: "the root route needs a receiver", "główna trasa potrzebuje odbiorcy";
    ValRootRouteMatchers: "the root route takes every alert: it has no matchers", "główna trasa przyjmuje każdy alert: nie ma warunków";
    ValRootRouteContinue: "the root route has no siblings: continue is not allowed", "główna trasa nie ma sąsiadów: continue jest niedozwolone";
    ValGroupByTwice: "{name} is listed twice", "{name} występuje dwa razy";
    ValGroupByAllAndNames: "... (every label) cannot stand beside label names", "... (wszystkie etykiety) nie może stać obok nazw etykiet";
    ValDurationTooLong: "must be at most {max} seconds (a year)", "może wynosić najwyżej {max} sekund (rok)";
    ValReceiverName: "must be 1 to {max} characters, without control characters or spaces around", "musi mieć od 1 do {max} znaków, bez znaków sterujących i spacji na brzegach";
    ValDuplicateReceiver: "{name} is named twice", "{name} występuje dwa razy";
    ValWebhookOrUrl: "name a webhook (its id or name) or give a URL, not both", "wskaż webhook (jego id lub nazwę) albo podaj adres URL, nie oba";
    ValNoWebhook: "no webhook named {name}", "nie ma webhooka o nazwie {name}";
    DenyAlertRouting: "only managers and admins can change the alert routing", "tylko kierownicy i administratorzy mogą zmieniać kierowanie alertów";
    ValNoCiAttribute: "no CI class has the attribute {name}", "żadna klasa CI nie ma atrybutu {name}";
    ValAttributeOnlyWithMatch: "only a rule with match attribute names an attribute", "atrybut podaje tylko reguła z match attribute";
    ValCiRuleTwice: "the same label and match as rules[{j}]", "ta sama etykieta i dopasowanie co rules[{j}]";
    DenyAlertCiRules: "only managers and admins can change the alert CI rules", "tylko kierownicy i administratorzy mogą zmieniać reguły przypisywania alertów do CI";
    // Service-level settings
    ServiceLevelsTitle: "Service levels", "Poziomy usług";
    Name: "Name", "Nazwa";
    TimeZone: "Time zone", "Strefa czasowa";
    WorkingHours: "Working hours", "Godziny pracy";
    Holidays: "Holidays", "Dni wolne";
    IcalFile: "iCalendar file (.ics) of days off", "Plik iCalendar (.ics) z dniami wolnymi";
    Position: "Position", "Kolejność";
    Active: "Active", "Aktywna";
    Calendar: "Calendar", "Kalendarz";
    AppliesTo: "Applies to", "Dotyczy";
    Targets: "Targets", "Cele";
    Thresholds: "Warning thresholds (%)", "Progi ostrzeżeń (%)";
    ThresholdsHint: "Percent of the target, rising, e.g. 50, 75, 90", "Procent celu, rosnąco, np. 50, 75, 90";
    ListHint: "Comma-separated; empty for any", "Oddzielone przecinkami; puste oznacza dowolne";
    Services: "Services", "Usługi";
    ValNotInterval: "{text} is not a time range; write it as 08:00-16:00", "{text} to nie jest przedział czasu; wpisz go jak 08:00-16:00";
    ValNotDuration: "{text} is not a duration; write it as 30m, 4h or 1h 30m", "{text} to nie jest czas trwania; wpisz go jak 30m, 4h lub 1h 30m";
    ValNotPercent: "{text} is not a whole percent", "{text} to nie jest liczba całkowita procentów";
    ValNotWhole: "must be a whole number", "musi być liczbą całkowitą";
    ValPositive: "must be longer than zero", "musi być dłuższy niż zero";
    ValNoTargets: "needs at least one priority with a target", "potrzebny jest co najmniej jeden priorytet z celem";
    ValOverlaps: "overlaps {other}; intervals of one day must not overlap", "nakłada się na {other}; przedziały jednego dnia nie mogą się nakładać";
    ValInverted: "starts at {start} but ends at {end}; the start must be before the end", "zaczyna się o {start}, a kończy o {end}; początek musi być przed końcem";
    ValUnknownZone: "unknown time zone {zone}; use an IANA name such as Europe/Warsaw", "nieznana strefa czasowa {zone}; użyj nazwy IANA, np. Europe/Warsaw";
    ValNotTime: "{text} is not a time; write HH:MM, e.g. 08:30", "{text} to nie jest godzina; wpisz GG:MM, np. 08:30";
    ValThresholdRange: "{p} % is not between 1 and 99", "{p} % nie mieści się między 1 a 99";
    ValThresholdRising: "{p} % must be above the one before it", "{p} % musi być większy od poprzedniego";
    ValNoCalendar: "no calendar has id {id}", "nie ma kalendarza o identyfikatorze {id}";
    ValNameTaken: "another one already has this name", "ta nazwa jest już zajęta";
    ValNoHours: "no working hours on any day; add at least one interval", "brak godzin pracy w każdym dniu; dodaj co najmniej jeden przedział";
    DenyOutbox: "only admins can see the outbox", "tylko administratorzy widzą skrzynkę nadawczą";
    DenyWebhooks: "only admins can manage webhooks", "tylko administratorzy zarządzają webhookami";
    DenyRetry: "only admins can retry messages", "tylko administratorzy mogą ponawiać wysyłkę";
    // Escalation rules, OLAs and webhooks (admin screens; issue 9 item 9, issue 10 item 3)
    DenyEscalationAdmin: "Only admins can manage escalation rules, OLAs and webhooks here.", "Tylko administratorzy mogą tu zarządzać regułami eskalacji, umowami OLA i webhookami.";
    EscValPercent: "must be a whole number from 1 to 100", "musi być liczbą całkowitą od 1 do 100";
    EscValAfter: "is required for a waiting trigger, e.g. 15m", "jest wymagane dla wyzwalacza czasowego, np. 15m";
    EscValNoAction: "choose at least one action", "wybierz co najmniej jedno działanie";
    EscValNoGroupAndGroups: "cannot be combined with assignment groups", "nie można łączyć z wybranymi grupami";
    OlaValThresholds: "must be rising percents between 1 and 99", "muszą być rosnącymi procentami od 1 do 99";
    WhValUrl: "must be an http:// or https:// address with a host", "musi być adresem http:// lub https:// z nazwą hosta";
    WhValSecretShort: "is too short: at least 16 characters", "jest za krótki: co najmniej 16 znaków";
    // Notifications (admin page, watching)
    NotificationsTitle: "Notifications", "Powiadomienia";
    ColEvent: "Event", "Zdarzenie";
    FlashWatching: "You are watching this incident: its updates will come by email.", "Obserwujesz ten incydent: zmiany przyjdą e-mailem.";
    FlashUnwatched: "You no longer watch this incident.", "Nie obserwujesz już tego incydentu.";
    Watch: "Watch", "Obserwuj";
    Unwatch: "Stop watching", "Przestań obserwować";
    // Phones, CMDB pages and accessibility (issue 9: items 7, 10, 11, 12)
    Menu: "Menu", "Menu";
    // The search box's refusals (issue 11), chosen by `QueryError` in ui/search_texts.rs
    SearchTooLong: "is too long: at most {max} characters", "jest za długie: najwyżej {max} znaków";
    SearchUnbalancedQuotes: "has a quotation mark that is not closed", "ma niezamknięty cudzysłów";
    SearchNothingLeft: "has nothing to search for: only punctuation or symbols", "nie zawiera nic do wyszukania: same znaki interpunkcyjne lub symbole";
    SearchStopWordsOnly: "has only common words such as \"the\" or \"i\": add a word that says what you are looking for", "zawiera tylko częste słowa, takie jak „i” czy „w”: dodaj słowo, które mówi, czego szukasz";
    // The search page's filters and results (issue 11)
    // Knowledge base (issue 11 items 9 and 10): list, article page, editor
    KbStale: "This article changed after you loaded the page, so nothing was saved.", "Ten artykuł zmienił się po wczytaniu strony, więc nic nie zapisano.";
    DenyKbNotPublished: "This article is not published.", "Ten artykuł nie jest opublikowany.";
    DenyKbStaffOnly: "This article is for staff only.", "Ten artykuł jest tylko dla personelu.";
    DenyKbWrite: "Only agents, managers and admins can write articles.", "Tylko agenci, kierownicy i administratorzy mogą pisać artykuły.";
    DenyKbDraft: "Only its author, managers and admins can change a draft.", "Szkic może zmieniać tylko jego autor, kierownik lub administrator.";
    DenyKbPublish: "Only managers and admins can publish articles.", "Tylko kierownicy i administratorzy mogą publikować artykuły.";
    DenyKbRetire: "Only managers and admins can retire articles.", "Tylko kierownicy i administratorzy mogą wycofywać artykuły.";
    DenyKbSelfReview: "The author cannot review their own article: another manager or admin must publish it.", "Autor nie może recenzować własnego artykułu: musi go opublikować inny kierownik lub administrator.";
    ValKbReviewFirst: "this article must be reviewed before it is published: submit it for review first", "ten artykuł musi przejść recenzję przed publikacją: najpierw wyślij go do recenzji";
    ValKbReviewByPast: "review_by must be in the future", "data przeglądu musi być w przyszłości";
    ValKbOneLanguage: "translations: at least one language is required", "potrzebny jest tekst w co najmniej jednym języku";
}

plurals! {
    /// A count every area uses; `{n}` is the number.
    enum Plural;
    Seconds: ["{n} second", "{n} seconds"], ["{n} sekundę", "{n} sekundy", "{n} sekund"];
    Minutes: ["{n} minute", "{n} minutes"], ["{n} minutę", "{n} minuty", "{n} minut"];
    MinutesAgo: ["{n} minute ago", "{n} minutes ago"], ["{n} minutę temu", "{n} minuty temu", "{n} minut temu"];
    HoursAgo: ["{n} hour ago", "{n} hours ago"], ["{n} godzinę temu", "{n} godziny temu", "{n} godzin temu"];
    DaysAgo: ["yesterday", "{n} days ago"], ["wczoraj", "{n} dni temu", "{n} dni temu"];
    Times: ["{n} time", "{n} times"], ["{n} raz", "{n} razy", "{n} razy"];
    Incidents: ["{n} incident", "{n} incidents"], ["{n} incydent", "{n} incydenty", "{n} incydentów"];
    Problems: ["{n} problem", "{n} problems"], ["{n} problem", "{n} problemy", "{n} problemów"];
}

/// "just now" is not a count, so it lives here.
pub fn just_now(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "just now",
        Lang::Pl => "przed chwilą",
    }
}

pub fn month_abbr(lang: Lang, month: i8) -> &'static str {
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const PL: [&str; 12] = ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"];
    let i = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
    match lang {
        Lang::En => EN[i],
        Lang::Pl => PL[i],
    }
}

pub fn state(lang: Lang, s: IncidentState) -> &'static str {
    t(
        lang,
        match s {
            IncidentState::New => Msg::StateNew,
            IncidentState::InProgress => Msg::StateInProgress,
            IncidentState::OnHold => Msg::StateOnHold,
            IncidentState::Resolved => Msg::StateResolved,
            IncidentState::Closed => Msg::StateClosed,
            IncidentState::Cancelled => Msg::StateCancelled,
        },
    )
}

/// A record kind's name in the plural, as choices of what a rule or an
/// SLA applies to show it.
pub fn record_kind(lang: Lang, kind: &str) -> Cow<'static, str> {
    match kind {
        "incident" => Cow::Borrowed(t(lang, Msg::RecordKindIncidents)),
        "problem" => Cow::Borrowed(t(lang, Msg::RecordKindProblems)),
        other => Cow::Owned(other.to_owned()),
    }
}

/// The label of a state of any kind with SLAs, by its stored name.
pub fn any_state(lang: Lang, s: &str) -> Cow<'static, str> {
    if let Ok(st) = s.parse::<IncidentState>() {
        Cow::Borrowed(state(lang, st))
    } else if let Ok(st) = s.parse::<steward_domain::problem::ProblemState>() {
        Cow::Borrowed(crate::ui::problem_texts::state(lang, st))
    } else {
        Cow::Owned(s.to_owned())
    }
}

pub fn hold_reason(lang: Lang, r: HoldReason) -> &'static str {
    t(
        lang,
        match r {
            HoldReason::AwaitingCaller => Msg::HoldAwaitingCaller,
            HoldReason::AwaitingVendor => Msg::HoldAwaitingVendor,
            HoldReason::AwaitingChange => Msg::HoldAwaitingChange,
        },
    )
}

pub fn resolution_code(lang: Lang, c: ResolutionCode) -> &'static str {
    t(
        lang,
        match c {
            ResolutionCode::Solved => Msg::ResSolved,
            ResolutionCode::Workaround => Msg::ResWorkaround,
            ResolutionCode::NotReproducible => Msg::ResNotReproducible,
            ResolutionCode::Duplicate => Msg::ResDuplicate,
            ResolutionCode::ResolvedByCaller => Msg::ResResolvedByCaller,
            ResolutionCode::NoFaultFound => Msg::ResNoFaultFound,
        },
    )
}

pub fn role(lang: Lang, r: Role) -> &'static str {
    t(
        lang,
        match r {
            Role::Requester => Msg::RoleRequester,
            Role::Agent => Msg::RoleAgent,
            Role::Manager => Msg::RoleManager,
            Role::Admin => Msg::RoleAdmin,
        },
    )
}

/// "Critical" … "Planning" for P1 … P5.
pub fn priority_name(lang: Lang, p: i64) -> &'static str {
    t(
        lang,
        match p {
            1 => Msg::PriorityP1,
            2 => Msg::PriorityP2,
            3 => Msg::PriorityP3,
            4 => Msg::PriorityP4,
            _ => Msg::PriorityP5,
        },
    )
}

/// The label of an incident field as the use cases name it.
pub fn field(lang: Lang, name: &str) -> Cow<'static, str> {
    let m = match name {
        "title" => Msg::Title,
        "description" => Msg::Description,
        "state" => Msg::State,
        "hold_reason" => Msg::HoldReason,
        "impact" => Msg::Impact,
        "urgency" => Msg::Urgency,
        "priority" => Msg::Priority,
        "category" => Msg::Category,
        "service" => Msg::Service,
        "assignment_group" => Msg::Group,
        "assignee" => Msg::Assignee,
        "requester" => Msg::Requester,
        "major" => Msg::MajorIncident,
        "resolution_code" => Msg::ResolutionCode,
        "resolution_notes" => Msg::ResolutionNotes,
        "reopen_count" => Msg::FieldReopenCount,
        "organisation" => Msg::Organisation,
        "attachment" => Msg::FieldAttachment,
        "sla" => Msg::SlaName,
        "sla_response" => Msg::SlaResponse,
        "sla_resolution" => Msg::SlaResolution,
        "sla_group" => Msg::SlaGroupTime,
        "escalation" => Msg::FieldEscalation,
        "problem" => Msg::FieldProblem,
        "notified" => Msg::FieldNotified,
        "body" | "comment" => Msg::Comment,
        "file" => Msg::File,
        "text" => Msg::FilterText,
        "group" => Msg::GroupShort,
        "opened_from" => Msg::OpenedFrom,
        "opened_to" => Msg::OpenedBefore,
        "cursor" => Msg::Pages,
        "sort" => Msg::SortOrder,
        "query" => Msg::Filters,
        "name" => Msg::Name,
        "time_zone" => Msg::TimeZone,
        "week" => Msg::WorkingHours,
        "calendar_id" => Msg::Calendar,
        "position" => Msg::Position,
        "thresholds" => Msg::Thresholds,
        "targets" => Msg::Targets,
        "active" => Msg::Active,
        "conditions" => Msg::AppliesTo,
        "holidays" => Msg::Holidays,
        "pause_on" => Msg::FieldPauseOn,
        "ical" => Msg::IcalFile,
        "cis" => Msg::ConfigurationItems,
        other => {
            return crate::ui::problem_texts::field(lang, other)
                .or_else(|| crate::ui::change_texts::field(lang, other))
                .or_else(|| crate::ui::task_texts::field(lang, other))
                .or_else(|| crate::ui::link_texts::field(lang, other))
                .map_or_else(|| Cow::Owned(other.replace('_', " ")), Cow::Borrowed);
        }
    };
    Cow::Borrowed(t(lang, m))
}

/// A field's message from the use cases (validation, written in English
/// there) in the UI's language, chosen by its code (see `i18n_codes`).
pub fn app_message(lang: Lang, e: &steward_app::FieldError) -> Cow<'_, str> {
    crate::i18n_codes::field_error(lang, e)
}

/// A byte count for people: "10 MB", "512 kB" (binary multiples, as
/// file managers and the configured limits count them).
pub fn size(bytes: u64) -> String {
    const KB: u64 = 1024;
    match bytes {
        b if b >= KB * KB => format!("{:.1} MB", b as f64 / (KB * KB) as f64).replace(".0 MB", " MB"),
        b if b >= KB => format!("{} kB", b.div_ceil(KB)),
        b => format!("{b} B"),
    }
}

/// A wait for people: seconds under two minutes, minutes above.
pub fn wait(lang: Lang, secs: u64) -> String {
    if secs < 120 { tn(lang, Plural::Seconds, secs) } else { tn(lang, Plural::Minutes, secs.div_ceil(60)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_is_negotiated_by_quality() {
        assert_eq!(negotiate("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7"), Some(Lang::Pl));
        assert_eq!(negotiate("en-GB,en;q=0.9,pl;q=0.8"), Some(Lang::En));
        assert_eq!(negotiate("de-DE, pl;q=0.5, en;q=0.4"), Some(Lang::Pl));
        assert_eq!(negotiate("en;q=0.2, PL;q=0.9"), Some(Lang::Pl));
        assert_eq!(negotiate("pl;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(negotiate("fr, de;q=0.8"), None);
        assert_eq!(negotiate("*"), None);
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate("pl;q=2, en;q=0.5"), Some(Lang::En), "an invalid q counts as 0");
        assert_eq!(negotiate("pl;q=abc"), None);
        assert_eq!(negotiate("en;q=0.5, pl;q=0.5"), Some(Lang::En), "ties keep the header's order");
        assert_eq!(negotiate("pl ; q = 0.7 , en;q=0.6"), Some(Lang::Pl));
    }

    #[test]
    fn the_setting_beats_the_browser() {
        assert_eq!(Lang::choose(Some("pl"), Some("en"), Lang::En), Lang::Pl);
        assert_eq!(Lang::choose(None, Some("pl-PL"), Lang::En), Lang::Pl);
        assert_eq!(Lang::choose(Some("xx"), Some("pl"), Lang::En), Lang::Pl);
        assert_eq!(Lang::choose(None, None, Lang::En), Lang::En);
        assert_eq!(Lang::choose(None, Some("fr"), Lang::En), Lang::En);
        assert_eq!(Lang::choose(None, Some("fr"), Lang::Pl), Lang::Pl, "the site's default comes last");
        assert_eq!(Lang::choose(None, Some("en"), Lang::Pl), Lang::En);
    }

    #[test]
    fn polish_plurals() {
        let forms: Vec<String> = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 112, 1_000_002]
            .into_iter()
            .map(|n| tn(Lang::Pl, Plural::Seconds, n))
            .collect();
        assert_eq!(
            forms,
            [
                "1 sekundę",
                "2 sekundy",
                "4 sekundy",
                "5 sekund",
                "11 sekund",
                "12 sekund",
                "14 sekund",
                "21 sekund",
                "22 sekundy",
                "25 sekund",
                "112 sekund",
                "1000002 sekundy"
            ]
        );
        assert_eq!(tn(Lang::En, Plural::Seconds, 1), "1 second");
        assert_eq!(tn(Lang::En, Plural::Seconds, 0), "0 seconds");
        assert_eq!(tn(Lang::Pl, Plural::Incidents, 0), "0 incydentów");
    }

    #[test]
    fn sizes_and_waits() {
        assert_eq!(size(10 * 1024 * 1024), "10 MB");
        assert_eq!(size(1536 * 1024), "1.5 MB");
        assert_eq!(size(1500), "2 kB");
        assert_eq!(size(12), "12 B");
        assert_eq!(wait(Lang::En, 30), "30 seconds");
        assert_eq!(wait(Lang::Pl, 900), "15 minut");
    }

    #[test]
    fn labels_for_every_state_reason_and_code() {
        for &s in IncidentState::ALL {
            assert_ne!(state(Lang::En, s), state(Lang::Pl, s));
        }
        assert_eq!(hold_reason(Lang::Pl, HoldReason::AwaitingVendor), "Oczekuje na dostawcę");
        assert_eq!(resolution_code(Lang::En, ResolutionCode::NoFaultFound), "No fault found");
        assert_eq!(field(Lang::Pl, "assignment_group"), "Grupa");
        assert_eq!(field(Lang::En, "something_else"), "something else");
        assert_eq!(Lang::from_code("pl-PL"), Some(Lang::Pl));
    }
}
