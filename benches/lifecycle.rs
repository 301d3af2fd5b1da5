//! Reports, archival and backup at the size users reach: a store of 100,000 tickets with
//! 400,000 transitions (50 projects of 2,000).
//!
//! Run with `cargo bench --bench lifecycle`. Prints, each once (these are seconds-long
//! operations a user runs by hand or from cron, not per-frame work): the report's build
//! (load, analysis, advisor, forecasts) and each format's rendering with its size; a whole-
//! store backup and its restore; archiving the tickets closed before a cut-off, and restoring
//! them.

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use lookout::advisor::{Ledger, rules};
use lookout::analysis::{StallPolicy, analyse};
use lookout::domain::ChangeSet;
use lookout::lifecycle::{archive, backup_file};
use lookout::report::build::{Inputs, assemble};
use lookout::report::{html, json, markdown};
use lookout::rng::Rng;
use lookout::store::Store;

mod common;

fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let now = Utc
        .with_ymd_and_hms(2026, 9, 1, 12, 0, 0)
        .single()
        .expect("valid date");
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let store = Store::open(&data).expect("open store");
    let mut rng = Rng::new(1);
    let batches: Vec<ChangeSet> = (0..100_000 / common::BATCH)
        .map(|b| common::batch(b * common::BATCH, &mut rng))
        .collect();
    for b in &batches {
        store.write(b).expect("write");
    }
    drop(batches);

    let start = Instant::now();
    let portfolio = store.load().expect("load");
    let analysis = analyse(
        &portfolio,
        &store.snapshots().expect("snapshots"),
        now,
        &StallPolicy::default(),
    );
    let candidates = rules::suggest(&portfolio, &analysis, &portfolio.members, now);
    let ledger = Ledger::new(&store);
    let suggestions = ledger.reconcile(candidates, now).expect("reconcile");
    let decisions = ledger.decisions().expect("decisions");
    let loaded = secs(start);
    let start = Instant::now();
    let report = assemble(
        &Inputs {
            portfolio: &portfolio,
            analysis: &analysis,
            suggestions: &suggestions,
            decisions: &decisions,
            data_as_of: Some(now),
        },
        &[],
        now.date_naive() - Duration::days(7),
        now,
    )
    .expect("report");
    println!(
        "report of {} tickets in {} projects: load, analysis and advisor {loaded:.2} s, the report's own forecasts and tables {:.2} s",
        portfolio.tickets.len(),
        report.projects.len(),
        secs(start)
    );
    type Render = fn(&lookout::report::Report) -> String;
    let formats: [(&str, Render); 3] = [
        ("md", markdown::render),
        ("json", |r| json::render(r).expect("json")),
        ("html", |r| html::render(r).expect("html")),
    ];
    for (name, render) in formats {
        let start = Instant::now();
        let text = render(&report);
        println!(
            "  {name}: {:.0} ms, {:.1} MiB",
            secs(start) * 1e3,
            mib(text.len() as u64)
        );
    }

    let file = dir.path().join("store.backup");
    let start = Instant::now();
    let trees = store.dump().expect("dump");
    backup_file::write(&file, now, &trees).expect("backup");
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let entries: usize = trees.iter().map(|t| t.entries.len()).sum();
    println!(
        "backup: {entries} entries in {:.2} s, {:.1} MiB file (store on disk {:.0} MiB)",
        secs(start),
        mib(size),
        mib(dir_size(&data))
    );
    let start = Instant::now();
    let (_, read) = backup_file::read(&file).expect("read backup");
    let other = dir.path().join("restored");
    lookout::store::replace_store(&other, &read).expect("restore");
    println!("restore-backup: read, check and write {:.2} s", secs(start));

    let archive_file = dir.path().join("closed.jsonl.zst");
    let cutoff = archive::cutoff(now, 180);
    let start = Instant::now();
    let moved = archive::archive(&store, cutoff, now, &archive_file, false).expect("archive");
    let size = std::fs::metadata(&archive_file)
        .map(|m| m.len())
        .unwrap_or(0);
    match moved {
        archive::Archived::Moved { counts, .. } => println!(
            "archive (closed more than 180 days ago): {} in {:.2} s, {:.1} MiB file",
            counts.line(),
            secs(start),
            mib(size)
        ),
        other => println!("archive moved nothing: {other:?}"),
    }
    let start = Instant::now();
    let restored = archive::restore(&store, &archive_file).expect("restore");
    println!(
        "restore: {} in {:.2} s",
        restored.counts.line(),
        secs(start)
    );
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
