//! Keys as data: the embedded default table, user overrides, and lookup from a key press in
//! the scopes in front of the user.

use crossterm::event::KeyEvent;
use serde::Deserialize;
use toml::Spanned;

use super::{Action, Chord, Command, Scope};

pub const DEFAULT: &str = include_str!("../../assets/keymap.default.toml");
pub const DEFAULT_PATH: &str = "assets/keymap.default.toml";

#[derive(Debug, Clone)]
pub struct Binding {
    pub command: Command,
    pub keys: Vec<Chord>,
    pub scope: Scope,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

/// One key bound to two commands in one scope: only the first would ever run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub scope: Scope,
    pub chord: Chord,
    pub commands: Vec<Command>,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.commands.iter().map(Command::name).collect();
        write!(
            f,
            "{} is bound to {} in scope {}",
            self.chord.label(),
            names.join(" and "),
            self.scope.name()
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    binding: Vec<Spanned<RawBinding>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    action: String,
    keys: Vec<String>,
    scope: Scope,
    description: String,
}

/// The line (1-based) of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Keymap {
    /// The embedded default table. A unit test parses it, so failure here is a build defect.
    pub fn default_table() -> Result<Keymap, String> {
        let raw: RawTable =
            toml::from_str(DEFAULT).map_err(|e| format!("{DEFAULT_PATH} is invalid: {e}"))?;
        let mut bindings = Vec::new();
        for b in raw.binding {
            let line = line_of(DEFAULT, b.span().start);
            let b = b.into_inner();
            let at = |m: String| format!("{DEFAULT_PATH} line {line}: {m}");
            let command = Command::parse(&b.action).map_err(at)?;
            let keys = b
                .keys
                .iter()
                .map(|k| Chord::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(at)?;
            bindings.push(Binding {
                command,
                keys,
                scope: b.scope,
                description: b.description,
            });
        }
        let map = Keymap { bindings };
        if let Some(c) = map.conflicts().first() {
            return Err(format!("{DEFAULT_PATH}: {c}"));
        }
        Ok(map)
    }

    /// Replaces the keys of every binding of `command` (in `scope`, when given). Returns how
    /// many bindings changed.
    pub fn rebind(&mut self, command: &Command, scope: Option<Scope>, keys: &[Chord]) -> usize {
        let mut n = 0;
        for b in self
            .bindings
            .iter_mut()
            .filter(|b| b.command == *command && scope.is_none_or(|s| s == b.scope))
        {
            b.keys = keys.to_vec();
            n += 1;
        }
        n
    }

    /// Adds a binding for a command the table does not have (an action with data, say
    /// `assign:@me`).
    pub fn add(&mut self, command: Command, scope: Scope, keys: Vec<Chord>) {
        let description = match &command.arg {
            Some(a) => format!("{} {a}", describe(command.action)),
            None => describe(command.action).to_string(),
        };
        self.bindings.push(Binding {
            command,
            keys,
            scope,
            description,
        });
    }

    /// Every key bound twice within one scope.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out: Vec<Conflict> = Vec::new();
        for (i, a) in self.bindings.iter().enumerate() {
            for chord in &a.keys {
                let others: Vec<&Binding> = self.bindings[i + 1..]
                    .iter()
                    .filter(|b| b.scope == a.scope && b.keys.contains(chord))
                    .collect();
                if others.is_empty() || out.iter().any(|c| c.scope == a.scope && c.chord == *chord)
                {
                    continue;
                }
                let mut commands = vec![a.command.clone()];
                commands.extend(others.iter().map(|b| b.command.clone()));
                out.push(Conflict {
                    scope: a.scope,
                    chord: *chord,
                    commands,
                });
            }
        }
        out
    }

    /// The command a key press means in the first of `scopes` that binds it.
    pub fn command_for(&self, key: &KeyEvent, scopes: &[Scope]) -> Option<&Command> {
        let chord = Chord::from_event(key);
        scopes.iter().find_map(|scope| {
            self.bindings
                .iter()
                .find(|b| b.scope == *scope && b.keys.contains(&chord))
                .map(|b| &b.command)
        })
    }

    /// The first key of an action, for hints on screen.
    pub fn hint(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.command.action == action && !b.keys.is_empty())
            .and_then(|b| b.keys.first())
            .map(Chord::label)
            .unwrap_or_default()
    }

    /// The first key of an action in a scope, for hints where the scope matters.
    pub fn hint_in(&self, action: Action, scope: Scope) -> String {
        self.bindings
            .iter()
            .find(|b| b.command.action == action && b.scope == scope && !b.keys.is_empty())
            .and_then(|b| b.keys.first())
            .map(Chord::label)
            .unwrap_or_else(|| self.hint(action))
    }
}

/// What an action does, for bindings the config adds.
fn describe(action: Action) -> &'static str {
    match action {
        Action::Assign => "Assign to",
        Action::Filter => "Filter by",
        Action::Sort => "Sort by",
        Action::Move => "Move to",
        Action::SetPriority => "Set priority",
        Action::AddLabel => "Add label",
        Action::Comment => "Comment",
        _ => "Run",
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    #[test]
    fn default_table_parses_and_covers_every_action() {
        let map = Keymap::default_table().expect("embedded keymap parses");
        for action in Action::ALL {
            // An action that needs its data (`sort:name`) may be reached from the palette only.
            let keyed = map
                .bindings
                .iter()
                .any(|b| b.command.action == action && !b.keys.is_empty());
            assert!(
                keyed || super::super::takes_argument(action),
                "{action:?} has no default key"
            );
        }
        assert!(map.conflicts().is_empty());
    }

    #[test]
    fn no_write_on_keys_other_tools_use_to_scroll_or_delete() {
        let map = Keymap::default_table().expect("embedded keymap parses");
        let risky = [Chord::parse("ctrl-d"), Chord::parse("ctrl-k")].map(|c| c.expect("chord"));
        for b in map.bindings.iter().filter(|b| b.command.action.writes()) {
            for k in &risky {
                assert!(!b.keys.contains(k), "{} on {}", b.command, k.label());
            }
        }
    }

    #[test]
    fn the_same_key_means_what_its_scope_says() {
        let map = Keymap::default_table().expect("embedded keymap parses");
        let a = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
        let in_suggestions = [Scope::Suggestions, Scope::List, Scope::Global];
        let on_ticket = [Scope::Stalled, Scope::Ticket, Scope::List, Scope::Global];
        assert_eq!(
            map.command_for(&a, &in_suggestions).map(|c| c.action),
            Some(Action::Accept)
        );
        assert_eq!(
            map.command_for(&a, &on_ticket).map(|c| c.action),
            Some(Action::Assign)
        );
        // In a text line, `q` is text, not quit.
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.command_for(&q, &[Scope::Input]), None);
    }

    #[test]
    fn lookup_ignores_shift_on_characters() {
        let map = Keymap::default_table().expect("embedded keymap parses");
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        let list = [Scope::List, Scope::Global];
        assert_eq!(
            map.command_for(&shifted_g, &list).map(|c| c.action),
            Some(Action::Bottom)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            map.command_for(&ctrl_c, &[Scope::Input]).map(|c| c.action),
            Some(Action::Quit)
        );
        assert!(Chord::parse("ctrl-").is_err());
        assert!(Chord::parse("hyper").is_err());
    }

    #[test]
    fn a_conflict_names_the_scope_and_both_commands() {
        let mut map = Keymap::default_table().expect("embedded keymap parses");
        let j = Chord::parse("j").expect("chord");
        map.add(Command::with(Action::Assign, "@me"), Scope::List, vec![j]);
        let c = map.conflicts();
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].to_string(),
            "j is bound to down and assign:@me in scope list"
        );
    }

    #[test]
    fn line_of_counts_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
