//! The sync loop with the demo tracker and with a tracker that fails.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use lookout::domain::ChangeSet;
use lookout::sources::demo::DemoSource;
use lookout::sources::{Source, SourceError};
use lookout::store::Store;
use lookout::sync::{SyncEvent, spawn_all, sync_once};

#[tokio::test]
async fn demo_syncs_evolves_and_resumes_after_restart() {
    let store = Store::temporary().expect("store");
    let t0 = common::at(300);
    let mut demo = DemoSource::new("demo", 42, &store.load().expect("load"));
    let first = sync_once(&store, &mut demo, t0).await.expect("first sync");
    assert_eq!(first.cursor.as_deref(), Some("0"));
    let after_first = store.load().expect("load");
    assert!(after_first.tickets.len() >= 1500);

    let mut changed = 0;
    for i in 1..=5 {
        let r = sync_once(&store, &mut demo, t0 + chrono::Duration::seconds(15 * i))
            .await
            .expect("step");
        assert_eq!(r.cursor, Some(i.to_string()));
        changed += r.changed;
    }
    assert!(changed > 5, "five steps changed only {changed} records");
    let after_steps = store.load().expect("load");
    assert!(
        after_steps.transitions.len() > after_first.transitions.len(),
        "steps add transitions"
    );

    // A new process: the demo tracker is rebuilt from the store and carries on.
    let mut resumed = DemoSource::new("demo", 42, &after_steps);
    let r = sync_once(&store, &mut resumed, t0 + chrono::Duration::seconds(120))
        .await
        .expect("resumed");
    assert_eq!(r.cursor.as_deref(), Some("6"));
    let after_resume = store.load().expect("load");
    let keys: HashSet<&str> = after_resume
        .tickets
        .iter()
        .map(|t| t.key.as_str())
        .collect();
    assert_eq!(
        keys.len(),
        after_resume.tickets.len(),
        "ticket keys stay unique across a restart"
    );
    assert!(after_resume.tickets.len() >= after_steps.tickets.len());
}

#[tokio::test]
async fn same_seed_and_times_give_the_same_store() {
    let t0 = common::at(300);
    let mut loads = Vec::new();
    for _ in 0..2 {
        let store = Store::temporary().expect("store");
        let mut demo = DemoSource::new("demo", 9, &store.load().expect("load"));
        for i in 0..4 {
            sync_once(&store, &mut demo, t0 + chrono::Duration::seconds(i))
                .await
                .expect("sync");
        }
        loads.push(store.load().expect("load"));
    }
    assert_eq!(loads[0].tickets, loads[1].tickets);
    assert_eq!(loads[0].transitions, loads[1].transitions);
}

struct Broken;

impl Source for Broken {
    fn name(&self) -> &str {
        "broken"
    }

    fn fetch<'a>(
        &'a mut self,
        _: Option<String>,
        _: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChangeSet, SourceError>> {
        Box::pin(async { Err(SourceError::Unreachable("connection refused".into())) })
    }
}

#[tokio::test]
async fn a_failing_source_leaves_the_store_alone_and_is_reported() {
    let store = Store::temporary().expect("store");
    let err = sync_once(&store, &mut Broken, common::at(1))
        .await
        .expect_err("must fail");
    assert!(err.to_string().contains("connection refused"));
    assert_eq!(store.cursor("broken").expect("cursor"), None);
    assert!(store.load().expect("load").tickets.is_empty());

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _refresh = spawn_all(store, vec![(Box::new(Broken), Duration::from_secs(60))], tx);
    let started = rx.recv().await.expect("started");
    assert_eq!(
        started,
        SyncEvent::Started {
            source: "broken".into()
        }
    );
    match rx.recv().await.expect("failed") {
        SyncEvent::Failed {
            source,
            failure,
            next,
            ..
        } => {
            assert_eq!(source, "broken");
            assert!(
                failure.message.contains("cannot reach the tracker"),
                "{failure}"
            );
            let next = next.expect("a retry is scheduled");
            assert!(next > Utc::now(), "a retry is scheduled");
            assert!(
                next < Utc::now() + chrono::Duration::seconds(5),
                "the first retry comes soon, not after the interval"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refresh_during_a_sync_is_kept_and_runs_next() {
    let store = Store::temporary().expect("store");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let refresh = spawn_all(
        store,
        vec![(Box::new(Broken), Duration::from_secs(600))],
        tx,
    );
    // Pressed before the task ever waits: without a kept wake-up it would wait out its backoff.
    refresh.now();
    assert!(matches!(rx.recv().await, Some(SyncEvent::Started { .. })));
    assert!(matches!(rx.recv().await, Some(SyncEvent::Failed { .. })));
    let again = tokio::time::timeout(Duration::from_millis(700), rx.recv()).await;
    assert!(
        matches!(again, Ok(Some(SyncEvent::Started { .. }))),
        "the refresh was lost: {again:?}"
    );
}

/// A tracker that answers with nothing, under a name, so two tasks can be told apart.
struct Quiet(&'static str);

impl Source for Quiet {
    fn name(&self) -> &str {
        self.0
    }

    fn fetch<'a>(
        &'a mut self,
        _: Option<String>,
        _: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChangeSet, SourceError>> {
        Box::pin(async { Ok(ChangeSet::default()) })
    }
}

/// The next `Started` event's source, skipping the other reports.
async fn next_start(rx: &mut tokio::sync::mpsc::UnboundedReceiver<SyncEvent>) -> Option<String> {
    loop {
        match tokio::time::timeout(Duration::from_millis(700), rx.recv()).await {
            Ok(Some(SyncEvent::Started { source })) => return Some(source),
            Ok(Some(_)) => {}
            _ => return None,
        }
    }
}

#[tokio::test]
async fn one_source_can_be_woken_alone() {
    let store = Store::temporary().expect("store");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let hour = Duration::from_secs(3600);
    let refresh = spawn_all(
        store,
        vec![(Box::new(Quiet("a")), hour), (Box::new(Quiet("b")), hour)],
        tx,
    );
    let mut first = vec![
        next_start(&mut rx).await.expect("a start"),
        next_start(&mut rx).await.expect("a start"),
    ];
    first.sort();
    assert_eq!(first, ["a", "b"], "both sync once at start");
    assert!(refresh.now_for("b"));
    assert_eq!(next_start(&mut rx).await.as_deref(), Some("b"));
    assert_eq!(next_start(&mut rx).await, None, "a was not woken");
    assert!(!refresh.now_for("nobody"));
}

#[tokio::test]
async fn a_paused_source_skips_its_runs_until_resumed() {
    let store = Store::temporary().expect("store");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let refresh = spawn_all(
        store,
        vec![(Box::new(Quiet("a")), Duration::from_millis(100))],
        tx,
    );
    assert_eq!(next_start(&mut rx).await.as_deref(), Some("a"));
    assert!(refresh.pause("a", true));
    // The run in flight may still report; after it, nothing for longer than several intervals.
    tokio::time::sleep(Duration::from_millis(150)).await;
    while rx.try_recv().is_ok() {}
    assert_eq!(next_start(&mut rx).await, None, "a paused source synced");
    refresh.now_for("a");
    assert_eq!(next_start(&mut rx).await, None, "a wake-up resumed it");
    assert!(refresh.pause("a", false));
    assert_eq!(
        next_start(&mut rx).await.as_deref(),
        Some("a"),
        "resumed at once"
    );
    assert!(!refresh.pause("nobody", true));
}
