//! One list on screen: its rows (indices into what it lists, filtered and sorted once per
//! change, never while drawing), the selection, and the first row drawn.

use std::cell::Cell;
use std::ops::Range;

use crate::keys::Action;

/// How far page keys move.
pub const PAGE: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListView {
    pub rows: Vec<usize>,
    pub selected: usize,
    /// The first row drawn, kept from frame to frame so moving up from the bottom moves the
    /// highlight rather than scrolling the whole table (which rewrites every row over SSH).
    /// A `Cell` because only drawing knows the height; nothing else reads it.
    offset: Cell<usize>,
}

impl ListView {
    pub fn new(rows: Vec<usize>) -> ListView {
        ListView {
            rows,
            selected: 0,
            offset: Cell::new(0),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The selected row's index into what the list shows.
    pub fn current(&self) -> Option<usize> {
        self.rows.get(self.selected).copied()
    }

    /// New rows; the selection follows `keep` (the item selected before) when it is still
    /// listed, and stays at the same place otherwise.
    pub fn replace(&mut self, rows: Vec<usize>, keep: Option<usize>) {
        self.rows = rows;
        self.selected = keep
            .and_then(|k| self.rows.iter().position(|&r| r == k))
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
    }

    /// Moves the selection; returns whether it moved.
    pub fn step(&mut self, action: Action) -> bool {
        let before = self.selected;
        self.selected = moved(self.selected, self.rows.len(), action);
        self.selected != before
    }

    pub fn select(&mut self, i: usize) {
        self.selected = i.min(self.rows.len().saturating_sub(1));
    }

    /// The first row of the last frame, to tell which row a click landed on.
    pub fn first_drawn(&self) -> usize {
        self.offset.get()
    }

    /// The rows to draw in `height` lines, with the selection in view: the first row stays
    /// where it was unless the selection left the window. Then the window jumps half a page
    /// (a step of one would rewrite every row on every key, 3-4 KB over SSH; a jump does it
    /// once in half a page of keys), or straight to the selection when it went further.
    pub fn window(&self, height: usize) -> Range<usize> {
        let len = self.rows.len();
        if height == 0 || len == 0 {
            return 0..0;
        }
        let last_first = len.saturating_sub(height);
        let jump = (height / 2).max(1);
        let mut first = self.offset.get().min(last_first);
        if self.selected < first {
            first = if first - self.selected <= jump {
                first.saturating_sub(jump)
            } else {
                self.selected
            };
        } else if self.selected >= first + height {
            let past = self.selected + 1 - (first + height);
            first = if past <= jump {
                (first + jump).min(last_first)
            } else {
                self.selected + 1 - height
            };
        }
        self.offset.set(first);
        first..(first + height).min(len)
    }
}

/// Moves a selection by a step within `len` rows.
pub fn moved(selected: usize, len: usize, action: Action) -> usize {
    let last = len.saturating_sub(1);
    match action {
        Action::Down => (selected + 1).min(last),
        Action::Up => selected.saturating_sub(1),
        Action::PageDown => (selected + PAGE).min(last),
        Action::PageUp => selected.saturating_sub(PAGE),
        Action::Top => 0,
        Action::Bottom => last,
        _ => selected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_up_from_the_bottom_moves_the_highlight_not_the_window() {
        let mut list = ListView::new((0..100).collect());
        list.step(Action::Bottom);
        assert_eq!(list.window(10), 90..100);
        list.step(Action::Up);
        assert_eq!(list.window(10), 90..100, "the window stays");
        for _ in 0..8 {
            list.step(Action::Up);
        }
        assert_eq!(list.selected, 90);
        assert_eq!(list.window(10), 90..100);
        list.step(Action::Up);
        assert_eq!(list.window(10), 85..95, "past the top, half a page up");
    }

    #[test]
    fn stepping_past_the_window_jumps_half_a_page_and_far_moves_go_straight_there() {
        let mut list = ListView::new((0..100).collect());
        assert_eq!(list.window(10), 0..10);
        for _ in 0..10 {
            list.step(Action::Down);
        }
        assert_eq!(list.window(10), 5..15, "one past the bottom: half a page");
        // The next four keys move only the highlight.
        for _ in 0..4 {
            list.step(Action::Down);
            assert_eq!(list.window(10), 5..15);
        }
        list.step(Action::PageDown);
        assert_eq!(list.selected, 24);
        assert_eq!(
            list.window(10),
            15..25,
            "a page beyond: the selection at the bottom"
        );
        list.step(Action::Bottom);
        assert_eq!(list.window(10), 90..100);
        list.select(97);
        list.replace((0..98).collect(), None);
        assert_eq!(list.window(10), 88..98, "never past the end");
    }

    #[test]
    fn a_shorter_list_or_taller_screen_leaves_no_gap_at_the_bottom() {
        let mut list = ListView::new((0..100).collect());
        list.step(Action::Bottom);
        list.window(10);
        list.replace((0..20).collect(), Some(15));
        assert_eq!(list.selected, 15);
        assert_eq!(list.window(10), 10..20);
        assert_eq!(list.window(50), 0..20);
        list.replace(Vec::new(), None);
        assert_eq!(list.window(10), 0..0);
        assert_eq!(list.current(), None);
    }
}
