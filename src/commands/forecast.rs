//! `lookout forecast`: a project's Monte Carlo forecast from the store, as a table or JSON.

use anyhow::bail;
use chrono::{NaiveDate, Utc};

use crate::analysis::forecast::{Method, Settings as SimSettings};
use crate::analysis::projection::{Question, ThroughputForecast, forecast};
use crate::domain::Portfolio;

/// Finds a project by `KEY` or `SOURCE/KEY` (case-insensitive); the error lists what exists.
pub fn find_project<'a>(p: &'a Portfolio, wanted: &str) -> anyhow::Result<(&'a str, &'a str)> {
    let (source, key) = match wanted.split_once('/') {
        Some((s, k)) => (Some(s), k),
        None => (None, wanted),
    };
    let hits: Vec<_> = p
        .projects
        .iter()
        .filter(|x| {
            x.key.eq_ignore_ascii_case(key)
                && source.is_none_or(|s| x.source.eq_ignore_ascii_case(s))
        })
        .collect();
    match hits.as_slice() {
        [one] => Ok((one.source.as_str(), one.key.as_str())),
        [] => {
            let known: Vec<String> = p.projects.iter().map(|x| x.key.clone()).collect();
            if known.is_empty() {
                bail!("the store has no projects yet: run `lookout sync --once` first");
            }
            bail!(
                "no project {wanted:?}; known projects: {}",
                known.join(", ")
            )
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|x| format!("{}/{}", x.source, x.key))
                .collect();
            bail!(
                "{wanted:?} is in several sources; name one of: {}",
                names.join(", ")
            )
        }
    }
}

/// The question asked on the command line; by default, when the project's open work is done.
pub fn question(
    p: &Portfolio,
    source: &str,
    key: &str,
    items: Option<u32>,
    by: Option<NaiveDate>,
) -> anyhow::Result<Question> {
    let today = Utc::now().date_naive();
    Ok(match (items, by) {
        (Some(_), Some(_)) => bail!("ask one question: --items or --by, not both"),
        (Some(0), None) => bail!("--items must be at least 1"),
        (Some(items), None) => Question::When { items },
        (None, Some(by)) if by < today => bail!("--by {by} is in the past"),
        (None, Some(by)) if (by - today).num_days() > i64::from(SimSettings::HORIZON_DAYS) => {
            bail!(
                "--by {by} is more than {} days away",
                SimSettings::HORIZON_DAYS
            )
        }
        (None, Some(by)) => Question::HowMany { by },
        (None, None) => {
            let open = p
                .tickets
                .iter()
                .filter(|t| t.source == source && t.project == key && t.is_open())
                .count();
            if open == 0 {
                bail!("{key} has no open items; ask --items N or --by DATE");
            }
            Question::When { items: open as u32 }
        }
    })
}

pub fn run(
    p: &Portfolio,
    project: &str,
    items: Option<u32>,
    by: Option<NaiveDate>,
    method: Method,
) -> anyhow::Result<ThroughputForecast> {
    let (source, key) = find_project(p, project)?;
    let q = question(p, source, key, items, by)?;
    let settings = SimSettings {
        method,
        ..SimSettings::default()
    };
    Ok(forecast(p, source, key, q, Utc::now(), &settings))
}

pub fn table(f: &ThroughputForecast) -> String {
    let mut out = String::new();
    match f.question {
        Question::When { items } => {
            out.push_str(&format!(
                "{}: when will {items} items be done? ({}, {} trials, from {})\n",
                f.project,
                f.method.name(),
                f.trials,
                f.start
            ));
            for s in &f.statements {
                match (s.value, s.date) {
                    (Some(d), Some(date)) => out.push_str(&format!(
                        "  {:>3.0}%  by {date}  ({d} days)\n",
                        s.level * 100.0
                    )),
                    _ => out.push_str(&format!(
                        "  {:>3.0}%  not within {} days\n",
                        s.level * 100.0,
                        f.horizon_days
                    )),
                }
            }
            if let (Some(t), Some(c)) = (f.target, f.chance_by_target) {
                out.push_str(&format!(
                    "target {t}: {:.0}% chance of being done by then\n",
                    c * 100.0
                ));
            }
        }
        Question::HowMany { by } => {
            out.push_str(&format!(
                "{}: how many items by {by}? ({}, {} trials, from {})\n",
                f.project,
                f.method.name(),
                f.trials,
                f.start
            ));
            for s in &f.statements {
                let v = s.value.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
                out.push_str(&format!("  {:>3.0}%  at least {v}\n", s.level * 100.0));
            }
        }
    }
    if let Some(r) = &f.track_record {
        out.push_str(&format!("track record: {}\n", r.line(usize::MAX)));
    }
    for w in &f.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}
