//! The sync loop never retries rejected credentials on its own: repeated bad logins lock
//! tracker accounts (Jira locks after a few failed Basic-auth attempts). It waits for the
//! user's refresh instead, and says what to fix.

#[path = "common/routed.rs"]
mod routed;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lookout::sources::Source;
use lookout::sources::http::Policy;
use lookout::sources::redmine::{RedmineSource, Settings};
use lookout::store::Store;
use lookout::sync::{FailureKind, SyncEvent, spawn_all};
use routed::Reply;

fn redmine(url: String, key_var: &str) -> RedmineSource {
    RedmineSource::new(
        "ops",
        Settings {
            url,
            api_key_env: key_var.into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        },
        Policy {
            backoff_base: Duration::from_millis(5),
            backoff_max: Duration::from_millis(10),
            ..Policy::default()
        },
    )
}

async fn next_failure(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<SyncEvent>,
) -> (
    lookout::sync::Failure,
    Option<chrono::DateTime<chrono::Utc>>,
) {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(SyncEvent::Failed { failure, next, .. })) => return (failure, next),
            Ok(Some(SyncEvent::Started { .. })) => continue,
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}

/// A Redmine source whose server answers every request with `status`, synced every 50 ms:
/// the requests it saw, the sync events, and the refresh key.
fn watch(
    status: u16,
    key_var: &str,
) -> (
    Arc<AtomicUsize>,
    tokio::sync::mpsc::UnboundedReceiver<SyncEvent>,
    lookout::sync::Refresh,
) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let addr = routed::serve(Arc::new(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Reply::raw(status, "{}")
    }));
    let source: Box<dyn Source> = Box::new(redmine(format!("http://{addr}"), key_var));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let refresh = spawn_all(
        Store::temporary().expect("store"),
        vec![(source, Duration::from_millis(50))],
        tx,
    );
    (hits, rx, refresh)
}

#[tokio::test]
async fn rejected_credentials_are_sent_once_and_again_only_on_refresh() {
    // Synced every 50 ms: ten intervals pass while a test watches for half a second.
    let (hits, mut rx, refresh) = watch(401, "CARGO_PKG_NAME");
    let (failure, next) = next_failure(&mut rx).await;
    assert_eq!(failure.kind, FailureKind::Credentials);
    assert_eq!(next, None, "no retry is scheduled");
    assert!(
        failure.kind.advice().contains("press r"),
        "{}",
        failure.kind.advice()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "one request over ten intervals"
    );
    assert!(rx.try_recv().is_err(), "the task is quiet while it waits");

    refresh.now();
    let (again, _) = next_failure(&mut rx).await;
    assert_eq!(again.kind, FailureKind::Credentials);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "the refresh tried once more"
    );
}

#[tokio::test]
async fn a_missing_credential_waits_for_the_user_too() {
    let var = "LOOKOUT_TEST_VARIABLE_NOBODY_SETS";
    // Synced every 50 ms: ten intervals pass while a test watches for half a second.
    let (hits, mut rx, _refresh) = watch(200, var);
    let (failure, next) = next_failure(&mut rx).await;
    assert_eq!(failure.kind, FailureKind::Config);
    assert!(failure.message.contains(var), "{}", failure.message);
    assert_eq!(next, None);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        rx.try_recv().is_err(),
        "no retries while the variable is unset"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "nothing is sent without a key"
    );
}

#[tokio::test]
async fn a_server_error_is_retried_with_backoff() {
    // Synced every 50 ms: ten intervals pass while a test watches for half a second.
    let (hits, mut rx, _refresh) = watch(500, "CARGO_PKG_NAME");
    let (first, next) = next_failure(&mut rx).await;
    assert_eq!(first.kind, FailureKind::Unreachable);
    assert!(next.is_some(), "a retry is scheduled");
    let (second, _) = next_failure(&mut rx).await;
    assert_eq!(second.kind, FailureKind::Unreachable, "and it came");
    assert!(hits.load(Ordering::SeqCst) >= 2, "the server saw the retry");
}
