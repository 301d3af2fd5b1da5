//! `lookout doctor`'s trial of a GitLab source: the first issues page a full sync reads,
//! each issue with its events, as a sync reads them. Never stores, never reads further.

use super::{GitLabSource, NAMED_SKIPS, dto};
use crate::sources::lenient::{Lenient, warn_each};
use crate::sources::{SourceError, Trial};

/// Issues in the trial page: enough to meet an odd one on most sites, few enough to be quick.
const TRIAL_PAGE: usize = 10;

impl GitLabSource {
    pub(super) async fn trial_read(&mut self) -> Result<Trial, SourceError> {
        let mut warnings = Vec::new();
        self.refresh_catalog(&mut warnings).await?;
        let mut skipped = Vec::new();
        let mut fresh = Vec::new();
        for target in self.targets() {
            let q = [
                ("scope", "all".to_string()),
                ("order_by", "updated_at".to_string()),
                ("sort", "asc".to_string()),
                ("per_page", TRIAL_PAGE.to_string()),
            ];
            let page: Lenient<dto::Issue> = self.get_json(&target.issues_path(), &q).await?;
            let (listed, odd) = page.split();
            skipped.extend(odd.into_iter().map(|u| {
                format!(
                    "GitLab issue {} of {} skipped: {}",
                    u.name_or("without an id"),
                    target.name(),
                    u.reason
                )
            }));
            fresh.extend(listed.into_iter().map(|i| (String::new(), i)));
        }
        let read = self.with_history(fresh, &mut skipped).await?.len();
        warn_each(skipped, NAMED_SKIPS, &mut warnings);
        Ok(Trial { read, warnings })
    }
}
