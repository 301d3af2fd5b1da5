//! `lookout doctor`'s trial of a GitHub source: the first listing page of each repository,
//! bounded to a few issues, each with its events as a sync reads them. What a sync would skip
//! shows here, named, and so does the configured project's read. Never stores anything and
//! never reads past that one page of issues.

use reqwest::Method;

use super::{GithubSource, NAMED_SKIPS};
use crate::sources::lenient::warn_each;
use crate::sources::{SourceError, Trial};

/// Issues in the trial page: enough to meet an odd one on most repositories, few enough to
/// be quick.
const TRIAL_PAGE: usize = 10;

impl GithubSource {
    pub(super) async fn trial_read(&mut self) -> Result<Trial, SourceError> {
        let mut warnings = Vec::new();
        self.refresh_repos(&mut warnings).await?;
        let mut skipped = Vec::new();
        let mut read = 0;
        for repo in self.settings.repos.clone() {
            let url = self.listing_url(&repo, None, TRIAL_PAGE);
            let body = self.request(Method::GET, &url, None, None).await?;
            for issue in self.issues_in(&repo, &body, &mut skipped)? {
                let (_, odd) = self.events(&repo, issue.number).await?;
                skipped.extend(odd);
                read += 1;
            }
        }
        warn_each(skipped, NAMED_SKIPS, &mut warnings);
        // The project's whole read: its errors name the config key at fault.
        if let Some(board) = self.settings.project.clone() {
            self.fetch_board(&board, &mut warnings).await?;
        }
        Ok(Trial { read, warnings })
    }
}
