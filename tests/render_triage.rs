//! The triage dialogs and views drawn at 80x24 (tmux over SSH) and 160x50: the filter line
//! with its count or error, the palette, the pickers, the confirmation with its keys in
//! sight however many tickets it lists, the bulk write's progress and summary, and the
//! ticket and project detail views.

use crossterm::event::KeyCode;
use lookout::app::{Event, State, update};
use lookout::sync::{BulkProgress, BulkSummary};

#[path = "common/demo_state.rs"]
mod demo_state;
#[path = "common/screen.rs"]
mod screen;

use demo_state::{key, loaded_demo, typed};

use screen::screen;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 50)];

fn loaded() -> State {
    loaded_demo()
}

/// Each row of the screen fits its width: nothing drawn past the edge.
fn assert_fits(s: &str, w: u16) {
    for line in s.lines() {
        assert!(
            line.chars().count() <= w as usize,
            "a row is wider than {w}: {line:?}"
        );
    }
}

#[test]
fn the_filter_line_shows_its_count_or_where_the_syntax_is_wrong() {
    for (w, h) in SIZES {
        let mut s = loaded();
        typed(&mut s, "2/stalled");
        let shown = screen(&s, w, h);
        let n = s.stalled.len();
        assert!(
            shown.contains(&format!("/stalled  {n} of {n}")),
            "{w}x{h}:\n{shown}"
        );
        typed(&mut s, " age>x");
        let shown = screen(&s, w, h);
        assert!(shown.contains("column"), "{w}x{h}:\n{shown}");
        assert_fits(&shown, w);
    }
}

#[test]
fn the_palette_lists_commands_with_their_keys() {
    for (w, h) in SIZES {
        let mut s = loaded();
        typed(&mut s, ":asgn");
        let shown = screen(&s, w, h);
        assert!(shown.contains("Commands ("), "{w}x{h}:\n{shown}");
        assert!(shown.contains("assign"), "{w}x{h}:\n{shown}");
        assert!(shown.contains("Assign (a picker"), "{w}x{h}:\n{shown}");
        assert_fits(&shown, w);
    }
}

#[test]
fn the_member_picker_shows_each_member_s_work_in_progress() {
    for (w, h) in SIZES {
        let mut s = loaded();
        typed(&mut s, "2a");
        let shown = screen(&s, w, h);
        assert!(shown.contains("in progress"), "{w}x{h}:\n{shown}");
        assert!(shown.contains("Enter choose"), "{w}x{h}:\n{shown}");
    }
}

#[test]
fn a_confirmation_of_many_tickets_keeps_its_keys_in_sight() {
    for (w, h) in SIZES {
        let mut s = loaded();
        typed(&mut s, "2*");
        key(&mut s, KeyCode::Char('P'));
        key(&mut s, KeyCode::Enter);
        let shown = screen(&s, w, h);
        let n = s.marks.len();
        assert!(n > 12, "the demo has many stalled tickets: {n}");
        assert!(
            shown.contains(&format!("on {n} tickets")),
            "{w}x{h}:\n{shown}"
        );
        assert!(
            shown.contains("Enter write"),
            "{w}x{h}: keys cut off:\n{shown}"
        );
        assert!(shown.contains("more"), "{w}x{h}:\n{shown}");
        assert_fits(&shown, w);
    }
}

#[test]
fn the_bulk_write_counts_off_then_sums_up() {
    for (w, h) in SIZES {
        let mut s = loaded();
        typed(&mut s, "2 j j");
        key(&mut s, KeyCode::Char('I'));
        // `@me` is not configured in this state: the status bar says how to set it.
        let shown = screen(&s, w, h);
        assert!(shown.contains("@me needs"), "{w}x{h}:\n{shown}");
        key(&mut s, KeyCode::Char('P'));
        key(&mut s, KeyCode::Enter);
        key(&mut s, KeyCode::Enter);
        update(
            &mut s,
            Event::BulkProgress(BulkProgress {
                done: 1,
                total: 2,
                last: ("CRUX-1".into(), Ok(())),
            }),
        );
        let shown = screen(&s, w, h);
        assert!(shown.contains("1 of 2 written"), "{w}x{h}:\n{shown}");
        update(
            &mut s,
            Event::BulkDone(BulkSummary {
                succeeded: vec![],
                failed: vec![("CRUX-2".into(), "nothing was written: HTTP 500".into())],
            }),
        );
        let shown = screen(&s, w, h);
        assert!(shown.contains("0 succeeded, 1 failed"), "{w}x{h}:\n{shown}");
        assert!(shown.contains("fail  CRUX-2"), "{w}x{h}:\n{shown}");
        assert_fits(&shown, w);
    }
}

#[test]
fn ticket_and_project_details_open_over_the_tab() {
    for (w, h) in SIZES {
        let mut s = loaded();
        typed(&mut s, "2");
        let k = s.selected_stalled().expect("row").key.to_string();
        key(&mut s, KeyCode::Enter);
        let shown = screen(&s, w, h);
        assert!(shown.contains("Ticket (Esc back"), "{w}x{h}:\n{shown}");
        assert!(shown.contains(&k), "{w}x{h}:\n{shown}");
        assert_fits(&shown, w);
        key(&mut s, KeyCode::Esc);
        typed(&mut s, "1i");
        let shown = screen(&s, w, h);
        assert!(shown.contains("Project (Esc back"), "{w}x{h}:\n{shown}");
        assert_fits(&shown, w);
    }
}
