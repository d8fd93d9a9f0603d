//! The change page's side panel "Alerts during this change": the alerts
//! that fired in its planned window on its CIs or next to them, and its
//! flags — said plainly to be seen from alerts, not proven.

use super::alert_console::moment;
use super::alert_texts::AlertMsg;
use super::change::Data;
use super::{Ctx, fmt};
use maud::{Markup, html};
use steward_app::alerts::ChangeFlag;
use steward_domain::alert::fingerprint_text;

pub fn panel(ctx: &Ctx, d: &Data) -> Markup {
    let Some(a) = &d.alerts else { return html! {} };
    let now = fmt::now_micros();
    html! {
        section.panel #change-alerts aria-labelledby="change-alerts-title" {
            h2 #change-alerts-title { (ctx.t(AlertMsg::ChangeAlerts)) }
            @if !a.flags.is_empty() {
                div #change-flags {
                    p.hint { strong { (ctx.t(AlertMsg::FlagsSeenFromAlerts)) } }
                    ul {
                        @for f in &a.flags {
                            @match f {
                                ChangeFlag::StartedOutsideWindow { started } => li.flag data-flag="started_outside_window" {
                                    (ctx.t(AlertMsg::FlagOutsideWindow)) " (" (moment(ctx, *started, now)) ")"
                                },
                                ChangeFlag::UndeclaredCi { ci, name, fingerprint } => li.flag data-flag="undeclared_ci" {
                                    (ctx.t(AlertMsg::FlagUndeclared)) " "
                                    a href={ "/cmdb/" (ci) } { (name) } " — "
                                    a href={ "/alerts/" (fingerprint_text(*fingerprint)) } { (ctx.t(AlertMsg::Alert)) }
                                },
                            }
                        }
                    }
                }
            }
            @if a.alerts.is_empty() { p.muted #no-change-alerts { (ctx.t(AlertMsg::NoChangeAlerts)) } }
            @else {
                ul #change-alert-list {
                    @for (h, _, ci, declared) in &a.alerts {
                        li {
                            a href={ "/alerts/" (fingerprint_text(h.view.alert.fingerprint)) } {
                                (h.view.alert.labels.get("alertname"))
                            }
                            " " (ctx.t(AlertMsg::On)) " " (ci)
                            @if !declared { " " span.badge { (ctx.t(AlertMsg::Undeclared)) } }
                            br; span.muted { (moment(ctx, h.view.alert.starts_at, now)) }
                        }
                    }
                }
            }
        }
    }
}
