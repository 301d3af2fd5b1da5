//! What the project detail shows: its health components with their reasons, what the
//! analysis knows about its forecast, throughput and WIP over time, where its open work sits,
//! who holds it, and which of it has stalled.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::chart::{bar, columns, squeeze};
use super::lines::{WIDTH, field, fit, indented, number, section, width, wrap_at_most};
use crate::analysis::health::{Component, WANTED_CHANCE};
use crate::analysis::stalled::Severity;
use crate::analysis::{Analysis, ProjectSummary};
use crate::domain::dates::format_days;
use crate::domain::{Portfolio, Signal, StatusCategory};
use crate::ui::Theme;

/// Cells before a chart's columns: the value axis.
const AXIS: usize = 7;
/// Rows of a chart.
const CHART_ROWS: usize = 5;
/// Weeks over which the recent pace is read.
const RECENT_WEEKS: usize = 8;
/// Names in a distribution before the rest are counted together.
const MAX_NAMES: usize = 10;

/// The project detail of `source`/`key`, built once when the view opens.
pub fn project_lines(
    p: &Portfolio,
    a: &Analysis,
    source: &str,
    key: &str,
    now: DateTime<Utc>,
    theme: &Theme,
    unicode: bool,
) -> Vec<Line<'static>> {
    let Some(s) = a
        .projects
        .iter()
        .find(|x| x.source == source && x.key == key)
    else {
        return vec![Line::styled(
            " This project is no longer loaded.",
            theme.dim(),
        )];
    };
    let mut out = Vec::new();
    heading(&mut out, p, s, theme, unicode);
    health(&mut out, s, theme, unicode);
    forecast(&mut out, s, theme, unicode);
    throughput(&mut out, s, now, theme, unicode);
    wip(&mut out, s, theme, unicode);
    let statuses: Vec<(String, usize)> = s.statuses.clone();
    distribution(&mut out, "Open work by status", &statuses, theme, unicode);
    let priorities: Vec<(String, usize)> = s
        .priorities
        .iter()
        .map(|(pr, n)| (pr.label().to_string(), *n))
        .collect();
    distribution(
        &mut out,
        "Open work by priority",
        &priorities,
        theme,
        unicode,
    );
    members(&mut out, p, s, theme, unicode);
    super::hours::hours_logged(&mut out, p, &s.source, &s.key, now, theme, unicode);
    stalled(&mut out, a, s, theme, unicode);
    out
}

fn heading(
    out: &mut Vec<Line<'static>>,
    p: &Portfolio,
    s: &ProjectSummary,
    theme: &Theme,
    unicode: bool,
) {
    let title = fit(&format!("{}  {}", s.key, s.name), WIDTH - 1, unicode);
    out.push(Line::styled(format!(" {title}"), theme.header()));
    let project = p
        .projects
        .iter()
        .find(|x| x.source == s.source && x.key == s.key);
    if let Some(d) = project
        .map(|x| x.description.trim())
        .filter(|d| !d.is_empty())
    {
        for part in wrap_at_most(d, WIDTH - 1, 3, unicode) {
            out.push(Line::styled(format!(" {part}"), theme.dim()));
        }
    }
    out.push(Line::default());
    let plain = Style::new();
    out.push(field("Source", &s.source, plain, theme, unicode));
    let counts = format!(
        "{} to do, {} in progress, {} delivered in 30d, {} total",
        s.todo, s.in_progress, s.done_30d, s.total
    );
    out.push(field("Tickets", &counts, plain, theme, unicode));
    let oldest = s
        .oldest_wip_days
        .map(|d| format!("oldest work in progress started {} ago", format_days(d)))
        .unwrap_or_else(|| "nothing in progress".into());
    let stalled_style = if s.stalled > 0 {
        theme.flag()
    } else {
        theme.ok()
    };
    out.push(field(
        "Stalled",
        &format!("{} flagged; {oldest}", s.stalled),
        stalled_style,
        theme,
        unicode,
    ));
    let target = s
        .target
        .map(|t| t.to_string())
        .unwrap_or_else(|| "none set".into());
    out.push(field("Target", &target, plain, theme, unicode));
    if let Some(url) = project.and_then(|x| x.url.as_deref()) {
        out.push(field("URL", url, plain, theme, unicode));
    }
}

fn risk_style(risk: f64, theme: &Theme) -> Style {
    if risk >= 0.66 {
        theme.flag()
    } else if risk >= 0.33 {
        theme.warn()
    } else {
        theme.ok()
    }
}

fn health(out: &mut Vec<Line<'static>>, s: &ProjectSummary, theme: &Theme, unicode: bool) {
    section(
        out,
        format!(
            "Health (risk 0 is fine, 1 is as bad as it gets; overall {:.2})",
            s.health.composite
        ),
        theme,
    );
    const LEAD: usize = 1 + 9 + 5 + 2;
    for (name, component) in s.health.components() {
        let (risk, reason, style) = match component {
            Some(Component {
                risk: Some(r),
                reason,
                ..
            }) => (format!("{r:>4.2}"), reason.clone(), risk_style(*r, theme)),
            Some(c) => ("   -".into(), c.reason.clone(), theme.dim()),
            None if name == "Delivery" => (
                "   -".into(),
                "no target date to judge delivery against".into(),
                theme.dim(),
            ),
            None => (
                "   -".into(),
                "not enough data to judge".into(),
                theme.dim(),
            ),
        };
        for (i, part) in wrap_at_most(&reason, WIDTH - LEAD, 3, unicode)
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                vec![
                    Span::styled(format!(" {name:<9}"), theme.dim()),
                    Span::styled(format!("{risk}  "), style),
                ]
            } else {
                vec![Span::raw(" ".repeat(LEAD))]
            };
            out.push(Line::from(
                lead.into_iter()
                    .chain([Span::styled(part, style)])
                    .collect::<Vec<_>>(),
            ));
        }
    }
}

/// The mean of the last `n` weeks, when there are that many.
fn pace(weeks: &[u32], n: usize) -> Option<f64> {
    (weeks.len() >= n && n > 0).then(|| {
        weeks[weeks.len() - n..]
            .iter()
            .map(|&w| f64::from(w))
            .sum::<f64>()
            / n as f64
    })
}

fn forecast(out: &mut Vec<Line<'static>>, s: &ProjectSummary, theme: &Theme, unicode: bool) {
    section(out, "Forecast".into(), theme);
    let open = s.todo + s.in_progress;
    let chance = s.health.delivery.as_ref().and_then(|c| {
        c.evidence
            .iter()
            .find(|e| e.signal == Signal::TargetChance)
            .map(|e| e.value)
    });
    let target_line = match (s.target, chance) {
        (Some(t), Some(c)) => format!(
            "{:.0}% chance of finishing the {open} open items by {t} (wanted: {:.0}%).",
            c * 100.0,
            WANTED_CHANCE * 100.0
        ),
        (Some(t), None) => format!("Target {t}: {open} open items, nothing left to forecast."),
        (None, _) => format!("No target date; {open} open items."),
    };
    let style = match chance {
        Some(c) => risk_style(1.0 - c, theme),
        None => Style::new(),
    };
    indented(out, 2, &target_line, style, unicode);
    match s.health.predictability.as_ref() {
        Some(c) => indented(
            out,
            2,
            &format!("Spread of the finish date: {}.", c.reason),
            Style::new(),
            unicode,
        ),
        None => indented(
            out,
            2,
            "Spread of the finish date: not known (nothing open, or nothing delivered).",
            theme.dim(),
            unicode,
        ),
    }
    if let Some(c) = s.health.data.as_ref() {
        indented(
            out,
            2,
            &format!("Data behind it: {}.", c.reason),
            Style::new(),
            unicode,
        );
    }
    let recent = pace(&s.weekly_delivered, RECENT_WEEKS);
    let longer = pace(&s.weekly_delivered, s.weekly_delivered.len());
    if let (Some(r), Some(l)) = (recent, longer) {
        indented(
            out,
            2,
            &format!(
                "Pace: {}/wk over the last {RECENT_WEEKS} weeks, {}/wk over {} weeks.",
                number(r),
                number(l),
                s.weekly_delivered.len()
            ),
            Style::new(),
            unicode,
        );
    }
    indented(
        out,
        2,
        "Dates by percentile are on the Forecasts tab.",
        theme.dim(),
        unicode,
    );
}

/// A chart with its value axis: the largest value at the top, zero at the bottom.
fn chart(
    out: &mut Vec<Line<'static>>,
    values: &[f64],
    col_width: usize,
    style: Style,
    theme: &Theme,
    unicode: bool,
) {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let rows = columns(values, CHART_ROWS, col_width, unicode);
    let edge = if unicode { '│' } else { '|' };
    let last = rows.len().saturating_sub(1);
    for (i, row) in rows.into_iter().enumerate() {
        let label = match i {
            0 => number(max),
            i if i == last => "0".into(),
            _ => String::new(),
        };
        out.push(Line::from(vec![
            Span::styled(format!(" {label:>w$}{edge}", w = AXIS - 2), theme.dim()),
            Span::styled(row, style),
        ]));
    }
}

fn throughput(
    out: &mut Vec<Line<'static>>,
    s: &ProjectSummary,
    now: DateTime<Utc>,
    theme: &Theme,
    unicode: bool,
) {
    let weeks = &s.weekly_delivered;
    section(
        out,
        format!("Delivered per week, last {} weeks", weeks.len()),
        theme,
    );
    if weeks.is_empty() {
        indented(out, 2, "Not enough history yet.", theme.dim(), unicode);
        return;
    }
    let values: Vec<f64> = weeks.iter().map(|&w| f64::from(w)).collect();
    chart(out, &values, 2, theme.ok(), theme, unicode);
    let start = now.date_naive() - chrono::Duration::days(7 * weeks.len() as i64);
    let caption = format!(
        "from {start}; last week {}, best {}, total {}",
        weeks.last().copied().unwrap_or(0),
        weeks.iter().max().copied().unwrap_or(0),
        weeks.iter().sum::<u32>()
    );
    out.push(Line::styled(
        format!(
            "{}{}",
            " ".repeat(AXIS),
            fit(&caption, WIDTH - AXIS, unicode)
        ),
        theme.dim(),
    ));
}

fn wip(out: &mut Vec<Line<'static>>, s: &ProjectSummary, theme: &Theme, unicode: bool) {
    let days = &s.wip_trend;
    section(
        out,
        format!("Work in progress, last {} days", days.len()),
        theme,
    );
    if days.is_empty() {
        indented(out, 2, "Not enough history yet.", theme.dim(), unicode);
        return;
    }
    let room = WIDTH - AXIS - 1;
    let values = squeeze(days, room);
    let per = days.len().div_ceil(values.len().max(1));
    chart(out, &values, 1, theme.warn(), theme, unicode);
    let each = if per > 1 {
        format!("{per} days a column (mean); ")
    } else {
        String::new()
    };
    let caption = format!(
        "{each}now {}, peak {}",
        days.last().copied().unwrap_or(0),
        days.iter().max().copied().unwrap_or(0)
    );
    out.push(Line::styled(
        format!(
            "{}{}",
            " ".repeat(AXIS),
            fit(&caption, WIDTH - AXIS, unicode)
        ),
        theme.dim(),
    ));
}

/// One bar per name, longest count first as given, the tail past `MAX_NAMES` summed.
fn distribution(
    out: &mut Vec<Line<'static>>,
    title: &str,
    counts: &[(String, usize)],
    theme: &Theme,
    unicode: bool,
) {
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    section(out, format!("{title} ({total})"), theme);
    if total == 0 {
        indented(out, 2, "Nothing open.", theme.dim(), unicode);
        return;
    }
    const NAME: usize = 22;
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let styles = theme.series();
    let shown = counts.len().min(MAX_NAMES);
    for (i, (name, n)) in counts.iter().take(shown).enumerate() {
        let name = fit(name, NAME, unicode);
        let pad = NAME.saturating_sub(width(&name));
        let (style, _) = styles[i % styles.len()];
        out.push(Line::from(vec![
            Span::raw(format!("  {name}{} {n:>5} ", " ".repeat(pad))),
            Span::styled(bar(*n, max, WIDTH - NAME - 11, unicode), style),
        ]));
    }
    if counts.len() > shown {
        let rest: usize = counts[shown..].iter().map(|(_, n)| n).sum();
        indented(
            out,
            2,
            &format!("and {rest} more in {} others", counts.len() - shown),
            theme.dim(),
            unicode,
        );
    }
}

fn members(
    out: &mut Vec<Line<'static>>,
    p: &Portfolio,
    s: &ProjectSummary,
    theme: &Theme,
    unicode: bool,
) {
    // (in progress, to do) per assignee; `None` holds the unassigned.
    let mut load: BTreeMap<Option<&str>, (usize, usize)> = BTreeMap::new();
    for t in p
        .tickets
        .iter()
        .filter(|t| t.is_open() && t.source == s.source.as_str() && t.project == s.key.as_str())
    {
        let slot = load.entry(t.assignee.as_deref()).or_default();
        if t.category == StatusCategory::InProgress {
            slot.0 += 1;
        } else {
            slot.1 += 1;
        }
    }
    let mut rows: Vec<(Option<&str>, usize, usize)> =
        load.into_iter().map(|(who, (w, q))| (who, w, q)).collect();
    rows.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then_with(|| a.0.cmp(&b.0)));
    section(
        out,
        "Members' load (open tickets: in progress / to do)".into(),
        theme,
    );
    if rows.is_empty() {
        indented(out, 2, "Nothing open.", theme.dim(), unicode);
        return;
    }
    const NAME: usize = 26;
    // The unassigned backlog would dwarf every person's share: people are scaled among
    // themselves, and the unassigned row gives its counts alone.
    let max = rows
        .iter()
        .filter(|r| r.0.is_some())
        .map(|r| r.1 + r.2)
        .max()
        .unwrap_or(0);
    let room = WIDTH - 2 - NAME - 13 - 2;
    let [(work, _), (queue, _), ..] = theme.series();
    let queued = if unicode { "░" } else { "." };
    for (who, in_progress, todo) in rows {
        let (name, style) = match who {
            Some(login) => (
                p.members
                    .iter()
                    .find(|m| {
                        m.source == s.source.as_str()
                            && m.project == s.key.as_str()
                            && m.login == login
                            && m.display_name != login
                    })
                    .map(|m| format!("{} ({login})", m.display_name))
                    .unwrap_or_else(|| login.to_string()),
                Style::new(),
            ),
            None => ("unassigned".to_string(), theme.dim()),
        };
        let name = fit(&name, NAME, unicode);
        let pad = NAME.saturating_sub(width(&name));
        let mut spans = vec![
            Span::styled(format!("  {name}{}", " ".repeat(pad)), style),
            Span::raw(format!("{in_progress:>5} / {todo:<5} ")),
        ];
        if who.is_some() {
            let working = bar(in_progress, max, room, unicode);
            // The to-do part extends the in-progress bar to the person's whole load.
            let whole = width(&bar(in_progress + todo, max, room, unicode));
            let rest = whole.saturating_sub(width(&working));
            spans.push(Span::styled(working, work));
            spans.push(Span::styled(queued.repeat(rest), queue));
        }
        out.push(Line::from(spans));
    }
}

fn stalled(
    out: &mut Vec<Line<'static>>,
    a: &Analysis,
    s: &ProjectSummary,
    theme: &Theme,
    unicode: bool,
) {
    const SHOWN: usize = 8;
    let here: Vec<_> = a
        .stalled
        .iter()
        .filter(|x| x.source == s.source.as_str() && x.project == s.key.as_str())
        .collect();
    section(out, format!("Stalled here ({})", here.len()), theme);
    if here.is_empty() {
        indented(out, 2, "Nothing stalled.", theme.dim(), unicode);
        return;
    }
    for x in here.iter().take(SHOWN) {
        let style = match x.severity {
            Severity::Flag => theme.flag(),
            Severity::Warn => theme.warn(),
        };
        let key = fit(&x.key, 12, unicode);
        let status = fit(&x.status, 14, unicode);
        let lead = format!(
            "  {key}{} {:>5}  {status}{}  ",
            " ".repeat(12usize.saturating_sub(width(&key))),
            format_days(x.in_status_days),
            " ".repeat(14usize.saturating_sub(width(&status))),
        );
        let room = WIDTH.saturating_sub(width(&lead));
        out.push(Line::from(vec![
            Span::styled(lead, style),
            Span::styled(fit(&x.title, room, unicode), Style::new()),
        ]));
    }
    if here.len() > SHOWN {
        indented(
            out,
            2,
            &format!("and {} more on the Stalled tab", here.len() - SHOWN),
            theme.dim(),
            unicode,
        );
    }
}
