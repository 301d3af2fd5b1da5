//! Sync of 100,000 issues with their state events from a GitLab-shaped local server (four
//! projects, pages of 100 announced by `x-next-page` without totals; a third of the issues
//! closed, a ninth closed, reopened and closed again) into a fresh store. The connector reads
//! the projects' reopen and close event lists, which hold the reopened issues' whole state
//! histories, instead of a request per reopened issue.
//!
//! The server runs in a child process (this same binary), so this process's CPU time is
//! lookout's own work (HTTP client, JSON, mapping, store writes) and its peak resident size
//! is lookout's alone. Run: `cargo bench --bench sync_gitlab`.

#[path = "../tests/common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "../tests/common/routed.rs"]
mod routed;

#[path = "common/cpu.rs"]
mod cpu;
use cpu::{cpu_of, usage};

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use chrono::Utc;
use lookout::sources::gitlab::GitLabSource;
use lookout::sources::http::Policy;
use lookout::store::Store;

const ISSUES: u64 = 100_000;
const PROJECTS: [&str; 4] = ["grp/ops", "grp/web", "grp/data", "grp/app"];
const SERVER: &str = "LOOKOUT_BENCH_SERVER";

fn serve() {
    // Within the last three years, which GitLab's project event lists cover: the issues span
    // about ten weeks from here.
    let start = Utc::now() - chrono::Duration::days(120);
    let issues = fake_gitlab::generate(ISSUES, PROJECTS.len(), start);
    let events: usize = issues.iter().map(|i| i.states.len()).sum();
    let fake = fake_gitlab::FakeGitLab::start(&PROJECTS, issues);
    // GitLab leaves out its totals above 10,000 results.
    fake.with(|s| s.totals = false);
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
    let mut source = GitLabSource::new(
        "gitlab",
        fake_gitlab::settings(&url, &PROJECTS),
        Policy::default(),
    );
    // One thread for the async side, as the Jira benchmark runs it.
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
    assert_eq!(loaded.tickets.len() as u64, ISSUES);
    let own = cpu1 - cpu0;
    println!(
        "sync: {} issues, {events} state events served ({} transitions stored), {} records \
         written",
        loaded.tickets.len(),
        loaded.transitions.len(),
        report.changed
    );
    println!("requests: {} reads", source.reads());
    println!(
        "wall {wall:.2} s; lookout's own CPU {own:.2} s (target 3 s); the server's CPU \
         {server_cpu:.2} s; peak resident {peak:.0} MB (target 300 MB)"
    );
    println!("{threads}");
}
