//! What a full load keeps on the heap per ticket, counted by an instrumented allocator: the
//! dashboard holds every ticket of the store for the whole session, so a few small heap
//! allocations per ticket add up to hundreds of megabytes on a large tracker.
//!
//! One test per binary on purpose: the allocator counts the whole process, and a second test
//! running beside it would be counted too.

use std::alloc::System;
use std::io::Write;

use chrono::{Duration, TimeZone, Utc};
use lookout::analysis::StallPolicy;
use lookout::app::{Loaded, ViewSpec, load_and_analyse};
use lookout::sources::csv::{CsvSource, Mapping};
use lookout::store::Store;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const ROWS: u64 = 4_000;

/// A Jira export as large trackers have them: short keys, statuses and names, one longer
/// title, a label or two, tickets open and closed over years.
fn export(path: &std::path::Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create csv"));
    writeln!(
        out,
        "project,key,title,status,assignee,created,updated,resolved,labels,resolution"
    )
    .expect("write");
    let epoch = Utc
        .with_ymd_and_hms(2020, 1, 1, 9, 0, 0)
        .single()
        .expect("valid date");
    let statuses = ["Open", "In Progress", "In Review", "Resolved", "Closed"];
    let when = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string();
    for i in 0..ROWS {
        let project = format!("ORG{}P{}", i % 2, i % 4);
        let status = statuses[(i * 7 % 5) as usize];
        let done = matches!(status, "Resolved" | "Closed");
        let created = epoch + Duration::hours((i * 13 % 20_000) as i64);
        let updated = created + Duration::hours(1 + (i * 31 % 2_000) as i64);
        writeln!(
            out,
            "{project},{project}-{i},\"Ticket {i}: fix the login path when the cache is cold\",\
             {status},dev{},{},{},{},{},{}",
            i % 300,
            when(created),
            when(updated),
            if done { when(updated) } else { String::new() },
            ["backend", "frontend ux", "", "ops"][i as usize % 4],
            if done { "Fixed" } else { "" },
        )
        .expect("write");
    }
    out.flush().expect("flush");
}

fn mapping() -> Mapping {
    let fields = [
        "project",
        "key",
        "title",
        "status",
        "assignee",
        "created",
        "updated",
        "resolved",
        "labels",
        "resolution",
    ];
    Mapping {
        columns: fields
            .iter()
            .map(|f| (f.to_string(), f.to_string()))
            .collect(),
    }
}

#[test]
fn a_loaded_ticket_keeps_only_its_title_and_labels_on_the_heap() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("tickets.csv");
    export(&csv);
    let store = Store::open(&dir.path().join("store")).expect("open store");
    let mut source = CsvSource::new("jira", csv, mapping());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime
        .block_on(lookout::sync::sync_once(&store, &mut source, Utc::now()))
        .expect("import");
    let view = ViewSpec {
        sources: vec!["jira".to_string()].into(),
        policy: StallPolicy::default(),
        targets: Default::default(),
    };

    // sled's page cache fills on the first read of the store: not what the tickets hold.
    drop(load_and_analyse(&store, &view).expect("load"));
    let Loaded {
        portfolio,
        analysis,
        ..
    } = load_and_analyse(&store, &view).expect("load");
    let tickets = portfolio.tickets.len();
    assert_eq!(tickets as u64, ROWS);
    assert!(
        analysis.stalled.len() > tickets / 10,
        "the export stalls enough tickets to weigh: {}",
        analysis.stalled.len()
    );
    // The trend days go to the store, not the screens: the shown analysis does not keep them.
    assert!(analysis.snapshots.is_empty());
    // What the load holds is exactly what dropping it frees: counted so, sled's own work
    // (its page cache fills as the store is read) is left out.
    let region = Region::new(GLOBAL);
    drop((portfolio, analysis));
    let freed = region.change();
    let live = freed.deallocations as f64;
    let bytes = freed.bytes_deallocated as f64;
    let per_ticket = (live / tickets as f64, bytes / tickets as f64);
    println!(
        "a full load holds {:.2} heap allocations and {:.0} bytes per ticket",
        per_ticket.0, per_ticket.1
    );
    // Each ticket's title and label list, and for a stalled one its title and reason: every
    // short field (source, project, key, status, assignee, label, resolution) is held
    // inline. Each allocation costs the allocator's header and rounding on top of its bytes.
    assert!(
        per_ticket.0 <= 3.5,
        "{:.2} heap allocations held per loaded ticket",
        per_ticket.0
    );
    // The ticket itself (under 300 bytes), its title, labels and changes, its share of the
    // analysis; not the members, which the dashboard never looks at.
    assert!(
        per_ticket.1 <= 600.0,
        "{:.0} bytes held per loaded ticket",
        per_ticket.1
    );
}
