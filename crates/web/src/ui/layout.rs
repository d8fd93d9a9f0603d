//! The page shell: head, skip link, top bar with navigation, search and
//! the user's name and role, and the footer.

use super::{Ctx, assets, widgets};
use crate::i18n::{self, Lang, Msg};
use maud::{DOCTYPE, Markup, html};

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light";
            title { (title) " · " (i18n::t(lang, Msg::AppName)) }
            link rel="icon" type="image/svg+xml" href=(assets::icon_url());
            link rel="stylesheet" href=(assets::css_url());
            script src=(assets::js_url()) defer {}
        }
    }
}

fn brand(lang: Lang) -> Markup {
    html! {
        a.brand href="/" {
            img src=(assets::icon_url()) alt="" width="22" height="22";
            span { (i18n::t(lang, Msg::AppName)) }
        }
    }
}

/// An incident's page (`/incidents/INC…`), where its own keys work.
fn on_incident(path: &str) -> bool {
    path.strip_prefix("/incidents/").is_some_and(|rest| steward_app::incidents::parse_number(rest).is_ok())
}

/// Up to two initials, from the words that begin with a letter or digit
/// ("Steward (automatic)" is "S", not "S(").
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next().filter(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

fn topbar(ctx: &Ctx) -> Markup {
    let lang = ctx.lang;
    html! {
        header.topbar {
            div.topbar-inner {
                (brand(lang))
                // The menu folds on phones: a checkbox and its label work
                // without JavaScript (app.js adds Escape and aria-expanded).
                input.menu-toggle #menu-toggle type="checkbox" aria-controls="menu";
                label.menu-button.btn for="menu-toggle" { span aria-hidden="true" { "☰ " } (ctx.t(Msg::Menu)) }
                div.menu #menu {
                nav.mainnav aria-label=(ctx.t(Msg::MainNavigation)) {
                    ul {
                        @for (href, label, current) in super::nav(ctx) {
                            li { a href=(href) aria-current=[current.then_some("page")] { (ctx.t(label)) } }
                        }
                    }
                }
                (super::search::form(ctx, ""))
                div.user {
                    a.who href="/settings" title=(ctx.t(Msg::NavSettings)) aria-current=[(ctx.path == "/settings").then_some("page")] {
                        span.avatar aria-hidden="true" { (initials(&ctx.actor.display_name)) }
                        span.who-text {
                            span.who-name { (ctx.actor.display_name) }
                            span.who-role { (i18n::role(lang, ctx.actor.role)) }
                        }
                    }
                    form method="post" action="/logout" {
                        (widgets::csrf(&ctx.csrf))
                        button.btn.btn-quiet type="submit" { (ctx.t(Msg::SignOut)) }
                    }
                }
                }
            }
        }
    }
}

/// A page for a signed-in user.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let lang = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body data-staff=[ctx.actor.is_staff().then_some("1")] {
                a.skip href="#main" { (ctx.t(Msg::SkipToContent)) }
                (topbar(ctx))
                main #main tabindex="-1" { (body) }
                footer.footer {
                    span { a href="/settings#profile-title" { (i18n::tf(lang, Msg::TimesInZone, &[("zone", super::fmt::zone_name(&super::fmt::zone()))])) } }
                    @if ctx.actor.is_staff() { span.keys { (ctx.t(Msg::KeyboardHint)) } }
                    @if ctx.actor.is_staff() && on_incident(&ctx.path) { span.keys #incident-keys { (ctx.t(Msg::IncidentKeysHint)) } }
                }
            }
        }
    }
}

/// A wall screen (a dashboard's TV mode): no navigation, large type, and
/// `app.js` reloads it every `refresh_secs` (a script rather than a meta
/// refresh, which assistive technology treats as a page changing on its
/// own; here the viewer chose it).
pub fn wall(ctx: &Ctx, title: &str, refresh_secs: u32, body: Markup) -> Markup {
    let lang = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body.wall data-refresh=(refresh_secs) {
                main #main tabindex="-1" { (body) }
            }
        }
    }
}

/// A page without a signed-in user: sign-in, or an error before it.
pub fn bare(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body.bare {
                a.skip href="#main" { (i18n::t(lang, Msg::SkipToContent)) }
                main #main tabindex="-1" {
                    div.bare-brand { (brand(lang)) }
                    (body)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("żaneta kowalska nowak"), "ŻK");
        assert_eq!(initials(""), "");
        assert_eq!(initials("Steward (automatic)"), "S");
        assert_eq!(initials("Steward (automatycznie)"), "S");
        assert_eq!(initials("- Jan 2nd"), "J2");
    }
}
