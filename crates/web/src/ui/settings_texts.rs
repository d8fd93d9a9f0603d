//! Own settings' texts in English and Polish: profile, language,
//! password, sessions, tokens and e-mail notifications.

crate::i18n::catalogue! {
    /// A text of the own settings page.
    enum SettingsMsg;
    // Profile, password, sessions, tokens
    Profile: "Profile", "Profil";
    ChangePassword: "Change password", "Zmiana hasła";
    CurrentPassword: "Current password", "Obecne hasło";
    RepeatPassword: "Repeat the new password", "Powtórz nowe hasło";
    PasswordHint: "At least {n} characters; common passwords are refused. Your other sessions will end.", "Co najmniej {n} znaków; popularne hasła są odrzucane. Pozostałe sesje zostaną zakończone.";
    FlashPassword: "Your password was changed; your other sessions have ended.", "Hasło zostało zmienione; pozostałe sesje zakończono.";
    YourSessions: "Your sessions", "Twoje sesje";
    SessionsHint: "Each browser you are signed in on. End any you do not recognise.", "Każda przeglądarka, w której jesteś zalogowany. Zakończ te, których nie rozpoznajesz.";
    Browser: "Browser", "Przeglądarka";
    UnknownBrowser: "Unknown browser", "Nieznana przeglądarka";
    SignedInAt: "Signed in", "Zalogowano";
    LastSeen: "Last used", "Ostatnio używana";
    ThisSession: "This session", "Ta sesja";
    EndSession: "End", "Zakończ";
    EndOtherSessions: "Sign out everywhere else", "Wyloguj ze wszystkich innych miejsc";
    FlashSessionEnded: "The session has ended.", "Sesja została zakończona.";
    YourTokens: "Your API tokens", "Twoje tokeny API";
    TokensHint: "Tokens let scripts use the API as you. Revoke any you no longer use.", "Tokeny pozwalają skryptom korzystać z API w Twoim imieniu. Unieważnij te, których już nie używasz.";
    TokenName: "Name", "Nazwa";
    TokenCreated: "Created", "Utworzono";
    TokenRevoked: "Revoked", "Unieważniony";
    RevokeToken: "Revoke", "Unieważnij";
    NoTokens: "You have no API tokens.", "Nie masz tokenów API.";
    // The page
    SettingsTitle: "Settings", "Ustawienia";
    Language: "Language", "Język";
    LangBrowser: "The browser's language", "Język przeglądarki";
    LangEnglish: "English", "English";
    LangPolish: "Polski", "Polski";
    Account: "Account", "Konto";
    NoneYet: "none", "brak";
    FlashSettings: "Settings saved.", "Zapisano ustawienia.";
    ServiceLevelsLink: "Calendars and SLA definitions", "Kalendarze i definicje SLA";
    // E-mail notifications
    EmailNotifications: "Email notifications", "Powiadomienia e-mail";
    EmailNotificationsHint: "Replies on your own requests, incidents assigned to you and SLA breaches always come.", "Odpowiedzi na Twoje zgłoszenia, incydenty przypisane do Ciebie i przekroczenia SLA przychodzą zawsze.";
    OptCommented: "Comments on incidents assigned to me or that I watch", "Komentarze do incydentów przypisanych do mnie lub obserwowanych";
    OptWorkNote: "Work notes on incidents assigned to me or that I watch", "Notatki wewnętrzne do incydentów przypisanych do mnie lub obserwowanych";
    OptAssigned: "Incidents assigned to one of my groups", "Incydenty przypisane do jednej z moich grup";
    OptSlaWarning: "SLA warnings", "Ostrzeżenia SLA";
}
