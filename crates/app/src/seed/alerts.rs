//! The demo's event management (issue 13): what Prometheus would have
//! sent about the estate of `cmdb.rs`, posted through the intake as it
//! arrives ([`App::post_alerts`], as the admin whose token Prometheus
//! holds), with labels that name CIs by the correlation's rules:
//!
//! - firing, minutes apart: the shop's Redis (`shop-cache`) out of memory,
//!   the checkout pods that use it failing (four instances of one alert),
//!   the shop's public probe failing. Those CIs depend on each other, so
//!   the correlation worker's first pass opens one incident on the Web
//!   Shop naming shop-cache the probable cause. The cause's alert is
//!   acknowledged and assigned, the probe's acknowledged;
//! - earlier episodes, fired and resolved: the alerts' history;
//! - a slow backup a silence mutes, a hypervisor out of the cluster a
//!   maintenance window on its CI mutes: neither opens an incident, and
//!   each alert ends with what mutes it;
//! - Prometheus's always-firing Watchdog, which names no CI.
//!
//! Firing alerts end far ahead (as the webhook intake keeps an alert sent
//! without an end), so the story holds however long the demo runs.

use super::story::{DAY, HOUR, MINUTE};
use crate::alerts::{PostedSilence, WindowInput};
use crate::{App, error::AppError};
use steward_domain::alert::{
    ApiMatcher, Labels, Posted, Problems, fingerprint_text, hooks::UNTIL_RESOLVED, window::ScheduleSpec,
};

/// What was made.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Made {
    pub firing: usize,
    pub resolved: usize,
}

/// An alert's labels.
type Pairs = &'static [(&'static str, &'static str)];
/// The alerts that correlate into the demo's incident: (labels, summary,
/// minutes ago it started).
type Spec = (Pairs, &'static str, i64);

const REDIS_OOM: &[(&str, &str)] =
    &[("alertname", "RedisOutOfMemory"), ("instance", "shop-cache:6379"), ("job", "redis"), ("severity", "critical")];
const PROBE: &[(&str, &str)] = &[
    ("alertname", "BlackboxProbeFailed"),
    ("instance", "https://shop.contoso.example/checkout"),
    ("job", "blackbox"),
    ("service", "Web Shop"),
    ("severity", "critical"),
];
const BACKUP: &[(&str, &str)] =
    &[("alertname", "BackupDurationHigh"), ("instance", "backup02:9100"), ("job", "node"), ("severity", "warning")];
const HOST_DOWN: &[(&str, &str)] =
    &[("alertname", "HostDown"), ("host", "esx-krk-05.dc.example"), ("job", "vmware"), ("severity", "critical")];

/// The pods of the checkout: the same alert from each (the pod's address
/// names no CI; the `service` label does).
fn checkout(pod: &'static str, ip: &'static str) -> [(&'static str, &'static str); 7] {
    [
        ("alertname", "CheckoutErrorRate"),
        ("instance", ip),
        ("job", "shop-checkout"),
        ("namespace", "shop"),
        ("pod", pod),
        ("service", "shop-checkout"),
        ("severity", "warning"),
    ]
}

const PODS: [(&str, &str); 4] = [
    ("shop-checkout-5d9f7c-2xkqp", "10.42.3.17:8080"),
    ("shop-checkout-5d9f7c-7hw4n", "10.42.1.9:8080"),
    ("shop-checkout-5d9f7c-c8rzt", "10.42.5.23:8080"),
    ("shop-checkout-5d9f7c-mq6vd", "10.42.2.41:8080"),
];

/// Earlier episodes: (labels, summary, started ago, lasted).
const HISTORY: [(Pairs, &str, i64, i64); 4] = [
    (REDIS_OOM, "shop-cache used all of its 4 GiB maxmemory during the Black Week sale.", 7 * DAY, 35 * MINUTE),
    (
        &[
            ("alertname", "PostgresReplicationLag"),
            ("instance", "crm-db02:9187"),
            ("job", "postgres"),
            ("severity", "warning"),
        ],
        "The CRM replica is 212 s behind its primary.",
        3 * DAY + 2 * HOUR,
        25 * MINUTE,
    ),
    (
        &[
            ("alertname", "NodeFilesystemAlmostFull"),
            ("instance", "file-server03:9100"),
            ("job", "node"),
            ("mountpoint", "/srv"),
            ("severity", "warning"),
        ],
        "/srv on file-server03 has 4% space left.",
        26 * HOUR,
        3 * HOUR,
    ),
    (BACKUP, "The nightly backup of the file servers ran 4 h 10 min.", 2 * DAY, 2 * HOUR),
];

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

fn posted(pairs: &[(&str, &str)], summary: &str, starts_at: i64, ends_at: i64) -> Result<Posted, Problems> {
    Ok(Posted {
        labels: labels(pairs),
        annotations: labels(&[("summary", summary)]),
        starts_at: Some(starts_at),
        ends_at: Some(ends_at),
        generator_url: String::new(),
    })
}

fn fingerprint(pairs: &[(&str, &str)]) -> String {
    fingerprint_text(labels(pairs).fingerprint())
}

fn rfc3339(at: i64) -> Option<String> {
    jiff::Timestamp::from_microsecond(at).ok().map(|t| t.to_string())
}

/// Posts the demo's alerts, its silence and its maintenance window; nothing
/// without the demo's admin, agent and manager.
pub(super) async fn create(app: &App, now: i64) -> Result<Made, AppError> {
    let (Some(admin), Some(agent), Some(manager)) = (
        super::problems::actor(app, "admin").await?,
        super::problems::actor(app, "agent").await?,
        super::problems::actor(app, "manager").await?,
    ) else {
        return Ok(Made::default());
    };
    // Earlier episodes: each fired, then its resolution came.
    let fired = HISTORY.iter().map(|(l, s, ago, _)| posted(l, s, now - ago, UNTIL_RESOLVED)).collect();
    app.post_alerts(&admin, fired).await?;
    let ended = HISTORY.iter().map(|(l, s, ago, lasted)| posted(l, s, now - ago, now - ago + lasted)).collect();
    app.post_alerts(&admin, ended).await?;

    let chain: Vec<Spec> = vec![
        (REDIS_OOM, "shop-cache uses all of its 4 GiB maxmemory: writes are refused.", 14),
        (
            &[
                ("alertname", "RedisRejectedConnections"),
                ("instance", "shop-cache:6379"),
                ("job", "redis"),
                ("severity", "warning"),
            ],
            "shop-cache refused 1,240 connections in the last 5 minutes.",
            13,
        ),
        (PROBE, "The checkout page answered 503 to 6 of the last 6 probes.", 10),
    ];
    let mut now_firing: Vec<Result<Posted, _>> =
        chain.iter().map(|(l, s, ago)| posted(l, s, now - ago * MINUTE, UNTIL_RESOLVED)).collect();
    for (i, (pod, ip)) in PODS.iter().enumerate() {
        let summary = "More than 5% of checkout requests fail (HTTP 5xx).";
        now_firing.push(posted(&checkout(pod, ip), summary, now - (12 - i as i64 / 2) * MINUTE, UNTIL_RESOLVED));
    }
    let watchdog = "An alert that is always firing, to show that the alerting pipeline works.";
    now_firing.push(posted(
        &[("alertname", "Watchdog"), ("severity", "none")],
        watchdog,
        now - 3 * DAY,
        UNTIL_RESOLVED,
    ));
    // Muted, each until what mutes it ends.
    let silence_ends = now + 2 * DAY;
    now_firing.push(posted(
        BACKUP,
        "The nightly backup of the file servers has run 3 h 40 min.",
        now - 3 * HOUR,
        silence_ends,
    ));
    let (window_starts, window_ends) = (now - DAY, now + 6 * DAY);
    now_firing.push(posted(HOST_DOWN, "esx-krk-05 does not answer vCenter.", window_starts + 5 * MINUTE, window_ends));
    let firing = now_firing.len();
    app.post_alerts(&admin, now_firing).await?;

    // The desk has picked up the cause and seen the probe.
    app.acknowledge_alert(&agent, &fingerprint(REDIS_OOM), true).await?;
    app.assign_alert(&agent, &fingerprint(REDIS_OOM), Some("agent")).await?;
    app.acknowledge_alert(&manager, &fingerprint(PROBE), true).await?;
    let matcher =
        ApiMatcher { name: "alertname".into(), value: "BackupDurationHigh".into(), is_regex: false, is_equal: true };
    let silence = PostedSilence {
        id: None,
        matchers: vec![matcher],
        starts_at: now - 3 * HOUR,
        ends_at: silence_ends,
        created_by: agent.username.clone(),
        comment: "Known: the file servers' backup runs long until the new tape library is in.".into(),
    };
    app.post_silence(&agent, silence).await?;
    let window = WindowInput {
        name: "esx-krk-05 out of the cluster".into(),
        comment: "Mainboard replacement; its VMs moved to esx-krk-01…04 until the vendor's part arrives.".into(),
        // Its VMs have moved: the host's own alerts alone.
        cis: vec!["esx-krk-05".into()],
        dependents: false,
        schedule: ScheduleSpec { recurrence: "once".into(), ..ScheduleSpec::default() },
        starts_at: rfc3339(window_starts),
        ends_at: rfc3339(window_ends),
        ..WindowInput::default()
    };
    app.add_alert_window(&manager, window).await?;
    Ok(Made { firing, resolved: HISTORY.len() })
}
