//! Redmine writes against a local server that behaves as Redmine does when its workflow
//! forbids a status: it answers the PUT with success and leaves the status alone.

#[path = "common/routed.rs"]
mod routed;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lookout::sources::http::Policy;
use lookout::sources::redmine::{RedmineSource, Settings};
use lookout::sources::{Change, Source, SourceError, TrackerAction};
use routed::{Reply, Request};
use serde_json::json;

/// A one-issue Redmine whose workflow allows only the statuses in `allowed`.
fn redmine(allowed: &'static [u64]) -> (String, Arc<Mutex<Vec<String>>>) {
    let status = Arc::new(Mutex::new(1u64));
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let handler = move |r: Request| -> Reply {
        seen.lock()
            .expect("log")
            .push(format!("{} {}", r.method, r.path));
        let name = |id: u64| ["", "New", "In Progress", "Closed"][id as usize];
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/issue_statuses.json") => Reply::json(&json!({ "issue_statuses": [
                { "id": 1, "name": "New", "is_closed": false },
                { "id": 2, "name": "In Progress", "is_closed": false },
                { "id": 3, "name": "Closed", "is_closed": true },
            ]})),
            ("GET", "/trackers.json") => Reply::json(&json!({ "trackers": [
                { "id": 1, "name": "Bug", "default_status": { "id": 1, "name": "New" } },
            ]})),
            ("GET", "/enumerations/issue_priorities.json") => {
                Reply::json(&json!({ "issue_priorities": [
                    { "id": 2, "name": "Normal", "is_default": true },
                    { "id": 3, "name": "High" },
                ]}))
            }
            ("GET", "/projects.json") => Reply::json(&json!({
                "projects": [{ "id": 1, "name": "Ops", "identifier": "ops",
                               "created_on": "2026-01-01T00:00:00Z" }],
                "total_count": 1, "offset": 0, "limit": 100
            })),
            ("GET", "/projects/1/memberships.json") => Reply::json(&json!({
                "memberships": [], "total_count": 0, "offset": 0, "limit": 100
            })),
            ("PUT", "/issues/7.json") => {
                let wanted = r.json()["issue"]["status_id"].as_u64();
                if let Some(id) = wanted.filter(|id| allowed.contains(id)) {
                    *status.lock().expect("status") = id;
                }
                Reply::raw(204, "")
            }
            ("GET", "/issues/7.json") => {
                let id = *status.lock().expect("status");
                Reply::json(&json!({ "issue": {
                    "id": 7,
                    "project": { "id": 1, "name": "Ops" },
                    "status": { "id": id, "name": name(id) },
                    "priority": { "id": 2, "name": "Normal" },
                    "subject": "Disk alarms",
                    "created_on": "2026-01-02T00:00:00Z",
                    "updated_on": "2026-01-03T00:00:00Z"
                }}))
            }
            _ => Reply::raw(404, "{}"),
        }
    };
    let addr = routed::serve(Arc::new(handler));
    (format!("http://{addr}"), log)
}

fn source(url: String) -> RedmineSource {
    RedmineSource::new(
        "ops",
        Settings {
            url,
            // Any variable the test process has will do as the key.
            api_key_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        },
        Policy::default(),
    )
}

fn transition(status: &str) -> TrackerAction {
    TrackerAction {
        ticket: 7,
        key: "#7".into(),
        change: Change::Transition {
            status: status.into(),
        },
    }
}

#[tokio::test]
async fn a_status_the_workflow_ignores_is_reported_as_refused() {
    let (url, log) = redmine(&[2]);
    let mut rm = source(url);
    let err = rm
        .apply(&transition("Closed"))
        .await
        .expect_err("Redmine kept the old status");
    assert!(matches!(err, SourceError::Refused(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("#7") && text.contains("\"New\""), "{text}");
    assert!(text.contains("workflow"), "{text}");
    let log = log.lock().expect("log").clone();
    assert!(log.contains(&"PUT /issues/7.json".to_string()), "{log:?}");
    assert_eq!(log.last().map(String::as_str), Some("GET /issues/7.json"));
}

#[tokio::test]
async fn an_allowed_status_is_confirmed_by_reading_it_back() {
    let (url, log) = redmine(&[2]);
    let mut rm = source(url);
    rm.apply(&transition("in progress"))
        .await
        .expect("the workflow allows it");
    let requests = |log: &Arc<Mutex<Vec<String>>>| log.lock().expect("log").clone();
    let after_move = requests(&log);
    assert_eq!(
        after_move.last().map(String::as_str),
        Some("GET /issues/7.json")
    );
    // Other writes need no read-back: Redmine refuses a bad one with 422.
    let comment = TrackerAction {
        ticket: 7,
        key: "#7".into(),
        change: Change::Comment {
            body: "looked at it".into(),
        },
    };
    rm.apply(&comment).await.expect("comment");
    let after_comment = requests(&log);
    assert_eq!(
        &after_comment[after_move.len()..],
        ["PUT /issues/7.json".to_string()]
    );
}
