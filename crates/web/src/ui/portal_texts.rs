//! The requester portal's texts in English and Polish: "My incidents"
//! and the report form.

crate::i18n::catalogue! {
    /// A text of the requester portal's pages.
    enum PortalMsg;
    // Navigation
    NavReport: "Report an incident", "Zgłoś problem";
    // My incidents
    MyIncidentsTitle: "My incidents", "Moje zgłoszenia";
    TabOpen: "Open", "Otwarte";
    TabAll: "All", "Wszystkie";
    NothingReported: "You have not reported anything yet.", "Nie masz jeszcze żadnych zgłoszeń.";
    NothingOpen: "Nothing open. Everything you reported is dealt with.", "Nic otwartego. Wszystkie Twoje zgłoszenia są załatwione.";
    // The report form
    ReportTitle: "Report an incident", "Zgłoś problem";
    ReportIntro: "Tell us what is wrong. The service desk will get back to you here.", "Opisz, co nie działa. Zespół wsparcia odpowie Ci tutaj.";
    KbSearchFirst: "Search the knowledge base first", "Najpierw przeszukaj bazę wiedzy";
    WhatsWrong: "What is wrong?", "Co nie działa?";
    WhatsWrongHint: "A short summary, e.g. “Cannot print on the 3rd floor”", "Krótko, np. „Nie mogę drukować na 3. piętrze”";
    TellMore: "Tell us more", "Opisz dokładniej";
    TellMoreHint: "What happened, since when, the exact error message", "Co się stało, od kiedy, dokładna treść błędu";
    WhichService: "Which service? (optional)", "Której usługi dotyczy? (opcjonalnie)";
    DontKnow: "I don’t know", "Nie wiem";
    WhoAffected: "Who is affected?", "Kogo to dotyczy?";
    ImpactCompany: "The whole company", "Całej firmy";
    ImpactTeam: "My team", "Mojego zespołu";
    ImpactJustMe: "Just me", "Tylko mnie";
    HowUrgent: "How urgent is it?", "Jak pilne to jest?";
    UrgencyCantWork: "I cannot work at all", "W ogóle nie mogę pracować";
    UrgencySlowed: "My work is slowed down", "Praca jest utrudniona";
    UrgencyCanWait: "It can wait", "Może poczekać";
}
