//! One demo incident's life: when it was opened, who picked it up, what was
//! said and how it ended. The result is the final row plus the comments and
//! journal entries the app would have written along the way, each field
//! change computed with the app's own `diff`, so the journal reads exactly
//! like real use.

use super::catalog::{self as cat, MajorTemplate, Template, fill};
use super::people::{self, People, Person};
use super::rng::Rng;
use crate::incidents::{diff, number};
use steward_domain::journal::{Action, FieldChange};
use steward_domain::{HoldReason, Impact, IncidentState, PriorityMatrix, ResolutionCode, Urgency};
use steward_store::records::{self, Incident};

pub(super) const MINUTE: i64 = 60_000_000;
pub(super) const HOUR: i64 = 60 * MINUTE;
pub(super) const DAY: i64 = 24 * HOUR;
/// The smallest gap between two steps of a story.
const MIN_GAP: i64 = MINUTE;
/// Nothing is opened later than this before now, so every story has room.
pub(super) const NEWEST: i64 = 20 * MINUTE;

/// What the stories are told against.
pub(super) struct Ctx<'a> {
    pub people: &'a People,
    pub matrix: &'a PriorityMatrix,
    pub now: i64,
    /// How long a resolved incident waits for the automatic close.
    pub auto_close: i64,
    /// Service CIs by name.
    pub services: &'a std::collections::HashMap<&'static str, i64>,
}

/// What an incident is about.
#[derive(Clone, Copy)]
pub(super) enum Topic {
    Regular(&'static Template),
    Major(&'static MajorTemplate),
    /// Someone affected by a major incident, linked to it.
    Child(&'static MajorTemplate, records::Key),
}

pub(super) struct Plan {
    pub key: records::Key,
    pub opened_at: i64,
    pub topic: Topic,
    /// Picks the `{…}` choices; a major incident and its children share it.
    pub seed: u64,
}

#[derive(Clone)]
pub(super) struct NewComment {
    pub author_id: i64,
    pub body: String,
    pub internal: bool,
    pub at: i64,
}

/// A journal entry; `comment` indexes the story's comments.
#[derive(Clone)]
pub(super) struct Event {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: Action,
    pub changes: Vec<FieldChange>,
    pub comment: Option<usize>,
}

#[derive(Clone)]
pub(super) struct Story {
    pub incident: Incident,
    pub comments: Vec<NewComment>,
    /// In time order; the journal's sequence numbers follow it.
    pub events: Vec<Event>,
}

/// The texts of one incident, braces filled.
struct Texts {
    title: String,
    description: String,
    fix: String,
    note: String,
}

/// Tells the story of `plan`; `forced` overrides the state the incident's
/// age would suggest.
pub(super) fn tell(rng: &mut Rng, ctx: &Ctx, plan: &Plan, forced: Option<IncidentState>) -> Story {
    let p = ctx.people;
    let desk = people::service_desk(p, rng);
    let dispatcher = People::member(desk, rng).clone();
    let (service, category, group_name, major) = match plan.topic {
        Topic::Regular(t) => (t.service, t.category, t.group, false),
        Topic::Major(m) => (m.service, m.category, m.group, true),
        Topic::Child(m, _) => (m.service, m.category, m.group, false),
    };
    // A major incident is logged by the desk on everyone's behalf.
    let requester = if major { dispatcher.clone() } else { p.requester(rng).clone() };
    let texts = texts(plan, &requester);
    let (impact, urgency) = match plan.topic {
        Topic::Major(_) => (1, 1),
        Topic::Child(..) => (2, *rng.pick(&[1, 2])),
        Topic::Regular(_) => impact_urgency(rng),
    };
    let priority = priority(ctx.matrix, impact, urgency);
    // The desk fixes about a third itself; the rest goes to the resolver group.
    let group = if matches!(plan.topic, Topic::Regular(_)) && rng.chance(35) { desk } else { p.group(group_name, rng) };
    let assignee = People::member(group, rng).clone();
    let by_phone = major || rng.chance(25);
    let creator = if by_phone { dispatcher.id } else { requester.id };
    let mut inc = Incident {
        id: plan.key.id,
        kind: crate::incidents::KIND.to_owned(),
        number: plan.key.number,
        title: texts.title.clone(),
        description: texts.description.clone(),
        state: IncidentState::New.as_str().to_owned(),
        hold_reason: None,
        impact,
        urgency,
        priority,
        requester_id: requester.id,
        organisation_id: requester.organisation_id,
        category: Some(category.to_owned()),
        service_id: ctx.services.get(service).copied(),
        service: Some(service.to_owned()),
        assignment_group_id: None,
        assignee_id: None,
        major: i64::from(major),
        parent_id: match plan.topic {
            Topic::Child(_, parent) => Some(parent.id),
            _ => None,
        },
        parent_number: match plan.topic {
            Topic::Child(_, parent) => Some(parent.number),
            _ => None,
        },
        resolution_code: None,
        resolution_notes: None,
        reopen_count: 0,
        opened_at: plan.opened_at,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        updated_at: plan.opened_at,
        created_by: creator,
        version: 1,
        requester_name: Some(requester.name.clone()),
        organisation_name: None,
        group_name: None,
        assignee_name: None,
        sla: Default::default(),
    };
    // The desk routes what it logs itself straight away.
    if by_phone {
        inc.assignment_group_id = Some(group.id);
        inc.group_name = Some(group.name.clone());
    }
    let state = forced.unwrap_or_else(|| {
        // A major incident is worked at once and never just dropped.
        match (major, pick_state(rng, ctx.now - plan.opened_at)) {
            (true, IncidentState::New) => IncidentState::InProgress,
            (true, IncidentState::Cancelled) => IncidentState::Closed,
            (_, s) => s,
        }
    });
    let mut b = Builder::new(inc, plan.seed, requester, creator);
    let cast =
        Cast { dispatcher, assignee, group_id: group.id, group_name: group.name.clone(), members: &group.members };
    match state {
        IncidentState::New => b.waiting(rng, ctx, &cast),
        IncidentState::Cancelled if rng.chance(50) => b.cancelled_early(rng, ctx, &cast),
        _ => b.worked(rng, ctx, &cast, &texts, state, plan),
    }
    b.finish()
}

fn texts(plan: &Plan, requester: &Person) -> Texts {
    let f = |s: &str| fill(s, plan.seed, &requester.first);
    match plan.topic {
        Topic::Regular(t) => Texts { title: f(t.title), description: f(t.description), fix: f(t.fix), note: f(t.note) },
        Topic::Major(m) => Texts {
            title: f(m.title),
            description: f(m.description),
            fix: f(m.fix),
            note: "Major incident bridge opened; status page updated and stakeholders informed.".to_owned(),
        },
        Topic::Child(m, parent) => Texts {
            title: f(m.child_title),
            description: f(m.child_description),
            fix: format!("Fixed with major incident {}: {}", number(parent.number), f(m.fix)),
            note: format!("Linked to major incident {}.", number(parent.number)),
        },
    }
}

/// Impact and urgency, skewed towards low as on any service desk.
pub(super) fn impact_urgency(rng: &mut Rng) -> (i64, i64) {
    (1 + rng.weighted(&[5, 30, 65]) as i64, 1 + rng.weighted(&[10, 45, 45]) as i64)
}

pub(super) fn priority(matrix: &PriorityMatrix, impact: i64, urgency: i64) -> i64 {
    match (Impact::new(impact), Urgency::new(urgency)) {
        (Ok(i), Ok(u)) => matrix.priority(i, u).into(),
        _ => 3,
    }
}

/// Older incidents are mostly closed, recent ones mostly open.
fn pick_state(rng: &mut Rng, age: i64) -> IncidentState {
    use IncidentState::*;
    if age < 15 * MINUTE {
        return New;
    }
    // Per mille: new, in progress, on hold, resolved, closed, cancelled.
    let weights: [u32; 6] = match age / DAY {
        0 => [350, 350, 80, 150, 30, 40],
        1..=2 => [100, 300, 120, 330, 100, 50],
        3..=6 => [40, 180, 100, 330, 300, 50],
        7..=13 => [10, 60, 50, 100, 730, 50],
        14..=29 => [0, 20, 20, 20, 890, 50],
        _ => [0, 5, 5, 0, 940, 50],
    };
    [New, InProgress, OnHold, Resolved, Closed, Cancelled][rng.weighted(&weights)]
}

/// How long until someone picks the incident up, by priority.
pub(super) fn response_gap(rng: &mut Rng, priority: i64) -> i64 {
    match priority {
        1 => rng.between(2 * MINUTE, 15 * MINUTE),
        2 => rng.between(5 * MINUTE, 45 * MINUTE),
        3 => rng.between(15 * MINUTE, 3 * HOUR),
        4 => rng.between(30 * MINUTE, 8 * HOUR),
        _ => rng.between(HOUR, 24 * HOUR),
    }
}

/// How long the work takes after pick-up, by priority.
pub(super) fn work_gap(rng: &mut Rng, priority: i64) -> i64 {
    match priority {
        1 => rng.between(HOUR, 6 * HOUR),
        2 => rng.between(2 * HOUR, DAY),
        3 => rng.between(4 * HOUR, 3 * DAY),
        4 => rng.between(DAY, 7 * DAY),
        _ => rng.between(2 * DAY, 14 * DAY),
    }
}

/// Shrinks `gaps` so that `start + sum(gaps) <= limit`, keeping each at
/// least [`MIN_GAP`]: a young incident squeezes its story into the time it
/// has had. Returns the moments the gaps lead to.
pub(super) fn fit(start: i64, limit: i64, gaps: &mut [i64]) -> Vec<i64> {
    let room = i128::from(limit - start);
    let total: i128 = gaps.iter().map(|g| i128::from(*g)).sum();
    if total > room {
        let floor = i128::from(MIN_GAP) * gaps.len() as i128;
        for g in gaps.iter_mut() {
            let above = i128::from((*g - MIN_GAP).max(0));
            *g = MIN_GAP + (above * (room - floor).max(0) / (total - floor).max(1)) as i64;
        }
    }
    let mut t = start;
    gaps.iter()
        .map(|g| {
            t += g;
            t
        })
        .collect()
}

fn resolution(rng: &mut Rng, fix: &str) -> (ResolutionCode, String) {
    use ResolutionCode::*;
    let code = [Solved, Workaround, NotReproducible, Duplicate, ResolvedByCaller, NoFaultFound]
        [rng.weighted(&[62, 12, 7, 5, 8, 6])];
    let notes = match code {
        Solved => fix,
        Workaround => cat::NOTES_WORKAROUND,
        NotReproducible => cat::NOTES_NOT_REPRODUCIBLE,
        Duplicate => cat::NOTES_DUPLICATE,
        ResolvedByCaller => cat::NOTES_BY_CALLER,
        NoFaultFound => cat::NOTES_NO_FAULT,
    };
    (code, notes.to_owned())
}

const HOLD_REASONS: [HoldReason; 3] =
    [HoldReason::AwaitingCaller, HoldReason::AwaitingVendor, HoldReason::AwaitingChange];

/// The staff around one incident.
struct Cast<'a> {
    dispatcher: Person,
    assignee: Person,
    group_id: i64,
    group_name: String,
    members: &'a [Person],
}

/// Builds the story event by event, keeping the row as it would be after
/// each one.
struct Builder {
    cur: Incident,
    seed: u64,
    requester: Person,
    comments: Vec<NewComment>,
    events: Vec<Event>,
}

impl Builder {
    fn new(inc: Incident, seed: u64, requester: Person, creator: i64) -> Self {
        let changes = crate::incidents::created_changes(&inc);
        let created =
            Event { at: inc.opened_at, actor_id: Some(creator), action: Action::Created, changes, comment: None };
        Self { cur: inc, seed, requester, comments: Vec::new(), events: vec![created] }
    }

    fn text(&self, s: &str) -> String {
        fill(s, self.seed, &self.requester.first)
    }

    /// A field update or transition: journals what `f` changed, bumps the version.
    fn change(
        &mut self,
        at: i64,
        actor: Option<i64>,
        action: Action,
        comment: Option<usize>,
        f: impl FnOnce(&mut Incident),
    ) {
        let before = self.cur.clone();
        f(&mut self.cur);
        let changes = diff(&before, &self.cur);
        self.cur.version += 1;
        self.events.push(Event { at, actor_id: actor, action, changes, comment });
    }

    fn add_comment(&mut self, at: i64, author: i64, body: String, internal: bool) -> usize {
        self.comments.push(NewComment { author_id: author, body, internal, at });
        self.comments.len() - 1
    }

    /// A comment or work note with its own journal entry.
    fn say(&mut self, at: i64, author: i64, body: String, internal: bool) {
        let i = self.add_comment(at, author, body, internal);
        let action = if internal { Action::WorkNote } else { Action::Comment };
        self.events.push(Event { at, actor_id: Some(author), action, changes: Vec::new(), comment: Some(i) });
    }

    /// Moves to `to` the way the app's transition does, optionally with a comment.
    fn transition(
        &mut self,
        at: i64,
        actor: Option<i64>,
        to: IncidentState,
        hold: Option<HoldReason>,
        res: Option<(ResolutionCode, String)>,
        comment: Option<String>,
    ) {
        let author = actor.unwrap_or(self.requester.id);
        let comment = comment.map(|body| self.add_comment(at, author, body, false));
        self.change(at, actor, Action::StateChanged, comment, |inc| {
            let from = inc.state.clone();
            inc.state = to.as_str().to_owned();
            inc.hold_reason = hold.map(|h| h.as_str().to_owned());
            if let Some((code, notes)) = res {
                inc.resolved_at = Some(at);
                inc.resolution_code = Some(code.as_str().to_owned());
                inc.resolution_notes = Some(notes);
            }
            if from == IncidentState::Resolved.as_str() && to == IncidentState::InProgress {
                inc.resolved_at = None;
                inc.resolution_code = None;
                inc.resolution_notes = None;
                inc.reopen_count += 1;
            }
            if to == IncidentState::Closed {
                inc.closed_at = Some(at);
            }
        });
    }

    /// Still new: perhaps a nudge from the requester and a note from the desk.
    fn waiting(&mut self, rng: &mut Rng, ctx: &Ctx, cast: &Cast) {
        let (from, to) = (self.cur.opened_at + MIN_GAP, ctx.now - 2 * MINUTE);
        if rng.chance(40) {
            let line = *rng.pick(&cat::REQUESTER_FOLLOW_UP);
            let body = self.text(line);
            self.say(rng.between(from, to), self.requester.id, body, false);
        }
        if rng.chance(50) {
            let line = *rng.pick(&cat::WORK_NOTES);
            let body = self.text(line);
            self.say(rng.between(from, to), cast.dispatcher.id, body, true);
        }
    }

    /// Cancelled before anyone picked it up.
    fn cancelled_early(&mut self, rng: &mut Rng, ctx: &Ctx, cast: &Cast) {
        let at = fit(self.cur.opened_at, ctx.now - 2 * MINUTE, &mut [rng.between(10 * MINUTE, 2 * DAY)])[0];
        let who = if rng.chance(50) { self.requester.id } else { cast.dispatcher.id };
        let reason = rng.pick(&cat::CANCEL_REASONS).to_string();
        self.transition(at, Some(who), IncidentState::Cancelled, None, None, Some(reason));
    }

    /// Picked up and worked on; ends in `state`.
    fn worked(&mut self, rng: &mut Rng, ctx: &Ctx, cast: &Cast, texts: &Texts, state: IncidentState, plan: &Plan) {
        use IncidentState::*;
        let opened = self.cur.opened_at;
        let limit = ctx.now - 2 * MINUTE;
        let (resp, work) = (response_gap(rng, self.cur.priority), work_gap(rng, self.cur.priority));
        let confirmed = rng.chance(30);
        let closing = if confirmed {
            rng.between(HOUR, (2 * DAY).min(ctx.auto_close).max(2 * HOUR))
        } else {
            ctx.auto_close + rng.between(0, 2 * HOUR)
        };
        let mut gaps = match state {
            InProgress => vec![resp],
            OnHold | Cancelled => vec![resp, work / 3],
            Resolved => vec![resp, work],
            _ => vec![resp, work, closing],
        };
        let times = fit(opened, limit, &mut gaps);
        let t1 = times[0];
        // Resolved incidents still waiting are younger than the auto-close.
        let mut end = times.get(1).copied().unwrap_or(limit);
        if state == Resolved && end < ctx.now - ctx.auto_close + HOUR {
            end = (t1 + MIN_GAP).max(ctx.now - rng.between(HOUR, (ctx.auto_close - HOUR).max(2 * HOUR)));
        }
        self.pick_up(t1, cast, rng);
        let w = end - t1;
        let reopen = matches!(state, InProgress | Resolved | Closed) && rng.chance(7) && w > 10 * MIN_GAP;
        if reopen {
            let code = (ResolutionCode::Solved, texts.fix.clone());
            self.transition(t1 + w * 45 / 100, Some(cast.assignee.id), Resolved, None, Some(code), None);
            let body = rng.pick(&cat::REQUESTER_REOPEN).to_string();
            self.transition(t1 + w * 65 / 100, Some(self.requester.id), InProgress, None, None, Some(body));
        } else if matches!(state, InProgress | Resolved | Closed) && rng.chance(20) && w > 10 * MIN_GAP {
            let reason = *rng.pick(&HOLD_REASONS);
            self.hold(t1 + w / 5, cast, reason);
            self.transition(t1 + w / 2, Some(cast.assignee.id), InProgress, None, None, None);
        }
        self.chatter(rng, cast, texts, t1, end);
        match state {
            OnHold => self.hold(end, cast, *rng.pick(&HOLD_REASONS)),
            Cancelled => {
                let reason = rng.pick(&cat::CANCEL_REASONS).to_string();
                self.transition(end, Some(cast.assignee.id), Cancelled, None, None, Some(reason));
            }
            Resolved | Closed => {
                let res = if matches!(plan.topic, Topic::Regular(_)) {
                    resolution(rng, &texts.fix)
                } else {
                    (ResolutionCode::Solved, texts.fix.clone())
                };
                self.transition(end, Some(cast.assignee.id), Resolved, None, Some(res), None);
                self.after_resolution(rng, ctx, state, end, times.get(2).copied(), confirmed);
            }
            _ => {}
        }
    }

    /// Assignment, the move to in progress and the first public reply (the
    /// first response) at `t1`.
    fn pick_up(&mut self, t1: i64, cast: &Cast, rng: &mut Rng) {
        let (gid, gname) = (cast.group_id, cast.group_name.clone());
        let (aid, aname) = (cast.assignee.id, cast.assignee.name.clone());
        self.change(t1 - 2_000_000, Some(cast.dispatcher.id), Action::Updated, None, |inc| {
            inc.assignment_group_id = Some(gid);
            inc.group_name = Some(gname);
            inc.assignee_id = Some(aid);
            inc.assignee_name = Some(aname);
        });
        self.transition(t1 - 1_000_000, Some(aid), IncidentState::InProgress, None, None, None);
        let line = *rng.pick(&cat::AGENT_FIRST_REPLY);
        let body = self.text(line);
        self.say(t1, aid, body, false);
        self.cur.first_response_at = Some(t1);
    }

    fn hold(&mut self, at: i64, cast: &Cast, reason: HoldReason) {
        self.transition(at, Some(cast.assignee.id), IncidentState::OnHold, Some(reason), None, None);
        let note = match reason {
            HoldReason::AwaitingCaller => cat::HOLD_NOTE_CALLER,
            HoldReason::AwaitingVendor => cat::HOLD_NOTE_VENDOR,
            HoldReason::AwaitingChange => cat::HOLD_NOTE_CHANGE,
        };
        let note = self.text(note);
        self.say(at, cast.assignee.id, note, true);
    }

    /// Comments and work notes between pick-up and `end`: 1-4 public
    /// comments (counting the first reply) and 1-4 work notes.
    fn chatter(&mut self, rng: &mut Rng, cast: &Cast, texts: &Texts, t1: i64, end: i64) {
        for _ in 1..rng.between(1, 5) {
            let at = rng.between(t1 + 1, end);
            let (author, text) = if rng.chance(50) {
                (self.requester.id, *rng.pick(&cat::REQUESTER_FOLLOW_UP))
            } else {
                (cast.assignee.id, *rng.pick(&cat::AGENT_UPDATE))
            };
            let body = self.text(text);
            self.say(at, author, body, false);
        }
        for i in 0..rng.between(1, 5) {
            let at = rng.between(t1 + 1, end);
            let author = if rng.chance(70) {
                cast.assignee.id
            } else {
                rng.pick_in(cast.members).map_or(cast.assignee.id, |m| m.id)
            };
            let line = *rng.pick(&cat::WORK_NOTES);
            let body = if i == 0 { texts.note.clone() } else { self.text(line) };
            self.say(at, author, body, true);
        }
    }

    /// Thanks, and the close: confirmed by the requester or automatic.
    fn after_resolution(
        &mut self,
        rng: &mut Rng,
        ctx: &Ctx,
        state: IncidentState,
        resolved: i64,
        closed: Option<i64>,
        confirmed: bool,
    ) {
        let line = *rng.pick(&cat::REQUESTER_THANKS);
        let thanks = self.text(line);
        match (state, closed) {
            (IncidentState::Closed, Some(at)) if confirmed => {
                self.transition(at, Some(self.requester.id), IncidentState::Closed, None, None, Some(thanks));
            }
            (IncidentState::Closed, Some(at)) => {
                if rng.chance(30) {
                    self.say(rng.between(resolved + 1, at), self.requester.id, thanks, false);
                }
                self.transition(at, None, IncidentState::Closed, None, None, None);
            }
            _ => {
                if rng.chance(30) {
                    self.say(rng.between(resolved + 1, ctx.now - MINUTE), self.requester.id, thanks, false);
                }
            }
        }
    }

    /// Sorts the events by time (stable: same-moment events keep their
    /// order) and sets `updated_at` to the last one.
    fn finish(mut self) -> Story {
        self.events.sort_by_key(|e| e.at);
        self.cur.updated_at = self.events.last().map_or(self.cur.opened_at, |e| e.at);
        Story { incident: self.cur, comments: self.comments, events: self.events }
    }
}
