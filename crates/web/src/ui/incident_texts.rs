//! The incidents' texts in English and Polish: the list, the new and edit
//! forms, the incident page with its side panels and state changes, and
//! the notices after their posts. (The words every record kind's pieces
//! share, field names and states stay in the shared `Msg`.)

crate::i18n::catalogue! {
    /// A text of the incidents' pages.
    enum IncMsg;
    // Navigation
    NavIncidents: "Incidents", "Incydenty";
    // The incident list
    OpenStates: "Open (new, in progress, on hold)", "Otwarte (nowe, w toku, wstrzymane)";
    NoMatches: "No incidents match these filters.", "Żaden incydent nie pasuje do tych filtrów.";
    SlaBreachingSoon: "Breaching soon (within an hour)", "Bliskie przekroczenia SLA (w ciągu godziny)";
    SlaBreachedFilter: "Breached", "Naruszone";
    CountMore: "{n}+ incidents", "{n}+ incydentów";
    FlashViewSaved: "View saved.", "Zapisano widok.";
    FlashViewDeleted: "View deleted.", "Usunięto widok.";
    ExportHint: "Every incident these filters find, in this order", "Wszystkie incydenty pasujące do tych filtrów, w tej kolejności";
    // The incident form
    NewIncidentTitle: "New incident", "Nowy incydent";
    ParentHint: "An incident number, e.g. {number}", "Numer incydentu, np. {number}";
    RequesterHint: "A username; empty means you", "Nazwa użytkownika; puste oznacza Ciebie";
    RequesterHintEdit: "A username; start typing for suggestions", "Nazwa użytkownika; zacznij pisać, by zobaczyć podpowiedzi";
    CreateIncident: "Create incident", "Utwórz incydent";
    StaleEdit: "Someone else changed this incident while you were working on it, so nothing was saved.", "Ktoś inny zmienił ten incydent w międzyczasie, więc nic nie zapisano.";
    // The incident page and its side panels
    FirstResponse: "First response", "Pierwsza odpowiedź";
    ChildIncidents: "Child incidents", "Incydenty podrzędne";
    Related: "Related incidents", "Powiązane incydenty";
    // State changes
    ActStart: "Start work", "Rozpocznij pracę";
    ActResume: "Resume work", "Wznów pracę";
    ActReopen: "Reopen", "Otwórz ponownie";
    ActHold: "Put on hold", "Wstrzymaj";
    ActCancel: "Cancel incident", "Anuluj incydent";
    ActConfirm: "Yes, it is fixed – close it", "Tak, działa – zamknij";
    ActNotFixed: "No, it is not fixed – reopen", "Nadal nie działa – otwórz ponownie";
    ActCancelMine: "Cancel my report", "Wycofaj zgłoszenie";
    ConfirmCancel: "Cancel this incident? This cannot be undone.", "Anulować ten incydent? Tego nie można cofnąć.";
    AskConfirm: "The service desk thinks this is fixed. Is it?", "Zespół wsparcia uważa, że problem rozwiązano. Czy tak jest?";
    CommentOptional: "Comment (optional, public)", "Komentarz (opcjonalny, publiczny)";
    FinalState: "This incident is final; its state can no longer change.", "Ten incydent jest zakończony; jego stanu nie można już zmienić.";
    TransitionRefused: "That state change is not possible now.", "Ta zmiana stanu nie jest teraz możliwa.";
    // Notices after a successful post
    FlashCreated: "Incident {number} created.", "Utworzono incydent {number}.";
    FlashReported: "Thank you. We have received your report {number}.", "Dziękujemy. Przyjęliśmy zgłoszenie {number}.";
    FlashAssigned: "Assigned to you.", "Przypisano do Ciebie.";
}
