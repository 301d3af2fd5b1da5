//! What is in front of the tab, as a stack: the last mode gets the keys first, `Esc` pops it.
//! Each mode names the key scopes it answers in, so a key means what the thing in front says.

use super::text_line::TextLine;
use crate::keys::Scope;

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// The keys, scrolled by this many lines.
    Help(usize),
    /// A text line at the bottom of the screen.
    Prompt(Prompt),
    /// The sources popup, with this source selected.
    Sources(usize),
}

/// What a text line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Narrows the focused list as it is typed.
    Filter,
    /// Runs any command by name.
    Palette,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: TextLine,
    /// Why what is typed cannot be used yet (bad filter syntax), shown under the line; the
    /// list keeps what it showed before.
    pub error: Option<String>,
    /// The palette's matches (indices into the keymap's bindings), best first, and the
    /// chosen one.
    pub matches: Vec<usize>,
    pub chosen: usize,
    /// The filter text before the line was opened, put back by `Esc`.
    pub before: String,
}

impl Prompt {
    pub fn new(kind: PromptKind, value: &str) -> Prompt {
        Prompt {
            kind,
            line: TextLine::with_value(200, value),
            error: None,
            matches: Vec::new(),
            chosen: 0,
            before: value.to_string(),
        }
    }
}

impl Mode {
    /// The scopes this mode answers in, front first.
    pub fn scopes(&self) -> &'static [Scope] {
        match self {
            Mode::Help(_) => &[Scope::Popup, Scope::List, Scope::Global],
            Mode::Prompt(_) => &[Scope::Input],
            Mode::Sources(_) => &[Scope::Popup, Scope::List, Scope::Global],
        }
    }
}
