//! Jira as real sites are: statuses renamed and retired since the changelog was written,
//! worklogs of every project on one site-wide endpoint (never asked for when the source has
//! projects of its own), and issues with fields of another type. Against the same local Jira stand-in as the contract tests.

#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use fake_jira::{FakeJira, generate};
use lookout::sources::http::Policy;
use lookout::sources::jira::{JiraSource, Settings};
use lookout::store::Store;
use lookout::sync::sync_once;
use routed::Reply;

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

fn source_of(fake: &FakeJira, projects: &[&str]) -> JiraSource {
    JiraSource::new(
        "jira",
        Settings {
            url: fake.url(),
            cloud_id: None,
            email: fake_jira::EMAIL.into(),
            token_env: TOKEN_VAR.into(),
            projects: projects.iter().map(|p| p.to_string()).collect(),
            sweep_every: Duration::from_secs(3600),
        },
        fast(),
    )
}

fn moved(at: DateTime<Utc>, from: &str, to: &str) -> fake_jira::Change {
    fake_jira::Change {
        at,
        field: "status",
        from: Some(from.into()),
        to: Some(to.into()),
    }
}

/// As on a site whose workflow changed: `In Development` was renamed `In Progress` (same
/// id), `Ready for Dev` and `Resolved` were retired, and a bulk migration moved every
/// resolved ticket to `Done` months after it was resolved.
#[tokio::test]
async fn renamed_and_retired_statuses_are_placed_and_work_never_starts_after_resolution() {
    let day = chrono::Duration::days(1);
    let migration = Utc
        .with_ymd_and_hms(2025, 9, 1, 0, 0, 0)
        .single()
        .expect("date");
    let mut issues = generate(30, &["EE"], start());
    let mut expected = Vec::new();
    let mut resolved_at = std::collections::BTreeMap::new();
    for (n, i) in issues.iter_mut().enumerate() {
        let c = i.created;
        // Most went through development; every third went from waiting straight to resolved.
        let (history, resolved, started) = if n % 3 == 0 {
            let h = vec![
                moved(c + day, "To Do", "Ready for Dev"),
                moved(c + day * 3, "Ready for Dev", "Resolved"),
                moved(migration, "Resolved", "Done"),
            ];
            (h, c + day * 3, c + day)
        } else {
            let h = vec![
                moved(c + day, "To Do", "Ready for Dev"),
                moved(c + day * 2, "Ready for Dev", "In Development"),
                moved(c + day * 5, "In Development", "Resolved"),
                moved(migration, "Resolved", "Done"),
            ];
            (h, c + day * 5, c + day * 2)
        };
        i.history = history;
        i.status = "Done".into();
        i.resolution = Some("Done".into());
        i.updated = migration;
        resolved_at.insert(i.id, resolved);
        expected.push((i.id, started, resolved));
    }
    let fake = FakeJira::start(issues, zone());
    fake.with(|s| {
        s.resolved_at = resolved_at;
        s.status_ids.insert("In Development".into(), "3".into());
        s.status_ids.insert("Ready for Dev".into(), "10050".into());
        s.status_ids.insert("Resolved".into(), "10051".into());
    });
    let store = Store::temporary().expect("store");
    let report = sync_once(&store, &mut source_of(&fake, &[]), Utc::now())
        .await
        .expect("sync");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 30);
    for (id, started, resolved) in &expected {
        let t = p.tickets.iter().find(|t| t.id == *id).expect("stored");
        assert_eq!(t.resolved, Some(*resolved), "{}", t.key);
        assert_eq!(t.started, Some(*started), "{}: work started", t.key);
        assert!(t.started <= t.resolved, "{}: started after resolved", t.key);
    }
    let done: Vec<&lookout::domain::Ticket> = p.tickets.iter().collect();
    let cycles = lookout::analysis::flow::cycle_times(&done);
    assert_eq!(cycles.len(), 30, "every ticket has a cycle time");
    assert!(cycles.iter().all(|c| *c >= 0.0), "{cycles:?}");
    let about = |name: &str| {
        report
            .warnings
            .iter()
            .filter(|w| w.contains(&format!("{name:?}")))
            .count()
    };
    assert_eq!(about("Ready for Dev"), 1, "{:?}", report.warnings);
    assert_eq!(about("Resolved"), 1, "{:?}", report.warnings);
    assert_eq!(
        about("In Development"),
        0,
        "placed by its id: {:?}",
        report.warnings
    );
    assert!(
        p.transitions
            .iter()
            .any(|t| t.to.as_deref() == Some("In Development")),
        "histories keep the names of their time"
    );
}

fn worklog(id: u64, issue: u64, at: DateTime<Utc>, comment: &str) -> fake_jira::Worklog {
    fake_jira::Worklog {
        id,
        issue,
        started: at,
        seconds: 3600,
        author: "Person 1".into(),
        comment: comment.into(),
        updated: at,
    }
}

/// Paths of every request the fake answered, in order.
fn paths(fake: &FakeJira) -> Vec<String> {
    fake.with(|s| s.log.iter().map(|(_, p, _)| p.clone()).collect())
}

/// The worklogs of HR issues (odd ids) the fake sent, with their comments.
fn hr_served(fake: &FakeJira) -> Vec<(u64, String)> {
    fake.with(|s| {
        let hr: Vec<u64> = s
            .worklogs
            .iter()
            .filter(|w| s.issues.get(&w.issue).is_some_and(|i| i.project == "HR"))
            .map(|w| w.id)
            .collect();
        let sent = s.served.iter().filter(|(id, _)| hr.contains(id));
        sent.cloned().collect()
    })
}

/// The time entries stored, by id: (ticket, comment).
fn stored_entries(store: &Store) -> Vec<(u64, u64, String)> {
    let mut kept: Vec<(u64, u64, String)> = store
        .load()
        .expect("load")
        .time_entries
        .into_iter()
        .map(|e| (e.id, e.ticket, e.comment))
        .collect();
    kept.sort();
    kept
}

#[tokio::test]
async fn worklogs_come_from_our_issues_and_other_projects_never_leave_the_site() {
    // Issues 10001..10020 alternate between EE and HR (generate spreads them).
    let issues = generate(20, &["EE", "HR"], start());
    let project = |id: u64| {
        issues
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.project.clone())
            .expect("issue")
    };
    let (ee, busy, hr) = (10_002, 10_004, 10_001);
    assert_eq!(
        [project(ee), project(busy), project(hr)],
        ["EE", "EE", "HR"]
    );
    let busy_logs = fake_jira::worklogs::INLINE as u64 + 5;
    let fake = FakeJira::start(issues.clone(), zone());
    let t = start() + chrono::Duration::days(2);
    fake.with(|s| {
        s.worklog_issue_page = 10;
        s.log_work(worklog(1, ee, t, "ours"));
        s.log_work(worklog(2, hr, t, "salary review for Dana"));
        for n in 0..busy_logs {
            let at = t + chrono::Duration::minutes(n as i64);
            s.log_work(worklog(100 + n, busy, at, &format!("busy {n}")));
        }
    });
    let store = Store::temporary().expect("store");
    let mut jira = source_of(&fake, &["EE"]);
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("first");
    let mut want = vec![(1, ee, "ours".to_string())];
    want.extend((0..busy_logs).map(|n| (100 + n, busy, format!("busy {n}"))));
    assert_eq!(
        stored_entries(&store),
        want,
        "every EE entry, past the {} a search sends inline",
        fake_jira::worklogs::INLINE
    );
    let first = paths(&fake);
    assert!(
        hr_served(&fake).is_empty(),
        "HR worklogs were sent to lookout: {:?}",
        hr_served(&fake)
    );
    let per_issue = |paths: &[String], id: u64| {
        let path = format!("/rest/api/3/issue/{id}/worklog");
        paths.iter().filter(|p| **p == path).count()
    };
    assert_eq!(
        per_issue(&first, busy),
        3,
        "25 worklogs, 10 a page: {first:?}"
    );
    assert_eq!(per_issue(&first, ee), 0, "all of them came inline");

    // Time logged since on EE and on HR.
    fake.with(|s| {
        s.log.clear();
        let now = Utc::now();
        s.log_work(worklog(3, ee, now, "more of ours"));
        s.log_work(worklog(4, hr, now, "HR only"));
    });
    sync_once(&store, &mut jira, Utc::now())
        .await
        .expect("second");
    want.insert(1, (3, ee, "more of ours".to_string()));
    assert_eq!(
        stored_entries(&store),
        want,
        "only EE's entries, old and new"
    );
    let second = paths(&fake);
    assert_eq!(
        per_issue(&second, busy),
        0,
        "an issue without new time is not read again: {second:?}"
    );

    let site_wide: Vec<&String> = first
        .iter()
        .chain(&second)
        .filter(|p| p.starts_with("/rest/api/3/worklog/"))
        .collect();
    assert!(
        site_wide.is_empty(),
        "site-wide worklog requests: {site_wide:?}"
    );
    assert!(
        hr_served(&fake).is_empty(),
        "HR worklogs were sent to lookout: {:?}",
        hr_served(&fake)
    );
    let searches = fake.requests("/rest/api/3/search/jql");
    assert!(
        searches.iter().all(|b| b["jql"]
            .as_str()
            .is_some_and(|j| j.starts_with("project in (\"EE\")"))),
        "every search stays in EE: {searches:?}"
    );
}

#[tokio::test]
async fn an_issue_gone_before_its_worklogs_are_read_is_named_and_the_rest_sync() {
    let fake = FakeJira::start(generate(4, &["EE"], start()), zone());
    let t = start() + chrono::Duration::days(2);
    fake.with(|s| {
        s.log_work(worklog(1, 10_001, t, "kept"));
        for n in 0..=fake_jira::worklogs::INLINE as u64 {
            s.log_work(worklog(100 + n, 10_002, t, "lost with its issue"));
        }
        s.faults.push_back((
            "/rest/api/3/issue/10002/worklog".into(),
            Reply::raw(404, r#"{"errorMessages":["Issue does not exist"]}"#),
        ));
    });
    let store = Store::temporary().expect("store");
    let report = sync_once(&store, &mut source_of(&fake, &["EE"]), Utc::now())
        .await
        .expect("one gone issue does not fail the sync");
    let ids: Vec<u64> = stored_entries(&store).iter().map(|e| e.0).collect();
    assert_eq!(ids, [1]);
    let w = report.warnings.join("\n");
    assert!(
        w.contains("the worklogs of Jira issue EE-2 were skipped: the issue is gone"),
        "{w}"
    );
    assert_eq!(report.warnings.len(), 1, "{w}");
}

/// With no projects set every worklog on the site is the source's: the site-wide feed
/// lists them for less than reading each issue's.
#[tokio::test]
async fn every_project_takes_the_site_wide_feed() {
    let fake = FakeJira::start(generate(20, &["EE", "HR"], start()), zone());
    let t = start() + chrono::Duration::days(2);
    fake.with(|s| {
        s.log_work(worklog(1, 10_002, t, "ours"));
        s.log_work(worklog(2, 10_001, t, "ours too"));
    });
    let store = Store::temporary().expect("store");
    sync_once(&store, &mut source_of(&fake, &[]), Utc::now())
        .await
        .expect("sync");
    let ids: Vec<u64> = stored_entries(&store).iter().map(|e| e.0).collect();
    assert_eq!(ids, [1, 2]);
    let asked = paths(&fake);
    assert!(asked.iter().any(|p| p == "/rest/api/3/worklog/updated"));
    assert!(
        !asked
            .iter()
            .any(|p| p.ends_with("/worklog") && p.contains("/issue/"))
    );
    let searches = fake.requests("/rest/api/3/search/jql");
    assert!(
        searches.iter().all(|b| !b["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == "worklog"))),
        "the search does not carry worklogs the feed lists"
    );
}

#[tokio::test]
async fn one_odd_issue_is_skipped_and_named_and_the_rest_sync() {
    let fake = FakeJira::start(generate(50, &["OPS"], start()), zone());
    fake.with(|s| {
        s.odd_fields.insert(
            10_007,
            serde_json::json!({ "updated": 1_706_692_500_000_u64 }),
        );
        s.odd_fields
            .insert(10_011, serde_json::json!({ "status": null }));
        s.odd_fields
            .insert(10_013, serde_json::json!({ fake_jira::POINTS_FIELD: "-1" }));
        s.faults.push_back((
            "/rest/api/3/user/assignable/search".into(),
            Reply::raw(200, r#"{"errorMessages":[],"values":[]}"#),
        ));
    });
    let store = Store::temporary().expect("store");
    let report = sync_once(&store, &mut source_of(&fake, &[]), Utc::now())
        .await
        .expect("one odd issue does not fail the sync");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 48, "all but the two unreadable");
    assert!(!p.tickets.iter().any(|t| t.id == 10_007 || t.id == 10_011));
    let points = p.tickets.iter().find(|t| t.id == 10_013).expect("kept");
    assert_eq!(
        points.estimate, None,
        "odd story points cost the estimate only"
    );
    let w = report.warnings.join("\n");
    assert!(
        w.contains("Jira issue OPS-7 skipped: field `updated`: invalid type: integer `1706692500000`, expected a string"),
        "{w}"
    );
    assert!(
        w.contains("Jira issue OPS-11 skipped: field `status`: missing"),
        "{w}"
    );
    assert!(w.contains("OPS-13 (the text \"-1\")"), "{w}");
    assert!(
        w.contains("instead of a list for the assignable users of OPS"),
        "{w}"
    );
    assert_eq!(report.warnings.len(), 4, "{w}");
}
