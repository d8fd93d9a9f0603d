//! The demo's problems: the causes behind its most repeated incidents, in
//! every state, known errors with workarounds among them, linked to the
//! incidents they caused, with the desk's comments and work notes on a
//! few. Written in English, and in Polish for the faults
//! the Polish sites report, through the app's own use cases, so journals,
//! links and known errors read exactly like real use.

use crate::{
    Actor, App,
    error::AppError,
    incidents::ListParams,
    problems::{NewProblem, ProblemTransitionInput},
};
use steward_domain::{
    number::RecordKind,
    problem::{ProblemState, WhyStep},
};
use steward_store::{StoreError, accounts};

/// One demo problem and how far its work has gone.
struct DemoProblem {
    title: &'static str,
    description: &'static str,
    service: &'static str,
    group: &'static str,
    /// Words that find its incidents (the incident list's text filter).
    incidents: &'static str,
    cause: Option<(&'static str, &'static str)>,
    whys: &'static [(&'static str, &'static str)],
    workaround: Option<&'static str>,
    /// Where its work stands.
    state: ProblemState,
    known_error: bool,
    /// How it ended, when resolved or closed.
    resolution: Option<(&'static str, &'static str)>,
    cancel_reason: Option<&'static str>,
    /// What the desk wrote on it while the analysis went on: (by the
    /// manager rather than the agent, a work note, the text).
    talk: &'static [(bool, bool, &'static str)],
}

const PROBLEMS: [DemoProblem; 7] = [
    DemoProblem {
        title: "VPN sessions dropped by home routers' idle UDP timeout",
        description: "Remote workers on consumer routers lose the VPN every few minutes: the gateway's UDP sessions are dropped while idle.",
        service: "VPN",
        group: "Network",
        incidents: "VPN disconnects",
        cause: Some((
            "network",
            "The VPN profile uses UDP 4500 with a 20-minute keep-alive; many home routers drop idle UDP mappings after 2-5 minutes.",
        )),
        whys: &[
            ("Why does the VPN drop?", "Dead-peer detection times out on the gateway."),
            ("Why does dead-peer detection time out?", "Keep-alive packets stop reaching the gateway."),
            ("Why do they stop?", "The home router has dropped the UDP mapping while the tunnel was idle."),
            ("Why is the tunnel idle so long?", "The profile's keep-alive interval is 20 minutes."),
        ],
        workaround: Some(
            "Switch the user's VPN profile to 'TCP 443 (fallback)' in the client's settings and reconnect; the connection then survives idle periods.",
        ),
        state: ProblemState::FixInProgress,
        known_error: true,
        resolution: None,
        cancel_reason: None,
        talk: &[
            (false, true, "Reproduced at home on a FritzBox: the tunnel drops after 3 minutes idle, never under load."),
            (
                true,
                false,
                "Network will shorten the keep-alive in the next gateway change window; until then the desk applies the TCP 443 workaround.",
            ),
        ],
    },
    DemoProblem {
        title: "Outlook prompts for the password after the tenant moved to modern authentication",
        description: "Outlook profiles created before the switch to modern authentication keep basic-auth tokens and prompt every few minutes.",
        service: "Email",
        group: "Applications",
        incidents: "Outlook password",
        cause: Some((
            "configuration",
            "Old Outlook profiles cache basic-auth credentials that the tenant no longer accepts.",
        )),
        whys: &[
            ("Why does Outlook keep asking?", "Its token requests fail and it falls back to a password prompt."),
            (
                "Why do the token requests fail?",
                "The profile was created for basic authentication, which the tenant turned off.",
            ),
        ],
        workaround: Some(
            "Clear the Outlook entries from Windows Credential Manager, then create a new Outlook profile and set it as the default.",
        ),
        state: ProblemState::RootCauseAnalysis,
        known_error: true,
        resolution: None,
        cancel_reason: None,
        talk: &[(
            false,
            true,
            "All affected profiles were created before March; new profiles on the same laptops do not prompt.",
        )],
    },
    DemoProblem {
        title: "Web shop checkout 502s when the application pool recycles",
        description: "Checkout returns 502 for about a minute several times a day; each time the application pool recycled.",
        service: "Web Shop",
        group: "Linux Servers",
        incidents: "checkout 502",
        cause: Some((
            "software",
            "The load balancer keeps sending requests to a node whose application pool is recycling.",
        )),
        whys: &[
            ("Why 502?", "The upstream node closes connections while recycling."),
            ("Why does the load balancer still use it?", "Its health check only tests the TCP port, which stays open."),
        ],
        workaround: Some("Drain the node in the load balancer before recycling the pool by hand."),
        state: ProblemState::Resolved,
        known_error: true,
        resolution: Some(("fixed", "The health check now requests /health, which fails while the pool recycles.")),
        cancel_reason: None,
        talk: &[],
    },
    DemoProblem {
        title: "Floor printers lose their queue after the print server reboots",
        description: "After the monthly patch reboot, several floor printers stop taking jobs until their queue is re-created.",
        service: "Printing",
        group: "End User Computing",
        incidents: "Cannot print",
        cause: None,
        whys: &[],
        workaround: None,
        state: ProblemState::Assessment,
        known_error: false,
        resolution: None,
        cancel_reason: None,
        talk: &[],
    },
    DemoProblem {
        title: "Accounts locked out after a password change by stale credentials on phones",
        description: "Users are locked out minutes after changing their password; the bad attempts come from their phones' mail apps.",
        service: "Identity (SSO)",
        group: "Identity & Access",
        incidents: "locked out",
        cause: None,
        whys: &[],
        workaround: None,
        state: ProblemState::New,
        known_error: false,
        resolution: None,
        cancel_reason: None,
        talk: &[],
    },
    DemoProblem {
        title: "Wi-Fi w salach konferencyjnych przeciążone przy spotkaniach",
        description: "W salach konferencyjnych Wi-Fi zwalnia, gdy spotyka się więcej niż 15 osób; zgłaszają to głównie biura w Polsce.",
        service: "Wi-Fi",
        group: "Network",
        incidents: "meeting rooms",
        cause: Some((
            "capacity",
            "Jeden punkt dostępowy na salę obsługuje najwyżej 15 urządzeń z dobrą przepustowością; na spotkaniach bywa ich 40.",
        )),
        whys: &[
            ("Dlaczego Wi-Fi zwalnia?", "Punkt dostępowy w sali jest przeciążony."),
            (
                "Dlaczego jest przeciążony?",
                "Sale zaprojektowano dla 8 osób, a korzysta z nich do 20 osób z kilkoma urządzeniami.",
            ),
        ],
        workaround: Some(
            "Poproś uczestników o przełączenie się na sieć 5 GHz (Corp-5G) i wyłączenie Wi-Fi w telefonach na czas spotkania.",
        ),
        state: ProblemState::Closed,
        known_error: true,
        resolution: Some((
            "workaround_only",
            "Dodatkowe punkty dostępowe nie mieszczą się w budżecie tego roku; obejście pozostaje rozwiązaniem.",
        )),
        cancel_reason: None,
        talk: &[
            (false, true, "Pomiar w sali Wisła: 38 urządzeń na jednym punkcie dostępowym podczas spotkania zarządu."),
            (true, false, "Rozbudowa sieci w salach trafia do planu budżetu na przyszły rok."),
        ],
    },
    DemoProblem {
        title: "Laptops slow after updates",
        description: "Several reports of slow laptops after the latest update round.",
        service: "Laptop Fleet",
        group: "End User Computing",
        incidents: "slow after the latest updates",
        cause: None,
        whys: &[],
        workaround: None,
        state: ProblemState::Cancelled,
        known_error: false,
        resolution: None,
        cancel_reason: Some("Each case had its own cause (full disks, an old driver); no common fault."),
        talk: &[],
    },
];

/// The path of states from new to `to` (cancelled from new).
fn path(to: ProblemState) -> &'static [ProblemState] {
    use ProblemState::*;
    match to {
        New => &[],
        Assessment => &[Assessment],
        RootCauseAnalysis => &[Assessment, RootCauseAnalysis],
        FixInProgress => &[Assessment, RootCauseAnalysis, FixInProgress],
        Resolved => &[Assessment, RootCauseAnalysis, FixInProgress, Resolved],
        Closed => &[Assessment, RootCauseAnalysis, FixInProgress, Resolved, Closed],
        Cancelled => &[Cancelled],
    }
}

pub(super) async fn actor(app: &App, username: &str) -> Result<Option<Actor>, AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(StoreError::from)?;
    let user = accounts::user_by_name(&mut conn, username).await?;
    drop(conn);
    match user {
        Some(u) => Ok(Some(app.actor_for(u).await?)),
        None => Ok(None),
    }
}

/// Raises the demo problems (as `agent`, moved on by `manager`); nothing
/// without those users. Returns how many were made.
pub async fn create(app: &App) -> Result<usize, AppError> {
    let (Some(agent), Some(manager)) = (actor(app, "agent").await?, actor(app, "manager").await?) else {
        return Ok(0);
    };
    let mut made = 0;
    let mut numbers = Vec::new();
    for d in &PROBLEMS {
        // The open ones first (the desk applies their workaround), then others.
        let mut found = Vec::new();
        for (state, limit) in [(Some("open"), 4), (None, 8)] {
            let text = Some(d.incidents.into());
            let p = ListParams { text, state: state.map(String::from), limit: Some(limit), ..ListParams::default() };
            let filter = app.incident_filter(&manager, &p).await?;
            found.extend(app.list_incidents(&manager, filter).await?.0);
        }
        let new = NewProblem {
            title: d.title.into(),
            description: Some(d.description.into()),
            impact: Some(2),
            urgency: Some(2),
            service: Some(d.service.into()),
            assignment_group: Some(d.group.into()),
            // The demo's `agent` is in Network: the owner of its problems.
            assignee: (d.group == "Network").then(|| "agent".into()),
            cause_category: d.cause.map(|c| c.0.into()),
            root_cause: d.cause.map(|c| c.1.into()),
            whys: d.whys.iter().map(|(q, a)| WhyStep { question: (*q).into(), answer: (*a).into() }).collect(),
            workaround: d.workaround.map(String::from),
            incidents: found.iter().map(|i| crate::incidents::number(i.number)).collect(),
            ..NewProblem::default()
        };
        let mut p = app.create_problem(&agent, new).await?;
        let number = crate::problems::number(p.record.number);
        numbers.push((number.clone(), found.iter().map(|i| crate::incidents::number(i.number)).collect::<Vec<_>>()));
        for (by_manager, internal, text) in d.talk {
            let by = if *by_manager { &manager } else { &agent };
            app.add_comment(by, RecordKind::Problem, &number, text, *internal).await?;
        }
        for to in path(d.state) {
            // Known errors are published once the cause is understood.
            if d.known_error && *to == ProblemState::FixInProgress {
                p = app.set_known_error(&agent, &number, Some(p.record.version), true).await?;
            }
            let input = ProblemTransitionInput {
                state: to.as_str().into(),
                resolution_code: (*to == ProblemState::Resolved).then(|| d.resolution.map(|r| r.0.into())).flatten(),
                resolution_notes: (*to == ProblemState::Resolved).then(|| d.resolution.map(|r| r.1.into())).flatten(),
                cancel_reason: (*to == ProblemState::Cancelled).then(|| d.cancel_reason.map(String::from)).flatten(),
                ..ProblemTransitionInput::default()
            };
            // A workaround-only answer is decided at root cause analysis.
            if *to == ProblemState::FixInProgress && d.resolution.is_some_and(|r| r.0 == "workaround_only") {
                continue;
            }
            p = app.transition_problem(&manager, &number, Some(p.record.version), input).await?;
        }
        if d.known_error && !p.is_known_error() {
            app.set_known_error(&agent, &number, Some(p.record.version), true).await?;
        }
        made += 1;
    }
    links(app, &agent, &numbers).await?;
    Ok(made)
}

/// Links as the desk leaves them: the second report of the first problem's
/// incidents marked as a duplicate of the first, and each problem related
/// to the next (same site, different causes).
async fn links(app: &App, agent: &Actor, made: &[(String, Vec<String>)]) -> Result<(), AppError> {
    let request = |link: &str, record: &str| crate::links::LinkRequest {
        link: link.into(),
        record: record.into(),
        version: None,
    };
    if let Some((_, incidents)) = made.first()
        && let [first, second, ..] = incidents.as_slice()
    {
        app.link_record(agent, RecordKind::Incident, second, &request("duplicate_of", first)).await?;
    }
    for pair in made.windows(2).take(2) {
        app.link_record(agent, RecordKind::Problem, &pair[0].0, &request("related", &pair[1].0)).await?;
    }
    Ok(())
}
