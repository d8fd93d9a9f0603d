//! The check pages' texts in English and Polish: the list, one check with
//! its history, the forms, a service's availability and the probable
//! cause on an incident.

crate::i18n::catalogue! {
    /// A text of the check pages.
    enum CheckMsg;
    // The list (issue 13, item 7)
    NavChecks: "Checks", "Sprawdzenia";
    Title: "Checks", "Sprawdzenia";
    NewCheck: "New check", "Nowe sprawdzenie";
    Kind: "Kind", "Rodzaj";
    Target: "Target", "Cel";
    Watches: "Watches", "Obserwuje";
    LastRun: "Last run", "Ostatnie uruchomienie";
    LastOutput: "Last output", "Ostatni wynik";
    NextRun: "Next run", "Następne uruchomienie";
    TextFilter: "Name or target contains", "Nazwa lub cel zawiera";
    ServiceFilter: "Service (name or id)", "Usługa (nazwa lub id)";
    NoChecks: "No check matches these filters.", "Żadne sprawdzenie nie pasuje do tych filtrów.";
    NoChecksYet: "No checks yet.", "Nie ma jeszcze sprawdzeń.";
    FixFilters: "Correct the filters to see the checks.", "Popraw filtry, aby zobaczyć sprawdzenia.";
    Never: "Not run yet", "Jeszcze nie uruchomione";
    Disabled: "Disabled", "Wyłączone";
    Soft: "soft", "miękki";
    Hard: "hard", "twardy";
    Flapping: "Flapping", "Niestabilne";
    AttemptOf: "attempt {attempt} of {max}", "próba {attempt} z {max}";
    StatusOk: "OK", "OK";
    StatusWarning: "Warning", "Ostrzeżenie";
    StatusCritical: "Critical", "Krytyczny";
    StatusUnknown: "Unknown", "Nieznany";
    FlashDeleted: "The check is deleted with its history.", "Sprawdzenie usunięto wraz z historią.";
    FlashCreated: "The check is made: it first runs at its slot in the interval.", "Sprawdzenie utworzono: pierwszy raz uruchomi się w swoim miejscu w interwale.";
    // One check
    Definition: "Definition", "Definicja";
    CurrentState: "Current state", "Stan obecny";
    Output: "Output", "Wynik";
    NoOutput: "No output yet.", "Brak wyniku.";
    PerfData: "Performance data", "Dane wydajności";
    Label: "Label", "Etykieta";
    Measured: "Value", "Wartość";
    WarnAt: "Warning", "Ostrzeżenie";
    CritAt: "Critical", "Krytyczny";
    History: "History", "Historia";
    Period: "Period", "Okres";
    P1h: "1 hour", "1 godzina";
    P24h: "24 hours", "24 godziny";
    P7d: "7 days", "7 dni";
    P30d: "30 days", "30 dni";
    P90d: "90 days", "90 dni";
    ChartLabel: "{name}: status and response time over {period}", "{name}: stan i czas odpowiedzi w okresie {period}";
    ReadFrom: "Read from: {span}.", "Odczytano z: {span}.";
    SpanRaw: "every result", "każdy wynik";
    SpanMinute: "results per minute", "wyniki na minutę";
    SpanHour: "results per hour", "wyniki na godzinę";
    SpanDay: "results per day", "wyniki na dzień";
    NoResults: "No results in this period.", "Brak wyników w tym okresie.";
    ResponseTime: "Response time (ms)", "Czas odpowiedzi (ms)";
    AvailabilityPeriod: "Availability over the period", "Dostępność w okresie";
    AvailabilityOf: "{share} of {n} results with a known status answered (ok or warning).", "{share} z {n} wyników o znanym stanie to odpowiedź (ok lub ostrzeżenie).";
    NoAvailability: "No result with a known status in this period.", "Brak wyników o znanym stanie w tym okresie.";
    Events: "Recent events", "Ostatnie zdarzenia";
    NoEvents: "No hard state change yet.", "Jeszcze bez twardej zmiany stanu.";
    EvHard: "{from} → {to}", "{from} → {to}";
    EvFlapStart: "Started flapping", "Zaczęło być niestabilne";
    EvFlapStop: "Stopped flapping", "Przestało być niestabilne";
    NotNotified: "not notified (flapping)", "bez powiadomienia (niestabilne)";
    Interval: "Interval (seconds)", "Interwał (sekundy)";
    Timeout: "Timeout (ms)", "Limit czasu (ms)";
    Retries: "Retries", "Ponowienia";
    RetriesHint: "Failed runs after the first before a problem is confirmed (0–10).", "Nieudane uruchomienia po pierwszym, zanim problem zostanie potwierdzony (0–10).";
    Enabled: "Enabled", "Włączone";
    Delete: "Delete", "Usuń";
    DeleteCheck: "Delete this check", "Usuń to sprawdzenie";
    DeleteHint: "Its results and events go with it.", "Jego wyniki i zdarzenia też zostaną usunięte.";
    // The forms
    EditTitle: "Edit check", "Edycja sprawdzenia";
    Create: "Make the check", "Utwórz sprawdzenie";
    CiField: "CI (name or id)", "CI (nazwa lub id)";
    ServiceField: "Service (name or id)", "Usługa (nazwa lub id)";
    ServiceHint: "Its results count towards the service's availability.", "Jego wyniki liczą się do dostępności usługi.";
    KindHint: "Fill in the fields of the kind chosen; the others are left out.", "Wypełnij pola wybranego rodzaju; pozostałe są pomijane.";
    HttpFields: "HTTP(S)", "HTTP(S)";
    Url: "URL", "URL";
    Method: "Method", "Metoda";
    ExpectedStatus: "Expected statuses", "Oczekiwane statusy";
    ExpectedStatusHint: "E.g. 200-299, 301; empty: 200–399.", "Np. 200-299, 301; puste: 200–399.";
    BodyContains: "Body contains", "Treść zawiera";
    JsonCondition: "JSON condition", "Warunek JSON";
    JsonConditionHint: "E.g. $.status == \"up\"", "Np. $.status == \"up\"";
    MaxResponse: "Slower than this is a warning (ms)", "Wolniej niż to to ostrzeżenie (ms)";
    HostFields: "TCP, TLS certificate, ping", "TCP, certyfikat TLS, ping";
    Host: "Host", "Host";
    Port: "Port", "Port";
    PortHint: "TCP: required; TLS: 443 when empty.", "TCP: wymagany; TLS: 443, gdy puste.";
    WarnDays: "TLS: warning below (days left)", "TLS: ostrzeżenie poniżej (dni)";
    CriticalDays: "TLS: critical below (days left)", "TLS: krytyczny poniżej (dni)";
    DnsFields: "DNS", "DNS";
    Lookup: "Name to look up", "Szukana nazwa";
    RecordType: "Record type", "Typ rekordu";
    Expected: "Expected answer", "Oczekiwana odpowiedź";
    Server: "Server (IP, optional port)", "Serwer (IP, opcjonalnie port)";
    PluginFields: "Nagios plugin", "Wtyczka Nagios";
    PluginFile: "Plugin", "Wtyczka";
    PluginArgs: "Arguments, one per line", "Argumenty, po jednym w wierszu";
    PluginsOff: "Plugin checks are off: the configuration names no plugin folder.", "Sprawdzenia wtyczkami są wyłączone: konfiguracja nie wskazuje folderu wtyczek.";
    NoPlugins: "The plugin folder holds no files.", "Folder wtyczek nie zawiera plików.";
    StaleEdit: "Someone changed this check meanwhile: your edit is kept below against the latest version; save again to apply it.", "Ktoś w międzyczasie zmienił to sprawdzenie: Twoja zmiana jest zachowana poniżej względem najnowszej wersji; zapisz ponownie, aby ją zastosować.";
    // A service's availability
    Availability: "Availability", "Dostępność";
    LastDays: "Last {n} days", "Ostatnie {n} dni";
    NoChecksWatch: "No checks watch this service.", "Żadne sprawdzenie nie obserwuje tej usługi.";
    ItsChecks: "Its checks", "Jej sprawdzenia";
    NoResultsShort: "no results", "brak wyników";
    // The probable cause on an incident
    CauseTitle: "Probable cause", "Prawdopodobna przyczyna";
    CauseIntro: "Alerts opened this incident: the failing CIs that depend on each other, with the one none of whose dependencies fails as the probable cause.", "Ten incydent otworzyły alerty: awarie CI zależnych od siebie; prawdopodobną przyczyną jest ten, którego żadna zależność nie zawodzi.";
    Symptoms: "Affected CIs", "Dotknięte CI";
    NoSymptoms: "No other CI is affected.", "Żaden inny CI nie jest dotknięty.";
    PathTo: "How it depends on {cause}", "Jak zależy od {cause}";
    NoAlertsKept: "No alert of this CI is kept.", "Nie ma zachowanych alertów tego CI.";
    Firing: "Firing", "Aktywny";
    Resolved: "Resolved", "Rozwiązany";
    GroupResolved: "Every alert of the group has ended.", "Wszystkie alerty grupy się zakończyły.";
    GroupIncident: "Incident of its group", "Incydent jego grupy";
    GroupIncidentText: "Correlated into {number}.", "Skorelowany w {number}.";
}
