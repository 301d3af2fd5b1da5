//! How long one refinement takes against a local OpenAI-compatible server that answers at
//! once: what lookout itself adds to a model call (prompt and schema building, the HTTP
//! round trip, validation, the usage file). Run with
//! `cargo run --example llm_latency [CALLS] [CANDIDATES]`.

#[path = "../tests/llm_support/server.rs"]
mod server;

use std::time::{Duration, Instant};

use lookout::advisor::llm::{AiSettings, Context, Llm, Outcome};
use lookout::domain::{
    Band, Change, Evidence, Kind, Portfolio, Priority, Proposal, Seen, Signal, Subject, Suggestion,
    SuggestionState, TrackerAction, Unit,
};

fn candidate(i: u64, fingerprint: u64) -> Suggestion {
    let key = format!("OPS-{i}");
    Suggestion {
        id: format!("reassign:demo:{i}"),
        kind: Kind::Reassign,
        subject: Subject::Ticket {
            source: "demo".into(),
            id: i,
            key: key.clone(),
            project: "OPS".into(),
        },
        proposal: Some(Proposal {
            source: "demo".into(),
            action: TrackerAction {
                ticket: i,
                key,
                change: Change::Assign {
                    login: "ana".into(),
                },
            },
            alternatives: vec![Change::Assign { login: "cy".into() }],
            seen: Seen {
                status: "In Review".into(),
                assignee: Some("Bo".into()),
                priority: Priority::Medium,
            },
        }),
        evidence: vec![Evidence {
            signal: Signal::InStatus {
                status: "In Review".into(),
            },
            value: 9.0,
            baseline: Some(3.0),
            unit: Unit::Days,
        }],
        confidence: 0.8,
        band: Band::High,
        impact: 1.0,
        fingerprint,
        rationale: "in Review 9d (P85 here: 3d)".into(),
        related: None,
        state: SuggestionState::Pending,
    }
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
