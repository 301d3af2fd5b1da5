//! The demo portfolio is deterministic and each project tells the story it claims, measured
//! with the same analysis the app uses.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc, Weekday};
use lookout::analysis::flow::{arrived_within, cycle_times, daily_throughput, done_within};
use lookout::analysis::quantile;
use lookout::analysis::stalled::Severity;
use lookout::analysis::{StallPolicy, analyse};
use lookout::domain::{Portfolio, StatusCategory, Ticket};
use lookout::sources::demo::{IN_REVIEW, generate};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("valid date")
}

fn demo() -> Portfolio {
    demo_with(42)
}

fn demo_with(seed: u64) -> Portfolio {
    generate("demo", seed, now()).into_change_set().into()
}

/// The stories must come from the story parameters, not from one lucky seed.
const SEEDS: [u64; 4] = [42, 1, 2026, 99_991];

fn of<'a>(p: &'a Portfolio, project: &str) -> Vec<&'a Ticket> {
    p.tickets.iter().filter(|t| t.project == project).collect()
}

#[test]
fn same_seed_same_portfolio_other_seed_other_portfolio() {
    let a = generate("demo", 42, now()).into_change_set();
    let b = generate("demo", 42, now()).into_change_set();
    let c = generate("demo", 43, now()).into_change_set();
    assert_eq!(a, b);
    assert_ne!(a.tickets, c.tickets);
}

#[test]
fn portfolio_is_large_and_complete() {
    let p = demo();
    assert!(p.projects.len() >= 8, "{} projects", p.projects.len());
    assert!(p.tickets.len() >= 1500, "{} tickets", p.tickets.len());
    assert!(!p.members.is_empty() && !p.time_entries.is_empty() && !p.notes.is_empty());
    let reopened = p
        .transitions
        .iter()
        .filter(|t| t.from.as_deref() == Some("Done"))
        .count();
    assert!(reopened > 20, "{reopened} reopenings");
    for t in &p.tickets {
        assert!(
            t.created <= now() && t.updated <= now(),
            "{} is in the future",
            t.key
        );
        assert_eq!(
            t.category == StatusCategory::Done,
            t.resolved.is_some(),
            "{}",
            t.key
        );
    }
}

#[test]
fn flow_looks_like_a_real_tracker() {
    let p = demo();
    let all: Vec<&Ticket> = p.tickets.iter().collect();
    let from = (now() - Duration::days(180)).date_naive();
    let mut zero_shares: Vec<f64> = ["ATLAS", "BORE", "CRUX", "DUNE", "HALO", "IRIS"]
        .iter()
        .map(|k| {
            let daily = daily_throughput(&of(&p, k), from, now().date_naive());
            daily.iter().filter(|&&n| n == 0).count() as f64 / daily.len() as f64
        })
        .collect();
    zero_shares.sort_by(f64::total_cmp);
    let median = zero_shares[zero_shares.len() / 2];
    assert!(
        median > 0.35,
        "median share of zero-throughput days {median:.2}"
    );
    let daily = daily_throughput(&all, from, now().date_naive());
    let mut weekend = 0;
    let mut weekday = 0;
    for (i, n) in daily.iter().enumerate() {
        let d = from + Duration::days(i as i64);
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            weekend += n
        } else {
            weekday += n
        }
    }
    assert!(
        weekend * 10 < weekday,
        "weekends {weekend} vs weekdays {weekday}"
    );
    let mut cycle = cycle_times(&all);
    cycle.sort_by(f64::total_cmp);
    let p50 = quantile::inverted_cdf(&cycle, 0.5).expect("cycle times");
    let p95 = quantile::inverted_cdf(&cycle, 0.95).expect("cycle times");
    assert!(
        p95 / p50 > 3.0,
        "cycle times not long-tailed: P50 {p50:.1} P95 {p95:.1}"
    );
}

#[test]
fn each_project_tells_its_story() {
    for seed in SEEDS {
        stories_hold(seed);
    }
}

fn stories_hold(seed: u64) {
    let p = demo_with(seed);
    let a = analyse(&p, &[], now(), &StallPolicy::default());
    let row = |k: &str| {
        a.projects
            .iter()
            .find(|r| r.key == k)
            .expect("project exists")
    };
    let flagged = |k: &str| {
        a.stalled
            .iter()
            .filter(|s| s.project == k && s.severity == Severity::Flag)
            .count()
    };
    let window = Duration::days(28);

    // Healthy: little stalled, delivery keeps pace with intake.
    let atlas = of(&p, "ATLAS");
    assert!(
        flagged("ATLAS") <= 3,
        "ATLAS has {} stalled",
        flagged("ATLAS")
    );
    let ratio = arrived_within(&atlas, now(), window) as f64
        / done_within(&atlas, now(), window).max(1) as f64;
    assert!(
        (0.6..1.6).contains(&ratio),
        "ATLAS arrivals/departures {ratio:.2}"
    );

    // Slipping: the last eight weeks deliver far less than the same span five months ago.
    let bore = of(&p, "BORE");
    let recent = done_within(&bore, now(), Duration::days(56));
    let before = done_within(&bore, now() - Duration::days(160), Duration::days(56));
    assert!(
        (recent as f64) < 0.65 * before as f64,
        "seed {seed}: BORE recent {recent} vs before {before}"
    );

    // Stalled review queue: the most stalled tickets, nearly all in review.
    let crux: Vec<_> = a
        .stalled
        .iter()
        .filter(|s| s.project == "CRUX" && s.severity == Severity::Flag)
        .collect();
    assert!(
        a.projects.iter().all(|r| r.stalled <= crux.len()),
        "CRUX is not the most stalled"
    );
    let in_review = crux.iter().filter(|s| s.status == IN_REVIEW).count();
    assert!(
        crux.len() >= 8 && in_review * 10 >= crux.len() * 8,
        "CRUX {in_review}/{} in review",
        crux.len()
    );

    // Overloaded member: one person holds the bulk of the work in progress.
    let dune = of(&p, "DUNE");
    let wip: Vec<_> = dune
        .iter()
        .filter(|t| t.category == StatusCategory::InProgress)
        .collect();
    let first = p
        .members
        .iter()
        .find(|m| m.project == "DUNE")
        .map(|m| m.login.as_str());
    let lead = wip
        .iter()
        .filter(|t| t.assignee.as_deref() == first)
        .count();
    assert!(
        wip.len() >= 4 && lead * 2 > wip.len(),
        "DUNE lead holds {lead} of {}",
        wip.len()
    );

    // Scope growth: arrivals far outpace departures over four weeks.
    let ember = of(&p, "EMBER");
    let (arr, dep) = (
        arrived_within(&ember, now(), window),
        done_within(&ember, now(), window),
    );
    assert!(
        arr as f64 > 1.8 * dep as f64,
        "EMBER arrivals {arr} departures {dep}"
    );

    // Nearly finished: a handful open out of a long history.
    let fjord = row("FJORD");
    let open = fjord.todo + fjord.in_progress;
    assert!(
        (1..=12).contains(&open) && fjord.total >= 150,
        "FJORD {open} open of {}",
        fjord.total
    );

    // New: a few weeks of history only.
    let glint = of(&p, "GLINT");
    assert!(glint.iter().all(|t| t.created > now() - Duration::days(21)) && glint.len() < 40);

    // Bulk closures: at least one day closes many times the usual count.
    let halo = of(&p, "HALO");
    let daily = daily_throughput(
        &halo,
        (now() - Duration::days(240)).date_naive(),
        now().date_naive(),
    );
    let mut busy: Vec<u32> = daily.iter().copied().filter(|&n| n > 0).collect();
    busy.sort_unstable();
    let median = busy[busy.len() / 2];
    let peak = busy.last().copied().unwrap_or(0);
    assert!(
        peak >= 5 * median.max(1),
        "HALO peak {peak} vs median busy day {median}"
    );

    // Reopen loops: many tickets come back from done.
    let iris_reopened = p
        .transitions
        .iter()
        .filter(|t| t.from.as_deref() == Some("Done"))
        .filter(|t| {
            p.tickets
                .iter()
                .any(|x| x.id == t.ticket && x.project == "IRIS")
        })
        .count();
    assert!(
        iris_reopened as f64 > 0.12 * of(&p, "IRIS").len() as f64,
        "IRIS reopened {iris_reopened}"
    );
}

#[test]
fn health_components_tell_the_stories_with_reasons() {
    let p = demo();
    let a = analyse(&p, &[], now(), &StallPolicy::default());
    let row = |k: &str| {
        a.projects
            .iter()
            .find(|r| r.key == k)
            .expect("project exists")
    };
    let risk = |c: &Option<lookout::analysis::health::Component>| {
        c.as_ref().and_then(|c| c.risk).unwrap_or(-1.0)
    };
    let bore = &row("BORE").health;
    assert!(
        risk(&bore.delivery) > 0.9,
        "BORE cannot meet its target: {:?}",
        bore.delivery
    );
    assert!(
        bore.delivery
            .as_ref()
            .is_some_and(|c| c.reason.contains("chance of finishing"))
    );
    let atlas = &row("ATLAS").health;
    assert!(
        risk(&atlas.delivery) < 0.2,
        "ATLAS is on track: {:?}",
        atlas.delivery
    );
    assert_eq!(risk(&atlas.data), 0.0, "{:?}", atlas.data);
    assert!(
        risk(&row("EMBER").health.balance) > 0.5,
        "{:?}",
        row("EMBER").health.balance
    );
    assert!(
        risk(&row("ATLAS").health.balance) < 0.3,
        "{:?}",
        row("ATLAS").health.balance
    );
    assert_eq!(
        risk(&row("GLINT").health.data),
        1.0,
        "a new project has thin data"
    );
    // The composite ranks the troubled above the healthy.
    assert!(bore.composite > atlas.composite);
    // Sparklines and distributions are filled.
    assert_eq!(row("ATLAS").wip_trend.len(), 90);
    assert!(row("ATLAS").weekly_delivered.len() >= 26);
    assert!(row("CRUX").statuses.iter().any(|(s, _)| s == IN_REVIEW));
    assert!(!row("CRUX").priorities.is_empty());
}
