//! The e-mail that asks an approver for their decision on a change: what
//! the change is, and a single-use code a reply carries (only its hash is
//! kept). Enqueued in the same transaction as the round or decision that
//! opened the approver's stage.

use super::compose::{Ctx, record_info, to_json};
use super::{EMAIL, labels};
use crate::error::AppError;
use serde_json::json;
use sha2::{Digest, Sha256};
use steward_channels::email::{self, EmailAddress, EmailEvent, Locale};
use steward_domain::{
    change::approval::Plan,
    number::{RecordKind, RecordNumber},
};
use steward_store::{
    Conn, accounts,
    approvals::{self as store, CodeRow},
    changes::Details,
    outbox::{self, NewMessage},
    records::Record,
};

pub const APPROVAL_REQUESTED: &str = "change.approval_requested";

/// What an approval code looks like: `APV-` and 26 letters and digits
/// (128 random bits in base 32), easy to find in a reply's text.
pub const CODE_PREFIX: &str = "APV-";
const CODE_LEN: usize = 26;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn new_code() -> Result<String, AppError> {
    let mut bytes = [0u8; 17];
    getrandom::fill(&mut bytes[..16]).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    let mut out = String::from(CODE_PREFIX);
    for i in 0..CODE_LEN {
        let bit = i * 5;
        let pair = u16::from_be_bytes([bytes[bit / 8], bytes[bit / 8 + 1]]);
        out.push(ALPHABET[usize::from((pair >> (11 - bit % 8)) & 31)] as char);
    }
    Ok(out)
}

pub(crate) fn code_hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.trim().to_ascii_uppercase().as_bytes()))
}

/// The first approval code in `text`, as written.
pub fn find_code(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper[from..].find(CODE_PREFIX) {
        let start = from + at + CODE_PREFIX.len();
        let code: String = upper[start..].chars().take_while(|c| ALPHABET.contains(&(*c as u8))).collect();
        if code.len() == CODE_LEN {
            return Some(format!("{CODE_PREFIX}{code}"));
        }
        from = start;
    }
    None
}

/// Asks each of `asked` ((stage, user)) of the change's `round` by e-mail:
/// a code each, kept by its hash, and the message in the outbox. Users
/// without a usable address are skipped (they decide on the page).
pub(crate) async fn ask(
    c: &mut Conn,
    ctx: &Ctx,
    (rec, d): (&Record, &Details),
    plan: &Plan,
    round: i64,
    asked: &[(u32, i64)],
    now: i64,
) -> Result<(), AppError> {
    let mut msgs = Vec::new();
    for (stage, user) in asked {
        let Some(u) = accounts::user_by_id(c, *user).await? else { continue };
        let Some(address) = u.email.as_deref().and_then(|e| e.trim().parse::<EmailAddress>().ok()) else { continue };
        if u.active == 0 {
            continue;
        }
        let code = new_code()?;
        let row = CodeRow {
            code_hash: code_hash(&code),
            record_id: rec.id,
            round,
            stage: i64::from(*stage),
            user_id: u.id,
            created_at: now,
            used_at: None,
        };
        store::insert_code(c, &row).await?;
        let locale = Locale::from_tag(&ctx.site.language_of(&u));
        let zone = ctx.site.zone_of(&u);
        let stage_name = plan.stages.get(*stage as usize).map(|s| s.name.clone()).unwrap_or_default();
        let event = EmailEvent::ApprovalRequested {
            record: record_info(ctx, rec, locale),
            stage: stage_name,
            code: code.clone(),
            facts: facts(d, locale, &zone),
            description: rec.description.clone(),
        };
        let rendered = email::render(&event, locale);
        let number = RecordNumber { kind: RecordKind::Change, seq: rec.number }.to_string();
        let payload = json!({
            "to_name": u.display_name,
            "to_email": address.to_string(),
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
            "message_id": email::new_message_id(&number, &ctx.domain),
            "thread": email::thread_id(&number, &ctx.domain),
            "record": number,
        });
        msgs.push(NewMessage {
            channel: EMAIL.into(),
            event: APPROVAL_REQUESTED.into(),
            record_kind: Some(rec.kind.clone()),
            record_id: Some(rec.id),
            target: address.to_string(),
            payload: to_json(&payload)?,
            last_error: (!ctx.smtp).then(|| {
                "SMTP is not configured: the message waits until a node with [mail] settings delivers it".to_owned()
            }),
        });
    }
    outbox::enqueue_many(c, &msgs, now).await?;
    Ok(())
}

/// The type, the risk and the planned window, in the approver's words and
/// zone.
fn facts(d: &Details, l: Locale, zone: &jiff::tz::TimeZone) -> Vec<(String, String)> {
    let pick = |en: &str, pl: &str| if l == Locale::Pl { pl.to_owned() } else { en.to_owned() };
    let mut out = vec![(pick("Type", "Typ"), labels::change_type(l, &d.change_type))];
    if let Some(level) = &d.risk_level {
        out.push((pick("Risk", "Ryzyko"), labels::risk(l, level)));
    }
    let at = |m: i64| {
        jiff::Timestamp::from_microsecond(m)
            .map(|t| t.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M %Z").to_string())
            .unwrap_or_default()
    };
    if let (Some(s), Some(e)) = (d.planned_start, d.planned_end) {
        out.push((pick("Planned", "Planowo"), format!("{} – {}", at(s), at(e))));
    }
    out
}
