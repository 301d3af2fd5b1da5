//! Jira Cloud contract tests against a local server that reproduces the documented API:
//! `search/jql` paging by `nextPageToken`, bulk changelogs, 429 with `Retry-After`, 503,
//! malformed JSON and 401. Each asserts what lookout stored and what it told the user.

#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use fake_jira::{FakeJira, generate};
use lookout::domain::{Decision, Kind, Seen, Subject, Verdict};
use lookout::domain::{Field, Portfolio, StatusCategory};
use lookout::sources::http::Policy;
use lookout::sources::jira::{JiraSource, Settings};
use lookout::sources::{Change, Source, TrackerAction};
use lookout::store::Store;
use lookout::sync::{
    SyncEvent, WriteError, WriteRequest, Writers, spawn_all, sync_once, undo_request,
};
use routed::Reply;

/// Tests cannot set environment variables in their own process (edition 2024), so the
/// token lives in one cargo always sets for tests; the fake expects its value.
const TOKEN_VAR: &str = "CARGO_PKG_NAME";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date")
}

fn zone() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600 + 1800).expect("offset")
}

fn fast() -> Policy {
    Policy {
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..Policy::default()
    }
}

fn source(fake: &FakeJira, token_var: &str) -> JiraSource {
    JiraSource::new(
        "jira",
        Settings {
            url: fake.url(),
            cloud_id: None,
            email: fake_jira::EMAIL.into(),
            token_env: token_var.into(),
            projects: vec![],
            sweep_every: Duration::ZERO,
        },
        fast(),
    )
}

fn sorted(mut p: Portfolio) -> Portfolio {
    p.tickets.sort_by_key(|t| t.id);
    p.transitions.sort_by_key(|t| (t.ticket, t.at, t.field));
    p
}

/// The same tickets, transitions, projects, members and cursor as `reference`.
fn assert_same_store(store: &Store, reference: &Store) {
    let (got, want) = (
        sorted(store.load().expect("load")),
        sorted(reference.load().expect("load")),
    );
    assert!(
        got == want,
        "the store differs: {} tickets and {} transitions, against {} and {}",
        got.tickets.len(),
        got.transitions.len(),
        want.tickets.len(),
        want.transitions.len()
    );
    // The cursors agree but for when each sync ran (its sweep time).
    let position = |s: &Store| {
        let cursor = s.cursor("jira").expect("cursor").expect("a cursor");
        let mut v: serde_json::Value = serde_json::from_str(&cursor).expect("json cursor");
        v.as_object_mut().map(|o| o.remove("swept"));
        v
    };
    assert_eq!(position(store), position(reference));
}

#[tokio::test]
async fn pages_changelogs_and_story_points_are_stored() {
    let issues = generate(250, &["OPS", "WEB"], start());
    let fake = FakeJira::start(issues.clone(), zone());
    fake.with(|s| {
        s.changelog_page = 40;
        s.worklog_page = 2;
        s.worklogs = (1..=3)
            .map(|n| fake_jira::Worklog {
                id: 70 + n,
                issue: 10_000 + n,
                started: start() + chrono::Duration::hours(n as i64),
                seconds: 1800 * n,
                author: format!("Person {n}"),
                comment: format!("log {n}"),
                updated: start() + chrono::Duration::days(n as i64),
            })
            .collect();
    });
    let store = Store::temporary().expect("store");
    let mut jira = source(&fake, TOKEN_VAR);
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("sync");

    let searches = fake.requests("/rest/api/3/search/jql");
    assert_eq!(searches.len(), 3, "250 issues are three pages of 100");
    assert_eq!(searches[1]["nextPageToken"], "p100");
    assert!(
        searches[0]["jql"].as_str().is_some_and(
            |j| j.contains("updated >=") && j.ends_with("ORDER BY updated ASC, id ASC")
        )
    );
    assert!(
        searches[0]["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == fake_jira::POINTS_FIELD)),
        "the discovered story points field is asked for"
    );
    let changelogs = fake.requests("/rest/api/3/changelog/bulkfetch");
    let histories: usize = issues.iter().map(|i| i.history.len()).sum();
    assert_eq!(
        changelogs.len(),
        histories.div_ceil(40),
        "changelog pages followed"
    );

    let p = sorted(store.load().expect("load"));
    assert_eq!(p.tickets.len(), 250);
    assert_eq!(p.transitions.len(), histories);
    let done = issues
        .iter()
        .find(|i| i.status == "Done")
        .expect("a done issue");
    let t = p.tickets.iter().find(|t| t.id == done.id).expect("stored");
    assert_eq!(t.category, StatusCategory::Done);
    assert_eq!(t.estimate, done.points);
    assert_eq!(t.resolution.as_deref(), Some("Done"));
    assert_eq!(
        t.created, done.created,
        "times in the user's zone are read exactly"
    );
    assert_eq!(
        t.started,
        done.history
            .iter()
            .find(|c| c.field == "status")
            .map(|c| c.at),
        "work started at the first move out of to-do"
    );
    assert!(p.members.iter().any(|m| m.login == "acc-0"));
    assert_eq!(p.projects.len(), 2);
    let mut logs = p.time_entries.clone();
    logs.sort_by_key(|e| e.id);
    assert_eq!(logs.len(), 3, "worklogs over two pages of changes");
    assert_eq!(logs[2].ticket, 10_003);
    assert_eq!(logs[2].hours, 1.5);
    assert_eq!(logs[2].comment, "log 3");
    assert_eq!(logs[2].at, start() + chrono::Duration::hours(3));
}

#[tokio::test]
async fn an_incremental_sync_rereads_the_overlap_without_duplicates() {
    let issues = generate(120, &["OPS"], start());
    let fake = FakeJira::start(issues, zone());
    let store = Store::temporary().expect("store");
    let mut jira = source(&fake, TOKEN_VAR);
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("first");
    let before = sorted(store.load().expect("load"));
    fake.with(|s| s.log.clear());

    // Two issues move on; everything else stays as it was.
    let later = Utc::now();
    fake.with(|s| {
        for id in [10_001, 10_002] {
            let i = s.issues.get_mut(&id).expect("issue");
            i.history.push(fake_jira::Change {
                at: later,
                field: "status",
                from: Some(i.status.clone()),
                to: Some("Blocked".into()),
            });
            i.status = "Blocked".into();
            i.updated = later;
        }
    });
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("second");
    let asked = fake.requests("/rest/api/3/changelog/bulkfetch");
    assert_eq!(asked.len(), 1);
    let mut ids: Vec<String> =
        serde_json::from_value(asked[0]["issueIdsOrKeys"].clone()).expect("ids");
    ids.sort();
    assert_eq!(
        ids,
        vec!["10001", "10002"],
        "only changed issues are fetched again"
    );
    let after = sorted(store.load().expect("load"));
    assert_eq!(after.tickets.len(), before.tickets.len());
    assert_eq!(after.transitions.len(), before.transitions.len() + 2);
    // And a sync with nothing new fetches no changelog and writes no ticket.
    fake.with(|s| s.log.clear());
    let report = sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("third");
    assert!(fake.requests("/rest/api/3/changelog/bulkfetch").is_empty());
    assert_eq!(sorted(store.load().expect("load")), after);
    assert!(
        report.changed < 10,
        "only projects and members: {}",
        report.changed
    );
}

#[tokio::test]
async fn rate_limits_and_outages_are_retried_and_shown() {
    let fake = FakeJira::start(generate(30, &["OPS"], start()), zone());
    fake.with(|s| {
        s.faults.push_back((
            "/rest/api/3/search/jql".into(),
            Reply::raw(429, "{}")
                .with_header("Retry-After", "1")
                .with_header("X-RateLimit-Remaining", "0")
                .with_header("X-RateLimit-Limit", "500"),
        ));
        s.faults
            .push_back(("/rest/api/3/field".into(), Reply::raw(503, "busy")));
    });
    let store = Store::temporary().expect("store");
    let mut jira = source(&fake, TOKEN_VAR);
    let began = std::time::Instant::now();
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("retried through 503 and 429");
    assert!(
        began.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(store.load().expect("load").tickets.len(), 30);

    // A wait longer than lookout's cap fails the sync, visibly, and keeps the stored data.
    fake.with(|s| {
        s.faults.push_back((
            "/rest/api/3/field".into(),
            Reply::raw(429, "{}")
                .with_header("Retry-After", "86400")
                .with_header("X-RateLimit-Remaining", "0")
                .with_header("X-RateLimit-Limit", "500"),
        ))
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _refresh = spawn_all(
        store.clone(),
        vec![(
            Box::new(source(&fake, TOKEN_VAR)),
            Duration::from_secs(3600),
        )],
        tx,
    );
    let mut shown = None;
    while let Some(e) = rx.recv().await {
        if let SyncEvent::Failed {
            failure, budget, ..
        } = e
        {
            shown = Some((failure.message, budget));
            break;
        }
    }
    let (shown, budget) = shown.expect("a failure event");
    assert!(shown.contains("asked to wait 86400 s"), "{shown}");
    assert_eq!(
        budget,
        Some(lookout::sources::Budget {
            remaining: Some(0),
            limit: Some(500),
            reset: None
        }),
        "the tracker's budget goes with the event to the status bar"
    );
    assert_eq!(store.load().expect("load").tickets.len(), 30);
}

#[tokio::test]
async fn malformed_json_and_a_dead_server_leave_the_store_as_it_was() {
    let fake = FakeJira::start(generate(40, &["OPS"], start()), zone());
    let store = Store::temporary().expect("store");
    let mut jira = source(&fake, TOKEN_VAR);
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("first");
    let before = sorted(store.load().expect("load"));
    let cursor = store.cursor("jira").expect("cursor");

    fake.with(|s| {
        s.faults.push_back((
            "/rest/api/3/search/jql".into(),
            Reply::raw(200, r#"{"issues": [{"id": "1", "fields": {"#),
        ))
    });
    let err = sync_once(&store, &mut jira, Utc::now())
        .await
        .expect_err("garbage");
    assert!(err.to_string().contains("lookout cannot read"), "{err}");
    fake.with(|s| {
        for _ in 0..6 {
            s.faults.push_back((
                "/rest/api/3/search/jql".into(),
                Reply::raw(503, "<html>down</html>"),
            ));
        }
    });
    let err = sync_once(&store, &mut jira, Utc::now())
        .await
        .expect_err("503 after every retry");
    assert!(err.to_string().contains("HTTP 503"), "{err}");
    assert_eq!(sorted(store.load().expect("load")), before);
    assert_eq!(
        store.cursor("jira").expect("cursor"),
        cursor,
        "the cursor stays"
    );
}

#[tokio::test]
async fn bad_credentials_are_reported_once_and_never_retried() {
    let fake = FakeJira::start(generate(5, &["OPS"], start()), zone());
    // PATH holds something, but not the token: the server answers 401.
    let mut jira = source(&fake, "PATH");
    let store = Store::temporary().expect("store");
    let err = sync_once(&store, &mut jira, Utc::now())
        .await
        .expect_err("401");
    assert!(
        err.to_string()
            .contains("refused the credentials (HTTP 401)"),
        "{err}"
    );
    assert_eq!(fake.with(|s| s.log.len()), 1, "no retry of an auth failure");
    assert!(store.load().expect("load").tickets.is_empty());

    let mut unset = source(&fake, "LOOKOUT_TEST_NO_SUCH_VARIABLE");
    let err = sync_once(&store, &mut unset, Utc::now())
        .await
        .expect_err("no token");
    assert!(
        err.to_string()
            .contains("LOOKOUT_TEST_NO_SUCH_VARIABLE (token_env) is not set"),
        "{err}"
    );
}

#[tokio::test]
async fn writes_use_the_documented_endpoints() {
    let fake = FakeJira::start(generate(3, &["OPS"], start()), zone());
    let mut jira = source(&fake, TOKEN_VAR);
    let act = |change| TrackerAction {
        ticket: 10_001,
        key: "OPS-1".into(),
        change,
    };
    for change in [
        Change::Assign {
            login: "acc-9".into(),
        },
        Change::Transition {
            status: "done".into(),
        },
        Change::SetPriority {
            priority: "Highest".into(),
        },
        Change::AddLabel {
            label: "triaged".into(),
        },
        Change::Comment {
            body: "Looked at this.\nSee above.".into(),
        },
    ] {
        jira.apply(&act(change)).await.expect("write");
    }
    let issue = fake.with(|s| s.issues[&10_001].clone());
    assert_eq!(issue.assignee.map(|a| a.0).as_deref(), Some("acc-9"));
    assert_eq!(issue.status, "Done");
    assert_eq!(issue.priority, "Highest");
    assert!(issue.labels.contains(&"triaged".to_string()));
    let comment = fake.with(|s| s.comments[0].1.clone());
    assert_eq!(comment["type"], "doc", "comments go as ADF");
    assert_eq!(
        comment["content"][0]["content"][0]["text"],
        "Looked at this."
    );

    let err = jira
        .apply(&act(Change::Transition {
            status: "Nowhere".into(),
        }))
        .await
        .expect_err("no such transition");
    assert!(
        err.to_string()
            .contains("it can move to: In Progress, Done"),
        "{err}"
    );
}

#[tokio::test]
async fn a_sweep_soft_deletes_what_jira_no_longer_has() {
    // Two batches: the first sync finishes from a stored cursor, and is still a full read.
    let fake = FakeJira::start(generate(2500, &["OPS"], start()), zone());
    let store = Store::temporary().expect("store");
    let mut jira = source(&fake, TOKEN_VAR);
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("first");
    let id_searches = || {
        fake.requests("/rest/api/3/search/jql")
            .iter()
            .filter(|b| b["fields"] == serde_json::json!(["id"]))
            .count()
    };
    assert_eq!(id_searches(), 0, "a full read lists every ticket: no sweep");
    fake.with(|s| s.issues.remove(&10_007));
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("sweep");
    assert_eq!(
        id_searches(),
        3,
        "the next sync sweeps, a page per thousand ids"
    );
    let deleted: Vec<u64> = store
        .deleted("jira")
        .expect("deleted")
        .into_iter()
        .map(|d| d.0)
        .collect();
    assert_eq!(deleted, vec![10_007]);
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 2499);
    assert!(p.transitions.iter().all(|t| t.ticket != 10_007));
    assert!(p.transitions.iter().any(|t| t.field == Field::Status));
}

#[tokio::test]
async fn a_sync_cut_by_the_network_resumes_to_the_same_store() {
    // More than one batch (2,000 new tickets), so the first batch is stored before the cut.
    let whole = FakeJira::start(generate(4500, &["OPS", "WEB", "DATA"], start()), zone());
    whole.with(|s| {
        s.worklogs = vec![fake_jira::Worklog {
            id: 1,
            issue: 10_001,
            started: start(),
            seconds: 3600,
            author: "Person 1".into(),
            comment: "early".into(),
            updated: start(),
        }]
    });
    let reference = Store::temporary().expect("store");
    sync_once(&reference, &mut source(&whole, TOKEN_VAR), Utc::now())
        .await
        .expect("uninterrupted");

    assert_eq!(
        reference.load().expect("load").time_entries.len(),
        1,
        "worklogs are read from where a sync of several batches began"
    );
    let cut = whole;
    cut.with(|s| s.searches = 0);
    let store = Store::temporary().expect("store");
    let mut jira = source(&cut, TOKEN_VAR);
    let first_batch = {
        // The 25th search page and its retries fail: batch one (pages 1 to 20) is stored.
        let fail_at = 24;
        let state = cut.state.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(2));
                let mut s = state.lock().expect("state");
                if s.searches >= fail_at {
                    for _ in 0..6 {
                        s.faults
                            .push_back(("/rest/api/3/search/jql".into(), Reply::raw(502, "")));
                    }
                    return;
                }
            }
        });
        sync_once(&store, &mut jira, Utc::now())
            .await
            .expect_err("cut")
    };
    assert!(
        first_batch.to_string().contains("HTTP 502"),
        "{first_batch}"
    );
    let partial = store.load().expect("load").tickets.len();
    assert!(
        (2000..4500).contains(&partial),
        "the batch before the cut is kept: {partial}"
    );
    sync_once(&store, &mut source(&cut, TOKEN_VAR), Utc::now())
        .await
        .expect("resumed");
    assert_same_store(&store, &reference);
}

#[tokio::test]
async fn a_killed_sync_restarts_to_the_same_store() {
    let fake = FakeJira::start(generate(4500, &["OPS", "WEB"], start()), zone());
    let reference = Store::temporary().expect("store");
    sync_once(&reference, &mut source(&fake, TOKEN_VAR), Utc::now())
        .await
        .expect("uninterrupted");

    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nkind = \"jira\"\nname = \"jira\"\nurl = \"{}\"\nemail = \"{}\"\n\
             token_env = \"LOOKOUT_JIRA_TOKEN\"\n",
            fake.url(),
            fake_jira::EMAIL
        ),
    )
    .expect("config");
    let run = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_lookout"));
        c.arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["sync", "--once"])
            .env("LOOKOUT_JIRA_TOKEN", fake_jira::TOKEN)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    // The 45th search page (in the third batch of 20 pages) never answers. A batch is
    // written while the next one is fetched, and the sync waits for that write before it
    // fetches on: the first batch is durable by then, the second may be.
    fake.with(|s| {
        s.searches = 0;
        s.hang_after_searches = Some(44);
    });
    let mut child = run().spawn().expect("lookout runs");
    let waited = std::time::Instant::now();
    while fake.with(|s| s.searches) <= 44 {
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "the sync never reached the 45th page"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    fake.with(|s| {
        s.hang_after_searches = None;
        s.log.clear();
    });

    let status = run().status().expect("lookout runs again");
    assert!(status.success());
    let pages = fake
        .requests("/rest/api/3/search/jql")
        .iter()
        .filter(|b| b["fields"] != serde_json::json!(["id"]))
        .count();
    assert!(
        pages < 40,
        "the restart resumes after the stored batch instead of starting over: {pages} pages"
    );
    let store = Store::open(&dir.path().join("data")).expect("store opens after a kill");
    assert_same_store(&store, &reference);
}

fn seen(status: &str, assignee: Option<&str>, priority: lookout::domain::Priority) -> Seen {
    Seen {
        status: status.into(),
        assignee: assignee.map(Into::into),
        priority,
    }
}

fn accepted(action: TrackerAction, before: lookout::domain::Facts) -> Decision {
    Decision {
        suggestion: format!("test:{}", action.key),
        kind: Kind::Reassign,
        subject: Subject::Ticket {
            source: "jira".into(),
            id: action.ticket,
            key: action.key.clone(),
            project: "OPS".into(),
        },
        verdict: Verdict::Accept,
        at: Utc::now(),
        reason: None,
        note: None,
        fingerprint: 1,
        write: Some((action, before)),
    }
}

#[tokio::test]
async fn accept_write_and_undo_restore_each_field_in_jira() {
    use lookout::domain::Priority;
    let fake = FakeJira::start(generate(3, &["OPS"], start()), zone());
    let writers = Writers::spawn(
        vec![("jira".into(), Box::new(source(&fake, TOKEN_VAR)), false)],
        None,
    );
    let act = |change| TrackerAction {
        ticket: 10_001,
        key: "OPS-1".into(),
        change,
    };
    let steps = [
        (
            Change::Assign {
                login: "acc-9".into(),
            },
            seen("In Progress", None, Priority::Medium),
        ),
        (
            Change::SetPriority {
                priority: "Highest".into(),
            },
            seen("In Progress", None, Priority::Medium),
        ),
        (
            Change::Transition {
                status: "Done".into(),
            },
            seen("In Progress", None, Priority::Medium),
        ),
    ];
    for (change, seen) in steps {
        let original = fake.with(|s| s.issues[&10_001].clone());
        let action = act(change);
        let applied = writers
            .apply(WriteRequest {
                source: "jira".into(),
                action: action.clone(),
                seen,
            })
            .await
            .expect("written");
        assert_eq!(applied.before.status, "In Progress");
        assert_eq!(applied.before.assignee, None);
        assert_eq!(applied.before.priority_name, "Medium");
        assert_ne!(
            fake.with(|s| s.issues[&10_001].clone()),
            original,
            "{action}"
        );
        let undo = undo_request(&accepted(action.clone(), applied.before)).expect("undoable");
        writers.apply(undo).await.expect("undone");
        let back = fake.with(|s| s.issues[&10_001].clone());
        assert_eq!(back.status, original.status, "{action}");
        assert_eq!(back.assignee, original.assignee, "{action}");
        assert_eq!(back.priority, original.priority, "{action}");
    }
}

#[tokio::test]
async fn a_ticket_that_moved_is_not_written_and_the_user_is_told() {
    use lookout::domain::Priority;
    let fake = FakeJira::start(generate(3, &["OPS"], start()), zone());
    let writers = Writers::spawn(
        vec![("jira".into(), Box::new(source(&fake, TOKEN_VAR)), false)],
        None,
    );
    let err = writers
        .apply(WriteRequest {
            source: "jira".into(),
            action: TrackerAction {
                ticket: 10_003,
                key: "OPS-3".into(),
                change: Change::Assign {
                    login: "acc-9".into(),
                },
            },
            // OPS-3 is Done, with Person 3, at Low.
            seen: seen("In Review", Some("Person 3"), Priority::Low),
        })
        .await
        .expect_err("moved");
    assert!(matches!(err, WriteError::Moved(_)), "{err}");
    assert!(
        err.to_string()
            .contains(r#"status is now "Done", you saw "In Review""#),
        "{err}"
    );
    let writes = fake.with(|s| s.log.iter().filter(|(m, _, _)| m != "GET").count());
    assert_eq!(writes, 0, "nothing but the read reached Jira");
    assert_eq!(
        fake.with(|s| s.issues[&10_003].assignee.clone()),
        Some(("acc-3".into(), "Person 3".into()))
    );
}

#[tokio::test]
async fn read_only_sends_nothing_to_jira_whatever_is_asked() {
    use lookout::domain::Priority;
    let fake = FakeJira::start(generate(3, &["OPS"], start()), zone());
    let writers = Writers::spawn(
        vec![("jira".into(), Box::new(source(&fake, TOKEN_VAR)), true)],
        None,
    );
    for change in [
        Change::Assign {
            login: "acc-9".into(),
        },
        Change::Unassign,
        Change::Transition {
            status: "Done".into(),
        },
        Change::SetPriority {
            priority: "High".into(),
        },
        Change::AddLabel { label: "x".into() },
        Change::Comment { body: "x".into() },
    ] {
        let err = writers
            .apply(WriteRequest {
                source: "jira".into(),
                action: TrackerAction {
                    ticket: 10_001,
                    key: "OPS-1".into(),
                    change,
                },
                seen: seen("In Progress", None, Priority::Medium),
            })
            .await
            .expect_err("read-only");
        assert!(matches!(err, WriteError::ReadOnly(_)), "{err}");
    }
    assert_eq!(fake.with(|s| s.log.len()), 0, "no request reached Jira");
}
