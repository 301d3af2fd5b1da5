//! The project detail's time section: hours logged on the project's tickets over the last 30
//! days, per member, most first. Service desks (ConnectWise) book their work as time, so this
//! is where a project's effort shows even when its tickets move little.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use ratatui::text::{Line, Span};

use super::chart::bar;
use super::lines::{WIDTH, fit, indented, number, section, width};
use crate::domain::Portfolio;
use crate::ui::Theme;

/// Days of logged time the section covers.
pub const DAYS: i64 = 30;
/// Members named before the rest are summed on one line.
const MAX_MEMBERS: usize = 10;
/// Cells for a member's name.
const NAME: usize = 26;

/// Hours per member on `source`/`key`'s tickets logged in the `DAYS` before `now`, most
/// first (ties by name).
pub fn per_member(
    p: &Portfolio,
    source: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Vec<(String, f64)> {
    let tickets: HashSet<u64> = p
        .tickets
        .iter()
        .filter(|t| t.source == source && t.project == key)
        .map(|t| t.id)
        .collect();
    let since = now - Duration::days(DAYS);
    let mut by: HashMap<&str, f64> = HashMap::new();
    for e in p.time_entries.iter().filter(|e| {
        e.source == source
            && tickets.contains(&e.ticket)
            && e.at > since
            && e.at <= now
            && e.hours.is_finite()
    }) {
        *by.entry(e.member.as_str()).or_default() += e.hours;
    }
    let mut rows: Vec<(String, f64)> = by.into_iter().map(|(m, h)| (m.to_string(), h)).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

pub fn hours_logged(
    out: &mut Vec<Line<'static>>,
    p: &Portfolio,
    source: &str,
    key: &str,
    now: DateTime<Utc>,
    theme: &Theme,
    unicode: bool,
) {
    let rows = per_member(p, source, key, now);
    let total: f64 = rows.iter().map(|r| r.1).sum();
    section(
        out,
        format!("Hours logged, last {DAYS} days ({} h)", number(total)),
        theme,
    );
    if rows.is_empty() {
        indented(out, 2, "No time logged.", theme.dim(), unicode);
        return;
    }
    // Bars compare tenths of an hour, so a quarter hour still draws.
    let tenths = |h: f64| (h * 10.0).round().max(0.0) as usize;
    let max = rows.first().map_or(0, |r| tenths(r.1));
    let room = WIDTH - 2 - NAME - 10;
    let [(style, _), ..] = theme.series();
    let shown = rows.len().min(MAX_MEMBERS);
    for (who, hours) in &rows[..shown] {
        let name = fit(&crate::text::sanitize(who), NAME, unicode);
        let pad = NAME.saturating_sub(width(&name));
        out.push(Line::from(vec![
            Span::raw(format!(
                "  {name}{}{:>6} h  ",
                " ".repeat(pad),
                number(*hours)
            )),
            Span::styled(bar(tenths(*hours), max, room, unicode), style),
        ]));
    }
    if rows.len() > shown {
        let rest: f64 = rows[shown..].iter().map(|r| r.1).sum();
        indented(
            out,
            2,
            &format!("{} more: {} h", rows.len() - shown, number(rest)),
            theme.dim(),
            unicode,
        );
    }
}
