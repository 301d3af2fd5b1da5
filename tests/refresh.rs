//! After a small sync the app reads back only the tickets it touched and patches what it
//! shows; that must be exactly what a full reload would show.

mod common;

use std::sync::Arc;

use lookout::analysis::analyse;
use lookout::app::{ViewSpec, load_and_analyse, refresh};
use lookout::domain::{ChangeSet, Note, StatusCategory, TimeEntry};
use lookout::sources::demo::DemoSource;
use lookout::store::Store;
use lookout::sync::sync_once;

fn view() -> ViewSpec {
    ViewSpec {
        sources: Arc::from(vec!["demo".to_string(), "ops".to_string()]),
        policy: Default::default(),
        targets: Arc::new(Default::default()),
    }
}

#[tokio::test]
async fn a_patched_portfolio_equals_a_full_reload() {
    let store = Store::temporary().expect("store");
    let t0 = common::at(300);
    let mut demo = DemoSource::new("demo", 7, &store.load().expect("load"));
    sync_once(&store, &mut demo, t0).await.expect("first sync");
    // A second source whose ids interleave with the demo's, so order matters.
    let mut ops = ChangeSet::new("ops");
    ops.projects.push(common::project("ops", "OPS"));
    for id in [3, 5] {
        ops.tickets.push(common::ticket(
            "ops",
            "OPS",
            id,
            "Doing",
            StatusCategory::InProgress,
        ));
    }
    store.write(&ops).expect("ops");
    let mut shown = load_and_analyse(&store, &view()).expect("load").portfolio;

    for step in 1..=6 {
        let now = t0 + chrono::Duration::minutes(15 * step);
        let report = sync_once(&store, &mut demo, now).await.expect("step");
        let ids = report
            .summary
            .touched
            .clone()
            .expect("a small sync lists its tickets");
        assert!(!ids.is_empty() || report.summary.is_empty());
        let patched = refresh(&store, &view(), &shown, "demo", &ids)
            .expect("refresh")
            .portfolio;
        let full = load_and_analyse(&store, &view()).expect("load").portfolio;
        assert!(
            patched == full,
            "step {step}: the patch differs from a reload"
        );
        let policy = Default::default();
        assert!(
            analyse(&patched, &[], now, &policy) == analyse(&full, &[], now, &policy),
            "and so would the numbers"
        );
        shown = patched;
    }

    // Time entries and notes of a touched ticket, and a project renamed.
    let mut more = ChangeSet::new("ops");
    let mut renamed = common::project("ops", "OPS");
    renamed.name = "Operations".into();
    more.projects.push(renamed);
    more.time_entries.push(TimeEntry {
        source: "ops".into(),
        ticket: 5,
        id: 1,
        at: common::at(3),
        member: "ana".into(),
        hours: 1.5,
        comment: "triage".into(),
    });
    more.notes.push(Note {
        source: "ops".into(),
        ticket: 3,
        id: 9,
        at: common::at(3),
        author: "ana".into(),
        body: "waiting on the vendor".into(),
    });
    more.transitions
        .push(common::status_change("ops", 3, 3, "Doing", "Blocked"));
    let written = store.write(&more).expect("more");
    assert_eq!(
        (written.new, written.changed),
        (0, 1),
        "ticket 3's history changed"
    );
    let patched = refresh(&store, &view(), &shown, "ops", &[3, 5])
        .expect("refresh")
        .portfolio;
    let full = load_and_analyse(&store, &view()).expect("load").portfolio;
    assert!(patched == full, "entries, notes and projects patch in too");
    assert_eq!(
        full.time_entries
            .iter()
            .filter(|e| e.source == "ops")
            .count(),
        1
    );
}
