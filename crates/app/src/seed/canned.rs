//! The demo's canned replies: shared ones and one per a few groups, in
//! English and Polish, written by the demo's service manager.

use crate::{App, desk::CannedReplyInput, error::AppError};
use steward_store::{StoreError, accounts};

const REPLIES: [(Option<&str>, &str, &str, &str); 4] = [
    (
        None,
        "We are on it",
        "Hello {requester_first_name},\n\nthank you for reporting {number}. {agent} from {group} is looking into it and will update you here.",
        "Dzień dobry,\n\ndziękujemy za zgłoszenie {number}. {agent} z zespołu {group} zajmuje się nim i przekaże informacje tutaj.",
    ),
    (
        None,
        "Need more details",
        "Hello {requester_first_name},\n\nto move on with \"{title}\" we need a few details: since when does it happen, and what exactly does the screen say? A screenshot helps.",
        "Dzień dobry,\n\naby zająć się sprawą „{title}”, potrzebujemy kilku szczegółów: od kiedy to się dzieje i co dokładnie widać na ekranie? Zrzut ekranu bardzo pomoże.",
    ),
    (
        None,
        "Resolved, please confirm",
        "Hello {requester_first_name},\n\nwe believe {number} is resolved. Please confirm, or reopen it if the problem is still there.",
        "Dzień dobry,\n\nuważamy, że zgłoszenie {number} jest rozwiązane. Prosimy o potwierdzenie albo ponowne otwarcie, jeśli problem nadal występuje.",
    ),
    (
        Some(super::catalog::SERVICE_DESK),
        "Password reset",
        "Hello {requester_first_name},\n\nyour password has been reset. You will be asked to choose a new one at your next sign-in.",
        "Dzień dobry,\n\nTwoje hasło zostało zresetowane. Przy następnym logowaniu system poprosi o ustawienie nowego.",
    ),
];

/// Adds the replies as the demo's `manager`; nothing when there is none.
pub async fn create(app: &App) -> Result<(), AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(StoreError::from)?;
    let Some(user) = accounts::user_by_name(&mut conn, "manager").await? else { return Ok(()) };
    drop(conn);
    let manager = app.actor_for(user).await?;
    for (group, title, en, pl) in REPLIES {
        let input = CannedReplyInput {
            group: group.map(String::from),
            title: title.into(),
            body_en: en.into(),
            body_pl: Some(pl.into()),
        };
        app.create_canned_reply(&manager, input).await?;
    }
    Ok(())
}
