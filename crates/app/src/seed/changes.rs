//! The demo's change calendar around "now": routine standard changes,
//! normal changes at each step (scheduled, one in authorization, one being
//! implemented), an emergency change, a failed change closed as failed
//! with the incident it caused linked to it, the year-end freeze and a few
//! services' maintenance windows; the change being implemented and a
//! scheduled one carry their implementation tasks in steps. Made through the app's own use cases
//! (so journals read like real use), as `agent` with `manager` approving;
//! the past changes' actual windows are then set to when they happened.

use super::problems::actor;
use crate::{
    Actor, App,
    change_calendar::{NewFreeze, NewWindow},
    changes::{ChangeTransitionInput, NewChange},
    error::AppError,
    incidents::ListParams,
    links::LinkRequest,
};
use steward_domain::number::RecordKind;
use steward_store::changes as store_changes;

const HOUR: i64 = 3600 * 1_000_000;

/// One demo change: where its window sits (hours from now's hour), and how
/// far it has gone.
struct DemoChange {
    title: &'static str,
    description: &'static str,
    change_type: &'static str,
    /// The catalogue's template a standard change is raised from.
    template: Option<&'static str>,
    service: &'static str,
    starts_in_hours: i64,
    hours: i64,
    /// The states it walks through, in order.
    path: &'static [&'static str],
    /// How it closed: (close code, review notes).
    closed: Option<(&'static str, &'static str)>,
}

const STANDARD_DONE: &[&str] = &["scheduled", "implementing", "review", "closed"];
const STANDARD_SCHEDULED: &[&str] = &["scheduled"];
const NORMAL_SCHEDULED: &[&str] = &["assessment", "authorization", "scheduled"];
const NORMAL_DONE: &[&str] = &["assessment", "authorization", "scheduled", "implementing", "review", "closed"];

const CHANGES: [DemoChange; 11] = [
    DemoChange {
        title: "Monthly patching of office laptops",
        description: "Operating system and browser updates for the laptop fleet, pushed in the evening window.",
        change_type: "standard",
        template: Some("Apply monthly OS security patches"),
        service: "Laptop Fleet",
        starts_in_hours: -7 * 24 - 4,
        hours: 4,
        path: STANDARD_DONE,
        closed: Some(("successful", "")),
    },
    DemoChange {
        title: "Upgrade the Web Shop database to PostgreSQL 17",
        description: "In-place major upgrade of the shop's database cluster with pg_upgrade; 30 minutes of downtime announced.",
        change_type: "normal",
        template: None,
        service: "Web Shop",
        starts_in_hours: -10 * 24 - 3,
        hours: 4,
        path: NORMAL_DONE,
        closed: Some((
            "failed",
            "The upgraded cluster rejected the shop's old client library: checkout failed for 40 minutes until the backout restored version 16. Retry after the library upgrade.",
        )),
    },
    DemoChange {
        title: "Block the exploited VPN client version",
        description: "Refuse VPN clients older than 7.2.3 at the gateway: the vendor's advisory reports active exploitation.",
        change_type: "emergency",
        template: None,
        service: "VPN",
        starts_in_hours: -2 * 24 - 6,
        hours: 1,
        path: &["authorization", "implementing", "review", "closed"],
        closed: Some((
            "successful_with_issues",
            "Twelve remote users on old clients lost access until the desk updated them; the notice went out an hour late.",
        )),
    },
    DemoChange {
        title: "Replace the SSO signing certificate",
        description: "Roll the identity provider's token-signing certificate before it expires; applications pick up the new metadata.",
        change_type: "normal",
        template: None,
        service: "Identity (SSO)",
        starts_in_hours: -1,
        hours: 3,
        path: &["assessment", "authorization", "scheduled", "implementing"],
        closed: None,
    },
    DemoChange {
        title: "Move the print servers to new virtual machines",
        description: "Rebuild the two print servers on the current OS and move the queues; users keep their printers.",
        change_type: "normal",
        template: None,
        service: "Printing",
        starts_in_hours: 3 * 24 + 2,
        hours: 5,
        path: &["assessment"],
        closed: None,
    },
    DemoChange {
        title: "Monthly patching of the VPN gateways",
        description: "Vendor firmware updates, one gateway at a time; sessions move to the other gateway.",
        change_type: "standard",
        template: Some("Apply monthly OS security patches"),
        service: "VPN",
        starts_in_hours: 5 * 24 + 8,
        hours: 2,
        path: STANDARD_SCHEDULED,
        closed: None,
    },
    DemoChange {
        title: "Upgrade the Wi-Fi controllers' firmware",
        description: "Controller firmware to the vendor's long-term release; access points rejoin within minutes.",
        change_type: "normal",
        template: None,
        service: "Wi-Fi",
        starts_in_hours: 8 * 24 + 6,
        hours: 3,
        path: NORMAL_SCHEDULED,
        closed: None,
    },
    DemoChange {
        title: "Renew the Web Shop TLS certificate",
        description: "Install the renewed certificate on the load balancers.",
        change_type: "standard",
        template: Some("Renew a TLS certificate"),
        service: "Web Shop",
        starts_in_hours: 12 * 24 + 9,
        hours: 1,
        path: STANDARD_SCHEDULED,
        closed: None,
    },
    DemoChange {
        title: "Migrate mailboxes to the new storage cluster",
        description: "Move all mailboxes, a department a night, to the new storage; each user is offline for minutes.",
        change_type: "normal",
        template: None,
        service: "Email",
        starts_in_hours: 15 * 24 + 4,
        hours: 48,
        path: &["assessment", "authorization"],
        closed: None,
    },
    DemoChange {
        title: "Monthly patching of the mail servers",
        description: "Cumulative updates on the mail servers, one node at a time.",
        change_type: "standard",
        template: Some("Apply monthly OS security patches"),
        service: "Email",
        starts_in_hours: 19 * 24 + 8,
        hours: 3,
        path: STANDARD_SCHEDULED,
        closed: None,
    },
    DemoChange {
        title: "Retry the Web Shop database upgrade",
        description: "The upgrade again, after the shop's client library was upgraded and tested against version 17.",
        change_type: "normal",
        template: None,
        service: "Web Shop",
        starts_in_hours: 26 * 24 + 6,
        hours: 4,
        path: NORMAL_SCHEDULED,
        closed: None,
    },
];

/// One demo task: its change (by title), step, title, group, assignee
/// (a username, or none), and the states it walks through (the last with
/// its close code when it closes).
struct DemoTask {
    change: &'static str,
    step: i64,
    title: &'static str,
    group: &'static str,
    assignee: Option<&'static str>,
    path: &'static [&'static str],
}

const SSO: &str = "Replace the SSO signing certificate";
const WIFI: &str = "Upgrade the Wi-Fi controllers' firmware";

/// The SSO change being implemented: step 1 done, step 2 under way, step 3
/// waiting; the Wi-Fi change, scheduled, with its tasks ahead.
const TASKS: [DemoTask; 8] = [
    DemoTask {
        change: SSO,
        step: 1,
        title: "Generate the new signing key pair",
        group: "Identity & Access",
        assignee: None,
        path: &["in_progress", "closed:complete"],
    },
    DemoTask {
        change: SSO,
        step: 1,
        title: "Announce the certificate roll to the application owners",
        group: "Service Desk",
        assignee: Some("agent"),
        path: &["closed:complete"],
    },
    DemoTask {
        change: SSO,
        step: 2,
        title: "Publish the new certificate in the metadata",
        group: "Identity & Access",
        assignee: None,
        path: &["in_progress"],
    },
    DemoTask {
        change: SSO,
        step: 2,
        title: "Update the ERP's trusted certificate",
        group: "Applications",
        assignee: None,
        path: &[],
    },
    DemoTask {
        change: SSO,
        step: 3,
        title: "Test sign-in to every federated application",
        group: "Service Desk",
        assignee: Some("agent"),
        path: &[],
    },
    DemoTask {
        change: WIFI,
        step: 1,
        title: "Back up the controllers' configuration",
        group: "Network",
        assignee: Some("agent"),
        path: &[],
    },
    DemoTask {
        change: WIFI,
        step: 2,
        title: "Upgrade the standby controller and fail over",
        group: "Network",
        assignee: None,
        path: &[],
    },
    DemoTask {
        change: WIFI,
        step: 3,
        title: "Walk the floors: check the access points rejoined",
        group: "End User Computing",
        assignee: None,
        path: &[],
    },
];

/// Adds the demo tasks of the change titled `title` (numbered `number`)
/// and walks each along its path.
async fn tasks(app: &App, agent: &Actor, title: &str, number: &str) -> Result<(), AppError> {
    use crate::tasks::{NewTask, TaskTransitionInput};
    for d in TASKS.iter().filter(|d| d.change == title) {
        let new = NewTask {
            title: d.title.into(),
            step: Some(d.step),
            assignment_group: Some(d.group.into()),
            assignee: d.assignee.map(String::from),
            ..NewTask::default()
        };
        let task = app.create_task(agent, number, new).await?;
        let n = crate::tasks::number(task.record.number);
        let mut version = task.record.version;
        for to in d.path {
            let (state, code) = to.split_once(':').map_or((*to, None), |(s, c)| (s, Some(c.to_owned())));
            let input = TaskTransitionInput { state: state.into(), close_code: code, close_notes: None };
            version = app.transition_task(agent, &n, Some(version), input).await?.record.version;
        }
    }
    Ok(())
}

/// Makes the demo calendar; nothing without the demo's `agent` and
/// `manager`. Returns how many changes were made.
pub async fn create(app: &App, now: i64) -> Result<usize, AppError> {
    let (Some(agent), Some(manager)) = (actor(app, "agent").await?, actor(app, "manager").await?) else {
        return Ok(0);
    };
    let hour = now - now.rem_euclid(HOUR);
    let time = |micros: i64| jiff::Timestamp::from_microsecond(micros).map(|t| t.to_string()).unwrap_or_default();
    let templates = catalogue(app, &manager).await?;
    let mut failed = None;
    for d in &CHANGES {
        let start = hour + d.starts_in_hours * HOUR;
        let end = start + d.hours * HOUR;
        let new = NewChange {
            title: d.title.into(),
            description: Some(d.description.into()),
            change_type: Some(d.change_type.into()),
            template: d.template.and_then(|name| templates.iter().find(|(n, _)| *n == name)).map(|(_, id)| *id),
            service: Some(d.service.into()),
            assignment_group: Some("Network".into()),
            assignee: Some("agent".into()),
            planned_start: Some(time(start)),
            planned_end: Some(time(end)),
            ..NewChange::default()
        };
        let change = app.create_change(&agent, new).await?;
        let number = crate::changes::number(change.record.number);
        let mut version = change.record.version;
        for to in d.path {
            if *to == "scheduled" && d.change_type == "normal" || *to == "implementing" && d.change_type == "emergency"
            {
                version = app.approve_change(&manager, &number, Some(version), None).await?.record.version;
            }
            let closing = (*to == "closed").then_some(d.closed).flatten();
            let input = ChangeTransitionInput {
                state: (*to).into(),
                close_code: closing.map(|c| c.0.into()),
                review_notes: closing.map(|c| c.1).filter(|n| !n.is_empty()).map(String::from),
                cancel_reason: None,
            };
            version = app.transition_change(&agent, &number, Some(version), input).await?.record.version;
        }
        tasks(app, &agent, d.title, &number).await?;
        if d.closed.is_some() {
            happened(app, change.record.id, start, end).await?;
        }
        if d.closed.is_some_and(|c| c.0 == "failed") {
            failed = Some((number, start));
        }
    }
    if let Some((number, start)) = failed {
        caused(app, &agent, &number, start).await?;
    }
    calendar(app, &manager, now).await?;
    awaiting_cab(app, (&agent, &manager), hour).await?;
    Ok(CHANGES.len() + 1)
}

/// A template of the demo's standard change catalogue.
struct DemoTemplate {
    name: &'static str,
    description: &'static str,
    category: &'static str,
    service: Option<&'static str>,
    minutes: i64,
    /// Implementation, back-out and test plans.
    plans: [&'static str; 3],
    /// Still in the catalogue (false: retired).
    active: bool,
}

const TEMPLATES: [DemoTemplate; 4] = [
    DemoTemplate {
        name: "Apply monthly OS security patches",
        description: "The operating system vendor's monthly security updates on servers, VMs or laptops of one service.",
        category: "Patching",
        service: None,
        minutes: 180,
        plans: [
            "1. Check the vendor's release notes for known issues.\n2. Patch one node at a time, draining it first.\n3. Reboot and put it back in the pool.",
            "Uninstall the month's patches from the node and reboot it.",
            "The node answers its health check and the service's synthetic check passes.",
        ],
        active: true,
    },
    DemoTemplate {
        name: "Renew a TLS certificate",
        description: "A certificate renewed before it expires, with the same names and key type.",
        category: "Certificates",
        service: None,
        minutes: 60,
        plans: [
            "1. Order the renewed certificate with the same names.\n2. Install it with its chain.\n3. Reload the service.",
            "Put the previous certificate back and reload.",
            "The new expiry date is served on every name (openssl s_client).",
        ],
        active: true,
    },
    DemoTemplate {
        name: "Restart the web tier",
        description: "A rolling restart of the shop's web nodes, e.g. to clear a memory leak.",
        category: "Operations",
        service: Some("Web Shop"),
        minutes: 30,
        plans: [
            "Restart the shop's web nodes one at a time behind the load balancer.",
            "Nothing to undo: a node that does not come back is taken out of the pool.",
            "Checkout works end to end after the last node.",
        ],
        active: true,
    },
    DemoTemplate {
        name: "Add disk space to a VM",
        description: "A virtual machine's disk grown online by up to 100 GB.",
        category: "Capacity",
        service: None,
        minutes: 60,
        plans: [
            "1. Grow the virtual disk.\n2. Grow the partition and the file system online.",
            "Disks are not shrunk: restore from the snapshot taken first.",
            "df shows the new size; the application writes.",
        ],
        // Replaced by the storage team's self-service; kept for its old changes.
        active: false,
    },
];

/// Puts the templates in the catalogue (the last one retired); their
/// (name, id).
async fn catalogue(app: &App, manager: &Actor) -> Result<Vec<(&'static str, i64)>, AppError> {
    use crate::change_templates::{NewTemplate, TemplatePatch};
    let mut made = Vec::with_capacity(TEMPLATES.len());
    for d in &TEMPLATES {
        let [implementation, backout, test] = d.plans;
        let t = NewTemplate {
            name: d.name.into(),
            description: Some(d.description.into()),
            category: Some(d.category.into()),
            service: d.service.map(String::from),
            implementation_plan: Some(implementation.into()),
            backout_plan: Some(backout.into()),
            test_plan: Some(test.into()),
            duration_minutes: Some(d.minutes),
            ..NewTemplate::default()
        };
        let t = app.add_change_template(manager, t).await?;
        if !d.active {
            let retire = TemplatePatch { active: Some(false), ..TemplatePatch::default() };
            app.update_change_template(manager, t.row.id, Some(t.row.version), retire).await?;
        }
        made.push((d.name, t.row.id));
    }
    Ok(made)
}

/// The CAB (a group that meets on Thursdays at 10:00), the Web Shop's
/// approval policy (its owner, then two of the CAB) and a change under it
/// waiting for the CAB, its owner's approval given.
async fn awaiting_cab(app: &App, (agent, manager): (&Actor, &Actor), hour: i64) -> Result<(), AppError> {
    use crate::approval_policies::{PolicyInput, StageInput};
    let users = |names: &[&str]| Some(names.iter().map(|n| (*n).to_owned()).collect());
    app.add_group(None, "CAB", "Change Advisory Board").await?;
    for member in ["admin", "manager"] {
        app.add_member(None, "CAB", member).await?;
    }
    let meeting = crate::cab::NewMeeting {
        days: vec!["thu".into()],
        start: "10:00".into(),
        minutes: 60,
        time_zone: "Europe/Warsaw".into(),
    };
    app.set_cab_meeting(manager, "CAB", meeting).await?;
    let policy = PolicyInput {
        name: "Web Shop changes".into(),
        service: Some("Web Shop".into()),
        stages: vec![
            StageInput { name: "Service owner".into(), users: users(&["manager"]), ..Default::default() },
            StageInput { name: "CAB".into(), group: Some("CAB".into()), quorum: Some(2), ..Default::default() },
        ],
        ..Default::default()
    };
    app.add_approval_policy(manager, policy).await?;
    let time = |micros: i64| jiff::Timestamp::from_microsecond(micros).map(|t| t.to_string()).unwrap_or_default();
    let start = hour + 6 * 24 * HOUR + 21 * HOUR;
    let new = NewChange {
        title: "Move the Web Shop behind the new load balancers".into(),
        description: Some("Switch the shop's public address to the new load balancer pair; the old pair stays ready for the back-out.".into()),
        service: Some("Web Shop".into()),
        assignment_group: Some("Network".into()),
        assignee: Some("agent".into()),
        planned_start: Some(time(start)),
        planned_end: Some(time(start + 2 * HOUR)),
        implementation_plan: Some("1. Lower the DNS TTL a day before.\n2. Switch the address.\n3. Watch checkout for 30 minutes.".into()),
        backout_plan: Some("Switch the address back to the old pair.".into()),
        ..NewChange::default()
    };
    let change = app.create_change(agent, new).await?;
    let number = crate::changes::number(change.record.number);
    let mut version = change.record.version;
    for to in ["assessment", "authorization"] {
        let input = ChangeTransitionInput { state: to.into(), ..Default::default() };
        version = app.transition_change(agent, &number, Some(version), input).await?.record.version;
    }
    let comment = Some("Fine by the shop, outside the sales peak.".to_owned());
    app.approve_change(manager, &number, Some(version), comment).await?;
    Ok(())
}

/// A past change's actual window: when it was planned (the use cases
/// stamp the moment of the seed).
async fn happened(app: &App, id: i64, start: i64, end: i64) -> Result<(), AppError> {
    app.store
        .write(move |c| {
            Box::pin(async move {
                if let Some(mut d) = store_changes::details(c, id).await? {
                    (d.actual_start, d.actual_end) = (Some(start), Some(end));
                    store_changes::update_details(c, &d).await?;
                }
                Ok::<_, steward_store::StoreError>(())
            })
        })
        .await?;
    Ok(())
}

/// The incident the failed change caused: the demo's Web Shop incident
/// opened nearest after it began, linked to it as caused by it.
async fn caused(app: &App, agent: &Actor, change: &str, start: i64) -> Result<(), AppError> {
    let p = ListParams {
        service: Some("Web Shop".into()),
        limit: Some(crate::incidents::MAX_PAGE),
        ..ListParams::default()
    };
    let filter = app.incident_filter(agent, &p).await?;
    let (found, _) = app.list_incidents(agent, filter).await?;
    let Some(inc) = found.iter().min_by_key(|i| if i.opened_at >= start { i.opened_at - start } else { i64::MAX })
    else {
        return Ok(());
    };
    let number = crate::incidents::number(inc.number);
    let link = LinkRequest { link: "caused_by_change".into(), record: change.into(), version: None };
    app.link_record(agent, RecordKind::Incident, &number, &link).await?;
    Ok(())
}

/// The year-end freeze ahead and the maintenance windows.
async fn calendar(app: &App, manager: &Actor, now: i64) -> Result<(), AppError> {
    let today = jiff::Timestamp::from_microsecond(now).map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date()).ok();
    let year = today.map_or(2027, |d| if d.month() == 1 && d.day() < 6 { d.year() - 1 } else { d.year() });
    app.add_freeze(
        manager,
        NewFreeze {
            name: "Year-end freeze".into(),
            starts_at: format!("{year}-12-18T00:00:00Z"),
            ends_at: format!("{}-01-04T00:00:00Z", year + 1),
            services: Vec::new(),
            note: Some(
                "Finance closes the books and the shop runs its winter sale: no changes but emergencies.".into(),
            ),
        },
    )
    .await?;
    let windows = [
        ("VPN nights", Some("VPN"), &["sat"][..], "01:00", 240),
        ("Web Shop early Sunday", Some("Web Shop"), &["sun"][..], "02:00", 180),
        ("Mail maintenance", Some("Email"), &["wed"][..], "22:00", 120),
        ("Patch Tuesday evening", None, &["tue"][..], "20:00", 180),
    ];
    for (name, service, days, start, minutes) in windows {
        let w = NewWindow {
            name: name.into(),
            service: service.map(String::from),
            days: days.iter().map(|d| (*d).to_owned()).collect(),
            start: start.into(),
            minutes,
            time_zone: "Europe/Warsaw".into(),
        };
        app.add_maintenance_window(manager, w).await?;
    }
    Ok(())
}
