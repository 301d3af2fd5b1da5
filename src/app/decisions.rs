//! The user's decisions about suggestions: accept (after a confirmation that shows exactly
//! what will be written, and where), reject (with an optional reason), undo, and the answers
//! of the tracker writes they cause.
//!
//! Nothing here writes: a decision becomes `Effect::Decide`, a confirmed write
//! `Effect::Apply`, an undone write `Effect::Revert`. Read-only mode is refused here as well
//! as where writes happen, so no key can even ask for a write.

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent};

use super::advice::{AuditEntry, KindRate, Popup, WriteOrder};
use super::event::Effect;
use super::outcome::Outcome;
use super::state::State;
use super::suggestions::{changed, decidable};
use super::text_line::TextLine;
use crate::domain::{Decision, Facts, RejectReason, Suggestion, SuggestionState, Verdict};
use crate::keys::{Action, Command};
use crate::text::Clean;

/// A reject note longer than this is cut: it is a reason, not a report.
const NOTE_MAX: usize = 200;

pub fn on_action(state: &mut State, action: Action) -> Outcome {
    match action {
        Action::Accept => accept(state),
        Action::Reject => start_reject(state),
        Action::Undo => undo(state),
        Action::AuditLog => {
            state.advice.popup = Some(Popup::Audit { scroll: 0 });
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}

/// The selected suggestion, if the user may decide on it now; otherwise says why not.
fn open_for_decision(state: &mut State) -> Option<Suggestion> {
    let s = state.advice.selected()?.clone();
    if state.advice.in_flight(&s.id) {
        say(state, format!("{}: a write is still on its way", s.subject));
        return None;
    }
    if !decidable(s.state) {
        say(
            state,
            format!("{} is already {}", s.subject, s.state.label()),
        );
        return None;
    }
    Some(s)
}

fn accept(state: &mut State) -> Outcome {
    let Some(s) = open_for_decision(state) else {
        return Outcome::redraw();
    };
    if s.proposal.is_some() {
        state.advice.popup = Some(Popup::Confirm { suggestion: s.id });
        return Outcome::redraw();
    }
    // Advisory: nothing to write, so accepting is only the decision.
    let d = Decision::about(&s, Verdict::Accept);
    set_state(state, &s.id, SuggestionState::Accepted);
    say(state, format!("accepted: {} (nothing to write)", s.subject));
    decide(state, d)
}

fn start_reject(state: &mut State) -> Outcome {
    let Some(s) = open_for_decision(state) else {
        return Outcome::redraw();
    };
    state.advice.popup = Some(Popup::Reject {
        suggestion: s.id,
        reason: None,
        note: TextLine::new(NOTE_MAX),
    });
    Outcome::redraw()
}

fn undo(state: &mut State) -> Outcome {
    let Some(last) = state.advice.undo.pop() else {
        say(state, "nothing to undo".to_string());
        return Outcome::redraw();
    };
    let cannot = crate::sync::undo_impossible(&last).filter(|_| last.verdict == Verdict::Accept);
    if last.verdict == Verdict::Accept && last.write.is_some() && cannot.is_none() {
        if state.read_only_for(last.subject.source()) {
            say(
                state,
                format!("read-only: the write to {} stays", last.subject),
            );
            state.advice.undo.push(last);
            return Outcome::redraw();
        }
        let id = last.suggestion.clone();
        say(state, format!("undoing the write to {}...", last.subject));
        state.advice.reverting.insert(id.clone(), last.clone());
        return Outcome::with(Effect::Revert {
            suggestion: id,
            decision: last,
        });
    }
    let d = Decision {
        verdict: Verdict::Undo,
        at: Utc::now(),
        reason: None,
        note: None,
        write: None,
        ..last.clone()
    };
    // What a write cannot take back (a comment, a label) stays in the tracker; the decision
    // is undone in lookout and the user is told where to finish it.
    let (to, message) = match cannot {
        Some(why) => (
            SuggestionState::Undone,
            format!("undone in lookout only: {why}"),
        ),
        None => (
            SuggestionState::Pending,
            format!("undone: {} of {}", verdict_word(last.verdict), last.subject),
        ),
    };
    set_state(state, &last.suggestion, to);
    say(state, message);
    decide(state, d)
}

/// Keys while a popup is open: it takes them all, except the quit chord.
pub fn on_popup_key(state: &mut State, key: &KeyEvent, command: Option<Command>) -> Outcome {
    let action = command.map(|c| c.action);
    if action == Some(Action::Quit) && !matches!(state.advice.popup, Some(Popup::Reject { .. })) {
        return quit(state);
    }
    match state.advice.popup.clone() {
        Some(Popup::Reject {
            suggestion,
            reason,
            note,
        }) => reject_key(state, key, action, suggestion, reason, note),
        Some(Popup::Confirm { suggestion }) => match action {
            Some(Action::Confirm | Action::Open) => confirm(state, &suggestion),
            Some(Action::Back) => close(state),
            _ => Outcome::default(),
        },
        Some(Popup::Audit { scroll }) => match action {
            Some(Action::Back | Action::AuditLog | Action::Open | Action::Confirm) => close(state),
            Some(
                a @ (Action::Down
                | Action::Up
                | Action::PageDown
                | Action::PageUp
                | Action::Top
                | Action::Bottom),
            ) => {
                let len = state.advice.audit.len();
                let scroll = super::list_view::moved(scroll, len, a);
                state.advice.popup = Some(Popup::Audit { scroll });
                Outcome::redraw()
            }
            _ => Outcome::default(),
        },
        None => Outcome::default(),
    }
}

fn quit(state: &mut State) -> Outcome {
    state.quit = true;
    Outcome::with(Effect::Quit)
}

fn close(state: &mut State) -> Outcome {
    state.advice.popup = None;
    Outcome::redraw()
}

fn confirm(state: &mut State, id: &str) -> Outcome {
    state.advice.popup = None;
    let Some(s) = state.advice.find(id).cloned() else {
        return Outcome::redraw();
    };
    let Some(p) = s.proposal.clone() else {
        return Outcome::redraw();
    };
    if state.read_only_for(&p.source) {
        say(
            state,
            format!("read-only: nothing was sent to {} ({})", p.source, p.action),
        );
        return Outcome::redraw();
    }
    set_state(state, id, SuggestionState::Accepted);
    say(state, format!("writing to {}: {}...", p.source, p.action));
    state.advice.applying.insert(id.to_string(), s);
    Outcome::with(Effect::Apply {
        suggestion: id.to_string(),
        order: WriteOrder {
            source: p.source,
            action: p.action,
            seen: p.seen,
        },
    })
}

fn reject_key(
    state: &mut State,
    key: &KeyEvent,
    action: Option<Action>,
    id: String,
    mut reason: Option<RejectReason>,
    mut note: TextLine,
) -> Outcome {
    match action {
        Some(Action::Quit) => return quit(state),
        Some(Action::Back) => return close(state),
        Some(Action::Confirm) => {
            state.advice.popup = None;
            let Some(s) = state.advice.find(&id).cloned() else {
                return Outcome::redraw();
            };
            let mut d = Decision::about(&s, Verdict::Reject);
            d.reason = reason;
            let note = note.value().trim();
            d.note = (!note.is_empty()).then(|| Clean::new(note).into_string());
            set_state(state, &id, SuggestionState::Rejected);
            say(state, format!("rejected: {}", s.subject));
            return decide(state, d);
        }
        _ => {}
    }
    match key.code {
        // Reasons sit on number keys until a note is begun; then digits are text.
        KeyCode::Char(c @ '1'..='4') if note.value().is_empty() => {
            reason = Some(RejectReason::ALL[c as usize - '1' as usize]);
        }
        _ => {
            if !note.handle(key) {
                return Outcome::default();
            }
        }
    }
    state.advice.popup = Some(Popup::Reject {
        suggestion: id,
        reason,
        note,
    });
    Outcome::redraw()
}

/// A confirmed write's answer: applied (the decision is kept with the pre-image, for undo) or
/// failed (the suggestion says so and the status bar says why; nothing was written).
pub fn on_applied(state: &mut State, id: &str, result: Result<Facts, String>) -> Outcome {
    let Some(s) = state.advice.applying.remove(id) else {
        return Outcome::default();
    };
    let Some(p) = s.proposal.clone() else {
        return Outcome::default();
    };
    let at = Utc::now();
    match result {
        Ok(before) => {
            let mut d = Decision::about(&s, Verdict::Accept);
            d.write = Some((p.action.clone(), before));
            set_state(state, id, SuggestionState::Applied);
            say(state, format!("written to {}: {}", p.source, p.action));
            log_write(state, at, &p.source, &p.action, Ok(()));
            let mut out = decide(state, d);
            // The lists show the change now, not at a sync that may find nothing new.
            let written = [(p.source.clone(), p.action.clone())];
            let key = [p.action.key.as_str()];
            out.effects
                .extend(super::triage::reread_written(state, &written, &key).effects);
            out
        }
        Err(why) => {
            let why = Clean::new(why);
            set_state(state, id, SuggestionState::Failed);
            say(state, format!("nothing written: {why}"));
            log_write(state, at, &p.source, &p.action, Err(why));
            Outcome::redraw()
        }
    }
}

/// An undo write's answer: the pre-image is back (the undo is kept as a decision), or it
/// could not be restored and the decision stays undoable.
pub fn on_reverted(state: &mut State, id: &str, result: Result<Facts, String>) -> Outcome {
    let Some(last) = state.advice.reverting.remove(id) else {
        return Outcome::default();
    };
    match result {
        Ok(before) => {
            // The undo keeps the write it made and what that overwrote, as an accept does.
            let action = crate::sync::undo_request(&last).map(|r| r.action);
            let d = Decision {
                verdict: Verdict::Undo,
                at: Utc::now(),
                reason: None,
                note: None,
                write: action.map(|a| (a, before)),
                ..last.clone()
            };
            set_state(state, id, SuggestionState::Undone);
            say(state, format!("undone in the tracker: {}", last.subject));
            decide(state, d)
        }
        Err(why) => {
            say(state, format!("nothing undone: {}", Clean::new(why)));
            state.advice.undo.push(last);
            Outcome::redraw()
        }
    }
}

/// Keeps a decision: asks for it to be stored, and shows it at once in the audit log and the
/// rates (the ledger's own figures replace these when it answers).
fn decide(state: &mut State, d: Decision) -> Outcome {
    let advice = &mut state.advice;
    let i = match advice.rates.iter().position(|r| r.kind == d.kind) {
        Some(i) => i,
        None => {
            advice.rates.push(KindRate {
                kind: d.kind,
                accepted: 0,
                rejected: 0,
                undone: 0,
            });
            advice.rates.len() - 1
        }
    };
    let rate = &mut advice.rates[i];
    match d.verdict {
        Verdict::Accept => rate.accepted += 1,
        Verdict::Reject => rate.rejected += 1,
        Verdict::Undo => rate.undone += 1,
    }
    if d.verdict != Verdict::Undo {
        advice.undo.push(d.clone());
    }
    advice.audit.insert(0, AuditEntry::Decision(d.clone()));
    changed(state);
    Outcome::with(Effect::Decide(d))
}

fn log_write(
    state: &mut State,
    at: chrono::DateTime<Utc>,
    source: &str,
    action: &crate::domain::TrackerAction,
    result: Result<(), Clean>,
) {
    state.advice.audit.insert(
        0,
        AuditEntry::Write {
            at,
            source: source.to_string(),
            action: action.clone(),
            result,
        },
    );
}

fn set_state(state: &mut State, id: &str, to: SuggestionState) {
    if let Some(s) = state.advice.find_mut(id) {
        s.state = to;
    }
}

fn say(state: &mut State, message: String) {
    state.message = Some(Clean::new(message));
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Accept => "the accept",
        Verdict::Reject => "the reject",
        Verdict::Undo => "the undo",
    }
}
