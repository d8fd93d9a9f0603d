//! The alert pages' texts in English and Polish: the console, one alert,
//! silencing it, the silences.

crate::i18n::catalogue! {
    /// A text of the alert pages.
    enum AlertMsg;
    // The alert console (issue 13, item 7)
    NavAlerts: "Alerts", "Alerty";
    Title: "Alerts", "Alerty";
    Show: "Show", "Pokaż";
    Firing: "Firing now", "Aktywne teraz";
    All: "All, resolved too", "Wszystkie, także rozwiązane";
    Filter: "Matchers", "Dopasowania";
    FilterHint: "As Alertmanager reads them, e.g. {severity=\"critical\",instance=~\"db-.*\"}", "Tak jak czyta je Alertmanager, np. {severity=\"critical\",instance=~\"db-.*\"}";
    Acknowledged: "Acknowledged", "Potwierdzone";
    Views: "Views", "Widoki";
    ListView: "List", "Lista";
    GroupView: "Group view", "Widok grup";
    Alert: "Alert", "Alert";
    Severity: "Severity", "Ważność";
    Labels: "Labels", "Etykiety";
    Started: "Started", "Początek";
    AckedBy: "Acknowledged by", "Potwierdził(a)";
    Actions: "Actions", "Działania";
    Acknowledge: "Acknowledge", "Potwierdź";
    Unacknowledge: "Take back", "Cofnij potwierdzenie";
    Older: "Older alerts", "Starsze alerty";
    Newest: "Newest alerts", "Najnowsze alerty";
    NoAlerts: "No alert matches these filters.", "Żaden alert nie pasuje do tych filtrów.";
    NoFiring: "No alert is firing.", "Żaden alert nie jest aktywny.";
    FixFilter: "Correct the matchers to see the alerts.", "Popraw dopasowania, aby zobaczyć alerty.";
    StateActive: "Active", "Aktywny";
    StateSuppressed: "Suppressed", "Wyciszony";
    StateResolved: "Resolved", "Rozwiązany";
    AlertName: "Alert name", "Nazwa alertu";
    Silenced: "Silenced", "Wyciszone";
    NoName: "(no alertname)", "(bez alertname)";
    GroupHint: "The firing alerts by name: open a group to see its alerts.", "Aktywne alerty według nazwy: otwórz grupę, aby zobaczyć jej alerty.";
    FlashAcked: "The alert is acknowledged.", "Alert potwierdzono.";
    FlashUnacked: "The acknowledgement is taken back.", "Cofnięto potwierdzenie alertu.";
    FlashAssigned: "The assignee is saved.", "Zapisano osobę przypisaną.";
    FlashSilenced: "The silence is in force: matching alerts are muted until it ends.", "Wyciszenie obowiązuje: pasujące alerty są wyciszone do jego końca.";
    FlashExpired: "The silence has ended.", "Wyciszenie zakończono.";
    // One alert
    Fingerprint: "Fingerprint", "Odcisk";
    Annotations: "Annotations", "Adnotacje";
    NoAnnotations: "No annotations.", "Brak adnotacji.";
    Name: "Name", "Nazwa";
    Value: "Value", "Wartość";
    Times: "Times", "Czasy";
    Ends: "Ends", "Koniec";
    Ended: "Ended", "Zakończony";
    LastSent: "Last sent", "Ostatnio wysłany";
    FirstReceived: "First received", "Pierwszy raz odebrany";
    Source: "Source", "Źródło";
    Handling: "Handling", "Obsługa";
    AckedByWhen: "Acknowledged by {who}, {when}.", "Potwierdził(a): {who}, {when}.";
    NotAcked: "Not acknowledged.", "Niepotwierdzony.";
    Assign: "Assign", "Przypisz";
    NoOne: "No one", "Nikt";
    SilencedBy: "Silenced by", "Wyciszony przez";
    NotSilenced: "No silence mutes it.", "Żadne wyciszenie go nie wycisza.";
    InhibitedBy: "Inhibited while this alert fires:", "Wstrzymany, dopóki trwa ten alert:";
    InhibitionRule: "an inhibition rule", "reguła wstrzymywania";
    History: "History", "Historia";
    NoHistory: "No history yet.", "Brak historii.";
    EvFired: "Fired", "Uruchomiony";
    EvResolved: "Resolved", "Rozwiązany";
    EvAcknowledged: "Acknowledged", "Potwierdzony";
    EvUnacknowledged: "Acknowledgement taken back", "Cofnięto potwierdzenie";
    EvAssigned: "Assigned to {who}", "Przypisany do: {who}";
    EvUnassigned: "Assigned to no one", "Nieprzypisany";
    By: "by {who}", "kto: {who}";
    // Silencing an alert
    SilenceTitle: "Silence this alert", "Wycisz ten alert";
    SilenceHint: "The silence mutes every alert whose labels match all the ticked ones: untick those it should not require.", "Wyciszenie wycisza każdy alert, którego etykiety pasują do wszystkich zaznaczonych: odznacz te, których nie powinno wymagać.";
    Matchers: "Matchers", "Dopasowania";
    Duration: "Duration", "Czas trwania";
    Minutes15: "15 minutes", "15 minut";
    Hour1: "1 hour", "1 godzina";
    Hours4: "4 hours", "4 godziny";
    Day1: "1 day", "1 dzień";
    Week1: "1 week", "1 tydzień";
    UntilEnd: "Until the end time below", "Do czasu końca poniżej";
    EndsAt: "End time", "Czas końca";
    EndsAtHint: "Only with \"Until the end time below\"; in your zone, {zone}.", "Tylko z opcją „Do czasu końca poniżej”; w Twojej strefie, {zone}.";
    CommentHint: "Why it is silenced: others see it on the silence.", "Dlaczego wyciszono: inni zobaczą to przy wyciszeniu.";
    SilenceButton: "Silence", "Wycisz";
    SilenceErrors: "The silence was not made: see the fields below.", "Nie utworzono wyciszenia: zobacz pola poniżej.";
    // The silences
    SilencesTitle: "Silences", "Wyciszenia";
    Live: "In force and pending", "Obowiązujące i oczekujące";
    Expired: "Ended", "Zakończone";
    NoLive: "No silence is in force or pending.", "Żadne wyciszenie nie obowiązuje ani nie oczekuje.";
    NoExpired: "No silence has ended yet.", "Żadne wyciszenie się jeszcze nie zakończyło.";
    ExpiredShown: "The {n} that ended last.", "Ostatnie zakończone: {n}.";
    SilPending: "Pending", "Oczekuje";
    SilActive: "Active", "Obowiązuje";
    SilExpired: "Ended", "Zakończone";
    Span: "From – to", "Od – do";
    CreatedBy: "Created by", "Utworzył(a)";
    Expire: "End now", "Zakończ teraz";
}
