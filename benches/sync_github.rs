//! Sync of 100,000 issues with their events (about 1.8 an issue) from a GitHub-shaped local
//! server (listing pages of 100 by `Link`, the repository-wide events list newest first in
//! pages of 100) into a fresh store.
//!
//! The server runs in a child process (this same binary), so this process's CPU time is
//! lookout's own work (HTTP client, JSON, mapping, store writes) and its peak resident size
//! is lookout's alone. Run: `cargo bench --bench sync_github`.

#[path = "../tests/common/fake_github.rs"]
mod fake_github;
#[path = "../tests/common/routed.rs"]
mod routed;

#[path = "common/cpu.rs"]
mod cpu;
use cpu::{cpu_of, usage};

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use chrono::Utc;
use lookout::domain::{Priority, StatusCategory};
use lookout::sources::Source;
use lookout::sources::github::{GithubSource, LabelRules, Settings};
use lookout::sources::http::Policy;
use lookout::store::Store;

const ISSUES: u64 = 100_000;
const SERVER: &str = "LOOKOUT_BENCH_SERVER";
const REPO: &str = "acme/app";

fn serve() {
    // 2024-01-01T00:00:00Z.
    let issues = fake_github::generate(ISSUES, 1_704_067_200);
    let events: usize = issues.iter().map(|i| i.events.len()).sum();
    let fake = fake_github::FakeGithub::start(vec![(REPO.into(), issues)], false);
    println!("{} {events}", fake.url);
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
    let events = parts.next().unwrap_or("?").to_string();

    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let mut source = GithubSource::new(
        "github",
        Settings {
            url,
            // Any variable cargo sets when it runs benches will do as the token.
            token_env: "CARGO_PKG_NAME".into(),
            repos: vec![REPO.into()],
            labels: LabelRules {
                priority: vec![
                    ("P1".into(), Priority::Highest),
                    ("P2".into(), Priority::High),
                    ("P3".into(), Priority::Medium),
                ],
                estimate: vec![],
                status: vec![("in review".into(), StatusCategory::InProgress)],
            },
            project: None,
            sweep_every: Duration::from_secs(3600),
        },
        Policy::default(),
    );
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
    let asked = source.asked();

    // The next sync with nothing changed: one conditional request, answered 304.
    let cursor = store.cursor(source.name()).expect("cursor");
    let poll = Instant::now();
    let again = runtime
        .block_on(source.fetch(cursor, Utc::now()))
        .expect("second sync");
    let second = runtime
        .block_on(source.fetch(again.cursor.clone(), Utc::now()))
        .expect("third sync");
    let polled = poll.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    let loaded = store.load().expect("load");
    assert_eq!(loaded.tickets.len() as u64, ISSUES);
    assert!(second.tickets.is_empty());
    let own = cpu1 - cpu0;
    println!(
        "sync_github: {} issues, {events} events served ({} transitions stored), {} records written",
        loaded.tickets.len(),
        loaded.transitions.len(),
        report.changed
    );
    println!(
        "requests: {} listing pages, {} repository-wide events pages, {} per-issue events reads; \
         then two polls in {:.0} ms ({} answered 304)",
        asked.listing_pages,
        asked.repo_event_pages,
        asked.event_requests,
        polled * 1000.0,
        source.asked().not_modified
    );
    println!(
        "wall {wall:.2} s; lookout's own CPU {own:.2} s ({:.0} % of the wall time); \
         the server's CPU {server_cpu:.2} s; peak resident {peak:.0} MB",
        100.0 * own / wall
    );
    println!("{threads}");
}
