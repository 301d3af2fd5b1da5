//! JSON for a terminal: `serde_json` escapes C0 controls but writes C1 controls, DEL and bidi
//! overrides raw, and a C1 CSI (U+009B) is as good as ESC [ to many terminals. Every JSON
//! document lookout prints goes through `to_string_pretty` here, which writes those
//! characters as `\uXXXX`: still the same JSON value for a program, inert on a screen.
//! It never changes a value, only how it is spelled.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// `serde_json::to_string_pretty`, with nothing in it that can drive a terminal.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Inert::default());
    value.serialize(&mut ser)?;
    // The serializer writes only UTF-8 (strings as given, the rest ASCII).
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// A pretty formatter whose string fragments escape what `drives_terminal`.
#[derive(Default)]
struct Inert(PrettyFormatter<'static>);

impl Formatter for Inert {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            if super::drives_terminal(c) {
                writer.write_all(&fragment.as_bytes()[from..i])?;
                // Every such character is in the Basic Multilingual Plane: one \u escape.
                write!(writer, "\\u{:04x}", c as u32)?;
                from = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[from..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::to_string_pretty;

    #[test]
    fn control_and_bidi_characters_are_escaped_and_the_value_kept() {
        let value = serde_json::json!({
            "project": "A\u{9b}31m\u{202e}B\u{7f}\u{1b}[0m\u{2066}",
            "list": ["x\u{85}y", "plain ✓"],
        });
        let text = to_string_pretty(&value).expect("json");
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && crate::text::drives_terminal(c)),
            "{text:?}"
        );
        assert!(text.contains("\\u009b") && text.contains("\\u202e") && text.contains("✓"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).expect("parses"),
            value
        );
        assert_eq!(
            text,
            serde_json::to_string_pretty(&value)
                .expect("json")
                .replace('\u{9b}', "\\u009b")
                .replace('\u{202e}', "\\u202e")
                .replace('\u{7f}', "\\u007f")
                .replace('\u{2066}', "\\u2066")
                .replace('\u{85}', "\\u0085"),
            "the same layout as serde_json's own"
        );
    }
}
