//! How long one refinement takes against a local OpenAI-compatible server that answers at
//! once: what lookout itself adds to a model call (prompt and schema building, the HTTP
//! round trip, validation, the usage file). Run with
//! `cargo run --example llm_latency [CALLS] [CANDIDATES]`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/llm_support/fixtures.rs"]
mod fixtures;
#[path = "../tests/llm_support/server.rs"]
mod server;

use std::time::{Duration, Instant};

use lookout::advisor::llm::{AiSettings, Context, Llm, Outcome};
use lookout::domain::{Change, Kind, Portfolio, Suggestion};

fn candidate(i: u64, fingerprint: u64) -> Suggestion {
    let ana = Change::Assign {
        login: "ana".into(),
    };
    let cy = Change::Assign { login: "cy".into() };
    let proposal = fixtures::proposal(i, ana, vec![cy]);
    let id = format!("reassign:demo:{i}");
    let mut s = fixtures::suggestion(
        &id,
        Kind::Reassign,
        fixtures::ticket_subject(i),
        Some(proposal),
    );
    s.fingerprint = fingerprint;
    s
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let calls: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let size: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(40);
    let entries: Vec<serde_json::Value> = (0..size)
        .map(|i| {
            serde_json::json!({"id": format!("reassign:demo:{i}"), "target": "assign:cy",
                "rationale": "Cy has the least open work."})
        })
        .collect();
    let content = serde_json::json!({ "suggestions": entries }).to_string();
    let server = server::ChatServer::start(vec![server::completion(&content)]);
    let llm = Llm::new(&AiSettings::new(server.api_base(), "bench"), None).expect("client");
    let portfolio = Portfolio::default();
    let mut times: Vec<Duration> = Vec::new();
    for round in 0..calls {
        // A new fingerprint each round: every call misses the cache and reaches the server.
        let candidates: Vec<Suggestion> = (0..size).map(|i| candidate(i, round)).collect();
        let context = Context::build(&portfolio, &candidates, &[]);
        let start = Instant::now();
        let r = llm.refine(&candidates, &context).await;
        times.push(start.elapsed());
        assert_eq!(r.outcome, Outcome::Refined { calls: 1 });
    }
    times.sort();
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{calls} refinements of {size} candidates against 127.0.0.1: median {:.2} ms, p90 {:.2} ms, max {:.2} ms; request body {} KiB",
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.9).as_secs_f64() * 1e3,
        pick(1.0).as_secs_f64() * 1e3,
        server.bodies().first().map(|b| b.len() / 1024).unwrap_or(0)
    );
}
