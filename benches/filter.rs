//! Filter benchmark: the filter line applied to a 100,000-ticket portfolio (target well under
//! 50 ms a filter), for a few queries people type.
//!
//! Run with `cargo bench --bench filter`. The portfolio is the other benchmarks' synthetic
//! one, given forty people (members with a login and a display name), a few labels, a French
//! title on every fiftieth ticket, a stall on every tenth and a suggestion on every thirtieth.
//! Each figure is the median of several runs of `select` over every ticket, parsing included.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use lookout::domain::{Member, Priority};
use lookout::filter::{Context, Facets, parse, select};

mod common;

const PEOPLE: u64 = 40;

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
    let now = Utc
        .with_ymd_and_hms(2026, 9, 1, 12, 0, 0)
        .single()
        .expect("valid date");
    let mut p = common::portfolio(100_000);
    let labels = ["backend", "frontend", "wontfix", "db", "ops"];
    for t in &mut p.tickets {
        let who = t.id % PEOPLE;
        t.assignee = (who != 0).then(|| format!("Person {who}").into());
        t.labels = vec![labels[(t.id % 5) as usize].into()];
        t.priority = [Priority::Low, Priority::Medium, Priority::High][(t.id % 3) as usize];
        if t.id % 50 == 0 {
            t.title = format!("Rapport d'ÉTÉ numéro {} à relire", t.id);
        }
    }
    let members: Vec<Member> = (0..common::PROJECTS)
        .flat_map(|project| {
            (1..PEOPLE).map(move |who| Member {
                source: "bench".into(),
                project: format!("P{project}").into(),
                login: format!("person{who}").into(),
                display_name: format!("Person {who}").into(),
            })
        })
        .collect();
    let facets = Facets::new(
        p.tickets
            .iter()
            .filter(|t| t.id % 10 == 0)
            .map(|t| ("bench", t.id)),
        p.tickets
            .iter()
            .filter(|t| t.id % 30 == 0)
            .map(|t| ("bench", t.id)),
    );
    let me = vec!["person8".to_string()];
    let cx = Context {
        me: &me,
        members: &members,
        now,
    };
    let all: Vec<usize> = (0..p.tickets.len()).collect();
    for text in [
        "login",
        "number 4242",
        "\"ordinary length\" priority:high,highest",
        "project:P7 status:\"In Progress\",review",
        "assignee:@me -label:wontfix age>30d",
        "assignee:person1,none",
        "stalled -has:suggestion idle>2w",
        "-label:backend,frontend -status:done",
        "été",
    ] {
        let mut found = 0;
        let ms = median_ms(11, || {
            let q = parse(text).expect("a valid filter");
            found = std::hint::black_box(select(&p, &all, &q, &cx, &facets)).len();
        });
        println!(
            "filter {text:<45} over {} tickets: {ms:.2} ms, {found} match (target well under 50 ms)",
            p.tickets.len()
        );
    }
}
