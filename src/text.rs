//! Untrusted text from trackers, made safe for a terminal.
//!
//! Ticket titles, names, statuses and comments come from anyone who can write to a tracker
//! (a CSV file, a model): an escape sequence in a title could move the cursor, retitle the
//! window or write the clipboard (OSC 52); a bidi override can make a line lie about its
//! content. This module owns what "safe" means and must never decide what text *means*.
//!
//! Where it is applied, and why there:
//! - Once, where text enters: `sync_once` cleans every change set before the store write
//!   (`ChangeSet::sanitize`), the store cleans what it loads (`Portfolio::sanitize`: text
//!   written by older versions), and `backtest` cleans the CSV cells it reads. Every screen,
//!   table, JSON document, message and log line then starts from clean data, so a draw call
//!   or a `println!` that forgets to clean cannot exist: there is no such call to forget.
//! - Text that does not come from the store (an error quoting a tracker's answer) reaches the
//!   screen as a [`Clean`] value: the type says it went through here.
//! - At the last step out, two nets for what is not data: [`json`] escapes control and bidi
//!   characters in every JSON document, and [`log::CleanLog`] cleans every log line.
//!
//! Why a load-time pass rather than a store migration: it also covers whatever reaches the
//! store by a path nobody thought of, and it needs no schema change. It costs one byte scan
//! per string (a vectorised one for printable ASCII) and allocates only for a string that
//! needs cleaning: measured in a release build at about 25 ms for the text of 100,000
//! tickets and 400,000 transitions, small beside the load it follows.

pub mod json;
pub mod log;

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// Removes ANSI/VT escape sequences (CSI, OSC, DCS and friends), every other control
/// character and bidi overrides; tabs and line breaks become single spaces so one record stays
/// on one line.
pub fn sanitize(input: &str) -> String {
    sanitize_cow(input).into_owned()
}

/// `sanitize`, borrowing the input when nothing needs removing (nearly always).
pub fn sanitize_cow(input: &str) -> Cow<'_, str> {
    if needs_cleaning(input) {
        Cow::Owned(strip(input, Lines::Join))
    } else {
        Cow::Borrowed(input)
    }
}

/// Cleans `s` in place, allocating only when something has to go.
pub fn clean_in_place(s: &mut String) {
    if needs_cleaning(s) {
        *s = strip(s, Lines::Join);
    }
}

/// Like `clean_in_place` for text meant to span lines (comments, descriptions): line breaks
/// stay, as `\n`; everything else goes as in `sanitize`.
pub fn clean_block_in_place(s: &mut String) {
    if needs_cleaning(s) {
        *s = strip(s, Lines::Keep);
    }
}

/// Whether `s` holds anything `sanitize` would change: a C0/C1 control, DEL, a bidi override
/// or isolate, or a Unicode line/paragraph separator. A byte scan, no decoding: this runs on
/// every string of every sync and load.
pub fn needs_cleaning(s: &str) -> bool {
    let b = s.as_bytes();
    // Printable ASCII is nearly all tracker text: a branch-free pass the compiler vectorises
    // says so at once; only other text is looked at byte by byte.
    if b.iter().fold(true, |ok, &c| ok & (0x20..0x7f).contains(&c)) {
        return false;
    }
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0x00..=0x1f | 0x7f => return true,
            // U+0080..U+009F are C2 80..C2 9F in UTF-8.
            0xc2 if (0x80..=0x9f).contains(&at(i + 1)) => return true,
            // U+2028..U+202E are E2 80 A8..AE; U+2066..U+2069 are E2 81 A6..A9.
            0xe2 if at(i + 1) == 0x80 && (0xa8..=0xae).contains(&at(i + 2)) => return true,
            0xe2 if at(i + 1) == 0x81 && (0xa6..=0xa9).contains(&at(i + 2)) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Whether one character, written raw, could drive a terminal or reorder what it shows.
pub fn drives_terminal(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Bidi embeddings, overrides (U+202A..U+202E) and isolates (U+2066..U+2069).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    Join,
    Keep,
}

fn strip(input: &str, lines: Lines) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS / SOS / PM / APC introducers carry a payload like ESC forms do.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' | '\u{2028}' | '\u{2029}' if lines == Lines::Keep => out.push('\n'),
            // CR LF is one break; a lone CR would return the cursor over what was written.
            '\r' if lines == Lines::Keep => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => {
                if !out.ends_with(' ') && !out.ends_with('\n') {
                    out.push(' ');
                }
            }
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // Two- and three-byte escapes: ESC ( B, ESC # 8 and the like.
        Some('(') | Some(')') | Some('*') | Some('+') | Some('#') | Some('%') => {
            chars.next();
        }
        _ => {}
    }
}

fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// Skips a string payload up to BEL, ST (ESC \) or the C1 ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Text that went through `sanitize`: what the screen takes for text that does not come from
/// the (already clean) store, such as an error quoting a tracker's answer. It can only be
/// made by cleaning, so holding one is the proof.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Clean(String);

impl Clean {
    pub fn new(text: impl Into<String>) -> Clean {
        let mut text = text.into();
        clean_in_place(&mut text);
        Clean(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<String> for Clean {
    fn from(s: String) -> Clean {
        Clean::new(s)
    }
}

impl From<&str> for Clean {
    fn from(s: &str) -> Clean {
        Clean::new(s)
    }
}

impl Deref for Clean {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Clean {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Clean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Clean {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Clean {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl<'de> serde::Deserialize<'de> for Clean {
    /// Decoding cleans too: a `Clean` read back from anywhere is clean.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Clean, D::Error> {
        String::deserialize(d).map(Clean::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_osc_and_controls() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;pwned\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]52;c;aGk=\u{1b}\\y"), "xy");
        assert_eq!(
            sanitize("bell\u{7}back\u{8}space\u{0}nul"),
            "bellbackspacenul"
        );
        assert_eq!(sanitize("c1\u{9b}2Jcsi"), "c1csi");
        assert_eq!(sanitize("c1\u{9d}0;title\u{9c}osc\u{85}\u{7f}"), "c1osc");
        assert_eq!(
            sanitize("one\r\ntwo\tthree\u{2028}four"),
            "one two three four"
        );
        assert_eq!(sanitize("\u{202e}evil\u{2066}x\u{2069}\u{202a}"), "evilx");
    }

    #[test]
    fn keeps_ordinary_unicode_without_copying() {
        assert_eq!(sanitize("Café – 日本 ✓"), "Café – 日本 ✓");
        // Neighbours of the ranges removed stay: U+00A0, U+2027, U+202F, U+2065, U+206A.
        let near = "\u{a0}\u{2027}\u{202f}\u{2065}\u{206a}Ĝ";
        assert!(!needs_cleaning(near));
        assert!(matches!(sanitize_cow(near), Cow::Borrowed(_)));
        assert!(matches!(sanitize_cow("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_byte_scan_agrees_with_the_characters() {
        for c in ('\u{0}'..='\u{2100}').chain(['\u{feff}', '\u{10ffff}']) {
            let s = format!("a{c}b");
            assert_eq!(needs_cleaning(&s), drives_terminal(c), "U+{:04X}", c as u32);
            assert!(!needs_cleaning(&sanitize(&s)), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn unterminated_sequences_do_not_leak() {
        assert_eq!(sanitize("a\u{1b}[12"), "a");
        assert_eq!(sanitize("a\u{1b}]title"), "a");
    }

    #[test]
    fn blocks_keep_their_lines_and_lose_the_rest() {
        let mut s = "first\r\nsecond\u{1b}[2J\rthird\n\u{202e}x".to_string();
        clean_block_in_place(&mut s);
        assert_eq!(s, "first\nsecond\nthird\nx");
    }

    #[test]
    fn clean_values_are_clean_however_made() {
        assert_eq!(Clean::new("a\u{1b}[1mb"), "ab");
        assert_eq!(Clean::from("\u{9b}31mx".to_string()).as_str(), "x");
        let decoded: Clean = serde_json::from_str("\"\\u001b]0;t\\u0007ok\"").expect("json");
        assert_eq!(decoded, "ok");
    }
}
