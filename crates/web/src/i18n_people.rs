//! Polish for the app's messages about leavers and e-mail addresses (the
//! texts are in `i18n.rs`'s catalogue, section "Leavers").

use crate::i18n::{Lang, Msg, t, tf};

/// The Polish text of one of these messages, if it is one.
pub fn message(lang: Lang, msg: &str) -> Option<String> {
    let exact = [
        (Msg::ValEmailOneAt, "it needs exactly one @"),
        (Msg::ValEmailNoLocal, "nothing comes before the @"),
        (Msg::ValEmailNoDot, "the domain after the @ needs a dot, as in example.com"),
        (Msg::ValEmailBadDomain, "the domain after the @ is not a domain name"),
        (Msg::ValEmailSpaces, "it must not contain spaces or control characters"),
        (Msg::ValEmailTooLong, "it is longer than 254 characters (or 64 before the @)"),
    ];
    if let Some(reason) = msg.strip_prefix("is not an email address: ") {
        return exact.iter().find(|(_, r)| *r == reason).map(|(m, _)| t(lang, *m).to_owned());
    }
    if let Some(who) = msg.strip_prefix("is already the address of ") {
        return Some(tf(lang, Msg::ValEmailTaken, &[("who", who)]));
    }
    msg.strip_suffix(" is deactivated").map(|who| tf(lang, Msg::ValAssigneeDeactivated, &[("who", who)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::app_message;
    use steward_domain::email::{Email, EmailError};

    #[test]
    fn every_email_reason_is_in_polish() {
        let mut seen = Vec::new();
        for e in EmailError::ALL {
            let en = e.to_string();
            let pl = app_message(Lang::Pl, &en).into_owned();
            assert!(pl.starts_with("to nie jest adres e-mail: ") && !seen.contains(&pl), "{e:?}: {pl}");
            assert_eq!(app_message(Lang::En, &en), en);
            seen.push(pl);
        }
        assert_eq!(Email::parse("a@localhost").unwrap_err(), EmailError::NoDot);
        assert_eq!(app_message(Lang::Pl, "is already the address of ola"), "to już adres użytkownika ola");
        assert_eq!(app_message(Lang::Pl, "Ola Nowak is deactivated"), "Ola Nowak jest dezaktywowany(-a)");
    }
}
