//! Keys as data: the embedded default table, user overrides, and lookup from a key press.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::Action;

const DEFAULT: &str = include_str!("../../assets/keymap.default.toml");

/// One key press as lookout matches it: a code and whether ctrl was held. Shift is part of the
/// character itself (`G`), so it is not tracked separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Chord {
    pub fn parse(text: &str) -> Result<Chord, String> {
        let (ctrl, name) = match text.strip_prefix("ctrl-") {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, text),
        };
        let code = match name {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            other => {
                let mut chars = other.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() => KeyCode::Char(c),
                    _ => {
                        return Err(format!(
                            "{text:?} is not a key; write a character (q, G, ?) or a name \
                             (enter, esc, tab, backtab, up, down, home, end, pageup, pagedown, \
                             space), optionally with ctrl-"
                        ));
                    }
                }
            }
        };
        Ok(Chord { code, ctrl })
    }

    pub fn from_event(key: &KeyEvent) -> Chord {
        Chord {
            code: key.code,
            ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    pub fn label(&self) -> String {
        let name = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Up => "Up".to_string(),
            KeyCode::Down => "Down".to_string(),
            KeyCode::Left => "Left".to_string(),
            KeyCode::Right => "Right".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_string(),
        };
        if self.ctrl {
            format!("Ctrl-{name}")
        } else {
            name
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    List,
    Projects,
    Stalled,
    Forecasts,
    Suggestions,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Lists",
            Context::Projects => "Projects",
            Context::Stalled => "Stalled",
            Context::Forecasts => "Forecasts",
            Context::Suggestions => "Suggestions",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<Chord>,
    pub context: Context,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    binding: Vec<RawBinding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    action: Action,
    keys: Vec<String>,
    context: Context,
    description: String,
}

impl Keymap {
    /// The embedded default table. A unit test parses it, so failure here is a build defect.
    pub fn default_table() -> Result<Keymap, String> {
        let raw: RawTable =
            toml::from_str(DEFAULT).map_err(|e| format!("embedded keymap is invalid: {e}"))?;
        let mut bindings = Vec::new();
        for b in raw.binding {
            let keys = b
                .keys
                .iter()
                .map(|k| Chord::parse(k))
                .collect::<Result<Vec<_>, _>>()?;
            bindings.push(Binding {
                action: b.action,
                keys,
                context: b.context,
                description: b.description,
            });
        }
        Ok(Keymap { bindings })
    }

    /// Replaces the keys of `action`.
    pub fn rebind(&mut self, action: Action, keys: Vec<Chord>) {
        for b in self.bindings.iter_mut().filter(|b| b.action == action) {
            b.keys = keys.clone();
        }
    }

    /// Every action a chord is bound to (more than one is a conflict).
    pub fn actions_for_chord(&self, chord: &Chord) -> Vec<Action> {
        self.bindings
            .iter()
            .filter(|b| b.keys.contains(chord))
            .map(|b| b.action)
            .collect()
    }

    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        let chord = Chord::from_event(key);
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&chord))
            .map(|b| b.action)
    }

    /// The first key of an action, for hints in the status bar.
    pub fn hint(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(Chord::label)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_table_parses_and_covers_every_action() {
        let map = Keymap::default_table().expect("embedded keymap parses");
        for action in Action::ALL {
            assert!(
                map.bindings
                    .iter()
                    .any(|b| b.action == action && !b.keys.is_empty()),
                "{action:?} has no default key"
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice() {
        let map = Keymap::default_table().expect("embedded keymap parses");
        let all: Vec<Chord> = map.bindings.iter().flat_map(|b| b.keys.clone()).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{} is bound twice", a.label());
        }
    }

    #[test]
    fn lookup_ignores_shift_on_characters() {
        let map = Keymap::default_table().expect("embedded keymap parses");
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(map.action_for(&shifted_g), Some(Action::Bottom));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map.action_for(&ctrl_c), Some(Action::Quit));
        assert!(Chord::parse("ctrl-").is_err());
        assert!(Chord::parse("hyper").is_err());
    }
}
