//! The report as Markdown that reads well pasted into a GitHub issue or a chat: a portfolio
//! table first, then a section per project, riskiest first.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::model::*;

/// One table cell: tracker text cannot end the cell (`|`), open code (`` ` ``), start HTML
/// (`<`) or break the row (line breaks).
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // `![](url)` would show (and fetch) an image, `[x](url)` a link the tracker chose.
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '!' => out.push_str("\\!"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.collect();
        format!("| {} |\n", cells.join(" | "))
    };
    out.push_str(&line(&mut head.iter().map(|h| h.to_string())));
    out.push_str(&line(&mut head.iter().map(|_| "---".to_string())));
    for row in rows {
        out.push_str(&line(&mut row.iter().map(|c| cell(c))));
    }
    out.push('\n');
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

fn days(d: f64) -> String {
    format!("{d:.1} d")
}

/// "+25 %" for a quarter more delivered in the last four weeks than in the four before.
pub fn trend(t: Option<f64>) -> String {
    match t {
        Some(r) => format!("{:+.0} %", (r - 1.0) * 100.0),
        None => "-".to_string(),
    }
}

/// The date by which the open items are done at `level`, in words for a table.
pub fn done_by(f: Option<&ForecastReport>, level: f64) -> String {
    let Some(f) = f else {
        return "nothing open".to_string();
    };
    match f
        .rows
        .iter()
        .find(|r| r.level == level)
        .and_then(|r| r.date)
    {
        Some(d) => d.to_string(),
        None => format!("not within {} d", f.horizon_days),
    }
}

/// "3 h old", "2 d old".
pub fn age(data: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let mins = (now - data).num_minutes().max(0);
    match mins {
        m if m < 60 => format!("{m} min old"),
        m if m < 48 * 60 => format!("{} h old", m / 60),
        m => format!("{} d old", m / (24 * 60)),
    }
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Portfolio report, {}\n",
        r.generated_at.format("%Y-%m-%d")
    );
    let _ = match r.data_as_of {
        Some(at) => writeln!(
            out,
            "Data as of {} ({}). Decisions since {}.\n",
            at.format("%Y-%m-%d %H:%M UTC"),
            age(at, r.generated_at),
            r.since
        ),
        None => writeln!(
            out,
            "Data age unknown: a source has never finished a sync. Decisions since {}.\n",
            r.since
        ),
    };
    if r.projects.is_empty() {
        out.push_str("No projects in the store.\n");
        return out;
    }
    let rows: Vec<Vec<String>> = r
        .projects
        .iter()
        .map(|p| {
            vec![
                format!("{} ({})", p.key, p.name),
                format!("{:.2}", p.risk),
                p.counts.in_progress.to_string(),
                p.counts.stalled.to_string(),
                p.counts.done_30d.to_string(),
                trend(p.throughput.trend),
                done_by(p.forecast.as_ref(), 0.85),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "Project",
            "Risk",
            "WIP",
            "Stalled",
            "Done 30d",
            "Trend",
            "85 % done by",
        ],
        &rows,
    );
    for p in &r.projects {
        project(&mut out, p, r);
    }
    out
}

fn project(out: &mut String, p: &ProjectReport, r: &Report) {
    let _ = writeln!(
        out,
        "## {}: {} ({})\n",
        cell(&p.key),
        cell(&p.name),
        cell(&p.source)
    );
    let c = &p.counts;
    let _ = writeln!(
        out,
        "{} tickets: {} to do, {} in progress, {} done in 30 days, {} stalled.\n",
        c.total, c.todo, c.in_progress, c.done_30d, c.stalled
    );

    out.push_str("### Health\n\n");
    let rows: Vec<Vec<String>> = p
        .health
        .iter()
        .map(|h| {
            vec![
                h.name.clone(),
                h.risk
                    .map_or_else(|| "-".to_string(), |x| format!("{x:.2}")),
                h.reason.clone(),
            ]
        })
        .collect();
    table(out, &["Component", "Risk", "Reason"], &rows);

    out.push_str("### Throughput\n\n");
    match p.throughput.weeks.last() {
        Some(last) => {
            let counts: Vec<String> = p
                .throughput
                .weeks
                .iter()
                .map(|w| w.delivered.to_string())
                .collect();
            let _ = writeln!(
                out,
                "Delivered per week, oldest first ({} weeks to {}): {}.\n",
                p.throughput.weeks.len(),
                last.week_ending,
                counts.join(", ")
            );
            let _ = writeln!(
                out,
                "Last four weeks against the four before: {}.\n",
                trend(p.throughput.trend)
            );
        }
        None => out.push_str("No full week of history yet.\n\n"),
    }

    out.push_str("### Aging work in progress\n\n");
    if p.aging.items.is_empty() {
        out.push_str("Nothing in progress.\n\n");
    } else {
        let rows: Vec<Vec<String>> = p
            .aging
            .items
            .iter()
            .map(|i| vec![i.key.clone(), i.status.clone(), days(i.age_days)])
            .collect();
        table(out, &["Ticket", "Status", "Age"], &rows);
    }

    out.push_str("### Stalled\n\n");
    if p.stalled.is_empty() {
        out.push_str("Nothing stalled.\n\n");
    } else {
        let flagged = p.stalled.iter().filter(|s| s.severity == "flag").count();
        let _ = writeln!(
            out,
            "{flagged} flagged, {} warned, worst first.\n",
            p.stalled.len() - flagged
        );
        let rows: Vec<Vec<String>> = p
            .stalled
            .iter()
            .map(|s| {
                vec![
                    s.key.clone(),
                    s.title.clone(),
                    s.status.clone(),
                    s.assignee.clone().unwrap_or_else(|| "-".to_string()),
                    days(s.in_status_days),
                    s.severity.clone(),
                    s.reason.clone(),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Ticket",
                "Title",
                "Status",
                "Assignee",
                "In status",
                "Severity",
                "Reason",
            ],
            &rows,
        );
    }

    out.push_str("### Forecast\n\n");
    match &p.forecast {
        None => out.push_str("Nothing open to forecast.\n\n"),
        Some(f) => {
            let _ = writeln!(
                out,
                "When will the {} open items be done? ({} method, {} trials, from {})\n",
                f.items, f.method, f.trials, f.start
            );
            let rows: Vec<Vec<String>> = f
                .rows
                .iter()
                .map(|row| {
                    vec![
                        percent(row.level),
                        row.date.map_or_else(
                            || format!("not within {} d", f.horizon_days),
                            |d| d.to_string(),
                        ),
                        row.days.map_or_else(|| "-".to_string(), |d| d.to_string()),
                    ]
                })
                .collect();
            table(out, &["Chance", "Done by", "Days"], &rows);
            if let (Some(t), Some(chance)) = (f.target, f.chance_by_target) {
                let _ = writeln!(
                    out,
                    "Target {t}: {} chance of being done by then.\n",
                    percent(chance)
                );
            }
            for w in &f.warnings {
                let _ = writeln!(out, "- Note: {}", cell(w));
            }
            if !f.warnings.is_empty() {
                out.push('\n');
            }
        }
    }

    out.push_str("### Open suggestions\n\n");
    if p.suggestions.is_empty() {
        out.push_str("None.\n\n");
    } else {
        let rows: Vec<Vec<String>> = p
            .suggestions
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.kind.clone(),
                    s.ticket.clone().unwrap_or_else(|| "-".to_string()),
                    percent(s.confidence),
                    s.rationale.clone(),
                    s.action.clone().unwrap_or_else(|| "-".to_string()),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Id",
                "Kind",
                "Ticket",
                "Confidence",
                "Why",
                "Accepting writes",
            ],
            &rows,
        );
    }

    let _ = writeln!(out, "### Decisions since {}\n", r.since);
    if p.decisions.is_empty() {
        out.push_str("None.\n\n");
    } else {
        let rows: Vec<Vec<String>> = p
            .decisions
            .iter()
            .map(|d| {
                let opt = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".to_string());
                vec![
                    d.at.format("%Y-%m-%d %H:%M").to_string(),
                    d.verdict.clone(),
                    d.suggestion.clone(),
                    opt(&d.ticket),
                    opt(&d.reason),
                    opt(&d.note),
                    opt(&d.wrote),
                ]
            })
            .collect();
        table(
            out,
            &[
                "When (UTC)",
                "Verdict",
                "Suggestion",
                "Ticket",
                "Reason",
                "Note",
                "Wrote",
            ],
            &rows,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b`c`\nd"), "a\\|b\\`c\\` d");
        assert_eq!(cell("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(cell("back\\slash"), "back\\\\slash");
        assert_eq!(
            cell("![](http://pixel) [x](y)"),
            "\\!\\[\\](http://pixel) \\[x\\](y)",
            "no image fetched, no link the tracker chose"
        );
    }

    #[test]
    fn trend_reads_as_a_change() {
        assert_eq!(trend(Some(1.25)), "+25 %");
        assert_eq!(trend(Some(0.5)), "-50 %");
        assert_eq!(trend(None), "-");
    }
}
