//! ConnectWise's request layer against a local server that behaves as REST 3.0 documents:
//! the headers every request must carry, `conditions`, forward-only paging by `Link`, the
//! answers a sync must survive or report, and JSON-Patch writes.

#[path = "common/routed.rs"]
mod routed;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use lookout::sources::SourceError;
use lookout::sources::connectwise::{ACCEPT, Client, Projects, Settings, board_is, updated_since};
use lookout::sources::http::Policy;
use routed::{Reply, Request};
use serde_json::json;

type Log = Arc<Mutex<Vec<Request>>>;

const ROOT: &str = "/v4_6_release/apis/3.0";

fn settings(url: &str) -> Settings {
    Settings {
        url: url.into(),
        company: "acme".into(),
        // Variables the test process has: their values stand in for the keys.
        public_key_env: "CARGO_PKG_NAME".into(),
        private_key_env: "CARGO_PKG_VERSION".into(),
        client_id: "c0ffee-client".into(),
        boards: vec!["Help Desk".into()],
        projects: Projects::None,
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

fn client(url: &str) -> Client {
    Client::new(&settings(url), quick()).expect("keys are set")
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

#[tokio::test]
async fn a_listing_pages_forward_only_by_link_with_every_header() {
    let (url, log) = serve(|r, _| {
        let page = r.param("pageId").first().copied().unwrap_or("");
        match page {
            "" => Reply::json(&json!([{"id": 1}, {"id": 2}])).with_header(
                "Link",
                &format!(
                    "<http://{}{ROOT}/service/tickets?pageSize=1000&pageId=2>; rel=\"next\"",
                    r.header("host").unwrap_or("")
                ),
            ),
            _ => Reply::json(&json!([{"id": 3}])),
        }
    });
    let since = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("a date")
        .with_timezone(&chrono::Utc);
    let conditions = format!("{} and {}", board_is("Help Desk"), updated_since(since));
    let rows: Vec<serde_json::Value> = client(&url)
        .list("/service/tickets", Some(&conditions))
        .await
        .expect("lists");
    let ids: Vec<u64> = rows.iter().filter_map(|r| r["id"].as_u64()).collect();
    assert_eq!(ids, [1, 2, 3]);

    let log = log.lock().expect("log");
    assert_eq!(log.len(), 2);
    for r in log.iter() {
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, format!("{ROOT}/service/tickets"));
        assert_eq!(r.header("clientId"), Some("c0ffee-client"));
        assert_eq!(r.header("Accept"), Some(ACCEPT));
        assert_eq!(r.header("pagination-type"), Some("forward-only"));
        assert_eq!(r.header("Authorization"), Some(basic().as_str()));
    }
    assert_eq!(
        log[0].param("conditions"),
        [r#"board/name="Help Desk" and lastUpdated > [2026-01-01T00:00:00Z]"#]
    );
    assert_eq!(log[0].param("pageSize"), ["1000"]);
    assert_eq!(log[1].param("pageId"), ["2"]);
}

#[tokio::test]
async fn a_next_page_on_another_site_is_not_followed() {
    let (url, log) = serve(|_, _| {
        Reply::json(&json!([{"id": 1}]))
            .with_header("Link", "<http://127.0.0.2:9/steal?pageId=2>; rel=\"next\"")
    });
    let err = client(&url)
        .list::<serde_json::Value>("/system/members", None)
        .await
        .expect_err("refused");
    assert!(matches!(err, SourceError::Invalid(_)), "{err}");
    assert_eq!(log.lock().expect("log").len(), 1);
}

#[tokio::test]
async fn a_429_is_retried_after_the_wait_it_asks_for() {
    let (url, log) = serve(|_, n| match n {
        1 => Reply::raw(429, "{}").with_header("Retry-After", "1"),
        _ => Reply::json(&json!([{"id": 9}])),
    });
    let started = std::time::Instant::now();
    let rows: Vec<serde_json::Value> = client(&url)
        .list("/system/members", None)
        .await
        .expect("lists after the wait");
    assert_eq!(rows.len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(log.lock().expect("log").len(), 2);
}

#[tokio::test]
async fn refusals_and_broken_answers_are_told_apart() {
    let (url, _) = serve(|_, _| Reply::raw(401, r#"{"code":"Unauthorized"}"#));
    let err = client(&url)
        .list::<serde_json::Value>("/system/members", None)
        .await
        .expect_err("401");
    assert!(matches!(err, SourceError::Auth(_)), "{err}");

    let (url, log) = serve(|_, _| Reply::raw(503, "down"));
    let err = client(&url)
        .list::<serde_json::Value>("/system/members", None)
        .await
        .expect_err("503");
    assert!(matches!(err, SourceError::Unreachable(_)), "{err}");
    assert_eq!(
        log.lock().expect("log").len(),
        3,
        "retried as the policy says"
    );

    let (url, _) = serve(|_, _| Reply::raw(200, "[{\"id\": 1,"));
    let err = client(&url)
        .list::<serde_json::Value>("/system/members", None)
        .await
        .expect_err("malformed");
    assert!(matches!(err, SourceError::Invalid(_)), "{err}");
}

#[tokio::test]
async fn writes_are_json_patch_and_note_posts_with_every_header() {
    let (url, log) = serve(|_, _| Reply::json(&json!({"id": 5})));
    let c = client(&url);
    let ops = json!([{"op": "replace", "path": "status", "value": {"name": "In Progress"}}]);
    c.patch("/service/tickets/5", &ops).await.expect("patched");
    let note = json!({"text": "looked at it", "internalAnalysisFlag": true});
    c.post("/service/tickets/5/notes", &note)
        .await
        .expect("posted");

    let log = log.lock().expect("log");
    assert_eq!(log[0].method, "PATCH");
    assert_eq!(log[0].path, format!("{ROOT}/service/tickets/5"));
    assert_eq!(log[0].json(), ops);
    assert_eq!(log[1].method, "POST");
    assert_eq!(log[1].path, format!("{ROOT}/service/tickets/5/notes"));
    assert_eq!(log[1].json(), note);
    for r in log.iter() {
        assert_eq!(r.header("clientId"), Some("c0ffee-client"));
        assert_eq!(r.header("Accept"), Some(ACCEPT));
        assert_eq!(r.header("Authorization"), Some(basic().as_str()));
        assert!(
            r.header("Content-Type")
                .is_some_and(|t| t.starts_with("application/json"))
        );
    }
}

#[tokio::test]
async fn a_missing_key_variable_is_a_config_error_naming_it() {
    let mut s = settings("http://127.0.0.1:9");
    s.private_key_env = "LOOKOUT_TEST_SURELY_UNSET_CW_KEY".into();
    match Client::new(&s, quick()) {
        Err(SourceError::Config(m)) => {
            assert!(m.contains("LOOKOUT_TEST_SURELY_UNSET_CW_KEY"), "{m}");
            assert!(m.contains("private_key_env"), "{m}");
        }
        Err(other) => panic!("expected a config error, got {other}"),
        Ok(_) => panic!("expected a config error"),
    }
}
