//! The entry points of the fuzz targets (`fuzz/`), one per parser of
//! outside input, also replayed over the kept corpora by
//! `tests/fuzz_corpus.rs`, so the corpus replay in CI runs exactly what the
//! fuzzer ran.
//!
//! They live here because this is the one library crate that sees every
//! parser: the web layer's own (JSON bodies, alert payloads, Markdown) and,
//! through the layers below it, the mail, inventory, CSV, iCalendar, search
//! and matcher parsers. Each entry feeds the bytes to the real function
//! (the one the server calls, with the server's limits) and to the pure
//! steps that follow it on the way in; what needs a database after that is
//! left to the API fuzzing of `scripts/fuzz-api.sh`. An entry panics only
//! where the code under test would panic, or where an invariant the server
//! relies on does not hold.

use crate::{alert_hooks, alertmanager, api, error::ApiError, json, markdown};
use axum::response::IntoResponse;
use serde::de::DeserializeOwned;
use steward_app::cmdb::files::{self, Mapping};
use steward_channels::{inbound, inventory};
use steward_domain::{
    alert::{self, Labels, RESOLVE_TIMEOUT},
    calendar, cmdb,
    search::{self, snippet},
};

/// A fixed "now" (2026-01-01T00:00:00Z), so a run is repeatable.
const NOW: i64 = 1_767_225_600_000_000;

/// A target's entry point: the bytes the fuzzer made, or a corpus file.
pub type Entry = fn(&[u8]);

/// Every target, by the name of its corpus folder (`fuzz/corpus/<name>`).
pub const TARGETS: &[(&str, Entry)] = &[
    ("mail", mail),
    ("inventory", inventory),
    ("csv", csv),
    ("ical", ical),
    ("record_json", record_json),
    ("search", search),
    ("alerts", alerts),
    ("matchers", matchers),
    ("markdown", markdown),
];

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Inbound mail (IMAP polling and the mail-in endpoint): the message read
/// with the default size limit, then what `ingest_mail` asks of it first.
pub fn mail(data: &[u8]) {
    let Ok(m) = inbound::parse(data, steward_app::mail_in::InboundConfig::default().max_bytes) else { return };
    let _ = m.loop_reason();
    let _ = m.record_number("steward.example.org");
    let _ = m.subject.chars().take(500).count();
    let _ = inbound::reply_text(&m.text);
}

/// An agent's inventory (GLPI agent / FusionInventory XML), possibly
/// compressed as the agents send it, into the CI draft the CMDB takes.
pub fn inventory(data: &[u8]) {
    let max = steward_app::cmdb::inventory::MAX_BYTES;
    // The first byte picks the content type the agent declared.
    let (kind, body) = data.split_first().map_or((None, data), |(k, rest)| {
        let kind = match k % 4 {
            0 => None,
            1 => Some("application/x-compress-zlib"),
            2 => Some("application/x-compress-gzip"),
            _ => Some("application/xml"),
        };
        (kind, rest)
    });
    let Ok(xml) = inventory::decompress(body, kind, max) else { return };
    let Ok(inv) = inventory::parse(&xml, max) else { return };
    let (draft, details) = inventory::to_draft(&inv);
    let _ = serde_json::to_string(&details);
    let _ = steward_app::cmdb::upsert::CiInput::from(draft);
}

/// A CMDB import file: a CSV, with the mapping the form or the API sends
/// before a NUL byte when there is one (else the file's own headers, as
/// `import_csv` does), read against the built-in classes.
pub fn csv(data: &[u8]) {
    let (mapping, file) = match data.iter().position(|b| *b == 0) {
        Some(i) => (Some(&data[..i]), &data[i + 1..]),
        None => (None, data),
    };
    let mapping = match mapping {
        Some(json) => match Mapping::from_json(&text(json)) {
            Ok(m) => m,
            Err(_) => return,
        },
        None => match files::read_headers(file) {
            Ok(h) => Mapping::identity(&h),
            Err(_) => return,
        },
    };
    let Ok(schema) = cmdb::Schema::new(cmdb::builtin()) else { return };
    let class_of = |id: i64| (id % 2 == 0).then(|| "server".to_owned());
    let _ = files::read_csv(file, &mapping, &schema, &class_of, steward_app::cmdb::import::MAX_ROWS);
}

/// A calendar's holidays imported from iCalendar (an .ics export).
pub fn ical(data: &[u8]) {
    let _ = calendar::parse_ical_holidays(&text(data));
}

/// One record API body read as its handler reads it (`crate::json`), then
/// handed to the app's input type; a refusal rendered as problem+json. The
/// first byte picks the body.
pub fn record_json(data: &[u8]) {
    use api::{change_dto as c, dto as i, problem_dto as p, task_dto as t};
    fn read<T: DeserializeOwned>(body: &[u8], then: impl FnOnce(T)) {
        match json::parse::<T>(body) {
            Ok(v) => then(v),
            Err(e) => refuse(e),
        }
    }
    let Some((which, body)) = data.split_first() else { return };
    match which % 14 {
        0 => read(body, |b: i::NewIncidentJson| drop(steward_app::incidents::NewIncident::from(b))),
        1 => read(body, |b: i::IncidentPatchJson| drop(b.split())),
        2 => read(body, |b: i::TransitionJson| drop(b.split())),
        3 => read(body, |b: i::NewCommentJson| drop(b)),
        4 => read(body, |b: p::NewProblemJson| drop(steward_app::problems::NewProblem::from(b))),
        5 => read(body, |b: p::ProblemPatchJson| drop(b.split())),
        6 => read(body, |b: p::ProblemTransitionJson| drop(b.split())),
        7 => read(body, |b: c::NewChangeJson| drop(steward_app::changes::NewChange::from(b))),
        8 => read(body, |b: c::ChangePatchJson| drop(b.split())),
        9 => read(body, |b: c::ChangeTransitionJson| drop(b.split())),
        10 => read(body, |b: t::NewTaskJson| drop(steward_app::tasks::NewTask::from(b))),
        11 => read(body, |b: t::TaskPatchJson| drop(b.split())),
        12 => read(body, |b: t::TaskTransitionJson| drop(b.split())),
        _ => read(body, |b: p::LinkIncidentsJson| drop(b)),
    }
}

fn refuse(e: ApiError) {
    drop(e.into_response());
}

/// A search as typed: parsed with the known record prefixes, turned into
/// both engines' queries, and its marks highlighted in a text.
pub fn search(data: &[u8]) {
    let typed = text(data);
    let _ = search::words_of(&typed, &typed);
    let Ok(q) = steward_app::search::parse_query(&typed) else { return };
    let _ = search::to_fts5(&q);
    let _ = search::to_tsquery(&q);
    let marks = q.marks();
    let _ = snippet(&typed, &marks, 160);
}

/// Alerts from other tools, the first byte picking the endpoint:
/// Alertmanager's `POST /api/v2/alerts` and silences, the generic webhook,
/// Alertmanager's webhook and PagerDuty's Events API v2; each alert then
/// made whole and checked as `post_alerts` does.
pub fn alerts(data: &[u8]) {
    let Some((which, body)) = data.split_first() else { return };
    let hooks = |alerts: Vec<serde_json::Value>| {
        let batch = alert_hooks::read_batch(alerts).into_iter().map(|a| a.map(|a| a.into_posted(NOW)));
        keep(batch.collect());
    };
    match which % 5 {
        0 => match alertmanager::read_alerts(body) {
            Ok(batch) => keep(batch),
            Err(r) => drop(r),
        },
        1 => match alertmanager::read_silence(body) {
            Ok(p) => {
                let Ok(matchers) = alert::matchers_from_api(&p.matchers) else { return };
                let s = alert::Silence {
                    matchers,
                    starts_at: p.starts_at,
                    ends_at: p.ends_at,
                    created_by: p.created_by,
                    comment: p.comment,
                };
                let _ = s.validate(NOW);
            }
            Err(r) => drop(r),
        },
        2 => match alert_hooks::read_webhook(body) {
            Ok((alerts, _)) => hooks(alerts),
            Err(e) => refuse(e),
        },
        3 => match alert_hooks::read_alertmanager(body) {
            Ok(alerts) => hooks(alerts),
            Err(e) => refuse(e),
        },
        _ => {
            let event = alert_hooks::read_pagerduty(body).and_then(alert_hooks::check_pagerduty);
            if let Ok(alert::pagerduty::Event::Trigger { dedup_key, alert }) = event {
                let key = dedup_key.unwrap_or_else(|| "made-up".to_owned());
                keep(vec![Ok(alert.into_posted(&key, NOW))]);
            }
        }
    }
}

/// What `App::post_alerts` does to a batch before it is stored.
fn keep(batch: Vec<Result<alert::Posted, alert::Problems>>) {
    for (i, p) in batch.into_iter().enumerate() {
        if let Ok(a) = p.and_then(|p| p.into_alert(NOW, RESOLVE_TIMEOUT, &format!("[{i}]."))) {
            let _ = alert::fingerprint_text(a.labels.fingerprint());
        }
    }
}

/// Label matchers as the alert filters, silences and inhibit rules take
/// them (`{job="api",instance=~"web-.*"}`); what reads must print back to
/// the same matchers, and match the labels its own values make.
pub fn matchers(data: &[u8]) {
    let typed = text(data);
    let _ = alert::parse_matcher(&typed);
    let Ok(ms) = alert::parse_matchers(&typed) else { return };
    let printed = ms.to_string();
    match alert::parse_matchers(&printed) {
        Ok(back) => assert_eq!(back, ms, "{typed:?} printed as {printed:?} reads back otherwise"),
        Err(e) => panic!("{typed:?} printed as {printed:?} does not read back: {}", e.text),
    }
    let mut labels = Labels::new();
    for m in ms.iter() {
        labels.insert(m.name.clone(), m.value.clone());
    }
    let _ = ms.matches(&labels);
}

/// A knowledge article's Markdown (raw HTML included) to safe HTML, and its
/// words for the search index.
pub fn markdown(data: &[u8]) {
    let body = text(data);
    let _ = markdown::to_html(&body);
    let _ = markdown::plain_text(&body);
}
