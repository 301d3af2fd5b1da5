//! Store benchmark: bulk write rate, cold open to the first drawn Projects frame, and resident
//! memory after load, for 100,000 tickets and 400,000 transitions.
//!
//! Run with `cargo bench --bench store_load`. The open phase runs in a fresh child process so
//! that "cold open" and "resident memory" do not include the writer's allocations.

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
use common::{BATCH, batch};

const TICKETS: u64 = 100_000;

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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--open-phase") {
        open_phase(Path::new(&args[i + 1]));
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
}
