//! The `[ai]` section: the model that may refine the rule advisor's suggestions. Absent means
//! no model: the rules' suggestions stand on their own. Mistakes name the file, line and key.

use serde::Deserialize;
use toml::Spanned;

use super::site_url::{self, Root};
use super::{ConfigError, Doc};
use crate::advisor::llm::{AiSettings, Structured};

/// Longer waits would hold a refresh for minutes; shorter ones rarely fit a model's answer.
const TIMEOUT_SECS: std::ops::RangeInclusive<i64> = 1..=600;
const MAX_TOKENS: std::ops::RangeInclusive<i64> = 16..=100_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAi {
    pub api_base: Option<Spanned<String>>,
    pub model: Option<Spanned<String>>,
    pub api_key_env: Option<Spanned<String>>,
    /// Seconds.
    pub timeout: Option<Spanned<i64>>,
    pub daily_budget: Option<Spanned<f64>>,
    pub price_per_1k_input: Option<Spanned<f64>>,
    pub price_per_1k_output: Option<Spanned<f64>>,
    pub max_tokens: Option<Spanned<i64>>,
    pub structured: Option<Spanned<String>>,
}

pub(super) fn ai(doc: &Doc<'_>, raw: &Spanned<RawAi>) -> Result<AiSettings, ConfigError> {
    let section = raw.get_ref();
    let model = match &section.model {
        Some(m) if !m.get_ref().trim().is_empty() => m.get_ref().trim().to_string(),
        Some(m) => return Err(doc.at(m.span(), "the model name is empty".into())),
        None => {
            return Err(doc.at(
                raw.span(),
                "[ai] needs `model`, the name the server knows the model by".into(),
            ));
        }
    };
    let mut s = AiSettings::new(AiSettings::DEFAULT_API_BASE, model);
    if let Some(base) = &section.api_base {
        s.api_base = site_url::check(base.get_ref(), Root::PathAllowed)
            .map_err(|m| doc.at(base.span(), m))?;
    }
    if let Some(env) = &section.api_key_env {
        let name = env.get_ref().trim();
        if name.is_empty() || name.contains(['=', ' ']) {
            return Err(doc.at(
                env.span(),
                format!("{name:?} is not an environment variable name"),
            ));
        }
        s.api_key_env = Some(name.to_string());
    }
    if let Some(t) = &section.timeout {
        let secs = *t.get_ref();
        if !TIMEOUT_SECS.contains(&secs) {
            return Err(doc.at(
                t.span(),
                format!("{secs} is not a number of seconds between 1 and 600"),
            ));
        }
        s.timeout = std::time::Duration::from_secs(secs.unsigned_abs());
    }
    let amount = |v: &Spanned<f64>, what: &str| -> Result<f64, ConfigError> {
        let x = *v.get_ref();
        if !x.is_finite() || x < 0.0 {
            return Err(doc.at(v.span(), format!("{x} is not {what}")));
        }
        Ok(x)
    };
    if let Some(b) = &section.daily_budget {
        s.daily_budget = Some(amount(b, "an amount (0 or more)")?);
    }
    if let Some(p) = &section.price_per_1k_input {
        s.price_per_1k_input = amount(p, "a price (0 or more)")?;
    }
    if let Some(p) = &section.price_per_1k_output {
        s.price_per_1k_output = amount(p, "a price (0 or more)")?;
    }
    if let Some(m) = &section.max_tokens {
        let n = *m.get_ref();
        if !MAX_TOKENS.contains(&n) {
            return Err(doc.at(
                m.span(),
                format!("{n} is not a number of tokens between 16 and 100000"),
            ));
        }
        s.max_tokens = u32::try_from(n).unwrap_or(AiSettings::DEFAULT_MAX_TOKENS);
    }
    if let Some(mode) = &section.structured {
        s.structured = Structured::parse(mode.get_ref()).ok_or_else(|| {
            doc.at(
                mode.span(),
                format!(
                    "{:?} is not a mode; use {}",
                    mode.get_ref(),
                    Structured::NAMES.join(", ")
                ),
            )
        })?;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use crate::advisor::llm::Structured;
    use crate::config::Settings;

    fn parse(text: &str) -> Result<Settings, String> {
        Settings::parse(Path::new("c.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_full_section_is_read() {
        let s = parse(
            "[ai]\napi_base = \"http://127.0.0.1:11434/v1/\"\nmodel = \"qwen\"\n\
             api_key_env = \"OPENAI_API_KEY\"\ntimeout = 12\ndaily_budget = 2\n\
             price_per_1k_input = 0.001\nprice_per_1k_output = 0.004\nmax_tokens = 800\n\
             structured = \"json\"\n",
        )
        .expect("parses");
        let ai = s.ai.expect("ai configured");
        assert_eq!(ai.api_base, "http://127.0.0.1:11434/v1");
        assert_eq!(ai.model, "qwen");
        assert_eq!(ai.api_key_env.as_deref(), Some("OPENAI_API_KEY"));
        assert_eq!(ai.timeout, Duration::from_secs(12));
        assert_eq!(ai.daily_budget, Some(2.0));
        assert_eq!(ai.max_tokens, 800);
        assert_eq!(ai.structured, Structured::Json);
    }

    #[test]
    fn the_commented_example_parses_once_uncommented() {
        let example = include_str!("../../config.example.toml");
        let from = example.find("# [ai]\n").expect("an [ai] example");
        let section: String = example[from..]
            .lines()
            .take_while(|l| l.starts_with('#'))
            .filter_map(|l| {
                l.strip_prefix("# [ai]")
                    .map(|_| "[ai]")
                    .or(l.strip_prefix("#   "))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let ai = parse(&section).expect("parses").ai.expect("configured");
        assert_eq!(ai.api_base, "http://127.0.0.1:8080/v1");
        assert_eq!(ai.structured, Structured::Strict);
        assert_eq!(ai.daily_budget, Some(1.0));
    }

    #[test]
    fn no_section_means_no_model() {
        assert!(parse("").expect("parses").ai.is_none());
    }

    #[test]
    fn mistakes_name_line_and_key() {
        let e = parse("[ai]\nmodel = \"m\"\nstructured = \"loose\"\n").expect_err("bad mode");
        assert!(e.starts_with("c.toml:3: ai.structured:"), "{e}");
        let e = parse("[ai]\nmodel = \"m\"\ntimeout = 0\n").expect_err("bad timeout");
        assert!(e.starts_with("c.toml:3: ai.timeout:"), "{e}");
        let e = parse("[ai]\nmodel = \"m\"\ndaily_budget = -1\n").expect_err("negative");
        assert!(e.starts_with("c.toml:3: ai.daily_budget:"), "{e}");
        let e = parse("[ai]\nmodel = \"m\"\napi_base = \"ftp://x\"\n").expect_err("scheme");
        assert!(e.starts_with("c.toml:3: ai.api_base:"), "{e}");
        let e = parse("[ai]\ntimeout = 5\n").expect_err("no model");
        assert!(e.contains("needs `model`"), "{e}");
        let e = parse("[ai]\nmodel = \"m\"\napi_key = \"sk-1\"\n").expect_err("secret");
        assert!(e.contains("api_key_env"), "{e}");
    }
}
