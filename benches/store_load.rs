//! Store benchmark: bulk write rate, cold open to the first drawn Projects frame, and resident
//! memory after load, for 100,000 tickets and 400,000 transitions; then a CSV import of
//! 400,000 generated rows (time and peak memory) and the dashboard on the store it leaves
//! (memory after the full load, its peak, and how long quitting takes).
//!
//! Run with `cargo bench --bench store_load`. Each measured phase runs in a fresh child
//! process, so that its resident memory and peak (VmHWM) are its own.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use lookout::analysis::StallPolicy;
use lookout::app::{Event, Loaded, State, ViewSpec, load_and_analyse, persist, update};
use lookout::domain::ChangeSet;
use lookout::keys::Keymap;
use lookout::rng::Rng;
use lookout::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod common;
use common::{BATCH, batch, jira_like_csv, jira_like_mapping};

const TICKETS: u64 = 100_000;
const CSV_ROWS: u64 = 400_000;

/// The rows of the generated CSV: `CSV_ROWS`, or `LOOKOUT_BENCH_CSV_ROWS` to look closer.
fn csv_rows() -> u64 {
    std::env::var("LOOKOUT_BENCH_CSV_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CSV_ROWS)
}

fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn spec() -> ViewSpec {
    ViewSpec {
        sources: vec!["bench".to_string()].into(),
        policy: StallPolicy::default(),
        targets: Default::default(),
    }
}

fn draw(state: &State) {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    terminal
        .draw(|f| lookout::ui::draw(f, state))
        .expect("draw");
}

/// A fresh process opening the store as `lookout` does: the last session's view first, then
/// the full load in the background.
fn open_phase(dir: &Path) {
    let start = Instant::now();
    let store = Store::open(dir).expect("open store");
    let opened = start.elapsed();
    let mut state = State::new(
        Keymap::default_table().expect("keymap"),
        &["bench".into()],
        true,
        false,
    );
    let view = store.load_view().expect("the previous session left a view");
    let rows = view.projects.len();
    update(
        &mut state,
        Event::ViewCached {
            analysis: Arc::new(view),
        },
    );
    draw(&state);
    let first_frame = start.elapsed();
    let (rss_first, _) = rss_mb();

    let Loaded {
        portfolio,
        analysis,
        ..
    } = load_and_analyse(&store, &spec()).expect("load");
    let tickets = portfolio.tickets.len();
    let transitions = portfolio.transitions.len();
    let generation = state.load_generation;
    update(
        &mut state,
        Event::Loaded {
            generation,
            portfolio: Arc::new(portfolio),
            analysis: Arc::new(analysis),
            snapshots: vec![],
        },
    );
    draw(&state);
    let full = start.elapsed();
    let (rss, peak) = rss_mb();
    println!(
        "cold open: sled open {:.0} ms; first Projects frame ({rows} projects) at {:.0} ms \
         (target <= 300 ms)",
        opened.as_secs_f64() * 1e3,
        first_frame.as_secs_f64() * 1e3
    );
    println!(
        "background full load + analysis of {tickets} tickets, {transitions} transitions: \
         done at {:.0} ms",
        full.as_secs_f64() * 1e3
    );
    println!(
        "memory: {rss_first:.0} MB resident at the first frame; {rss:.0} MB after the full load \
         (peak {peak:.0} MB; target <= 200 MB)"
    );
}

/// A fresh process importing the CSV at `dir/tickets.csv` into the store in `dir`, as
/// `lookout sync --once` does.
fn import_phase(dir: &Path) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let start = Instant::now();
    let store = Store::open(dir).expect("open store");
    let mut source =
        lookout::sources::csv::CsvSource::new("jira", dir.join("tickets.csv"), jira_like_mapping());
    let report = runtime
        .block_on(lookout::sync::sync_once(
            &store,
            &mut source,
            chrono::Utc::now(),
        ))
        .expect("import");
    let took = start.elapsed();
    drop(store);
    let (_, peak) = rss_mb();
    println!(
        "csv import: {} rows, {} records in {:.2} s; peak {peak:.0} MB resident \
         (target <= 500 MB)",
        csv_rows(),
        report.changed,
        took.as_secs_f64()
    );
}

/// A fresh process doing what the dashboard does on the store in `dir`: open, full load and
/// analysis, first frame; then what quitting drops, timed part by part.
fn dashboard_phase(dir: &Path) {
    let start = Instant::now();
    let store = Store::open(dir).expect("open store");
    let mut state = State::new(
        Keymap::default_table().expect("keymap"),
        &["jira".into()],
        true,
        false,
    );
    let view = ViewSpec {
        sources: vec!["jira".to_string()].into(),
        policy: StallPolicy::default(),
        targets: Default::default(),
    };
    let Loaded {
        portfolio,
        analysis,
        ..
    } = load_and_analyse(&store, &view).expect("load");
    let tickets = portfolio.tickets.len();
    let generation = state.load_generation;
    update(
        &mut state,
        Event::Loaded {
            generation,
            portfolio: Arc::new(portfolio),
            analysis: Arc::new(analysis),
            snapshots: vec![],
        },
    );
    draw(&state);
    let loaded = start.elapsed();
    let (rss, peak) = rss_mb();
    println!(
        "dashboard on the imported store: {tickets} tickets loaded and drawn at {:.0} ms; \
         {rss:.0} MB resident (peak {peak:.0} MB; target <= 300 MB)",
        loaded.as_secs_f64() * 1e3
    );
    // Quitting as the app does: the loaded state is left to the exiting process, the store
    // is closed (flushed and sealed).
    let quit = Instant::now();
    let state = std::mem::ManuallyDrop::new(state);
    store.close_for_exit().expect("seal");
    drop(store);
    let closed = quit.elapsed();
    println!(
        "quit: {:.0} ms, flushing and sealing the store (target <= 100 ms)",
        closed.as_secs_f64() * 1e3
    );
    let freeing = Instant::now();
    drop(std::mem::ManuallyDrop::into_inner(state));
    println!(
        "  (freeing the loaded state instead of leaving it to the exit would add {:.0} ms)",
        freeing.elapsed().as_secs_f64() * 1e3
    );
}

/// Generates the CSV, then imports it and opens the dashboard on it, each in a child.
fn csv_phases() {
    let dir = tempfile::tempdir().expect("temp dir");
    jira_like_csv(&dir.path().join("tickets.csv"), csv_rows()).expect("generate csv");
    let exe = std::env::current_exe().expect("bench binary");
    for phase in ["--import-phase", "--dashboard-phase"] {
        let status = Command::new(&exe)
            .arg(phase)
            .arg(dir.path())
            .status()
            .expect("run phase");
        assert!(status.success(), "{phase} failed");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let phase = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .map(|i| Path::new(&args[i + 1]).to_path_buf())
    };
    if let Some(dir) = phase("--open-phase") {
        open_phase(&dir);
        return;
    }
    if let Some(dir) = phase("--import-phase") {
        import_phase(&dir);
        return;
    }
    if let Some(dir) = phase("--dashboard-phase") {
        dashboard_phase(&dir);
        return;
    }
    if args.iter().any(|a| a == "--csv-only") {
        csv_phases();
        return;
    }
    if let Some(dir) = phase("--make-csv") {
        jira_like_csv(&dir.join("tickets.csv"), csv_rows()).expect("generate csv");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open store");
    let mut rng = Rng::new(1);
    let batches: Vec<ChangeSet> = (0..TICKETS / BATCH)
        .map(|b| batch(b * BATCH, &mut rng))
        .collect();
    let transitions: usize = batches.iter().map(|b| b.transitions.len()).sum();
    let start = Instant::now();
    for b in &batches {
        store.write(b).expect("write");
    }
    let took = start.elapsed().as_secs_f64();
    println!(
        "write: {TICKETS} tickets + {transitions} transitions in {:.2} s = {:.0} tickets/s \
         ({:.0} records/s; target >= 50,000 tickets/s), atomic batches of {BATCH}, flushed",
        took,
        TICKETS as f64 / took,
        (TICKETS as f64 + transitions as f64) / took
    );
    drop(batches);
    // The previous session's analysis, which the app keeps for its next start.
    let start = Instant::now();
    let loaded = load_and_analyse(&store, &spec()).expect("load");
    persist(&store, &loaded.analysis, &loaded.snapshots);
    println!(
        "load + analyse in the writing process: {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    drop(store);
    let exe = std::env::current_exe().expect("bench binary");
    let status = Command::new(exe)
        .arg("--open-phase")
        .arg(dir.path())
        .status()
        .expect("run open phase");
    assert!(status.success(), "open phase failed");
    csv_phases();
}
