//! A project's track record for one question: its history replayed as the backtest replays
//! it (see `backtest::replay_project` and `adaptive`), the statements that settled and how
//! many came true, and the levels today's forecast is stated at.
//!
//! A replay costs up to a few hundred milliseconds, and every forecast of a project on a
//! given day asks the same one, so records are kept per project, question, day and history
//! in one cache for the process: the health of every project reads it on each analysis, the
//! Forecasts tab and the commands fill it, and a background job fills it for the whole
//! portfolio after each load.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::adaptive::GAMMA;
use super::backtest::{Asks, Draws, Plan, replay_project};
use super::forecast::{LEVELS, Method, Sampler, Settings};

/// Trials per origin: enough for a stable statement, few enough that ten years of origins
/// replay in well under a second.
pub const TRIALS: usize = 500;
/// Settled 85 % statements below which the levels are not trusted: too few misses to tell
/// a bursty team from bad luck.
pub const SHORT: u32 = 10;

/// What a replay asks at every origin: the question's own size or horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "question")]
pub enum Asked {
    /// When will this many items be done?
    When { items: u32 },
    /// How many items in this many days?
    HowMany { days: u32 },
}

/// How a project's past statements for one question fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackRecord {
    /// The levels the replay ends with, for the statements at 50, 70, 85 and 95 %.
    pub levels: [f64; 4],
    /// Statements settled at each level, and how many came true.
    pub settled: [u32; 4],
    pub hits: [u32; 4],
    /// The first and last origin replayed; `None` when the history is too short for one.
    pub first_origin: Option<NaiveDate>,
    pub last_origin: Option<NaiveDate>,
    pub span_days: u32,
}

impl TrackRecord {
    /// Too few settled 85 % statements to correct anything.
    pub fn is_short(&self) -> bool {
        self.settled[2] < SHORT
    }

    /// The levels to state today's forecast at: the replay's, unless the record is short.
    pub fn stated_levels(&self) -> [f64; 4] {
        if self.is_short() { LEVELS } else { self.levels }
    }

    /// How far the 85 % level moved, in whole points.
    pub fn correction_points(&self) -> i64 {
        ((self.stated_levels()[2] - LEVELS[2]) * 100.0).round() as i64
    }

    /// One line for a person, at most `width` characters when a shorter form fits.
    pub fn line(&self, width: usize) -> String {
        let (settled, hits) = (self.settled[2], self.hits[2]);
        let span = span_words(self.span_days);
        let moved = match self.correction_points() {
            0 => "levels as the method gives".to_string(),
            p => format!("levels corrected by {p:+} points"),
        };
        let forms = if self.is_short() {
            vec![
                format!(
                    "too short a record to correct: stated as the method gives ({hits} of {settled} 85 % statements came true)"
                ),
                "too short a record to correct: stated as the method gives".to_string(),
                "record too short: stated as the method gives".to_string(),
                "record too short".to_string(),
            ]
        } else {
            vec![
                format!(
                    "85 % statements here came true {hits} of {settled} times over {span}; {moved}"
                ),
                format!("85 %: true {hits} of {settled} times over {span}; {moved}"),
                format!(
                    "85 %: {hits} of {settled} true over {span}; {:+} pts",
                    self.correction_points()
                ),
                format!(
                    "85 %: {hits}/{settled} true; {:+} pts",
                    self.correction_points()
                ),
            ]
        };
        shortest_fit(forms, width)
    }
}

/// The first of `forms` that fits `width`, or the last one.
pub fn shortest_fit(forms: Vec<String>, width: usize) -> String {
    let last = forms.last().cloned().unwrap_or_default();
    forms
        .into_iter()
        .find(|f| f.chars().count() <= width)
        .unwrap_or(last)
}

fn span_words(days: u32) -> String {
    match days {
        0..=59 => format!("{days} days"),
        // From a year and a half, whole years: "2 years" reads better than "23 months".
        60..=547 => format!("{} months", (days + 15) / 30),
        _ => format!("{} years", (days + 182) / 365),
    }
}

/// The replay plan for a question: the backtest's, at the question's own size or horizon.
pub fn plan_for(asked: Asked) -> Plan {
    let base = Plan {
        trials: TRIALS,
        ..Plan::default()
    };
    match asked {
        Asked::When { items } => Plan {
            when_items: items,
            ..base
        },
        Asked::HowMany { days } => Plan {
            how_many_days: days.clamp(1, Settings::HORIZON_DAYS),
            ..base
        },
    }
}

/// Replays `history` (daily deliveries, oldest first, ending yesterday) for `asked`, the
/// corrected method stating each origin's forecast at the levels settled so far.
pub fn replay(history: &[u32], asked: Asked, today: NaiveDate) -> TrackRecord {
    let plan = plan_for(asked);
    let asks = Asks {
        how_many: matches!(asked, Asked::HowMany { .. }),
        when: matches!(asked, Asked::When { .. }),
    };
    let r = replay_project(
        history,
        &plan,
        Some(GAMMA),
        asks,
        |h| Sampler::new(h, Method::Corrected),
        &mut Draws::new(&plan),
    );
    let c = match asked {
        Asked::When { .. } => &r.correctors.when,
        Asked::HowMany { .. } => &r.correctors.how_many,
    };
    // Day index i of the history is `today - len + i`.
    let day = |i: usize| today - Duration::days((history.len() - i) as i64);
    TrackRecord {
        levels: c.levels.used(),
        settled: c.settled,
        hits: c.hits,
        first_origin: r.origins.map(|(first, _)| day(first)),
        last_origin: r.origins.map(|(_, last)| day(last)),
        span_days: r.origins.map_or(0, |(first, last)| (last - first) as u32),
    }
}

/// What a record is kept under: the project, the question, the day, and the history itself
/// (a sync that changes a past day replays again).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub source: String,
    pub project: String,
    pub asked: Asked,
    pub today: NaiveDate,
    history: u64,
}

impl Key {
    pub fn new(
        source: &str,
        project: &str,
        asked: Asked,
        today: NaiveDate,
        history: &[u32],
    ) -> Key {
        let mut h = DefaultHasher::new();
        history.hash(&mut h);
        Key {
            source: source.to_string(),
            project: project.to_string(),
            asked,
            today,
            history: h.finish(),
        }
    }
}

type Cache = Mutex<HashMap<Key, Arc<TrackRecord>>>;

/// Records kept before earlier days' are dropped: a day's portfolio and the questions asked
/// of it stay well below, and each record is a few hundred bytes.
const KEPT: usize = 4096;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// The record kept for `key`, if its replay already ran.
pub fn cached(key: &Key) -> Option<Arc<TrackRecord>> {
    cache()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
        .cloned()
}

/// The record for `key`, replaying `history` if it is not kept yet. The replay runs outside
/// the lock, so two projects replay at once.
pub fn record(key: &Key, history: &[u32]) -> Arc<TrackRecord> {
    if let Some(r) = cached(key) {
        return r;
    }
    let r = Arc::new(replay(history, key.asked, key.today));
    let mut kept = cache().lock().unwrap_or_else(|e| e.into_inner());
    // Earlier days' records will not be asked for again; dropped once there are many, so a
    // record just kept is never dropped by one for another day.
    if kept.len() >= KEPT {
        kept.retain(|k, _| k.today == key.today);
    }
    kept.insert(key.clone(), r.clone());
    r
}

/// Replays every job not kept yet, spread over the machine's cores; returns how many ran.
pub fn fill(jobs: Vec<(Key, Vec<u32>)>) -> usize {
    let todo: Vec<(Key, Vec<u32>)> = jobs
        .into_iter()
        .filter(|(k, _)| cached(k).is_none())
        .collect();
    let n = todo.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, n.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((key, history)) = todo.get(i) else {
                        break;
                    };
                    record(key, history);
                }
            });
        }
    });
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::backtest::{Series, run_corrected};
    use crate::rng::Rng;

    fn bursty(seed: u64, days: usize) -> Vec<u32> {
        let mut rng = Rng::new(seed);
        (0..days)
            .map(|d| {
                let rate = if (d / 45) % 3 == 0 { 0.3 } else { 2.2 };
                rng.poisson(rate)
            })
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid date")
    }

    #[test]
    fn the_replays_levels_are_the_backtests_for_the_same_series() {
        let daily = bursty(5, 900);
        for asked in [Asked::When { items: 20 }, Asked::HowMany { days: 28 }] {
            let plan = plan_for(asked);
            let series = [Series {
                project: "P".into(),
                daily: daily.clone(),
            }];
            let report = run_corrected(&series, &plan, GAMMA, |h| {
                Sampler::new(h, Method::Corrected)
            });
            let backtest = &report.per_project[0].levels;
            let record = replay(&daily, asked, today());
            let want = match asked {
                Asked::When { .. } => backtest.when,
                Asked::HowMany { .. } => backtest.how_many,
            };
            assert_eq!(record.levels, want, "{asked:?}");
            assert_ne!(record.levels, LEVELS, "{asked:?}: the levels must move");
        }
    }

    #[test]
    fn the_record_counts_settled_statements_and_dates_its_origins() {
        let daily = bursty(2, 900);
        let r = replay(&daily, Asked::HowMany { days: 28 }, today());
        // Origins at 180, 194, ... while origin + 28 <= 900: 50 of them, all settled by today.
        assert_eq!(r.settled, [50; 4]);
        assert!(r.hits.iter().zip(r.settled).all(|(h, s)| *h <= s));
        assert!(
            r.hits[3] >= r.hits[0],
            "95 % statements come true more often"
        );
        assert_eq!(r.first_origin, Some(today() - Duration::days(720)));
        assert_eq!(r.span_days, 49 * 14);
        assert_eq!(
            r.last_origin,
            r.first_origin.map(|d| d + Duration::days(49 * 14))
        );
        let short = replay(&daily[..300], Asked::HowMany { days: 28 }, today());
        assert!(short.is_short());
        assert_eq!(short.stated_levels(), LEVELS);
        let none = replay(&daily[..100], Asked::When { items: 5 }, today());
        assert_eq!((none.settled, none.first_origin), ([0; 4], None));
    }

    #[test]
    fn the_line_fits_its_width_and_says_what_happened() {
        let r = TrackRecord {
            levels: [0.52, 0.73, 0.88, 0.97],
            settled: [48; 4],
            hits: [25, 33, 41, 46],
            first_origin: None,
            last_origin: None,
            span_days: 700,
        };
        assert_eq!(
            r.line(200),
            "85 % statements here came true 41 of 48 times over 2 years; levels corrected by +3 points"
        );
        for width in [70, 50, 40] {
            assert!(r.line(width).chars().count() <= width, "{}", r.line(width));
            assert!(r.line(width).contains("41"));
        }
        let short = TrackRecord {
            settled: [6; 4],
            hits: [3, 4, 4, 6],
            ..r
        };
        assert!(short.line(200).starts_with("too short a record to correct"));
        assert_eq!(short.correction_points(), 0);
    }

    #[test]
    fn a_record_is_kept_per_question_and_history() {
        let daily = bursty(9, 400);
        let key = Key::new("s", "P", Asked::HowMany { days: 14 }, today(), &daily);
        assert_eq!(fill(vec![(key.clone(), daily.clone())]), 1);
        assert!(cached(&key).is_some());
        assert_eq!(fill(vec![(key.clone(), daily.clone())]), 0, "kept");
        let mut other = daily.clone();
        other[10] += 1;
        let moved = Key::new("s", "P", Asked::HowMany { days: 14 }, today(), &other);
        assert!(cached(&moved).is_none(), "a changed history replays again");
    }
}
