//! The one line lookout prints when a command fails: the error and its causes, each said once.
//!
//! Error types here put their cause into their own message ("cannot use DIR: Not a
//! directory"), so printing the whole chain would repeat it; a cause already said is skipped.
//! The line is cleaned: it may quote a tracker or a file.

/// `error: cause: deeper cause`, without repeats.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    crate::text::Clean::new(line).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot use /data: {source}")]
    struct Wrapping {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_said_twice() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "Not a directory");
        let e = anyhow::Error::new(Wrapping { source: io });
        assert_eq!(one_line(&e), "cannot use /data: Not a directory");
        let e = anyhow::anyhow!("disk full").context("cannot keep the view");
        assert_eq!(one_line(&e), "cannot keep the view: disk full");
    }
}
