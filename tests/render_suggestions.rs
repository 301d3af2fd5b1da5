//! The Suggestions tab, its popups and the marks it puts on other tabs, drawn with ratatui's
//! TestBackend at 80x24 and 160x48 from hand-built suggestions of every kind.

#[path = "common/advice.rs"]
mod advice;
#[path = "common/hostile.rs"]
mod hostile;
#[path = "common/screen.rs"]
mod screen;

use screen::screen;

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::analysis::{StallPolicy, analyse};
use lookout::app::{Event, State, update};
use lookout::domain::{Change, Kind, Portfolio, Subject};
use lookout::sources::demo::generate;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn press(state: &mut State, code: KeyCode) {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("valid date")
}

#[test]
fn the_tab_lists_every_kind_with_a_readable_detail_at_both_sizes() {
    let mut state = advice::showing(advice::every_kind(), Portfolio::default(), false);
    let (w, h) = (160, 48);
    let s = screen(&state, w, h);
    for kind in Kind::ALL {
        assert!(s.contains(kind.label()), "{w}x{h}: {kind:?} missing:\n{s}");
    }
    assert!(s.contains("Suggestions: 9 pending of 9"), "{s}");
    assert!(
        s.contains("4 Suggestions (9)"),
        "the tab bar counts them:\n{s}"
    );
    // Each suggestion's detail says what accepting does and shows its evidence, at 80x24 too.
    for i in 0..state.advice.list.len() {
        let sug = state.advice.list[i].clone();
        for (w, h) in SIZES {
            let s = screen(&state, w, h);
            assert!(s.contains("4 Suggestions"), "{w}x{h}: tab missing:\n{s}");
            assert!(
                s.contains("as of") || s.contains("loading"),
                "{w}x{h}:\n{s}"
            );
            let will = match &sug.proposal {
                Some(p) => format!("will write: {} in demo", p.action),
                None => "advisory: accepting records".to_string(),
            };
            assert!(
                s.contains(&will),
                "{w}x{h} {:?}: {will:?} missing:\n{s}",
                sug.kind
            );
            let first = sug.evidence[0].sentence();
            assert!(
                s.contains(&first),
                "{w}x{h} {:?}: {first:?} missing:\n{s}",
                sug.kind
            );
            assert!(
                s.contains("a accept  x reject  u undo  A audit log"),
                "{w}x{h}:\n{s}"
            );
            if sug.kind == Kind::CloseDuplicate {
                assert!(s.contains("duplicate of: CRUX-3"), "{w}x{h}:\n{s}");
            }
        }
        press(&mut state, KeyCode::Char('j'));
    }
    let s = screen(&state, 80, 24);
    assert!(s.contains("accepted no decisions yet"), "{s}");
    assert!(s.contains("AI off: rules only"), "{s}");
    let generation = state.advice.generation;
    update(
        &mut state,
        Event::Advised {
            generation,
            suggestions: advice::every_kind(),
            note: None,
            usage: Some(lookout::app::AiUsage {
                calls: 3,
                tokens: 4120,
                cost: 0.0125,
            }),
        },
    );
    let s = screen(&state, 80, 24);
    assert!(
        s.contains("AI today 3 calls, 4120 tokens, cost 0.01"),
        "{s}"
    );
}

#[test]
fn the_confirm_popup_shows_exactly_the_write_and_the_tracker() {
    for read_only in [false, true] {
        let mut state = advice::showing(advice::every_kind(), Portfolio::default(), read_only);
        press(&mut state, KeyCode::Char('a'));
        for (w, h) in SIZES {
            let s = screen(&state, w, h);
            for e in [
                "Accept: CRUX-12",
                "tracker: demo",
                "write:   assign CRUX-12 to bob",
                "only if it still shows: In Review, Alice Archer, Medium",
            ] {
                assert!(s.contains(e), "{w}x{h}: {e:?} missing:\n{s}");
            }
            let refusal = s.contains("read-only: nothing will be sent");
            assert_eq!(refusal, read_only, "{w}x{h}:\n{s}");
            assert_eq!(s.contains("Enter write"), !read_only, "{w}x{h}:\n{s}");
        }
    }
    // A comment is shown in full, line by line.
    let mut state = advice::showing(advice::every_kind(), Portfolio::default(), false);
    while state.advice.selected().map(|s| s.kind) != Some(Kind::NudgeReviewer) {
        press(&mut state, KeyCode::Char('j'));
    }
    press(&mut state, KeyCode::Char('a'));
    let s = screen(&state, 80, 24);
    assert!(s.contains("| Could this get a review?") && s.contains("| It has waited a while."));
    assert!(s.contains("Enter write"), "{s}");

    // A comment long enough to wrap several times still leaves the keys in sight.
    let mut list = advice::every_kind();
    for x in &mut list {
        if let Some(p) = &mut x.proposal
            && let Change::Comment { body } = &mut p.action.change
        {
            *body = "This has been waiting for a review far longer than reviews here usually \
                     take; could a reviewer take a look, or say what it still needs before it \
                     can move on? "
                .repeat(2);
        }
    }
    let mut state = advice::showing(list, Portfolio::default(), false);
    while state.advice.selected().map(|s| s.kind) != Some(Kind::NudgeReviewer) {
        press(&mut state, KeyCode::Char('j'));
    }
    press(&mut state, KeyCode::Char('a'));
    let s = screen(&state, 80, 24);
    assert!(
        s.contains("Enter write") && s.contains("tracker: demo"),
        "{s}"
    );
}

#[test]
fn the_reject_popup_offers_four_reasons_and_a_note() {
    let mut state = advice::showing(advice::every_kind(), Portfolio::default(), false);
    press(&mut state, KeyCode::Char('x'));
    press(&mut state, KeyCode::Char('2'));
    for c in "later".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        for e in [
            "Reject: CRUX-12",
            "1 [ ] wrong",
            "2 [x] not now",
            "3 [ ] already handled",
            "4 [ ] other",
            "note: later",
            "Enter reject   Esc cancel",
        ] {
            assert!(s.contains(e), "{w}x{h}: {e:?} missing:\n{s}");
        }
    }
}

#[test]
fn the_audit_popup_lists_decisions_and_writes_newest_first() {
    let mut state = advice::showing(advice::every_kind(), Portfolio::default(), false);
    press(&mut state, KeyCode::Char('x'));
    press(&mut state, KeyCode::Char('1'));
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Char('j'));
    press(&mut state, KeyCode::Char('a'));
    press(&mut state, KeyCode::Enter);
    let id = state.advice.selected().expect("selected").id.clone();
    update(
        &mut state,
        Event::Applied {
            suggestion: id,
            result: Err("status is now \"Done\", you saw \"To Do\"".into()),
        },
    );
    let s = screen(&state, 80, 24);
    assert!(
        s.contains("nothing written: status is now \"Done\""),
        "the status bar says why:\n{s}"
    );
    assert!(s.contains("failed"), "the row says failed:\n{s}");
    press(&mut state, KeyCode::Char('A'));
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        assert!(s.contains("Audit log: 2 entries"), "{w}x{h}:\n{s}");
        let write = s.find("write  move CRUX-40").expect("the failed write");
        let reject = s
            .find("reject reassign CRUX-12: wrong")
            .expect("the reject");
        assert!(write < reject, "newest first:\n{s}");
    }
}

fn demo_state() -> State {
    let p: Portfolio = generate("demo", 42, now()).into_change_set().into();
    let analysis = analyse(&p, &[], now(), &StallPolicy::default());
    let mut state = State::new(
        lookout::keys::Keymap::default_table().expect("keymap"),
        &["demo".to_string()],
        true,
        false,
    );
    let generation = state.load_generation;
    update(
        &mut state,
        Event::Loaded {
            generation,
            portfolio: Arc::new(p),
            analysis: Arc::new(analysis),
            snapshots: vec![],
        },
    );
    state
}

#[test]
fn a_stalled_ticket_with_a_suggestion_is_marked_and_its_history_shown() {
    let mut state = demo_state();
    let top = state.analysis.stalled[0].clone();
    let about = Subject::Ticket {
        source: "demo".into(),
        id: top.id,
        key: top.key.to_string(),
        project: top.project.to_string(),
    };
    let mut list = advice::every_kind();
    list[0].subject = about;
    let generation = state.advice.generation;
    update(
        &mut state,
        Event::Advised {
            generation,
            suggestions: list,
            note: None,
            usage: None,
        },
    );
    for unicode in [true, false] {
        state.unicode = unicode;
        press(&mut state, KeyCode::Char('2'));
        let mark = if unicode { "◆" } else { "*" };
        for (w, h) in SIZES {
            let s = screen(&state, w, h);
            let row = s
                .lines()
                .find(|l| l.contains(top.key.as_str()) && !l.contains("Why"))
                .expect("the stalled row");
            assert!(row.contains(mark), "{w}x{h}: no {mark} in {row:?}");
            let unmarked = &state.analysis.stalled[1];
            let other = s.lines().find(|l| l.contains(unmarked.key.as_str()));
            assert!(other.is_none_or(|l| !l.contains(mark)), "{w}x{h}:\n{s}");
        }
        press(&mut state, KeyCode::Char('4'));
        let s = screen(&state, 160, 48);
        assert!(s.contains("history: "), "{s}");
        assert!(s.contains(if unicode { " → " } else { " -> " }), "{s}");
    }
}

#[test]
fn hostile_text_in_a_rationale_or_note_reaches_no_pane_raw() {
    let mut list = advice::every_kind();
    list[0].rationale = hostile::wrap("Alice holds seven");
    list[1].evidence[0].signal = lookout::domain::Signal::Similarity {
        other: hostile::wrap("CRUX-3"),
    };
    let mut state = advice::showing(vec![], Portfolio::default(), false);
    let generation = state.advice.generation;
    update(
        &mut state,
        Event::Advised {
            generation,
            suggestions: list,
            note: Some(hostile::wrap("the model said no")),
            usage: None,
        },
    );
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        hostile::assert_inert(s.as_bytes(), &format!("suggestions at {w}x{h}"));
        assert!(s.contains("Alice holds seven"), "{w}x{h}:\n{s}");
    }
    let s = screen(&state, 160, 48);
    assert!(s.contains("rules only: the model said no"), "{s}");
    press(&mut state, KeyCode::Char('j'));
    let s = screen(&state, 160, 48);
    hostile::assert_inert(s.as_bytes(), "suggestions detail");
    assert!(s.contains("like CRUX-3"), "{s}");
}

#[test]
fn a_ticket_with_a_suggestion_is_marked_in_its_project_list() {
    let mut state = demo_state();
    press(&mut state, KeyCode::Enter);
    let detail = state.detail.clone().expect("the project's tickets");
    let t = state.portfolio.tickets[detail.list.rows[0]].clone();
    let mut list = advice::every_kind();
    list[0].subject = Subject::Ticket {
        source: "demo".into(),
        id: t.id,
        key: t.key.to_string(),
        project: t.project.to_string(),
    };
    let generation = state.advice.generation;
    update(
        &mut state,
        Event::Advised {
            generation,
            suggestions: list,
            note: None,
            usage: None,
        },
    );
    for (w, h) in SIZES {
        let s = screen(&state, w, h);
        let row = s
            .lines()
            .find(|l| l.contains(&format!(" {} ", t.key)))
            .expect("the ticket's row");
        assert!(row.contains('◆'), "{w}x{h}: {row:?}");
        assert_eq!(s.matches('◆').count(), 1, "{w}x{h}: only that ticket:\n{s}");
    }
}
