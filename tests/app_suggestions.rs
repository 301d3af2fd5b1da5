//! The Suggestions tab in the pure `update`: accept through a confirmation, reject with a
//! reason, undo, the answers of tracker writes, and read-only mode.

#[path = "common/advice.rs"]
mod advice;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::app::{AuditEntry, Effect, Event, Popup, State, WriteOrder, update};
use lookout::domain::{Facts, Kind, Portfolio, Priority, RejectReason, SuggestionState, Verdict};

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

fn select(state: &mut State, kind: Kind) {
    update(state, ch('g'));
    while state.advice.selected().map(|s| s.kind) != Some(kind) {
        let before = state.advice.selected;
        update(state, ch('j'));
        assert_ne!(before, state.advice.selected, "{kind:?} is not in the list");
    }
}

fn before() -> Facts {
    Facts {
        status: "In Review".into(),
        assignee: Some("Alice Archer".into()),
        assignee_login: Some("alice".into()),
        priority: Priority::Medium,
        priority_name: "Normal".into(),
    }
}

fn state_of(id: &str, s: &State) -> SuggestionState {
    s.advice.find(id).expect("suggestion").state
}

#[test]
fn accept_confirms_then_writes_exactly_the_proposal_and_keeps_the_pre_image() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    select(&mut s, Kind::Reassign);
    let chosen = s.advice.selected().cloned().expect("selected");
    let proposal = chosen.proposal.clone().expect("a proposal");

    let out = update(&mut s, ch('a'));
    assert!(
        out.effects.is_empty(),
        "accept only asks: {:?}",
        out.effects
    );
    assert_eq!(
        s.advice.popup,
        Some(Popup::Confirm {
            suggestion: chosen.id.clone()
        })
    );
    let out = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        out.effects,
        vec![Effect::Apply {
            suggestion: chosen.id.clone(),
            order: WriteOrder {
                source: proposal.source.clone(),
                action: proposal.action.clone(),
                seen: proposal.seen.clone(),
            },
        }]
    );
    assert!(s.advice.popup.is_none());
    assert!(s.advice.in_flight(&chosen.id));
    let again = update(&mut s, ch('a'));
    assert!(
        again.effects.is_empty(),
        "no second write while one is on its way"
    );

    let out = update(
        &mut s,
        Event::Applied {
            suggestion: chosen.id.clone(),
            result: Ok(before()),
        },
    );
    let [
        Effect::Decide(d),
        Effect::Refresh {
            source, tickets, ..
        },
    ] = out.effects.as_slice()
    else {
        panic!(
            "an applied write is kept as a decision, and its ticket read back: {:?}",
            out.effects
        );
    };
    assert_eq!((source.as_str(), tickets.as_slice()), ("demo", &[12][..]));
    assert_eq!(d.verdict, Verdict::Accept);
    assert_eq!(d.suggestion, chosen.id);
    assert_eq!(d.fingerprint, chosen.fingerprint);
    assert_eq!(d.write, Some((proposal.action.clone(), before())));
    assert_eq!(state_of(&chosen.id, &s), SuggestionState::Applied);
    assert!(
        !s.advice.marks("demo", 12),
        "a decided ticket loses its mark"
    );
    let message = s.message.clone().expect("a message");
    assert!(message.contains("written to demo"), "{}", &*message);
}

#[test]
fn read_only_confirms_nothing_and_says_so() {
    let everywhere = advice::showing(advice::every_kind(), Portfolio::default(), true);
    let mut this_source = advice::showing(advice::every_kind(), Portfolio::default(), false);
    this_source.read_only_sources = vec!["demo".into()];
    for mut s in [everywhere, this_source] {
        select(&mut s, Kind::Reassign);
        let id = s.advice.selected().expect("selected").id.clone();
        let mut effects = Vec::new();
        for e in [ch('a'), key(KeyCode::Enter), ch('a'), ch('y')] {
            effects.extend(update(&mut s, e).effects);
        }
        assert!(effects.is_empty(), "read-only sends nothing: {effects:?}");
        assert_eq!(state_of(&id, &s), SuggestionState::Pending);
        let message = s.message.clone().expect("a message");
        assert!(
            message.contains("read-only: nothing was sent to demo"),
            "{}",
            &*message
        );
    }
}

#[test]
fn reject_keeps_the_reason_and_note_and_undo_reverses_it() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    select(&mut s, Kind::RaisePriority);
    let id = s.advice.selected().expect("selected").id.clone();

    // Esc cancels without a decision.
    update(&mut s, ch('x'));
    let out = update(&mut s, key(KeyCode::Esc));
    assert!(out.effects.is_empty() && s.advice.popup.is_none());

    update(&mut s, ch('x'));
    update(&mut s, ch('3'));
    update(&mut s, ch('1'));
    for c in "fixed 2x".chars() {
        update(&mut s, ch(c));
    }
    let out = update(&mut s, key(KeyCode::Enter));
    let [Effect::Decide(d)] = out.effects.as_slice() else {
        panic!("a reject is a decision: {:?}", out.effects);
    };
    assert_eq!(d.verdict, Verdict::Reject);
    assert_eq!(
        d.reason,
        Some(RejectReason::Wrong),
        "the last reason key counts"
    );
    assert_eq!(
        d.note.as_deref(),
        Some("fixed 2x"),
        "digits in a note are text"
    );
    assert_eq!(state_of(&id, &s), SuggestionState::Rejected);
    assert!(
        matches!(s.advice.audit.first(), Some(AuditEntry::Decision(a)) if a.verdict == Verdict::Reject)
    );

    let out = update(&mut s, ch('u'));
    let [Effect::Decide(undo)] = out.effects.as_slice() else {
        panic!("undoing a reject is a decision: {:?}", out.effects);
    };
    assert_eq!(undo.verdict, Verdict::Undo);
    assert_eq!(undo.suggestion, id);
    assert_eq!(undo.write, None);
    assert_eq!(state_of(&id, &s), SuggestionState::Pending);
    let nothing = update(&mut s, ch('u'));
    assert!(nothing.effects.is_empty(), "one undo per decision");
}

#[test]
fn a_reason_is_skippable() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    update(&mut s, ch('x'));
    let out = update(&mut s, key(KeyCode::Enter));
    let [Effect::Decide(d)] = out.effects.as_slice() else {
        panic!("{:?}", out.effects);
    };
    assert_eq!((d.reason, d.note.clone()), (None, None));
}

#[test]
fn undoing_an_applied_write_restores_the_pre_image_in_the_tracker() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    select(&mut s, Kind::Reassign);
    let id = s.advice.selected().expect("selected").id.clone();
    update(&mut s, ch('a'));
    update(&mut s, key(KeyCode::Enter));
    let applied = update(
        &mut s,
        Event::Applied {
            suggestion: id.clone(),
            result: Ok(before()),
        },
    );
    let [Effect::Decide(accepted), Effect::Refresh { .. }] = applied.effects.as_slice() else {
        panic!("{:?}", applied.effects);
    };
    let out = update(&mut s, ch('u'));
    assert_eq!(
        out.effects,
        vec![Effect::Revert {
            suggestion: id.clone(),
            decision: accepted.clone(),
        }]
    );
    // The undo write fails first: nothing changes and it can be tried again.
    update(
        &mut s,
        Event::Reverted {
            suggestion: id.clone(),
            result: Err("demo did not answer".into()),
        },
    );
    assert_eq!(state_of(&id, &s), SuggestionState::Applied);
    assert!(matches!(
        update(&mut s, ch('u')).effects.as_slice(),
        [Effect::Revert { .. }]
    ));
    let now = Facts {
        assignee: Some("Bob Brown".into()),
        assignee_login: Some("bob".into()),
        ..before()
    };
    let out = update(
        &mut s,
        Event::Reverted {
            suggestion: id.clone(),
            result: Ok(now.clone()),
        },
    );
    let [Effect::Decide(undo)] = out.effects.as_slice() else {
        panic!("{:?}", out.effects);
    };
    assert_eq!(undo.verdict, Verdict::Undo);
    assert_eq!(
        undo.write.as_ref().map(|(_, f)| f),
        Some(&now),
        "the undo keeps what it overwrote"
    );
    assert_eq!(
        undo.write.as_ref().map(|(a, _)| a.change.clone()),
        Some(lookout::domain::Change::Assign {
            login: "alice".into()
        }),
        "and the write it made: the assignee back"
    );
    assert_eq!(state_of(&id, &s), SuggestionState::Undone);
}

#[test]
fn a_failed_write_shows_failed_and_the_status_bar_says_why() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    select(&mut s, Kind::CloseDuplicate);
    let id = s.advice.selected().expect("selected").id.clone();
    update(&mut s, ch('a'));
    update(&mut s, key(KeyCode::Enter));
    let out = update(
        &mut s,
        Event::Applied {
            suggestion: id.clone(),
            result: Err("status is now \"Done\", you saw \"To Do\"\x1b[2J".into()),
        },
    );
    assert!(
        !out.effects.iter().any(|e| matches!(e, Effect::Decide(_))),
        "nothing written, nothing decided: {:?}",
        out.effects
    );
    assert_eq!(state_of(&id, &s), SuggestionState::Failed);
    let message = s.message.clone().expect("a message");
    assert!(
        message.starts_with("nothing written: status is now \"Done\", you saw \"To Do\""),
        "{}",
        &*message
    );
    assert!(!message.contains('\x1b'), "tracker text is cleaned");
    assert!(matches!(
        s.advice.audit.first(),
        Some(AuditEntry::Write { result: Err(_), .. })
    ));
    // A failed suggestion can be tried again.
    update(&mut s, ch('a'));
    assert!(matches!(s.advice.popup, Some(Popup::Confirm { .. })));
}

#[test]
fn accepting_advice_records_only_the_decision() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    select(&mut s, Kind::FlagRisk);
    let out = update(&mut s, ch('a'));
    assert!(s.advice.popup.is_none(), "nothing to confirm");
    let [Effect::Decide(d)] = out.effects.as_slice() else {
        panic!("{:?}", out.effects);
    };
    assert_eq!(
        (d.verdict, d.kind, d.write.clone()),
        (Verdict::Accept, Kind::FlagRisk, None)
    );
    let rate = s.advice.rates.iter().find(|r| r.kind == Kind::FlagRisk);
    assert_eq!(rate.and_then(|r| r.acceptance()), Some(100));
}

#[test]
fn newer_advice_keeps_the_selection_and_older_advice_is_dropped() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    select(&mut s, Kind::Split);
    let generation = s.advice.generation;
    let mut list = advice::every_kind();
    list.reverse();
    list[0].rationale = "\x1b]52;c;aGk=\x07moved \u{202e}up".into();
    let stale = update(
        &mut s,
        Event::Advised {
            generation: generation - 1,
            suggestions: vec![],
            note: None,
            usage: None,
        },
    );
    assert!(!stale.redraw && !s.advice.list.is_empty());
    update(
        &mut s,
        Event::Advised {
            generation,
            suggestions: list,
            note: Some("model timed out".into()),
            usage: None,
        },
    );
    assert_eq!(s.advice.selected().map(|x| x.kind), Some(Kind::Split));
    let cleaned = &s.advice.list[0].rationale;
    assert!(
        !cleaned.contains('\x1b') && !cleaned.contains('\u{202e}') && cleaned.contains("moved"),
        "{cleaned:?}"
    );
    assert!(s.advice.marks("demo", 12) && !s.advice.marks("demo", 999));
}

#[test]
fn the_audit_log_opens_scrolls_and_closes() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    for _ in 0..3 {
        update(&mut s, ch('x'));
        update(&mut s, key(KeyCode::Enter));
        update(&mut s, ch('j'));
    }
    update(&mut s, ch('L'));
    assert_eq!(s.advice.popup, Some(Popup::Audit { scroll: 0 }));
    update(&mut s, ch('j'));
    assert_eq!(s.advice.popup, Some(Popup::Audit { scroll: 1 }));
    let quiet = update(&mut s, ch('a'));
    assert!(quiet.effects.is_empty(), "keys go to the popup");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.advice.popup.is_none());
    update(&mut s, ch('A'));
    assert!(matches!(s.advice.popup, Some(Popup::Audit { .. })));
}

#[test]
fn a_comment_cannot_be_taken_back_so_its_undo_is_only_recorded() {
    let mut s = advice::showing(advice::every_kind(), Portfolio::default(), false);
    select(&mut s, Kind::NudgeReviewer);
    let id = s.advice.selected().expect("selected").id.clone();
    update(&mut s, ch('a'));
    update(&mut s, key(KeyCode::Enter));
    update(
        &mut s,
        Event::Applied {
            suggestion: id.clone(),
            result: Ok(before()),
        },
    );
    let out = update(&mut s, ch('u'));
    let [Effect::Decide(undo)] = out.effects.as_slice() else {
        panic!("no write can undo a comment: {:?}", out.effects);
    };
    assert_eq!((undo.verdict, undo.write.clone()), (Verdict::Undo, None));
    assert_eq!(state_of(&id, &s), SuggestionState::Undone);
    let message = s.message.clone().expect("a message");
    assert!(message.contains("undone in lookout only"), "{}", &*message);
}
