//! The deletion sweep keeps its schedule across processes: `lookout sync --once` from cron
//! starts a new process each time, and each must not list every id again.

#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use std::time::Duration;

use chrono::{FixedOffset, TimeZone, Utc};
use fake_jira::{FakeJira, generate};
use lookout::sources::http::Policy;
use lookout::sources::jira::{JiraSource, Settings};
use lookout::store::Store;
use lookout::sync::sync_once;

/// Each call is a new connector, as a new process would build.
fn process(fake: &FakeJira) -> JiraSource {
    JiraSource::new(
        "jira",
        Settings {
            url: fake.url(),
            cloud_id: None,
            email: fake_jira::EMAIL.into(),
            // Tests cannot set variables in their own process; cargo sets this one.
            token_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        },
        Policy {
            backoff_base: Duration::from_millis(5),
            ..Policy::default()
        },
    )
}

#[tokio::test]
async fn a_new_process_sweeps_an_interval_after_the_last_sweep_not_at_once() {
    let t0 = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let fake = FakeJira::start(
        generate(30, &["OPS"], t0),
        FixedOffset::east_opt(0).expect("utc"),
    );
    let store = Store::temporary().expect("store");
    let id_searches = || {
        fake.requests("/rest/api/3/search/jql")
            .iter()
            .filter(|b| b["fields"] == serde_json::json!(["id"]))
            .count()
    };
    let now = Utc::now();
    sync_once(&store, &mut process(&fake), now)
        .await
        .expect("first sync");
    assert_eq!(id_searches(), 0, "a full read stands for a sweep");
    for minutes in [10, 30, 59] {
        sync_once(
            &store,
            &mut process(&fake),
            now + chrono::Duration::minutes(minutes),
        )
        .await
        .expect("a later process");
        assert_eq!(id_searches(), 0, "no sweep {minutes} min after the last");
    }
    fake.with(|s| s.issues.remove(&10_003));
    sync_once(
        &store,
        &mut process(&fake),
        now + chrono::Duration::minutes(61),
    )
    .await
    .expect("an hour later");
    assert_eq!(id_searches(), 1, "the sweep an hour after the last");
    let deleted: Vec<u64> = store
        .deleted("jira")
        .expect("deleted")
        .into_iter()
        .map(|d| d.0)
        .collect();
    assert_eq!(deleted, vec![10_003]);
    sync_once(
        &store,
        &mut process(&fake),
        now + chrono::Duration::minutes(90),
    )
    .await
    .expect("after the sweep");
    assert_eq!(id_searches(), 1, "the next hour starts at that sweep");
}
