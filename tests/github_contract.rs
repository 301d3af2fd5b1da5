//! GitHub Issues against a local server that behaves as GitHub's REST API documents: pages
//! by `Link` (to addresses a client cannot build), pull requests in the issue list, `since`,
//! ETags answered with 304, issue events, rate limits signalled by 403 as well as 429.

#[path = "common/fake_github.rs"]
mod fake_github;
#[path = "common/routed.rs"]
mod routed;

use std::time::{Duration, Instant};

use chrono::Utc;
use fake_github::{FakeEvent, FakeGithub, FakeIssue};
use lookout::domain::{Field, Priority, StatusCategory};
use lookout::sources::github::{GithubSource, LabelRules, Settings};
use lookout::sources::http::Policy;
use lookout::sources::{Change, Source, SourceError, TrackerAction};
use routed::Reply;

const REPO: &str = "acme/app";
/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600;

fn settings(url: &str) -> Settings {
    Settings {
        url: url.to_string(),
        // Any variable the test process has will do as the token.
        token_env: "CARGO_PKG_NAME".into(),
        repos: vec![REPO.into()],
        labels: LabelRules {
            priority: vec![
                ("P1".into(), Priority::Highest),
                ("P2".into(), Priority::High),
                ("priority:*".into(), Priority::Low),
            ],
            estimate: vec![("size/*".into(), None)],
            status: vec![("in review".into(), StatusCategory::InProgress)],
        },
        project: None,
        sweep_every: Duration::from_secs(3600),
    }
}

fn quick() -> Policy {
    Policy {
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..Policy::default()
    }
}

fn source(fake: &FakeGithub) -> GithubSource {
    GithubSource::new("gh", settings(&fake.url), quick())
}

/// 250 issues and 3 pull requests: three pages of 100.
fn fake() -> FakeGithub {
    let mut issues = fake_github::generate(250, START);
    for k in 0..3 {
        let mut pr = FakeIssue::open(900 + k, START + 30);
        pr.pull_request = true;
        issues.push(pr);
    }
    FakeGithub::start(vec![(REPO.into(), issues)], true)
}

fn paths(fake: &FakeGithub) -> Vec<String> {
    fake.log()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn pages_follow_link_and_pull_requests_are_dropped() {
    let fake = fake();
    let mut gh = source(&fake);
    let changes = gh.fetch(None, Utc::now()).await.expect("first sync");
    assert_eq!(
        changes.tickets.len(),
        250,
        "every issue and no pull request"
    );
    assert!(
        changes.tickets.iter().all(|t| t.id < 1_000_900),
        "pull requests dropped"
    );
    assert_eq!(changes.projects.len(), 1);
    assert_eq!(changes.projects[0].key, REPO);
    assert_eq!(changes.members.len(), 2);
    let log = fake.log();
    let listings: Vec<_> = log.iter().filter(|r| r.path.ends_with("/issues")).collect();
    assert_eq!(listings.len(), 3, "{:?}", paths(&fake));
    assert_eq!(listings[0].path, "/repos/acme/app/issues");
    assert_eq!(listings[0].param("state"), ["all"]);
    assert_eq!(listings[0].param("sort"), ["updated"]);
    assert_eq!(listings[0].param("direction"), ["asc"]);
    assert_eq!(listings[0].param("per_page"), ["100"]);
    assert!(
        listings[0].param("since").is_empty(),
        "a first sync reads all"
    );
    // Each next query starts at the last change of the page before.
    assert_eq!(listings[1].path, "/repos/acme/app/issues");
    assert_eq!(listings[1].param("since").len(), 1, "{:?}", paths(&fake));
    assert!(
        listings[1].param("page").is_empty(),
        "no page built by hand"
    );
    assert_eq!(listings[2].param("page"), Vec::<&str>::new());
    for r in &log {
        assert_eq!(r.header("authorization"), Some("Bearer lookout"));
        assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
        assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    }
    // A first sync reads the repository-wide events: 458 of them (250 labels at opening,
    // 83 assignments, 125 closes), a hundred a page, by `Link`.
    let wide: Vec<_> = log
        .iter()
        .filter(|r| r.path.ends_with("/issues/events"))
        .collect();
    assert_eq!(wide.len(), 5, "{:?}", paths(&fake));
    assert_eq!(wide[0].path, "/repos/acme/app/issues/events");
    assert_eq!(wide[0].param("per_page"), ["100"]);
    assert_eq!(
        wide[1].path, "/repositories/1/issues/events",
        "the next page is the Link header's"
    );
    assert_eq!(per_issue_reads(&fake), Vec::<String>::new());
    assert_eq!(gh.asked().repo_event_pages, 5);
    assert_eq!(gh.asked().event_requests, 0);
}

/// The per-issue events requests made, sorted (they run a few at a time).
fn per_issue_reads(fake: &FakeGithub) -> Vec<String> {
    let mut reads: Vec<String> = fake
        .log()
        .iter()
        .filter(|r| r.path.ends_with("/events") && !r.path.ends_with("/issues/events"))
        .map(|r| r.path.clone())
        .collect();
    reads.sort();
    reads
}

fn event(kind: &'static str, at: i64, who: Option<&str>, label: Option<&str>) -> FakeEvent {
    FakeEvent {
        kind,
        at,
        who: who.map(str::to_string),
        label: label.map(str::to_string),
    }
}

/// 120 issues, a few of them with what a replay can get wrong (same-second events, a reopen,
/// an unassignment, a label taken off), and a pull request with events of its own.
fn tricky() -> Vec<FakeIssue> {
    let mut issues = fake_github::generate(120, START);
    let t = START + 200 * 60;
    // Issue 5 is as opened (labeled P3, which is no priority here) until these.
    let five = &mut issues[4];
    five.events.extend([
        event("labeled", t, None, Some("in review")),
        event("unlabeled", t, None, Some("in review")),
        event("assigned", t + 1, Some("bo"), None),
        event("labeled", t + 1, None, Some("P2")),
        event("unassigned", t + 2, Some("bo"), None),
        event("closed", t + 3, None, None),
        event("reopened", t + 3, None, None),
        event("mentioned", t + 4, None, None),
    ]);
    five.updated = t + 4;
    five.labels = vec!["P3".into(), "bug".into(), "P2".into()];
    let mut pr = FakeIssue::open(900, START + 30);
    pr.pull_request = true;
    pr.events = vec![event("closed", START + 40, None, None)];
    issues.push(pr);
    issues
}

#[tokio::test]
async fn history_is_the_same_from_the_repository_wide_list_and_per_issue() {
    let fake = FakeGithub::start(vec![(REPO.into(), tricky())], true);
    let now = Utc::now();
    let mut wide = source(&fake);
    let a = wide.fetch(None, now).await.expect("wide");
    let mut each = source(&fake).wide_from(usize::MAX);
    let b = each.fetch(None, now).await.expect("per issue");
    assert_eq!(wide.asked().event_requests, 0);
    assert_eq!(wide.asked().repo_event_pages, 3, "229 events");
    assert_eq!(each.asked().repo_event_pages, 0);
    assert_eq!(each.asked().event_requests, 81, "every touched issue");
    assert_eq!(a.tickets, b.tickets);
    assert_eq!(a.transitions, b.transitions);
    let five = a
        .tickets
        .iter()
        .find(|t| t.key == "acme/app#5")
        .expect("issue 5");
    let moves: Vec<(Field, Option<&str>, Option<&str>)> = a
        .transitions
        .iter()
        .filter(|t| t.ticket == five.id)
        .map(|t| (t.field, t.from.as_deref(), t.to.as_deref()))
        .collect();
    assert_eq!(
        moves,
        [
            (Field::Status, Some("Open"), Some("in review")),
            (Field::Status, Some("in review"), Some("Open")),
            (Field::Status, Some("Open"), Some("In progress")),
            (Field::Assignee, None, Some("bo")),
            (Field::Priority, None, Some("P2")),
            (Field::Status, Some("In progress"), Some("Open")),
            (Field::Assignee, Some("bo"), None),
            (Field::Status, Some("Open"), Some("Closed")),
            (Field::Status, Some("Closed"), Some("Open")),
        ],
        "same-second events in the order GitHub gave them"
    );
}

#[tokio::test]
async fn an_unreadable_event_in_the_wide_list_is_skipped_with_a_warning_and_the_rest_replayed() {
    let mut issues = tricky();
    // Issue 6 is labeled at its opening; an odd event sits beside that label.
    let six = &mut issues[5];
    let at = six.events[0].at + 60;
    six.events
        .push(event(fake_github::UNREADABLE_EVENT, at, None, Some("P1")));
    six.updated = six.updated.max(at);
    let fake = FakeGithub::start(vec![(REPO.into(), issues)], true);
    let now = Utc::now();
    let mut wide = source(&fake);
    let a = wide.fetch(None, now).await.expect("a sync all the same");
    let mut each = source(&fake).wide_from(usize::MAX);
    let b = each.fetch(None, now).await.expect("per issue");
    assert_eq!(wide.asked().event_requests, 0, "no fallback to each issue");
    assert_eq!(a.tickets.len(), b.tickets.len());
    assert_eq!(
        a.transitions, b.transitions,
        "the other events replay alike"
    );
    assert!(
        a.warnings
            .iter()
            .any(|w| w.starts_with("an event of acme/app skipped") && w.contains("miss a step")),
        "{:?}",
        a.warnings
    );
    let six = a
        .tickets
        .iter()
        .find(|t| t.key == "acme/app#6")
        .expect("issue 6 kept");
    assert!(
        a.transitions.iter().any(|t| t.ticket == six.id),
        "its readable events are replayed"
    );
}

#[tokio::test]
async fn a_refused_wide_list_falls_back_to_each_issue_with_a_warning() {
    let fake = FakeGithub::start(vec![(REPO.into(), tricky())], true);
    fake.state.lock().expect("state").refuse_wide = true;
    let now = Utc::now();
    let mut gh = source(&fake);
    let refused = gh.fetch(None, now).await.expect("a sync all the same");
    let mut each = source(&fake).wide_from(usize::MAX);
    let alone = each.fetch(None, now).await.expect("per issue");
    assert_eq!(gh.asked().event_requests, 81);
    assert_eq!(refused.transitions, alone.transitions);
    assert!(
        refused
            .warnings
            .iter()
            .any(|w| w.contains("acme/app") && w.contains("422")),
        "{:?}",
        refused.warnings
    );
}

#[tokio::test]
async fn many_new_issues_read_the_wide_list_back_to_the_window_only() {
    let fake = fake();
    let mut gh = source(&fake);
    let first = gh.fetch(None, Utc::now()).await.expect("first");
    let last = START + 250 * 60 + 7200;
    // 60 issues opened since, each labeled and assigned a while after; and an old one
    // assigned, which the window's events cannot replay from its opening.
    for k in 0..60 {
        let opened = last + 600 + k * 60;
        let mut issue = FakeIssue::open(300 + k as u64, opened);
        issue.updated = opened + 30;
        issue.assignee = Some("bo".into());
        issue.labels = vec!["P2".into()];
        issue.events = vec![
            event("labeled", opened, None, Some("P2")),
            event("assigned", opened + 30, Some("bo"), None),
        ];
        fake.add(REPO, issue);
    }
    fake.update(REPO, 5, |i| {
        i.updated = last + 9000;
        i.assignee = Some("bo".into());
        i.events
            .push(event("assigned", last + 9000, Some("bo"), None));
    });
    fake.clear_log();
    let second = gh
        .fetch(first.cursor.clone(), Utc::now())
        .await
        .expect("second");
    assert_eq!(second.tickets.len(), 61);
    // 579 events now, the 121 newest in the window: two pages of five.
    assert_eq!(gh.asked().repo_event_pages, 5 + 2);
    assert_eq!(per_issue_reads(&fake), ["/repos/acme/app/issues/5/events"]);

    let mut each = source(&fake).wide_from(usize::MAX);
    let alone = each
        .fetch(first.cursor, Utc::now())
        .await
        .expect("per issue");
    assert_eq!(each.asked().repo_event_pages, 0);
    assert_eq!(each.asked().event_requests, 61);
    assert_eq!(second.tickets, alone.tickets);
    assert_eq!(second.transitions, alone.transitions);
}

#[tokio::test]
async fn events_become_status_assignee_and_priority_history() {
    let fake = fake();
    let mut gh = source(&fake);
    let changes = gh.fetch(None, Utc::now()).await.expect("sync");
    // Issue 6: P1 at creation, assigned to ana, closed as completed.
    let six = changes
        .tickets
        .iter()
        .find(|t| t.key == "acme/app#6")
        .expect("issue 6");
    assert_eq!(six.status, "Closed");
    assert_eq!(six.category, StatusCategory::Done);
    assert_eq!(
        six.priority,
        Priority::Highest,
        "P1 is what 6 % 3 == 0 gives"
    );
    assert_eq!(six.assignee.as_deref(), Some("ana"));
    assert!(six.delivered());
    let moves: Vec<(Field, Option<&str>, Option<&str>)> = changes
        .transitions
        .iter()
        .filter(|t| t.ticket == six.id)
        .map(|t| (t.field, t.from.as_deref(), t.to.as_deref()))
        .collect();
    assert_eq!(
        moves,
        [
            (Field::Priority, None, Some("P1")),
            (Field::Status, Some("Open"), Some("In progress")),
            (Field::Assignee, None, Some("ana")),
            (Field::Status, Some("In progress"), Some("Closed")),
        ]
    );
    let ten = changes
        .tickets
        .iter()
        .find(|t| t.key == "acme/app#10")
        .expect("issue 10");
    assert_eq!(ten.resolution.as_deref(), Some("Not planned"));
    assert!(!ten.delivered(), "closed as not planned delivers nothing");
    let one = changes
        .tickets
        .iter()
        .find(|t| t.key == "acme/app#1")
        .expect("issue 1");
    assert_eq!(
        (one.status.as_str(), one.category),
        ("Open", StatusCategory::Todo)
    );
}

#[tokio::test]
async fn a_second_sync_asks_since_the_cursor_and_reads_only_what_changed() {
    let fake = fake();
    let mut gh = source(&fake);
    let first = gh.fetch(None, Utc::now()).await.expect("first");
    let cursor = first.cursor.clone();
    let last = START + 250 * 60 + 7200;
    fake.update(REPO, 5, |i| {
        i.updated = last + 600;
        i.assignee = Some("bo".into());
        i.events.push(FakeEvent {
            kind: "assigned",
            at: last + 600,
            who: Some("bo".into()),
            label: None,
        });
    });
    fake.update(REPO, 7, |i| {
        i.updated = last + 700;
        i.labels.push("in review".into());
        i.events.push(FakeEvent {
            kind: "labeled",
            at: last + 700,
            who: None,
            label: Some("in review".into()),
        });
    });
    fake.clear_log();
    let second = gh.fetch(cursor, Utc::now()).await.expect("second");
    let keys: Vec<&str> = second.tickets.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["acme/app#5", "acme/app#7"]);
    assert_eq!(second.tickets[1].status, "in review");
    assert_eq!(second.tickets[1].category, StatusCategory::InProgress);
    let log = fake.log();
    let listing = log
        .iter()
        .find(|r| r.path.ends_with("/issues"))
        .expect("a listing");
    let since = listing.param("since");
    assert_eq!(since.len(), 1, "the second sync asks with since");
    assert_eq!(since[0], fake_github::stamp(START + 250 * 60 + 7200 - 120));
    let events: Vec<&str> = log
        .iter()
        .filter(|r| r.path.ends_with("/events"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(
        per_issue_reads(&fake),
        [
            "/repos/acme/app/issues/5/events",
            "/repos/acme/app/issues/7/events"
        ],
        "events only for the issues that changed"
    );
    assert_eq!(events.len(), 2, "a small sync does not read the wide list");
    assert!(
        second.projects.is_empty(),
        "repositories are read once a process"
    );
}

#[tokio::test]
async fn an_unchanged_repository_answers_304_to_its_etag() {
    let fake = fake();
    let mut gh = source(&fake);
    let first = gh.fetch(None, Utc::now()).await.expect("first");
    let second = gh.fetch(first.cursor, Utc::now()).await.expect("second");
    assert!(second.tickets.is_empty(), "nothing new past the overlap");
    fake.clear_log();
    let third = gh
        .fetch(second.cursor.clone(), Utc::now())
        .await
        .expect("third");
    assert!(third.tickets.is_empty());
    let log = fake.log();
    assert_eq!(log.len(), 1, "{:?}", paths(&fake));
    assert!(
        log[0]
            .header("if-none-match")
            .is_some_and(|t| t.starts_with("W/"))
    );
    assert_eq!(gh.asked().not_modified, 1);
    assert_eq!(
        third.cursor, second.cursor,
        "a 304 leaves the cursor as it was"
    );

    // A change after the 304 is read as usual.
    fake.update(REPO, 3, |i| i.updated = START + 400 * 60 + 7200);
    let fourth = gh.fetch(third.cursor, Utc::now()).await.expect("fourth");
    assert_eq!(fourth.tickets.len(), 1);
}

#[tokio::test]
async fn an_odd_issue_is_skipped_and_named() {
    let mut issues = fake_github::generate(3, START);
    issues[1].raw = Some(
        r#"{"id":1000002,"number":2,"title":"x","state":"open","created_at":"yesterday","updated_at":"2026-01-01T00:02:00Z"}"#
            .into(),
    );
    let fake = FakeGithub::start(vec![(REPO.into(), issues)], true);
    let mut gh = source(&fake);
    let changes = gh.fetch(None, Utc::now()).await.expect("the rest syncs");
    assert_eq!(changes.tickets.len(), 2);
    assert_eq!(changes.warnings.len(), 1, "{:?}", changes.warnings);
    let w = &changes.warnings[0];
    assert!(w.contains("acme/app#2") && w.contains("created_at"), "{w}");
}

#[tokio::test]
async fn the_primary_limit_is_waited_out_until_its_reset() {
    let fake = fake();
    let reset = (Utc::now().timestamp() + 1).to_string();
    fake.queue(
        Reply::raw(403, r#"{"message":"API rate limit exceeded"}"#)
            .with_header("x-ratelimit-remaining", "0")
            .with_header("x-ratelimit-limit", "5000")
            .with_header("x-ratelimit-reset", &reset),
    );
    let mut gh = source(&fake);
    let began = Instant::now();
    gh.projects().await.expect("answered after the reset");
    assert!(
        began.elapsed() >= Duration::from_millis(900),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(
        fake.log()[0].path,
        fake.log()[1].path,
        "the same request again"
    );

    // A reset past the policy's cap fails at once, saying it is a rate limit.
    let far = (Utc::now().timestamp() + 3600).to_string();
    fake.queue(
        Reply::raw(403, "{}")
            .with_header("x-ratelimit-remaining", "0")
            .with_header("x-ratelimit-reset", &far),
    );
    let began = Instant::now();
    let e = gh.projects().await.expect_err("an hour is too long");
    assert!(matches!(e, SourceError::RateLimited(_)), "{e:?}");
    assert!(e.to_string().contains("wait"), "{e}");
    assert!(began.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_secondary_limit_waits_as_asked_or_at_least_a_minute() {
    let fake = fake();
    fake.queue(
        Reply::raw(
            403,
            r#"{"message":"You have exceeded a secondary rate limit"}"#,
        )
        .with_header("retry-after", "1"),
    );
    let mut gh = source(&fake);
    let began = Instant::now();
    gh.projects().await.expect("answered after the wait");
    assert!(began.elapsed() >= Duration::from_millis(950));

    // Without retry-after: at least a minute, which this policy's 5 s cap refuses at once.
    let fake = fake_github_with(Reply::raw(
        403,
        r#"{"message":"You have exceeded a secondary rate limit"}"#,
    ));
    let capped = Policy {
        retry_after_cap: Duration::from_secs(5),
        ..quick()
    };
    let mut gh = GithubSource::new("gh", settings(&fake.url), capped);
    let began = Instant::now();
    let e = gh.projects().await.expect_err("a minute is past the cap");
    assert!(e.to_string().contains("60 s"), "{e}");
    assert!(began.elapsed() < Duration::from_secs(2));
    assert_eq!(
        lookout::sources::github::SECONDARY_FLOOR,
        Duration::from_secs(60)
    );

    // A 429 without retry-after is a secondary limit too.
    let fake = fake_github_with(Reply::raw(429, "{}"));
    let mut gh = GithubSource::new("gh", settings(&fake.url), capped);
    let e = gh.projects().await.expect_err("past the cap");
    assert!(matches!(e, SourceError::RateLimited(_)), "{e:?}");
}

fn fake_github_with(first: Reply) -> FakeGithub {
    let fake = fake();
    fake.queue(first);
    fake
}

#[tokio::test]
async fn a_server_error_is_retried_and_refused_credentials_are_not() {
    let fake = fake_github_with(Reply::raw(502, "bad gateway"));
    let mut gh = source(&fake);
    gh.projects().await.expect("retried");
    assert_eq!(fake.log()[0].path, fake.log()[1].path);

    for refusal in [
        Reply::raw(401, r#"{"message":"Bad credentials"}"#),
        Reply::raw(
            403,
            r#"{"message":"Resource not accessible by personal access token"}"#,
        ),
    ] {
        let fake = fake_github_with(refusal);
        let mut gh = source(&fake);
        let e = gh.fetch(None, Utc::now()).await.expect_err("refused");
        assert!(matches!(e, SourceError::Auth(_)), "{e:?}");
        assert_eq!(fake.log().len(), 1, "never asked again");
    }
}

#[tokio::test]
async fn malformed_json_is_reported_with_its_address() {
    let fake = fake();
    let mut gh = source(&fake);
    let first = gh.fetch(None, Utc::now()).await.expect("first");
    fake.queue(Reply::raw(200, "[{\"id\": 1,"));
    let e = gh
        .fetch(first.cursor, Utc::now())
        .await
        .expect_err("unreadable");
    assert!(matches!(e, SourceError::Invalid(_)), "{e:?}");
    assert!(e.to_string().contains("/repos/acme/app/issues"), "{e}");
}

#[tokio::test]
async fn a_next_page_on_another_host_is_not_followed() {
    let fake = fake();
    let mut gh = source(&fake);
    let first = gh.fetch(None, Utc::now()).await.expect("first");
    fake.queue(
        Reply::raw(200, "[]")
            .with_header("Link", "<https://elsewhere.example/x?page=2>; rel=\"next\""),
    );
    let e = gh
        .fetch(first.cursor, Utc::now())
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("elsewhere.example"), "{e}");
}

/// A write as sent: method, path and JSON body.
type Sent = (&'static str, String, serde_json::Value);

fn action(change: Change) -> TrackerAction {
    TrackerAction {
        ticket: 1_000_006,
        key: "acme/app#6".into(),
        change,
    }
}

/// (method, path, body) of each request after the reads a write makes first.
fn writes(fake: &FakeGithub) -> Vec<(String, String, serde_json::Value)> {
    fake.log()
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| {
            assert_eq!(r.header("authorization"), Some("Bearer lookout"));
            assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
            assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
            if !r.body.is_empty() {
                assert_eq!(r.header("content-type"), Some("application/json"));
            }
            (r.method.clone(), r.path.clone(), r.json())
        })
        .collect()
}

#[tokio::test]
async fn every_write_is_the_request_github_documents() {
    use serde_json::json;
    let fake = fake();
    fake.update(REPO, 6, |i| {
        i.labels = vec!["P2".into(), "in review".into()];
        i.closed = None;
    });
    let mut gh = source(&fake);
    let issue = "/repos/acme/app/issues/6";
    let cases: Vec<(Change, Vec<Sent>)> = vec![
        (
            Change::Assign { login: "bo".into() },
            vec![
                (
                    "POST",
                    format!("{issue}/assignees"),
                    json!({ "assignees": ["bo"] }),
                ),
                (
                    "DELETE",
                    format!("{issue}/assignees"),
                    json!({ "assignees": ["ana"] }),
                ),
            ],
        ),
        (
            Change::Unassign,
            vec![(
                "DELETE",
                format!("{issue}/assignees"),
                json!({ "assignees": ["ana"] }),
            )],
        ),
        (
            Change::Transition {
                status: "Closed".into(),
            },
            vec![(
                "PATCH",
                issue.to_string(),
                json!({ "state": "closed", "state_reason": "completed" }),
            )],
        ),
        (
            Change::Transition {
                status: "Closed (not planned)".into(),
            },
            vec![(
                "PATCH",
                issue.to_string(),
                json!({ "state": "closed", "state_reason": "not_planned" }),
            )],
        ),
        (
            Change::Transition {
                status: "open".into(),
            },
            vec![(
                "PATCH",
                issue.to_string(),
                json!({ "state": "open", "state_reason": "reopened" }),
            )],
        ),
        (
            Change::SetPriority {
                priority: "Highest".into(),
            },
            vec![
                (
                    "POST",
                    format!("{issue}/labels"),
                    json!({ "labels": ["P1"] }),
                ),
                (
                    "DELETE",
                    format!("{issue}/labels/P2"),
                    serde_json::Value::Null,
                ),
            ],
        ),
        (
            Change::AddLabel {
                label: "needs triage".into(),
            },
            vec![(
                "POST",
                format!("{issue}/labels"),
                json!({ "labels": ["needs triage"] }),
            )],
        ),
        (
            Change::Comment {
                body: "Looking at it".into(),
            },
            vec![(
                "POST",
                format!("{issue}/comments"),
                json!({ "body": "Looking at it" }),
            )],
        ),
    ];
    for (change, expected) in cases {
        fake.clear_log();
        let what = format!("{change:?}");
        gh.apply(&action(change)).await.expect("written");
        let got = writes(&fake);
        let want: Vec<(String, String, serde_json::Value)> = expected
            .into_iter()
            .map(|(m, p, b)| (m.to_string(), p, b))
            .collect();
        assert_eq!(got, want, "{what}");
    }
    let e = gh
        .apply(&action(Change::Transition {
            status: "In progress".into(),
        }))
        .await
        .expect_err("not a GitHub status");
    assert!(e.to_string().contains("assign"), "{e}");

    let facts = gh.facts(1_000_006, "acme/app#6").await.expect("facts");
    assert_eq!(facts.status, "in review");
    assert_eq!(facts.assignee_login.as_deref(), Some("ana"));
    assert_eq!(
        (facts.priority, facts.priority_name.as_str()),
        (Priority::High, "P2")
    );
    let moves = gh
        .statuses(1_000_006, "acme/app#6")
        .await
        .expect("statuses");
    assert_eq!(moves, ["Open", "Closed", "Closed (not planned)"]);
}

/// GitHub answers 201 to an assignment it ignored (a user who may not be assigned): the
/// others stay, and the write fails naming the login.
#[tokio::test]
async fn an_assignee_github_ignores_leaves_the_others_assigned() {
    let fake = fake();
    let mut gh = source(&fake);
    fake.clear_log();
    let e = gh
        .apply(&action(Change::Assign {
            login: "zed".into(),
        }))
        .await
        .expect_err("zed cannot be assigned");
    assert!(matches!(e, SourceError::Refused(_)), "{e:?}");
    assert!(e.to_string().contains("zed"), "{e}");
    let sent: Vec<(String, String)> = writes(&fake).into_iter().map(|(m, p, _)| (m, p)).collect();
    assert_eq!(
        sent,
        [(
            "POST".to_string(),
            "/repos/acme/app/issues/6/assignees".to_string()
        )],
        "nobody removed"
    );
}

/// An issue edited while lookout pages moves to the end of the list, and the issues behind
/// it shift a place forward; the one that shifts onto the page already read still arrives.
#[tokio::test]
async fn an_issue_edited_while_paging_makes_no_other_go_missing() {
    let fake = fake();
    let late = START + 250 * 60 + 7200 + 600;
    fake.update_at_listing(2, REPO, 1, move |i| i.updated = late);
    let mut gh = source(&fake);
    let changes = gh.fetch(None, Utc::now()).await.expect("first sync");
    let mut ids: Vec<u64> = changes.tickets.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1_000_001..=1_000_250).collect::<Vec<u64>>());
    let edited = changes
        .tickets
        .iter()
        .find(|t| t.key == "acme/app#1")
        .expect("the edited issue");
    assert_eq!(edited.updated.timestamp(), late, "its latest version");

    // A page that ends where its query began (a bulk edit: 150 issues of one second) goes on
    // by the Link header's next address.
    let bulk: Vec<FakeIssue> = (1..=150)
        .map(|k| {
            let mut i = FakeIssue::open(k, START);
            i.updated = START + 600;
            i
        })
        .collect();
    let fake = FakeGithub::start(vec![(REPO.into(), bulk)], true);
    let mut gh = source(&fake);
    let changes = gh.fetch(None, Utc::now()).await.expect("bulk");
    assert_eq!(changes.tickets.len(), 150);
    let log = fake.log();
    let listings: Vec<_> = log.iter().filter(|r| r.path.ends_with("/issues")).collect();
    assert_eq!(listings.len(), 3, "{:?}", paths(&fake));
    assert_eq!(
        listings[1].param("since"),
        [fake_github::stamp(START + 600)]
    );
    assert_eq!(
        listings[2].path, "/repositories/1/issues",
        "the Link header's"
    );
    assert_eq!(listings[2].param("page"), ["2"]);
}

/// An issue deleted while the sweep pages leaves every live issue in the sweep: none is
/// marked deleted for a page that shifted.
#[tokio::test]
async fn an_issue_deleted_during_the_sweep_hides_no_live_one() {
    let fake = fake();
    let mut always = settings(&fake.url);
    always.sweep_every = Duration::ZERO;
    let mut gh = GithubSource::new("gh", always, quick());
    let first = gh.fetch(None, Utc::now()).await.expect("first sync");
    let before = fake.state.lock().expect("state").listings;
    // The sync's own listing is one page; the sweep's second request finds #1, on its
    // first page, gone.
    fake.delete_at_listing(before + 3, REPO, 1);
    fake.clear_log();
    let second = gh.fetch(first.cursor, Utc::now()).await.expect("sweep");
    let listings: Vec<_> = fake
        .log()
        .into_iter()
        .filter(|r| r.path.ends_with("/issues"))
        .collect();
    assert_eq!(listings[0].param("since").len(), 1, "the sync's listing");
    assert!(
        listings[1].param("since").is_empty(),
        "the sweep's first page"
    );
    let sweep = second.sweep.expect("a sweep");
    let missing: Vec<u64> = (1_000_002..=1_000_250)
        .filter(|id| !sweep.present.contains(id))
        .collect();
    assert_eq!(missing, Vec::<u64>::new(), "every live issue is present");
}
