//! The report as CSV, one table per file. Every row starts with `source` and `project`, so
//! the tables join in a spreadsheet, and text from trackers is kept from running as a
//! formula there.

use std::fmt::Display;

use anyhow::anyhow;

use super::model::*;

/// Every table, in the order `--out DIR` writes them.
pub const NAMES: [&str; 8] = [
    "projects",
    "health",
    "throughput",
    "aging",
    "stalled",
    "forecasts",
    "suggestions",
    "decisions",
];

/// Tracker text for a spreadsheet: a cell that starts like a formula (`=`, `+`, `-`, `@`,
/// or a tab or carriage return that some spreadsheets skip first) gets a leading `'`, which
/// spreadsheets read as "this is text".
pub fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn opt<T: Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn opt_text(v: &Option<String>) -> String {
    v.as_deref().map(text).unwrap_or_default()
}

fn num(v: f64) -> String {
    // Enough digits for any use a spreadsheet has, and stable between runs.
    format!("{v:.4}")
}

fn head(p: &ProjectReport) -> [String; 2] {
    [text(&p.source), text(&p.key)]
}

fn rows(r: &Report, name: &str) -> anyhow::Result<(Vec<&'static str>, Vec<Vec<String>>)> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut push = |p: &ProjectReport, rest: Vec<String>| {
        let mut row = head(p).to_vec();
        row.extend(rest);
        rows.push(row);
    };
    let header: &[&'static str] = match name {
        "projects" => {
            for p in &r.projects {
                let p85 = p
                    .forecast
                    .as_ref()
                    .and_then(|f| f.rows.iter().find(|x| x.level == 0.85))
                    .and_then(|x| x.date);
                push(
                    p,
                    vec![
                        text(&p.name),
                        num(p.risk),
                        p.counts.total.to_string(),
                        p.counts.todo.to_string(),
                        p.counts.in_progress.to_string(),
                        p.counts.done_30d.to_string(),
                        p.counts.stalled.to_string(),
                        opt(p.aging.oldest_wip_days.map(num)),
                        opt(p.throughput.trend.map(num)),
                        opt(p85),
                        opt(p.forecast.as_ref().and_then(|f| f.target)),
                        opt(p
                            .forecast
                            .as_ref()
                            .and_then(|f| f.chance_by_target)
                            .map(num)),
                    ],
                );
            }
            &[
                "name",
                "risk",
                "total",
                "todo",
                "in_progress",
                "done_30d",
                "stalled",
                "oldest_wip_days",
                "trend",
                "p85_date",
                "target",
                "chance_by_target",
            ]
        }
        "health" => {
            for p in &r.projects {
                for h in &p.health {
                    push(
                        p,
                        vec![h.name.clone(), opt(h.risk.map(num)), text(&h.reason)],
                    );
                }
            }
            &["component", "risk", "reason"]
        }
        "throughput" => {
            for p in &r.projects {
                for w in &p.throughput.weeks {
                    push(p, vec![w.week_ending.to_string(), w.delivered.to_string()]);
                }
            }
            &["week_ending", "delivered"]
        }
        "aging" => {
            for p in &r.projects {
                for i in &p.aging.items {
                    push(p, vec![text(&i.key), text(&i.status), num(i.age_days)]);
                }
            }
            &["ticket", "status", "age_days"]
        }
        "stalled" => {
            for p in &r.projects {
                for s in &p.stalled {
                    push(
                        p,
                        vec![
                            text(&s.key),
                            text(&s.title),
                            text(&s.status),
                            opt_text(&s.assignee),
                            num(s.in_status_days),
                            s.severity.clone(),
                            text(&s.reason),
                        ],
                    );
                }
            }
            &[
                "ticket",
                "title",
                "status",
                "assignee",
                "in_status_days",
                "severity",
                "reason",
            ]
        }
        "forecasts" => {
            for p in &r.projects {
                let Some(f) = &p.forecast else { continue };
                for row in &f.rows {
                    push(
                        p,
                        vec![
                            f.items.to_string(),
                            f.method.clone(),
                            format!("{:.2}", row.level),
                            opt(row.days),
                            opt(row.date),
                            opt(f.target),
                            opt(f.chance_by_target.map(num)),
                        ],
                    );
                }
            }
            &[
                "items",
                "method",
                "level",
                "days",
                "date",
                "target",
                "chance_by_target",
            ]
        }
        "suggestions" => {
            for p in &r.projects {
                for s in &p.suggestions {
                    push(
                        p,
                        vec![
                            text(&s.id),
                            s.kind.clone(),
                            opt_text(&s.ticket),
                            num(s.confidence),
                            text(&s.rationale),
                            opt_text(&s.action),
                        ],
                    );
                }
            }
            &["id", "kind", "ticket", "confidence", "rationale", "action"]
        }
        "decisions" => {
            for p in &r.projects {
                for d in &p.decisions {
                    push(
                        p,
                        vec![
                            d.at.to_rfc3339(),
                            text(&d.suggestion),
                            d.kind.clone(),
                            opt_text(&d.ticket),
                            d.verdict.clone(),
                            opt_text(&d.reason),
                            opt_text(&d.note),
                            opt_text(&d.wrote),
                        ],
                    );
                }
            }
            &[
                "at",
                "suggestion",
                "kind",
                "ticket",
                "verdict",
                "reason",
                "note",
                "wrote",
            ]
        }
        other => return Err(unknown(other)),
    };
    let mut all = vec!["source", "project"];
    all.extend_from_slice(header);
    Ok((all, rows))
}

/// One table as CSV text, header first.
pub fn table(r: &Report, name: &str) -> anyhow::Result<String> {
    let (header, rows) = rows(r, name)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// Whether `name` is a table; the error lists them.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    if NAMES.contains(&name) {
        Ok(())
    } else {
        Err(unknown(name))
    }
}

fn unknown(name: &str) -> anyhow::Error {
    anyhow!(
        "no report table {:?}; the tables are {}",
        crate::text::sanitize(name),
        NAMES.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_looking_text_is_quoted() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\t=1"] {
            assert!(text(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(text("OPS-12 stuck"), "OPS-12 stuck");
    }

    #[test]
    fn an_unknown_table_lists_the_tables() {
        let e = check_name("velocity").expect_err("unknown").to_string();
        assert!(e.contains("projects, health"), "{e}");
    }
}
