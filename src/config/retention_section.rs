//! `[retention]`: closed tickets moved to archive files after a sync. Absent means never.
//! Mistakes name the file, line and key.

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, Doc};

/// A day at least (a shorter age would archive what closed this morning), a century at most.
/// At least 30: flows over the last 28 and 30 days (done in 30 days, arrivals against
/// deliveries) read tickets the store holds.
const DAYS: std::ops::RangeInclusive<i64> = 30..=36_500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetention {
    pub archive_closed_after_days: Option<Spanned<i64>>,
}

/// What the retention keeps in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Tickets closed longer ago than this are archived after a sync.
    pub archive_closed_after_days: u32,
}

pub(super) fn retention(
    doc: &Doc<'_>,
    raw: &Spanned<RawRetention>,
) -> Result<Option<Retention>, ConfigError> {
    let Some(days) = &raw.get_ref().archive_closed_after_days else {
        return Ok(None);
    };
    let n = *days.get_ref();
    if !DAYS.contains(&n) {
        return Err(doc.at(
            days.span(),
            format!(
                "{n} is not a number of days to keep closed tickets; use {} to {} (or leave \
                 the key out to never archive)",
                DAYS.start(),
                DAYS.end()
            ),
        ));
    }
    Ok(Some(Retention {
        archive_closed_after_days: n as u32,
    }))
}
