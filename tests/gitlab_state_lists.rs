//! Where a GitLab issue's state history comes from: nothing for one never reopened (its
//! `closed_at` says it all), the projects' reopen and close lists for a reopened one opened
//! inside the lists' reach, and the issue's own `resource_state_events` when the lists
//! cannot say all of it.

#[path = "common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "common/routed.rs"]
mod routed;

use chrono::{DateTime, Utc};
use fake_gitlab::{FakeGitLab, generate};
use lookout::domain::{ChangeSet, Field, Transition};
use lookout::sources::Source;
use lookout::sources::gitlab::GitLabSource;
use lookout::sources::http::Policy;
use routed::Reply;
use serde_json::json;

/// Two months ago, in whole seconds: well inside the three years GitLab keeps project
/// events.
fn start() -> DateTime<Utc> {
    let at = Utc::now() - chrono::Duration::days(60);
    DateTime::from_timestamp(at.timestamp(), 0).expect("valid")
}

fn source(url: &str) -> GitLabSource {
    GitLabSource::new(
        "gl",
        fake_gitlab::settings(url, &["grp/app"]),
        Policy::default(),
    )
}

/// The issues whose own state events were asked for, by iid.
fn state_reads(gl: &FakeGitLab) -> Vec<String> {
    let mut asked: Vec<String> = gl
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/resource_state_events"))
        .map(|r| r.path.replace("/api/v4/projects/100/issues/", ""))
        .collect();
    asked.sort();
    asked
}

fn moves(got: &ChangeSet, ticket: u64) -> Vec<(DateTime<Utc>, &str)> {
    got.transitions
        .iter()
        .filter(|t: &&Transition| t.ticket == ticket && t.field == Field::Status)
        .map(|t| (t.at, t.to.as_deref().unwrap_or("")))
        .collect()
}

#[tokio::test]
async fn reopened_issues_take_their_history_from_the_project_event_lists() {
    let mut issues = generate(9, 1, start());
    let t = issues[0].created;
    issues[0].states = vec![
        (100, t + chrono::Duration::minutes(5), "closed"),
        (101, t + chrono::Duration::minutes(9), "reopened"),
    ];
    let gl = FakeGitLab::start(&["grp/app"], issues);
    let got = fake_gitlab::sync_to_end(&mut source(&gl.url), None).await;
    assert!(
        state_reads(&gl).is_empty(),
        "no issue's own state events: {:?}",
        state_reads(&gl)
    );
    let actions: Vec<String> = gl
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/events"))
        .map(|r| r.param("action").join(","))
        .collect();
    assert_eq!(actions, ["reopened", "closed"]);
    // The lists' times (the fake writes a project event 3 ms after the state event).
    let ms = chrono::Duration::milliseconds(3);
    assert_eq!(
        moves(&got, 1),
        [
            (t + chrono::Duration::minutes(5) + ms, "Closed"),
            (t + chrono::Duration::minutes(9) + ms, "Open")
        ]
    );
    assert_eq!(
        moves(&got, 9).iter().map(|m| m.1).collect::<Vec<_>>(),
        ["Closed", "Open", "Closed"]
    );
    let closed_at = gl.with(|s| s.issues[2].closed_at).expect("issue 3 closed");
    assert_eq!(moves(&got, 3), [(closed_at, "Closed")], "closed once");
    assert!(moves(&got, 2).is_empty(), "open, never closed");
}

#[tokio::test]
async fn an_issue_opened_before_the_window_reads_its_own_state_events() {
    let gl = FakeGitLab::start(&["grp/app"], generate(9, 1, start()));
    let mut src = source(&gl.url);
    let first = fake_gitlab::sync_to_end(&mut src, None).await;
    // Issue 3, closed two months ago, is reopened and closed again today: it was opened
    // before the window began, so the lists since then need not hold all of its history.
    let now = Utc::now();
    gl.with(|s| {
        let i = &mut s.issues[2];
        i.states
            .push((500, now - chrono::Duration::minutes(10), "reopened"));
        i.states
            .push((501, now - chrono::Duration::minutes(5), "closed"));
        i.closed_at = Some(now - chrono::Duration::minutes(5));
        i.updated = now - chrono::Duration::minutes(5);
    });
    let before = gl.requests().len();
    let second = fake_gitlab::sync_to_end(&mut src, first.cursor).await;
    let asked: Vec<String> = gl.requests()[before..]
        .iter()
        .filter(|r| r.path.ends_with("/resource_state_events"))
        .map(|r| r.path.replace("/api/v4/projects/100/issues/", ""))
        .collect();
    assert_eq!(asked, ["3/resource_state_events"]);
    assert_eq!(
        moves(&second, 3).iter().map(|m| m.1).collect::<Vec<_>>(),
        ["Closed", "Open", "Closed"]
    );
}

#[tokio::test]
async fn lists_that_lag_the_issue_leave_it_to_its_own_state_events() {
    // Issue 1 was closed, reopened and closed again; the close list has not caught up with
    // the last close, so the lists end open while the issue is closed.
    let mut issues = generate(3, 1, start());
    let t = issues[0].created;
    let at = |m| t + chrono::Duration::minutes(m);
    issues[0].states = vec![
        (100, at(5), "closed"),
        (101, at(9), "reopened"),
        (102, at(20), "closed"),
    ];
    issues[0].closed = true;
    issues[0].closed_at = Some(at(20));
    let gl = FakeGitLab::start(&["grp/app"], issues);
    let stamp = |t| fake_gitlab::stamp(t);
    let event = |id: u64, action: &str, when| {
        json!({ "id": id, "project_id": 100, "action_name": action, "target_id": 1,
                "target_iid": 1, "target_type": "Issue", "created_at": stamp(when) })
    };
    gl.with(|s| {
        s.script.push_back((
            "/events".into(),
            Reply::json(&json!([event(2001, "reopened", at(9))])),
        ));
        s.script.push_back((
            "/events".into(),
            Reply::json(&json!([event(2000, "closed", at(5))])),
        ));
    });
    let got = fake_gitlab::sync_to_end(&mut source(&gl.url), None).await;
    assert_eq!(state_reads(&gl), ["1/resource_state_events"]);
    assert_eq!(
        moves(&got, 1),
        [(at(5), "Closed"), (at(9), "Open"), (at(20), "Closed")]
    );
}

#[tokio::test]
async fn an_old_reopened_issue_edited_later_keeps_its_stored_history() {
    // Issue 9 was closed, reopened and closed again two months ago; today only its title
    // changes. The second sync sends it with its one `closed_at` close, which must add
    // nothing to, and take nothing from, the history the first sync stored.
    let gl = FakeGitLab::start(&["grp/app"], generate(9, 1, start()));
    // Issue 1 changed an hour ago, so the next window (and the event lists it asks for)
    // begins long after issue 9's reopen: the lists do not name it.
    gl.with(|s| s.issues[0].updated = Utc::now() - chrono::Duration::hours(1));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = lookout::store::Store::open(dir.path()).expect("store");
    let mut src = source(&gl.url);
    let first = src.fetch(None, Utc::now()).await.expect("first sync");
    store.write(&first).expect("write");
    gl.with(|s| {
        let i = &mut s.issues[8];
        i.title = "Renamed".into();
        i.updated = Utc::now() - chrono::Duration::minutes(5);
    });
    let second = src
        .fetch(first.cursor.clone(), Utc::now())
        .await
        .expect("second");
    assert!(
        second.tickets.iter().any(|t| t.id == 9),
        "issue 9 sent again"
    );
    store.write(&second).expect("write");
    let stored = store.load().expect("load");
    let nine: Vec<&str> = stored
        .transitions
        .iter()
        .filter(|t| t.ticket == 9 && t.field == Field::Status)
        .map(|t| t.to.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(nine, ["Closed", "Open", "Closed"]);
}
