//! Work never starts after a ticket was resolved, whichever source the ticket came from: a
//! sync keeps every stored ticket's start at or before its resolution.

use std::collections::BTreeMap;

use chrono::Utc;
use lookout::sources::csv::{CsvSource, Mapping};
use lookout::store::Store;
use lookout::sync::sync_once;

#[tokio::test]
async fn a_file_with_work_started_after_resolution_stores_no_negative_cycle_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.csv");
    std::fs::write(
        &path,
        "project,key,created,started,resolved\n\
         OPS,OPS-1,2026-01-05,2026-01-06,2026-01-09\n\
         OPS,OPS-2,2026-01-05,2026-02-10,2026-02-01\n",
    )
    .expect("csv");
    let columns: BTreeMap<String, String> = ["project", "key", "created", "started", "resolved"]
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    let mut source = CsvSource::new("file", path, Mapping { columns });
    let store = Store::temporary().expect("store");
    sync_once(&store, &mut source, Utc::now())
        .await
        .expect("sync");
    let p = store.load().expect("load");
    assert_eq!(p.tickets.len(), 2);
    for t in &p.tickets {
        assert!(
            t.started <= t.resolved,
            "{}: {:?} after {:?}",
            t.key,
            t.started,
            t.resolved
        );
    }
    let swapped = p.tickets.iter().find(|t| t.key == "OPS-2").expect("OPS-2");
    assert_eq!(swapped.started, swapped.resolved, "taken as the resolution");
    let all: Vec<&lookout::domain::Ticket> = p.tickets.iter().collect();
    let cycles = lookout::analysis::flow::cycle_times(&all);
    assert_eq!(cycles.len(), 2, "both count, neither negative: {cycles:?}");
}
