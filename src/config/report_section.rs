//! `[report]`: how old the store may be before `lookout report` refuses to report from it
//! (a cron job should fail loudly rather than mail last week's numbers as this week's).

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Doc};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// `"2d"`, `"12h"`; `"off"` or `0` never refuses.
    pub stale_after: Option<Spanned<RawStale>>,
}

/// A duration as text, or the number 0 (off).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawStale {
    Text(String),
    Number(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSettings {
    /// The store is stale when its oldest source synced longer ago than this; `None`: never.
    pub stale_after: Option<Duration>,
    /// The setting as written (or the default), to quote back in the refusal.
    pub stale_after_text: String,
    /// Whether the config file set it, so the refusal can say where to change it.
    pub stale_after_set: bool,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            stale_after: Some(Duration::from_secs(2 * 86_400)),
            stale_after_text: "2d".to_string(),
            stale_after_set: false,
        }
    }
}

pub(super) fn report(doc: &Doc<'_>, raw: &RawReport) -> Result<ReportSettings, ConfigError> {
    let Some(stale) = &raw.stale_after else {
        return Ok(ReportSettings::default());
    };
    let (stale_after, text) = match stale.get_ref() {
        RawStale::Number(0) => (None, "0".to_string()),
        RawStale::Number(n) => {
            return Err(doc.at(
                stale.span(),
                format!("{n} has no unit; write a duration like \"2d\" or \"12h\", or \"off\""),
            ));
        }
        RawStale::Text(t) if matches!(t.trim(), "off" | "0") => (None, t.trim().to_string()),
        RawStale::Text(t) => {
            let d = super::duration::parse(t).map_err(|m| {
                doc.at(
                    stale.span(),
                    format!("{m} (or \"off\" to report however old the data is)"),
                )
            })?;
            (Some(d), t.trim().to_string())
        }
    };
    Ok(ReportSettings {
        stale_after,
        stale_after_text: text,
        stale_after_set: true,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{ConfigError, Settings};

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        Settings::parse(Path::new("c.toml"), text)
    }

    #[test]
    fn stale_after_defaults_to_two_days_and_can_be_turned_off() {
        let s = parse("").expect("defaults");
        assert_eq!(
            s.report.stale_after,
            Some(std::time::Duration::from_secs(172_800))
        );
        let s = parse("[report]\nstale_after = \"12h\"\n").expect("12h");
        assert_eq!(
            s.report.stale_after,
            Some(std::time::Duration::from_secs(43_200))
        );
        for off in ["\"off\"", "\"0\"", "0"] {
            let s = parse(&format!("[report]\nstale_after = {off}\n")).expect("off");
            assert_eq!(s.report.stale_after, None, "{off}");
        }
    }

    #[test]
    fn a_bad_stale_after_names_file_line_and_key() {
        for bad in ["\"soon\"", "\"5x\"", "3"] {
            let e = parse(&format!("[report]\n\nstale_after = {bad}\n"))
                .expect_err("bad value")
                .to_string();
            assert!(e.starts_with("c.toml:3: report.stale_after:"), "{e}");
        }
        let e = parse("[report]\nstale = \"2d\"\n")
            .expect_err("unknown key")
            .to_string();
        assert!(e.contains("stale"), "{e}");
    }
}
