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
    TwoFactorTitle: "Two-step sign-in", "Logowanie dwuetapowe";
    TwoFactorOffHint: "Off. With it on, signing in also asks for a code from an authenticator app on your phone (such as Aegis, Google Authenticator or 1Password), so a stolen password alone does not get in.", "Wyłączone. Po włączeniu logowanie wymaga też kodu z aplikacji uwierzytelniającej w telefonie (np. Aegis, Google Authenticator lub 1Password), więc samo skradzione hasło nie wystarczy.";
    TwoFactorStart: "Set up two-step sign-in", "Włącz logowanie dwuetapowe";
    TwoFactorScan: "Scan this code with your authenticator app:", "Zeskanuj ten kod aplikacją uwierzytelniającą:";
    TwoFactorKey: "Or type this key into the app:", "Albo wpisz w aplikacji ten klucz:";
    TwoFactorCode: "Code from the app", "Kod z aplikacji";
    TwoFactorConfirmHint: "The 6 digits the app shows now. Two-step sign-in is on once the code is right.", "6 cyfr, które aplikacja pokazuje teraz. Logowanie dwuetapowe zostanie włączone po podaniu poprawnego kodu.";
    TwoFactorConfirm: "Turn on", "Włącz";
    TwoFactorOnSince: "On since", "Włączone od";
    TwoFactorCodesLeft: "{n} recovery codes left.", "Pozostało kodów awaryjnych: {n}.";
    TwoFactorPasswordHint: "Needed to renew the recovery codes or to turn two-step sign-in off.", "Potrzebne, aby odnowić kody awaryjne lub wyłączyć logowanie dwuetapowe.";
    TwoFactorRenew: "New recovery codes", "Nowe kody awaryjne";
    TwoFactorTurnOff: "Turn off", "Wyłącz";
    RecoveryCodesTitle: "Your recovery codes.", "Twoje kody awaryjne.";
    RecoveryCodesHint: "Keep them somewhere safe, away from your phone: each signs you in once instead of a code from the app. They are not shown again; earlier ones no longer work.", "Przechowuj je w bezpiecznym miejscu, z dala od telefonu: każdy zastępuje raz kod z aplikacji. Nie zostaną pokazane ponownie; wcześniejsze przestają działać.";
    FlashTwoFactorOn: "Two-step sign-in is on.", "Logowanie dwuetapowe jest włączone.";
    FlashTwoFactorOff: "Two-step sign-in is off.", "Logowanie dwuetapowe jest wyłączone.";
    FlashRecoveryCodes: "New recovery codes made.", "Utworzono nowe kody awaryjne.";
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
