//! `lookout doctor`'s trial of a Redmine source: the first issues page a full sync reads.
//!
//! The same filters a sync sends, bounded to a few issues, each then read with its journals
//! as a sync reads it: what a sync would skip shows here, named. This module never
//! stores anything and never reads past that one page.

use super::{Fetched, NAMED_SKIPS, RedmineSource, dto, paging};
use crate::sources::lenient::warn_each;
use crate::sources::{SourceError, Trial};

/// Issues in the trial page: enough to meet an odd one on most sites, few enough to be quick.
const TRIAL_PAGE: usize = 10;

impl RedmineSource {
    pub(super) async fn trial_read(&mut self) -> Result<Trial, SourceError> {
        let mut warnings = Vec::new();
        self.refresh_catalog(&mut warnings).await?;
        let mut q = self.filters(&[]);
        q.push(("sort".into(), "updated_on,id".into()));
        q.extend(paging(0, TRIAL_PAGE));
        let page: dto::IssuesPage = self.get("/issues.json", &q).await?;
        let (listed, odd) = page.issues.split();
        let mut skipped: Vec<String> = odd
            .into_iter()
            .map(|u| format!("Redmine issue #{} skipped: {}", u.name_or("?"), u.reason))
            .collect();
        let mut read = 0;
        for issue in listed {
            match self.with_journals(issue.id).await? {
                // Mapping an issue that reads cannot fail: reading is the whole trial.
                Fetched::Issue(_) => read += 1,
                Fetched::Gone => {}
                Fetched::Unreadable(why) => {
                    skipped.push(format!("Redmine issue #{} skipped: {why}", issue.id));
                }
            }
        }
        warn_each(skipped, NAMED_SKIPS, &mut warnings);
        Ok(Trial { read, warnings })
    }
}
