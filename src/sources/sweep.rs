//! When a connector lists the tracker's ids to notice deleted tickets.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct SweepClock {
    every: Duration,
    last: Option<Instant>,
}

impl SweepClock {
    pub fn new(every: Duration) -> SweepClock {
        SweepClock { every, last: None }
    }

    /// Whether the sync that is finishing should sweep. A full read has just listed every
    /// live ticket, so it counts as a sweep: listing the ids again would cost a search per
    /// thousand tickets for nothing. (Tickets left from a lost cursor go at the next sweep.)
    pub fn due(&mut self, full_read: bool) -> bool {
        if full_read {
            self.done();
            return false;
        }
        self.last.is_none_or(|t| t.elapsed() >= self.every)
    }

    /// A sweep was stored; a failed one is tried again by the next sync.
    pub fn done(&mut self) {
        self.last = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_read_stands_for_a_sweep_and_the_next_is_on_schedule() {
        let mut clock = SweepClock::new(Duration::from_secs(3600));
        assert!(clock.due(false), "an incremental sync never swept sweeps");
        clock.done();
        assert!(!clock.due(false), "not again within the hour");

        let mut clock = SweepClock::new(Duration::from_secs(3600));
        assert!(!clock.due(true), "a full read needs no sweep");
        assert!(!clock.due(false), "and it starts the hour");

        let mut clock = SweepClock::new(Duration::ZERO);
        assert!(!clock.due(true));
        assert!(clock.due(false), "every sync sweeps when asked to");
    }
}
