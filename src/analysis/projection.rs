//! A project's throughput forecast, ready to show: percentiles with dates, a histogram, the
//! chance of meeting the target, and what the data cannot support.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::adaptive::{warp, warp_lower, warped};
use super::flow::daily_throughput;
use super::forecast::{
    LEVELS, Method, Sampler, Settings, at_least, at_least_nearest, tame_bulk_days, within,
};
use super::track::{self, Asked, TrackRecord};
use crate::domain::{ArchivedDays, Portfolio, Ticket, first_created};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "question")]
pub enum Question {
    /// When will this many items be done?
    When { items: u32 },
    /// How many items will be done by this date (inclusive)?
    HowMany { by: NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub level: f64,
    /// When: days from the start; How-Many: items. `None`: beyond the horizon.
    pub value: Option<u32>,
    /// When: the date the items are done by.
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThroughputForecast {
    pub source: String,
    pub project: String,
    pub question: Question,
    pub method: Method,
    pub trials: usize,
    /// The first simulated day (today).
    pub start: NaiveDate,
    pub statements: Vec<Statement>,
    /// (value, trials) pairs in ascending value; values are bucket lower bounds.
    pub histogram: Vec<(u32, u32)>,
    pub bucket: u32,
    /// When: the chance of being done by the project's target date.
    pub target: Option<NaiveDate>,
    pub chance_by_target: Option<f64>,
    /// When: share of trials not done within the horizon.
    pub beyond_horizon: f64,
    pub horizon_days: u32,
    pub warnings: Vec<String>,
    /// The corrected method: how this project's past statements for this question fared,
    /// and the levels today's statements are made at.
    #[serde(default)]
    pub track_record: Option<TrackRecord>,
    /// The corrected method, before its replay is ready: stated at the nominal levels.
    #[serde(default)]
    pub correcting: bool,
}

const BINS: u32 = 20;

fn histogram(values: &[u32]) -> (Vec<(u32, u32)>, u32) {
    let (Some(&lo), Some(&hi)) = (values.first(), values.last()) else {
        return (Vec::new(), 1);
    };
    let bucket = ((hi - lo) / BINS + 1).max(1);
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &v in values {
        let b = lo + (v - lo) / bucket * bucket;
        match out.last_mut() {
            Some((at, n)) if *at == b => *n += 1,
            _ => out.push((b, 1)),
        }
    }
    (out, bucket)
}

/// A project's tickets, and what its archived tickets added to its flow.
#[derive(Debug, Clone, Copy)]
pub struct Flow<'a> {
    pub tickets: &'a [&'a Ticket],
    pub archived: Option<&'a ArchivedDays>,
}

impl<'a> Flow<'a> {
    /// A project's flow with nothing archived.
    pub fn of(tickets: &'a [&'a Ticket]) -> Flow<'a> {
        Flow {
            tickets,
            archived: None,
        }
    }

    /// Items delivered on `day`, archived ones included.
    fn delivered_on(&self, day: NaiveDate) -> u32 {
        let live = self
            .tickets
            .iter()
            .filter(|t| t.delivered() && t.resolved.is_some_and(|r| r.date_naive() == day))
            .count() as u32;
        live + self
            .archived
            .and_then(|a| a.get(&day))
            .map_or(0, |f| f.delivered)
    }
}

/// The delivery history a forecast for `project` learns from: deliveries per day from the
/// project's first ticket (archived ones included) to yesterday.
pub fn history_of(flow: Flow<'_>, today: NaiveDate) -> Vec<u32> {
    let live = flow.tickets.iter().map(|t| t.created.date_naive()).min();
    let archived = flow.archived.and_then(first_created);
    let Some(first) = live.into_iter().chain(archived).min() else {
        return Vec::new();
    };
    let yesterday = today - Duration::days(1);
    if first > yesterday {
        return Vec::new();
    }
    let mut daily = daily_throughput(flow.tickets, first, yesterday);
    for (&day, f) in flow.archived.into_iter().flatten() {
        let d = (day - first).num_days();
        if let Some(slot) = usize::try_from(d).ok().and_then(|d| daily.get_mut(d)) {
            *slot += f.delivered;
        }
    }
    daily
}

fn warnings_for(history: &[u32]) -> Vec<String> {
    let mut w = Vec::new();
    let recent = &history[history.len().saturating_sub(90)..];
    let delivered: u32 = recent.iter().sum();
    if history.len() < 60 {
        w.push(format!(
            "only {} days of history: treat the spread as a lower bound",
            history.len()
        ));
    }
    if history.iter().all(|&d| d == 0) {
        w.push("nothing has been delivered yet: no forecast is possible".to_string());
    } else if delivered == 0 {
        w.push(
            "nothing was delivered in the last 90 days: the forecast leans on older months"
                .to_string(),
        );
    } else if delivered < 10 {
        w.push(format!(
            "only {delivered} items delivered in the last 90 days: the forecast is rough"
        ));
    }
    if !recent.is_empty() {
        let zero = recent.iter().filter(|&&d| d == 0).count() as f64 / recent.len() as f64;
        if zero > 0.8 {
            w.push(format!(
                "{:.0}% of the last 90 days delivered nothing",
                zero * 100.0
            ));
        }
    }
    let (_, capped) = tame_bulk_days(&history[history.len().saturating_sub(365)..]);
    if capped > 0 {
        w.push(format!(
            "{capped} bulk-closure days were capped to an ordinary busy day"
        ));
    }
    w
}

/// Forecasts `question` for one project of the portfolio.
pub fn forecast(
    p: &Portfolio,
    source: &str,
    project: &str,
    question: Question,
    now: DateTime<Utc>,
    settings: &Settings,
) -> ThroughputForecast {
    forecast_in(
        p,
        source,
        project,
        question,
        now,
        settings,
        Tracking::Replay,
    )
}

/// `forecast`, with the corrected method's track record replayed or only looked up.
pub fn forecast_in(
    p: &Portfolio,
    source: &str,
    project: &str,
    question: Question,
    now: DateTime<Utc>,
    settings: &Settings,
    tracking: Tracking,
) -> ThroughputForecast {
    let tickets: Vec<&Ticket> = p
        .tickets
        .iter()
        .filter(|t| t.source == source && t.project == project)
        .collect();
    let target = p
        .projects
        .iter()
        .find(|x| x.source == source && x.key == project)
        .and_then(|x| x.target);
    let flow = Flow {
        tickets: &tickets,
        archived: p.archived.of(source, project),
    };
    let ask = Ask {
        source,
        project,
        target,
        question,
    };
    forecast_tracked(flow, ask, now, settings, tracking)
}

/// The replays the health of every project reads: when will its open items be done. Jobs
/// for `track::fill`.
pub fn portfolio_tracks(p: &Portfolio, today: NaiveDate) -> Vec<(track::Key, Vec<u32>)> {
    let mut by_project: HashMap<(&str, &str), Vec<&Ticket>> = HashMap::new();
    for t in &p.tickets {
        by_project
            .entry((t.source.as_str(), t.project.as_str()))
            .or_default()
            .push(t);
    }
    by_project
        .into_iter()
        .filter_map(|((source, project), tickets)| {
            let open = tickets.iter().filter(|t| t.is_open()).count() as u32;
            (open > 0).then(|| {
                let flow = Flow {
                    tickets: &tickets,
                    archived: p.archived.of(source, project),
                };
                let ask = Ask {
                    source,
                    project,
                    target: None,
                    question: Question::When { items: open },
                };
                track_key(flow, &ask, today)
            })
        })
        .collect()
}

/// `forecast` for a project whose tickets and target the caller already has.
pub fn forecast_of(
    flow: Flow<'_>,
    source: &str,
    project: &str,
    target: Option<NaiveDate>,
    question: Question,
    now: DateTime<Utc>,
    settings: &Settings,
) -> ThroughputForecast {
    let ask = Ask {
        source,
        project,
        target,
        question,
    };
    forecast_tracked(flow, ask, now, settings, Tracking::Replay)
}

/// Whether a corrected forecast may replay its project's history first (up to a few hundred
/// milliseconds) or takes only a record already kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracking {
    Replay,
    KeptOnly,
}

/// The question asked of one project, and the project's target.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub source: &'a str,
    pub project: &'a str,
    pub target: Option<NaiveDate>,
    pub question: Question,
}

/// What a replay for `question` asks at every origin.
pub fn asked(question: Question, today: NaiveDate) -> Asked {
    match question {
        Question::When { items } => Asked::When { items },
        Question::HowMany { by } => Asked::HowMany {
            days: (by - today)
                .num_days()
                .clamp(1, i64::from(Settings::HORIZON_DAYS)) as u32,
        },
    }
}

/// The key the track record of `ask` is kept under today.
pub fn track_key(flow: Flow<'_>, ask: &Ask<'_>, today: NaiveDate) -> (track::Key, Vec<u32>) {
    let history = history_of(flow, today);
    let key = track::Key::new(
        ask.source,
        ask.project,
        asked(ask.question, today),
        today,
        &history,
    );
    (key, history)
}

/// `forecast_of`, with the corrected method's track record replayed or only looked up.
pub fn forecast_tracked(
    flow: Flow<'_>,
    ask: Ask<'_>,
    now: DateTime<Utc>,
    settings: &Settings,
    tracking: Tracking,
) -> ThroughputForecast {
    let Ask {
        source,
        project,
        target,
        question,
    } = ask;
    let today = now.date_naive();
    let (key, history) = track_key(flow, &ask, today);
    let record = match (settings.method, tracking) {
        (Method::Corrected, Tracking::Replay) => Some(track::record(&key, &history)),
        (Method::Corrected, Tracking::KeptOnly) => track::cached(&key),
        _ => None,
    };
    let correcting = settings.method == Method::Corrected && record.is_none();
    let used = record.as_deref().map_or(LEVELS, TrackRecord::stated_levels);
    let nearest = settings.method == Method::Corrected;
    // Today is under way: what it delivered so far is a fact, and simulation starts tomorrow.
    let delivered_today = flow.delivered_on(today);
    let sampler = Sampler::new(&history, settings.method);
    let mut warnings = warnings_for(&history);
    let mut out = ThroughputForecast {
        source: source.to_string(),
        project: project.to_string(),
        question,
        method: settings.method,
        trials: settings.trials,
        start: today + Duration::days(1),
        statements: Vec::new(),
        histogram: Vec::new(),
        bucket: 1,
        target,
        chance_by_target: None,
        beyond_horizon: 0.0,
        horizon_days: settings.horizon_days,
        warnings: Vec::new(),
        track_record: record.as_deref().cloned(),
        correcting,
    };
    if sampler.is_empty() {
        out.warnings = warnings;
        return out;
    }
    match question {
        Question::When { items } => {
            let days = sampler.when(items, settings.trials, settings.seed, settings.horizon_days);
            out.statements = LEVELS
                .iter()
                .zip(used)
                .map(|(&level, at)| {
                    let value = within(&days, at).flatten();
                    // Day 1 is tomorrow, so n days are done by today + n.
                    let date = value.map(|d| today + Duration::days(i64::from(d)));
                    Statement { level, value, date }
                })
                .collect();
            // The chart, the chance and the share beyond the horizon read the distribution
            // the statements are made from: the trials seen through the corrected levels.
            let beyond = settings.horizon_days + 1;
            let raw: Vec<f64> = days
                .iter()
                .map(|d| f64::from(d.unwrap_or(beyond)))
                .collect();
            let seen: Vec<u32> = warped(&raw, &used, warp)
                .into_iter()
                .map(|d| d as u32)
                .collect();
            let done: Vec<u32> = seen.iter().copied().filter(|&d| d < beyond).collect();
            out.beyond_horizon = 1.0 - done.len() as f64 / days.len().max(1) as f64;
            if out.beyond_horizon > 0.0 {
                warnings.push(format!(
                    "{:.0}% of trials need more than {} days",
                    out.beyond_horizon * 100.0,
                    settings.horizon_days
                ));
            }
            out.chance_by_target = target.map(|t| {
                let allowed = (t - today).num_days();
                done.iter().filter(|&&d| i64::from(d) <= allowed).count() as f64
                    / days.len().max(1) as f64
            });
            (out.histogram, out.bucket) = histogram(&done);
        }
        Question::HowMany { by } => {
            let span = (by - today)
                .num_days()
                .clamp(0, i64::from(settings.horizon_days));
            if (by - today).num_days() > i64::from(settings.horizon_days) {
                warnings.push(format!(
                    "only the first {} days were simulated",
                    settings.horizon_days
                ));
            }
            let mut totals = sampler.how_many(span as u32, settings.trials, settings.seed);
            for t in &mut totals {
                *t += delivered_today;
            }
            out.statements = LEVELS
                .iter()
                .zip(used)
                .map(|(&level, at)| Statement {
                    level,
                    value: if nearest {
                        at_least_nearest(&totals, at)
                    } else {
                        at_least(&totals, at)
                    },
                    date: None,
                })
                .collect();
            let raw: Vec<f64> = totals.iter().map(|&t| f64::from(t)).collect();
            let seen: Vec<u32> = warped(&raw, &used, warp_lower)
                .into_iter()
                .map(|t| t as u32)
                .collect();
            (out.histogram, out.bucket) = histogram(&seen);
        }
    }
    out.warnings = warnings;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_cover_every_trial() {
        let values: Vec<u32> = (0..1000).map(|i| i % 97).collect::<Vec<_>>();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let (h, bucket) = histogram(&sorted);
        assert!(h.len() as u32 <= BINS + 1);
        assert_eq!(h.iter().map(|(_, n)| n).sum::<u32>(), 1000);
        assert!(bucket >= 4);
        assert_eq!(histogram(&[]).0, Vec::new());
        assert_eq!(histogram(&[5, 5]).0, vec![(5, 2)]);
    }

    #[test]
    fn warnings_name_thin_data() {
        let w = warnings_for(&[0; 30]);
        assert!(w.iter().any(|x| x.contains("only 30 days")));
        assert!(w.iter().any(|x| x.contains("no forecast is possible")));
        let mut busy = vec![1u32; 200];
        busy[150] = 90;
        let w = warnings_for(&busy);
        assert!(w.iter().any(|x| x.contains("1 bulk-closure days")), "{w:?}");
    }
}

#[cfg(test)]
mod convention_tests {
    use super::*;
    use crate::domain::{Project, StatusCategory};
    use chrono::TimeZone;

    fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
            .single()
            .expect("valid")
            + Duration::days(day)
    }

    /// One delivery a day for `days` days, plus `open` open tickets.
    fn steady(days: i64, open: u64, target: Option<NaiveDate>) -> Portfolio {
        let mut p = Portfolio::default();
        p.projects.push(Project {
            source: "s".into(),
            key: "P".into(),
            name: "P".into(),
            description: String::new(),
            created: at(0),
            url: None,
            target,
        });
        let ticket = |id: u64, resolved: Option<i64>| match resolved {
            Some(_) => Ticket {
                status: "Done".into(),
                category: StatusCategory::Done,
                started: resolved.map(at),
                resolved: resolved.map(at),
                ..Ticket::stub(id, at(0))
            },
            None => Ticket::stub(id, at(0)),
        };
        for d in 0..days {
            p.tickets.push(ticket(d as u64 + 1, Some(d)));
        }
        for i in 0..open {
            p.tickets.push(ticket(10_000 + i, None));
        }
        p
    }

    #[test]
    fn a_steady_one_a_day_project_is_forecast_exactly() {
        // 200 days of one delivery a day (the last one today), and 10 open items.
        let today = at(199);
        let target = Some(today.date_naive() + Duration::days(10));
        let p = steady(200, 10, target);
        let s = Settings {
            trials: 500,
            ..Settings::default()
        };
        let f = forecast(&p, "s", "P", Question::When { items: 10 }, today, &s);
        assert_eq!(
            f.start,
            today.date_naive() + Duration::days(1),
            "simulation starts tomorrow"
        );
        for st in &f.statements {
            assert_eq!(st.value, Some(10));
            assert_eq!(st.date, Some(today.date_naive() + Duration::days(10)));
        }
        assert_eq!(
            f.chance_by_target,
            Some(1.0),
            "done exactly on the target day"
        );
        let by = today.date_naive() + Duration::days(5);
        let f = forecast(&p, "s", "P", Question::HowMany { by }, today, &s);
        // Five more days, plus the one already delivered today.
        assert!(
            f.statements.iter().all(|st| st.value == Some(6)),
            "{:?}",
            f.statements
        );
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    }

    #[test]
    fn one_item_and_nothing_delivered() {
        let p = steady(1, 3, None);
        let f = forecast(
            &p,
            "s",
            "P",
            Question::When { items: 3 },
            at(0),
            &Settings::default(),
        );
        assert!(f.statements.is_empty(), "no full day of history yet");
        assert!(
            f.warnings
                .iter()
                .any(|w| w.contains("no forecast is possible")),
            "{:?}",
            f.warnings
        );
        let p = steady(0, 3, None);
        let f = forecast(
            &p,
            "s",
            "P",
            Question::When { items: 3 },
            at(50),
            &Settings::default(),
        );
        assert!(f.statements.is_empty());
    }

    /// Months of a trickle between months of bursts: far burstier than any sampler expects.
    fn bursty(days: i64, open: u64) -> Portfolio {
        let mut p = steady(0, open, None);
        let mut rng = crate::rng::Rng::new(11);
        let mut id = 1;
        for d in 0..days {
            let rate = if (d / 50) % 3 == 0 { 4.0 } else { 0.4 };
            for _ in 0..rng.poisson(rate) {
                p.tickets.push(Ticket {
                    status: "Done".into(),
                    category: StatusCategory::Done,
                    started: Some(at(d)),
                    resolved: Some(at(d)),
                    ..Ticket::stub(id, at(0))
                });
                id += 1;
            }
        }
        p
    }

    #[test]
    fn a_corrected_forecast_on_a_bursty_history_is_not_stated_at_nominal_levels() {
        let p = bursty(1000, 40);
        let now = at(1000);
        let s = Settings {
            trials: 2000,
            ..Settings::default()
        };
        let by = now.date_naive() + Duration::days(28);
        for question in [Question::When { items: 40 }, Question::HowMany { by }] {
            let at_once = forecast_in(&p, "s", "P", question, now, &s, Tracking::KeptOnly);
            assert!(at_once.correcting && at_once.track_record.is_none());
            let f = forecast_in(&p, "s", "P", question, now, &s, Tracking::Replay);
            assert!(!f.correcting);
            let record = f.track_record.clone().expect("a track record");
            assert!(!record.is_short(), "{record:?}");
            assert_ne!(record.stated_levels(), LEVELS, "{question:?}");
            assert_ne!(
                f.statements, at_once.statements,
                "{question:?}: the corrected levels must change what is said"
            );
            // Once replayed, the record is kept: a look-up gives the same forecast.
            let kept = forecast_in(&p, "s", "P", question, now, &s, Tracking::KeptOnly);
            assert_eq!(kept, f);
            // The chart of the corrected distribution still counts every trial.
            if let Question::HowMany { .. } = question {
                let total: u32 = f.histogram.iter().map(|(_, n)| n).sum();
                assert_eq!(total as usize, s.trials);
            }
        }
    }

    #[test]
    fn far_dates_are_capped_at_the_horizon() {
        let p = steady(200, 0, None);
        let by = at(199).date_naive() + Duration::days(5000);
        let s = Settings {
            trials: 100,
            ..Settings::default()
        };
        let f = forecast(&p, "s", "P", Question::HowMany { by }, at(199), &s);
        assert!(
            f.warnings
                .iter()
                .any(|w| w.contains("only the first 730 days"))
        );
        assert_eq!(f.statements[0].value, Some(731));
    }
}
