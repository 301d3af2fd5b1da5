//! The write path end to end against local trackers: a Redmine on 127.0.0.1 that keeps one
//! issue's state, the Jira contract server, and the demo tracker over a store. Accept writes
//! and keeps the pre-image, undo restores it, a ticket that moved is not written (and the
//! user is told what moved), and read-only, global or per source, lets no request out.

#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use lookout::config::{SourceKind, SourceSettings};
use lookout::domain::{
    Change, Decision, Facts, Kind, Portfolio, Priority, Seen, Subject, TrackerAction, Verdict,
};
use lookout::store::Store;
use lookout::sync::{
    WriteError, WriteRequest, Writers, build_writable_sources, build_writers, sync_once,
    undo_request,
};
use routed::{Reply, Request};
use serde_json::{Value, json};

/// One Redmine issue's writable fields: status id, assignee id, priority id.
#[derive(Debug, Clone, PartialEq)]
struct Issue {
    status: u64,
    assignee: Option<u64>,
    priority: u64,
}

type Log = Arc<Mutex<Vec<String>>>;

fn status_name(id: u64) -> &'static str {
    ["", "New", "In Progress", "Closed"][id as usize]
}

fn priority_name(id: u64) -> &'static str {
    ["", "Low", "Normal", "High"][id as usize]
}

/// A Redmine with issue 7, whose PUTs change what its GETs answer.
fn redmine(start: Issue) -> (String, Log, Arc<Mutex<Issue>>) {
    let issue = Arc::new(Mutex::new(start));
    let log: Log = Arc::default();
    let (held, seen) = (issue.clone(), log.clone());
    let handler = move |r: Request| -> Reply {
        seen.lock()
            .expect("log")
            .push(format!("{} {}", r.method, r.path));
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
                    { "id": 1, "name": "Low" },
                    { "id": 2, "name": "Normal", "is_default": true },
                    { "id": 3, "name": "High" },
                ]}))
            }
            ("GET", "/projects.json") => {
                Reply::json(&json!({ "projects": [], "total_count": 0, "offset": 0, "limit": 100 }))
            }
            ("GET", "/issues/7.json") => {
                let i = held.lock().expect("issue").clone();
                let mut body = json!({ "issue": {
                    "id": 7,
                    "project": { "id": 1, "name": "Ops" },
                    "status": { "id": i.status, "name": status_name(i.status) },
                    "priority": { "id": i.priority, "name": priority_name(i.priority) },
                    "subject": "Disk alarms",
                    "created_on": "2026-01-02T00:00:00Z",
                    "updated_on": "2026-01-03T00:00:00Z"
                }});
                if let Some(a) = i.assignee {
                    body["issue"]["assigned_to"] = json!({ "id": a, "name": format!("Dana {a}") });
                }
                Reply::json(&body)
            }
            ("PUT", "/issues/7.json") => {
                let fields = r.json()["issue"].clone();
                let mut i = held.lock().expect("issue");
                if let Some(s) = fields["status_id"].as_u64() {
                    i.status = s;
                }
                if let Some(p) = fields["priority_id"].as_u64() {
                    i.priority = p;
                }
                match &fields["assigned_to_id"] {
                    Value::Number(n) => i.assignee = n.as_u64(),
                    // Redmine clears a field given an empty value.
                    Value::String(s) if s.is_empty() => i.assignee = None,
                    _ => {}
                }
                Reply::raw(204, "")
            }
            _ => Reply::raw(404, "{}"),
        }
    };
    let addr = routed::serve(Arc::new(handler));
    (format!("http://{addr}"), log, issue)
}

fn redmine_settings(url: &str, read_only: bool) -> SourceSettings {
    SourceSettings {
        name: "ops".into(),
        interval: Duration::from_secs(300),
        kind: SourceKind::new(lookout::sources::redmine::Settings {
            url: url.into(),
            // Any variable the test process has will do as the key.
            api_key_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        }),
        read_only,
    }
}

fn writers(settings: &[SourceSettings], store: &Store, read_only: bool) -> Writers {
    Writers::spawn(
        build_writers(settings, &Portfolio::default(), store, read_only),
        None,
    )
}

fn act(change: Change) -> TrackerAction {
    TrackerAction {
        ticket: 7,
        key: "#7".into(),
        change,
    }
}

fn accepted(source: &str, action: TrackerAction, before: Facts) -> Decision {
    Decision {
        suggestion: format!("test:{}", action.key),
        kind: Kind::Reassign,
        subject: Subject::Ticket {
            source: source.into(),
            id: action.ticket,
            key: action.key.clone(),
            project: "ops".into(),
        },
        verdict: Verdict::Accept,
        at: Utc::now(),
        reason: None,
        note: None,
        fingerprint: 1,
        write: Some((action, before)),
    }
}

fn fresh() -> Issue {
    Issue {
        status: 1,
        assignee: None,
        priority: 2,
    }
}

fn as_seen() -> Seen {
    Seen {
        status: "New".into(),
        assignee: None,
        priority: Priority::Medium,
    }
}

#[tokio::test]
async fn redmine_accept_writes_and_undo_restores_the_pre_image() {
    let (url, _log, issue) = redmine(fresh());
    let store = Store::temporary().expect("store");
    let w = writers(&[redmine_settings(&url, false)], &store, false);
    for change in [
        Change::Assign { login: "5".into() },
        Change::Transition {
            status: "In Progress".into(),
        },
        Change::SetPriority {
            priority: "High".into(),
        },
    ] {
        let action = act(change);
        let applied = w
            .apply(WriteRequest {
                source: "ops".into(),
                action: action.clone(),
                seen: as_seen(),
            })
            .await
            .expect("written");
        assert_eq!(
            applied.before,
            Facts {
                status: "New".into(),
                assignee: None,
                assignee_login: None,
                priority: Priority::Medium,
                priority_name: "Normal".into(),
            }
        );
        assert_ne!(
            *issue.lock().expect("issue"),
            fresh(),
            "{action} was written"
        );
        let undo = undo_request(&accepted("ops", action.clone(), applied.before)).expect("undo");
        w.apply(undo).await.expect("undone");
        assert_eq!(*issue.lock().expect("issue"), fresh(), "{action} undone");
    }
}

#[tokio::test]
async fn redmine_is_not_written_when_the_issue_moved() {
    let (url, log, issue) = redmine(Issue {
        status: 2,
        assignee: Some(9),
        priority: 3,
    });
    let store = Store::temporary().expect("store");
    let w = writers(&[redmine_settings(&url, false)], &store, false);
    let err = w
        .apply(WriteRequest {
            source: "ops".into(),
            action: act(Change::Assign { login: "5".into() }),
            seen: as_seen(),
        })
        .await
        .expect_err("moved");
    let WriteError::Moved(what) = &err else {
        panic!("not a moved ticket: {err}");
    };
    assert_eq!(
        what,
        &vec![
            r#"status is now "In Progress", you saw "New""#.to_string(),
            "assignee is now Dana 9, you saw nobody".to_string(),
            "priority is now High, you saw Medium".to_string(),
        ]
    );
    let puts = log
        .lock()
        .expect("log")
        .iter()
        .filter(|l| l.starts_with("PUT"))
        .count();
    assert_eq!(puts, 0, "nothing was written");
    assert_eq!(issue.lock().expect("issue").assignee, Some(9));
}

#[tokio::test]
async fn an_undo_after_someone_else_changed_the_field_writes_nothing() {
    let (url, log, issue) = redmine(fresh());
    let store = Store::temporary().expect("store");
    let w = writers(&[redmine_settings(&url, false)], &store, false);
    let action = act(Change::Assign { login: "5".into() });
    let applied = w
        .apply(WriteRequest {
            source: "ops".into(),
            action: action.clone(),
            seen: as_seen(),
        })
        .await
        .expect("written");
    issue.lock().expect("issue").assignee = Some(6);
    let undo = undo_request(&accepted("ops", action, applied.before)).expect("undo");
    let err = w.apply(undo).await.expect_err("moved since");
    assert!(
        err.to_string()
            .contains("assignee is now Dana 6, you saw 5"),
        "{err}"
    );
    let puts = log
        .lock()
        .expect("log")
        .iter()
        .filter(|l| l.starts_with("PUT"))
        .count();
    assert_eq!(puts, 1, "only the accept was written");
}

fn jira_settings(fake: &fake_jira::FakeJira, read_only: bool) -> SourceSettings {
    SourceSettings {
        name: "jira".into(),
        interval: Duration::from_secs(300),
        kind: SourceKind::new(lookout::sources::jira::Settings {
            url: fake.url(),
            cloud_id: None,
            email: fake_jira::EMAIL.into(),
            token_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::ZERO,
        }),
        read_only,
    }
}

fn every_change() -> Vec<Change> {
    vec![
        Change::Assign { login: "5".into() },
        Change::Unassign,
        Change::Transition {
            status: "Closed".into(),
        },
        Change::SetPriority {
            priority: "High".into(),
        },
        Change::AddLabel { label: "x".into() },
        Change::Comment { body: "x".into() },
    ]
}

/// Every kind of change to both trackers; each must be refused as read-only.
async fn ask_everything(w: &Writers) {
    for source in ["ops", "jira"] {
        for change in every_change() {
            let err = w
                .apply(WriteRequest {
                    source: source.into(),
                    action: TrackerAction {
                        ticket: if source == "ops" { 7 } else { 10_001 },
                        key: "X-1".into(),
                        change,
                    },
                    seen: as_seen(),
                })
                .await
                .expect_err("read-only");
            assert!(matches!(err, WriteError::ReadOnly(_)), "{source}: {err}");
            assert!(err.to_string().contains("nothing was written"), "{err}");
        }
    }
}

#[tokio::test]
async fn read_only_lets_no_request_reach_either_tracker() {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let zone = chrono::FixedOffset::east_opt(0).expect("zone");
    let fake = fake_jira::FakeJira::start(fake_jira::generate(3, &["OPS"], start), zone);
    let (url, log, _) = redmine(fresh());
    let store = Store::temporary().expect("store");

    // Globally (`--read-only`, `[general] read_only`).
    let both = [redmine_settings(&url, false), jira_settings(&fake, false)];
    ask_everything(&writers(&both, &store, true)).await;
    // Per source (`read_only = true` in each `[[source]]`).
    let each = [redmine_settings(&url, true), jira_settings(&fake, true)];
    ask_everything(&writers(&each, &store, false)).await;

    assert!(log.lock().expect("log").is_empty(), "Redmine saw a request");
    assert_eq!(fake.with(|s| s.log.len()), 0, "Jira saw a request");

    // One source read-only leaves the other writable.
    let mixed = [redmine_settings(&url, true), jira_settings(&fake, false)];
    let w = writers(&mixed, &store, false);
    w.apply(WriteRequest {
        source: "jira".into(),
        action: TrackerAction {
            ticket: 10_001,
            key: "OPS-1".into(),
            change: Change::AddLabel {
                label: "triaged".into(),
            },
        },
        seen: Seen {
            status: "In Progress".into(),
            assignee: None,
            priority: Priority::Medium,
        },
    })
    .await
    .expect("jira is writable");
    assert!(log.lock().expect("log").is_empty(), "Redmine saw a request");
}

#[tokio::test]
async fn an_unknown_source_is_named() {
    let store = Store::temporary().expect("store");
    let w = writers(&[], &store, false);
    let err = w
        .apply(WriteRequest {
            source: "nowhere".into(),
            action: act(Change::Unassign),
            seen: as_seen(),
        })
        .await
        .expect_err("unknown");
    assert!(matches!(err, WriteError::UnknownSource(ref s) if s == "nowhere"));
}

#[tokio::test]
async fn the_demo_takes_a_write_that_its_next_sync_carries_on() {
    let store = Store::temporary().expect("store");
    let settings = [SourceSettings::demo()];
    let mut sync = build_writable_sources(&settings, &Portfolio::default(), &store);
    sync_once(&store, sync[0].0.as_mut(), Utc::now())
        .await
        .expect("first sync");
    let p = store.load().expect("load");
    let ticket = p
        .tickets
        .iter()
        .find(|t| t.is_open() && t.assignee.is_some())
        .expect("an assigned open ticket")
        .clone();
    let other = p
        .members
        .iter()
        .find(|m| m.project == ticket.project && Some(&m.login) != ticket.assignee.as_ref())
        .expect("another member")
        .login
        .to_string();
    let w = writers(&settings, &store, false);
    let action = TrackerAction {
        ticket: ticket.id,
        key: ticket.key.to_string(),
        change: Change::Assign {
            login: other.clone(),
        },
    };
    let applied = w
        .apply(WriteRequest {
            source: "demo".into(),
            action: action.clone(),
            seen: Seen::of(&ticket),
        })
        .await
        .expect("the demo takes writes");
    assert_eq!(
        applied.before.assignee_login.as_deref(),
        ticket.assignee.as_deref()
    );
    let now_assigned = |store: &Store| {
        let p = store.load_tickets("demo", &[ticket.id]).expect("load");
        p.tickets[0].assignee.as_ref().map(|a| a.to_string())
    };
    assert_eq!(now_assigned(&store).as_deref(), Some(other.as_str()));
    for _ in 0..5 {
        sync_once(&store, sync[0].0.as_mut(), Utc::now())
            .await
            .expect("a step");
        assert_eq!(now_assigned(&store).as_deref(), Some(other.as_str()));
    }
    let undo = undo_request(&accepted("demo", action, applied.before)).expect("undo");
    w.apply(undo).await.expect("undone");
    assert_eq!(now_assigned(&store), ticket.assignee.map(|a| a.to_string()));
}
