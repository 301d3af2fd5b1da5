//! Triage from the keyboard, through the pure `update`: scopes, the filter line, marks, the
//! pickers, the confirmation and the bulk write's effects, the detail views, the palette,
//! and what leaves for the clipboard or the browser.

#[path = "common/demo_state.rs"]
mod demo_state;

use crossterm::event::KeyCode;
use demo_state::{demo_portfolio, key, loaded_as, typed};
use lookout::app::{Effect, Event, Mode, Outcome, State, update};
use lookout::domain::Change;
use lookout::sync::{BulkProgress, BulkSummary};

fn loaded(read_only: bool) -> State {
    loaded_as(demo_portfolio(), &["demo"], read_only)
}

fn press(state: &mut State, c: char) -> Outcome {
    key(state, KeyCode::Char(c))
}

fn top(state: &State) -> Option<&Mode> {
    state.modes.last()
}

fn stalled_keys(state: &State) -> Vec<String> {
    state
        .stalled
        .rows
        .iter()
        .map(|&i| state.analysis.stalled[i].key.to_string())
        .collect()
}

#[test]
fn the_filter_narrows_live_keeps_the_list_on_bad_syntax_and_is_remembered_per_tab() {
    let mut s = loaded(false);
    press(&mut s, '2');
    let all = s.stalled.len();
    let project = s.analysis.stalled[0].project.to_string();
    press(&mut s, '/');
    typed(&mut s, &format!("project:{project}"));
    let narrowed = s.stalled.len();
    assert!(narrowed > 0 && narrowed < all, "{narrowed} of {all}");
    let Some(Mode::Prompt(p)) = top(&s) else {
        panic!("the filter line is open")
    };
    assert_eq!(p.shown, Some((narrowed, all)));
    // Bad syntax: the message says where and why; the list stays as it was.
    typed(&mut s, " age>");
    let before_bad = s.stalled.len();
    press(&mut s, 'x');
    let Some(Mode::Prompt(p)) = top(&s) else {
        panic!("still open")
    };
    assert!(
        p.error.as_deref().is_some_and(|e| e.contains("column")),
        "{:?}",
        p.error
    );
    assert_eq!(s.stalled.len(), before_bad);
    for _ in 0..6 {
        key(&mut s, KeyCode::Backspace);
    }
    key(&mut s, KeyCode::Enter);
    assert!(s.modes.is_empty());
    assert!(stalled_keys(&s).iter().all(|k| k.starts_with(&project)));
    // Another tab has its own filter; coming back finds this one still applied.
    press(&mut s, '1');
    press(&mut s, '/');
    let Some(Mode::Prompt(p)) = top(&s) else {
        panic!("open")
    };
    assert_eq!(p.line.value(), "", "Projects has no filter yet");
    key(&mut s, KeyCode::Esc);
    press(&mut s, '2');
    assert_eq!(s.stalled.len(), narrowed);
    // Esc on the filtered list shows it whole again.
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.stalled.len(), all);
}

#[test]
fn escape_in_the_filter_line_puts_the_previous_filter_back() {
    let mut s = loaded(false);
    press(&mut s, '2');
    let all = s.stalled.len();
    press(&mut s, '/');
    typed(&mut s, "zzzz-no-such-ticket");
    assert_eq!(s.stalled.len(), 0);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.stalled.len(), all);
}

#[test]
fn marks_toggle_mark_everything_shown_and_clear() {
    let mut s = loaded(false);
    press(&mut s, '2');
    press(&mut s, ' ');
    press(&mut s, 'j');
    press(&mut s, ' ');
    assert_eq!(s.marks.len(), 2);
    press(&mut s, ' ');
    assert_eq!(s.marks.len(), 1, "space again unmarks");
    press(&mut s, '*');
    assert_eq!(s.marks.len(), s.stalled.len());
    press(&mut s, 'U');
    assert!(s.marks.is_empty());
}

#[test]
fn assigning_three_marked_tickets_picks_a_member_confirms_and_writes_each() {
    let mut s = loaded(false);
    press(&mut s, '2');
    for _ in 0..3 {
        press(&mut s, ' ');
        press(&mut s, 'j');
    }
    let marked = s.marks.len();
    assert_eq!(marked, 3);
    press(&mut s, 'a');
    let Some(Mode::Picker(p)) = top(&s) else {
        panic!("the member picker")
    };
    assert!(!p.items.is_empty());
    assert!(p.items[0].0.contains("in progress"), "{:?}", p.items[0]);
    let login = p.items[0].1.clone();
    key(&mut s, KeyCode::Enter);
    let Some(Mode::Confirm(order)) = top(&s) else {
        panic!("the confirmation")
    };
    assert_eq!(order.targets.len(), 3);
    assert_eq!(
        order.change,
        Change::Assign {
            login: login.clone()
        }
    );
    let out = key(&mut s, KeyCode::Enter);
    let requests = out
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::Bulk { requests } => Some(requests.clone()),
            _ => None,
        })
        .expect("a bulk write");
    assert_eq!(requests.len(), 3);
    for r in &requests {
        let t = s
            .portfolio
            .tickets
            .iter()
            .find(|t| t.key == r.action.key)
            .expect("ticket");
        assert_eq!(
            r.seen.status,
            t.status.as_str(),
            "what the user saw is checked"
        );
        assert_eq!(
            r.action.change,
            Change::Assign {
                login: login.clone()
            }
        );
    }
    // Progress is counted off, then the summary: written tickets are unmarked, failed stay.
    update(
        &mut s,
        Event::BulkProgress(BulkProgress {
            done: 1,
            total: 3,
            last: (requests[0].action.key.clone(), Ok(())),
        }),
    );
    let Some(Mode::Bulk(b)) = top(&s) else {
        panic!("progress")
    };
    assert_eq!((b.done, b.total), (1, 3));
    let before = |key: &str| {
        let t = s
            .portfolio
            .tickets
            .iter()
            .find(|t| t.key == key)
            .expect("t");
        lookout::domain::Facts {
            status: t.status.to_string(),
            assignee: None,
            assignee_login: None,
            priority: t.priority,
            priority_name: t.priority.label().into(),
        }
    };
    let summary = BulkSummary {
        succeeded: vec![
            (
                requests[0].action.key.clone(),
                before(&requests[0].action.key),
            ),
            (
                requests[1].action.key.clone(),
                before(&requests[1].action.key),
            ),
        ],
        failed: vec![(requests[2].action.key.clone(), "HTTP 500".into())],
    };
    let out = update(&mut s, Event::BulkDone(summary));
    // The written tickets are read back at once (the demo keeps them in the store itself).
    let reread: Vec<u64> = out
        .effects
        .iter()
        .flat_map(|e| match e {
            Effect::Refresh { tickets, .. } => tickets.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(
        reread,
        vec![requests[0].action.ticket, requests[1].action.ticket]
    );
    let Some(Mode::Bulk(b)) = top(&s) else {
        panic!("summary")
    };
    assert!(
        b.summary
            .as_deref()
            .is_some_and(|t| t.starts_with("2 succeeded, 1 failed"))
    );
    assert_eq!(s.marks.len(), 1, "the failed ticket stays marked");
    // The audit log shows each write at once: two made, one refused with why.
    let writes: Vec<_> = s
        .advice
        .audit
        .iter()
        .filter_map(|e| match e {
            lookout::app::AuditEntry::Write { action, result, .. } => {
                Some((action.key.clone(), result.is_ok()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(writes.len(), 3, "{writes:?}");
    assert_eq!(writes.iter().filter(|(_, ok)| *ok).count(), 2);
    key(&mut s, KeyCode::Esc);
    assert!(s.modes.is_empty());
}

#[test]
fn read_only_refuses_before_asking_anything() {
    let mut s = loaded(true);
    press(&mut s, '2');
    let out = press(&mut s, 'a');
    assert!(s.modes.is_empty());
    assert!(out.effects.is_empty());
    assert!(
        s.message
            .as_deref()
            .is_some_and(|m| m.contains("read-only"))
    );
}

#[test]
fn moving_asks_the_tracker_which_statuses_it_allows() {
    let mut s = loaded(false);
    press(&mut s, '2');
    let out = press(&mut s, 'm');
    let asked = out
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::Statuses { source, ticket, .. } => Some((source.clone(), *ticket)),
            _ => None,
        })
        .expect("the tracker is asked");
    let Some(Mode::Picker(p)) = top(&s) else {
        panic!("picker")
    };
    assert!(p.loading);
    // An answer about another ticket (a picker closed since) is not offered here.
    update(
        &mut s,
        Event::Statuses {
            ticket: (asked.0.clone(), asked.1 + 100_000),
            result: Ok(vec!["Elsewhere".into()]),
        },
    );
    let Some(Mode::Picker(p)) = top(&s) else {
        panic!("picker")
    };
    assert!(p.loading, "still waiting for its own answer");
    update(
        &mut s,
        Event::Statuses {
            ticket: asked,
            result: Ok(vec!["In Review".into(), "Done\u{1b}[2J".into()]),
        },
    );
    let Some(Mode::Picker(p)) = top(&s) else {
        panic!("picker")
    };
    assert!(!p.loading);
    assert_eq!(p.items[1].1, "Done", "tracker text is cleaned");
    press(&mut s, 'j');
    key(&mut s, KeyCode::Enter);
    let Some(Mode::Confirm(order)) = top(&s) else {
        panic!("confirm")
    };
    assert!(matches!(&order.change, Change::Transition { status } if status == "Done"));
}

#[test]
fn labels_and_comments_are_typed_then_confirmed() {
    let mut s = loaded(false);
    press(&mut s, '2');
    press(&mut s, 'c');
    typed(&mut s, "q is text here, not quit");
    assert!(!s.quit);
    key(&mut s, KeyCode::Enter);
    let Some(Mode::Confirm(order)) = top(&s) else {
        panic!("confirm")
    };
    assert!(
        matches!(&order.change, Change::Comment { body } if body == "q is text here, not quit")
    );
    key(&mut s, KeyCode::Esc);
    press(&mut s, '+');
    typed(&mut s, "two words");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.message
            .as_deref()
            .is_some_and(|m| m.contains("not a label"))
    );
}

#[test]
fn the_same_key_accepts_a_suggestion_and_assigns_a_ticket() {
    let mut s = loaded(false);
    press(&mut s, '2');
    press(&mut s, 'a');
    assert!(
        matches!(top(&s), Some(Mode::Picker(_))),
        "assign on a ticket"
    );
    key(&mut s, KeyCode::Esc);
    press(&mut s, '4');
    press(&mut s, 'a');
    assert!(
        !matches!(top(&s), Some(Mode::Picker(_))),
        "in Suggestions, a is accept, never the assign picker"
    );
}

#[test]
fn enter_opens_a_ticket_detail_that_scrolls_and_i_a_project_detail() {
    let mut s = loaded(false);
    press(&mut s, '2');
    let key_shown = s.selected_stalled().expect("a row").key.to_string();
    key(&mut s, KeyCode::Enter);
    let Some(Mode::Ticket(v)) = top(&s) else {
        panic!("ticket detail")
    };
    assert!(v.lines.len() > 10);
    assert!(format!("{:?}", v.lines[0]).contains(&key_shown));
    press(&mut s, 'j');
    let Some(Mode::Ticket(v)) = top(&s) else {
        panic!("still open")
    };
    assert_eq!(v.scroll, 1);
    key(&mut s, KeyCode::Esc);
    assert!(s.modes.is_empty());
    press(&mut s, '1');
    press(&mut s, 'i');
    assert!(matches!(top(&s), Some(Mode::Project(_))));
}

#[test]
fn the_palette_finds_a_command_by_fuzzy_text_and_runs_one_with_data() {
    let mut s = loaded(false);
    press(&mut s, '2');
    press(&mut s, ':');
    typed(&mut s, "asgn");
    key(&mut s, KeyCode::Enter);
    assert!(matches!(top(&s), Some(Mode::Picker(_))), "assign's picker");
    key(&mut s, KeyCode::Esc);
    press(&mut s, ':');
    typed(&mut s, "sort:assignee");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.stalled_sort.column.label(), "assignee");
    press(&mut s, ':');
    typed(&mut s, "filter:stalled -assignee:none");
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        lookout::app::filter_text(&s, lookout::app::FilterTarget::Stalled),
        "stalled -assignee:none"
    );
}

#[test]
fn y_copies_the_key_and_o_opens_the_address() {
    let mut s = loaded(false);
    press(&mut s, '2');
    let t = s.selected_stalled().expect("row").key.to_string();
    let out = press(&mut s, 'y');
    assert_eq!(out.effects, vec![Effect::Copy { text: t }]);
    let out = press(&mut s, 'o');
    assert!(matches!(out.effects.as_slice(), [Effect::OpenUrl { .. }]) || s.message.is_some());
}

#[test]
fn sorting_a_project_s_tickets_by_any_column_keeps_the_selection() {
    let mut s = loaded(false);
    key(&mut s, KeyCode::Enter);
    let d = s.detail.as_ref().expect("ticket list");
    let first = d.list.current().expect("row");
    press(&mut s, 's');
    assert_eq!(s.ticket_sort.column.label(), "key");
    let d = s.detail.as_ref().expect("ticket list");
    assert_eq!(
        d.list.current(),
        Some(first),
        "the same ticket stays selected"
    );
    let keys: Vec<&str> = d
        .list
        .rows
        .iter()
        .map(|&i| s.portfolio.tickets[i].key.as_str())
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by_key(|k| k.rsplit_once('-').and_then(|(_, n)| n.parse::<u32>().ok()));
    assert_eq!(keys, sorted);
}

#[test]
fn a_reload_under_an_open_confirmation_writes_to_the_same_tickets() {
    let mut s = loaded(false);
    press(&mut s, '2');
    let chosen = s.selected_stalled().expect("row").key.to_string();
    press(&mut s, 'P');
    key(&mut s, KeyCode::Enter);
    assert!(matches!(top(&s), Some(Mode::Confirm(_))));
    // The same tickets arrive in another order: every index now means another ticket.
    let mut p = demo_portfolio();
    p.tickets.reverse();
    let analysis = lookout::analysis::analyse(
        &p,
        &[],
        demo_state::now(),
        &lookout::analysis::StallPolicy::default(),
    );
    s.load_generation += 1;
    let generation = s.load_generation;
    update(
        &mut s,
        Event::Loaded {
            generation,
            portfolio: std::sync::Arc::new(p),
            analysis: std::sync::Arc::new(analysis),
            snapshots: vec![],
        },
    );
    let out = key(&mut s, KeyCode::Enter);
    let keys: Vec<String> = out
        .effects
        .iter()
        .flat_map(|e| match e {
            Effect::Bulk { requests } => requests.iter().map(|r| r.action.key.clone()).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(keys, vec![chosen]);
}

#[test]
fn the_suggestions_list_filters_by_its_tickets_and_moves_within_what_it_shows() {
    let mut s = loaded(false);
    let generation = s.advice.generation;
    let suggestions = lookout::advisor::rules::suggest(
        &s.portfolio,
        &s.analysis,
        &s.portfolio.members,
        demo_state::now(),
    );
    update(
        &mut s,
        Event::Advised {
            generation,
            suggestions,
            note: None,
            usage: None,
        },
    );
    press(&mut s, '4');
    let all = s.advice.list.len();
    assert!(all > 5, "the demo has suggestions: {all}");
    let project = s.advice.list[0].subject.project().to_string();
    press(&mut s, '/');
    typed(&mut s, &format!("project:{project}"));
    key(&mut s, KeyCode::Enter);
    let shown = s.advice.shown.clone();
    assert!(
        !shown.is_empty() && shown.len() < all,
        "{} of {all}",
        shown.len()
    );
    for _ in 0..shown.len() + 2 {
        press(&mut s, 'j');
        assert!(
            shown.contains(&s.advice.selected),
            "the selection stays on shown rows"
        );
    }
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.advice.shown.len(), all);
}

#[test]
fn a_scrolled_view_moves_back_at_once_after_going_to_its_end() {
    let mut s = loaded(false);
    press(&mut s, '2');
    key(&mut s, KeyCode::Enter);
    // The screen drawn last sets how far a view can scroll.
    let _ = screen_rows(&s, 80, 24);
    press(&mut s, 'G');
    let Some(Mode::Ticket(v)) = top(&s) else {
        panic!("ticket view")
    };
    let end = v.scroll;
    assert!(end > 0 && end < v.lines.len(), "{end} of {}", v.lines.len());
    press(&mut s, 'k');
    let Some(Mode::Ticket(v)) = top(&s) else {
        panic!("ticket view")
    };
    assert_eq!(v.scroll, end - 1, "one key back up moves one line");
    key(&mut s, KeyCode::Esc);
    press(&mut s, '?');
    let _ = screen_rows(&s, 80, 24);
    press(&mut s, 'G');
    press(&mut s, 'k');
    let Some(Mode::Help(scroll)) = top(&s) else {
        panic!("help")
    };
    let after = *scroll;
    press(&mut s, 'G');
    let Some(Mode::Help(end)) = top(&s) else {
        panic!("help")
    };
    assert_eq!(after + 1, *end);
}

fn screen_rows(state: &State, w: u16, h: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| lookout::ui::draw(f, state))
        .expect("draw");
    format!("{:?}", terminal.backend().buffer().area)
}

#[test]
fn a_typed_command_that_does_not_parse_says_why_and_runs_nothing() {
    let mut s = loaded(false);
    press(&mut s, '2');
    press(&mut s, ':');
    typed(&mut s, "quit:now");
    key(&mut s, KeyCode::Enter);
    assert!(!s.quit);
    let Some(Mode::Prompt(p)) = top(&s) else {
        panic!("the palette stays open")
    };
    assert!(
        p.error
            .as_deref()
            .is_some_and(|e| e.contains("takes no argument"))
    );
}

#[test]
fn q_waits_for_a_bulk_write_to_end_and_list_keys_do_nothing_behind_a_detail_view() {
    let mut s = loaded(false);
    press(&mut s, '2');
    press(&mut s, 'P');
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter);
    assert!(matches!(top(&s), Some(Mode::Bulk(_))));
    press(&mut s, 'q');
    assert!(!s.quit, "the summary would be lost");
    update(&mut s, Event::BulkDone(BulkSummary::default()));
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Enter);
    let rows = s.stalled.rows.clone();
    press(&mut s, 's');
    press(&mut s, '*');
    assert_eq!(s.stalled.rows, rows, "no sort behind the ticket view");
    assert!(s.marks.is_empty(), "no marking the whole hidden list");
    press(&mut s, 'q');
    assert!(s.quit);
}
