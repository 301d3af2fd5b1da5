//! Sync of 100,000 tickets and about 400,000 transitions from a Jira-shaped local server
//! (search pages of 100, bulk changelogs) into a fresh store.
//!
//! The server runs in a child process (this same binary), so this process's CPU time is
//! lookout's own work (HTTP client, JSON, mapping, store writes) and its peak resident size
//! is lookout's alone. Run: `cargo bench --bench sync`.

#[path = "../tests/common/fake_jira.rs"]
mod fake_jira;
#[path = "../tests/common/routed.rs"]
mod routed;

#[path = "common/cpu.rs"]
mod cpu;
use cpu::{cpu_of, usage};

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, TimeZone, Utc};
use lookout::sources::http::Policy;
use lookout::sources::jira::{JiraSource, Settings};
use lookout::store::Store;

const TICKETS: u64 = 100_000;
const SERVER: &str = "LOOKOUT_BENCH_SERVER";

fn serve() {
    let start = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    // Status moves (1.5 on average) and assignments (1 in 3) plus priority changes make
    // about four transitions a ticket.
    let issues = fake_jira::generate_with(TICKETS, &["OPS", "WEB", "DATA", "APP"], start, |i| {
        if i % 6 == 0 { 3 } else { 2 }
    });
    let transitions: usize = issues.iter().map(|i| i.history.len()).sum();
    let fake = fake_jira::FakeJira::start(issues, FixedOffset::east_opt(0).expect("utc"));
    println!("{} {transitions}", fake.url());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn main() {
    if std::env::var(SERVER).is_ok() {
        serve();
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    let mut child = std::process::Command::new(exe)
        .env(SERVER, "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("server address");
    let mut parts = line.split_whitespace();
    let url = parts.next().expect("url").to_string();
    let transitions = parts.next().unwrap_or("?").to_string();

    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let mut source = JiraSource::new(
        "jira",
        Settings {
            url,
            cloud_id: None,
            email: fake_jira::EMAIL.into(),
            // The fake's token is the value cargo gives CARGO_PKG_NAME when it runs benches.
            token_env: "CARGO_PKG_NAME".into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        },
        Policy::default(),
    );
    // One thread for the async side, so this process's threads split its CPU time cleanly:
    // the main thread fetches and maps, tokio's blocking threads write the store.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = child.id().to_string();
    let server0 = cpu_of(&server);
    let threads0 = cpu::cpu_by_thread();
    let (cpu0, _) = usage();
    let began = Instant::now();
    let report = runtime
        .block_on(lookout::sync::sync_once(&store, &mut source, Utc::now()))
        .expect("sync");
    let wall = began.elapsed().as_secs_f64();
    let (cpu1, peak) = usage();
    let threads = cpu::by_thread_line(&threads0);
    let server_cpu = cpu_of(&server) - server0;
    let _ = child.kill();
    let _ = child.wait();
    let loaded = store.load().expect("load");
    assert_eq!(loaded.tickets.len() as u64, TICKETS);
    let own = cpu1 - cpu0;
    println!(
        "sync: {} tickets, {} transitions served ({} stored), {} records written",
        loaded.tickets.len(),
        transitions,
        loaded.transitions.len(),
        report.changed
    );
    println!(
        "wall {wall:.2} s; lookout's own CPU {own:.2} s ({:.0} % of the wall time); \
         the server's CPU {server_cpu:.2} s; peak resident {peak:.0} MB",
        100.0 * own / wall
    );
    println!("{threads}");
}
