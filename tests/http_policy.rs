//! The shared HTTP policy against a scripted server on 127.0.0.1: retries, Retry-After,
//! credentials, garbage and silence.

#[path = "common/scripted.rs"]
mod scripted;

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use lookout::sources::http::{
    Budget, Http, HttpError, Policy, Repeat, Waiting, reset_at, retry_after,
};
use scripted::{Scripted, response};

fn quick() -> Policy {
    Policy {
        retries: 3,
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(100),
        retry_after_cap: Duration::from_secs(5),
        ..Policy::default()
    }
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Page {
    total: u32,
}

#[tokio::test]
async fn server_errors_are_retried_until_an_answer() {
    let server = Scripted::start(vec![
        response("503 Service Unavailable", &[], "busy"),
        response("500 Internal Server Error", &[], "oops"),
        response(
            "200 OK",
            &[("X-RateLimit-Remaining", "41"), ("X-RateLimit-Limit", "60")],
            r#"{"total": 7}"#,
        ),
    ]);
    let http = Http::new(quick()).expect("client");
    let url = server.url("/issues.json");
    let page: Page = http.json(|c| c.get(&url)).await.expect("third try answers");
    assert_eq!(page, Page { total: 7 });
    assert_eq!(server.hits(), 3);
    assert_eq!(
        *server.paths.lock().expect("paths"),
        vec!["/issues.json"; 3],
        "the same request each time"
    );
    assert_eq!(
        http.budget(),
        Budget {
            remaining: Some(41),
            limit: Some(60),
            reset: None,
        }
    );
}

#[tokio::test]
async fn retry_after_is_honoured_and_capped() {
    let server = Scripted::start(vec![
        response("429 Too Many Requests", &[("Retry-After", "1")], ""),
        response("200 OK", &[], r#"{"total": 1}"#),
    ]);
    let http = Http::new(quick()).expect("client");
    let url = server.url("/x");
    let start = Instant::now();
    let _: Page = http
        .json(|c| c.get(&url))
        .await
        .expect("answer after waiting");
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        start.elapsed()
    );

    let server = Scripted::start(vec![response(
        "429 Too Many Requests",
        &[("Retry-After", "3600")],
        "",
    )]);
    let url = server.url("/x");
    let err = http
        .json::<Page>(|c| c.get(&url))
        .await
        .expect_err("an hour is too long");
    assert_eq!(err, HttpError::RateLimited { seconds: 3600 });
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn bad_credentials_are_never_retried() {
    for status in ["401 Unauthorized", "403 Forbidden"] {
        let server = Scripted::start(vec![response(status, &[], "no")]);
        let http = Http::new(quick()).expect("client");
        let url = server.url("/x");
        let err = http
            .json::<Page>(|c| c.get(&url))
            .await
            .expect_err("refused");
        assert!(matches!(err, HttpError::Auth { .. }), "{err:?}");
        assert!(err.to_string().contains("credentials"));
        assert_eq!(server.hits(), 1, "{status} must not be retried");
    }
}

#[tokio::test]
async fn garbage_is_reported_with_a_snippet_and_other_4xx_are_final() {
    let server = Scripted::start(vec![response(
        "200 OK",
        &[],
        "<html>maintenance\u{1b}[2J</html>",
    )]);
    let http = Http::new(quick()).expect("client");
    let url = server.url("/x");
    let err = http
        .json::<Page>(|c| c.get(&url))
        .await
        .expect_err("not JSON");
    let text = err.to_string();
    assert!(
        text.contains("not what lookout expected") && text.contains("<html>maintenance"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "tracker text is sanitized in errors"
    );

    let server = Scripted::start(vec![response("404 Not Found", &[], "no such project")]);
    let url = server.url("/projects/nope.json");
    let err = http
        .json::<Page>(|c| c.get(&url))
        .await
        .expect_err("missing");
    assert!(
        matches!(err, HttpError::Status { status: 404, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn nobody_listening_fails_after_the_retries() {
    // Bind and drop: the port is very likely free and refuses connections.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let http = Http::new(quick()).expect("client");
    let url = format!("http://{addr}/x");
    let err = http
        .json::<Page>(|c| c.get(&url))
        .await
        .expect_err("refused");
    assert!(matches!(err, HttpError::Unreachable { .. }), "{err:?}");
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_times_out_and_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            // Keep the connection open and say nothing.
            held.push(stream);
        }
    });
    let http = Http::new(Policy {
        read_timeout: Duration::from_millis(200),
        retries: 2,
        ..quick()
    })
    .expect("client");
    let url = format!("http://{addr}/x");
    let err = http
        .json::<Page>(|c| c.get(&url))
        .await
        .expect_err("silence");
    assert!(
        matches!(
            err,
            HttpError::TimedOut {
                waiting: Waiting::Answer,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "the first try and two retries, each on a fresh connection"
    );
}

/// An HTTP date (RFC 9110's IMF-fixdate) `secs` from now.
fn http_date(secs: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(secs))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[tokio::test]
async fn retry_after_as_a_date_and_on_503_is_honoured() {
    let http = Http::new(quick()).expect("client");
    let server = Scripted::start(vec![response(
        "503 Service Unavailable",
        &[("Retry-After", &http_date(3600))],
        "maintenance",
    )]);
    let url = server.url("/x");
    let err = http
        .json::<Page>(|c| c.get(&url))
        .await
        .expect_err("an hour away is too long");
    match err {
        HttpError::RateLimited { seconds } => {
            assert!((3590..=3600).contains(&seconds), "{seconds}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(), 1, "not retried into the maintenance window");

    // A date already past: retry at once.
    let server = Scripted::start(vec![
        response(
            "503 Service Unavailable",
            &[("Retry-After", &http_date(-5))],
            "",
        ),
        response("200 OK", &[], r#"{"total": 2}"#),
    ]);
    let url = server.url("/x");
    let page: Page = http.json(|c| c.get(&url)).await.expect("second answer");
    assert_eq!(page, Page { total: 2 });
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn another_kind_of_budget_neither_replaces_nor_holds_off_the_rest_one() {
    // GitHub answers GraphQL with its own budget: spent there, REST still has budget left.
    let reset = (Utc::now() + chrono::Duration::seconds(3))
        .timestamp()
        .to_string();
    let core = [
        ("X-RateLimit-Remaining", "4000"),
        ("X-RateLimit-Limit", "5000"),
        ("X-RateLimit-Resource", "core"),
    ];
    let server = Scripted::start(vec![
        response("200 OK", &core, r#"{"total": 1}"#),
        response(
            "200 OK",
            &[
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Limit", "5000"),
                ("X-RateLimit-Reset", &reset),
                ("X-RateLimit-Resource", "graphql"),
            ],
            r#"{"total": 2}"#,
        ),
        response("200 OK", &core, r#"{"total": 3}"#),
    ]);
    let http = Http::new(quick()).expect("client");
    let url = server.url("/x");
    let _: Page = http.json(|c| c.get(&url)).await.expect("rest");
    let _: Page = http.json(|c| c.post(&url)).await.expect("graphql");
    assert_eq!(
        http.budget(),
        Budget {
            remaining: Some(4000),
            limit: Some(5000),
            reset: None,
        },
        "the REST budget is the one kept and shown"
    );
    assert_eq!(
        http.budget().wait(Utc::now()),
        None,
        "nothing to hold off for"
    );
    let page: Page = http.json(|c| c.get(&url)).await.expect("rest again");
    assert_eq!(page, Page { total: 3 });
}

#[tokio::test]
async fn a_spent_budget_is_waited_out_when_its_reset_is_near() {
    // A reset a second away is waited for; then an answer without rate-limit headers
    // clears the budget, so the status bar does not keep showing it spent.
    let http = Http::new(quick()).expect("client");
    let server = Scripted::start(vec![
        response(
            "200 OK",
            &[("RateLimit-Remaining", "0"), ("RateLimit-Reset", "2")],
            r#"{"total": 1}"#,
        ),
        response("200 OK", &[], r#"{"total": 2}"#),
    ]);
    let url = server.url("/x");
    let _: Page = http.json(|c| c.get(&url)).await.expect("first");
    assert!(http.reported_budget().is_some());
    let began = Instant::now();
    let page: Page = http.json(|c| c.get(&url)).await.expect("after the reset");
    assert!(
        began.elapsed() >= Duration::from_millis(1000),
        "held off until the reset: {:?}",
        began.elapsed()
    );
    assert_eq!(page, Page { total: 2 });
    assert_eq!(server.hits(), 2);
    assert_eq!(http.reported_budget(), None);
    assert_eq!(http.budget(), Budget::default());

    // A reset an hour away (Jira's format) is shown but does not block: the tracker
    // answers the request itself, with a 429 and Retry-After if it means it.
    let reset = (Utc::now() + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%MZ")
        .to_string();
    let server = Scripted::start(vec![
        response(
            "200 OK",
            &[
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Limit", "5000"),
                ("X-RateLimit-Reset", &reset),
            ],
            r#"{"total": 1}"#,
        ),
        response("200 OK", &[], r#"{"total": 3}"#),
    ]);
    let url = server.url("/x");
    let _: Page = http
        .json(|c| c.get(&url))
        .await
        .expect("last of the budget");
    let budget = http.budget();
    assert_eq!(budget.remaining, Some(0));
    assert_eq!(
        budget
            .reset
            .map(|r| r.format("%Y-%m-%dT%H:%MZ").to_string()),
        Some(reset)
    );
    let page: Page = http.json(|c| c.get(&url)).await.expect("sent anyway");
    assert_eq!(page, Page { total: 3 });
    assert_eq!(server.hits(), 2);
}

#[test]
fn rate_limit_headers_parse_in_every_documented_form() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
        .single()
        .expect("date");
    assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
    assert_eq!(
        retry_after("Sat, 28 Nov 2026 12:01:30 GMT", now),
        Some(Duration::from_secs(90))
    );
    assert_eq!(
        retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(retry_after("soon", now), None);
    let at = |s: &str| reset_at(s, now).map(|t| t.to_rfc3339());
    assert_eq!(
        at("1796040000").as_deref(),
        Some("2026-11-30T12:00:00+00:00"),
        "Unix seconds"
    );
    assert_eq!(
        at("30").as_deref(),
        Some("2026-11-28T12:00:30+00:00"),
        "seconds from now"
    );
    assert_eq!(
        at("2026-11-28T13:00:00.000Z").as_deref(),
        Some("2026-11-28T13:00:00+00:00"),
        "a timestamp"
    );
    assert_eq!(at("later"), None);
    let spent = Budget {
        remaining: Some(0),
        limit: Some(10),
        reset: reset_at("60", now),
    };
    assert_eq!(spent.wait(now), Some(Duration::from_secs(60)));
    assert_eq!(
        Budget {
            remaining: Some(1),
            ..spent
        }
        .wait(now),
        None
    );
    assert_eq!(
        Budget {
            reset: None,
            ..spent
        }
        .wait(now),
        None
    );
}

#[tokio::test]
async fn an_answer_carries_its_headers_and_304_is_an_empty_answer() {
    let server = Scripted::start(vec![
        response(
            "200 OK",
            &[
                ("Link", "<http://x/issues?page=2>; rel=\"next\""),
                ("ETag", "\"v1\""),
            ],
            r#"{"total": 1}"#,
        ),
        response("304 Not Modified", &[("ETag", "\"v1\"")], ""),
    ]);
    let http = Http::new(quick()).expect("client");
    let url = server.url("/issues");
    let first = http.body(|c| c.get(&url)).await.expect("answer");
    assert_eq!(first.status(), 200);
    assert_eq!(
        first.header("link"),
        Some("<http://x/issues?page=2>; rel=\"next\"")
    );
    assert_eq!(first.header("etag"), Some("\"v1\""));
    assert!(!first.not_modified());
    let again = http
        .body(|c| c.get(&url).header("If-None-Match", "\"v1\""))
        .await
        .expect("304 is an answer, not a failure");
    assert!(again.not_modified());
    assert!(again.bytes().is_empty());
    assert_eq!(server.hits(), 2, "a 304 is not retried");
}

/// GitHub says "rate limit spent" with a 403 that the shared policy would take for refused
/// credentials; the connector's reading comes first.
#[tokio::test]
async fn a_connector_reads_its_tracker_s_own_signals_first() {
    use lookout::sources::http::{Answer, Verdict};
    let classify = |a: &Answer<'_>| match (a.status, a.header("x-ratelimit-remaining")) {
        (403, Some("0")) => Verdict::Wait(Duration::from_millis(50)),
        (400, _) if a.body.contains("RATELIMITED") => Verdict::BackOff(Duration::from_millis(30)),
        _ => Verdict::Policy,
    };
    let server = Scripted::start(vec![
        response("403 Forbidden", &[("X-RateLimit-Remaining", "0")], "limit"),
        response(
            "400 Bad Request",
            &[],
            r#"{"errors":[{"code":"RATELIMITED"}]}"#,
        ),
        response("200 OK", &[], r#"{"total": 3}"#),
    ]);
    let http = Http::new(quick()).expect("client");
    let url = server.url("/issues");
    let started = Instant::now();
    let body = http
        .body_classified(|c| c.get(&url), Some(&classify))
        .await
        .expect("waited twice, then answered");
    assert_eq!(body.parse::<Page>().expect("json"), Page { total: 3 });
    assert_eq!(server.hits(), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(80),
        "both waits were kept"
    );

    // Without a signal of its own, a 403 is still refused credentials, never retried.
    let server = Scripted::start(vec![response("403 Forbidden", &[], "no")]);
    let url = server.url("/issues");
    let e = http
        .body_classified(|c| c.get(&url), Some(&classify))
        .await
        .err()
        .expect("refused");
    assert!(matches!(e, HttpError::Auth { status: 403, .. }), "{e:?}");
    assert_eq!(server.hits(), 1);

    // A wait longer than the policy's cap fails at once, naming the wait.
    let long = |_: &Answer<'_>| Verdict::BackOff(Duration::from_secs(600));
    let server = Scripted::start(vec![response("429 Too Many Requests", &[], "slow down")]);
    let url = server.url("/issues");
    let e = http
        .body_classified(|c| c.get(&url), Some(&long))
        .await
        .err()
        .expect("too long a wait");
    assert_eq!(e, HttpError::RateLimited { seconds: 600 });
}

/// A POST that may have reached the tracker is not sent again: a 502 from a proxy after the
/// tracker made the comment must not make a second one.
#[tokio::test]
async fn a_post_is_sent_once_unless_it_surely_never_arrived() {
    let http = Http::new(quick()).expect("client");
    let server = Scripted::start(vec![
        response("502 Bad Gateway", &[], "upstream"),
        response("201 Created", &[], r#"{"total": 1}"#),
    ]);
    let url = server.url("/issues/1/comments");
    let err = http
        .send(|c| c.post(&url))
        .await
        .expect_err("a 502 ends a POST");
    assert!(matches!(err, HttpError::MayHaveApplied { .. }), "{err:?}");
    assert!(err.to_string().contains("may have been applied"), "{err}");
    assert!(err.to_string().contains("502"), "the cause is kept: {err}");
    assert_eq!(server.hits(), 1, "sent exactly once");

    // A GET is still retried, and so is a POST marked as a read.
    let server = Scripted::start(vec![
        response("502 Bad Gateway", &[], "upstream"),
        response("200 OK", &[], r#"{"total": 2}"#),
    ]);
    let url = server.url("/search");
    let body = http
        .body_as(Repeat::Safe, |c| c.post(&url), None)
        .await
        .expect("a read is retried");
    assert_eq!(body.parse::<Page>().expect("json"), Page { total: 2 });
    assert_eq!(server.hits(), 2);

    // A change marked once is sent once whatever its method; a refusal says nothing about
    // having been applied.
    let server = Scripted::start(vec![response("500 Internal Server Error", &[], "")]);
    let url = server.url("/notes");
    let err = http
        .body_as(Repeat::Once, |c| c.patch(&url), None)
        .await
        .err()
        .expect("final");
    assert!(matches!(err, HttpError::MayHaveApplied { .. }), "{err:?}");
    assert_eq!(server.hits(), 1);
    let server = Scripted::start(vec![response("422 Unprocessable Entity", &[], "no")]);
    let url = server.url("/notes");
    let err = http.send(|c| c.post(&url)).await.expect_err("refused");
    assert!(
        matches!(err, HttpError::Status { status: 422, .. }),
        "{err:?}"
    );

    // Asked to come back later: the tracker did not take it, so it goes again.
    let server = Scripted::start(vec![
        response("503 Service Unavailable", &[("Retry-After", "0")], ""),
        response("429 Too Many Requests", &[("Retry-After", "0")], ""),
        response("201 Created", &[], "{}"),
    ]);
    let url = server.url("/notes");
    http.send(|c| c.post(&url)).await.expect("third time");
    assert_eq!(server.hits(), 3);
}

/// A refused connection never reached the tracker: a POST is retried until it connects.
#[tokio::test]
async fn a_post_whose_connection_was_refused_is_retried() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = hits.clone();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        // Nobody listens for a while: the first attempts are refused.
        std::thread::sleep(Duration::from_millis(150));
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("rebind");
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok() && line != "\r\n" && !line.is_empty() {
                line.clear();
            }
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.write_all(response("201 Created", &[], "{}").as_bytes());
        }
    });
    let http = Http::new(Policy {
        retries: 12,
        backoff_base: Duration::from_millis(40),
        backoff_max: Duration::from_millis(200),
        ..quick()
    })
    .expect("client");
    let url = format!("http://127.0.0.1:{port}/notes");
    http.send(|c| c.post(&url))
        .await
        .expect("connected at last and sent");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}
