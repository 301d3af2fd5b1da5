//! `lookout doctor`'s trial of a Jira source: the first page a full sync would read.
//!
//! The same JQL and fields a sync sends, bounded to a few issues, read and mapped as a sync
//! maps them, with their changelogs: what a sync would skip shows here, named. This module
//! never stores anything and never reads past that one page.

use std::collections::BTreeSet;

use super::issues::{OddIssues, unplaced_warning};
use super::status::{self, Outcome};
use super::{JiraSource, dto, search};
use crate::sources::{SourceError, Trial};

/// Issues in the trial page: enough to meet an odd one on most sites, few enough to be quick.
const TRIAL_PAGE: usize = 10;

impl JiraSource {
    pub(super) async fn trial_read(&mut self) -> Result<Trial, SourceError> {
        let mut warnings = Vec::new();
        self.refresh_catalog(&mut warnings).await?;
        let jql = self.jql(None);
        let fields = self.fields();
        let search = dto::Search {
            jql: &jql,
            fields: &fields,
            max_results: TRIAL_PAGE,
            next_page_token: None,
        };
        let body = self.post_body("/rest/api/3/search/jql", &search).await?;
        let page = body.parse_seed(search::SearchSeed::fields(self.points.as_deref()))?;
        let mut odd = OddIssues::default();
        let tickets: Vec<_> = page
            .issues
            .into_iter()
            .filter_map(|issue| self.read_issue(issue, &mut odd))
            .map(|(ticket, _)| ticket)
            .collect();
        let ids: Vec<u64> = tickets.iter().map(|t| t.id).collect();
        let mut logs = self.changelogs(&ids, &mut odd.histories).await?;
        let mut unplaced = BTreeSet::new();
        for t in &tickets {
            let mut log = logs.remove(&t.id).unwrap_or_default();
            let outcome = Outcome {
                now: t.category,
                resolved: t.resolved,
            };
            status::work_started(&mut log.moves, &self.statuses, outcome, &mut unplaced);
        }
        odd.report(&mut warnings);
        warnings.extend(unplaced.iter().map(|s| unplaced_warning(s)));
        Ok(Trial {
            read: tickets.len(),
            warnings,
        })
    }
}
