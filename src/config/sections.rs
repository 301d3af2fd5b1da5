//! The small sections of the config: `[general]`, `[ui]`, `[stall]` and `[targets]`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use toml::Spanned;

use super::raw::{RawConfig, RawStall};
use super::{ConfigError, Doc, Settings};
use crate::analysis::StallPolicy;

const LOG_LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];

pub(super) fn general(doc: &Doc<'_>, raw: &RawConfig, s: &mut Settings) -> Result<(), ConfigError> {
    s.read_only = raw.general.read_only.unwrap_or(false);
    if let Some(level) = &raw.general.log_level {
        if !LOG_LEVELS.contains(&level.get_ref().as_str()) {
            return Err(doc.at(
                level.span(),
                format!(
                    "{:?} is not a log level; use one of {}",
                    level.get_ref(),
                    LOG_LEVELS.join(", ")
                ),
            ));
        }
        s.log_level = level.get_ref().clone();
    }
    s.color = raw.ui.color.unwrap_or(true);
    s.ascii = raw.ui.ascii.unwrap_or(false);
    s.mouse = raw.ui.mouse.unwrap_or(false);
    Ok(())
}

pub(super) fn stall(
    doc: &Doc<'_>,
    raw: &RawStall,
    policy: &mut StallPolicy,
) -> Result<(), ConfigError> {
    let pct = |v: &Spanned<f64>| -> Result<f64, ConfigError> {
        let p = *v.get_ref();
        if !(1.0..=99.0).contains(&p) {
            return Err(doc.at(
                v.span(),
                format!("{p} is not a percentile between 1 and 99"),
            ));
        }
        Ok(p / 100.0)
    };
    if let Some(w) = &raw.warn_percentile {
        policy.warn_quantile = pct(w)?;
    }
    if let Some(f) = &raw.flag_percentile {
        policy.flag_quantile = pct(f)?;
    }
    if policy.flag_quantile < policy.warn_quantile {
        let span = raw
            .flag_percentile
            .as_ref()
            .or(raw.warn_percentile.as_ref())
            .map(|v| v.span());
        return Err(ConfigError::at(
            doc.path,
            doc.text,
            span,
            format!(
                "flag_percentile ({:.0}) must not be below warn_percentile ({:.0})",
                policy.flag_quantile * 100.0,
                policy.warn_quantile * 100.0
            ),
        ));
    }
    if let Some(n) = raw.min_samples {
        policy.min_samples = n.max(1);
    }
    if let Some(q) = &raw.quiet_days {
        if !(1.0..=365.0).contains(q.get_ref()) {
            return Err(doc.at(
                q.span(),
                format!("{} is not a number of days between 1 and 365", q.get_ref()),
            ));
        }
        policy.quiet_days = *q.get_ref();
    }
    Ok(())
}

pub(super) fn targets(
    doc: &Doc<'_>,
    raw: &BTreeMap<Spanned<String>, Spanned<String>>,
    targets: &mut BTreeMap<String, NaiveDate>,
) -> Result<(), ConfigError> {
    for (project, date) in raw {
        let day = NaiveDate::parse_from_str(date.get_ref(), "%Y-%m-%d").map_err(|_| {
            doc.at(
                date.span(),
                format!("{:?} is not a date; write YYYY-MM-DD", date.get_ref()),
            )
        })?;
        targets.insert(project.get_ref().clone(), day);
    }
    Ok(())
}
