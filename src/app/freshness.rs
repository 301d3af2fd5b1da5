//! How old the data on screen is, and which ticket rows changed since the user last looked.
//!
//! The header says "as of 10:42, 3 min ago". The age is worked out from a clock the event loop
//! hands in (`Event::Clock`), never read while drawing, and the loop wakes only when the text
//! would change (`next_change`): an idle dashboard writes nothing for minutes at a time.
//!
//! A list counts as seen when the user moves in it or leaves it; rows whose ticket was updated
//! after that are marked until then. One timestamp per list, compared on the drawn rows only.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Local, Utc};

use super::outcome::Outcome;
use super::state::{State, Tab};
use crate::keys::Action;

/// A list whose rows are tickets with an `updated` time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SeenList {
    /// The ticket list of one project (source, key).
    Project(String, String),
    /// The Stalled tab.
    Stalled,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Freshness {
    /// The wall clock as of the last event; `None` until the loop first says.
    pub clock: Option<DateTime<Utc>>,
    /// When this session first knew the time: a list never seen counts as seen then.
    pub started: Option<DateTime<Utc>>,
    seen: HashMap<SeenList, DateTime<Utc>>,
}

/// When the data on screen was true: the newest successful sync of this session, else the time
/// the shown analysis was made.
pub fn data_time(state: &State) -> Option<DateTime<Utc>> {
    state
        .sources
        .iter()
        .filter_map(|s| s.last_ok)
        .max()
        .or(state.analysis.now)
}

/// "just now", "3 min ago", "2 h ago", "4 d ago".
pub fn age_text(data: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - data).num_seconds().max(0);
    match secs {
        s if s < 60 => "just now".to_string(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} d ago", s / 86_400),
    }
}

/// How long until `age_text(data, now)` reads differently; at least a second, so a clock
/// that stands still cannot spin the loop.
pub fn next_change(data: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    let secs = (now - data).num_seconds().max(0);
    let step = match secs {
        s if s < 3600 => 60,
        s if s < 86_400 => 3600,
        _ => 86_400,
    };
    let wait = step - secs % step;
    Duration::from_secs(wait.max(1) as u64)
}

/// The header's right side: "as of 10:42, 3 min ago" (the clock in local time), or the age
/// alone when `short`.
pub fn header(state: &State, short: bool) -> Option<String> {
    let data = data_time(state)?;
    let age = age_text(data, state.fresh.clock.unwrap_or(data));
    if short {
        return Some(age);
    }
    Some(format!(
        "as of {}, {age}",
        data.with_timezone(&Local).format("%H:%M")
    ))
}

/// The loop's clock moved on: redraw only when the header's text changes.
pub fn on_clock(state: &mut State, now: DateTime<Utc>) -> Outcome {
    let before = header(state, true);
    state.fresh.clock = Some(now);
    state.fresh.started.get_or_insert(now);
    Outcome {
        redraw: header(state, true) != before,
        effects: Vec::new(),
    }
}

/// The ticket list in front of the user, if it is one that marks changed rows.
pub fn list_in_front(state: &State) -> Option<SeenList> {
    if !state.modes.is_empty() {
        return None;
    }
    match (state.tab, &state.detail) {
        (Tab::Projects, Some(d)) => Some(SeenList::Project(d.source.clone(), d.key.clone())),
        (Tab::Stalled, None) => Some(SeenList::Stalled),
        _ => None,
    }
}

/// Rows of `list` whose ticket was updated after this are marked as changed.
pub fn changed_after(state: &State, list: &SeenList) -> Option<DateTime<Utc>> {
    state.fresh.seen.get(list).copied().or(state.fresh.started)
}

/// After a command: the list that was in front counts as seen when the user moved in it or
/// left it.
pub fn after_command(state: &mut State, before: Option<SeenList>, action: Action) {
    let Some(list) = before else { return };
    let moved = matches!(
        action,
        Action::Down
            | Action::Up
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom
    );
    if moved || list_in_front(state).as_ref() != Some(&list) {
        mark_seen(state, list);
    }
}

pub fn mark_seen(state: &mut State, list: SeenList) {
    if let Some(now) = state.fresh.clock {
        state.fresh.seen.insert(list, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).expect("a time")
    }

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(age_text(at(0), at(59)), "just now");
        assert_eq!(age_text(at(0), at(60)), "1 min ago");
        assert_eq!(age_text(at(0), at(3599)), "59 min ago");
        assert_eq!(age_text(at(0), at(7200)), "2 h ago");
        assert_eq!(age_text(at(0), at(3 * 86_400 + 5)), "3 d ago");
        assert_eq!(
            age_text(at(10), at(0)),
            "just now",
            "a clock behind the data"
        );
    }

    #[test]
    fn the_next_change_is_the_next_time_the_text_differs() {
        for (now, wait) in [
            (0, 60),
            (59, 1),
            (60, 60),
            (130, 50),
            (3600, 3600),
            (90_000, 82_800),
        ] {
            let d = next_change(at(0), at(now));
            assert_eq!(d.as_secs(), wait, "at {now}");
            let later = at(now) + chrono::Duration::seconds(wait as i64);
            let just_before = later - chrono::Duration::seconds(1);
            assert_eq!(age_text(at(0), just_before), age_text(at(0), at(now)));
            assert_ne!(age_text(at(0), later), age_text(at(0), at(now)));
        }
    }
}
