//! The few words a notification shows about a record, in the recipient's
//! language. They match the UI's catalogue (`steward_web::i18n`), which the
//! app cannot depend on.

use steward_channels::email::Locale;

pub(crate) fn state(l: Locale, s: &str) -> String {
    let (en, pl) = match s {
        "new" => ("New", "Nowy"),
        "in_progress" => ("In progress", "W toku"),
        "on_hold" => ("On hold", "Wstrzymany"),
        "assessment" => ("Assessment", "Ocena"),
        "draft" => ("Draft", "Szkic"),
        "authorization" => ("Authorization", "Autoryzacja"),
        "scheduled" => ("Scheduled", "Zaplanowana"),
        "implementing" => ("Implementing", "Wdrażanie"),
        "review" => ("Review", "Przegląd"),
        "root_cause_analysis" => ("Root cause analysis", "Analiza przyczyny"),
        "fix_in_progress" => ("Fix in progress", "Naprawa w toku"),
        "resolved" => ("Resolved", "Rozwiązany"),
        "closed" => ("Closed", "Zamknięty"),
        "cancelled" => ("Cancelled", "Anulowany"),
        other => (other, other),
    };
    pick(l, en, pl)
}

/// "2 - High" / "2 - Wysoki".
pub(crate) fn priority(l: Locale, p: i64) -> String {
    let (en, pl) = match p {
        1 => ("Critical", "Krytyczny"),
        2 => ("High", "Wysoki"),
        3 => ("Moderate", "Umiarkowany"),
        4 => ("Low", "Niski"),
        _ => ("Planning", "Planowy"),
    };
    format!("{p} - {}", pick(l, en, pl))
}

pub(crate) fn change_type(l: Locale, t: &str) -> String {
    let (en, pl) = match t {
        "standard" => ("Standard", "Standardowa"),
        "normal" => ("Normal", "Normalna"),
        "emergency" => ("Emergency", "Awaryjna"),
        other => (other, other),
    };
    pick(l, en, pl)
}

pub(crate) fn risk(l: Locale, r: &str) -> String {
    let (en, pl) = match r {
        "low" => ("Low", "Niskie"),
        "moderate" => ("Moderate", "Umiarkowane"),
        "high" => ("High", "Wysokie"),
        "very_high" => ("Very high", "Bardzo wysokie"),
        other => (other, other),
    };
    pick(l, en, pl)
}

/// What a work note's subject starts with.
pub(crate) fn work_note(l: Locale) -> String {
    pick(l, "Work note", "Notatka wewnętrzna")
}

fn pick(l: Locale, en: &str, pl: &str) -> String {
    match l {
        Locale::En => en.to_owned(),
        Locale::Pl => pl.to_owned(),
    }
}
