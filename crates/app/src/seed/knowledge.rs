//! The demo's knowledge base: articles in English and Polish about the
//! demo's services, written by the demo's `agent`, reviewed and published
//! by its `manager` (one left in review, one a draft), each linked to the
//! problems and known errors of its service when the demo has any, and a
//! few readers' answers.

use crate::{
    App,
    articles::{ArticleInput, TranslationInput, VersionMove},
    error::AppError,
};
use std::collections::HashMap;
use steward_store::{StoreError, accounts, records::Filter};

/// (service, audience, category, English title and body, Polish title and
/// body, how far it gets: published, in_review or draft).
type Article = (&'static str, &'static str, &'static str, [&'static str; 4], &'static str);

const ARTICLES: [Article; 6] = [
    (
        "VPN",
        "requesters",
        "Remote work",
        [
            "The VPN disconnects every hour",
            "If the VPN drops about once an hour, the client is older than version 5.2.\n\n## What to do\n\n1. Open **Software Center**.\n2. Install *VPN Client 5.2*.\n3. Restart the laptop.\n\nStill dropping? Report it and mention this article.",
            "VPN rozłącza się co godzinę",
            "Jeśli VPN rozłącza się mniej więcej co godzinę, klient jest starszy niż wersja 5.2.\n\n## Co zrobić\n\n1. Otwórz **Centrum oprogramowania**.\n2. Zainstaluj *VPN Client 5.2*.\n3. Uruchom laptop ponownie.\n\nNadal się rozłącza? Zgłoś to i wspomnij o tym artykule.",
        ],
        "published",
    ),
    (
        "Identity & Access",
        "requesters",
        "Accounts",
        [
            "Reset your password",
            "You can reset your password yourself at any time.\n\n1. Go to the sign-in page and choose **Forgot password**.\n2. Confirm the code sent to your phone.\n3. Choose a new password of at least 12 characters.\n\nYour account locks after five wrong attempts; it unlocks by itself after 15 minutes.",
            "Zmiana zapomnianego hasła",
            "Hasło możesz zmienić samodzielnie w każdej chwili.\n\n1. Na stronie logowania wybierz **Nie pamiętam hasła**.\n2. Potwierdź kod wysłany na telefon.\n3. Wybierz nowe hasło, co najmniej 12 znaków.\n\nKonto blokuje się po pięciu błędnych próbach i odblokowuje samo po 15 minutach.",
        ],
        "published",
    ),
    (
        "Email",
        "requesters",
        "Email",
        [
            "Outlook asks for the password again and again",
            "When Outlook keeps asking for your password, its saved sign-in has expired.\n\n- Close Outlook.\n- Open **Credential Manager** and remove the entries that start with `MicrosoftOffice`.\n- Start Outlook and sign in once more.",
            "Outlook ciągle pyta o hasło",
            "Gdy Outlook wciąż pyta o hasło, zapisane logowanie wygasło.\n\n- Zamknij Outlooka.\n- Otwórz **Menedżera poświadczeń** i usuń wpisy zaczynające się od `MicrosoftOffice`.\n- Uruchom Outlooka i zaloguj się ponownie.",
        ],
        "published",
    ),
    (
        "Printing",
        "requesters",
        "Printing",
        [
            "Add a printer on your floor",
            "Printers are named after their floor and room, e.g. `PRN-3-12`.\n\n1. Open **Settings → Printers**.\n2. Choose **Add printer** and type the name from the label on the printer.\n\nFollow-me printing: print to `PRN-FOLLOW` and release the job with your badge at any printer.",
            "Dodawanie drukarki na piętrze",
            "Nazwy drukarek pochodzą od piętra i pokoju, np. `PRN-3-12`.\n\n1. Otwórz **Ustawienia → Drukarki**.\n2. Wybierz **Dodaj drukarkę** i wpisz nazwę z etykiety na drukarce.\n\nDruk podążający: drukuj na `PRN-FOLLOW` i odbierz wydruk identyfikatorem przy dowolnej drukarce.",
        ],
        "published",
    ),
    (
        "File Shares",
        "staff",
        "Runbooks",
        [
            "Restore a deleted folder from a file share",
            "Shares keep **30 days** of snapshots.\n\n1. On the file server, open the share's properties, tab *Previous Versions*.\n2. Pick the last snapshot before the deletion and restore into a new folder.\n3. Check the permissions before telling the requester.\n\n| Share | Snapshots |\n|---|---|\n| `\\\\fs01\\teams` | hourly |\n| `\\\\fs02\\home` | daily |",
            "Przywracanie usuniętego folderu z udziału",
            "Udziały przechowują **30 dni** migawek.\n\n1. Na serwerze plików otwórz właściwości udziału, kartę *Poprzednie wersje*.\n2. Wybierz ostatnią migawkę sprzed usunięcia i przywróć do nowego folderu.\n3. Sprawdź uprawnienia, zanim powiadomisz zgłaszającego.",
        ],
        "in_review",
    ),
    (
        "Laptop Fleet",
        "staff",
        "Runbooks",
        [
            "Reimage a laptop",
            "Before reimaging, make sure OneDrive has finished syncing.\n\n1. Boot from the network (F12).\n2. Choose the *Standard 2025* image.\n3. Enrol the laptop again in device management.",
            "Ponowna instalacja systemu na laptopie",
            "Przed reinstalacją upewnij się, że OneDrive zakończył synchronizację.\n\n1. Uruchom z sieci (F12).\n2. Wybierz obraz *Standard 2025*.\n3. Zarejestruj laptop ponownie w zarządzaniu urządzeniami.",
        ],
        "draft",
    ),
];

/// Writes the articles; nothing when the demo has no `agent` or `manager`.
pub async fn create(app: &App, services: &HashMap<&'static str, i64>) -> Result<usize, AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(StoreError::from)?;
    let (Some(agent), Some(manager), requester) = (
        accounts::user_by_name(&mut conn, "agent").await?,
        accounts::user_by_name(&mut conn, "manager").await?,
        accounts::user_by_name(&mut conn, "requester").await?,
    ) else {
        return Ok(0);
    };
    drop(conn);
    let (agent, manager) = (app.actor_for(agent).await?, app.actor_for(manager).await?);
    let requester = match requester {
        Some(r) => Some(app.actor_for(r).await?),
        None => None,
    };
    let to = |state: &str| VersionMove { state: state.into(), version: None };
    for (service, audience, category, [en_title, en_body, pl_title, pl_body], goal) in ARTICLES {
        // The problems and known errors of its service, when there are any.
        let problems = match services.get(service) {
            Some(id) => {
                let f = Filter { service_ids: vec![*id], limit: 3, ..Filter::default() };
                let (list, _) = app.list_problems(&manager, f).await?;
                list.iter().map(|p| crate::problems::number(p.record.number)).collect()
            }
            None => Vec::new(),
        };
        let input = ArticleInput {
            audience: Some(audience.into()),
            category: Some(category.into()),
            change_note: Some("First version".into()),
            translations: Some(vec![
                TranslationInput { lang: "en".into(), title: en_title.into(), body: en_body.into() },
                TranslationInput { lang: "pl".into(), title: pl_title.into(), body: pl_body.into() },
            ]),
            problems: Some(problems),
            services: services.contains_key(service).then(|| vec![service.to_owned()]),
            ..ArticleInput::default()
        };
        let a = app.create_article(&agent, input).await?;
        let n = crate::articles::number(a.record.number);
        if goal == "draft" {
            continue;
        }
        app.move_article_version(&agent, &n, Some(1), to("in_review")).await?;
        if goal == "published" {
            app.move_article_version(&manager, &n, Some(2), to("published")).await?;
            if let Some(r) = &requester {
                app.give_article_feedback(r, &n, None, en_title.len() % 2 == 0, None).await?;
            }
        }
    }
    Ok(ARTICLES.len())
}
