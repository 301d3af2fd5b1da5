//! When a connector lists the tracker's ids to notice deleted tickets.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct SweepClock {
    every: Duration,
    last: Option<Instant>,
    /// A sweep (or full read) fetched but not yet known to be stored.
    pending: Option<Instant>,
}

impl SweepClock {
    pub fn new(every: Duration) -> SweepClock {
        SweepClock {
            every,
            last: None,
            pending: None,
        }
    }

    /// Whether the sync that is finishing should sweep. A full read has just listed every
    /// live ticket, so it counts as a sweep: listing the ids again would cost a search per
    /// thousand tickets for nothing. (Tickets left from a lost cursor go at the next sweep.)
    /// It counts only once `stored` says the change set carrying it was written.
    pub fn due(&mut self, full_read: bool) -> bool {
        let due = !full_read && self.last.is_none_or(|t| t.elapsed() >= self.every);
        self.pending = (full_read || due).then(Instant::now);
        due
    }

    /// The sync's change sets are durably stored, so its sweep counts; a sweep whose write
    /// failed never reaches here and is tried again by the next sync.
    pub fn stored(&mut self) {
        if let Some(at) = self.pending.take() {
            self.last = Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_read_stands_for_a_sweep_and_the_next_is_on_schedule() {
        let mut clock = SweepClock::new(Duration::from_secs(3600));
        assert!(clock.due(false), "an incremental sync never swept sweeps");
        clock.stored();
        assert!(!clock.due(false), "not again within the hour");

        let mut clock = SweepClock::new(Duration::from_secs(3600));
        assert!(!clock.due(true), "a full read needs no sweep");
        clock.stored();
        assert!(!clock.due(false), "and it starts the hour");

        let mut clock = SweepClock::new(Duration::ZERO);
        assert!(!clock.due(true));
        clock.stored();
        assert!(clock.due(false), "every sync sweeps when asked to");
    }

    #[test]
    fn a_sweep_whose_write_failed_is_due_again() {
        let mut clock = SweepClock::new(Duration::from_secs(3600));
        assert!(clock.due(false));
        // The write failed: `stored` never came.
        assert!(clock.due(false), "the next sync sweeps again");
        clock.stored();
        assert!(!clock.due(false));

        let mut clock = SweepClock::new(Duration::from_secs(3600));
        assert!(!clock.due(true));
        assert!(clock.due(false), "an unstored full read stands for nothing");
    }
}
