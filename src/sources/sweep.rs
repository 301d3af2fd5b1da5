//! When a connector lists the tracker's ids to notice deleted tickets.
//!
//! The time of the last sweep lives in the cursor (`Window`), not in the connector: the
//! cursor is stored in the same transaction as the change set that carries the sweep, so a
//! sweep counts exactly when it is stored, and a new process (`lookout sync --once` from
//! cron, say) knows when the last one ran instead of sweeping on every start.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Window;

#[derive(Debug, Clone, Copy)]
pub struct SweepClock {
    every: Duration,
}

impl SweepClock {
    pub fn new(every: Duration) -> SweepClock {
        SweepClock { every }
    }

    /// Whether the sync that is finishing should sweep, noting it in `window` when it does.
    /// A full read has just listed every live ticket, so it counts as a sweep: listing the ids
    /// again would cost a search per thousand tickets for nothing. (Tickets left from a lost
    /// cursor go at the next sweep.) A clock that went backwards sweeps rather than waits.
    pub fn due(&self, window: &mut Window, full_read: bool, now: DateTime<Utc>) -> bool {
        let every = chrono::Duration::from_std(self.every).unwrap_or(chrono::Duration::MAX);
        let due = !full_read
            && window
                .swept()
                .is_none_or(|last| last > now || now - last >= every);
        if full_read || due {
            window.set_swept(now);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0)
            .single()
            .expect("valid")
            + chrono::Duration::minutes(min)
    }

    /// The window as the next process reads it back from the store.
    fn stored(w: &mut Window) -> Window {
        Window::parse(Some(&w.cursor(chrono::Duration::minutes(2))))
    }

    #[test]
    fn a_full_read_stands_for_a_sweep_and_the_next_is_on_schedule() {
        let hourly = SweepClock::new(Duration::from_secs(3600));
        let mut w = Window::default();
        assert!(hourly.due(&mut w, false, at(0)), "never swept: sweep");
        let mut w = stored(&mut w);
        assert!(
            !hourly.due(&mut w, false, at(30)),
            "not again within the hour"
        );
        assert!(hourly.due(&mut w, false, at(61)), "an hour later");

        let mut w = Window::default();
        assert!(
            !hourly.due(&mut w, true, at(0)),
            "a full read needs no sweep"
        );
        let mut w = stored(&mut w);
        assert!(!hourly.due(&mut w, false, at(59)), "and it starts the hour");

        let always = SweepClock::new(Duration::ZERO);
        let mut w = Window::default();
        assert!(!always.due(&mut w, true, at(0)));
        assert!(
            always.due(&mut w, false, at(0)),
            "every sync sweeps when asked to"
        );
    }

    #[test]
    fn a_sweep_counts_only_in_the_cursor_that_was_stored() {
        let hourly = SweepClock::new(Duration::from_secs(3600));
        let mut before = Window::default();
        before.set_swept(at(0));
        let stored_cursor = before.cursor(chrono::Duration::minutes(2));
        // A sync at 70 sweeps; its write fails, so its cursor is never stored.
        let mut lost = Window::parse(Some(&stored_cursor));
        assert!(hourly.due(&mut lost, false, at(70)));
        // The next sync starts from the stored cursor and sweeps again.
        let mut next = Window::parse(Some(&stored_cursor));
        assert!(hourly.due(&mut next, false, at(71)));
    }

    #[test]
    fn a_clock_that_went_back_sweeps_instead_of_waiting_for_ever() {
        let hourly = SweepClock::new(Duration::from_secs(3600));
        let mut w = Window::default();
        w.set_swept(at(600));
        assert!(hourly.due(&mut w, false, at(0)));
    }
}
