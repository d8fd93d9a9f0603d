//! The service-level settings' texts in English and Polish: business
//! calendars, holidays and SLA definitions.

crate::i18n::catalogue! {
    /// A text of the service-level settings.
    enum SlaMsg;
    // What an SLA applies to
    SlaRecordKindsHint: "The kinds of record it applies to; none ticked means incidents.", "Rodzaje zgłoszeń, których dotyczy; bez zaznaczenia — incydenty.";
    // Calendar and SLA history (issue 9 item 9)
    SettingsHistory: "History of changes", "Historia zmian";
    // Editing a calendar or an SLA
    EditSla: "Edit SLA definition", "Edycja definicji SLA";
    EditSlaHint: "Clocks already running keep the targets they started with until their incident's priority changes; new incidents get these.", "Zegary już działające zachowują swoje cele do zmiany priorytetu zgłoszenia; nowe zgłoszenia otrzymają te.";
    StaleSla: "Someone else changed this SLA definition after you opened it, so nothing was saved. The form now shows their version.", "Ktoś inny zmienił tę definicję SLA po jej otwarciu, więc nic nie zapisano. Formularz pokazuje teraz jego wersję.";
    EditCalendar: "Edit calendar", "Edycja kalendarza";
    FlashCalendarSaved: "Calendar saved.", "Zapisano kalendarz.";
    FlashSlaSaved: "SLA definition saved.", "Zapisano definicję SLA.";
    // Service-level settings
    ServiceLevelsReadOnly: "Only managers and administrators can change these settings.", "Tylko kierownicy i administratorzy mogą zmieniać te ustawienia.";
    Calendars: "Business calendars", "Kalendarze robocze";
    TimeZoneHint: "An IANA name, e.g. Europe/Warsaw", "Nazwa IANA, np. Europe/Warsaw";
    HoursHint: "Per day, e.g. 08:00-12:00, 13:00-16:00; empty for a day off", "Dla każdego dnia, np. 08:00-12:00, 13:00-16:00; puste oznacza dzień wolny";
    DayOff: "off", "wolne";
    Monday: "Monday", "Poniedziałek";
    Tuesday: "Tuesday", "Wtorek";
    Wednesday: "Wednesday", "Środa";
    Thursday: "Thursday", "Czwartek";
    Friday: "Friday", "Piątek";
    Saturday: "Saturday", "Sobota";
    Sunday: "Sunday", "Niedziela";
    AddPolandHolidays: "Add Poland's public holidays", "Dodaj polskie święta państwowe";
    ImportHolidays: "Import holidays", "Importuj dni wolne";
    NewCalendar: "New calendar", "Nowy kalendarz";
    CreateCalendar: "Create calendar", "Utwórz kalendarz";
    SlaDefinitions: "SLA definitions", "Definicje SLA";
    NoSlas: "No SLA definitions yet: incidents get no clocks.", "Brak definicji SLA: incydenty nie mają zegarów.";
    PositionHint: "Lower first; the first definition that matches applies", "Niższa najpierw; obowiązuje pierwsza pasująca definicja";
    AllIncidents: "all incidents", "wszystkich incydentów";
    TargetsHint: "Business time, e.g. 30m, 4h, 40h; leave empty for no target", "Czas roboczy, np. 30m, 4h, 40h; puste oznacza brak celu";
    Categories: "Categories", "Kategorie";
    NewSla: "New SLA definition", "Nowa definicja SLA";
    CreateSla: "Create SLA definition", "Utwórz definicję SLA";
    FlashCalendarCreated: "Calendar created.", "Utworzono kalendarz.";
    FlashHolidaysAdded: "Holidays added.", "Dodano dni wolne.";
    FlashSlaCreated: "SLA definition created.", "Utworzono definicję SLA.";
    StaleSettings: "Someone else changed this calendar after you loaded the page, so nothing was saved. Try again.", "Ktoś inny zmienił ten kalendarz po wczytaniu strony, więc nic nie zapisano. Spróbuj ponownie.";
}

crate::i18n::plurals! {
    /// A count on the service-level settings.
    enum SlaPlural;
    HolidayCount: ["{n} holiday", "{n} holidays"], ["{n} dzień wolny", "{n} dni wolne", "{n} dni wolnych"];
}
