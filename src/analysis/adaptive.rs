//! Self-correcting confidence levels: adaptive conformal inference (Gibbs and Candès, NeurIPS
//! 2021) over a project's own forecast history.
//!
//! No fixed sampler fits every team: some teams' throughput is far burstier than the data a
//! method was tuned on, and their "85 %" statements come true less often than that. So each
//! project replays its history: at each origin it states a forecast, and once that
//! statement's outcome is known, the level it is stated at moves by a small step, up after a
//! miss and down after a hit, so that over time the share of misses settles at what the
//! level promises. Today's forecast is stated at the levels the replay ends with.
//!
//! The trap is leakage: a statement may correct the levels only from the origin at which its
//! outcome was known. A How-Many statement from origin s is known at s + horizon. A When
//! statement "done within d days" is known as a hit on the day the last item was done (if
//! that is within d), and as a miss the day after day d; nothing else.

use super::forecast::{LEVELS, quantile_of};

/// The step by which each settled statement moves its level. Small enough that one odd month
/// moves a level by a few points, large enough that a year of origins can correct ten.
pub const GAMMA: f64 = 0.01;

/// The running level of each stated probability of `LEVELS`. The running values are not
/// clamped (the method's guarantee needs them free); what forecasts use is `used`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    running: [f64; 4],
}

impl Default for Levels {
    fn default() -> Self {
        Levels { running: LEVELS }
    }
}

impl Levels {
    /// The levels to state forecasts at: within [0, 1] and non-decreasing across the four
    /// probabilities, so a 95 % statement is never narrower than the 85 % one.
    pub fn used(&self) -> [f64; 4] {
        let mut out = [0.0; 4];
        let mut floor = 0.0f64;
        for (o, r) in out.iter_mut().zip(self.running) {
            *o = r.clamp(0.0, 1.0).max(floor);
            floor = *o;
        }
        out
    }

    /// Moves level `i` after one of its statements settled.
    pub fn settle(&mut self, i: usize, hit: bool, gamma: f64) {
        let miss = if hit { 0.0 } else { 1.0 };
        self.running[i] += gamma * (miss - (1.0 - LEVELS[i]));
    }

    /// How far each used level sits from the probability it stands for, in points.
    pub fn correction_points(&self) -> [f64; 4] {
        let used = self.used();
        std::array::from_fn(|i| (used[i] - LEVELS[i]) * 100.0)
    }
}

/// A statement made at an origin, waiting for the origin at which its outcome is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pending {
    /// Which of `LEVELS` it was stated for.
    pub level: usize,
    /// The first origin (a day index: the days before it are known) that knows the outcome.
    pub known_at: usize,
    pub hit: bool,
}

impl Pending {
    /// "At least `stated` items in `horizon` days from `origin`", against the days that
    /// followed (`future[0]` is the origin's own day). `None` when the data ends first.
    pub fn how_many(
        level: usize,
        origin: usize,
        horizon: usize,
        stated: u32,
        future: &[u32],
    ) -> Option<Pending> {
        let window = future.get(..horizon)?;
        let actual: u32 = window.iter().sum();
        Some(Pending {
            level,
            known_at: origin + horizon,
            hit: actual >= stated,
        })
    }

    /// "`items` done within `within` days from `origin`"; `within` is `None` when the stated
    /// day lies beyond the horizon, and then only the horizon passing disproves it. `None`
    /// when the data ends before the outcome is known.
    pub fn when(
        level: usize,
        origin: usize,
        items: u32,
        within: Option<u32>,
        horizon: u32,
        future: &[u32],
    ) -> Option<Pending> {
        let limit = within.unwrap_or(horizon) as usize;
        let mut done = 0u32;
        for (i, n) in future.iter().enumerate() {
            done += n;
            let day = i + 1;
            if done >= items {
                // Known once the day the last item was done is among the known days.
                return Some(if day <= limit {
                    Pending {
                        level,
                        known_at: origin + day,
                        hit: true,
                    }
                } else {
                    Pending {
                        level,
                        known_at: origin + limit + 1,
                        hit: false,
                    }
                });
            }
            if day > limit {
                return Some(Pending {
                    level,
                    known_at: origin + limit + 1,
                    hit: false,
                });
            }
        }
        None
    }
}

/// The running state of one question's replay: levels and the statements not yet settled.
#[derive(Debug, Clone, Default)]
pub struct Corrector {
    pub levels: Levels,
    pending: Vec<Pending>,
    /// Per level: statements settled and how many came true.
    pub settled: [u32; 4],
    pub hits: [u32; 4],
}

impl Corrector {
    /// Settles, in the order they were made, every statement known by `origin`.
    pub fn advance_to(&mut self, origin: usize, gamma: f64) {
        let mut still = Vec::with_capacity(self.pending.len());
        for p in std::mem::take(&mut self.pending) {
            if p.known_at <= origin {
                self.levels.settle(p.level, p.hit, gamma);
                self.settled[p.level] += 1;
                self.hits[p.level] += u32::from(p.hit);
            } else {
                still.push(p);
            }
        }
        self.pending = still;
    }

    pub fn state(&mut self, statement: Pending) {
        self.pending.push(statement);
    }

    pub fn waiting(&self) -> usize {
        self.pending.len()
    }
}

/// Maps a probability through the corrected levels: `LEVELS[i]` goes to `used[i]`, 0 and 1
/// stay, and anything between is linear between its neighbours. Applied to the quantiles of
/// a forecast's trials, it gives the distribution whose statements are the corrected ones.
pub fn warp(p: f64, used: &[f64; 4]) -> f64 {
    let mut from = [0.0; 6];
    let mut to = [0.0; 6];
    from[1..5].copy_from_slice(&LEVELS);
    to[1..5].copy_from_slice(used);
    from[5] = 1.0;
    to[5] = 1.0;
    let p = p.clamp(0.0, 1.0);
    for k in 0..5 {
        if p <= from[k + 1] {
            let span = from[k + 1] - from[k];
            let t = if span > 0.0 {
                (p - from[k]) / span
            } else {
                0.0
            };
            return to[k] + t * (to[k + 1] - to[k]);
        }
    }
    1.0
}

/// The trials' sorted outcomes as the corrected levels see them: the quantile at `p` of the
/// result is the trials' quantile at `map(p)`. Identity at the nominal levels.
pub fn warped(sorted: &[f64], used: &[f64; 4], map: impl Fn(f64, &[f64; 4]) -> f64) -> Vec<f64> {
    if *used == LEVELS {
        return sorted.to_vec();
    }
    let n = sorted.len() as f64;
    (0..sorted.len())
        .map(|j| quantile_of(sorted, map((j as f64 + 0.5) / n, used)).unwrap_or(f64::NAN))
        .collect()
}

/// How-Many statements are lower quantiles ("at least x" at p is the 1 - p quantile).
pub fn warp_lower(q: f64, used: &[f64; 4]) -> f64 {
    1.0 - warp(1.0 - q, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misses_raise_a_level_and_hits_lower_it() {
        let mut l = Levels::default();
        l.settle(2, false, 0.1);
        assert!((l.used()[2] - (0.85 + 0.1 * 0.85)).abs() < 1e-12);
        let mut h = Levels::default();
        h.settle(2, true, 0.1);
        assert!((h.used()[2] - (0.85 - 0.1 * 0.15)).abs() < 1e-12);
    }

    #[test]
    fn a_level_hit_at_its_promised_rate_stays_put() {
        let mut l = Levels::default();
        // 85 % level: 17 hits and 3 misses in every 20 is exactly what it promises.
        for round in 0..50 {
            for k in 0..20 {
                l.settle(2, (k + round) % 20 >= 3, GAMMA);
            }
        }
        assert!((l.used()[2] - 0.85).abs() < 1e-9, "{:?}", l.used());
    }

    #[test]
    fn used_levels_are_clamped_and_ordered_but_the_running_state_is_not() {
        let mut l = Levels::default();
        for _ in 0..200 {
            l.settle(3, false, 0.05);
            l.settle(0, false, 0.05);
        }
        let used = l.used();
        assert_eq!(used[3], 1.0);
        assert!(used.windows(2).all(|w| w[0] <= w[1]), "{used:?}");
        assert!(l.running[3] > 1.0, "the running level keeps its excess");
        // Hits bring it back only once the excess is spent.
        l.settle(3, true, 0.05);
        assert_eq!(l.used()[3], 1.0);
    }

    #[test]
    fn how_many_is_known_after_its_horizon() {
        let future = [1, 0, 2, 1, 3];
        let p = Pending::how_many(1, 100, 4, 4, &future).expect("known");
        assert_eq!((p.known_at, p.hit), (104, true));
        let p = Pending::how_many(1, 100, 4, 5, &future).expect("known");
        assert!(!p.hit);
        assert_eq!(Pending::how_many(1, 100, 6, 1, &future), None);
    }

    #[test]
    fn when_is_known_as_a_hit_on_the_day_and_as_a_miss_after_the_stated_day() {
        let future = [0, 1, 0, 1, 0, 0, 1, 1];
        // Two items are done on day 4.
        let hit = Pending::when(2, 10, 2, Some(5), 730, &future).expect("known");
        assert_eq!((hit.known_at, hit.hit), (14, true));
        // "Within 3 days" is proven wrong once day 3 is over.
        let miss = Pending::when(2, 10, 2, Some(3), 730, &future).expect("known");
        assert_eq!((miss.known_at, miss.hit), (14, false));
        // Four items by day 8: "within 6" is a miss known at day 7 (origin + 7).
        let late = Pending::when(2, 10, 4, Some(6), 730, &future).expect("known");
        assert_eq!((late.known_at, late.hit), (17, false));
        // Five items never come within the data, and "within 20" is not yet disproven.
        assert_eq!(Pending::when(2, 10, 5, Some(20), 730, &future), None);
        // Beyond the horizon: a hit whenever they are done within it.
        let beyond = Pending::when(3, 10, 4, None, 730, &future).expect("known");
        assert_eq!((beyond.known_at, beyond.hit), (18, true));
    }

    #[test]
    fn a_statement_corrects_nothing_before_its_outcome_is_known() {
        let mut c = Corrector::default();
        c.state(Pending {
            level: 2,
            known_at: 50,
            hit: false,
        });
        c.advance_to(49, 0.1);
        assert_eq!(c.levels, Levels::default());
        assert_eq!(c.waiting(), 1);
        c.advance_to(50, 0.1);
        assert!(c.levels.used()[2] > 0.85);
        assert_eq!((c.settled[2], c.hits[2], c.waiting()), (1, 0, 0));
    }

    #[test]
    fn warp_moves_the_four_levels_and_keeps_the_ends() {
        let used = [0.55, 0.72, 0.9, 0.97];
        for (i, p) in LEVELS.iter().enumerate() {
            assert!((warp(*p, &used) - used[i]).abs() < 1e-12);
        }
        assert_eq!(warp(0.0, &used), 0.0);
        assert_eq!(warp(1.0, &used), 1.0);
        assert!((warp(0.25, &used) - 0.275).abs() < 1e-12);
        let mut last = 0.0;
        for k in 0..=100 {
            let w = warp(k as f64 / 100.0, &used);
            assert!(w >= last);
            last = w;
        }
    }
}
