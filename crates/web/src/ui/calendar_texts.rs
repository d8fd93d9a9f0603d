//! The change calendar's texts in English and Polish: the month and week
//! views, the freezes and maintenance windows kept on it, and the
//! calendar feeds on the settings page.

crate::i18n::catalogue! {
    /// A text of the change calendar.
    enum CalMsg;
    // The views
    CalTitle: "Change calendar", "Kalendarz zmian";
    CalMonth: "Month", "Miesiąc";
    CalWeek: "Week", "Tydzień";
    CalToday: "Today", "Dziś";
    CalPrevMonth: "Previous month", "Poprzedni miesiąc";
    CalNextMonth: "Next month", "Następny miesiąc";
    CalPrevWeek: "Previous week", "Poprzedni tydzień";
    CalNextWeek: "Next week", "Następny tydzień";
    CalViews: "Calendar views", "Widoki kalendarza";
    CalWeekTitle: "Week {week} of {year}", "Tydzień {week} roku {year}";
    CalBadMonth: "“{value}” is not a month: use YYYY-MM, e.g. 2027-01.", "„{value}” nie jest miesiącem: użyj RRRR-MM, np. 2027-01.";
    CalBadWeek: "“{value}” is not a week: use YYYY-Www, e.g. 2027-W03.", "„{value}” nie jest tygodniem: użyj RRRR-Www, np. 2027-W03.";
    CalTruncated: "More changes fall in this span than can be shown: the latest are left out.", "W tym okresie jest więcej zmian, niż można pokazać: pominięto najpóźniejsze.";
    CalZone: "Times in {zone}.", "Godziny w strefie {zone}.";
    CalLegend: "Legend", "Legenda";
    CalNothing: "Nothing is planned in this span.", "W tym okresie nic nie zaplanowano.";
    CalContinues: "continues", "trwa dalej";
    CalMore: "+{n} more: see the week", "+{n} więcej: zobacz tydzień";
    CalFailed: "failed", "nieudana";
    CalFreeze: "Freeze", "Zamrożenie";
    CalEveryService: "every service", "wszystkie usługi";
    CalWindow: "Maintenance window", "Okno serwisowe";
    // Change types and states, as the calendar colours them
    CalTypeStandard: "Standard", "Standardowa";
    CalTypeNormal: "Normal", "Normalna";
    CalTypeEmergency: "Emergency", "Pilna";
    CalStateDraft: "Draft", "Szkic";
    CalStateAssessment: "Assessment", "Ocena";
    CalStateAuthorization: "Authorization", "Autoryzacja";
    CalStateScheduled: "Scheduled", "Zaplanowana";
    CalStateImplementing: "Implementing", "Wdrażana";
    CalStateReview: "Review", "Przegląd";
    CalStateClosed: "Closed", "Zamknięta";
    CalStateCancelled: "Cancelled", "Anulowana";
    // Weekdays and months
    CalMon: "Mon", "pon.";
    CalTue: "Tue", "wt.";
    CalWed: "Wed", "śr.";
    CalThu: "Thu", "czw.";
    CalFri: "Fri", "pt.";
    CalSat: "Sat", "sob.";
    CalSun: "Sun", "niedz.";
    CalJan: "January", "styczeń";
    CalFeb: "February", "luty";
    CalMar: "March", "marzec";
    CalApr: "April", "kwiecień";
    CalMay: "May", "maj";
    CalJun: "June", "czerwiec";
    CalJul: "July", "lipiec";
    CalAug: "August", "sierpień";
    CalSep: "September", "wrzesień";
    CalOct: "October", "październik";
    CalNov: "November", "listopad";
    CalDec: "December", "grudzień";
    // Keeping freezes and maintenance windows
    CalKeepTitle: "Freezes and maintenance windows", "Zamrożenia i okna serwisowe";
    CalFreezesShown: "Freezes in this span", "Zamrożenia w tym okresie";
    CalNoFreezes: "No freeze in this span.", "Brak zamrożeń w tym okresie.";
    CalWindowsAll: "Maintenance windows", "Okna serwisowe";
    CalNoWindows: "No maintenance window yet.", "Nie ma jeszcze okien serwisowych.";
    CalAddFreeze: "Add a freeze", "Dodaj zamrożenie";
    CalAddWindow: "Add a maintenance window", "Dodaj okno serwisowe";
    CalRemove: "Remove", "Usuń";
    CalStarts: "Starts", "Początek";
    CalEnds: "Ends", "Koniec";
    CalServices: "Services", "Usługi";
    CalServicesHint: "Service names, separated by commas; empty: every service.", "Nazwy usług rozdzielone przecinkami; puste: wszystkie usługi.";
    CalServiceHint: "Empty: every service.", "Puste: wszystkie usługi.";
    CalNote: "Note", "Uwaga";
    CalDays: "Days", "Dni";
    CalOpens: "Opens at", "Otwarcie o";
    CalMinutes: "Minutes", "Minuty";
    CalZoneField: "Time zone", "Strefa czasowa";
    CalFlashFreezeAdded: "The freeze was added.", "Dodano zamrożenie.";
    CalFlashWindowAdded: "The maintenance window was added.", "Dodano okno serwisowe.";
    CalFlashRemoved: "Removed.", "Usunięto.";
    CalFormErrors: "Please correct the marked fields.", "Popraw zaznaczone pola.";
    // Calendar feeds (settings)
    FeedsTitle: "Calendar feeds", "Subskrypcje kalendarza";
    FeedsHint: "Subscribe to the change calendar in Outlook, Google Calendar or Thunderbird. The address holds its own key: anyone who has it can read the calendar, so revoke any you no longer use.", "Subskrybuj kalendarz zmian w Outlooku, Kalendarzu Google lub Thunderbirdzie. Adres zawiera własny klucz: każdy, kto go ma, może czytać kalendarz, więc unieważnij te, których już nie używasz.";
    FeedsNone: "No feeds yet.", "Nie ma jeszcze subskrypcji.";
    FeedsCreate: "Create a feed", "Utwórz subskrypcję";
    FeedsCreated: "Created", "Utworzona";
    FeedsLastRead: "Last read", "Ostatni odczyt";
    FeedsRevoke: "Revoke", "Unieważnij";
    FeedsRevoked: "Revoked", "Unieważniona";
    FeedsFlashRevoked: "The feed was revoked: its address no longer answers.", "Subskrypcję unieważniono: jej adres już nie odpowiada.";
    FeedNewTitle: "Your new calendar feed", "Twoja nowa subskrypcja kalendarza";
    FeedNewHint: "Copy this address into your calendar program now: it is shown only once.", "Skopiuj ten adres do programu kalendarza teraz: jest pokazywany tylko raz.";
    FeedUrl: "Feed address", "Adres subskrypcji";
    FeedBack: "Back to settings", "Wróć do ustawień";
}
