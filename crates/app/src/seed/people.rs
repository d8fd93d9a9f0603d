//! The people incidents are about: demo organisations, groups and users, or
//! for benchmarks whoever is already in the database.

use super::catalog::{self, ADMIN, AGENTS, GROUPS, MANAGERS, ORGANISATIONS, REQUESTER, SERVICE_DESK, STAFF_ORG};
use super::rng::Rng;
use crate::error::Code;
use crate::{App, error::AppError};
use std::collections::HashSet;
use steward_domain::Role;
use steward_store::{Conn, StoreError, accounts, now_micros};

/// Someone incidents can name.
#[derive(Debug, Clone)]
pub(super) struct Person {
    pub id: i64,
    pub name: String,
    /// For greetings in comments.
    pub first: String,
    pub organisation_id: Option<i64>,
}

impl Person {
    fn from_user(u: &accounts::User) -> Self {
        let first = u.display_name.split_whitespace().next().unwrap_or(&u.display_name).to_owned();
        Self { id: u.id, name: u.display_name.clone(), first, organisation_id: u.organisation_id }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Group {
    pub id: i64,
    pub name: String,
    /// Staff only: an incident's assignee is always one of them.
    pub members: Vec<Person>,
}

/// Requesters and groups to draw from.
///
/// Invariant (checked by [`People::new`]): at least one requester and at
/// least one group with members, so the picking methods never come up empty.
#[derive(Debug)]
pub(super) struct People {
    pub requesters: Vec<Person>,
    /// Only groups with members.
    pub groups: Vec<Group>,
}

impl People {
    fn new(requesters: Vec<Person>, groups: Vec<Group>) -> Option<Self> {
        let groups: Vec<Group> = groups.into_iter().filter(|g| !g.members.is_empty()).collect();
        (!requesters.is_empty() && !groups.is_empty()).then_some(Self { requesters, groups })
    }

    /// A requester; a few people report far more than the rest.
    pub fn requester(&self, rng: &mut Rng) -> &Person {
        let bound = rng.below(self.requesters.len()) + 1;
        &self.requesters[rng.below(bound)]
    }

    /// The group called `name`, or any group when there is none such.
    pub fn group(&self, name: &str, rng: &mut Rng) -> &Group {
        match self.groups.iter().find(|g| g.name == name) {
            Some(g) => g,
            None => &self.groups[rng.below(self.groups.len())],
        }
    }

    pub fn member<'a>(group: &'a Group, rng: &mut Rng) -> &'a Person {
        &group.members[rng.below(group.members.len())]
    }
}

/// The password of every demo and benchmark user.
pub(super) const PASSWORD: &str = "steward-demo";

/// A user to create.
#[derive(Clone)]
struct Spec {
    username: String,
    display: String,
    role: Role,
    org: usize,
    polish: bool,
    groups: Vec<usize>,
}

impl Spec {
    fn new(username: &str, (display, polish): (&str, bool), role: Role, org: usize) -> Self {
        Self { username: username.to_owned(), display: display.to_owned(), role, org, polish, groups: Vec::new() }
    }
}

/// Who the demo creates: fixed logins first, then generated people.
fn demo_roster(rng: &mut Rng) -> Vec<Spec> {
    let mut out = vec![
        Spec::new("admin", ADMIN, Role::Admin, STAFF_ORG),
        Spec::new("manager", MANAGERS[0], Role::Manager, STAFF_ORG),
        Spec { groups: vec![0, 1], ..Spec::new("agent", AGENTS[0], Role::Agent, STAFF_ORG) },
        Spec::new("requester", REQUESTER, Role::Requester, 0),
    ];
    for m in &MANAGERS[1..] {
        out.push(Spec::new(&catalog::username(m.0), *m, Role::Manager, STAFF_ORG));
    }
    // Every group gets three agents as their main team; some help out in a second.
    for (i, a) in AGENTS.iter().enumerate().skip(1) {
        let main = i % GROUPS.len();
        let mut groups = vec![main];
        if rng.chance(40) {
            let other = (main + 1 + rng.below(GROUPS.len() - 1)) % GROUPS.len();
            groups.push(other);
        }
        out.push(Spec { groups, ..Spec::new(&catalog::username(a.0), *a, Role::Agent, STAFF_ORG) });
    }
    let mut taken: HashSet<String> = out.iter().map(|s| s.username.clone()).collect();
    // 59 more requesters beside `requester`, spread over the organisations.
    let target = out.len() + 59;
    let mut i = 0;
    while out.len() < target {
        let org = i % ORGANISATIONS.len();
        i += 1;
        // Polish companies employ mostly Polish names; the British ones a few.
        let polish = rng.chance(if ORGANISATIONS[org].2 { 90 } else { 15 });
        let display = person_name(rng, polish);
        let username = catalog::username(&display);
        if taken.insert(username.clone()) {
            out.push(Spec { username, display, role: Role::Requester, org, polish, groups: Vec::new() });
        }
    }
    out
}

fn person_name(rng: &mut Rng, polish: bool) -> String {
    if !polish {
        return format!("{} {}", rng.pick(&catalog::EN_FIRST), rng.pick(&catalog::EN_LAST));
    }
    let last = rng.pick(&catalog::PL_LAST);
    if rng.chance(50) {
        format!("{} {}", rng.pick(&catalog::PL_FIRST_F), catalog::feminine(last))
    } else {
        format!("{} {last}", rng.pick(&catalog::PL_FIRST_M))
    }
}

/// How many of each the demo created.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    pub organisations: usize,
    pub groups: usize,
    pub agents: usize,
    pub managers: usize,
    pub admins: usize,
    pub requesters: usize,
}

/// Creates the demo's organisations, groups and users in one write; every
/// user gets the same (already hashed) password.
pub(super) async fn create_demo(app: &App, rng: &mut Rng, hash: String) -> Result<(People, Counts), AppError> {
    let roster = demo_roster(rng);
    let mut counts = Counts { organisations: ORGANISATIONS.len(), groups: GROUPS.len(), ..Counts::default() };
    for s in &roster {
        match s.role {
            Role::Agent => counts.agents += 1,
            Role::Manager => counts.managers += 1,
            Role::Admin => counts.admins += 1,
            Role::Requester => counts.requesters += 1,
        }
    }
    let (requesters, groups) =
        app.store.write(move |c| Box::pin(async move { insert_roster(c, &roster, &hash).await })).await?;
    let people = People::new(requesters, groups).ok_or_else(|| AppError::Internal("demo roster is empty".into()))?;
    Ok((people, counts))
}

async fn insert_roster(c: &mut Conn, roster: &[Spec], hash: &str) -> Result<(Vec<Person>, Vec<Group>), AppError> {
    let now = now_micros();
    let mut orgs = Vec::new();
    for (name, _, _) in ORGANISATIONS {
        orgs.push(match accounts::organisation_by_name(c, name).await? {
            Some(o) => o.id,
            None => accounts::insert_organisation(c, name, now).await?,
        });
    }
    let mut groups = Vec::new();
    for (name, description) in GROUPS {
        let id = match accounts::group_by_name(c, name).await? {
            Some(g) => g.id,
            None => accounts::insert_group(c, name, description, now).await?,
        };
        groups.push(Group { id, name: name.to_owned(), members: Vec::new() });
    }
    let mut requesters = Vec::new();
    for s in roster {
        let organisation_id = orgs.get(s.org).copied();
        let new = accounts::NewUser {
            username: s.username.clone(),
            display_name: s.display.clone(),
            email: Some(format!("{}@{}", s.username, ORGANISATIONS[s.org].1)),
            role: s.role.as_str().to_owned(),
            organisation_id,
            password_hash: Some(hash.to_owned()),
            locale: s.polish.then(|| "pl".to_owned()),
        };
        let id = accounts::insert_user(c, &new, now).await.map_err(|e| match e {
            StoreError::Duplicate(_) => AppError::field(
                "database",
                Code::DemoNotEmpty
                    .msg(format!("user {:?} already exists: demo data needs a new, empty database", s.username)),
            ),
            other => other.into(),
        })?;
        let first = s.display.split_whitespace().next().unwrap_or_default().to_owned();
        let person = Person { id, name: s.display.clone(), first, organisation_id };
        for g in &s.groups {
            if let Some(group) = groups.get_mut(*g) {
                accounts::add_member(c, group.id, id).await?;
                group.members.push(person.clone());
            }
        }
        if s.role == Role::Requester {
            requesters.push(person);
        }
    }
    Ok((requesters, groups))
}

/// The people already in the database, or (when there are no requesters or
/// no group with staff in it) a small benchmark cast created for the purpose.
pub(super) async fn for_bench(app: &App) -> Result<People, AppError> {
    if let Some(p) = load(app).await? {
        return Ok(p);
    }
    let hash = crate::auth::hash_password(PASSWORD)?;
    app.store.write(move |c| Box::pin(async move { insert_bench_cast(c, &hash).await })).await?;
    load(app).await?.ok_or_else(|| AppError::Internal("benchmark users were not created".into()))
}

async fn load(app: &App) -> Result<Option<People>, AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(StoreError::from)?;
    let users = accounts::list_users(&mut conn).await?;
    let staff = |u: &accounts::User| u.active == 1 && u.role.parse::<Role>().is_ok_and(Role::is_staff);
    let requesters =
        users.iter().filter(|u| u.active == 1 && u.role == Role::Requester.as_str()).map(Person::from_user);
    let mut groups = Vec::new();
    for g in accounts::list_groups(&mut conn).await? {
        let members = accounts::members_of(&mut conn, g.id).await?;
        let members = members.iter().filter(|u| staff(u)).map(Person::from_user).collect();
        groups.push(Group { id: g.id, name: g.name, members });
    }
    Ok(People::new(requesters.collect(), groups))
}

/// Four groups with three agents each and 200 requesters in two
/// organisations; existing names are reused, so this can run again.
async fn insert_bench_cast(c: &mut Conn, hash: &str) -> Result<(), AppError> {
    let now = now_micros();
    let mut groups = Vec::new();
    for (name, description) in [GROUPS[0], GROUPS[1], GROUPS[5], GROUPS[7]] {
        groups.push(match accounts::group_by_name(c, name).await? {
            Some(g) => g.id,
            None => accounts::insert_group(c, name, description, now).await?,
        });
    }
    let mut orgs = Vec::new();
    for (name, _, _) in &ORGANISATIONS[..2] {
        orgs.push(match accounts::organisation_by_name(c, name).await? {
            Some(o) => o.id,
            None => accounts::insert_organisation(c, name, now).await?,
        });
    }
    for i in 0..12 {
        let (login, name) = (format!("bench.agent{:02}", i + 1), format!("Bench Agent {:02}", i + 1));
        let id = bench_user(c, &login, &name, Role::Agent, None, hash, now).await?;
        accounts::add_member(c, groups[i % groups.len()], id).await?;
    }
    for i in 0..200 {
        let (login, name) = (format!("bench.user{:03}", i + 1), format!("Bench User {:03}", i + 1));
        bench_user(c, &login, &name, Role::Requester, orgs.get(i % 2).copied(), hash, now).await?;
    }
    Ok(())
}

async fn bench_user(
    c: &mut Conn,
    username: &str,
    display: &str,
    role: Role,
    org: Option<i64>,
    hash: &str,
    now: i64,
) -> Result<i64, AppError> {
    if let Some(u) = accounts::user_by_name(c, username).await? {
        return Ok(u.id);
    }
    let new = accounts::NewUser {
        username: username.to_owned(),
        display_name: display.to_owned(),
        email: None,
        role: role.as_str().to_owned(),
        organisation_id: org,
        password_hash: Some(hash.to_owned()),
        locale: None,
    };
    Ok(accounts::insert_user(c, &new, now).await?)
}

/// The Service Desk, where first-line work lands.
pub(super) fn service_desk<'a>(people: &'a People, rng: &mut Rng) -> &'a Group {
    people.group(SERVICE_DESK, rng)
}
