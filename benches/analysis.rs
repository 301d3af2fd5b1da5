//! Analysis benchmark: one Monte Carlo forecast, the full analysis of a 100,000-ticket
//! portfolio, and a stall scan of 1,000,000 tickets.
//!
//! Run with `cargo bench --bench analysis`. Each figure is the median of several runs.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use lookout::analysis::forecast::{Method, Sampler};
use lookout::analysis::stalled::find_stalled;
use lookout::analysis::{StallPolicy, analyse};
use lookout::rng::Rng;

mod common;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let mut rng = Rng::new(3);
    let history: Vec<u32> = (0..365).map(|_| rng.poisson(2.0)).collect();
    for method in [Method::Calibrated, Method::Classic] {
        let sampler = Sampler::new(&history, method);
        let when = median_ms(21, || {
            std::hint::black_box(sampler.when(50, 10_000, 7, 730));
        });
        let many = median_ms(21, || {
            std::hint::black_box(sampler.how_many(28, 10_000, 7));
        });
        println!(
            "forecast, {} method, 10,000 trials: When 50 items {when:.2} ms, How-Many 28 days {many:.2} ms (target <= 5 ms)",
            method.name()
        );
    }

    let now = Utc
        .with_ymd_and_hms(2026, 9, 1, 12, 0, 0)
        .single()
        .expect("valid date");
    let policy = StallPolicy::default();
    let p = common::portfolio(100_000);
    let full = median_ms(5, || {
        std::hint::black_box(analyse(&p, &[], now, &policy));
    });
    println!(
        "full analysis of {} tickets, {} transitions, {} projects (flow, stalls, health with forecasts, trends): {full:.0} ms (target <= 300 ms)",
        p.tickets.len(),
        p.transitions.len(),
        p.projects.len()
    );

    if std::env::var_os("LOOKOUT_BENCH_PARTS").is_some() {
        use lookout::analysis::baseline::Baselines;
        use lookout::analysis::stalled::{levels, stalled_with};
        let t = Instant::now();
        let h = p.histories();
        println!("  histories {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let b = Baselines::build(&p, &h, policy.min_samples, &levels(&policy));
        println!("  baselines {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let s = stalled_with(&p, &h, &b, now, &policy);
        println!(
            "  stalled {:.0} ms ({})",
            t.elapsed().as_secs_f64() * 1e3,
            s.len()
        );
    }
    drop(p);
    let big = common::portfolio(1_000_000);
    if std::env::var_os("LOOKOUT_BENCH_PARTS").is_some() {
        use lookout::analysis::baseline::Baselines;
        use lookout::analysis::stalled::{levels, stalled_with};
        let t = Instant::now();
        let h = big.histories();
        println!("  1M histories {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let b = Baselines::build(&big, &h, policy.min_samples, &levels(&policy));
        println!("  1M baselines {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let s = stalled_with(&big, &h, &b, now, &policy);
        println!(
            "  1M stalled {:.0} ms ({})",
            t.elapsed().as_secs_f64() * 1e3,
            s.len()
        );
    }
    let scan = median_ms(3, || {
        std::hint::black_box(find_stalled(&big, now, &policy));
    });
    let found = find_stalled(&big, now, &policy).len();
    println!(
        "stall scan of {} tickets, {} transitions: {scan:.0} ms, {found} stalled (target <= 1000 ms)",
        big.tickets.len(),
        big.transitions.len()
    );
}
