//! Delivering webhooks to real HTTP servers started here on 127.0.0.1:0.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::json;
use steward_channels::webhook::{self, DeliveryOutcome, WebhookFormat, WebhookTarget, verify};

const SECRET: &str = "whsec_test";

/// What the receiving endpoint saw and accepted.
#[derive(Debug, Clone)]
struct Received {
    event: String,
    delivery: String,
    body: serde_json::Value,
}

type Log = Arc<Mutex<Vec<Received>>>;

/// An endpoint that checks signatures like a careful receiver, plus ones that
/// misbehave in the usual ways. Returns its base URL.
async fn start_server(log: Log) -> String {
    let hook = move |headers: HeaderMap, body: Bytes| {
        let log = log.clone();
        async move {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
            if !verify(SECRET, &header("x-steward-signature"), &body, now, Duration::from_secs(300)) {
                return (StatusCode::UNAUTHORIZED, "bad signature");
            }
            assert_eq!(header("content-type"), "application/json");
            log.lock().unwrap().push(Received {
                event: header("x-steward-event"),
                delivery: header("x-steward-delivery"),
                body: serde_json::from_slice(&body).unwrap(),
            });
            (StatusCode::OK, "thanks")
        }
    };
    let app = Router::new()
        .route("/hook", post(hook))
        .route("/fail", post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }))
        .route("/busy", post(|| async { (StatusCode::TOO_MANY_REQUESTS, "slow down") }))
        .route("/moved", post(|| async { (StatusCode::FOUND, [("location", "https://elsewhere.example/hook")]) }))
        .route("/big", post(|| async { "x".repeat(10_000) }))
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "too late"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn client() -> webhook::WebhookClient {
    // The binary installs the ring provider at start; so do the tests.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The receivers run on 127.0.0.1, which only an allow-list opens.
    let loopback = steward_domain::net::Networks::parse(&["127.0.0.0/8"]).unwrap();
    webhook::client(webhook::AddressPolicy::new(loopback)).unwrap()
}

fn target(url: String) -> WebhookTarget {
    WebhookTarget { url, secret: Some(SECRET.into()), format: WebhookFormat::Json, timeout: Duration::from_millis(800) }
}

async fn call(url: String) -> DeliveryOutcome {
    let payload = json!({"event": "incident.created", "number": "INC0000123"});
    webhook::deliver(&client(), &target(url), "incident.created", "d-1", &payload).await
}

#[tokio::test]
async fn signed_delivery_is_verified_by_the_receiver() {
    let log = Log::default();
    let base = start_server(log.clone()).await;
    let payload = json!({"event": "incident.created", "number": "INC0000123", "title": "Zażółć"});
    let outcome =
        webhook::deliver(&client(), &target(format!("{base}/hook")), "incident.created", "d-42", &payload).await;
    assert!(outcome.is_success(), "{outcome:?}");
    assert_eq!(outcome.status, Some(200));
    assert_eq!(outcome.response_excerpt, "thanks");
    assert!(outcome.duration < Duration::from_millis(800));
    let got = log.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].event, "incident.created");
    assert_eq!(got[0].delivery, "d-42");
    assert_eq!(got[0].body, payload);

    // Without the secret the receiver refuses: a permanent failure.
    let unsigned = WebhookTarget { secret: None, ..target(format!("{base}/hook")) };
    let outcome = webhook::deliver(&client(), &unsigned, "incident.created", "d-43", &payload).await;
    assert_eq!(outcome.status, Some(401));
    assert!(!outcome.error.unwrap().transient);
}

#[tokio::test]
async fn chat_formats_are_delivered_as_built() {
    let log = Log::default();
    let base = start_server(log.clone()).await;
    let notice = webhook::Notice {
        title: "INC0000123: Printer".into(),
        text: "Assigned to Service Desk".into(),
        link: Some("https://steward.example.com/incidents/INC0000123".into()),
        link_label: "View INC0000123".into(),
        severity: webhook::Severity::Info,
    };
    for format in [WebhookFormat::Slack, WebhookFormat::Teams] {
        let body = webhook::payload(format, &json!({}), &notice);
        let t = WebhookTarget { format, ..target(format!("{base}/hook")) };
        assert!(webhook::deliver(&client(), &t, "incident.assigned", "d-7", &body).await.is_success());
    }
    let got = log.lock().unwrap().clone();
    assert_eq!(got[0].body["blocks"][0]["type"], "section");
    assert_eq!(got[1].body["@type"], "MessageCard");
}

#[tokio::test]
async fn server_errors_and_throttling_are_transient() {
    let base = start_server(Log::default()).await;
    let outcome = call(format!("{base}/fail")).await;
    assert_eq!(outcome.status, Some(500));
    assert_eq!(outcome.response_excerpt, "boom");
    let err = outcome.error.unwrap();
    assert!(err.transient);
    assert_eq!(err.reason, "the endpoint answered 500 Internal Server Error");
    let outcome = call(format!("{base}/busy")).await;
    assert_eq!(outcome.status, Some(429));
    assert!(outcome.error.unwrap().transient);
}

#[tokio::test]
async fn not_found_and_redirects_are_permanent() {
    let base = start_server(Log::default()).await;
    let outcome = call(format!("{base}/nowhere")).await;
    assert_eq!(outcome.status, Some(404));
    let err = outcome.error.unwrap();
    assert!(!err.transient);
    assert_eq!(err.reason, "the endpoint answered 404 Not Found");
    let outcome = call(format!("{base}/moved")).await;
    assert_eq!(outcome.status, Some(302));
    let err = outcome.error.unwrap();
    assert!(!err.transient);
    assert!(err.reason.contains("https://elsewhere.example/hook"), "{}", err.reason);
}

#[tokio::test]
async fn long_answers_are_cut_to_an_excerpt() {
    let base = start_server(Log::default()).await;
    let outcome = call(format!("{base}/big")).await;
    assert!(outcome.is_success());
    assert_eq!(outcome.response_excerpt.len(), webhook::EXCERPT_BYTES);
}

#[tokio::test]
async fn slow_endpoint_times_out_within_the_limit() {
    let base = start_server(Log::default()).await;
    let started = Instant::now();
    let outcome = call(format!("{base}/slow")).await;
    let took = started.elapsed();
    assert_eq!(outcome.status, None);
    let err = outcome.error.unwrap();
    assert!(err.transient);
    assert_eq!(err.reason, "no answer within 0.8 s");
    assert!(took >= Duration::from_millis(750) && took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn endpoint_that_never_answers_times_out() {
    // Accepts TCP connections and reads nothing, writes nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let started = Instant::now();
    let outcome = call(format!("http://{addr}/hook")).await;
    let took = started.elapsed();
    let err = outcome.error.unwrap();
    assert!(err.transient, "{err:?}");
    assert_eq!(err.reason, "no answer within 0.8 s");
    assert!(took < Duration::from_secs(2), "{took:?}");
    hold.abort();
}

#[tokio::test]
async fn connection_refused_is_transient() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = Instant::now();
    let outcome = call(format!("http://127.0.0.1:{port}/hook")).await;
    assert_eq!(outcome.status, None);
    let err = outcome.error.unwrap();
    assert!(err.transient, "{err:?}");
    assert!(err.reason.starts_with("could not connect"), "{}", err.reason);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn unusable_url_is_permanent() {
    let outcome = call("not a url".into()).await;
    let err = outcome.error.unwrap();
    assert!(!err.transient, "{err:?}");
}

#[tokio::test]
async fn internal_addresses_are_refused_unless_allowed() {
    let log = Log::default();
    let base = start_server(log.clone()).await;
    let port = base.rsplit(':').next().unwrap().to_owned();
    steward_channels::ensure_crypto_provider();
    let strict = webhook::client(webhook::AddressPolicy::default()).unwrap();
    let payload = json!({"event": "incident.created"});
    // By address, and by a name that resolves to it: refused before any
    // connection, for good (a retry cannot help).
    for url in [format!("{base}/hook"), format!("http://localhost:{port}/hook"), format!("http://[::1]:{port}/hook")] {
        let outcome = webhook::deliver(&strict, &target(url.clone()), "incident.created", "d-1", &payload).await;
        let error = outcome.error.expect("refused");
        assert!(!error.transient, "{url}: {error:?}");
        assert!(error.reason.contains("internal address"), "{url}: {}", error.reason);
        assert_eq!(outcome.status, None);
    }
    assert!(log.lock().unwrap().is_empty(), "nothing reached the receiver");
    // The allow-list opens loopback, and a redirect is still not followed.
    let outcome = call(format!("{base}/hook")).await;
    assert!(outcome.is_success(), "{outcome:?}");
    let outcome = call(format!("{base}/moved")).await;
    assert_eq!(outcome.status, Some(302));
    assert!(outcome.error.unwrap().reason.contains("redirects are not followed"));
}
