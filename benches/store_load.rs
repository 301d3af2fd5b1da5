//! Store benchmark: bulk write rate, cold open to the first drawn Projects frame, and resident
//! memory after load, for 100,000 tickets and 400,000 transitions.
//!
//! Run with `cargo bench --bench store_load`. The open phase runs in a fresh child process so
//! that "cold open" and "resident memory" do not include the writer's allocations.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use lookout::analysis::StallPolicy;
use lookout::app::{Event, State, load_and_analyse, update};
use lookout::config::Keymap;
use lookout::domain::{ChangeSet, Field, Priority, Project, StatusCategory, Ticket, Transition};
use lookout::rng::Rng;
use lookout::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const TICKETS: u64 = 100_000;
const PROJECTS: u64 = 50;
const BATCH: u64 = 10_000;
const STATUSES: [&str; 4] = ["To Do", "In Progress", "In Review", "Done"];

fn batch(first: u64, rng: &mut Rng) -> ChangeSet {
    let epoch = Utc
        .with_ymd_and_hms(2025, 1, 1, 9, 0, 0)
        .single()
        .expect("valid date");
    let mut c = ChangeSet::new("bench");
    if first == 0 {
        for p in 0..PROJECTS {
            c.projects.push(Project {
                source: "bench".into(),
                key: format!("P{p}"),
                name: format!("Project {p}"),
                description: String::new(),
                created: epoch,
                url: None,
            });
        }
    }
    for id in first..first + BATCH {
        let created = epoch + Duration::minutes(rng.below(600 * 24 * 60) as i64);
        let mut at = created;
        // Four transitions per ticket: assignee, then three status moves (the last may be open).
        let stage = 1 + rng.below(3) as usize;
        let mut changes = vec![(Field::Assignee, None, Some("dev".to_string()))];
        for s in 0..3 {
            changes.push((
                Field::Status,
                Some(STATUSES[s].to_string()),
                Some(STATUSES[s + 1].to_string()),
            ));
        }
        for (i, (field, from, to)) in changes.into_iter().enumerate() {
            at += Duration::minutes(1 + rng.below(5 * 24 * 60) as i64);
            c.transitions.push(Transition {
                source: "bench".into(),
                ticket: id,
                at,
                field,
                from,
                to,
            });
            if i == stage {
                break;
            }
        }
        let status = STATUSES[stage.min(3)];
        c.transitions.retain(|t| t.ticket != id || t.at <= at);
        let category = match status {
            "Done" => StatusCategory::Done,
            "To Do" => StatusCategory::Todo,
            _ => StatusCategory::InProgress,
        };
        c.tickets.push(Ticket {
            source: "bench".into(),
            id,
            project: format!("P{}", id % PROJECTS),
            key: format!("P{}-{id}", id % PROJECTS),
            title: format!("Benchmark ticket number {id} with a title of ordinary length"),
            status: status.into(),
            category,
            assignee: Some("dev".into()),
            priority: Priority::Medium,
            estimate: Some(3.0),
            labels: vec!["backend".into()],
            created,
            updated: at,
            started: Some(created + Duration::hours(1)),
            resolved: (category == StatusCategory::Done).then_some(at),
            url: None,
        });
    }
    // Top up to exactly four transitions per ticket on average with assignee churn.
    while c.transitions.len() < (4 * BATCH) as usize {
        let id = first + rng.below(BATCH);
        let at = epoch + Duration::minutes(rng.below(600 * 24 * 60) as i64);
        c.transitions.push(Transition {
            source: "bench".into(),
            ticket: id,
            at,
            field: Field::Priority,
            from: Some("Medium".into()),
            to: Some("High".into()),
        });
    }
    c.cursor = Some(first.to_string());
    c
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

fn open_phase(dir: &Path) {
    let start = Instant::now();
    let store = Store::open(dir).expect("open store");
    let opened = start.elapsed();
    let (portfolio, analysis) = load_and_analyse(&store, &StallPolicy::default()).expect("load");
    let loaded = start.elapsed();
    if std::env::var_os("LOOKOUT_BENCH_DETAIL").is_some() {
        let t = Instant::now();
        let p = store.load().expect("load");
        let l = t.elapsed();
        let t = Instant::now();
        let _ = lookout::analysis::analyse(&p, Utc::now(), &StallPolicy::default());
        println!("detail: load {:.0} ms, analyse {:.0} ms", l.as_secs_f64() * 1e3, t.elapsed().as_secs_f64() * 1e3);
    }
    let mut state = State::new(
        Keymap::default_table().expect("keymap"),
        &["bench".into()],
        true,
        false,
    );
    let tickets = portfolio.tickets.len();
    let transitions = portfolio.transitions.len();
    let generation = state.load_generation;
    update(
        &mut state,
        Event::Loaded {
            generation,
            portfolio: std::sync::Arc::new(portfolio),
            analysis: std::sync::Arc::new(analysis),
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    terminal
        .draw(|f| lookout::ui::draw(f, &state))
        .expect("draw");
    let drawn = start.elapsed();
    let (rss, peak) = rss_mb();
    println!(
        "open: {tickets} tickets, {transitions} transitions; sled open {:.0} ms, load+analyse {:.0} ms, \
         first Projects frame at {:.0} ms (target <= 300 ms)",
        opened.as_secs_f64() * 1e3,
        (loaded - opened).as_secs_f64() * 1e3,
        drawn.as_secs_f64() * 1e3
    );
    println!("memory after load: resident {rss:.0} MB, peak {peak:.0} MB (target <= 200 MB)");
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
    drop(store);
    drop(batches);
    let exe = std::env::current_exe().expect("bench binary");
    let status = Command::new(exe)
        .arg("--open-phase")
        .arg(dir.path())
        .status()
        .expect("run open phase");
    assert!(status.success(), "open phase failed");
}
