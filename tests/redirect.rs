//! Credentials stay on the origin in the config. Each connector against a tracker on
//! 127.0.0.1 that redirects to a server on another port (another origin) which records
//! what reaches it: the credential never does, and the sync fails naming the redirect.
//! A redirect within the origin is still followed, credential and all.

#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{FixedOffset, TimeZone, Utc};
use fake_jira::{FakeJira, generate};
use lookout::domain::ChangeSet;
use lookout::sources::http::{Http, HttpError, Policy};
use lookout::sources::{Source, SourceError, jira, redmine};
use routed::{Reply, Request};

/// Any variable the test process has will do as the secret (tests cannot set their own).
const SECRET_VAR: &str = "CARGO_PKG_NAME";
const CLOUD_ID: &str = "11223344-a1b2-3b33-c444-def000000000";
/// Headers that carry a credential in one connector or another.
const CREDENTIALS: [&str; 2] = ["authorization", "x-redmine-api-key"];

fn quick() -> Policy {
    Policy {
        retries: 1,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..Policy::default()
    }
}

/// The other origin: records every request and answers each as an empty tracker would,
/// so following the redirect would look like a successful sync.
fn elsewhere() -> (SocketAddr, Arc<Mutex<Vec<Request>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let addr = routed::serve(Arc::new(move |r: Request| {
        log.lock().expect("log").push(r);
        Reply::json(&serde_json::json!({
            "issue_statuses": [], "trackers": [], "issue_priorities": [], "projects": [],
            "issues": [], "memberships": [], "time_entries": [], "values": [],
            "total_count": 0, "offset": 0, "limit": 100, "isLast": true
        }))
    }));
    (addr, seen)
}

/// A tracker that sends every request on to `to` with `status`, path and query kept.
fn redirecting(status: u16, to: SocketAddr) -> SocketAddr {
    routed::serve(Arc::new(move |r: Request| {
        let query: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let location = format!("http://{to}{}?{}", r.path, query.join("&"));
        Reply::raw(status, "").with_header("Location", &location)
    }))
}

/// Nothing with a credential reached `elsewhere`, and the sync failed naming the redirect;
/// the error, for more checks.
fn assert_refused(
    outcome: Result<ChangeSet, SourceError>,
    elsewhere: SocketAddr,
    seen: &Mutex<Vec<Request>>,
) -> String {
    let seen = seen.lock().expect("log");
    for r in seen.iter() {
        for h in CREDENTIALS {
            assert!(
                r.header(h).is_none(),
                "{h} reached the other origin on {} {}",
                r.method,
                r.path
            );
        }
    }
    assert!(seen.is_empty(), "the redirect was followed: {seen:?}");
    let error = match outcome {
        Ok(_) => panic!("the sync reported ok"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains("redirects to") && error.contains(&elsewhere.to_string()),
        "{error}"
    );
    assert!(error.contains("another origin"), "{error}");
    error
}

#[tokio::test]
async fn redmine_api_key_never_follows_a_redirect_to_another_origin() {
    let (other, seen) = elsewhere();
    let tracker = redirecting(302, other);
    let mut source = redmine::RedmineSource::new(
        "ops",
        redmine::Settings {
            url: format!("http://{tracker}"),
            api_key_env: SECRET_VAR.into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        },
        quick(),
    );
    let outcome = source.fetch(None, Utc::now()).await;
    assert_refused(outcome, other, &seen);
}

fn jira_settings(url: String, cloud_id: Option<&str>) -> jira::Settings {
    jira::Settings {
        url,
        cloud_id: cloud_id.map(str::to_string),
        email: fake_jira::EMAIL.into(),
        token_env: SECRET_VAR.into(),
        projects: vec![],
        sweep_every: Duration::ZERO,
    }
}

#[tokio::test]
async fn jira_basic_auth_never_follows_a_redirect_to_another_origin() {
    // The site answers as Jira until its search sends the POST, body and all, elsewhere.
    let (other, seen) = elsewhere();
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let zone = FixedOffset::east_opt(0).expect("offset");
    let fake = FakeJira::start(generate(3, &["OPS"], start), zone);
    let location = format!("http://{other}/rest/api/3/search/jql");
    fake.with(|s| {
        s.faults.push_back((
            "/rest/api/3/search/jql".into(),
            Reply::raw(307, "").with_header("Location", &location),
        ))
    });
    let mut source = jira::JiraSource::new("jira", jira_settings(fake.url(), None), quick());
    let outcome = source.fetch(None, Utc::now()).await;
    assert_refused(outcome, other, &seen);
    assert!(
        !fake.requests("/rest/api/3/status").is_empty(),
        "the site itself was asked, credentials and all"
    );
}

#[tokio::test]
async fn jira_scoped_token_never_follows_the_gateway_to_another_origin() {
    let (other, seen) = elsewhere();
    let gateway = redirecting(308, other);
    let settings = jira_settings("https://example.atlassian.net".into(), Some(CLOUD_ID));
    let mut source =
        jira::JiraSource::through("jira", settings, quick(), &format!("http://{gateway}"));
    let outcome = source.fetch(None, Utc::now()).await;
    let error = assert_refused(outcome, other, &seen);
    assert!(
        error.contains(&format!("http://{gateway}/ex/jira/{CLOUD_ID}/rest/api/3/")),
        "the gateway URL it was sent to: {error}"
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_credential() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let tracker = routed::serve(Arc::new(move |r: Request| {
        log.lock().expect("log").push(r.clone());
        match r.path.strip_prefix("/old") {
            Some(rest) => Reply::raw(301, "").with_header("Location", rest),
            None if r.header("X-Redmine-API-Key") == Some("k") => {
                Reply::raw(200, r#"{"total_count": 3}"#)
            }
            None => Reply::raw(401, ""),
        }
    }));
    let http = Http::new(quick()).expect("client");
    let url = format!("http://{tracker}/old/issues.json");
    let page: serde_json::Value = http
        .json(|c| c.get(&url).header("X-Redmine-API-Key", "k"))
        .await
        .expect("followed");
    assert_eq!(page["total_count"], 3);
    let paths: Vec<String> = seen
        .lock()
        .expect("log")
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(paths, ["/old/issues.json", "/issues.json"]);

    // The same redirect to another port is another origin: refused, naming both ends.
    let (other, seen) = elsewhere();
    let away = redirecting(301, other);
    let url = format!("http://{away}/issues.json");
    let err = http
        .json::<serde_json::Value>(|c| c.get(&url).header("X-Redmine-API-Key", "k"))
        .await
        .expect_err("refused");
    assert_eq!(
        err,
        HttpError::CrossOrigin {
            from: format!("http://{away}/issues.json"),
            to: format!("http://{other}/issues.json"),
        }
    );
    assert!(seen.lock().expect("log").is_empty());
}
