//! A first GitLab sync of more issues than one stored batch: each list is read once for the
//! whole sync, and the full read stands for the check for deleted issues.

#[path = "common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "common/routed.rs"]
mod routed;

use std::collections::BTreeMap;

use chrono::Utc;
use lookout::sources::Source;
use lookout::sources::gitlab::GitLabSource;
use lookout::sources::http::Policy;

#[tokio::test]
async fn a_batched_first_sync_reads_each_list_once_and_does_not_sweep() {
    let projects = ["grp/ops", "grp/web"];
    // 5,000 issues: three stored batches; a ninth of them reopened.
    let issues = fake_gitlab::generate(5_000, 2, Utc::now() - chrono::Duration::days(30));
    let gl = fake_gitlab::FakeGitLab::start(&projects, issues);
    gl.with(|s| s.totals = false);
    let settings = fake_gitlab::settings(&gl.url, &projects);
    let mut src = GitLabSource::new("gl", settings, Policy::default());
    let (mut cursor, mut batches, mut tickets) = (None, 0, 0);
    loop {
        let batch = src.fetch(cursor.clone(), Utc::now()).await.expect("sync");
        batches += 1;
        tickets += batch.tickets.len();
        assert!(batch.sweep.is_none(), "batch {batches} swept");
        cursor = batch.cursor.clone();
        if !batch.more {
            break;
        }
    }
    assert!(batches >= 3, "{batches} batches");
    assert_eq!(tickets, 5_000);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for r in gl.requests() {
        let kind = if r.path.ends_with("/events") {
            format!("events:{}", r.param("action").join(""))
        } else if r.path.ends_with("/resource_state_events") {
            "state events".into()
        } else if r.path.ends_with("/issues") {
            format!("issues:{}", r.param("order_by").join(""))
        } else {
            continue;
        };
        *kinds.entry(kind).or_default() += 1;
    }
    assert!(
        !kinds.contains_key("issues:created_at"),
        "no listing for the deletion check: {kinds:?}"
    );
    // 555 reopened issues: their histories come from the lists, but for the last few the
    // close list's pages would cost more than their own requests.
    let own = kinds.get("state events").copied().unwrap_or(0);
    assert!(own < 10, "{own} issues' own state events: {kinds:?}");
    // 555 reopens and 2,222 closes over two projects, a hundred a page: each read once.
    assert_eq!(kinds.get("events:reopened"), Some(&(3 + 3)), "{kinds:?}");
    assert!(
        kinds.get("events:closed").is_some_and(|&n| n <= 24),
        "{kinds:?}"
    );
    // 50 pages of issues, and where a batch or a project's list ends.
    assert!(
        kinds.get("issues:updated_at").is_some_and(|&n| n <= 55),
        "{kinds:?}"
    );
}
