//! `/alerts/routing`: the alert routing in force — the tree with each
//! route's matchers, receiver, grouping and times, the receivers and
//! where they send, the inhibition rules — for staff; managers and admins
//! replace it (as the API's JSON) or go back to the built-in one below.

use super::Ctx;
use super::alert_routing_texts::RoutingMsg;
use super::json_editor::{self, PageTexts, SettingsPage};
use crate::i18n;
use maud::{Markup, html};
use steward_app::{Actor, App, AppError};
use steward_domain::alert::{RouteSpec, RoutingSpec, TargetSpec, route};

pub const PATH: &str = "/alerts/routing";

pub const AREA: super::area::Area = super::area::Area {
    routes: json_editor::routes::<RoutingPage>,
    // Reached from the alert console; "Alerts" stays marked.
    nav: &[],
};

struct RoutingPage;

impl SettingsPage for RoutingPage {
    type Doc = RoutingSpec;
    type Posted = RoutingSpec;
    const PATH: &'static str = PATH;
    const ID: &'static str = "routing";
    const FIELD: &'static str = "routing";

    async fn load(app: &App, actor: &Actor) -> Result<RoutingSpec, AppError> {
        app.alert_routing(actor).await
    }
    async fn store(app: &App, actor: &Actor, spec: RoutingSpec) -> Result<(), AppError> {
        app.set_alert_routing(actor, spec).await.map(drop)
    }
    async fn reset(app: &App, actor: &Actor) -> Result<(), AppError> {
        app.reset_alert_routing(actor).await.map(drop)
    }
    fn json(spec: &RoutingSpec) -> String {
        serde_json::to_string_pretty(spec).unwrap_or_default()
    }
    fn texts(ctx: &Ctx) -> PageTexts {
        PageTexts {
            title: ctx.t(RoutingMsg::Title),
            edit_title: ctx.t(RoutingMsg::EditTitle),
            saved: ctx.t(RoutingMsg::Saved),
            was_reset: ctx.t(RoutingMsg::WasReset),
            errors_title: ctx.t(RoutingMsg::FormErrors),
            label: ctx.t(RoutingMsg::Json),
            hint: ctx.t(RoutingMsg::EditHint),
            save: ctx.t(RoutingMsg::Save),
            reset: ctx.t(RoutingMsg::Reset),
        }
    }
    fn not_json(ctx: &Ctx, reason: &str) -> String {
        i18n::tf(ctx.lang, RoutingMsg::NotJson, &[("reason", reason)])
    }
    fn body(ctx: &Ctx, spec: &RoutingSpec) -> Markup {
        html! {
            p.lead #routing-intro { (ctx.t(RoutingMsg::Intro)) }
            (tree(ctx, spec))
            (receivers(ctx, spec))
            (inhibition(ctx, spec))
        }
    }
}

/// One row per route, depth-first, indented by depth; unset settings are
/// shown as inherited.
fn tree(ctx: &Ctx, spec: &RoutingSpec) -> Markup {
    let mut rows = Vec::new();
    let defaults = Resolved {
        receiver: String::new(),
        group_by: None,
        times: [route::DEFAULT_GROUP_WAIT_S, route::DEFAULT_GROUP_INTERVAL_S, route::DEFAULT_REPEAT_INTERVAL_S],
    };
    flatten(&spec.route, 0, &defaults, &mut rows);
    html! {
        section.panel #routing-tree aria-labelledby="routing-tree-title" {
            h2 #routing-tree-title { (ctx.t(RoutingMsg::Tree)) }
            div.table-wrap {
                table.incidents {
                    thead { tr {
                        th scope="col" { (ctx.t(RoutingMsg::Matchers)) }
                        th scope="col" { (ctx.t(RoutingMsg::Receiver)) }
                        th scope="col" { (ctx.t(RoutingMsg::GroupBy)) }
                        th scope="col" { (ctx.t(RoutingMsg::Timing)) }
                    } }
                    tbody {
                        @for (depth, r, res) in &rows {
                            tr {
                                td style={ "padding-left:" (depth * 2 + 1) "ch" } {
                                    @if r.matchers.is_empty() { (ctx.t(RoutingMsg::Everything)) }
                                    @for m in &r.matchers { code { (m) } " " }
                                    @if r.continue_matching { br; span.muted { (ctx.t(RoutingMsg::Continues)) } }
                                }
                                td { (res.receiver) }
                                td {
                                    @match &res.group_by {
                                        None => (ctx.t(RoutingMsg::NoGrouping)),
                                        Some(g) if g.iter().any(|n| n == "...") => (ctx.t(RoutingMsg::AllLabels)),
                                        Some(g) if g.is_empty() => (ctx.t(RoutingMsg::NoGrouping)),
                                        Some(g) => (g.join(", ")),
                                    }
                                }
                                td.num {
                                    (i18n::tf(ctx.lang, RoutingMsg::Seconds, &[
                                        ("wait", &res.times[0].to_string()),
                                        ("interval", &res.times[1].to_string()),
                                        ("repeat", &res.times[2].to_string()),
                                    ]))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Clone)]
struct Resolved {
    receiver: String,
    group_by: Option<Vec<String>>,
    times: [u64; 3],
}

fn flatten<'a>(r: &'a RouteSpec, depth: usize, from: &Resolved, out: &mut Vec<(usize, &'a RouteSpec, Resolved)>) {
    let res = Resolved {
        receiver: r.receiver.clone().unwrap_or_else(|| from.receiver.clone()),
        group_by: r.group_by.clone().or_else(|| from.group_by.clone()),
        times: [
            r.group_wait.unwrap_or(from.times[0]),
            r.group_interval.unwrap_or(from.times[1]),
            r.repeat_interval.unwrap_or(from.times[2]),
        ],
    };
    out.push((depth, r, res.clone()));
    for child in &r.routes {
        flatten(child, depth + 1, &res, out);
    }
}

fn target(ctx: &Ctx, t: &TargetSpec) -> String {
    let to =
        |webhook: &Option<String>, url: &Option<String>| webhook.clone().or_else(|| url.clone()).unwrap_or_default();
    match t {
        TargetSpec::Group { group } => i18n::tf(ctx.lang, RoutingMsg::TargetGroup, &[("group", group)]),
        TargetSpec::Users { users } => i18n::tf(ctx.lang, RoutingMsg::TargetUsers, &[("users", &users.join(", "))]),
        TargetSpec::Webhook { webhook, url } => {
            i18n::tf(ctx.lang, RoutingMsg::TargetWebhook, &[("to", &to(webhook, url))])
        }
        TargetSpec::Chat { format, webhook, url } => {
            let format = match format {
                steward_domain::alert::ChatFormat::Slack => "Slack",
                steward_domain::alert::ChatFormat::Teams => "Teams",
            };
            i18n::tf(ctx.lang, RoutingMsg::TargetChat, &[("format", format), ("to", &to(webhook, url))])
        }
    }
}

fn receivers(ctx: &Ctx, spec: &RoutingSpec) -> Markup {
    html! {
        section.panel #routing-receivers aria-labelledby="routing-receivers-title" {
            h2 #routing-receivers-title { (ctx.t(RoutingMsg::Receivers)) }
            div.table-wrap {
                table.incidents {
                    thead { tr {
                        th scope="col" { (ctx.t(RoutingMsg::Receiver)) }
                        th scope="col" { (ctx.t(RoutingMsg::Targets)) }
                    } }
                    tbody {
                        @for r in &spec.receivers {
                            tr id={ "receiver-" (r.name) } {
                                td { (r.name) }
                                td {
                                    @if r.targets.is_empty() { span.muted { (ctx.t(RoutingMsg::NoTargets)) } }
                                    @else { ul { @for t in &r.targets { li { (target(ctx, t)) } } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn inhibition(ctx: &Ctx, spec: &RoutingSpec) -> Markup {
    html! {
        section.panel #routing-inhibition aria-labelledby="routing-inhibition-title" {
            h2 #routing-inhibition-title { (ctx.t(RoutingMsg::Inhibition)) }
            @if spec.inhibit_rules.is_empty() { p.muted { (ctx.t(RoutingMsg::NoInhibition)) } }
            ul {
                @for r in &spec.inhibit_rules {
                    li {
                        (ctx.t(RoutingMsg::Source)) " " @for m in &r.source_matchers { code { (m) } " " }
                        "→ " (ctx.t(RoutingMsg::Target)) " " @for m in &r.target_matchers { code { (m) } " " }
                        @if !r.equal.is_empty() { (ctx.t(RoutingMsg::Equal)) " " code { (r.equal.join(", ")) } }
                    }
                }
            }
        }
    }
}
