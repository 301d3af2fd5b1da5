//! What keyboard triage needs of the trackers, against local servers: the statuses a ticket
//! may move to (the Jira contract server's workflow, a Redmine that lists allowed statuses
//! and one too old to, the demo), and bulk writes through the writers that go one ticket at
//! a time, report each, and never stop at a failure.

#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use fake_jira::{FakeJira, Move, generate};
use lookout::config::SourceSettings;
use lookout::domain::{Change, Portfolio, Seen, Ticket, TrackerAction};
use lookout::sources::Source;
use lookout::sources::http::Policy;
use lookout::sources::jira::{JiraSource, Settings};
use lookout::store::Store;
use lookout::sync::{
    BulkProgress, BulkSummary, WriteError, WriteRequest, Writers, build_writable_sources,
    build_writers, run_bulk, sync_once,
};
use routed::{Reply, Request};
use serde_json::json;
use tokio::sync::mpsc;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date")
}

fn zone() -> FixedOffset {
    FixedOffset::east_opt(-5 * 3600).expect("offset")
}

fn jira(fake: &FakeJira) -> Box<dyn Source> {
    Box::new(JiraSource::new(
        "jira",
        Settings {
            url: fake.url(),
            cloud_id: None,
            email: fake_jira::EMAIL.into(),
            // Any variable the test process has will do as the token.
            token_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::ZERO,
        },
        Policy {
            backoff_base: Duration::from_millis(5),
            backoff_max: Duration::from_millis(20),
            ..Policy::default()
        },
    ))
}

fn jira_writers(fake: &FakeJira, read_only: bool) -> Writers {
    Writers::spawn(vec![("jira".into(), jira(fake), read_only)], None)
}

/// What the user saw of an issue of the fake: as it is now.
fn seen(fake: &FakeJira, id: u64) -> Seen {
    let i = fake.with(|s| s.issues[&id].clone());
    Seen {
        status: i.status,
        assignee: i.assignee.map(|a| a.1),
        priority: lookout::domain::Priority::Medium,
    }
}

/// Seen as Jira's priority names map to levels (the fake's issues are Low, Medium, High).
fn seen_at(fake: &FakeJira, id: u64) -> Seen {
    let mut s = seen(fake, id);
    s.priority = match fake.with(|s| s.issues[&id].priority.clone()).as_str() {
        "Low" => lookout::domain::Priority::Low,
        "High" => lookout::domain::Priority::High,
        _ => lookout::domain::Priority::Medium,
    };
    s
}

fn assign(fake: &FakeJira, id: u64, login: &str) -> WriteRequest {
    let key = fake.with(|s| s.issues[&id].key.clone());
    WriteRequest {
        source: "jira".into(),
        action: TrackerAction {
            ticket: id,
            key,
            change: Change::Assign {
                login: login.into(),
            },
        },
        seen: seen_at(fake, id),
    }
}

async fn bulk(writers: &Writers, requests: Vec<WriteRequest>) -> (BulkSummary, Vec<BulkProgress>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let summary = run_bulk(writers, requests, tx).await;
    let mut reports = Vec::new();
    while let Ok(p) = rx.try_recv() {
        reports.push(p);
    }
    (summary, reports)
}

fn writes(fake: &FakeJira) -> Vec<(String, String)> {
    fake.with(|s| {
        s.log
            .iter()
            .filter(|(m, _, _)| m != "GET")
            .map(|(m, p, _)| (m.clone(), p.clone()))
            .collect()
    })
}

#[tokio::test]
async fn jira_offers_the_statuses_its_workflow_allows_from_where_the_issue_is() {
    let fake = FakeJira::start(generate(4, &["OPS"], start()), zone());
    fake.with(|s| {
        s.moves = fake_jira::moves::software_moves();
        // A transition Jira lists without where it goes, and a second way to Done.
        s.moves.push(Move::new("61", "Won't Do", &[], None));
        s.moves
            .push(Move::new("71", "Ship it", &["In Progress"], Some("Done")));
    });
    // Read-only is about writes: a picker still lists where a ticket could go.
    let writers = jira_writers(&fake, true);
    // OPS-1 is In Progress, OPS-2 In Review, OPS-4 To Do.
    let statuses = writers.statuses("jira", 10_001, "OPS-1").await;
    assert_eq!(
        statuses.expect("listed"),
        ["In Review", "Done", "Won't Do"],
        "each status once, in Jira's order"
    );
    let statuses = writers.statuses("jira", 10_002, "OPS-2").await;
    assert_eq!(
        statuses.expect("listed"),
        ["In Progress", "Done", "Won't Do"]
    );
    let statuses = writers.statuses("jira", 10_004, "OPS-4").await;
    assert_eq!(
        statuses.expect("listed"),
        ["In Progress", "Done", "Won't Do"]
    );
    let asked = fake.requests("/rest/api/3/issue/10001/transitions");
    assert_eq!(asked.len(), 1);
    assert!(writes(&fake).is_empty(), "listing writes nothing");

    let err = writers
        .statuses("jira", 99_999, "OPS-99")
        .await
        .expect_err("no such issue");
    assert!(matches!(err, WriteError::Statuses(_)), "{err}");
    let err = writers
        .statuses("nowhere", 1, "X-1")
        .await
        .expect_err("unknown source");
    assert!(matches!(err, WriteError::UnknownSource(_)), "{err}");
}

#[tokio::test]
async fn jira_moves_through_the_transition_that_reaches_a_listed_status() {
    let fake = FakeJira::start(generate(4, &["OPS"], start()), zone());
    fake.with(|s| {
        s.moves = fake_jira::moves::software_moves();
        s.moves.push(Move::new("61", "Won't Do", &[], None));
    });
    let writers = jira_writers(&fake, false);
    for status in writers
        .statuses("jira", 10_001, "OPS-1")
        .await
        .expect("listed")
    {
        let request = WriteRequest {
            source: "jira".into(),
            action: TrackerAction {
                ticket: 10_001,
                key: "OPS-1".into(),
                change: Change::Transition {
                    status: status.clone(),
                },
            },
            seen: seen_at(&fake, 10_001),
        };
        writers.apply(request).await.expect("a listed status");
        assert_eq!(fake.with(|s| s.issues[&10_001].status.clone()), status);
        // Back where it was for the next one.
        fake.with(|s| {
            if let Some(i) = s.issues.get_mut(&10_001) {
                i.status = "In Progress".into();
            }
        });
    }
    let sent: Vec<String> = fake
        .requests("/rest/api/3/issue/10001/transitions")
        .iter()
        .filter_map(|b| b["transition"]["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(sent, ["21", "31", "61"]);
}

#[tokio::test]
async fn a_bulk_of_three_assigns_sends_three_writes_in_order() {
    let fake = FakeJira::start(generate(3, &["OPS"], start()), zone());
    let writers = jira_writers(&fake, false);
    let requests = (10_001..=10_003)
        .map(|id| assign(&fake, id, "acc-7"))
        .collect();
    let (summary, reports) = bulk(&writers, requests).await;
    assert_eq!(summary.to_string(), "3 succeeded, 0 failed");
    let puts: Vec<String> = writes(&fake)
        .into_iter()
        .filter(|(m, _)| m == "PUT")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(
        puts,
        [
            "/rest/api/3/issue/10001/assignee",
            "/rest/api/3/issue/10002/assignee",
            "/rest/api/3/issue/10003/assignee",
        ]
    );
    assert_eq!(writes(&fake).len(), 3, "nothing else was written");
    for id in 10_001..=10_003 {
        let who = fake.with(|s| s.issues[&id].assignee.clone()).map(|a| a.0);
        assert_eq!(who.as_deref(), Some("acc-7"));
    }
    // The pre-images an undo restores: OPS-3 was Person 3's (acc-3), the others nobody's.
    let before: Vec<(&str, Option<&str>)> = summary
        .succeeded
        .iter()
        .map(|(k, f)| (k.as_str(), f.assignee_login.as_deref()))
        .collect();
    assert_eq!(
        before,
        [("OPS-1", None), ("OPS-2", None), ("OPS-3", Some("acc-3"))]
    );
    let counted: Vec<(usize, usize, &str)> = reports
        .iter()
        .map(|p| (p.done, p.total, p.last.0.as_str()))
        .collect();
    assert_eq!(counted, [(1, 3, "OPS-1"), (2, 3, "OPS-2"), (3, 3, "OPS-3")]);
    assert!(reports.iter().all(|p| p.last.1.is_ok()));
}

#[tokio::test]
async fn a_bulk_reports_each_failure_and_writes_the_rest() {
    let fake = FakeJira::start(generate(5, &["OPS"], start()), zone());
    let writers = jira_writers(&fake, false);
    let mut requests: Vec<WriteRequest> = (10_001..=10_005)
        .map(|id| assign(&fake, id, "acc-7"))
        .collect();
    // OPS-2 moved on since the user saw it.
    requests[1].seen.status = "To Do".into();
    fake.with(|s| {
        // OPS-3: Jira fails on every attempt, retries included.
        for _ in 0..5 {
            s.faults.push_back((
                "/rest/api/3/issue/10003/assignee".into(),
                Reply::raw(500, r#"{"errorMessages":["Internal server error"]}"#),
            ));
        }
        // OPS-4: this user may not assign it.
        s.faults.push_back((
            "/rest/api/3/issue/10004/assignee".into(),
            Reply::raw(
                403,
                r#"{"errorMessages":["You do not have permission to assign issues."]}"#,
            ),
        ));
    });
    let (summary, reports) = bulk(&writers, requests).await;
    let ok: Vec<&str> = summary.succeeded.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(ok, ["OPS-1", "OPS-5"], "{summary}");
    let failed: Vec<&str> = summary.failed.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(failed, ["OPS-2", "OPS-3", "OPS-4"]);
    let line = summary.to_string();
    assert!(
        line.starts_with(
            "2 succeeded, 3 failed: OPS-2: nothing was written: the ticket changed since you saw \
             it: status is now \"In Review\", you saw \"To Do\"; OPS-3: the write failed"
        ),
        "{line}"
    );
    assert!(line.contains("; OPS-4: the write failed"), "{line}");
    assert!(line.contains("500") && line.contains("403"), "{line}");
    assert!(!line.contains('\n'), "one line");
    // OPS-3 was Person 3's; the other two were nobody's.
    for (id, who) in [(10_002, None), (10_003, Some("acc-3")), (10_004, None)] {
        let now = fake.with(|s| s.issues[&id].assignee.clone()).map(|a| a.0);
        assert_eq!(now.as_deref(), who, "{id} unchanged");
    }
    for id in [10_001, 10_005] {
        let now = fake.with(|s| s.issues[&id].assignee.clone()).map(|a| a.0);
        assert_eq!(now.as_deref(), Some("acc-7"));
    }
    assert_eq!(reports.len(), 5);
    let outcomes: Vec<bool> = reports.iter().map(|p| p.last.1.is_ok()).collect();
    assert_eq!(outcomes, [true, false, false, false, true]);
    assert!(
        fake.requests("/rest/api/3/issue/10002/assignee").is_empty(),
        "a ticket that moved is not written"
    );
}

#[tokio::test]
async fn a_read_only_bulk_refuses_every_request_and_sends_nothing() {
    let fake = FakeJira::start(generate(3, &["OPS"], start()), zone());
    let writers = jira_writers(&fake, true);
    let mut requests: Vec<WriteRequest> = (10_001..=10_003)
        .map(|id| assign(&fake, id, "acc-7"))
        .collect();
    requests[2].action.change = Change::Comment { body: "x".into() };
    let (summary, reports) = bulk(&writers, requests).await;
    assert!(summary.succeeded.is_empty());
    assert_eq!(summary.failed.len(), 3);
    assert!(
        summary.failed.iter().all(|f| f.1.contains("read-only")),
        "{summary}"
    );
    assert_eq!(reports.len(), 3);
    assert_eq!(fake.with(|s| s.log.len()), 0, "no request reached Jira");
}

/// A Redmine with issue 7 in "New" whose workflow allows "In Progress" from there; `modern`
/// servers (5.1 and later) say so when asked, older ones leave `allowed_statuses` out.
fn redmine(modern: bool) -> (String, Arc<Mutex<Vec<String>>>) {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = log.clone();
    let handler = move |r: Request| -> Reply {
        let include = r.param("include").join(",");
        seen.lock().expect("log").push(
            format!("{} {} {include}", r.method, r.path)
                .trim()
                .to_string(),
        );
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/issue_statuses.json") => Reply::json(&json!({ "issue_statuses": [
                { "id": 1, "name": "New", "is_closed": false },
                { "id": 2, "name": "In Progress", "is_closed": false },
                { "id": 5, "name": "Closed", "is_closed": true },
                { "id": 6, "name": "Rejected", "is_closed": true },
            ]})),
            ("GET", "/issues/7.json") => {
                let mut issue = json!({
                    "id": 7,
                    "project": { "id": 1, "name": "Ops" },
                    "tracker": { "id": 1, "name": "Bug" },
                    "status": { "id": 1, "name": "New", "is_closed": false },
                    "priority": { "id": 2, "name": "Normal" },
                    "subject": "Disk alarms",
                    "created_on": "2026-01-02T00:00:00Z",
                    "updated_on": "2026-01-03T00:00:00Z"
                });
                if modern && include.contains("allowed_statuses") {
                    // Redmine lists the issue's own status among them.
                    issue["allowed_statuses"] = json!([
                        { "id": 1, "name": "New", "is_closed": false },
                        { "id": 2, "name": "In Progress", "is_closed": false },
                        { "id": 6, "name": "Rejected", "is_closed": true },
                    ]);
                }
                Reply::json(&json!({ "issue": issue }))
            }
            _ => Reply::raw(404, "{}"),
        }
    };
    let addr = routed::serve(Arc::new(handler));
    (format!("http://{addr}"), log)
}

fn redmine_writers(url: &str) -> Writers {
    let source = lookout::sources::redmine::RedmineSource::new(
        "ops",
        lookout::sources::redmine::Settings {
            url: url.into(),
            api_key_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        },
        Policy::default(),
    );
    Writers::spawn(vec![("ops".into(), Box::new(source), true)], None)
}

#[tokio::test]
async fn redmine_offers_the_statuses_its_workflow_allows() {
    let (url, log) = redmine(true);
    let statuses = redmine_writers(&url)
        .statuses("ops", 7, "#7")
        .await
        .expect("listed");
    assert_eq!(
        statuses,
        ["In Progress", "Rejected"],
        "not the one it is in"
    );
    let log = log.lock().expect("log").clone();
    assert_eq!(log, ["GET /issues/7.json allowed_statuses"]);
}

#[tokio::test]
async fn an_older_redmine_offers_every_status() {
    let (url, log) = redmine(false);
    let statuses = redmine_writers(&url)
        .statuses("ops", 7, "#7")
        .await
        .expect("listed");
    assert_eq!(statuses, ["In Progress", "Closed", "Rejected"]);
    let log = log.lock().expect("log").clone();
    assert_eq!(
        log,
        [
            "GET /issues/7.json allowed_statuses",
            "GET /issue_statuses.json"
        ]
    );
}

#[tokio::test]
async fn the_demo_lists_its_statuses_and_takes_a_bulk() {
    let store = Store::temporary().expect("store");
    let settings = [SourceSettings::demo()];
    let mut sync = build_writable_sources(&settings, &Portfolio::default(), &store);
    sync_once(&store, sync[0].0.as_mut(), Utc::now())
        .await
        .expect("first sync");
    let p = store.load().expect("load");
    let open: Vec<Ticket> = p
        .tickets
        .iter()
        .filter(|t| t.is_open() && t.status == "In Progress")
        .take(3)
        .cloned()
        .collect();
    assert_eq!(open.len(), 3, "the demo has work in progress");
    let writers = Writers::spawn(
        build_writers(&settings, &Portfolio::default(), &store, false),
        None,
    );
    let statuses = writers
        .statuses("demo", open[0].id, &open[0].key)
        .await
        .expect("listed");
    assert_eq!(statuses, ["To Do", "In Review", "Done"]);

    let requests = open
        .iter()
        .map(|t| WriteRequest {
            source: "demo".into(),
            action: TrackerAction {
                ticket: t.id,
                key: t.key.to_string(),
                change: Change::Transition {
                    status: "In Review".into(),
                },
            },
            seen: Seen::of(t),
        })
        .collect();
    let (summary, reports) = bulk(&writers, requests).await;
    assert_eq!(summary.to_string(), "3 succeeded, 0 failed");
    assert_eq!(reports.last().map(|r| (r.done, r.total)), Some((3, 3)));
    let ids: Vec<u64> = open.iter().map(|t| t.id).collect();
    let now = store.load_tickets("demo", &ids).expect("load");
    assert!(now.tickets.iter().all(|t| t.status == "In Review"));
    assert!(
        summary
            .succeeded
            .iter()
            .all(|(_, before)| before.status == "In Progress"),
        "each pre-image kept for an undo"
    );
    let statuses = writers
        .statuses("demo", open[0].id, &open[0].key)
        .await
        .expect("listed");
    assert_eq!(statuses, ["To Do", "In Progress", "Done"]);
}
