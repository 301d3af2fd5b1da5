//! Rule advisor benchmark: every suggestion for a 100,000-ticket portfolio (target 200 ms),
//! the analysis it reads built beforehand, as the app has it after a load.
//!
//! Run with `cargo bench --bench advise`. The portfolio is the other benchmarks' synthetic
//! one, given what the rules look at: twelve people per project, titles drawn from a
//! vocabulary of a few hundred words (so some share most of their words, and a few were
//! filed twice), and target dates on a fifth of the projects. The figure is the median of
//! several runs, with the CPU time per run beside it.

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use lookout::advisor::rules::suggest;
use lookout::analysis::{StallPolicy, analyse};
use lookout::domain::{Kind, Member, Priority};
use lookout::rng::Rng;

mod common;

/// This process's CPU time so far (user and system, all threads), where Linux reports it:
/// on a machine shared with other work, wall time says as much about the neighbours.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at its closing paren.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Some(ticks * 10.0)
}

const PEOPLE: u64 = 12;
const WORDS: u64 = 400;

fn main() {
    let now = Utc
        .with_ymd_and_hms(2026, 9, 1, 12, 0, 0)
        .single()
        .expect("valid date");
    let mut p = common::portfolio(100_000);
    let mut rng = Rng::new(11);
    let priorities = [
        Priority::Lowest,
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Highest,
    ];
    let mut last_title: std::collections::HashMap<String, String> = Default::default();
    for t in &mut p.tickets {
        let last = last_title.entry(t.project.to_string()).or_default();
        t.assignee = Some(format!("{}-dev{}", t.project, rng.below(PEOPLE)).into());
        t.priority = priorities[rng.below(5) as usize];
        // One ticket in two hundred is the previous one filed again.
        t.title = if rng.chance(0.005) && !last.is_empty() {
            last.clone()
        } else {
            (0..4 + rng.below(5))
                .map(|_| format!("w{}", rng.below(WORDS)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        *last = t.title.clone();
    }
    for (i, project) in p.projects.iter_mut().enumerate() {
        if i % 5 == 0 {
            project.target = Some((now + Duration::days(30)).date_naive());
        }
    }
    let members: Vec<Member> = p
        .projects
        .iter()
        .flat_map(|project| {
            (0..PEOPLE).map(move |n| Member {
                source: project.source.as_str().into(),
                project: project.key.as_str().into(),
                login: format!("{}-dev{n}", project.key).into(),
                display_name: format!("{}-dev{n}", project.key).into(),
            })
        })
        .collect();
    // The analysis the rules read, timed as a yardstick: on a machine shared with other work
    // both figures move together, so compare runs by their ratio.
    let t = Instant::now();
    let analysis = analyse(&p, &[], now, &StallPolicy::default());
    let analysis_ms = t.elapsed().as_secs_f64() * 1e3;

    let mut times = Vec::new();
    let mut found = Vec::new();
    const RUNS: usize = 7;
    let cpu_before = cpu_ms();
    for _ in 0..RUNS {
        let t = Instant::now();
        let run = suggest(&p, &analysis, &members, now);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        // The last run's suggestions are freed outside the timing, as the app keeps them.
        drop(std::mem::replace(&mut found, run));
    }
    let cpu = cpu_before
        .zip(cpu_ms())
        .map(|(a, b)| {
            format!(
                ", {:.0} ms of CPU time (all threads)",
                (b - a) / RUNS as f64
            )
        })
        .unwrap_or_default();
    times.sort_by(f64::total_cmp);
    let counts: Vec<String> = Kind::ALL
        .iter()
        .map(|k| {
            format!(
                "{} {}",
                k.name(),
                found.iter().filter(|s| s.kind == *k).count()
            )
        })
        .collect();
    println!(
        "suggestions for {} tickets, {} projects, {} members, {} stalled: {:.0} ms{cpu} (target <= 200 ms; the analysis they read took {analysis_ms:.0} ms); {} found: {}",
        p.tickets.len(),
        p.projects.len(),
        members.len(),
        analysis.stalled.len(),
        times[times.len() / 2],
        found.len(),
        counts.join(", ")
    );
}
