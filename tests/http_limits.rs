//! The bounds of one request against servers that never finish: an endless answer stops at
//! the size limit, an endless error answer is cut to a snippet, a dripping server runs into
//! the deadline; and failures read as what happened, once.

#[path = "common/scripted.rs"]
mod scripted;

use std::time::{Duration, Instant};

use chrono::Utc;
use lookout::sources::SourceError;
use lookout::sources::http::{Http, HttpError, Policy, Waiting};
use lookout::sources::redmine::{self, RedmineSource};
use lookout::store::Store;
use lookout::sync::sync_once;
use scripted::{Endless, Scripted, chunk};

/// The test's own patience: lookout must give up well before it.
const PATIENCE: Duration = Duration::from_secs(20);

const CHUNKED: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                       Transfer-Encoding: chunked\r\n\r\n";

fn quick() -> Policy {
    Policy {
        retries: 2,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..Policy::default()
    }
}

#[derive(serde::Deserialize, Debug)]
struct Page {}

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: lookout still going after {PATIENCE:?}"))
}

#[tokio::test]
async fn an_endless_answer_fails_at_the_size_limit_and_is_let_go() {
    let server = Endless::start(CHUNKED, &chunk(16 << 10), Duration::ZERO);
    let limit = 1 << 20;
    let http = Http::new(Policy {
        max_body: limit,
        ..quick()
    })
    .expect("client");
    let url = server.url("/rest/api/3/search/jql");
    let err = within("endless body", http.json::<Page>(|c| c.get(&url)))
        .await
        .expect_err("no end");
    assert_eq!(
        err,
        HttpError::TooLarge {
            url: url.clone(),
            limit
        }
    );
    let text = err.to_string();
    assert!(text.contains(&url) && text.contains("1 MiB"), "{text}");
    assert_eq!(
        server.hits(),
        1,
        "a too large answer is not asked for again"
    );
    // Lookout dropped the connection instead of reading on: the server's writes fail.
    let began = Instant::now();
    while server.closed() == 0 {
        assert!(
            began.elapsed() < Duration::from_secs(5),
            "still reading after {} bytes",
            server.sent()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent = server.sent();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.sent(), sent, "nothing more is sent to lookout");

    // A declared length over the limit is refused before a byte of the body is read.
    let huge = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                Content-Length: 10737418240\r\n\r\n";
    let server = Endless::start(huge, &[b' '; 16 << 10], Duration::from_millis(10));
    let url = server.url("/issues.json");
    let err = within("declared 10 GiB", http.json::<Page>(|c| c.get(&url)))
        .await
        .expect_err("too large");
    assert_eq!(err, HttpError::TooLarge { url, limit });
}

#[tokio::test]
async fn an_endless_error_answer_is_cut_to_a_snippet() {
    let head = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\n\
                Transfer-Encoding: chunked\r\n\r\n";
    let server = Endless::start(head, &chunk(4 << 10), Duration::ZERO);
    let http = Http::new(Policy {
        retries: 1,
        ..quick()
    })
    .expect("client");
    let url = server.url("/issues.json");
    let err = within("endless error body", http.json::<Page>(|c| c.get(&url)))
        .await
        .expect_err("500");
    match &err {
        HttpError::Status { status, body, .. } => {
            assert_eq!(*status, 500);
            assert!(body.len() <= 200, "a snippet, not the page: {}", body.len());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(), 2, "a 500 is still retried");
}

#[tokio::test]
async fn a_server_that_drips_bytes_times_out_at_the_deadline() {
    // Each byte comes well within the read timeout, so only the deadline can end it: once
    // in the body, once in the headers (where reqwest's read timeout would end it later).
    let cases = [
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Drip: ",
    ];
    for head in cases {
        let server = Endless::start(head, b" ", Duration::from_millis(50));
        let deadline = Duration::from_millis(600);
        let http = Http::new(Policy {
            read_timeout: Duration::from_secs(5),
            deadline,
            ..quick()
        })
        .expect("client");
        let url = server.url("/issues.json");
        let began = Instant::now();
        let err = within("dripping server", http.json::<Page>(|c| c.get(&url)))
            .await
            .expect_err("never finishes");
        assert_eq!(
            err,
            HttpError::TimedOut {
                url: url.clone(),
                after: deadline,
                waiting: Waiting::Deadline,
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "timed out after 600 ms waiting for {url} to finish answering \
                 (the deadline for one request)"
            )
        );
        assert!(
            began.elapsed() < Duration::from_secs(3),
            "{:?}",
            began.elapsed()
        );
        assert_eq!(server.hits(), 1, "a server that drips is not asked again");
    }
}

#[tokio::test]
async fn a_dripping_tracker_fails_the_sync_instead_of_holding_it() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{";
    let server = Endless::start(head, b" ", Duration::from_millis(50));
    let mut source = RedmineSource::new(
        "ops",
        redmine::Settings {
            url: server.url(""),
            api_key_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        },
        Policy {
            deadline: Duration::from_millis(500),
            ..quick()
        },
    );
    let store = Store::temporary().expect("store");
    let err = within(
        "sync of a dripping tracker",
        sync_once(&store, &mut source, Utc::now()),
    )
    .await
    .expect_err("timed out");
    let text = err.to_string();
    assert!(
        text.contains("timed out after 500 ms waiting for")
            && text.contains("/issue_statuses.json to finish answering"),
        "{text}"
    );
    assert_eq!(store.cursor("ops").expect("cursor"), None);
}

#[tokio::test]
async fn timeouts_and_refused_connections_say_what_happened() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let http = Http::new(quick()).expect("client");
    let url = format!("http://{addr}/issues.json");
    let err = http
        .json::<Page>(|c| c.get(&url))
        .await
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!("cannot reach {url}: connection refused by {addr}")
    );

    // Headers that never come: the read timeout, in words.
    let server = Endless::start("", b"", Duration::from_secs(3600));
    let http = Http::new(Policy {
        read_timeout: Duration::from_millis(300),
        retries: 0,
        ..quick()
    })
    .expect("client");
    let url = server.url("/issues.json");
    let err = within("silent server", http.json::<Page>(|c| c.get(&url)))
        .await
        .expect_err("silence");
    assert_eq!(
        err.to_string(),
        format!("timed out after 300 ms waiting for an answer from {url}")
    );

    // A body that stops halfway: the same timeout, for the rest of the answer.
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{";
    let server = Endless::start(head, b"", Duration::from_secs(3600));
    let url = server.url("/issues.json");
    let err = within("stalled body", http.json::<Page>(|c| c.get(&url)))
        .await
        .expect_err("stalled");
    assert_eq!(
        err.to_string(),
        format!("timed out after 300 ms waiting for the rest of the answer from {url}")
    );
}

/// Phrases that each say what kind of failure it was: one message needs one at most.
const LEADS: [&str; 5] = [
    "refused the credentials",
    "refused our credentials",
    "cannot reach",
    "cannot read",
    "not what lookout expected",
];

#[tokio::test]
async fn a_failure_says_what_happened_once() {
    let url = "http://127.0.0.1:1/x".to_string();
    let cases = [
        HttpError::Auth {
            status: 401,
            url: url.clone(),
        },
        HttpError::Unreachable {
            url: url.clone(),
            reason: "connection refused by 127.0.0.1:1".into(),
        },
        HttpError::TimedOut {
            url: url.clone(),
            after: Duration::from_secs(30),
            waiting: Waiting::Answer,
        },
        HttpError::Invalid {
            url: url.clone(),
            reason: "expected value at line 1 column 1 in <html>".into(),
        },
        HttpError::TooLarge {
            url: url.clone(),
            limit: 64 << 20,
        },
        HttpError::CrossOrigin {
            from: url.clone(),
            to: "http://127.0.0.1:2/x".into(),
        },
        HttpError::Status {
            status: 503,
            url: url.clone(),
            body: "busy".into(),
        },
    ];
    for e in cases {
        let text = SourceError::from(e.clone()).to_string();
        let leads: Vec<&str> = LEADS.iter().copied().filter(|l| text.contains(l)).collect();
        assert!(leads.len() <= 1, "{text:?} says {leads:?}");
        for l in LEADS {
            assert!(text.matches(l).count() <= 1, "{text:?} repeats {l:?}");
        }
        assert!(text.contains(&url), "{text:?} names the URL");
    }

    // And the 401 that used to say it twice, end to end.
    let server = Scripted::start(vec![scripted::response("401 Unauthorized", &[], "no")]);
    let http = Http::new(quick()).expect("client");
    let url = server.url("/issues.json");
    let err = http.json::<Page>(|c| c.get(&url)).await.expect_err("401");
    assert_eq!(
        SourceError::from(err).to_string(),
        format!(
            "the tracker refused the credentials (HTTP 401) for {url}; check the token and \
             its permissions"
        )
    );
}
