//! What a small sync costs the dashboard: a full reload of a 100,000-ticket store against the
//! refresh that reads back only the 25 tickets the sync wrote and patches the shown portfolio.
//! Both end with the same analysis of the whole portfolio, which is timed apart.
//!
//! Run with `cargo bench --bench refresh`.

use std::time::Instant;

use chrono::Utc;
use lookout::analysis::{StallPolicy, analyse};
use lookout::app::{ViewSpec, load_and_analyse, refresh};
use lookout::rng::Rng;
use lookout::store::Store;

mod common;
use common::{BATCH, batch};

const TICKETS: u64 = 100_000;
const CHANGED: usize = 25;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    let mut rng = Rng::new(11);
    let mut last = None;
    for first in (0..TICKETS).step_by(BATCH as usize) {
        let b = batch(first, &mut rng);
        store.write(&b).expect("write");
        last = Some(b);
    }
    let view = ViewSpec {
        sources: vec!["bench".to_string()].into(),
        policy: StallPolicy::default(),
        targets: Default::default(),
    };
    let shown = load_and_analyse(&store, &view).expect("load").portfolio;

    // A sync that moved 25 tickets on: one more status change each.
    let mut small = last.expect("a batch");
    small.projects.clear();
    small.tickets.truncate(CHANGED);
    let ids: Vec<u64> = small.tickets.iter().map(|t| t.id).collect();
    small.transitions.retain(|t| ids.contains(&t.ticket));
    for t in &mut small.transitions {
        t.at += chrono::Duration::days(1);
    }
    store.write(&small).expect("small write");

    let mut full = Vec::new();
    let mut patched = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let a = load_and_analyse(&store, &view).expect("reload");
        full.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let b = refresh(&store, &view, &shown, "bench", &ids).expect("refresh");
        patched.push(start.elapsed().as_secs_f64());
        assert!(
            a.portfolio == b.portfolio,
            "the refresh must equal the reload"
        );
    }
    let start = Instant::now();
    let _ = analyse(&shown, &[], Utc::now(), &view.policy);
    let analysis = start.elapsed().as_secs_f64();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] * 1e3
    };
    let (full, patched) = (median(&mut full), median(&mut patched));
    println!(
        "after a sync of {CHANGED} tickets in a {TICKETS}-ticket store: full reload + analysis \
         {full:.0} ms, refresh + analysis {patched:.0} ms ({:.1}x); the analysis alone {:.0} ms",
        full / patched,
        analysis * 1e3
    );
}
