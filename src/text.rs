//! Untrusted text from trackers, made safe for a terminal.
//!
//! Ticket titles, names and comments come from anyone who can write to a tracker. An escape
//! sequence in a title could move the cursor, retitle the window or worse, so every string
//! from a source passes through `sanitize` before it is drawn.

/// Removes ANSI/VT escape sequences (CSI, OSC, DCS and friends) and every other control
/// character; tabs and line breaks become single spaces so one record stays on one line.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS / SOS / PM / APC introducers carry a payload like ESC forms do.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if c.is_control() => {}
            // Bidirectional overrides can make displayed text lie about its content.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
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

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn strips_csi_osc_and_controls() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;pwned\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]52;c;aGk=\u{1b}\\y"), "xy");
        assert_eq!(sanitize("bell\u{7}back\u{8}space"), "bellbackspace");
        assert_eq!(sanitize("c1\u{9b}2Jcsi"), "c1csi");
        assert_eq!(sanitize("one\r\ntwo\tthree"), "one two three");
        assert_eq!(sanitize("\u{202e}evil"), "evil");
    }

    #[test]
    fn keeps_ordinary_unicode() {
        assert_eq!(sanitize("Café – 日本 ✓"), "Café – 日本 ✓");
    }

    #[test]
    fn unterminated_sequences_do_not_leak() {
        assert_eq!(sanitize("a\u{1b}[12"), "a");
        assert_eq!(sanitize("a\u{1b}]title"), "a");
    }
}
