//! GitLab against a local server that behaves as API v4 documents: offset pages announced by
//! `x-next-page` (with totals only up to 10,000 results), inclusive `updated_after`, state
//! and label events per issue, rate limits with and without headers, and the writes.

#[path = "common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "common/routed.rs"]
mod routed;

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use fake_gitlab::{FakeGitLab, Issue, generate};
use lookout::domain::{ChangeSet, Field, Priority, StatusCategory};
use lookout::sources::gitlab::{Auth, GitLabSource, Settings};
use lookout::sources::http::Policy;
use lookout::sources::{Change, Source, SourceError, TrackerAction};
use routed::Reply;
use serde_json::json;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("valid")
}

fn settings(url: &str) -> Settings {
    let mut s = fake_gitlab::settings(url, &["grp/app"]);
    s.status_scope = Some("workflow".into());
    s.priority_scope = Some("priority".into());
    s
}

/// Quick retries, so the tests that meet them stay fast.
fn policy() -> Policy {
    Policy {
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(400),
        ..Policy::default()
    }
}

fn source(s: Settings) -> GitLabSource {
    GitLabSource::new("gl", s, policy())
}

fn issue_lists(gl: &FakeGitLab) -> Vec<routed::Request> {
    gl.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/issues"))
        .collect()
}

/// 250 issues, the first 150 sharing one update time as a bulk import leaves them.
fn imported() -> Vec<Issue> {
    let mut issues = generate(250, 1, start());
    let t = issues[149].updated;
    for i in issues.iter_mut().take(150) {
        i.updated = t;
    }
    issues
}

#[tokio::test]
async fn pages_follow_x_next_page_with_and_without_totals() {
    for totals in [true, false] {
        let gl = FakeGitLab::start(&["grp/app"], imported());
        gl.with(|s| s.totals = totals);
        let mut src = source(settings(&gl.url));
        let got = fake_gitlab::sync_to_end(&mut src, None).await;
        assert_eq!(got.tickets.len(), 250, "totals {totals}");
        let mut ids: Vec<u64> = got.tickets.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 250, "each issue once");
        let lists = issue_lists(&gl);
        let pages: Vec<String> = lists.iter().map(|r| r.param("page").join("")).collect();
        assert!(
            pages.contains(&"2".to_string()),
            "the tied 150 are paged by x-next-page: {pages:?}"
        );
        for r in &lists {
            assert_eq!(r.param("scope"), ["all"]);
            assert_eq!(r.param("order_by"), ["updated_at"]);
            assert_eq!(r.param("sort"), ["asc"]);
            assert_eq!(r.param("per_page"), ["100"]);
        }
        assert_eq!(got.projects.len(), 1);
        assert_eq!(got.projects[0].key, "grp/app");
        assert_eq!(got.members.len(), 1);
        assert_eq!(got.members[0].login, "5");
        let t = got.tickets.iter().find(|t| t.id == 9).expect("issue 9");
        assert_eq!(t.key, "grp/app#9");
        assert_eq!(t.category, StatusCategory::Done);
        assert_eq!(t.estimate, Some(2.0), "two hours estimated");
        assert_eq!(
            got.transitions.iter().filter(|x| x.ticket == 9).count(),
            3,
            "closed, reopened, closed"
        );
    }
}

#[tokio::test]
async fn a_second_sync_asks_updated_after_and_reads_only_what_changed() {
    let gl = FakeGitLab::start(&["grp/app"], generate(30, 1, start()));
    let mut src = source(settings(&gl.url));
    let first = fake_gitlab::sync_to_end(&mut src, None).await;
    assert_eq!(first.tickets.len(), 30);
    let last = gl.with(|s| s.issues.iter().map(|i| i.updated).max().expect("issues"));
    let later = last + chrono::Duration::hours(1);
    gl.with(|s| {
        let i = &mut s.issues[6];
        i.updated = later;
        i.closed = true;
        i.closed_at = Some(later);
        i.states.push((900, later, "closed"));
    });
    gl.clear_log();
    let second = fake_gitlab::sync_to_end(&mut src, first.cursor.clone()).await;
    let ids: Vec<u64> = second.tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids, [7], "only the changed issue");
    assert_eq!(second.tickets[0].category, StatusCategory::Done);
    let lists = issue_lists(&gl);
    let from = fake_gitlab::stamp(last - chrono::Duration::seconds(60));
    assert_eq!(lists[0].param("updated_after"), [from.as_str()]);
    let events: Vec<String> = gl
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("_events"))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        events,
        ["/api/v4/projects/100/issues/7/resource_label_events"],
        "events only for what changed; a close without a reopen is its closed_at"
    );
    let close = second
        .transitions
        .iter()
        .find(|x| x.ticket == 7)
        .expect("closed");
    assert_eq!((close.at, close.to.as_deref()), (later, Some("Closed")));
}

#[tokio::test]
async fn state_and_label_events_become_history() {
    let mut issues = generate(1, 1, start());
    let i = &mut issues[0];
    let t = |m| start() + chrono::Duration::minutes(m);
    i.labels = vec!["workflow::review".into(), "priority::high".into()];
    i.label_events = vec![
        (1, t(10), "workflow::doing".into(), true),
        (2, t(12), "priority::high".into(), true),
        (3, t(20), "workflow::doing".into(), false),
        (4, t(20), "workflow::review".into(), true),
    ];
    i.states = vec![(1, t(30), "closed"), (2, t(40), "reopened")];
    i.updated = t(40);
    let gl = FakeGitLab::start(&["grp/app"], issues);
    let mut src = source(settings(&gl.url));
    let got = fake_gitlab::sync_to_end(&mut src, None).await;
    let ticket = &got.tickets[0];
    assert_eq!(ticket.status, "review");
    assert_eq!(ticket.category, StatusCategory::InProgress);
    assert_eq!(ticket.priority, Priority::High);
    assert_eq!(ticket.started, Some(t(10)), "work started with doing");
    let moves: Vec<(Field, Option<&str>, Option<&str>)> = got
        .transitions
        .iter()
        .map(|x| (x.field, x.from.as_deref(), x.to.as_deref()))
        .collect();
    assert_eq!(
        moves,
        [
            (Field::Status, Some("Open"), Some("doing")),
            (Field::Priority, None, Some("high")),
            (Field::Status, Some("doing"), Some("Open")),
            (Field::Status, Some("Open"), Some("review")),
            (Field::Status, Some("review"), Some("Closed")),
            (Field::Status, Some("Closed"), Some("review")),
        ]
    );
}

#[tokio::test]
async fn a_closed_issue_labelled_wont_fix_is_not_delivered() {
    let mut issues = generate(3, 1, start());
    issues[2].labels.push("won't fix".into());
    let gl = FakeGitLab::start(&["grp/app"], issues);
    let got = fake_gitlab::sync_to_end(&mut source(settings(&gl.url)), None).await;
    let closed = got.tickets.iter().find(|t| t.id == 3).expect("issue 3");
    assert_eq!(closed.category, StatusCategory::Done);
    assert!(!closed.delivered(), "{:?}", closed.resolution);
    assert_eq!(closed.resolved, issues_closed_at(&gl, 3));
}

fn issues_closed_at(gl: &FakeGitLab, id: u64) -> Option<DateTime<Utc>> {
    gl.with(|s| s.issues.iter().find(|i| i.id == id)?.closed_at)
}

#[tokio::test]
async fn a_group_brings_the_issues_of_its_projects() {
    let gl = FakeGitLab::start(
        &["grp/app", "grp/sub/api", "other/x"],
        generate(9, 3, start()),
    );
    let mut s = settings(&gl.url);
    s.projects = vec![];
    s.groups = vec!["grp".into()];
    let got = fake_gitlab::sync_to_end(&mut source(s), None).await;
    let mut keys: Vec<String> = got.projects.iter().map(|p| p.key.clone()).collect();
    keys.sort();
    assert_eq!(keys, ["grp/app", "grp/sub/api"]);
    assert_eq!(got.tickets.len(), 6, "not the other group's");
    assert!(got.tickets.iter().any(|t| t.project == "grp/sub/api"));
    assert!(
        gl.requests()
            .iter()
            .any(|r| r.path == "/api/v4/groups/grp/issues")
    );
}

#[tokio::test]
async fn a_project_the_token_cannot_see_is_a_config_error() {
    let gl = FakeGitLab::start(&["grp/app"], vec![]);
    let mut s = settings(&gl.url);
    s.projects = vec!["grp/secret".into()];
    let err = source(s)
        .fetch(None, Utc::now())
        .await
        .expect_err("not visible");
    assert!(matches!(err, SourceError::Config(_)), "{err:?}");
    assert!(err.to_string().contains("grp/secret"), "{err}");
}

#[tokio::test]
async fn an_odd_issue_is_skipped_and_named() {
    let gl = FakeGitLab::start(&["grp/app"], generate(1, 1, start()));
    let good = json!({ "id": 1, "iid": 1, "project_id": 100, "title": "fine", "state": "opened",
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "references": { "full": "grp/app#1" } });
    let odd = json!({ "id": 2, "iid": 2, "project_id": 100, "state": "opened",
        "created_at": "last week", "updated_at": "2026-01-01T00:00:00Z" });
    gl.script(
        "/issues",
        Reply::json(&json!([good, odd])).with_header("x-next-page", ""),
    );
    let got = src_sync_once(&gl).await;
    assert_eq!(got.tickets.len(), 1);
    assert!(
        got.warnings
            .iter()
            .any(|w| w.contains("GitLab issue 2") && w.contains("skipped")),
        "{:?}",
        got.warnings
    );
}

async fn src_sync_once(gl: &FakeGitLab) -> ChangeSet {
    source(settings(&gl.url))
        .fetch(None, Utc::now())
        .await
        .expect("sync")
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    gl.script(
        "/issues",
        Reply::raw(429, "Retry later").with_header("Retry-After", "1"),
    );
    let began = Instant::now();
    let got = src_sync_once(&gl).await;
    assert_eq!(got.tickets.len(), 3);
    assert!(began.elapsed() >= Duration::from_secs(1), "waited as asked");
    assert_eq!(issue_lists(&gl).len(), 2, "asked once more");
}

#[tokio::test]
async fn a_bare_429_backs_off_exponentially() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    for _ in 0..3 {
        gl.script("/issues", Reply::raw(429, "Retry later"));
    }
    let began = Instant::now();
    let got = src_sync_once(&gl).await;
    assert_eq!(got.tickets.len(), 3);
    // Floors of 50, 100 and 200 ms: the base, doubling.
    assert!(
        began.elapsed() >= Duration::from_millis(350),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(issue_lists(&gl).len(), 4);
}

#[tokio::test]
async fn ratelimit_headers_are_the_budget_and_a_spent_one_is_waited_out() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    let reset = (Utc::now().timestamp() + 2).to_string();
    gl.with(|s| {
        s.extra_headers = vec![
            ("RateLimit-Limit".into(), "600".into()),
            ("RateLimit-Remaining".into(), "0".into()),
            ("RateLimit-Reset".into(), reset.clone()),
        ]
    });
    let mut src = source(settings(&gl.url));
    let began = Instant::now();
    src.fetch(None, Utc::now()).await.expect("sync");
    let budget = src.budget().expect("a budget");
    assert_eq!((budget.remaining, budget.limit), (Some(0), Some(600)));
    assert!(
        began.elapsed() >= Duration::from_millis(900),
        "requests after a spent budget wait for its reset: {:?}",
        began.elapsed()
    );
}

#[tokio::test]
async fn server_errors_are_retried() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    gl.script("/issues", Reply::raw(502, "<html>Bad gateway</html>"));
    gl.script("/members/all", Reply::raw(500, "{}"));
    let got = src_sync_once(&gl).await;
    assert_eq!(got.tickets.len(), 3);
    assert_eq!(issue_lists(&gl).len(), 2);
}

#[tokio::test]
async fn malformed_json_is_reported_with_its_url() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    gl.script("/issues", Reply::raw(200, r#"[{"id": 1, "iid""#));
    let err = source(settings(&gl.url))
        .fetch(None, Utc::now())
        .await
        .expect_err("broken JSON");
    assert!(matches!(err, SourceError::Invalid(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("/api/v4/projects/grp%2Fapp/issues"),
        "{err}"
    );
}

#[tokio::test]
async fn a_refused_token_is_never_retried() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    let mut s = settings(&gl.url);
    s.token_env = "CARGO_PKG_VERSION".into();
    let err = source(s)
        .fetch(None, Utc::now())
        .await
        .expect_err("wrong token");
    assert!(matches!(err, SourceError::Auth(_)), "{err:?}");
    assert_eq!(gl.requests().len(), 1, "asked once");
}

fn action(change: Change) -> TrackerAction {
    TrackerAction {
        ticket: 3,
        key: "grp/app#3".into(),
        change,
    }
}

/// The one request a write made: method, path, the token header and the JSON body.
async fn one_write(gl: &FakeGitLab, src: &mut GitLabSource, change: Change) -> routed::Request {
    gl.clear_log();
    src.apply(&action(change)).await.expect("write");
    let writes: Vec<routed::Request> = gl
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    let w = writes[0].clone();
    assert_eq!(w.header("PRIVATE-TOKEN"), Some(fake_gitlab::TOKEN));
    assert_eq!(w.header("Content-Type"), Some("application/json"));
    w
}

#[tokio::test]
async fn every_write_sends_what_gitlab_documents() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    let mut src = source(settings(&gl.url));
    let issue = "/api/v4/projects/grp/app/issues/3";
    let cases = [
        (
            Change::Assign { login: "5".into() },
            "PUT",
            issue.to_string(),
            json!({ "assignee_ids": [5] }),
        ),
        (
            Change::Unassign,
            "PUT",
            issue.into(),
            json!({ "assignee_ids": [0] }),
        ),
        (
            Change::Transition {
                status: "Open".into(),
            },
            "PUT",
            issue.into(),
            json!({ "state_event": "reopen" }),
        ),
        (
            Change::Transition {
                status: "closed".into(),
            },
            "PUT",
            issue.into(),
            json!({ "state_event": "close" }),
        ),
        (
            Change::Transition {
                status: "Review".into(),
            },
            "PUT",
            issue.into(),
            json!({ "add_labels": "workflow::review", "state_event": "reopen" }),
        ),
        (
            Change::SetPriority {
                priority: "high".into(),
            },
            "PUT",
            issue.into(),
            json!({ "add_labels": "priority::high" }),
        ),
        (
            Change::AddLabel {
                label: "needs-info".into(),
            },
            "PUT",
            issue.into(),
            json!({ "add_labels": "needs-info" }),
        ),
        (
            Change::Comment {
                body: "Looked at it".into(),
            },
            "POST",
            format!("{issue}/notes"),
            json!({ "body": "Looked at it" }),
        ),
    ];
    for (change, method, path, body) in cases {
        let w = one_write(&gl, &mut src, change.clone()).await;
        assert_eq!(
            (w.method.as_str(), w.path.as_str()),
            (method, path.as_str()),
            "{change:?}"
        );
        assert_eq!(w.json(), body, "{change:?}");
    }
    let unknown = src
        .apply(&action(Change::Transition {
            status: "Shipped".into(),
        }))
        .await
        .expect_err("no such status");
    assert!(matches!(unknown, SourceError::Refused(_)), "{unknown:?}");
    assert!(unknown.to_string().contains("review"), "{unknown}");
}

#[tokio::test]
async fn a_bearer_token_travels_in_authorization() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    let mut s = settings(&gl.url);
    s.auth = Auth::Bearer;
    let mut src = source(s);
    src.apply(&action(Change::Comment { body: "hi".into() }))
        .await
        .expect("comment");
    let w = gl.requests().pop().expect("a request");
    assert_eq!(w.header("Authorization"), Some("Bearer lookout"));
    assert_eq!(w.header("PRIVATE-TOKEN"), None);
}

#[tokio::test]
async fn facts_and_statuses_are_read_fresh() {
    let mut issues = generate(3, 1, start());
    issues[2].closed = false;
    issues[2].labels = vec!["workflow::doing".into(), "priority::1".into()];
    let gl = FakeGitLab::start(&["grp/app"], issues);
    let mut src = source(settings(&gl.url));
    let facts = src.facts(3, "grp/app#3").await.expect("facts");
    assert_eq!(facts.status, "doing");
    assert_eq!(facts.priority, Priority::Highest);
    assert_eq!(facts.priority_name, "1");
    assert_eq!(facts.assignee_login, None);
    let statuses = src.statuses(3, "grp/app#3").await.expect("statuses");
    assert_eq!(statuses, ["Closed", "review"]);
    src.apply(&action(Change::Assign { login: "5".into() }))
        .await
        .expect("assign");
    let facts = src.facts(3, "grp/app#3").await.expect("facts again");
    assert_eq!(facts.assignee.as_deref(), Some("Dana Scully"));
    assert_eq!(facts.assignee_login.as_deref(), Some("5"));
}

#[tokio::test]
async fn a_deleted_issue_is_noticed_by_the_sweep() {
    let gl = FakeGitLab::start(&["grp/app"], generate(5, 1, start()));
    let mut s = settings(&gl.url);
    s.sweep_every = Duration::ZERO;
    let mut src = source(s);
    let first = fake_gitlab::sync_to_end(&mut src, None).await;
    assert!(first.sweep.is_none(), "a full read stands for a sweep");
    gl.with(|s| s.issues.retain(|i| i.id != 2));
    let second = fake_gitlab::sync_to_end(&mut src, first.cursor).await;
    let sweep = second.sweep.expect("swept");
    assert_eq!(sweep.present, [1, 3, 4, 5]);
}

#[tokio::test]
async fn an_issue_edited_while_the_list_is_read_arrives_as_its_later_version() {
    // 250 issues: three pages. Issue 5 (on the first page) is edited as the second list
    // request arrives, so it is met again at the end of the walk.
    let gl = FakeGitLab::start(&["grp/app"], generate(250, 1, start()));
    gl.with(|s| {
        s.edits.push((2, |i| {
            if i.id == 5 {
                i.title = "Edited mid-sync".into();
                i.updated = Utc::now() - chrono::Duration::minutes(5);
            }
        }))
    });
    let got = fake_gitlab::sync_to_end(&mut source(settings(&gl.url)), None).await;
    let fives: Vec<_> = got.tickets.iter().filter(|t| t.id == 5).collect();
    assert_eq!(fives.len(), 1, "once");
    assert_eq!(fives[0].title, "Edited mid-sync");
    assert_eq!(got.tickets.len(), 250, "none skipped");
}

#[tokio::test]
async fn group_lists_include_archived_projects_issues() {
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    let mut s = settings(&gl.url);
    s.projects = vec![];
    s.groups = vec!["grp".into()];
    fake_gitlab::sync_to_end(&mut source(s), None).await;
    let lists: Vec<_> = gl
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/groups/") && r.path.ends_with("/issues"))
        .collect();
    assert!(!lists.is_empty());
    for r in lists {
        assert_eq!(r.param("non_archived"), ["false"], "{}", r.path);
    }
}

#[tokio::test]
async fn an_issue_reopened_after_the_reopen_list_was_read_keeps_its_reopen() {
    // Issue 3 is closed; it is reopened just after lookout read the projects' reopen lists
    // (as the first issue list is asked for), so those lists never name it.
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    gl.with(|s| {
        s.edits.push((1, |i| {
            if i.id == 3 {
                let now = Utc::now();
                i.closed = false;
                i.closed_at = None;
                i.states.push((900, now, "reopened"));
                i.updated = now;
            }
        }))
    });
    let got = fake_gitlab::sync_to_end(&mut source(settings(&gl.url)), None).await;
    let three = got.tickets.iter().find(|t| t.id == 3).expect("issue 3");
    assert_eq!(three.category, StatusCategory::Todo);
    let moves: Vec<(Option<&str>, Option<&str>)> = got
        .transitions
        .iter()
        .filter(|x| x.ticket == 3 && x.field == Field::Status)
        .map(|x| (x.from.as_deref(), x.to.as_deref()))
        .collect();
    assert_eq!(
        moves.last(),
        Some(&(Some("Closed"), Some("Open"))),
        "{moves:?}"
    );
}

#[tokio::test]
async fn a_server_clock_behind_this_one_still_dates_the_lists_on_its_own_clock() {
    // The server's clock runs ten minutes behind. Issue 3 is reopened just after the
    // reopen lists were read, at the server's time: by this machine's clock that is long
    // before the lists were read, by the server's (its `Date`) it is after.
    let gl = FakeGitLab::start(&["grp/app"], generate(3, 1, start()));
    let behind = Utc::now() - chrono::Duration::minutes(10);
    gl.with(|s| {
        s.extra_headers
            .push(("date".into(), behind.to_rfc2822().replace("+0000", "GMT")));
        s.edits.push((1, |i| {
            if i.id == 3 {
                let server_now = Utc::now() - chrono::Duration::minutes(10);
                i.closed = false;
                i.closed_at = None;
                i.states.push((900, server_now, "reopened"));
                i.updated = server_now;
            }
        }))
    });
    let got = fake_gitlab::sync_to_end(&mut source(settings(&gl.url)), None).await;
    let three = got.tickets.iter().find(|t| t.id == 3).expect("issue 3");
    assert_eq!(three.category, StatusCategory::Todo);
    let last = got
        .transitions
        .iter()
        .filter(|x| x.ticket == 3 && x.field == Field::Status)
        .map(|x| (x.from.as_deref(), x.to.as_deref()))
        .next_back();
    assert_eq!(last, Some((Some("Closed"), Some("Open"))));
    let own_reads = gl
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/issues/3/resource_state_events"))
        .count();
    assert_eq!(own_reads, 1, "issue 3's own state events are read");
}

#[tokio::test]
async fn scoped_writes_remove_the_scope_s_other_labels_themselves() {
    // GitLab's Free tier leaves `workflow::doing` beside a new `workflow::review`, and lookout
    // reads the first: the write removes it. A priority takes the project's own label.
    let mut issues = generate(3, 1, start());
    issues[2].labels = vec![
        "workflow::doing".into(),
        "priority::high".into(),
        "bug".into(),
    ];
    let gl = FakeGitLab::start(&["grp/app"], issues);
    let mut src = source(settings(&gl.url));
    let review = one_write(
        &gl,
        &mut src,
        Change::Transition {
            status: "review".into(),
        },
    )
    .await;
    assert_eq!(
        review.json(),
        json!({ "add_labels": "workflow::review", "state_event": "reopen",
                "remove_labels": "workflow::doing" })
    );
    let same = one_write(
        &gl,
        &mut src,
        Change::SetPriority {
            priority: "High".into(),
        },
    )
    .await;
    assert_eq!(same.json(), json!({ "add_labels": "priority::high" }));
    let higher = one_write(
        &gl,
        &mut src,
        Change::SetPriority {
            priority: "Highest".into(),
        },
    )
    .await;
    assert_eq!(
        higher.json(),
        json!({ "add_labels": "priority::Highest", "remove_labels": "priority::high" })
    );
}
