//! Copying text to the user's clipboard through the terminal (OSC 52).
//!
//! Over SSH and inside tmux there is no local clipboard program to call, but the terminal on
//! the user's own machine can set its clipboard when asked by an `ESC ] 52` sequence. The text
//! travels base64-encoded, so nothing in it can drive the terminal on the way; it is still
//! cleaned first, because what lands on the clipboard is pasted later, perhaps into a shell,
//! where a carriage return or an escape sequence would do harm.
//!
//! tmux passes the sequence on only with `set -g set-clipboard on`.

/// The most text one copy carries, far more than a ticket's text. Terminals cap the sequence,
/// each at its own size, and drop a longer one whole without a word; refusing says so instead.
pub const MAX_TEXT_BYTES: usize = 100_000;

/// Why a copy was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    #[error("too long to copy through the terminal: {bytes} bytes (at most {MAX_TEXT_BYTES})")]
    TooLong { bytes: usize },
}

/// The OSC 52 sequence that puts `text`, cleaned of control characters (line breaks kept),
/// on the clipboard: `ESC ] 52 ; c ; <base64> BEL`.
pub fn osc52(text: &str) -> Result<String, CopyError> {
    let mut clean = text.to_string();
    crate::text::clean_block_in_place(&mut clean);
    if clean.len() > MAX_TEXT_BYTES {
        return Err(CopyError::TooLong { bytes: clean.len() });
    }
    let mut out = String::with_capacity(clean.len().div_ceil(3) * 4 + 8);
    out.push_str("\u{1b}]52;c;");
    base64_into(clean.as_bytes(), &mut out);
    out.push('\u{7}');
    Ok(out)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 section 4): what terminals decode.
fn base64_into(bytes: &[u8], out: &mut String) {
    let symbol = |n: u32, shift: u32| char::from(ALPHABET[((n >> shift) & 0x3f) as usize]);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(symbol(n, 18));
        out.push(symbol(n, 12));
        out.push(if chunk.len() > 1 { symbol(n, 6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(n, 0) } else { '=' });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        let mut out = String::new();
        base64_into(bytes, &mut out);
        out
    }

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(plain.as_bytes()), encoded, "{plain:?}");
        }
        // High bits and the last two symbols of the alphabet.
        assert_eq!(b64(&[0xfb, 0xff, 0xbf]), "+/+/");
        assert_eq!(b64("é".as_bytes()), "w6k=");
    }

    #[test]
    fn the_sequence_is_osc_52_for_the_clipboard_ended_by_bel() {
        assert_eq!(
            osc52("PROJ-42").expect("short"),
            "\u{1b}]52;c;UFJPSi00Mg==\u{7}"
        );
    }

    #[test]
    fn control_characters_are_stripped_before_encoding_but_line_breaks_stay() {
        assert_eq!(
            osc52("rm -rf x\u{1b}[31m\r\nnext\u{7}").expect("short"),
            osc52("rm -rf x\nnext").expect("short")
        );
    }

    #[test]
    fn text_over_the_limit_is_refused_and_text_at_it_is_not() {
        let at = "a".repeat(MAX_TEXT_BYTES);
        let seq = osc52(&at).expect("at the limit");
        assert_eq!(
            seq.len(),
            "\u{1b}]52;c;".len() + MAX_TEXT_BYTES.div_ceil(3) * 4 + 1
        );
        let over = "a".repeat(MAX_TEXT_BYTES + 1);
        assert_eq!(
            osc52(&over),
            Err(CopyError::TooLong {
                bytes: MAX_TEXT_BYTES + 1
            })
        );
    }
}
