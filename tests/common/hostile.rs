#![allow(dead_code)]
//! Tracker text that tries to drive a terminal, and the checks that it did not.
//!
//! `wrap` puts around a text every kind of sequence a tracker can carry byte for byte (CSI
//! and OSC with ESC and as C1, an OSC 52 clipboard write, BEL, NUL, NEL, bidi overrides and
//! isolates): cleaned, the text is exactly what it was before wrapping. `assert_inert`
//! checks output for the controls themselves and for what a terminal (or ratatui, which drops
//! the ESC byte alone) would leave of them on screen.

use std::sync::Arc;

use lookout::domain::ChangeSet;

/// `text` with hostile sequences around it; cleaning gives back `text`.
pub fn wrap(text: &str) -> String {
    format!(
        "\u{202e}{text}\u{1b}[31m\u{9b}1m\u{1b}]0;t\u{7}\u{1b}]52;c;aGk=\u{1b}\\\u{9d}0;x\u{9c}\u{85}\u{2066}\u{0}"
    )
}

/// What the sequences of `wrap` leave when only their ESC or C1 byte is dropped.
pub const REMAINS: [&str; 5] = ["[31m", "]52;c;", "]0;", "0;x", "aGk="];

/// Wraps every text field of a change set, consistently: a ticket's project, a transition's
/// statuses and a member's login stay equal to what they refer to.
pub fn poison(c: &mut ChangeSet) {
    let w = |s: &mut String| *s = wrap(s);
    let short = |s: &mut compact_str::CompactString| *s = wrap(s).into();
    for p in &mut c.projects {
        w(&mut p.key);
        w(&mut p.name);
    }
    for m in &mut c.members {
        short(&mut m.project);
        short(&mut m.login);
        short(&mut m.display_name);
    }
    for t in &mut c.tickets {
        short(&mut t.project);
        short(&mut t.key);
        w(&mut t.title);
        short(&mut t.status);
        t.assignee.as_mut().map(short);
        t.labels.iter_mut().for_each(short);
    }
    for t in &mut c.transitions {
        for s in [&mut t.from, &mut t.to].into_iter().flatten() {
            *s = Arc::from(wrap(s));
        }
    }
    for e in &mut c.time_entries {
        w(&mut e.member);
        w(&mut e.comment);
    }
    for n in &mut c.notes {
        w(&mut n.author);
        w(&mut n.body);
    }
}

/// The characters that must never leave lookout raw: C0 controls (but the line break of
/// printed output), DEL, C1 controls, bidi embeddings, overrides and isolates.
pub fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Fails, naming `what`, when `out` holds a forbidden character or the remains of a sequence.
pub fn assert_inert(out: &[u8], what: &str) {
    assert_no_controls(out, what);
    let text = String::from_utf8_lossy(out);
    for r in REMAINS {
        assert!(!text.contains(r), "{what}: {r:?} is on screen:\n{text}");
    }
}

/// Fails, naming `what`, when `out` holds a forbidden character.
pub fn assert_no_controls(out: &[u8], what: &str) {
    let text = String::from_utf8_lossy(out);
    if let Some((i, c)) = text.char_indices().find(|(_, c)| forbidden(*c)) {
        panic!(
            "{what}: U+{:04X} at byte {i}:\n{}",
            c as u32,
            text.escape_debug()
        );
    }
}
