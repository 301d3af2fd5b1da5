//! Keys while a text line is open: its own scope's commands (Enter, Esc, Tab, Up/Down), and
//! everything else edits the text.

use crossterm::event::KeyEvent;

use super::mode::{Mode, Prompt, PromptKind};
use super::outcome::Outcome;
use super::palette;
use super::state::State;
use crate::keys::{Action, Command};

fn prompt_mut(state: &mut State) -> Option<&mut Prompt> {
    match state.modes.last_mut() {
        Some(Mode::Prompt(p)) => Some(p),
        _ => None,
    }
}

pub fn on_key(state: &mut State, key: &KeyEvent, command: Option<Command>) -> Outcome {
    let action = command.as_ref().map(|c| c.action);
    let Some(prompt) = prompt_mut(state) else {
        return Outcome::default();
    };
    let kind = prompt.kind;
    match action {
        Some(Action::Quit) => {
            state.quit = true;
            Outcome::with(super::event::Effect::Quit)
        }
        Some(Action::Back) => {
            if let Some(Mode::Prompt(p)) = state.modes.pop()
                && p.kind == PromptKind::Filter
            {
                super::filters::on_cancel(state, &p.before);
            }
            Outcome::redraw()
        }
        Some(Action::Confirm) => {
            let typed = prompt.line.value().trim();
            if kind == PromptKind::Palette
                && typed.contains(':')
                && let Err(why) = Command::parse(typed)
            {
                // The line stays open with what was typed, and says what is wrong with it.
                prompt.error = Some(why);
                return Outcome::redraw();
            }
            let Some(Mode::Prompt(prompt)) = state.modes.pop() else {
                return Outcome::redraw();
            };
            match kind {
                PromptKind::Palette => match palette::chosen(state, &prompt) {
                    Ok(Some(command)) => palette::run(state, command),
                    _ => Outcome::redraw(),
                },
                PromptKind::Filter => Outcome::redraw(),
                PromptKind::Label | PromptKind::Comment => {
                    let text = prompt.line.value().to_string();
                    super::triage::on_text(state, kind, &text, prompt.targets)
                }
            }
        }
        Some(Action::Down | Action::Up) if kind == PromptKind::Palette => {
            let last = prompt.matches.len().saturating_sub(1);
            prompt.chosen = if action == Some(Action::Down) {
                (prompt.chosen + 1).min(last)
            } else {
                prompt.chosen.saturating_sub(1)
            };
            Outcome::redraw()
        }
        Some(Action::Complete) if kind == PromptKind::Palette => {
            let Some(&i) = prompt.matches.get(prompt.chosen) else {
                return Outcome::default();
            };
            let name = state.keymap.bindings[i].command.name();
            let Some(prompt) = prompt_mut(state) else {
                return Outcome::default();
            };
            prompt.line = super::text_line::TextLine::with_value(200, &name);
            Outcome::redraw()
        }
        _ => {
            if !prompt.line.handle(key) {
                return Outcome::default();
            }
            if kind == PromptKind::Filter {
                super::filters::on_edit(state);
                return Outcome::redraw();
            }
            if kind == PromptKind::Palette {
                let text = prompt.line.value().to_string();
                let found = palette::matches(&state.keymap.bindings, &text);
                if let Some(prompt) = prompt_mut(state) {
                    prompt.matches = found;
                    prompt.chosen = 0;
                }
            }
            Outcome::redraw()
        }
    }
}
