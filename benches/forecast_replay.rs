//! Track-record benchmark: one project's replay (500 trials per origin, ten years of daily
//! history), and every project's replay and forecast after a sync of 100,000 tickets.
//!
//! Run with `cargo bench --bench forecast_replay`. Each figure is the median of several runs.

use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use lookout::analysis::projection::portfolio_tracks;
use lookout::analysis::track::{self, Asked};
use lookout::analysis::{StallPolicy, analyse};
use lookout::rng::Rng;

mod common;

fn median_ms(runs: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|run| {
            let t = Instant::now();
            f(run);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    // Ten years of a team's deliveries: busy and quiet quarters around two a day.
    let mut rng = Rng::new(5);
    let history: Vec<u32> = (0..3650)
        .map(|d| rng.poisson(if (d / 90) % 2 == 0 { 1.2 } else { 2.8 }))
        .collect();
    let today = NaiveDate::from_ymd_opt(2026, 9, 1).expect("valid date");
    for asked in [Asked::When { items: 20 }, Asked::HowMany { days: 28 }] {
        let ms = median_ms(7, |_| {
            std::hint::black_box(track::replay(&history, asked, today));
        });
        let origins = track::replay(&history, asked, today).settled[2];
        println!(
            "one project's replay, ten years ({origins} settled origins), {} trials per origin, {asked:?}: {ms:.0} ms (target <= 200 ms)",
            track::TRIALS
        );
    }

    let p = common::portfolio(100_000);
    let policy = StallPolicy::default();
    let start = Utc
        .with_ymd_and_hms(2026, 9, 1, 12, 0, 0)
        .single()
        .expect("valid date");
    // Each run is a new day, so nothing is kept from the run before.
    let (mut replays, mut projects) = (Vec::new(), 0);
    let full = median_ms(3, |run| {
        let now = start + Duration::days(run as i64);
        let t = Instant::now();
        let jobs = portfolio_tracks(&p, now.date_naive());
        projects = jobs.len();
        track::fill(jobs);
        replays.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(analyse(&p, &[], now, &policy));
    });
    replays.sort_by(f64::total_cmp);
    println!(
        "after a sync of {} tickets: {projects} projects' replays {:.0} ms, with the analysis (health forecasts at the corrected levels) {full:.0} ms (target <= 1000 ms)",
        p.tickets.len(),
        replays[replays.len() / 2]
    );
}
