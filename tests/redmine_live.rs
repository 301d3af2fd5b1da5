//! End to end against a real Redmine: issues made through its API are synced into the store,
//! changed in Redmine and synced again, then changed back through lookout's writer and read
//! from Redmine.
//!
//! Needs LOOKOUT_REDMINE_URL and LOOKOUT_REDMINE_KEY (an admin API key); `.ci/redmine`
//! installs and starts the server and `.ci/run` sets both. The test is marked ignored, so a
//! plain `cargo test` says it did not run; `cargo test --test redmine_live -- --ignored` runs
//! it, and fails without the two variables.

use std::time::Duration;

use chrono::Utc;
use lookout::domain::{Field, StatusCategory};
use lookout::sources::http::Policy;
use lookout::sources::redmine::{RedmineSource, Settings};
use lookout::sources::{Change, Source, TrackerAction};
use lookout::store::Store;
use lookout::sync::sync_once;
use serde_json::{Value, json};

const KEY_VAR: &str = "LOOKOUT_REDMINE_KEY";

struct Redmine {
    url: String,
    key: String,
    http: reqwest::Client,
}

impl Redmine {
    fn from_env() -> Redmine {
        let url = std::env::var("LOOKOUT_REDMINE_URL").ok();
        let key = std::env::var(KEY_VAR).ok();
        let (Some(url), Some(key)) = (url, key) else {
            panic!(
                "no Redmine: set LOOKOUT_REDMINE_URL and {KEY_VAR} (.ci/redmine starts one and \
                 prints the file with the key)"
            );
        };
        Redmine {
            url,
            key,
            http: reqwest::Client::new(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut r = self
            .http
            .request(method.clone(), format!("{}{path}", self.url))
            .header("X-Redmine-API-Key", &self.key);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let response = r.send().await.expect("redmine answers");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await;
    }

    async fn id_named(&self, path: &str, list: &str, name: &str) -> u64 {
        let v = self.get(path).await;
        v[list]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["name"] == name))
            .and_then(|x| x["id"].as_u64())
            .unwrap_or_else(|| panic!("{path} has no {name:?}: {v}"))
    }

    async fn issue(&self, project: &str, subject: &str) -> u64 {
        let v = self
            .post(
                "/issues.json",
                json!({ "issue": { "project_id": project, "subject": subject, "tracker_id": 1 } }),
            )
            .await;
        v["issue"]["id"].as_u64().expect("issue id")
    }
}

#[tokio::test]
#[ignore = "needs a live Redmine: see README, Development"]
async fn sync_and_write_back_against_a_real_redmine() {
    let rm = Redmine::from_env();
    let tag = Utc::now().timestamp_millis();
    let ident = format!("lk{tag}");
    rm.post(
        "/projects.json",
        json!({ "project": {
            "name": format!("Lookout {tag}"), "identifier": ident,
            "enabled_module_names": ["issue_tracking", "time_tracking"]
        }}),
    )
    .await;
    let user = rm
        .post(
            "/users.json",
            json!({ "user": {
                "login": format!("dev{tag}"), "firstname": "Dana", "lastname": format!("Dev{tag}"),
                "mail": format!("dev{tag}@example.com"), "password": "lookout-test-pass"
            }}),
        )
        .await["user"]["id"]
        .as_u64()
        .expect("user id");
    let developer = rm.id_named("/roles.json", "roles", "Developer").await;
    rm.post(
        &format!("/projects/{ident}/memberships.json"),
        json!({ "membership": { "user_id": user, "role_ids": [developer] } }),
    )
    .await;
    let in_progress = rm
        .id_named("/issue_statuses.json", "issue_statuses", "In Progress")
        .await;
    let closed = rm
        .id_named("/issue_statuses.json", "issue_statuses", "Closed")
        .await;
    let a = rm.issue(&ident, "Alpha \u{1b}[31mred").await;
    let b = rm.issue(&ident, "Beta").await;
    let c = rm.issue(&ident, "Gamma").await;
    let activities = rm.get("/enumerations/time_entry_activities.json").await;
    let activity = activities["time_entry_activities"][0]["id"]
        .as_u64()
        .expect("an activity");
    let log_time = |issue: u64, hours: f64, comments: &'static str| {
        rm.post(
            "/time_entries.json",
            json!({ "time_entry": {
                "issue_id": issue, "hours": hours, "comments": comments, "activity_id": activity
            }}),
        )
    };
    log_time(a, 1.5, "pairing").await;

    let source_settings = Settings {
        url: rm.url.clone(),
        api_key_env: KEY_VAR.into(),
        projects: vec![ident.clone()],
        sweep_every: Duration::ZERO,
    };
    let mut source = RedmineSource::new("ops", source_settings.clone(), Policy::default());
    let store = Store::temporary().expect("store");
    sync_once(&store, &mut source, Utc::now())
        .await
        .expect("first sync");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 3, "{:?}", p.tickets);
    assert!(p.projects.iter().any(|x| x.key == ident));
    assert!(
        p.members
            .iter()
            .any(|m| m.login == user.to_string() && m.display_name.starts_with("Dana"))
    );
    assert!(
        p.time_entries
            .iter()
            .any(|e| e.ticket == a && e.hours == 1.5)
    );
    let t = |p: &lookout::domain::Portfolio, id: u64| {
        p.tickets
            .iter()
            .find(|t| t.id == id)
            .cloned()
            .expect("ticket stored")
    };
    assert_eq!(t(&p, a).status, "New");
    assert_eq!(t(&p, a).category, StatusCategory::Todo);

    // Redmine timestamps have whole seconds: let the changes land in a later second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    rm.put(
        &format!("/issues/{a}.json"),
        json!({ "issue": { "status_id": in_progress, "assigned_to_id": user } }),
    )
    .await;
    rm.put(
        &format!("/issues/{b}.json"),
        json!({ "issue": { "status_id": closed, "notes": "done and dusted" } }),
    )
    .await;
    let again = sync_once(&store, &mut source, Utc::now())
        .await
        .expect("second sync");
    assert!(again.changed > 0);
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 3, "no duplicates after the re-read");
    assert_eq!(t(&p, a).status, "In Progress");
    assert_eq!(t(&p, a).category, StatusCategory::InProgress);
    assert!(
        t(&p, a)
            .assignee
            .as_deref()
            .is_some_and(|n| n.starts_with("Dana"))
    );
    assert!(t(&p, a).started.is_some());
    assert_eq!(t(&p, b).category, StatusCategory::Done);
    assert!(t(&p, b).resolved.is_some());
    let changes_of = |p: &lookout::domain::Portfolio, id: u64, field: Field| {
        p.transitions
            .iter()
            .filter(|x| x.ticket == id && x.field == field)
            .map(|x| {
                (
                    x.from.as_deref().map(str::to_string),
                    x.to.as_deref().map(str::to_string),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        changes_of(&p, a, Field::Status),
        vec![(Some("New".into()), Some("In Progress".into()))]
    );
    assert_eq!(changes_of(&p, a, Field::Assignee).len(), 1);
    assert!(
        p.notes
            .iter()
            .any(|n| n.ticket == b && n.body == "done and dusted")
    );
    // A third sync with nothing new adds nothing.
    sync_once(&store, &mut source, Utc::now())
        .await
        .expect("third sync");
    let p3 = store.load().expect("load");
    assert_eq!(p3.transitions.len(), p.transitions.len());

    // Between sweeps time entries are read newest first down to the cursor (Redmine cannot
    // filter them on when they changed); a new one still arrives.
    let mut hourly = RedmineSource::new(
        "ops",
        Settings {
            sweep_every: Duration::from_secs(3600),
            ..source_settings.clone()
        },
        Policy::default(),
    );
    sync_once(&store, &mut hourly, Utc::now())
        .await
        .expect("sync that sweeps");
    log_time(c, 0.75, "review").await;
    sync_once(&store, &mut hourly, Utc::now())
        .await
        .expect("incremental sync");
    let p4 = store.load().expect("load");
    assert!(
        p4.time_entries
            .iter()
            .any(|e| e.ticket == c && e.hours == 0.75 && e.comment == "review"),
        "{:?}",
        p4.time_entries
    );
    assert_eq!(p4.time_entries.len(), 2);

    // Write back through lookout.
    let act = |change: Change| TrackerAction {
        ticket: c,
        key: format!("#{c}"),
        change,
    };
    for change in [
        Change::Assign {
            login: user.to_string(),
        },
        Change::Transition {
            status: "in progress".into(),
        },
        Change::SetPriority {
            priority: "High".into(),
        },
        Change::Comment {
            body: "triaged from lookout".into(),
        },
    ] {
        source.apply(&act(change)).await.expect("write accepted");
    }
    let refused = source
        .apply(&act(Change::Transition {
            status: "Nowhere".into(),
        }))
        .await
        .expect_err("unknown status");
    assert!(
        refused.to_string().contains("no status \"Nowhere\""),
        "{refused}"
    );
    let back = rm.get(&format!("/issues/{c}.json?include=journals")).await;
    let issue = &back["issue"];
    assert_eq!(issue["assigned_to"]["id"].as_u64(), Some(user));
    assert_eq!(issue["status"]["name"], "In Progress");
    assert_eq!(issue["priority"]["name"], "High");
    assert!(
        issue["journals"]
            .as_array()
            .is_some_and(|j| j.iter().any(|x| x["notes"] == "triaged from lookout")),
        "{issue}"
    );

    // A deleted issue is soft-deleted by the next sweep.
    rm.call(reqwest::Method::DELETE, &format!("/issues/{b}.json"), None)
        .await;
    sync_once(&store, &mut source, Utc::now())
        .await
        .expect("sync after delete");
    let deleted: Vec<u64> = store
        .deleted("ops")
        .expect("deleted")
        .into_iter()
        .map(|d| d.0)
        .collect();
    assert_eq!(deleted, vec![b]);
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 2);
    assert!(p.tickets.iter().all(|t| t.id != b));
    assert!(p.notes.iter().all(|n| n.ticket != b));
    assert!(
        t(&p, c).status == "In Progress",
        "the write synced back too"
    );
}

/// A fresh project with one developer; returns its identifier and the user's id.
async fn project_with_member(rm: &Redmine, tag: i64) -> (String, u64) {
    let ident = format!("lw{tag}");
    rm.post(
        "/projects.json",
        json!({ "project": {
            "name": format!("Lookout writes {tag}"), "identifier": ident,
            "enabled_module_names": ["issue_tracking"]
        }}),
    )
    .await;
    let user = rm
        .post(
            "/users.json",
            json!({ "user": {
                "login": format!("wr{tag}"), "firstname": "Wren", "lastname": format!("W{tag}"),
                "mail": format!("wr{tag}@example.com"), "password": "lookout-test-pass"
            }}),
        )
        .await["user"]["id"]
        .as_u64()
        .expect("user id");
    let developer = rm.id_named("/roles.json", "roles", "Developer").await;
    rm.post(
        &format!("/projects/{ident}/memberships.json"),
        json!({ "membership": { "user_id": user, "role_ids": [developer] } }),
    )
    .await;
    (ident, user)
}

#[tokio::test]
#[ignore = "needs a live Redmine: see README, Development"]
async fn accept_write_undo_and_a_moved_issue_against_a_real_redmine() {
    use lookout::domain::{Decision, Kind, Priority, Seen, Subject, Verdict};
    use lookout::sync::{WriteError, WriteRequest, Writers, undo_request};

    let rm = Redmine::from_env();
    let (ident, user) = project_with_member(&rm, Utc::now().timestamp_millis()).await;
    let issue = rm.issue(&ident, "Write me").await;
    let settings = Settings {
        url: rm.url.clone(),
        api_key_env: KEY_VAR.into(),
        projects: vec![ident.clone()],
        sweep_every: Duration::ZERO,
    };
    let writers = Writers::spawn(
        vec![(
            "ops".into(),
            Box::new(RedmineSource::new("ops", settings, Policy::default())),
            false,
        )],
        None,
    );
    let fresh = Seen {
        status: "New".into(),
        assignee: None,
        priority: Priority::Medium,
    };
    let state = |v: &Value| {
        let i = &v["issue"];
        (
            i["status"]["name"].as_str().map(str::to_string),
            i["assigned_to"]["id"].as_u64(),
            i["priority"]["name"].as_str().map(str::to_string),
        )
    };
    let original = state(&rm.get(&format!("/issues/{issue}.json")).await);
    assert_eq!(original, (Some("New".into()), None, Some("Normal".into())));

    for change in [
        Change::Assign {
            login: user.to_string(),
        },
        Change::Transition {
            status: "In Progress".into(),
        },
        Change::SetPriority {
            priority: "High".into(),
        },
    ] {
        let action = TrackerAction {
            ticket: issue,
            key: format!("#{issue}"),
            change,
        };
        let applied = writers
            .apply(WriteRequest {
                source: "ops".into(),
                action: action.clone(),
                seen: fresh.clone(),
            })
            .await
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        assert_eq!(applied.before.priority_name, "Normal");
        assert_eq!(applied.before.assignee_login, None);
        let written = state(&rm.get(&format!("/issues/{issue}.json")).await);
        assert_ne!(written, original, "{action} reached Redmine");
        let decision = Decision {
            suggestion: format!("live:{issue}"),
            kind: Kind::Reassign,
            subject: Subject::Ticket {
                source: "ops".into(),
                id: issue,
                key: format!("#{issue}"),
                project: ident.clone(),
            },
            verdict: Verdict::Accept,
            at: Utc::now(),
            reason: None,
            note: None,
            fingerprint: 1,
            write: Some((action.clone(), applied.before)),
        };
        let undo = undo_request(&decision).expect("undoable");
        writers
            .apply(undo)
            .await
            .unwrap_or_else(|e| panic!("undo {action}: {e}"));
        let back = state(&rm.get(&format!("/issues/{issue}.json")).await);
        assert_eq!(back, original, "undo of {action}");
    }

    // Someone moves the issue in Redmine; lookout's accept then writes nothing.
    let in_progress = rm
        .id_named("/issue_statuses.json", "issue_statuses", "In Progress")
        .await;
    rm.put(
        &format!("/issues/{issue}.json"),
        json!({ "issue": { "status_id": in_progress } }),
    )
    .await;
    let journals = |v: &Value| v["issue"]["journals"].as_array().map_or(0, Vec::len);
    let before = rm
        .get(&format!("/issues/{issue}.json?include=journals"))
        .await;
    let err = writers
        .apply(WriteRequest {
            source: "ops".into(),
            action: TrackerAction {
                ticket: issue,
                key: format!("#{issue}"),
                change: Change::Assign {
                    login: user.to_string(),
                },
            },
            seen: fresh,
        })
        .await
        .expect_err("the issue moved");
    assert!(matches!(err, WriteError::Moved(_)), "{err}");
    assert!(
        err.to_string()
            .contains(r#"status is now "In Progress", you saw "New""#),
        "{err}"
    );
    let after = rm
        .get(&format!("/issues/{issue}.json?include=journals"))
        .await;
    assert_eq!(journals(&after), journals(&before), "nothing was written");
    assert_eq!(after["issue"]["assigned_to"], Value::Null);
}
