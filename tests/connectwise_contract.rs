//! The ConnectWise source against a local server that behaves as REST 3.0 documents: service
//! boards and their statuses (the closed flag), forward-only paging by `Link`, `conditions`
//! with `lastUpdated > [..]`, notes, the audit trail's prose history, members and time
//! entries; the answers a sync must survive or report; and every write `apply` makes.

#[path = "common/routed.rs"]
mod routed;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use lookout::domain::StatusCategory;
use lookout::sources::connectwise::{ACCEPT, ConnectWiseSource, Settings};
use lookout::sources::http::Policy;
use lookout::sources::{Change, Source, SourceError, TrackerAction};
use routed::{Reply, Request};
use serde_json::{Value, json};

const ROOT: &str = "/v4_6_release/apis/3.0";
/// Records per page the fake hands out, so three tickets take two pages.
const PAGE: usize = 2;

type Log = Arc<Mutex<Vec<Request>>>;

/// The site's tickets, which a test may change between syncs.
type Tickets = Arc<Mutex<Vec<Value>>>;

fn settings(url: &str) -> Settings {
    Settings {
        url: url.into(),
        company: "acme".into(),
        // Variables the test process has: their values stand in for the keys.
        public_key_env: "CARGO_PKG_NAME".into(),
        private_key_env: "CARGO_PKG_VERSION".into(),
        client_id: "c0ffee-client".into(),
        boards: vec!["Help Desk".into()],
        sweep_every: Duration::from_secs(3600),
    }
}

fn quick() -> Policy {
    Policy {
        retries: 2,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..Policy::default()
    }
}

fn basic() -> String {
    let user = format!(
        "acme+{}:{}",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user)
    )
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a date")
        .with_timezone(&Utc)
}

fn ticket(id: u64, status: (u64, &str), updated: &str) -> Value {
    json!({
        "id": id,
        "summary": format!("Ticket {id}"),
        "board": {"id": 1, "name": "Help Desk"},
        "status": {"id": status.0, "name": status.1},
        "owner": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
        "priority": {"id": 8, "name": "Priority 2 - Quick Response"},
        "_info": {"dateEntered": "2026-01-01T09:00:00Z", "lastUpdated": updated}
    })
}

fn starting_tickets() -> Tickets {
    Arc::new(Mutex::new(vec![
        ticket(1, (2, "In Progress"), "2026-01-02T10:00:00Z"),
        ticket(2, (1, "New"), "2026-01-02T11:00:00Z"),
        ticket(3, (3, ">Closed"), "2026-01-03T12:00:00Z"),
    ]))
}

/// `lastUpdated > [ts]` in `conditions`, as the fake's filter.
fn updated_after(conditions: &str) -> Option<DateTime<Utc>> {
    let (_, rest) = conditions.split_once("lastUpdated > [")?;
    let (ts, _) = rest.split_once(']')?;
    Some(at(ts))
}

/// One page of `rows` after `pageId` (the last id of the page before), with a `Link` to the
/// next while there is one, as forward-only paging answers.
fn page_of(r: &Request, rows: Vec<Value>) -> Reply {
    let after: u64 = r
        .param("pageId")
        .first()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let rest: Vec<Value> = rows
        .into_iter()
        .filter(|v| v["id"].as_u64().unwrap_or(0) > after)
        .collect();
    let page: Vec<Value> = rest.iter().take(PAGE).cloned().collect();
    let mut reply = Reply::json(&Value::Array(page.clone()));
    if rest.len() > PAGE {
        let last = page.last().and_then(|v| v["id"].as_u64()).unwrap_or(0);
        let host = r.header("host").unwrap_or("");
        reply = reply.with_header(
            "Link",
            &format!(
                "<http://{host}{}?pageSize=1000&pageId={last}>; rel=\"next\"",
                r.path
            ),
        );
    }
    reply
}

/// ConnectWise as the sync reads it, over `tickets`.
fn site(r: &Request, tickets: &Tickets) -> Reply {
    let path = r.path.strip_prefix(ROOT).unwrap_or("");
    let conditions = r
        .param("conditions")
        .first()
        .copied()
        .unwrap_or("")
        .to_string();
    match (r.method.as_str(), path) {
        ("GET", "/service/boards") => page_of(
            r,
            vec![
                json!({"id": 1, "name": "Help Desk",
                       "_info": {"dateEntered": "2025-06-01T00:00:00Z", "lastUpdated": "2025-06-01T00:00:00Z"}}),
                json!({"id": 2, "name": "Sales"}),
            ],
        ),
        ("GET", "/service/boards/1/statuses") => Reply::json(&json!([
            {"id": 1, "name": "New", "closedStatus": false},
            {"id": 2, "name": "In Progress", "closedStatus": false},
            // Named oddly on purpose: only the flag says it is closed.
            {"id": 3, "name": ">Closed", "closedStatus": true},
        ])),
        ("GET", "/service/priorities") => Reply::json(&json!([
            {"id": 15, "name": "Priority 1 - Emergency Response"},
            {"id": 8, "name": "Priority 2 - Quick Response"},
            {"id": 4, "name": "Priority 3 - Normal Response"},
        ])),
        ("GET", "/system/members") => Reply::json(&json!([
            {"id": 7, "identifier": "jdoe", "firstName": "Jane", "lastName": "Doe"},
        ])),
        ("GET", "/service/tickets") => {
            let since = updated_after(&conditions);
            let rows: Vec<Value> = tickets
                .lock()
                .expect("tickets")
                .iter()
                .filter(|t| {
                    since.is_none_or(|s| {
                        t["_info"]["lastUpdated"]
                            .as_str()
                            .is_some_and(|u| at(u) > s)
                    })
                })
                .cloned()
                .collect();
            page_of(r, rows)
        }
        ("GET", "/service/tickets/1") => Reply::json(&tickets.lock().expect("tickets")[0]),
        ("GET", "/service/tickets/1/notes") => Reply::json(&json!([
            {"id": 50, "text": "Rebooted the printer", "member": {"id": 7, "identifier": "jdoe"},
             "dateCreated": "2026-01-02T09:30:00Z"},
        ])),
        ("GET", p) if p.starts_with("/service/tickets/") && p.ends_with("/notes") => {
            Reply::json(&json!([]))
        }
        ("GET", "/system/audittrail") => {
            let id = r.param("id").first().copied().unwrap_or("");
            match id {
                "1" => Reply::json(&json!([
                    {"text": "Status has been changed from \"New\" to \"In Progress\"",
                     "enteredDate": "2026-01-02T09:00:00Z", "enteredBy": "jdoe"},
                    {"text": "Summary has been changed", "enteredDate": "2026-01-02T08:00:00Z"},
                    {"text": "Status was touched by a workflow rule",
                     "enteredDate": "2026-01-02T08:30:00Z"},
                ])),
                "3" => Reply::json(&json!([
                    {"text": "Status has been changed from \"New\" to \">Closed\"",
                     "enteredDate": "2026-01-03T12:00:00Z"},
                ])),
                _ => Reply::json(&json!([])),
            }
        }
        ("GET", "/time/entries") => page_of(
            r,
            vec![
                json!({"id": 900, "chargeToId": 1, "chargeToType": "ServiceTicket",
                       "member": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
                       "timeStart": "2026-01-02T09:00:00Z", "actualHours": 1.5,
                       "notes": "printer"}),
            ],
        ),
        _ => Reply::raw(404, r#"{"code":"NotFound"}"#),
    }
}

fn serve(reply: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> (String, Log) {
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let addr = routed::serve(Arc::new(move |r: Request| {
        let mut l = seen.lock().expect("log");
        l.push(r.clone());
        let n = l.len();
        drop(l);
        reply(&r, n)
    }));
    (format!("http://{addr}"), log)
}

fn source(url: &str) -> ConnectWiseSource {
    ConnectWiseSource::new("psa", settings(url), quick())
}

fn every_request_authenticates(log: &[Request]) {
    for r in log {
        assert_eq!(r.header("clientId"), Some("c0ffee-client"), "{}", r.path);
        assert_eq!(r.header("Accept"), Some(ACCEPT), "{}", r.path);
        assert_eq!(
            r.header("Authorization"),
            Some(basic().as_str()),
            "{}",
            r.path
        );
    }
}

#[tokio::test]
async fn a_first_sync_pages_forward_only_and_reads_status_history_notes_and_time() {
    let tickets = starting_tickets();
    let held = tickets.clone();
    let (url, log) = serve(move |r, _| site(r, &held));
    let now = at("2026-01-04T00:00:00Z");
    let changes = source(&url).fetch(None, now).await.expect("syncs");

    let mut ids: Vec<u64> = changes.tickets.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2, 3], "both pages read");
    let by_id = |id: u64| {
        changes
            .tickets
            .iter()
            .find(|t| t.id == id)
            .expect("ticket synced")
    };
    assert_eq!(by_id(1).category, StatusCategory::InProgress);
    assert_eq!(by_id(2).category, StatusCategory::Todo);
    assert_eq!(by_id(3).category, StatusCategory::Done, "the closed flag");
    assert_eq!(by_id(3).resolved, Some(at("2026-01-03T12:00:00Z")));
    assert_eq!(by_id(1).project.as_str(), "Help Desk");
    assert_eq!(by_id(1).assignee.as_deref(), Some("jdoe"));
    assert_eq!(
        by_id(1).started,
        Some(at("2026-01-02T09:00:00Z")),
        "from the audit trail"
    );

    let moves: Vec<(u64, Option<&str>, Option<&str>)> = {
        let mut m: Vec<_> = changes
            .transitions
            .iter()
            .map(|t| (t.ticket, t.from.as_deref(), t.to.as_deref()))
            .collect();
        m.sort();
        m
    };
    assert_eq!(
        moves,
        [
            (1, Some("New"), Some("In Progress")),
            (3, Some("New"), Some(">Closed"))
        ]
    );
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("#1") && w.contains("audit")),
        "an audit line about the status that does not read is named: {:?}",
        changes.warnings
    );

    assert_eq!(changes.notes.len(), 1);
    assert_eq!(
        (changes.notes[0].ticket, changes.notes[0].author.as_str()),
        (1, "jdoe")
    );
    assert_eq!(changes.time_entries.len(), 1);
    let e = &changes.time_entries[0];
    assert_eq!((e.ticket, e.member.as_str(), e.hours), (1, "jdoe", 1.5));
    assert_eq!(changes.projects.len(), 1, "only the configured board");
    assert_eq!(changes.projects[0].key, "Help Desk");
    assert_eq!(changes.members.len(), 1);
    assert_eq!(changes.members[0].login.as_str(), "jdoe");
    assert_eq!(changes.members[0].display_name.as_str(), "Jane Doe");
    assert!(changes.cursor.is_some());

    let log = log.lock().expect("log");
    every_request_authenticates(&log);
    let listings: Vec<&Request> = log
        .iter()
        .filter(|r| r.path == format!("{ROOT}/service/tickets"))
        .collect();
    assert_eq!(listings.len(), 2, "two pages");
    for r in &listings {
        assert_eq!(r.header("pagination-type"), Some("forward-only"));
    }
    assert_eq!(
        listings[0].param("conditions"),
        [r#"(board/name="Help Desk")"#]
    );
    assert_eq!(listings[1].param("pageId"), ["2"], "the Link's next page");
    for short in [
        "/service/boards",
        "/system/members",
        "/service/tickets/1/notes",
    ] {
        let r = log
            .iter()
            .find(|r| r.path == format!("{ROOT}{short}"))
            .expect("read");
        assert_eq!(
            r.header("pagination-type"),
            None,
            "{short}: forward-only is for the large collections"
        );
    }
    let time = log
        .iter()
        .find(|r| r.path == format!("{ROOT}/time/entries"))
        .expect("time entries read");
    assert_eq!(
        time.param("conditions"),
        [r#"chargeToType="ServiceTicket""#]
    );
}

#[tokio::test]
async fn a_second_sync_asks_for_what_changed_since_the_first() {
    let tickets = starting_tickets();
    let held = tickets.clone();
    let (url, log) = serve(move |r, _| site(r, &held));
    let mut cw = source(&url);
    let first = cw
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("first sync");
    tickets.lock().expect("tickets")[1] = ticket(2, (2, "In Progress"), "2026-01-05T08:00:00Z");
    log.lock().expect("log").clear();

    let second = cw
        .fetch(first.cursor, at("2026-01-04T00:30:00Z"))
        .await
        .expect("second sync");
    let ids: Vec<u64> = second.tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids, [2], "only the changed ticket");
    assert_eq!(second.tickets[0].category, StatusCategory::InProgress);
    assert!(
        second.sweep.is_none(),
        "the first read stood for a sweep within the hour"
    );

    let requests = log.lock().expect("log").clone();
    let listing = requests
        .iter()
        .find(|r| r.path == format!("{ROOT}/service/tickets"))
        .expect("tickets listed");
    let conditions = listing.param("conditions").join("");
    // Two minutes before the newest ticket the first sync saw.
    assert_eq!(
        conditions,
        r#"(board/name="Help Desk") and lastUpdated > [2026-01-03T11:58:00Z]"#
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.path == format!("{ROOT}/service/tickets/1/notes")),
        "unchanged tickets are not read again"
    );

    // Past the sweep interval the sync lists every id still on the boards.
    tickets.lock().expect("tickets").remove(2);
    let third = cw
        .fetch(second.cursor, at("2026-01-04T02:00:00Z"))
        .await
        .expect("third sync");
    let swept = third.sweep.expect("a sweep is due");
    assert_eq!(swept.present, [1, 2], "ticket 3 was deleted");
}

#[tokio::test]
async fn an_odd_ticket_is_skipped_and_named() {
    let tickets = starting_tickets();
    tickets.lock().expect("tickets")[1]["status"] = json!("New");
    let held = tickets.clone();
    let (url, _) = serve(move |r, _| site(r, &held));
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs the rest");
    assert_eq!(changes.tickets.len(), 2);
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("ticket 2") && w.contains("status")),
        "{:?}",
        changes.warnings
    );
}

#[tokio::test]
async fn a_refused_audit_trail_costs_the_history_not_the_sync() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, _| {
        if r.path == format!("{ROOT}/system/audittrail") {
            Reply::raw(403, r#"{"code":"Forbidden"}"#)
        } else {
            site(r, &tickets)
        }
    });
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs without history");
    assert_eq!(changes.tickets.len(), 3);
    assert!(changes.transitions.is_empty());
    assert!(
        changes
            .warnings
            .iter()
            .any(|w| w.contains("#1") && w.contains("status history")),
        "{:?}",
        changes.warnings
    );
}

#[tokio::test]
async fn a_429_waits_as_retry_after_asks_then_the_sync_goes_on() {
    let tickets = starting_tickets();
    let (url, log) = serve(move |r, n| match n {
        1 => Reply::raw(429, "{}").with_header("Retry-After", "1"),
        _ => site(r, &tickets),
    });
    let started = std::time::Instant::now();
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("syncs after the wait");
    assert_eq!(changes.tickets.len(), 3);
    assert!(started.elapsed() >= Duration::from_millis(900));
    let log = log.lock().expect("log");
    assert_eq!(log[0].path, log[1].path, "the same request again");
}

#[tokio::test]
async fn a_5xx_is_retried_and_then_reported() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, n| match n {
        1 => Reply::raw(502, "bad gateway"),
        _ => site(r, &tickets),
    });
    let changes = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect("one 502 is retried");
    assert_eq!(changes.tickets.len(), 3);

    let (url, log) = serve(|_, _| Reply::raw(500, "down"));
    let err = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect_err("a server that stays down fails the sync");
    assert!(matches!(err, SourceError::Unreachable(_)), "{err}");
    assert_eq!(log.lock().expect("log").len(), 3, "the policy's retries");
}

#[tokio::test]
async fn malformed_json_fails_the_sync_as_unreadable() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, _| {
        if r.path == format!("{ROOT}/service/tickets") {
            Reply::raw(200, "[{\"id\": 1,")
        } else {
            site(r, &tickets)
        }
    });
    let err = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect_err("malformed");
    assert!(matches!(err, SourceError::Invalid(_)), "{err}");
}

#[tokio::test]
async fn a_401_is_never_retried() {
    let (url, log) = serve(|_, _| Reply::raw(401, r#"{"code":"Unauthorized"}"#));
    let err = source(&url)
        .fetch(None, at("2026-01-04T00:00:00Z"))
        .await
        .expect_err("refused");
    assert!(matches!(err, SourceError::Auth(_)), "{err}");
    assert_eq!(log.lock().expect("log").len(), 1);
}

#[tokio::test]
async fn doctor_s_trial_reads_one_small_page() {
    let tickets = starting_tickets();
    let (url, log) = serve(move |r, _| site(r, &tickets));
    let trial = source(&url).trial().await.expect("reads").expect("a trial");
    assert_eq!(trial.read, 2, "the fake's page");
    let log = log.lock().expect("log");
    let listing: Vec<&Request> = log
        .iter()
        .filter(|r| r.path == format!("{ROOT}/service/tickets"))
        .collect();
    assert_eq!(listing.len(), 1, "one page only");
    assert_eq!(listing[0].param("pageSize"), ["10"]);
}

#[tokio::test]
async fn facts_and_statuses_are_read_fresh_from_the_ticket_and_its_board() {
    let tickets = starting_tickets();
    let (url, _) = serve(move |r, _| site(r, &tickets));
    let mut cw = source(&url);
    let facts = cw.facts(1, "#1").await.expect("facts");
    assert_eq!(facts.status, "In Progress");
    assert_eq!(facts.assignee.as_deref(), Some("Jane Doe"));
    assert_eq!(facts.assignee_login.as_deref(), Some("jdoe"));
    assert_eq!(facts.priority_name, "Priority 2 - Quick Response");
    let statuses = cw.statuses(1, "#1").await.expect("statuses");
    assert_eq!(statuses, ["New", ">Closed"]);
}

#[tokio::test]
async fn every_write_is_a_json_patch_or_a_note_post() {
    let tickets = starting_tickets();
    let (url, log) = serve(move |r, _| match r.method.as_str() {
        "PATCH" => Reply::json(&tickets.lock().expect("tickets")[0]),
        "POST" => Reply::raw(201, r#"{"id": 51}"#),
        _ => site(r, &tickets),
    });
    let mut cw = source(&url);
    let changes = [
        Change::Transition {
            status: ">closed".into(),
        },
        Change::Assign {
            login: "asmith".into(),
        },
        Change::Unassign,
        Change::SetPriority {
            priority: "Priority 1 - Emergency Response".into(),
        },
        // A suggestion's level, placed among the site's names.
        Change::SetPriority {
            priority: "High".into(),
        },
        Change::Comment {
            body: "Rebooted; watching it".into(),
        },
    ];
    for change in changes {
        let action = TrackerAction {
            ticket: 1,
            key: "#1".into(),
            change,
        };
        cw.apply(&action).await.expect("applied");
    }
    let refused = cw
        .apply(&TrackerAction {
            ticket: 1,
            key: "#1".into(),
            change: Change::Transition {
                status: "Nowhere".into(),
            },
        })
        .await
        .expect_err("no such status");
    assert!(matches!(refused, SourceError::Refused(_)), "{refused}");
    let label = cw
        .apply(&TrackerAction {
            ticket: 1,
            key: "#1".into(),
            change: Change::AddLabel { label: "x".into() },
        })
        .await
        .expect_err("no labels");
    assert!(matches!(label, SourceError::Unsupported(_)), "{label}");

    let log = log.lock().expect("log");
    every_request_authenticates(&log);
    let writes: Vec<(&str, &str, Value)> = log
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method.as_str(), r.path.as_str(), r.json()))
        .collect();
    let ticket = format!("{ROOT}/service/tickets/1");
    let notes = format!("{ROOT}/service/tickets/1/notes");
    assert_eq!(
        writes,
        [
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "status", "value": {"id": 3}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "owner", "value": {"identifier": "asmith"}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "remove", "path": "owner"}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "priority", "value": {"id": 15}}])
            ),
            (
                "PATCH",
                ticket.as_str(),
                json!([{"op": "replace", "path": "priority", "value": {"id": 8}}])
            ),
            (
                "POST",
                notes.as_str(),
                json!({"text": "Rebooted; watching it", "detailDescriptionFlag": true,
                       "internalAnalysisFlag": false, "resolutionFlag": false})
            ),
        ]
    );
    for r in log.iter().filter(|r| r.method != "GET") {
        assert!(
            r.header("Content-Type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{}",
            r.path
        );
    }
}
