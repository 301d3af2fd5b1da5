//! `lookout backtest`: rolling-origin calibration check of the forecasts on a CSV history, and
//! (`--stalls`) of stall detection on the store.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;

use crate::analysis::backtest::{Plan, Report, Series, run};
use crate::analysis::forecast::Method;
use crate::analysis::stall_backtest::{self, Scores, StallPlan, StallReport};
use crate::analysis::stalled::StallPolicy;
use crate::config::Settings;
use crate::domain::dates::parse_instant;
use crate::domain::is_non_delivery;
use crate::sources::csv::{Class, Statuses};
use crate::store::Store;
use crate::text::{sanitize, sanitize_cow};

/// Rows that could not be used, reported with their line numbers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub count: usize,
    pub first_lines: Vec<u64>,
    /// Rows left out on purpose: resolved without delivering (duplicate, won't fix...).
    pub not_delivered: usize,
}

/// Reads a CSV with at least `project` and `resolved` columns (`created` is used when present
/// to start a project's history before its first resolution) into per-project series.
pub fn read_series(path: &Path, min_resolved: usize) -> anyhow::Result<(Vec<Series>, Skipped)> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: no header row", path.display()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(project_col), Some(resolved_col)) = (column("project"), column("resolved")) else {
        bail!(
            "{}: the header needs `project` and `resolved` columns; it has: {}",
            path.display(),
            sanitize(&headers.iter().collect::<Vec<_>>().join(", "))
        );
    };
    let created_col = column("created");
    let resolution_col = column("resolution");

    let mut skipped = Skipped::default();
    let mut by_project: BTreeMap<String, (Vec<NaiveDate>, Option<NaiveDate>)> = BTreeMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                skip(&mut skipped, line);
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let project = record.get(project_col).unwrap_or("").trim();
        let resolved = record.get(resolved_col).and_then(parse_instant);
        let (false, Some(resolved)) = (project.is_empty(), resolved) else {
            skip(&mut skipped, line);
            continue;
        };
        // A duplicate or "won't fix" closes a ticket without delivering it.
        if resolution_col
            .and_then(|c| record.get(c))
            .is_some_and(|r| is_non_delivery(&sanitize_cow(r)))
        {
            skipped.not_delivered += 1;
            continue;
        }
        // The file is read here, not synced: its text is cleaned here, as a sync would.
        let entry = by_project
            .entry(sanitize_cow(project).into_owned())
            .or_default();
        entry.0.push(resolved.date_naive());
        if let Some(created) = created_col
            .and_then(|c| record.get(c))
            .and_then(parse_instant)
        {
            let day = created.date_naive();
            entry.1 = Some(entry.1.map_or(day, |d| d.min(day)));
        }
    }
    let series = by_project
        .into_iter()
        .filter(|(_, (resolved, _))| resolved.len() >= min_resolved)
        .filter_map(|(project, (resolved, created))| {
            let first = resolved.iter().min().copied()?;
            let last = resolved.iter().max().copied()?;
            let start = created.map_or(first, |c| c.min(first));
            let mut daily = vec![0u32; (last - start).num_days() as usize + 1];
            for d in resolved {
                daily[(d - start).num_days() as usize] += 1;
            }
            Some(Series { project, daily })
        })
        .collect();
    Ok((series, skipped))
}

fn skip(skipped: &mut Skipped, line: u64) {
    skipped.count += 1;
    if skipped.first_lines.len() < 5 {
        skipped.first_lines.push(line);
    }
}

pub fn backtest(
    path: &Path,
    method: Method,
    min_resolved: usize,
    plan: &Plan,
) -> anyhow::Result<(Report, Skipped)> {
    let (series, skipped) = read_series(path, min_resolved)?;
    if series.is_empty() {
        bail!(
            "{}: no project has {min_resolved} or more resolved tickets to backtest",
            path.display()
        );
    }
    Ok((run(&series, method, plan), skipped))
}

fn pct(x: f64) -> String {
    if x.is_nan() {
        "   -".to_string()
    } else {
        format!("{:>3.0}%", x * 100.0)
    }
}

pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let c = &r.coverage;
    out.push_str(&format!(
        "method {}: {} projects, {} How-Many origins, {} When origins\n",
        r.method.name(),
        r.projects,
        r.origins,
        r.when_origins
    ));
    out.push_str("statement coverage   nominal:  50%  70%  85%  95%\n");
    for (name, cov) in [
        ("How-Many (28 days)", &c.how_many),
        ("When (20 items)", &c.when),
    ] {
        out.push_str(&format!(
            "  {name:<27} {} {} {} {}\n",
            pct(cov.p50),
            pct(cov.p70),
            pct(cov.p85),
            pct(cov.p95)
        ));
    }
    out.push_str(&format!(
        "projects within 5 points of 85%: How-Many {} of {}, When {} of {}\n",
        r.near_nominal_85.how_many, r.projects, r.near_nominal_85.when, r.projects
    ));
    out.push_str(&format!(
        "mean relative CRPS: How-Many {:.3}, When {:.3}\n",
        r.mean_relative_crps.how_many, r.mean_relative_crps.when
    ));
    out.push_str(&format!(
        "median 90% interval width: How-Many {:.1} items, When {:.1} days\n",
        r.median_interval_width.how_many, r.median_interval_width.when
    ));
    let bins = |b: &[f64; 10]| {
        b.iter()
            .map(|x| format!("{:>4.1}", x * 100.0))
            .collect::<Vec<_>>()
            .join(" ")
    };
    out.push_str(&format!(
        "PIT histogram % (flat = 10.0 each)\n  How-Many {}\n  When     {}\n",
        bins(&r.pit.how_many),
        bins(&r.pit.when)
    ));
    out.push_str("per project (origins; How-Many 85% 95%; When 85% 95%)\n");
    for p in &r.per_project {
        out.push_str(&format!(
            "  {:<12} {:>4}   {} {}   {} {}\n",
            p.project,
            p.origins,
            pct(p.coverage.how_many.p85),
            pct(p.coverage.how_many.p95),
            pct(p.coverage.when.p85),
            pct(p.coverage.when.p95)
        ));
    }
    out
}

/// `lookout backtest --stalls`: the Stalled list replayed at past origins on whatever the store
/// holds (syncing first if it holds nothing), against the no-change baseline.
pub async fn stalls(settings: &Settings, store: &Store) -> anyhow::Result<StallReport> {
    let portfolio = crate::commands::sync::load_or_sync(settings, store).await?;
    // A status name no ticket holds now is mapped by the CSV sources' `statuses` tables, then
    // by the defaults, as an import would.
    let tables: Vec<Statuses> = settings
        .sources
        .iter()
        .filter_map(|s| s.kind.get::<crate::sources::csv::Settings>())
        .map(|s| s.statuses.clone())
        .collect();
    let fallback = move |name: &str| {
        tables
            .iter()
            .find_map(|t| t.class_of(name))
            .map(Class::category)
            .unwrap_or_else(|| Statuses::default().category_of(name, false))
    };
    let plan = StallPlan::default();
    let policy = StallPolicy::default();
    tokio::task::spawn_blocking(move || stall_backtest::run(&portfolio, &fallback, &plan, &policy))
        .await
        .context("the stall backtest stopped")
}

/// The report as JSON, under `stalls`.
pub fn stalls_json(r: &StallReport) -> anyhow::Result<String> {
    #[derive(serde::Serialize)]
    struct Under<'a> {
        stalls: &'a StallReport,
    }
    Ok(crate::text::json::to_string_pretty(&Under { stalls: r })?)
}

fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "   -".to_string(), |v| format!("{:>3.0}%", v * 100.0))
}

fn scores_line(name: &str, s: &Scores) -> String {
    format!(
        "  {name:<26} {}  {}  {} ({} of {} flags)\n",
        share(s.precision_at_10),
        share(s.precision_at_25),
        share(s.share_true),
        s.true_flags,
        s.flags
    )
}

fn lead_text(median: Option<f64>, tickets: usize) -> String {
    match median {
        Some(d) if d >= 0.0 => {
            format!("{d:.0} days before the baseline (median of {tickets} tickets both flagged)")
        }
        Some(d) => format!(
            "{:.0} days after the baseline (median of {tickets} tickets both flagged)",
            -d
        ),
        None => "no ticket flagged by both".to_string(),
    }
}

pub fn stalls_table(r: &StallReport) -> String {
    let mut out = String::new();
    match (r.first_origin, r.last_origin) {
        (Some(first), Some(last)) => out.push_str(&format!(
            "stall detection: {} origins every {} days ({first} to {last}); a flag is true if \
             the ticket is not done {} days later, or closed without delivering\n",
            r.origins, r.step_days, r.horizon_days
        )),
        _ => {
            out.push_str(
                "stall detection: no origin to test; the store needs more history (90 days of \
                 warm-up and 28 days of outcome)\n",
            );
            return out;
        }
    }
    out.push_str("  whole portfolio             P@10  P@25  true of all flags\n");
    out.push_str(&scores_line("lookout", &r.lookout));
    out.push_str(&scores_line("no change for 14 days", &r.baseline));
    out.push_str(&format!(
        "  base rate: {} of {} tickets in progress at the origins were true stalls\n",
        share(r.base_rate).trim(),
        r.in_progress
    ));
    out.push_str(&format!(
        "  lookout flagged {}\n",
        lead_text(r.lead_days_median, r.lead_tickets)
    ));
    out.push_str(
        "per project (lookout P@10 P@25 true; baseline P@10 P@25 true; base rate; lead days)\n",
    );
    for p in &r.per_project {
        out.push_str(&format!(
            "  {:<12} {} {} {};  {} {} {};  {};  {}\n",
            sanitize(&p.project),
            share(p.lookout.precision_at_10),
            share(p.lookout.precision_at_25),
            share(p.lookout.share_true),
            share(p.baseline.precision_at_10),
            share(p.baseline.precision_at_25),
            share(p.baseline.share_true),
            share(p.base_rate),
            p.lead_days_median
                .map_or_else(|| "-".to_string(), |d| format!("{d:.0}"))
        ));
    }
    out
}
