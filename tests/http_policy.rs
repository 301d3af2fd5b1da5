//! The shared HTTP policy against a scripted server on 127.0.0.1: retries, Retry-After,
//! credentials, garbage and silence.

#[path = "common/scripted.rs"]
mod scripted;

use std::time::{Duration, Instant};

use lookout::sources::http::{Budget, Http, HttpError, Policy};
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
            limit: Some(60)
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
