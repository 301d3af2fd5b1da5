//! Redmine against a local server that behaves as Redmine 5 does where it surprises: a
//! status its workflow forbids is answered with success and left alone, and time entries
//! cannot be filtered on when they changed.

#[path = "common/routed.rs"]
mod routed;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lookout::sources::http::Policy;
use lookout::sources::redmine::{RedmineSource, Settings};
use lookout::sources::{Change, Source, SourceError, TrackerAction};
use routed::{Reply, Request};
use serde_json::json;

type Log = Arc<Mutex<Vec<String>>>;
/// Time entries as (id, created_on).
type Entries = Arc<Mutex<Vec<(u64, String)>>>;

/// A one-issue Redmine whose workflow allows only the statuses in `allowed`.
fn redmine(allowed: &'static [u64]) -> (String, Log) {
    let (url, log, _) = redmine_with_entries(allowed);
    (url, log)
}

fn redmine_with_entries(allowed: &'static [u64]) -> (String, Log, Entries) {
    let status = Arc::new(Mutex::new(1u64));
    let log = Arc::new(Mutex::new(Vec::new()));
    let entries: Entries = Arc::new(Mutex::new(Vec::new()));
    let (seen, held) = (log.clone(), entries.clone());
    let handler = move |r: Request| -> Reply {
        let mut line = format!("{} {}", r.method, r.path);
        if r.path == "/time_entries.json" {
            line.push_str(&format!(" offset={}", r.param("offset").join("")));
        }
        seen.lock().expect("log").push(line);
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
            ("GET", "/issues.json") => {
                // The one issue, for an update-time window; none past it for a keyset sweep.
                let past_it = r.param("v[issue_id][]").iter().any(|v| *v != "1");
                let issues = if past_it {
                    json!([])
                } else {
                    json!([{
                        "id": 7,
                        "project": { "id": 1, "name": "Ops" },
                        "status": { "id": 1, "name": "New" },
                        "priority": { "id": 2, "name": "Normal" },
                        "subject": "Disk alarms",
                        "created_on": "2026-01-02T00:00:00Z",
                        "updated_on": "2026-01-03T00:00:00Z"
                    }])
                };
                Reply::json(&json!({ "issues": issues, "total_count": 1 }))
            }
            ("GET", "/time_entries.json") => {
                let mut all = held.lock().expect("entries").clone();
                // Redmine's default order is by day spent; only `sort` gives creation order.
                if r.param("sort") == ["created_on:desc"] {
                    all.sort_by(|a, b| b.1.cmp(&a.1));
                }
                let offset: usize = r.param("offset").join("").parse().unwrap_or(0);
                let limit: usize = r.param("limit").join("").parse().unwrap_or(25);
                let page: Vec<_> = all
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|(id, created)| {
                        json!({
                            "id": id,
                            "issue": { "id": 7 },
                            "user": { "id": 5, "name": "Dana" },
                            "hours": 0.5,
                            "spent_on": "2026-01-02",
                            "created_on": created,
                            "updated_on": created
                        })
                    })
                    .collect();
                Reply::json(&json!({ "time_entries": page, "total_count": all.len() }))
            }
            _ => Reply::raw(404, "{}"),
        }
    };
    let addr = routed::serve(Arc::new(handler));
    (format!("http://{addr}"), log, entries)
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

#[tokio::test]
async fn between_sweeps_time_entries_are_read_down_to_the_cursor_only() {
    let (url, log, entries) = redmine_with_entries(&[]);
    // 250 entries logged in December, before the issue's last update.
    entries
        .lock()
        .expect("entries")
        .extend((1..=250u64).map(|i| {
            (
                i,
                format!(
                    "2025-12-{:02}T{:02}:{:02}:00Z",
                    1 + i / 24 % 28,
                    i % 24,
                    i % 60
                ),
            )
        }));
    let mut rm = source(url);
    let store = lookout::store::Store::temporary().expect("store");
    let now = chrono::Utc::now();
    lookout::sync::sync_once(&store, &mut rm, now)
        .await
        .expect("first sync reads everything");
    assert_eq!(store.load().expect("load").time_entries.len(), 250);
    let reads = |log: &Log| {
        log.lock()
            .expect("log")
            .iter()
            .filter(|l| l.starts_with("GET /time_entries.json"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(reads(&log).len(), 3, "three pages of 100");

    // Three entries logged after the cursor; the sweep is an hour away.
    entries
        .lock()
        .expect("entries")
        .extend((251..=253u64).map(|i| (i, format!("2026-01-05T10:00:{:02}Z", i - 250))));
    log.lock().expect("log").clear();
    lookout::sync::sync_once(&store, &mut rm, now)
        .await
        .expect("incremental sync");
    assert_eq!(
        reads(&log),
        ["GET /time_entries.json offset=0"],
        "one page reaches entries older than the cursor"
    );
    let stored = store.load().expect("load").time_entries;
    assert_eq!(stored.len(), 253);
    assert!(stored.iter().any(|e| e.id == 253));
}

/// A Redmine with one odd record of each kind: an issue whose listing has a numeric
/// `updated_on`, one whose estimate is the text "-1", a time entry without hours, and
/// memberships that come as an object.
fn odd_redmine() -> String {
    let issue = |id: u64, estimate: serde_json::Value| {
        json!({
            "id": id,
            "project": { "id": 1, "name": "Ops" },
            "status": { "id": 1, "name": "New" },
            "priority": { "id": 2, "name": "Normal" },
            "subject": format!("Issue {id}"),
            "estimated_hours": estimate,
            "created_on": "2026-01-02T00:00:00Z",
            "updated_on": format!("2026-01-03T00:00:0{id}Z"),
            "journals": []
        })
    };
    let handler = move |r: Request| -> Reply {
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/issue_statuses.json") => Reply::json(&json!({ "issue_statuses": [
                { "id": 1, "name": "New", "is_closed": false },
            ]})),
            ("GET", "/trackers.json") => Reply::json(&json!({ "trackers": [] })),
            ("GET", "/enumerations/issue_priorities.json") => Reply::json(
                &json!({ "issue_priorities": [{ "id": 2, "name": "Normal", "is_default": true }]}),
            ),
            ("GET", "/projects.json") => Reply::json(&json!({
                "projects": [{ "id": 1, "name": "Ops", "identifier": "ops",
                               "created_on": "2026-01-01T00:00:00Z" }],
                "total_count": 1
            })),
            ("GET", "/projects/1/memberships.json") => Reply::json(&json!({
                "memberships": { "5": { "user": { "id": 5, "name": "Dana" } } },
                "total_count": 1
            })),
            ("GET", "/issues.json") => {
                let mut odd = issue(3, json!(null));
                odd["updated_on"] = json!(1_767_398_400);
                let list = [
                    issue(1, json!(2.5)),
                    issue(2, json!(1)),
                    odd,
                    issue(4, json!(null)),
                ];
                Reply::json(&json!({ "issues": list, "total_count": 4 }))
            }
            ("GET", "/issues/1.json") => Reply::json(&json!({ "issue": issue(1, json!(2.5)) })),
            ("GET", "/issues/2.json") => Reply::json(&json!({ "issue": issue(2, json!("-1")) })),
            ("GET", "/issues/4.json") => Reply::json(&json!({ "issue": issue(4, json!(null)) })),
            ("GET", "/time_entries.json") => {
                let entry = |id: u64| {
                    json!({
                        "id": id, "issue": { "id": 1 }, "user": { "id": 5, "name": "Dana" },
                        "hours": 0.5, "spent_on": "2026-01-02",
                        "created_on": "2026-01-02T00:00:00Z", "updated_on": "2026-01-02T00:00:00Z"
                    })
                };
                let mut odd = entry(12);
                odd["hours"] = json!(null);
                Reply::json(&json!({ "time_entries": [entry(11), odd], "total_count": 2 }))
            }
            _ => Reply::raw(404, "{}"),
        }
    };
    format!("http://{}", routed::serve(Arc::new(handler)))
}

#[tokio::test]
async fn one_odd_record_is_skipped_and_named_and_the_rest_sync() {
    let mut rm = source(odd_redmine());
    let store = lookout::store::Store::temporary().expect("store");
    let report = lookout::sync::sync_once(&store, &mut rm, chrono::Utc::now())
        .await
        .expect("odd records do not fail the sync");
    let p = store.load().expect("load");
    let mut ids: Vec<u64> = p.tickets.iter().map(|t| t.id).collect();
    ids.sort();
    assert_eq!(ids, [1, 4]);
    assert_eq!(p.time_entries.len(), 1);
    let w = report.warnings.join("\n");
    assert!(
        w.contains("Redmine issue #3 skipped: invalid type: integer `1767398400`"),
        "{w}"
    );
    assert!(
        w.contains(
            "Redmine issue #2 skipped: field `estimated_hours`: invalid type: string \"-1\", \
             expected f64"
        ),
        "{w}"
    );
    assert!(
        w.contains("Redmine time entry 12 skipped: invalid type: null, expected f64"),
        "{w}"
    );
    assert!(
        w.contains("Redmine answered an object instead of a list for the memberships of ops"),
        "{w}"
    );
    assert_eq!(report.warnings.len(), 4, "{w}");
}
