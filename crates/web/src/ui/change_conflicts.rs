//! The change page's Conflicts panel: what its planned window collides
//! with (`App::change_conflicts`), nearest first, each explained — the same
//! CI, a CI it depends on or that depends on it with the chain of CIs by
//! name, a freeze, the same owner booked twice — with the other's window,
//! and the next free slot, all in the viewer's zone.

use super::change_texts::{ChgMsg, ChgPlural};
use super::{Ctx, change::Data, cmdb_words, fmt};
use crate::i18n::{self, Lang};
use maud::{Markup, html};
use steward_app::changes::ChangeConflicts;
use steward_domain::{
    change::conflicts::{Conflict, Reason, Window, With},
    cmdb::Step,
};

/// "3 Mar 2026, 22:00 CET – 3 Mar 2026, 23:30 CET".
fn span(lang: Lang, w: &Window) -> String {
    format!("{} – {}", fmt::absolute(lang, w.start), fmt::absolute(lang, w.end))
}

/// A CI's name as the check read it.
fn name(c: &ChangeConflicts, id: i64) -> String {
    c.names.iter().find(|(i, _)| *i == id).map_or_else(|| format!("#{id}"), |(_, n)| n.clone())
}

/// The chain from `start` along `path`, each CI by name with the relation
/// that reached it: "app-01 → db-01 (runs on)".
fn path_words(lang: Lang, c: &ChangeConflicts, start: i64, path: &[Step]) -> String {
    let mut out = name(c, start);
    for s in path {
        out.push_str(&format!(" → {} ({})", name(c, s.ci), cmdb_words::relation(lang, s.relation.kind.as_str())));
    }
    out
}

/// Why it is a conflict, in words, and the chain of CIs that explains it.
fn reason(ctx: &Ctx, d: &Data, c: &ChangeConflicts, conflict: &Conflict) -> (String, Option<String>) {
    let lang = ctx.lang;
    let tf = |m, args: &[(&str, &str)]| i18n::tf(lang, m, args);
    match &conflict.reason {
        Reason::SameCi { ci } => (tf(ChgMsg::ConflictSameCi, &[("ci", &name(c, *ci))]), None),
        Reason::DependsOn { ours, theirs, path } => (
            tf(ChgMsg::ConflictDependsOn, &[("ours", &name(c, *ours)), ("theirs", &name(c, *theirs))]),
            Some(path_words(lang, c, *ours, path)),
        ),
        Reason::DependedOn { ours, theirs, path } => (
            tf(ChgMsg::ConflictDependedOn, &[("ours", &name(c, *ours)), ("theirs", &name(c, *theirs))]),
            Some(path_words(lang, c, *ours, path)),
        ),
        Reason::InFreeze { service: Some(s) } => (tf(ChgMsg::ConflictFreeze, &[("service", &name(c, *s))]), None),
        Reason::InFreeze { service: None } => (ctx.t(ChgMsg::ConflictFreezeAll).to_owned(), None),
        Reason::SameAssignee { .. } => {
            let who = d.c.record.assignee_name.as_deref().unwrap_or("");
            (tf(ChgMsg::ConflictAssignee, &[("name", who)]), None)
        }
    }
}

/// What the conflict is with: a link to the other change, or the freeze.
fn with(ctx: &Ctx, w: &With) -> Markup {
    match w {
        With::Change { number, .. } => html! { a href={ "/changes/" (number) } { (number) } },
        With::Freeze { name, .. } => {
            html! { strong { (i18n::tf(ctx.lang, ChgMsg::ConflictFreezeNamed, &[("name", name)])) } }
        }
    }
}

fn list(ctx: &Ctx, d: &Data, c: &ChangeConflicts) -> Markup {
    let lang = ctx.lang;
    html! {
        @if c.conflicts.is_empty() {
            p.muted #no-conflicts { (ctx.t(ChgMsg::NoConflicts)) }
        } @else {
            ol.conflicts #conflict-list {
                @for conflict in &c.conflicts {
                    @let (why, path) = reason(ctx, d, c, conflict);
                    li.conflict {
                        (with(ctx, &conflict.with)) ": " span.why { (why) }
                        @if let Some(h) = conflict.hops.filter(|h| *h > 0) {
                            " " span.muted { "(" (i18n::tn(lang, ChgPlural::Hops, u64::from(h))) ")" }
                        }
                        @if let Some(p) = path { br; span.path title=(ctx.t(ChgMsg::ConflictPath)) { (p) } }
                        br;
                        span.muted { (i18n::tf(lang, ChgMsg::ConflictWindow, &[("start", &fmt::absolute(lang, conflict.window.start)), ("end", &fmt::absolute(lang, conflict.window.end))])) }
                    }
                }
            }
            p #next-slot {
                strong { (ctx.t(ChgMsg::NextSlot)) ": " }
                @match &c.proposal {
                    Some(w) => span #next-slot-window { (span(lang, w)) },
                    None => span.muted { (ctx.t(ChgMsg::NoSlot)) },
                }
            }
        }
    }
}

/// The panel (none for a change that is no longer open).
pub fn panel(ctx: &Ctx, d: &Data) -> Markup {
    let open = d.state().is_some_and(steward_domain::Lifecycle::is_open);
    if !open {
        return html! {};
    }
    html! {
        section.panel #conflicts aria-labelledby="conflicts-title" {
            h2 #conflicts-title {
                (ctx.t(ChgMsg::ConflictsTitle))
                @if let Some(Ok(c)) = &d.conflicts { " " span.count { (c.conflicts.len()) } }
            }
            @match &d.conflicts {
                None => p.muted { (ctx.t(ChgMsg::ConflictsNeedWindow)) },
                Some(Ok(c)) => (list(ctx, d, c)),
                Some(Err(e)) => p.field-error role="alert" {
                    (i18n::tf(ctx.lang, ChgMsg::ConflictsUnavailable, &[("reason", &super::errors::reason(ctx.lang, e))]))
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_domain::cmdb::{Relation, RelationType};

    fn checked() -> ChangeConflicts {
        ChangeConflicts {
            window: Window { start: 0, end: 1 },
            conflicts: Vec::new(),
            names: vec![(1, "app-01".into()), (2, "db-01".into()), (3, "san-01".into())],
            proposal: None,
        }
    }

    #[test]
    fn a_path_names_each_ci_with_the_relation_that_reached_it() {
        let c = checked();
        let step = |from, to, kind| Step { ci: to, relation: Relation { from, to, kind } };
        let path = [step(1, 2, RelationType::RunsOn), step(2, 3, RelationType::HostedOn)];
        let words = path_words(Lang::En, &c, 1, &path);
        assert!(words.starts_with("app-01 → db-01 ("), "{words}");
        assert!(words.contains("→ san-01 ("), "{words}");
        assert_eq!(name(&c, 9), "#9", "a CI the check did not name");
    }
}
