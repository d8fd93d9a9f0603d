//! `/admin/escalations`: escalation rules for admins. The list says each
//! rule's trigger, conditions and actions in words, with a switch and a
//! delete (after a confirmation page); the form creates and edits a rule
//! under the version it was read at, each message beside its field.

use super::admin_users::tabs;
use super::service_levels_forms::duration;
use super::{Ctx, Failure, OrPage, UiResult, admin_texts::AdminMsg, html, layout, see_other, widgets};
use crate::i18n_codes::ui;
use crate::{
    AppState,
    i18n::{self, Lang, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State, rejection::PathRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::Code;
use steward_app::{AppError, FieldError, sla::rules::RuleView};
use steward_domain::sla::escalation::{EscalationAction, EscalationConditions, EscalationRule, Recipient, Trigger};
use steward_domain::sla::{DEFAULT_KIND, RECORD_KINDS, normalise_kinds};
use steward_domain::{Priority, Role};

pub const PATH: &str = "/admin/escalations";

/// These screens refuse everyone but admins, with the reason.
pub fn admins_only(ctx: &Ctx) -> Result<(), Failure> {
    if ctx.actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ctx.fail(AppError::Forbidden(ui(Code::DenyEscalationAdmin, &[]))))
    }
}

/// A path id that is not a number names nothing.
pub fn path_id(ctx: &Ctx, p: Result<Path<i64>, PathRejection>, what: &'static str) -> Result<i64, Failure> {
    p.map(|Path(id)| id).map_err(|_| ctx.fail(AppError::NotFound(what)))
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    m: Option<String>,
}

/// The rule form as typed; lists repeat, so it is read from pairs.
#[derive(Debug, Clone, Default)]
pub struct RuleForm {
    name: String,
    position: String,
    active: bool,
    trigger: String,
    clock: String,
    percent: String,
    after: String,
    /// Record kinds the rule looks at.
    kinds: Vec<String>,
    priorities: Vec<String>,
    groups: String,
    no_assignee: bool,
    no_group: bool,
    notify: Vec<String>,
    users: String,
    reassign: String,
    raise: bool,
    version: i64,
}

const CLOCKS: [(&str, AdminMsg); 4] = [
    ("resolution", AdminMsg::EscClockResolution),
    ("response", AdminMsg::EscClockResponse),
    ("group", AdminMsg::EscClockGroup),
    ("any", AdminMsg::EscClockAny),
];
const WHO: [(&str, AdminMsg); 3] = [
    ("assignee", AdminMsg::EscWhoAssignee),
    ("group", AdminMsg::EscWhoGroup),
    ("group_manager", AdminMsg::EscWhoManager),
];

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl RuleForm {
    fn fresh() -> Self {
        RuleForm {
            position: "100".into(),
            active: true,
            trigger: "clock".into(),
            clock: "resolution".into(),
            percent: "100".into(),
            kinds: vec![DEFAULT_KIND.to_owned()],
            ..Default::default()
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = RuleForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "position" => f.position = v,
                "active" => f.active = true,
                "trigger" => f.trigger = v,
                "clock" => f.clock = v,
                "percent" => f.percent = v,
                "after" => f.after = v,
                "kinds" => f.kinds.push(v),
                "priorities" => f.priorities.push(v),
                "groups" => f.groups = v,
                "no_assignee" => f.no_assignee = true,
                "no_group" => f.no_group = true,
                "notify" => f.notify.push(v),
                "users" => f.users = v,
                "reassign" => f.reassign = v,
                "raise" => f.raise = true,
                // A missing or garbled version is stale by definition.
                "version" => f.version = v.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
        f
    }

    fn of(v: &RuleView) -> Self {
        let r = &v.rule;
        let mut f = RuleForm {
            name: r.name.clone(),
            position: r.position.to_string(),
            active: v.active,
            kinds: normalise_kinds(&r.conditions.kinds),
            priorities: r.conditions.priorities.iter().map(|p| p.to_string()).collect(),
            groups: r.conditions.groups.join(", "),
            no_assignee: r.conditions.no_assignee,
            no_group: r.conditions.no_group,
            version: v.version,
            ..RuleForm::fresh()
        };
        match &r.trigger {
            Trigger::Clock { clock, percent } => {
                (f.trigger, f.clock, f.percent) = ("clock".into(), clock.clone(), percent.to_string());
            }
            Trigger::Elapsed { after } => {
                f.trigger = "elapsed".into();
                f.after = after.map(|a| format!("{a:#}")).unwrap_or_default();
            }
        }
        let mut users = Vec::new();
        for a in &r.actions {
            match a {
                EscalationAction::Notify { to } => {
                    for who in to {
                        match who {
                            Recipient::Assignee => f.notify.push("assignee".into()),
                            Recipient::Group => f.notify.push("group".into()),
                            Recipient::GroupManager => f.notify.push("group_manager".into()),
                            Recipient::Users(names) => users.extend(names.iter().cloned()),
                        }
                    }
                }
                EscalationAction::Reassign { group } => f.reassign = group.clone(),
                EscalationAction::RaiseUrgency => f.raise = true,
            }
        }
        f.users = users.join(", ");
        f
    }

    /// The rule the form describes, or the messages of what does not read;
    /// `states` are kept from the stored rule (the form does not show them).
    fn rule(&self, states: Vec<String>) -> Result<EscalationRule, Vec<FieldError>> {
        let mut errs = Vec::new();
        let position = Some(self.position.trim()).filter(|p| !p.is_empty()).unwrap_or("100");
        let position = position.parse::<i32>().unwrap_or_else(|_| {
            errs.push(FieldError::new("position", ui(Code::NotWhole, &[])));
            100
        });
        let trigger = if self.trigger == "elapsed" {
            let after = duration(&self.after).unwrap_or_else(|e| {
                errs.push(FieldError::new("after", e));
                None
            });
            Trigger::Elapsed { after }
        } else {
            let percent = self.percent.trim().parse::<u8>().unwrap_or_else(|_| {
                errs.push(FieldError::new("percent", ui(Code::PercentRange, &[("p", self.percent.trim())])));
                100
            });
            Trigger::Clock { clock: self.clock.clone(), percent }
        };
        let priorities: Vec<Priority> = self
            .priorities
            .iter()
            .filter_map(|p| p.parse::<i64>().ok())
            .filter_map(|p| Priority::new(p).ok())
            .collect();
        let mut to: Vec<Recipient> = WHO
            .iter()
            .filter(|(w, _)| self.notify.iter().any(|n| n == w))
            .map(|(w, _)| match *w {
                "assignee" => Recipient::Assignee,
                "group" => Recipient::Group,
                _ => Recipient::GroupManager,
            })
            .collect();
        let users = list(&self.users);
        if !users.is_empty() {
            to.push(Recipient::Users(users));
        }
        let mut actions = Vec::new();
        if !to.is_empty() {
            actions.push(EscalationAction::Notify { to });
        }
        if !self.reassign.trim().is_empty() {
            actions.push(EscalationAction::Reassign { group: self.reassign.trim().to_owned() });
        }
        if self.raise {
            actions.push(EscalationAction::RaiseUrgency);
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(EscalationRule {
            id: 0,
            name: self.name.clone(),
            position,
            trigger,
            conditions: EscalationConditions {
                kinds: self.kinds.clone(),
                priorities,
                states,
                groups: list(&self.groups),
                no_assignee: self.no_assignee,
                no_group: self.no_group,
            },
            actions,
        })
    }
}

/// The form field a problem of the app is about; its code says what the
/// page shows (in the user's language).
fn on_form(rule: &EscalationRule, e: FieldError) -> FieldError {
    let field = match e.field.as_str() {
        "trigger.clock" => "clock".to_owned(),
        "trigger.percent" => "percent".to_owned(),
        "trigger.after" => "after".to_owned(),
        "conditions.groups" => "groups".to_owned(),
        f if f.starts_with("conditions.kinds") => "kinds".to_owned(),
        "conditions.no_group" => "no_group".to_owned(),
        f if f.starts_with("actions[") => {
            let i: usize = f["actions[".len()..].split(']').next().and_then(|i| i.parse().ok()).unwrap_or(0);
            match rule.actions.get(i) {
                Some(EscalationAction::Reassign { .. }) => "reassign".to_owned(),
                _ => "users".to_owned(),
            }
        }
        f => f.to_owned(),
    };
    FieldError { field, ..e }
}

fn clock_name(lang: Lang, clock: &str) -> String {
    CLOCKS.iter().find(|(c, _)| *c == clock).map_or_else(|| clock.to_owned(), |(_, m)| i18n::t(lang, *m).to_owned())
}

pub fn trigger_text(lang: Lang, t: &Trigger) -> String {
    match t {
        Trigger::Clock { clock, percent: 100 } => {
            i18n::tf(lang, AdminMsg::EscBreached, &[("clock", &clock_name(lang, clock))])
        }
        Trigger::Clock { clock, percent } => i18n::tf(
            lang,
            AdminMsg::EscAtPercent,
            &[("clock", &clock_name(lang, clock)), ("percent", &percent.to_string())],
        ),
        Trigger::Elapsed { after } => {
            let after = after.map(|a| super::clocks::span(lang, a.as_secs())).unwrap_or_default();
            i18n::tf(lang, AdminMsg::EscOpenLonger, &[("after", &after)])
        }
    }
}

fn conditions_text(lang: Lang, c: &EscalationConditions) -> String {
    let mut parts = Vec::new();
    let kinds = normalise_kinds(&c.kinds);
    if kinds != [DEFAULT_KIND] {
        parts.push(kinds.iter().map(|k| i18n::record_kind(lang, k)).collect::<Vec<_>>().join(", "));
    }
    if !c.priorities.is_empty() {
        parts.push(c.priorities.iter().map(|p| format!("P{p}")).collect::<Vec<_>>().join(", "));
    }
    if !c.states.is_empty() {
        parts.push(c.states.iter().map(|s| i18n::any_state(lang, s)).collect::<Vec<_>>().join(", "));
    }
    if !c.groups.is_empty() {
        parts.push(format!("{}: {}", i18n::t(lang, AdminMsg::EscGroups), c.groups.join(", ")));
    }
    if c.no_assignee {
        parts.push(i18n::t(lang, AdminMsg::EscCondNoAssignee).to_owned());
    }
    if c.no_group {
        parts.push(i18n::t(lang, AdminMsg::EscCondNoGroup).to_owned());
    }
    if parts.is_empty() { i18n::t(lang, AdminMsg::EscCondAny).to_owned() } else { parts.join("; ") }
}

fn actions_text(lang: Lang, actions: &[EscalationAction]) -> Vec<String> {
    actions
        .iter()
        .map(|a| match a {
            EscalationAction::Notify { to } => {
                let who: Vec<String> = to
                    .iter()
                    .map(|r| match r {
                        Recipient::Assignee => i18n::t(lang, AdminMsg::EscWhoAssignee).to_owned(),
                        Recipient::Group => i18n::t(lang, AdminMsg::EscWhoGroup).to_owned(),
                        Recipient::GroupManager => i18n::t(lang, AdminMsg::EscWhoManager).to_owned(),
                        Recipient::Users(u) => u.join(", "),
                    })
                    .collect();
                i18n::tf(lang, AdminMsg::EscNotifyList, &[("who", &who.join(", "))])
            }
            EscalationAction::Reassign { group } => i18n::tf(lang, AdminMsg::EscReassignTo, &[("group", group)]),
            EscalationAction::RaiseUrgency => i18n::t(lang, AdminMsg::EscRaiseUrgency).to_owned(),
        })
        .collect()
}

fn rules_table(ctx: &Ctx, rules: &[RuleView]) -> Markup {
    let lang = ctx.lang;
    html! {
        @if rules.is_empty() { p.muted #no-rules { (ctx.t(AdminMsg::EscNone)) } }
        @else { div.table-wrap { table #escalation-rules {
            thead { tr {
                th scope="col" { (ctx.t(Msg::Name)) }
                th scope="col" { (ctx.t(AdminMsg::EscColTrigger)) }
                th scope="col" { (ctx.t(AdminMsg::EscColConditions)) }
                th scope="col" { (ctx.t(AdminMsg::EscColActions)) }
                th scope="col" { (ctx.t(AdminMsg::EscColEnabled)) }
                th scope="col" { span.visually-hidden { (ctx.t(AdminMsg::EscColActions)) } }
            } }
            tbody {
                @for v in rules {
                    @let r = &v.rule;
                    tr data-rule=(r.name) {
                        td { a.edit-link #{ "edit-rule-" (r.id) } href={ (PATH) "/" (r.id) } aria-label={ (ctx.t(Msg::Edit)) " " (r.name) } { (r.name) } }
                        td { (trigger_text(lang, &r.trigger)) }
                        td { (conditions_text(lang, &r.conditions)) }
                        td { @for a in actions_text(lang, &r.actions) { div { (a) } } }
                        td.enabled { (ctx.t(if v.active { Msg::Yes } else { Msg::No })) }
                        td {
                            form.inline method="post" action={ (PATH) "/" (r.id) "/active" } {
                                (widgets::csrf(&ctx.csrf))
                                input type="hidden" name="version" value=(v.version);
                                input type="hidden" name="on" value=(if v.active { "0" } else { "1" });
                                button.btn #{ "switch-rule-" (r.id) } type="submit" aria-label={ (ctx.t(if v.active { AdminMsg::EscSwitchOff } else { AdminMsg::EscSwitchOn })) " " (r.name) } {
                                    (ctx.t(if v.active { AdminMsg::EscSwitchOff } else { AdminMsg::EscSwitchOn }))
                                }
                            }
                            " "
                            a.btn.btn-danger-quiet #{ "delete-rule-" (r.id) } href={ (PATH) "/" (r.id) "/delete" } aria-label={ (ctx.t(AdminMsg::Delete)) " " (r.name) } { (ctx.t(AdminMsg::Delete)) }
                        }
                    }
                }
            }
        } } }
    }
}

fn checkbox(id: &str, name: &str, value: &str, checked: bool, label: &str) -> Markup {
    html! { label.choice { input #(id) type="checkbox" name=(name) value=(value) checked[checked]; " " (label) } }
}

fn error_of(lang: Lang, errors: &widgets::Errors, field: &str) -> Markup {
    html! { @if let Some(e) = errors.get(field) { p.field-error #{ "rule-" (field) "-error" } { (widgets::sentence(&i18n::app_message(lang, e))) } } }
}

fn rule_form(ctx: &Ctx, groups: &[String], f: &RuleForm, errors: &widgets::Errors, editing: Option<i64>) -> Markup {
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errors);
    let (title, action, submit) = match editing {
        Some(id) => (ctx.t(AdminMsg::EscEditRule), format!("{PATH}/{id}"), ctx.t(Msg::Save)),
        None => (ctx.t(AdminMsg::EscNewRule), PATH.to_owned(), ctx.t(AdminMsg::EscCreate)),
    };
    let triggers = vec![
        ("clock".to_owned(), ctx.t(AdminMsg::EscKindClock).to_owned()),
        ("elapsed".to_owned(), ctx.t(AdminMsg::EscKindElapsed).to_owned()),
    ];
    let clocks: Vec<(String, String)> = CLOCKS.iter().map(|(c, m)| ((*c).to_owned(), ctx.t(*m).to_owned())).collect();
    let mut reassign = vec![(String::new(), ctx.t(AdminMsg::EscNoReassign).to_owned())];
    reassign.extend(groups.iter().map(|g| (g.clone(), g.clone())));
    let shown = [
        "name", "position", "clock", "percent", "after", "kinds", "groups", "no_group", "users", "reassign", "actions",
        "version",
    ];
    html! {
        section.panel.narrow aria-labelledby="rule-form-title" {
            h2 #rule-form-title { (title) }
            form #rule-form method="post" action=(action) novalidate {
                (widgets::csrf(&ctx.csrf))
                @if editing.is_some() { input type="hidden" name="version" value=(f.version); }
                (widgets::Field { required: true, ..field("rule-name", "name", ctx.t(Msg::Name)) }.input(&f.name))
                (widgets::Field { kind: Some("number"), hint: Some(ctx.t(AdminMsg::EscPositionHint)), ..field("rule-position", "position", ctx.t(Msg::Position)) }.input(&f.position))
                fieldset {
                    legend { (ctx.t(AdminMsg::EscWhen)) }
                    (field("rule-trigger", "trigger", ctx.t(AdminMsg::EscTriggerKind)).select(&triggers, &f.trigger))
                    (field("rule-clock", "clock", ctx.t(AdminMsg::EscClock)).select(&clocks, &f.clock))
                    (widgets::Field { kind: Some("number"), hint: Some(ctx.t(AdminMsg::EscPercentHint)), ..field("rule-percent", "percent", ctx.t(AdminMsg::EscPercent)) }.input(&f.percent))
                    (widgets::Field { hint: Some(ctx.t(AdminMsg::EscAfterHint)), placeholder: Some("15m"), ..field("rule-after", "after", ctx.t(AdminMsg::EscAfter)) }.input(&f.after))
                }
                fieldset {
                    legend { (ctx.t(AdminMsg::EscWhich)) }
                    fieldset.field.choices {
                        legend { (ctx.t(Msg::SlaRecordKinds)) }
                        @for k in RECORD_KINDS {
                            (checkbox(&format!("rule-kind-{k}"), "kinds", k, f.kinds.iter().any(|x| x == k), &i18n::record_kind(ctx.lang, k)))
                        }
                        (error_of(ctx.lang, errors, "kinds"))
                    }
                    fieldset.field.choices {
                        legend { (ctx.t(AdminMsg::EscPriorities)) }
                        @for p in 1..=5i64 {
                            @let v = p.to_string();
                            (checkbox(&format!("rule-p{p}"), "priorities", &v, f.priorities.contains(&v), &format!("P{p} {}", i18n::priority_name(ctx.lang, p))))
                        }
                    }
                    (widgets::Field { hint: Some(ctx.t(Msg::ListHint)), ..field("rule-groups", "groups", ctx.t(AdminMsg::EscGroups)) }.input(&f.groups))
                    div.field { (checkbox("rule-no-assignee", "no_assignee", "1", f.no_assignee, ctx.t(AdminMsg::EscNoAssignee))) }
                    div.field { (checkbox("rule-no-group", "no_group", "1", f.no_group, ctx.t(AdminMsg::EscNoGroup))) (error_of(ctx.lang, errors, "no_group")) }
                }
                fieldset {
                    legend { (ctx.t(AdminMsg::EscThen)) }
                    (error_of(ctx.lang, errors, "actions"))
                    fieldset.field.choices {
                        legend { (ctx.t(AdminMsg::EscNotify)) }
                        @for (w, m) in WHO { (checkbox(&format!("rule-notify-{w}"), "notify", w, f.notify.iter().any(|n| n == w), ctx.t(m))) }
                    }
                    (widgets::Field { hint: Some(ctx.t(AdminMsg::EscNotifyUsersHint)), ..field("rule-users", "users", ctx.t(AdminMsg::EscNotifyUsers)) }.input(&f.users))
                    (field("rule-reassign", "reassign", ctx.t(AdminMsg::EscReassign)).select(&reassign, &f.reassign))
                    div.field { (checkbox("rule-raise", "raise", "1", f.raise, ctx.t(AdminMsg::EscRaiseUrgency))) }
                }
                div.field { (checkbox("rule-active", "active", "1", f.active, ctx.t(AdminMsg::EscEnabled))) }
                @for e in errors.others(&shown) { (widgets::alert(&widgets::sentence(&i18n::app_message(ctx.lang, e)), None)) }
                button.btn.btn-primary type="submit" #save-rule { (submit) }
            }
        }
    }
}

async fn group_names(s: &AppState, ctx: &Ctx) -> Result<Vec<String>, Failure> {
    Ok(s.app.list_groups().await.or_page(ctx)?.into_iter().map(|g| g.name).collect())
}

/// The list with the form for a new rule.
async fn render_list(
    s: &AppState,
    ctx: &Ctx,
    flash: Option<&str>,
    problem: Option<&str>,
    form: &RuleForm,
    errors: &widgets::Errors,
) -> UiResult {
    let rules = s.app.list_escalation_rules(&ctx.actor).await.or_page(ctx)?;
    let groups = group_names(s, ctx).await?;
    let flash = match flash {
        Some("created") => Some(AdminMsg::EscFlashCreated),
        Some("saved") => Some(AdminMsg::EscFlashSaved),
        Some("off") => Some(AdminMsg::EscFlashOff),
        Some("on") => Some(AdminMsg::EscFlashOn),
        Some("deleted") => Some(AdminMsg::EscFlashDeleted),
        _ => None,
    };
    let body = html! {
        h1 { (ctx.t(AdminMsg::EscTitle)) }
        (tabs(ctx))
        @if let Some(m) = flash { (widgets::notice(ctx.t(m))) }
        @if let Some(p) = problem { (widgets::alert(p, None)) }
        p.hint { (ctx.t(AdminMsg::EscIntro)) }
        (rules_table(ctx, &rules))
        (rule_form(ctx, &groups, form, errors, None))
    };
    let status = if errors.is_empty() && problem.is_none() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, layout::page(ctx, ctx.t(AdminMsg::EscTitle), body)))
}

async fn render_edit(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &RuleForm,
    errors: &widgets::Errors,
    problem: Option<&str>,
    status: StatusCode,
) -> UiResult {
    let groups = group_names(s, ctx).await?;
    let title = format!("{} · {}", ctx.t(AdminMsg::EscEditRule), form.name);
    let body = html! {
        h1 { (ctx.t(AdminMsg::EscEditRule)) }
        (tabs(ctx))
        @if let Some(p) = problem { (widgets::alert(p, None)) }
        (rule_form(ctx, &groups, form, errors, Some(id)))
        p { a href=(PATH) { (ctx.t(Msg::Cancel)) } }
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> UiResult {
    admins_only(&ctx)?;
    render_list(&s, &ctx, q.m.as_deref(), None, &RuleForm::fresh(), &Default::default()).await
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    admins_only(&ctx)?;
    let f = RuleForm::from_pairs(pairs);
    let rule = match f.rule(Vec::new()) {
        Ok(r) => r,
        Err(errs) => return render_list(&s, &ctx, None, None, &f, &widgets::Errors(errs)).await,
    };
    match s.app.create_escalation_rule(&ctx.actor, rule.clone(), f.active).await {
        Ok(_) => see_other(&format!("{PATH}?m=created")),
        Err(AppError::Invalid(errs)) => {
            let errs = errs.into_iter().map(|e| on_form(&rule, e)).collect();
            render_list(&s, &ctx, None, None, &f, &widgets::Errors(errs)).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "escalation rule")?;
    let v = s.app.get_escalation_rule(&ctx.actor, id).await.or_page(&ctx)?;
    render_edit(&s, &ctx, id, &RuleForm::of(&v), &Default::default(), None, StatusCode::OK).await
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "escalation rule")?;
    let stored = s.app.get_escalation_rule(&ctx.actor, id).await.or_page(&ctx)?;
    let f = RuleForm::from_pairs(pairs);
    let rule = match f.rule(stored.rule.conditions.states.clone()) {
        Ok(r) => r,
        Err(errs) => {
            return render_edit(&s, &ctx, id, &f, &widgets::Errors(errs), None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match s.app.update_escalation_rule(&ctx.actor, id, f.version, rule.clone(), f.active).await {
        Ok(_) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(errs)) => {
            let errs = errs.into_iter().map(|e| on_form(&rule, e)).collect();
            render_edit(&s, &ctx, id, &f, &widgets::Errors(errs), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Stale { .. }) => {
            let now = s.app.get_escalation_rule(&ctx.actor, id).await.or_page(&ctx)?;
            let problem = Some(ctx.t(AdminMsg::EscStale));
            render_edit(&s, &ctx, id, &RuleForm::of(&now), &Default::default(), problem, StatusCode::CONFLICT).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SwitchForm {
    /// `1` to switch on, anything else off.
    on: String,
    version: String,
}

pub async fn switch(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<SwitchForm>,
) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "escalation rule")?;
    let on = f.on == "1";
    let version = f.version.trim().parse().unwrap_or(0);
    match s.app.set_escalation_rule_active(&ctx.actor, id, version, on).await {
        Ok(_) => see_other(&format!("{PATH}?m={}", if on { "on" } else { "off" })),
        Err(AppError::Stale { .. }) => {
            render_list(&s, &ctx, None, Some(ctx.t(AdminMsg::EscStale)), &RuleForm::fresh(), &Default::default()).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn render_confirm(s: &AppState, ctx: &Ctx, id: i64, problem: Option<&str>, status: StatusCode) -> UiResult {
    let v = s.app.get_escalation_rule(&ctx.actor, id).await.or_page(ctx)?;
    let title = i18n::tf(ctx.lang, AdminMsg::EscDeleteTitle, &[("name", &v.rule.name)]);
    let body = html! {
        h1 { (title) }
        (tabs(ctx))
        @if let Some(p) = problem { (widgets::alert(p, None)) }
        section.panel.narrow {
            p { (trigger_text(ctx.lang, &v.rule.trigger)) " → " (actions_text(ctx.lang, &v.rule.actions).join("; ")) }
            p { (ctx.t(AdminMsg::EscDeleteText)) }
            form method="post" action={ (PATH) "/" (id) "/delete" } {
                (widgets::csrf(&ctx.csrf))
                input type="hidden" name="version" value=(v.version);
                button.btn.btn-danger-quiet #confirm-delete type="submit" { (ctx.t(AdminMsg::Delete)) }
                " " a href=(PATH) { (ctx.t(Msg::Cancel)) }
            }
        }
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

pub async fn confirm_delete(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "escalation rule")?;
    render_confirm(&s, &ctx, id, None, StatusCode::OK).await
}

pub async fn delete(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<super::VersionForm>,
) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "escalation rule")?;
    let version = f.version.trim().parse().unwrap_or(0);
    match s.app.delete_escalation_rule(&ctx.actor, id, version).await {
        Ok(()) => see_other(&format!("{PATH}?m=deleted")),
        Err(AppError::Stale { .. }) => {
            render_confirm(&s, &ctx, id, Some(ctx.t(AdminMsg::EscStale)), StatusCode::CONFLICT).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
