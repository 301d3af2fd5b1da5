//! A GitHub source whose status comes from a Project (v2), against a local server that
//! answers GraphQL as GitHub does: items by cursor, the status field's value, the issue
//! timeline's Status changes, errors with HTTP 200, and the field's mutation.

#[path = "common/fake_github.rs"]
mod fake_github;
#[path = "common/routed.rs"]
mod routed;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fake_github::{FakeBoard, FakeContent, FakeEvent, FakeGithub, FakeIssue, FakeItem};
use lookout::domain::{ChangeSet, Field, StatusCategory, Ticket};
use lookout::sources::github::{Board, GithubSource, LabelRules, Settings};
use lookout::sources::http::Policy;
use lookout::sources::{Change, Source, SourceError, TrackerAction};
use routed::Reply;
use serde_json::json;

const REPO: &str = "acme/app";
/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600;

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).expect("time")
}

fn board_settings() -> Board {
    Board {
        owner: "acme".into(),
        number: 7,
        field: "Status".into(),
        categories: vec![
            ("In review".into(), StatusCategory::InProgress),
            ("Blocked".into(), StatusCategory::Todo),
        ],
    }
}

fn source(fake: &FakeGithub, board: Board) -> GithubSource {
    let settings = Settings {
        url: fake.url.clone(),
        // Any variable the test process has will do as the token.
        token_env: "CARGO_PKG_NAME".into(),
        repos: vec![REPO.into()],
        labels: LabelRules::default(),
        project: Some(board),
        sweep_every: Duration::from_secs(3600),
    };
    let policy = Policy {
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..Policy::default()
    };
    GithubSource::new("gh", settings, policy)
}

/// 150 issues on a project with 155 items (two pages of 100): issue 1 moved Todo, In
/// review, Done and is still open; issue 2 moved to In review and was closed; issue 3 is
/// Blocked from before GitHub recorded moves; a draft, a pull request, an issue of another
/// repository, one the token may not see and an item that does not read.
fn fake() -> FakeGithub {
    let mut issues: Vec<FakeIssue> = (1..=150)
        .map(|k| FakeIssue::open(k, START + k as i64))
        .collect();
    issues[1].closed = Some((START + 5000, "completed"));
    issues[1].updated = START + 5000;
    issues[1].events.push(FakeEvent {
        kind: "closed",
        at: START + 5000,
        who: None,
        label: None,
    });
    issues.push(FakeIssue::open(200, START + 200));
    let fake = FakeGithub::start(vec![(REPO.into(), issues)], true);
    let mut items: Vec<FakeItem> = (1..=150).map(|k| FakeItem::issue(REPO, k)).collect();
    items[0] = FakeItem::issue(REPO, 1)
        .moved(START + 1000, "Todo")
        .moved(START + 2000, "In review")
        .moved(START + 3000, "Done");
    items[1] = FakeItem::issue(REPO, 2).moved(START + 4000, "In review");
    items[2].value = Some(("Blocked".into(), START + 6000));
    let other = |id: &str, content: FakeContent| FakeItem {
        id: id.into(),
        content,
        value: Some(("Done".into(), START + 100)),
        moves: Vec::new(),
    };
    items.insert(10, other("PVTI_draft", FakeContent::Draft));
    items.insert(20, other("PVTI_pr", FakeContent::PullRequest));
    items.insert(
        30,
        other(
            "PVTI_other",
            FakeContent::Raw(json!({
                "__typename": "Issue", "databaseId": 5, "number": 1, "title": "Elsewhere",
                "state": "OPEN", "createdAt": "2026-01-01T00:00:00Z",
                "updatedAt": "2026-01-01T00:00:00Z", "repository": { "nameWithOwner": "acme/other" }
            })),
        ),
    );
    items.insert(40, other("PVTI_hidden", FakeContent::Hidden));
    items.push(other(
        "PVTI_odd",
        FakeContent::Raw(json!({
            "__typename": "Issue", "databaseId": "x", "number": 77,
            "repository": { "nameWithOwner": "acme/app" }
        })),
    ));
    fake.set_board(FakeBoard::new("acme", 7, items));
    fake
}

fn ticket(changes: &ChangeSet, number: u64) -> &Ticket {
    changes
        .tickets
        .iter()
        .find(|t| t.id == 1_000_000 + number)
        .unwrap_or_else(|| panic!("ticket #{number}"))
}

fn status_moves(changes: &ChangeSet, number: u64) -> Vec<(i64, String, String)> {
    changes
        .transitions
        .iter()
        .filter(|t| t.ticket == 1_000_000 + number && t.field == Field::Status)
        .map(|t| {
            (
                t.at.timestamp() - START,
                t.from.as_deref().unwrap_or("").to_string(),
                t.to.as_deref().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_board_gives_status_and_its_history_in_one_paged_read() {
    let fake = fake();
    let mut gh = source(&fake, board_settings());
    let changes = gh.fetch(None, at(START + 8000)).await.expect("sync");

    let posts = fake.board().posts;
    assert_eq!(
        posts.len(),
        2,
        "one read of the project, two pages: {posts:#?}"
    );
    assert_eq!(posts[0]["variables"]["after"], serde_json::Value::Null);
    assert_eq!(posts[1]["variables"]["after"], "cursor:100");
    assert_eq!(posts[0]["variables"]["owner"], "acme");
    assert_eq!(posts[0]["variables"]["number"], 7);
    assert_eq!(posts[0]["variables"]["field"], "Status");
    let query = posts[0]["query"].as_str().expect("query");
    assert!(
        query.contains("items(first: 100, after: $after)"),
        "{query}"
    );
    assert!(query.contains("fieldValueByName(name: $field)"), "{query}");
    let graphql_posts = fake
        .log()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/graphql")
        .count();
    assert_eq!(
        graphql_posts, 2,
        "the GraphQL endpoint beside the REST root"
    );
    assert_eq!(gh.asked().project_pages, 2);

    assert_eq!(changes.tickets.len(), 151, "every issue once, nothing else");
    let one = ticket(&changes, 1);
    assert_eq!(
        (one.status.as_str(), one.category),
        ("Done", StatusCategory::Done)
    );
    assert_eq!(
        one.resolved,
        Some(at(START + 3000)),
        "done when it moved to Done"
    );
    assert_eq!(one.started, Some(at(START + 2000)), "started in review");
    assert_eq!(one.resolution, None);
    assert_eq!(
        status_moves(&changes, 1),
        [
            (1000, "Open".into(), "Todo".into()),
            (2000, "Todo".into(), "In review".into()),
            (3000, "In review".into(), "Done".into()),
        ],
        "the move on another project is not this one's"
    );

    let two = ticket(&changes, 2);
    assert_eq!(
        (two.status.as_str(), two.category),
        ("Closed", StatusCategory::Done)
    );
    assert_eq!(two.resolved, Some(at(START + 5000)));
    assert_eq!(
        status_moves(&changes, 2),
        [
            (4000, "Open".into(), "In review".into()),
            (5000, "In review".into(), "Closed".into()),
        ]
    );

    let three = ticket(&changes, 3);
    assert_eq!(
        (three.status.as_str(), three.category),
        ("Blocked", StatusCategory::Todo)
    );
    assert_eq!(three.started, None, "Blocked is configured as to do");
    assert_eq!(
        status_moves(&changes, 3),
        [(6000, "Open".into(), "Blocked".into())],
        "a value older than GitHub's record counts from its updatedAt"
    );

    let four = ticket(&changes, 4);
    assert_eq!(
        (four.status.as_str(), four.category),
        ("Open", StatusCategory::Todo)
    );
    let off_board = ticket(&changes, 200);
    assert_eq!(
        off_board.status, "Open",
        "an issue off the board goes by the label rule"
    );

    assert!(
        changes.tickets.iter().all(|t| t.project == REPO),
        "drafts, pull requests and other repositories' issues are left out"
    );
    let odd: Vec<&String> = changes
        .warnings
        .iter()
        .filter(|w| w.contains("acme/app#77"))
        .collect();
    assert_eq!(odd.len(), 1, "{:?}", changes.warnings);
    assert!(odd[0].contains("project 7"), "{}", odd[0]);
    let hidden: Vec<&String> = changes
        .warnings
        .iter()
        .filter(|w| w.contains("1 items of project 7") && w.contains("not accessible"))
        .collect();
    assert_eq!(hidden.len(), 1, "{:?}", changes.warnings);
    assert_eq!(changes.warnings.len(), 2, "{:?}", changes.warnings);
}

#[tokio::test]
async fn a_move_on_the_board_alone_reaches_the_next_sync() {
    let fake = fake();
    let mut gh = source(&fake, board_settings());
    let first = gh.fetch(None, at(START + 8000)).await.expect("first sync");
    fake.with_board(|b| {
        let item = b
            .items
            .iter_mut()
            .find(|i| i.id == "PVTI_5")
            .expect("item 5");
        *item = item.clone().moved(START + 9000, "In review");
    });
    let second = gh
        .fetch(first.cursor, at(START + 10_000))
        .await
        .expect("second sync");
    let ids: Vec<u64> = second.tickets.iter().map(|t| t.id).collect();
    assert_eq!(
        ids,
        [1_000_005],
        "only the issue that moved, though its issue did not change"
    );
    let five = ticket(&second, 5);
    assert_eq!(
        (five.status.as_str(), five.category),
        ("In review", StatusCategory::InProgress)
    );
    assert_eq!(five.started, Some(at(START + 9000)));
    assert_eq!(
        five.updated,
        at(START + 9000),
        "the move is its latest change"
    );
    assert_eq!(
        status_moves(&second, 5),
        [(9000, "Open".into(), "In review".into())]
    );
    assert_eq!(fake.board().posts.len(), 4, "one two-page read a sync");
}

#[tokio::test]
async fn a_wrong_project_field_or_owner_is_a_config_error_naming_the_key() {
    let fake = fake();
    let cases = [
        (
            Board {
                number: 9,
                ..board_settings()
            },
            "project.number",
            "no project 9",
        ),
        (
            Board {
                field: "Stage".into(),
                ..board_settings()
            },
            "project.field",
            "no field \"Stage\"",
        ),
        (
            Board {
                field: "Estimate".into(),
                ..board_settings()
            },
            "project.field",
            "not a single-select field",
        ),
        (
            Board {
                owner: "acme-typo".into(),
                ..board_settings()
            },
            "project.owner",
            "acme-typo",
        ),
    ];
    for (board, key, says) in cases {
        let mut gh = source(&fake, board);
        match gh.fetch(None, at(START + 8000)).await {
            Err(SourceError::Config(m)) => {
                assert!(m.contains(key) && m.contains(says), "{key}: {m}");
            }
            other => panic!("{key}: expected a config error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_server_without_status_events_counts_each_status_from_when_it_was_set() {
    let fake = fake();
    fake.with_board(|b| b.status_events = false);
    let mut gh = source(&fake, board_settings());
    let changes = gh.fetch(None, at(START + 8000)).await.expect("sync");
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("no record of Status changes")),
        "{:?}",
        changes.warnings
    );
    assert_eq!(
        status_moves(&changes, 1),
        [(3000, "Open".into(), "Done".into())]
    );
    assert_eq!(ticket(&changes, 1).started, Some(at(START + 3000)));
    assert_eq!(fake.board().posts.len(), 3, "refused once, then two pages");
    // The next sync does not ask for what the server lacks.
    gh.fetch(changes.cursor, at(START + 9000))
        .await
        .expect("again");
    assert_eq!(fake.board().posts.len(), 5);
}

#[tokio::test]
async fn a_graphql_rate_limit_in_a_200_waits_as_asked() {
    let fake = fake();
    let mut gh = source(&fake, board_settings());
    let first = gh.fetch(None, at(START + 8000)).await.expect("first sync");
    // The next sync's first request is the project read.
    fake.queue(
        Reply::raw(
            200,
            r#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}"#,
        )
        .with_header("retry-after", "1")
        .with_header("x-ratelimit-resource", "graphql"),
    );
    let began = Instant::now();
    let second = gh
        .fetch(first.cursor, at(START + 9000))
        .await
        .expect("waited, then read");
    assert!(began.elapsed() >= Duration::from_secs(1), "waited as asked");

    let long = Reply::raw(
        200,
        r#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}"#,
    )
    .with_header("x-ratelimit-remaining", "0")
    .with_header(
        "x-ratelimit-reset",
        &(Utc::now().timestamp() + 3600).to_string(),
    );
    fake.queue(long);
    match gh.fetch(second.cursor, at(START + 9500)).await {
        Err(SourceError::RateLimited(m)) => assert!(m.contains("GraphQL"), "{m}"),
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

fn transition(number: u64, status: &str) -> TrackerAction {
    TrackerAction {
        ticket: 1_000_000 + number,
        key: format!("{REPO}#{number}"),
        change: Change::Transition {
            status: status.into(),
        },
    }
}

/// The GraphQL mutations sent since the board's log was last cleared, by name and variables.
fn mutations(fake: &FakeGithub) -> Vec<(String, serde_json::Value)> {
    fake.board()
        .posts
        .iter()
        .filter_map(|p| {
            let q = p["query"].as_str()?;
            let name = q
                .strip_prefix("mutation")?
                .split('{')
                .nth(1)?
                .split('(')
                .next()?;
            Some((name.trim().to_string(), p["variables"].clone()))
        })
        .collect()
}

#[tokio::test]
async fn a_status_move_sets_the_project_field() {
    let fake = fake();
    let mut gh = source(&fake, board_settings());

    gh.apply(&transition(6, "in review")).await.expect("move");
    let posts = fake.board().posts;
    let set = posts.last().expect("the mutation");
    assert_eq!(
        set["query"]
            .as_str()
            .map(|q| q.split_whitespace().collect::<Vec<_>>().join(" ")),
        Some(
            "mutation($project: ID!, $item: ID!, $field: ID!, $option: String!) { \
             updateProjectV2ItemFieldValue(input: {projectId: $project, itemId: $item, \
             fieldId: $field, value: {singleSelectOptionId: $option}}) { projectV2Item { id } } }"
                .to_string()
        )
    );
    assert_eq!(
        set["variables"],
        json!({ "project": "PVT_1", "item": "PVTI_6", "field": "PVTSSF_1", "option": "opt-in-review" })
    );
    let rest_writes = fake
        .log()
        .iter()
        .filter(|r| r.method != "GET" && r.path != "/graphql")
        .count();
    assert_eq!(rest_writes, 0, "no label, no state change");

    // A closed issue is done whatever the field says: a move to open work reopens it.
    fake.with_board(|b| b.posts.clear());
    fake.clear_log();
    gh.apply(&transition(2, "Todo")).await.expect("move back");
    assert_eq!(
        mutations(&fake),
        [(
            "updateProjectV2ItemFieldValue".to_string(),
            json!({ "project": "PVT_1", "item": "PVTI_2", "field": "PVTSSF_1", "option": "opt-todo" })
        )]
    );
    let patches: Vec<serde_json::Value> = fake
        .log()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| {
            assert_eq!(r.path, "/repos/acme/app/issues/2");
            r.json()
        })
        .collect();
    assert_eq!(
        patches,
        [json!({ "state": "open", "state_reason": "reopened" })]
    );

    // An issue not on the project is added to it first.
    fake.with_board(|b| b.posts.clear());
    gh.apply(&transition(200, "Done"))
        .await
        .expect("add and move");
    assert_eq!(
        mutations(&fake),
        [
            (
                "addProjectV2ItemById".to_string(),
                json!({ "project": "PVT_1", "content": "I_200" })
            ),
            (
                "updateProjectV2ItemFieldValue".to_string(),
                json!({ "project": "PVT_1", "item": "PVTI_200", "field": "PVTSSF_1", "option": "opt-done" })
            ),
        ]
    );

    // Closed is still the issue's state, not an option.
    fake.with_board(|b| b.posts.clear());
    fake.clear_log();
    gh.apply(&transition(7, "Closed")).await.expect("close");
    assert!(mutations(&fake).is_empty());
    let patches: Vec<serde_json::Value> = fake
        .log()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.json())
        .collect();
    assert_eq!(
        patches,
        [json!({ "state": "closed", "state_reason": "completed" })]
    );

    // The statuses offered are the field's options, and the facts say where it stands.
    let offered = gh
        .statuses(1_000_001, "acme/app#1")
        .await
        .expect("statuses");
    for option in ["Todo", "In review", "Blocked", "Closed"] {
        assert!(offered.iter().any(|s| s == option), "{option}: {offered:?}");
    }
    assert!(
        !offered.iter().any(|s| s == "Done"),
        "where it is: {offered:?}"
    );
    let facts = gh.facts(1_000_001, "acme/app#1").await.expect("facts");
    assert_eq!(facts.status, "Done");
}

#[tokio::test]
async fn another_project_in_the_config_sends_its_issues_again() {
    let fake = fake();
    let mut gh = source(&fake, board_settings());
    let first = gh.fetch(None, at(START + 8000)).await.expect("first sync");
    let mut again = source(
        &fake,
        Board {
            field: "Status".into(),
            ..board_settings()
        },
    );
    let same = again
        .fetch(first.cursor.clone(), at(START + 9000))
        .await
        .expect("same project");
    assert!(
        same.tickets.is_empty(),
        "nothing moved: {:?}",
        same.tickets.len()
    );
    // The same board, as far as the fake is concerned, but read under another owner's name.
    fake.with_board(|b| b.owner = "acme-labs".into());
    let mut other = source(
        &fake,
        Board {
            owner: "acme-labs".into(),
            ..board_settings()
        },
    );
    let changes = other
        .fetch(first.cursor, at(START + 9000))
        .await
        .expect("other project");
    assert_eq!(
        changes.tickets.len(),
        150,
        "every issue on it, with its status"
    );
}

#[tokio::test]
async fn a_project_read_that_meets_a_502_is_asked_again() {
    // A GraphQL query is a POST that changes nothing: unlike a comment, it may be sent again.
    let calm = fake();
    let fake = fake();
    fake.with_board(|b| b.failures.push_back(Reply::raw(502, "bad gateway")));
    let mut gh = source(&fake, board_settings());
    let got = gh
        .fetch(None, at(START + 8000))
        .await
        .expect("a sync all the same");
    assert_eq!(fake.board().posts.len(), 3, "the failed read and two pages");
    let plain = source(&calm, board_settings())
        .fetch(None, at(START + 8000))
        .await
        .expect("a plain sync");
    let statuses = |c: &ChangeSet| -> Vec<(u64, String)> {
        c.tickets
            .iter()
            .map(|t| (t.id, t.status.to_string()))
            .collect()
    };
    assert_eq!(statuses(&got), statuses(&plain));
}
