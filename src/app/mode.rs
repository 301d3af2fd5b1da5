//! What is in front of the tab, as a stack: the last mode gets the keys first, `Esc` pops it.
//! Each mode names the key scopes it answers in, so a key means what the thing in front says.

use ratatui::text::Line;

use super::text_line::TextLine;
use super::triage::{Bulk, Order, Picker, TicketId};
use crate::keys::Scope;

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// The keys, scrolled by this many lines.
    Help(usize),
    /// A text line at the bottom of the screen.
    Prompt(Prompt),
    /// One ticket's detail.
    Ticket(DetailView),
    /// One project's detail.
    Project(DetailView),
    /// Choose whom to assign, which status, which priority.
    Picker(Picker),
    /// A write about to be sent, shown exactly.
    Confirm(Order),
    /// Writes on their way, then what came of them.
    Bulk(Bulk),
    /// The sources popup, with this source selected.
    Sources(usize),
}

/// A detail view: its lines, built once when it opens (and when the data under it changes),
/// never per frame, and how far it is scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    /// The ticket (an index into the portfolio's tickets) or the project's (source, key).
    pub ticket: usize,
    pub project: Option<(String, String)>,
    pub lines: Vec<Line<'static>>,
    pub scroll: usize,
}

/// What a text line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Narrows the focused list as it is typed.
    Filter,
    /// Runs any command by name.
    Palette,
    /// A label to add to the targets.
    Label,
    /// A comment to post on the targets.
    Comment,
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
    /// The tickets a label or comment goes to.
    pub targets: Vec<TicketId>,
    /// The filter's rows shown, of all, as of the last keystroke.
    pub shown: Option<(usize, usize)>,
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
            targets: Vec::new(),
            shown: None,
        }
    }
}

impl Mode {
    /// The scopes this mode answers in, front first.
    pub fn scopes(&self) -> &'static [Scope] {
        match self {
            Mode::Help(_) => &[Scope::Popup, Scope::List, Scope::Global],
            Mode::Prompt(_) => &[Scope::Input],
            Mode::Ticket(_) => &[Scope::Detail, Scope::Ticket, Scope::List, Scope::Global],
            Mode::Project(_) => &[Scope::Detail, Scope::List, Scope::Global],
            Mode::Picker(_) | Mode::Confirm(_) | Mode::Bulk(_) => {
                &[Scope::Popup, Scope::List, Scope::Global]
            }
            Mode::Sources(_) => &[Scope::Popup, Scope::List, Scope::Global],
        }
    }
}
