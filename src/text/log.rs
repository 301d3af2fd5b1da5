//! The log file's last filter: every line written to it goes through `sanitize`, so a message
//! that quotes a tracker (an error body, a skipped row) cannot drive the terminal of whoever
//! reads the log with `cat` or `tail -f`. It keeps line breaks between records and never
//! drops a record.

use std::io::{self, Write};

/// Wraps the log's writer; each write is cleaned line by line.
#[derive(Debug)]
pub struct CleanLog<W> {
    inner: W,
}

impl<W: Write> CleanLog<W> {
    pub fn new(inner: W) -> CleanLog<W> {
        CleanLog { inner }
    }
}

impl<W: Write> Write for CleanLog<W> {
    /// Takes the whole buffer (a formatted record is written in one call), so a character
    /// split across two calls cannot happen in practice; if it did, it would be replaced,
    /// never written raw.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        if !super::needs_cleaning(text.trim_end_matches('\n')) {
            self.inner.write_all(text.as_bytes())?;
            return Ok(buf.len());
        }
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let (body, end) = match line.strip_suffix('\n') {
                Some(body) => (body, "\n"),
                None => (line, ""),
            };
            out.push_str(&super::sanitize_cow(body));
            out.push_str(end);
        }
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::CleanLog;

    #[test]
    fn each_line_is_cleaned_and_the_breaks_stay() {
        let mut log = CleanLog::new(Vec::new());
        log.write_all(b"WARN sync failed: \x1b]0;owned\x07body \xc2\x9b2J\n")
            .expect("write");
        log.write_all("INFO \u{202e}synced\nnext\n".as_bytes())
            .expect("write");
        let text = String::from_utf8(log.inner).expect("utf-8");
        assert_eq!(text, "WARN sync failed: body \nINFO synced\nnext\n");
    }
}
