//! The one text line of lookout (filter, palette, comment, label, forecast questions, a
//! rejection's note): tui-input's editing (cursor, words, ctrl-w, home/end) with a length cap
//! and a rule for which characters a line takes.

use crossterm::event::{Event as TermEvent, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

#[derive(Debug, Clone, Default)]
pub struct TextLine {
    input: Input,
    max: usize,
    accepts: Accepts,
}

/// Which characters a line takes; others are ignored rather than inserted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Accepts {
    #[default]
    Any,
    /// Digits and `-` (a count, a date).
    Digits,
}

impl Eq for TextLine {}

impl PartialEq for TextLine {
    fn eq(&self, other: &TextLine) -> bool {
        self.value() == other.value() && self.cursor() == other.cursor()
    }
}

impl TextLine {
    pub fn new(max: usize) -> TextLine {
        TextLine {
            input: Input::default(),
            max,
            accepts: Accepts::Any,
        }
    }

    pub fn with_value(max: usize, value: &str) -> TextLine {
        let mut line = TextLine::new(max);
        let value: String = value
            .chars()
            .filter(|c| !c.is_control())
            .take(max)
            .collect();
        line.input = Input::new(value);
        line
    }

    pub fn accepting(mut self, accepts: Accepts) -> TextLine {
        self.accepts = accepts;
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    /// Where drawing starts so the cursor stays inside `width` columns.
    pub fn scroll(&self, width: usize) -> usize {
        self.input.visual_scroll(width)
    }

    /// Edits the line with a key; returns whether the text or the cursor changed.
    pub fn handle(&mut self, key: &KeyEvent) -> bool {
        if let crossterm::event::KeyCode::Char(c) = key.code {
            let ctrl = key
                .modifiers
                .intersects(crossterm::event::KeyModifiers::CONTROL);
            let refused = c.is_control()
                || (!ctrl && self.accepts == Accepts::Digits && !(c.is_ascii_digit() || c == '-'))
                || (!ctrl && self.input.value().chars().count() >= self.max);
            if refused {
                return false;
            }
        }
        let Some(request) = to_input_request(&TermEvent::Key(*key)) else {
            return false;
        };
        self.input
            .handle(request)
            .is_some_and(|r| r.value || r.cursor)
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_in_the_middle_and_caps_the_length() {
        let mut line = TextLine::new(5);
        for c in "abd".chars() {
            assert!(line.handle(&key(KeyCode::Char(c))));
        }
        line.handle(&key(KeyCode::Left));
        line.handle(&key(KeyCode::Char('c')));
        assert_eq!(line.value(), "abcd");
        line.handle(&key(KeyCode::Char('e')));
        assert!(!line.handle(&key(KeyCode::Char('f'))), "over the cap");
        assert_eq!(line.value(), "abced");
        let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert!(line.handle(&ctrl_w));
        assert_eq!(line.value(), "d");
    }

    #[test]
    fn a_digit_line_ignores_letters_and_control_text_never_enters() {
        let mut line = TextLine::new(10).accepting(Accepts::Digits);
        for c in "12x-3".chars() {
            line.handle(&key(KeyCode::Char(c)));
        }
        assert_eq!(line.value(), "12-3");
        let line = TextLine::with_value(10, "a\u{1b}[2Jb");
        assert_eq!(line.value(), "a[2Jb");
    }
}
