//! The report as one self-contained HTML page: inline CSS with print rules, charts as inline
//! SVG, no scripts and no external assets, so it opens offline and prints cleanly to PDF.
//!
//! The template (`assets/report.html.j2`) is rendered by minijinja with HTML auto-escaping:
//! every tracker-written string is escaped by the engine, and only the charts (SVG text that
//! plotters escaped itself) are marked safe. Numbers and dates are formatted here, so the
//! template only places text.

use chrono::{DateTime, Utc};
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::charts;
use super::model::{
    DecisionRow, ForecastReport, HealthComponent, ProjectReport, Report, StalledRow, SuggestionRow,
};

const TEMPLATE: &str = include_str!("../../assets/report.html.j2");

/// The whole page. Per project it holds one `<svg>` per chart with data: throughput when any
/// week delivered, aging when anything is in progress, the forecast's distribution when it
/// has a forecast with a trial inside the horizon; a sentence stands in for each missing one.
pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut env = Environment::new();
    // The template's name does not end in `.html`; escaping is asked for outright.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_template("report", TEMPLATE)?;
    let page = page(report)?;
    let html = env.get_template("report")?.render(Serde(&page))?;
    Ok(html)
}

#[derive(Serialize)]
struct Page {
    title: String,
    generated: String,
    data_age: String,
    since: String,
    projects: Vec<ProjectView>,
}

#[derive(Serialize)]
struct ProjectView {
    anchor: String,
    key: String,
    name: String,
    source: String,
    risk: String,
    risk_class: &'static str,
    p85: String,
    counts: super::model::Counts,
    health: Vec<HealthView>,
    throughput_text: String,
    throughput_svg: Option<String>,
    aging_text: String,
    aging_svg: Option<String>,
    stalled: Vec<StalledView>,
    forecast: Option<ForecastView>,
    forecast_svg: Option<String>,
    suggestions: Vec<SuggestionView>,
    decisions: Vec<DecisionView>,
}

#[derive(Serialize)]
struct HealthView {
    name: String,
    risk: String,
    risk_class: &'static str,
    reason: String,
}

#[derive(Serialize)]
struct StalledView {
    key: String,
    title: String,
    status: String,
    assignee: String,
    in_status: String,
    severity: String,
    reason: String,
}

#[derive(Serialize)]
struct ForecastView {
    items: u32,
    method: String,
    trials: usize,
    start: String,
    horizon: u32,
    rows: Vec<ForecastRowView>,
    target: String,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ForecastRowView {
    level: String,
    days: String,
    date: String,
}

#[derive(Serialize)]
struct SuggestionView {
    kind: String,
    ticket: String,
    confidence: String,
    rationale: String,
    action: String,
}

#[derive(Serialize)]
struct DecisionView {
    at: String,
    verdict: String,
    kind: String,
    ticket: String,
    reason: String,
    wrote: String,
}

fn page(r: &Report) -> anyhow::Result<Page> {
    let projects = r
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| project(i, p))
        .collect::<anyhow::Result<_>>()?;
    Ok(Page {
        title: format!("Portfolio report, {}", r.generated_at.format("%Y-%m-%d")),
        generated: stamp(r.generated_at),
        data_age: data_age(r.generated_at, r.data_as_of),
        since: r.since.to_string(),
        projects,
    })
}

fn project(i: usize, p: &ProjectReport) -> anyhow::Result<ProjectView> {
    Ok(ProjectView {
        // Keys are tracker text: the anchor is made of the position alone.
        anchor: format!("project-{}", i + 1),
        key: p.key.clone(),
        name: p.name.clone(),
        source: p.source.clone(),
        risk: format!("{:.2}", p.risk),
        risk_class: risk_class(Some(p.risk)),
        p85: p
            .forecast
            .as_ref()
            .map(p85)
            .unwrap_or_else(|| "-".to_string()),
        counts: p.counts,
        health: p.health.iter().map(health).collect(),
        throughput_text: throughput_text(p),
        throughput_svg: charts::throughput(&p.throughput)?,
        aging_text: aging_text(p),
        aging_svg: charts::aging(&p.aging)?,
        stalled: p.stalled.iter().map(stalled).collect(),
        forecast: p.forecast.as_ref().map(forecast),
        forecast_svg: match &p.forecast {
            Some(f) => charts::forecast(f)?,
            None => None,
        },
        suggestions: p.suggestions.iter().map(suggestion).collect(),
        decisions: p.decisions.iter().map(decision).collect(),
    })
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn data_age(generated: DateTime<Utc>, as_of: Option<DateTime<Utc>>) -> String {
    let Some(as_of) = as_of else {
        return "Some source has never synced: its data is missing.".to_string();
    };
    let minutes = (generated - as_of).num_minutes().max(0);
    let age = if minutes < 60 {
        format!("{minutes} min")
    } else if minutes < 48 * 60 {
        format!("{} h", minutes / 60)
    } else {
        format!("{} days", minutes / (24 * 60))
    };
    format!("Data as of {} ({age} old).", stamp(as_of))
}

fn risk_class(risk: Option<f64>) -> &'static str {
    match risk {
        Some(r) if r >= 0.6 => "risk-high",
        Some(r) if r >= 0.3 => "risk-mid",
        Some(_) => "risk-low",
        None => "",
    }
}

fn health(h: &HealthComponent) -> HealthView {
    HealthView {
        name: h.name.clone(),
        risk: h
            .risk
            .map(|r| format!("{r:.2}"))
            .unwrap_or_else(|| "n/a".to_string()),
        risk_class: risk_class(h.risk),
        reason: h.reason.clone(),
    }
}

fn days(d: f64) -> String {
    if d < 10.0 {
        format!("{d:.1} d")
    } else {
        format!("{d:.0} d")
    }
}

fn throughput_text(p: &ProjectReport) -> String {
    let t = &p.throughput;
    let total: u32 = t.weeks.iter().map(|w| w.delivered).sum();
    let trend = match t.trend {
        Some(x) if x > 1.15 => {
            format!("rising: the last four weeks delivered {x:.2} times the four before")
        }
        Some(x) if x < 0.85 => {
            format!("falling: the last four weeks delivered {x:.2} times the four before")
        }
        Some(x) => format!("steady ({x:.2} times the four weeks before)"),
        None => "no trend: the four weeks before delivered nothing".to_string(),
    };
    format!(
        "{total} items delivered in {} weeks; {trend}.",
        t.weeks.len()
    )
}

fn aging_text(p: &ProjectReport) -> String {
    let a = &p.aging;
    match a.oldest_wip_days {
        Some(oldest) => format!(
            "{} items in progress; the oldest started {} ago.",
            a.wip,
            days(oldest)
        ),
        None => format!("{} items in progress.", a.wip),
    }
}

fn stalled(s: &StalledRow) -> StalledView {
    StalledView {
        key: s.key.clone(),
        title: s.title.clone(),
        status: s.status.clone(),
        assignee: s.assignee.clone().unwrap_or_else(|| "-".to_string()),
        in_status: days(s.in_status_days),
        // Used as a class name too: only the two the model names get through.
        severity: match s.severity.as_str() {
            "flag" => "flag",
            _ => "warn",
        }
        .to_string(),
        reason: s.reason.clone(),
    }
}

fn level(l: f64) -> String {
    format!("{:.0} %", l * 100.0)
}

fn p85(f: &ForecastReport) -> String {
    f.rows
        .iter()
        .find(|r| (r.level - 0.85).abs() < 1e-9)
        .map(|r| match r.date {
            Some(d) => d.to_string(),
            None => format!("not within {} days", f.horizon_days),
        })
        .unwrap_or_else(|| "-".to_string())
}

fn forecast(f: &ForecastReport) -> ForecastView {
    let target = match (f.target, f.chance_by_target) {
        (Some(t), Some(c)) => format!(
            "Target {t}: {:.0} % chance of being done by then.",
            c * 100.0
        ),
        (Some(t), None) => format!("Target {t}: no chance could be given."),
        _ => "No target date is set for this project.".to_string(),
    };
    ForecastView {
        items: f.items,
        method: f.method.clone(),
        trials: f.trials,
        start: f.start.to_string(),
        horizon: f.horizon_days,
        rows: f
            .rows
            .iter()
            .map(|r| ForecastRowView {
                level: level(r.level),
                days: r
                    .days
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| format!("> {}", f.horizon_days)),
                date: r
                    .date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "not within the horizon".to_string()),
            })
            .collect(),
        target,
        warnings: f.warnings.clone(),
    }
}

fn suggestion(s: &SuggestionRow) -> SuggestionView {
    SuggestionView {
        kind: s.kind.clone(),
        ticket: s.ticket.clone().unwrap_or_else(|| "-".to_string()),
        confidence: format!("{:.0} %", s.confidence * 100.0),
        rationale: s.rationale.clone(),
        action: s
            .action
            .clone()
            .unwrap_or_else(|| "nothing (advice)".to_string()),
    }
}

fn decision(d: &DecisionRow) -> DecisionView {
    let mut reason = d.reason.clone().unwrap_or_default();
    if let Some(note) = &d.note {
        if !reason.is_empty() {
            reason.push_str("; ");
        }
        reason.push_str(note);
    }
    DecisionView {
        at: stamp(d.at),
        verdict: d.verdict.clone(),
        kind: d.kind.clone(),
        ticket: d.ticket.clone().unwrap_or_else(|| "-".to_string()),
        reason,
        wrote: d.wrote.clone().unwrap_or_else(|| "-".to_string()),
    }
}
