//! The command palette (`:`): every command by name, description and key, narrowed by fuzzy
//! matching as the user types; Enter runs the chosen one in the context under the palette.
//! A typed command with data (`assign:alice`, `filter:status:review`) runs as typed.

use super::mode::{Mode, Prompt, PromptKind};
use super::outcome::Outcome;
use super::state::State;
use super::update;
use crate::keys::{Action, Binding, Command, Scope};

/// Rows the palette shows at most; more matches scroll.
pub const SHOWN: usize = 12;

pub fn open(state: &mut State) -> Outcome {
    let mut prompt = Prompt::new(PromptKind::Palette, "");
    prompt.matches = matches(&state.keymap.bindings, "");
    state.modes.push(Mode::Prompt(prompt));
    Outcome::redraw()
}

/// Commands the palette offers: what a dialog or a text line answers (confirm, complete)
/// belongs to them, and one entry per command is enough.
fn offered(bindings: &[Binding]) -> Vec<usize> {
    let mut seen: Vec<&Command> = Vec::new();
    let mut out = Vec::new();
    for (i, b) in bindings.iter().enumerate() {
        if matches!(b.scope, Scope::Popup | Scope::Input) || seen.contains(&&b.command) {
            continue;
        }
        seen.push(&b.command);
        out.push(i);
    }
    out
}

/// The bindings matching `text`, best first.
pub fn matches(bindings: &[Binding], text: &str) -> Vec<usize> {
    let needle = text.trim().to_lowercase();
    let mut scored: Vec<(i32, usize)> = offered(bindings)
        .into_iter()
        .filter_map(|i| {
            let b = &bindings[i];
            let hay = format!("{} {}", b.command.name(), b.description).to_lowercase();
            score(&needle, &hay).map(|s| (s, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// How well `needle`'s characters appear in order in `hay`: matches at word starts and runs
/// of consecutive characters count most, gaps count against. `None` when they do not all
/// appear.
pub fn score(needle: &str, hay: &str) -> Option<i32> {
    let hay: Vec<char> = hay.chars().collect();
    let mut total = 0;
    let mut at = 0;
    let mut last: Option<usize> = None;
    for c in needle.chars().filter(|c| !c.is_whitespace()) {
        let found = (at..hay.len()).find(|&i| hay[i] == c)?;
        total += 10;
        if last.is_some_and(|l| l + 1 == found) {
            total += 15;
        }
        let word_start = found == 0 || matches!(hay[found - 1], ' ' | '_' | ':' | '-');
        if word_start {
            total += 20;
        }
        total -= (found - at).min(20) as i32;
        last = Some(found);
        at = found + 1;
    }
    Some(total)
}

/// What Enter runs: a typed command with data (or why it cannot run), or the chosen match.
pub fn chosen(state: &State, prompt: &Prompt) -> Result<Option<Command>, String> {
    let typed = prompt.line.value().trim();
    if typed.contains(':') {
        return Command::parse(typed).map(Some);
    }
    Ok(prompt
        .matches
        .get(prompt.chosen)
        .map(|&i| state.keymap.bindings[i].command.clone()))
}

/// Runs `command` as if its key had been pressed where the palette was opened; says so when
/// it does nothing there.
pub fn run(state: &mut State, command: Command) -> Outcome {
    let out = update::apply(state, &command);
    if !out.redraw && out.effects.is_empty() && command.action != Action::Palette {
        state.message = Some(format!("{}: nothing to do here", command.name()).into());
    }
    Outcome {
        redraw: true,
        effects: out.effects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keymap;

    fn names(text: &str) -> Vec<String> {
        let map = Keymap::default_table().expect("keymap");
        matches(&map.bindings, text)
            .into_iter()
            .map(|i| map.bindings[i].command.name())
            .collect()
    }

    #[test]
    fn fuzzy_text_finds_the_command_first() {
        assert_eq!(names("asgn")[0], "assign");
        assert_eq!(names("audit")[0], "audit_log");
        assert_eq!(names("prio")[0], "set_priority");
        assert!(names("zzzq").is_empty());
    }

    #[test]
    fn every_command_is_offered_once_and_dialog_keys_are_not() {
        let all = names("");
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
        assert!(all.contains(&"assign:@me".to_string()));
        assert!(all.contains(&"filter:stalled".to_string()));
        assert!(!all.contains(&"complete".to_string()));
    }

    #[test]
    fn word_starts_beat_scattered_letters() {
        let start = score("ml", "move label").expect("matches");
        let scattered = score("ml", "something small").expect("matches");
        assert!(start > scattered);
    }
}
