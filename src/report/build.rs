//! The report model from the store: the analysis the dashboard runs, the forecast of each
//! project's open items, its open suggestions and the decisions of the period.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::*;
use crate::advisor::{Ledger, rules};
use crate::analysis::flow::days;
use crate::analysis::forecast::{LEVELS, Settings as SimSettings};
use crate::analysis::projection::{Question, ThroughputForecast, forecast};
use crate::analysis::stalled::Severity;
use crate::analysis::{Analysis, ProjectSummary, analyse};
use crate::config::Settings;
use crate::domain::{
    Decision, Portfolio, StatusCategory, Subject, Suggestion, SuggestionState, Verdict,
};
use crate::store::Store;
use crate::text::sanitize;

/// What to report on.
#[derive(Debug, Clone)]
pub struct Options {
    /// Project keys (`KEY` or `SOURCE/KEY`); empty: every project.
    pub projects: Vec<String>,
    /// Decisions on or after this day; `None`: the seven days before today.
    pub since: Option<NaiveDate>,
    /// The report's time; `None`: when the data is loaded (after a first sync, if one runs).
    pub now: Option<DateTime<Utc>>,
}

impl Options {
    fn since(&self, now: DateTime<Utc>) -> NaiveDate {
        self.since
            .unwrap_or_else(|| now.date_naive() - Duration::days(7))
    }
}

/// What the report is made from, loaded once.
pub struct Inputs<'a> {
    pub portfolio: &'a Portfolio,
    pub analysis: &'a Analysis,
    /// Reconciled with the decisions; only the pending ones are reported.
    pub suggestions: &'a [Suggestion],
    pub decisions: &'a [Decision],
    pub data_as_of: Option<DateTime<Utc>>,
}

/// Loads the configured sources' data (syncing first when the store has none, as `--demo`
/// needs), runs the analysis and the advisor, and builds the report.
pub async fn build(settings: &Settings, store: &Store, opts: &Options) -> anyhow::Result<Report> {
    let portfolio = crate::commands::sync::load_or_sync(settings, store).await?;
    let reader = store.clone();
    let policy = settings.stall;
    let names: Vec<String> = settings.sources.iter().map(|s| s.name.clone()).collect();
    let opts = opts.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Report> {
        let now = opts.now.unwrap_or_else(Utc::now);
        // Every project's track record first, on every core: the health and the forecasts
        // below are then stated at the corrected levels.
        crate::analysis::track::fill(crate::analysis::projection::portfolio_tracks(
            &portfolio,
            now.date_naive(),
        ));
        let analysis = analyse(&portfolio, &reader.snapshots()?, now, &policy);
        let ledger = Ledger::new(&reader);
        let candidates = rules::suggest(&portfolio, &analysis, &portfolio.members, now);
        let suggestions = ledger.reconcile(candidates, now)?;
        let decisions = ledger.decisions()?;
        let data_as_of = data_as_of(&reader, &names)?;
        assemble(
            &Inputs {
                portfolio: &portfolio,
                analysis: &analysis,
                suggestions: &suggestions,
                decisions: &decisions,
                data_as_of,
            },
            &opts.projects,
            opts.since(now),
            now,
        )
    })
    .await?
}

/// The oldest last sync over `sources`: the data is at least that current. `None` when one
/// of them never synced.
pub fn data_as_of(store: &Store, sources: &[String]) -> anyhow::Result<Option<DateTime<Utc>>> {
    let mut oldest: Option<DateTime<Utc>> = None;
    for name in sources {
        let Some(at) = store.last_synced(name)? else {
            return Ok(None);
        };
        oldest = Some(oldest.map_or(at, |o| o.min(at)));
    }
    Ok(oldest)
}

/// The report from loaded inputs: pure, so it can be tested on a built portfolio.
pub fn assemble(
    inputs: &Inputs<'_>,
    projects: &[String],
    since: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<Report> {
    let p = inputs.portfolio;
    let wanted: Option<HashSet<(String, String)>> = if projects.is_empty() {
        None
    } else {
        let mut set = HashSet::new();
        for name in projects {
            let (source, key) = crate::commands::forecast::find_project(p, name)?;
            set.insert((source.to_string(), key.to_string()));
        }
        Some(set)
    };
    let mut summaries: Vec<&ProjectSummary> = inputs
        .analysis
        .projects
        .iter()
        .filter(|s| {
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(&(s.source.clone(), s.key.clone())))
        })
        .collect();
    summaries.sort_by(|a, b| {
        b.health
            .composite
            .total_cmp(&a.health.composite)
            .then_with(|| a.key.cmp(&b.key))
            .then_with(|| a.source.cmp(&b.source))
    });
    let projects = summaries
        .into_iter()
        .map(|s| project(inputs, s, now, since))
        .collect();
    Ok(Report {
        schema: SCHEMA_NAME.to_string(),
        schema_version: SCHEMA_VERSION,
        generated_at: now,
        data_as_of: inputs.data_as_of,
        since,
        projects,
    })
}

fn project(
    inputs: &Inputs<'_>,
    s: &ProjectSummary,
    now: DateTime<Utc>,
    since: NaiveDate,
) -> ProjectReport {
    let p = inputs.portfolio;
    let here = |source: &str, project: &str| source == s.source && project == s.key;
    let health = s
        .health
        .components()
        .into_iter()
        .map(|(name, c)| HealthComponent {
            name: name.to_string(),
            risk: c.and_then(|c| c.risk),
            reason: c.map_or_else(
                || "not enough data to judge".to_string(),
                |c| sanitize(&c.reason),
            ),
        })
        .collect();
    let mut items: Vec<AgingItem> = p
        .tickets
        .iter()
        .filter(|t| here(&t.source, &t.project) && t.category == StatusCategory::InProgress)
        .map(|t| AgingItem {
            key: sanitize(&t.key),
            status: sanitize(&t.status),
            age_days: days(now - t.started.unwrap_or(t.created)),
        })
        .collect();
    items.sort_by(|a, b| b.age_days.total_cmp(&a.age_days).then(a.key.cmp(&b.key)));
    let stalled = inputs
        .analysis
        .stalled
        .iter()
        .filter(|t| here(&t.source, &t.project))
        .map(|t| StalledRow {
            key: sanitize(&t.key),
            title: sanitize(&t.title),
            status: sanitize(&t.status),
            assignee: t.assignee.as_deref().map(sanitize),
            in_status_days: t.in_status_days,
            severity: match t.severity {
                Severity::Flag => "flag",
                Severity::Warn => "warn",
            }
            .to_string(),
            reason: sanitize(&t.reason),
        })
        .collect();
    let open = (s.todo + s.in_progress) as u32;
    let forecast = (open > 0).then(|| {
        forecast_report(&forecast(
            p,
            &s.source,
            &s.key,
            Question::When { items: open },
            now,
            &SimSettings::default(),
        ))
    });
    let mut suggestions: Vec<&Suggestion> = inputs
        .suggestions
        .iter()
        .filter(|x| x.state == SuggestionState::Pending)
        .filter(|x| here(x.subject.source(), x.subject.project()))
        .collect();
    suggestions.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(b.impact.total_cmp(&a.impact))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut decisions: Vec<&Decision> = inputs
        .decisions
        .iter()
        .filter(|d| d.at.date_naive() >= since)
        .filter(|d| here(d.subject.source(), d.subject.project()))
        .collect();
    decisions.sort_by_key(|d| d.at);
    ProjectReport {
        source: sanitize(&s.source),
        key: sanitize(&s.key),
        name: sanitize(&s.name),
        risk: s.health.composite,
        health,
        counts: Counts {
            total: s.total,
            todo: s.todo,
            in_progress: s.in_progress,
            done_30d: s.done_30d,
            stalled: s.stalled,
        },
        throughput: throughput(&s.weekly_delivered, now.date_naive()),
        aging: Aging {
            wip: s.in_progress,
            oldest_wip_days: s.oldest_wip_days,
            items,
        },
        stalled,
        forecast,
        suggestions: suggestions.into_iter().map(suggestion_row).collect(),
        decisions: decisions.into_iter().map(decision_row).collect(),
    }
}

/// Weeks with the day each ends on (the last yesterday), and the last four over the four
/// before.
pub fn throughput(weekly: &[u32], today: NaiveDate) -> Throughput {
    let yesterday = today - Duration::days(1);
    let n = weekly.len() as i64;
    let weeks = weekly
        .iter()
        .enumerate()
        .map(|(i, &delivered)| WeekDelivered {
            week_ending: yesterday - Duration::days(7 * (n - 1 - i as i64)),
            delivered,
        })
        .collect();
    let trend = (weekly.len() >= 8)
        .then(|| {
            let last: u32 = weekly[weekly.len() - 4..].iter().sum();
            let before: u32 = weekly[weekly.len() - 8..weekly.len() - 4].iter().sum();
            (before > 0).then(|| f64::from(last) / f64::from(before))
        })
        .flatten();
    Throughput { weeks, trend }
}

fn forecast_report(f: &ThroughputForecast) -> ForecastReport {
    let items = match f.question {
        Question::When { items } => items,
        // The report asks only "when".
        Question::HowMany { .. } => 0,
    };
    let rows = LEVELS
        .iter()
        .map(|&level| {
            let s = f.statements.iter().find(|s| s.level == level);
            ForecastRow {
                level,
                days: s.and_then(|s| s.value),
                date: s.and_then(|s| s.date),
            }
        })
        .collect();
    ForecastReport {
        items,
        method: f.method.name().to_string(),
        trials: f.trials,
        start: f.start,
        rows,
        target: f.target,
        chance_by_target: f.chance_by_target,
        histogram: f
            .histogram
            .iter()
            .map(|&(from_days, trials)| Bucket { from_days, trials })
            .collect(),
        bucket_days: f.bucket,
        horizon_days: f.horizon_days,
        warnings: f.warnings.iter().map(|w| sanitize(w)).collect(),
    }
}

fn ticket_of(subject: &Subject) -> Option<String> {
    match subject {
        Subject::Ticket { key, .. } => Some(sanitize(key)),
        Subject::Project { .. } => None,
    }
}

fn suggestion_row(s: &Suggestion) -> SuggestionRow {
    // The same words `lookout suggestions --format json` uses for the write.
    let json = crate::commands::suggestions::to_json(s);
    SuggestionRow {
        id: json.id,
        kind: json.kind.to_string(),
        ticket: json.subject.ticket,
        confidence: json.confidence,
        rationale: json.rationale,
        action: json.action.map(|a| a.text),
    }
}

fn decision_row(d: &Decision) -> DecisionRow {
    DecisionRow {
        at: d.at,
        suggestion: sanitize(&d.suggestion),
        kind: d.kind.name().to_string(),
        ticket: ticket_of(&d.subject),
        verdict: match d.verdict {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Undo => "undo",
        }
        .to_string(),
        reason: d.reason.map(|r| r.label().to_string()),
        note: d.note.as_deref().map(sanitize),
        wrote: d.write.as_ref().map(|(a, _)| sanitize(&a.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_end_yesterday_and_the_trend_is_four_over_four() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).expect("date");
        let t = throughput(&[1, 1, 1, 1, 2, 2, 2, 2], today);
        assert_eq!(
            t.weeks.last().map(|w| w.week_ending),
            NaiveDate::from_ymd_opt(2026, 3, 9)
        );
        assert_eq!(
            Some(t.weeks[0].week_ending),
            NaiveDate::from_ymd_opt(2026, 1, 19)
        );
        assert_eq!(t.trend, Some(2.0));
        assert_eq!(throughput(&[0, 0, 0, 0, 3, 3, 3, 3], today).trend, None);
        assert_eq!(throughput(&[1, 2, 3], today).trend, None, "too few weeks");
    }
}
