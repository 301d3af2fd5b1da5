//! The Jira catalog a sync reads first: the story points field, the statuses (for placing
//! changelog moves), the projects and their assignable members.
//!
//! Read once a sync, before any issue. An answer that is not what Jira documents for one
//! project's members costs that project's members, with a warning; this module never fails a
//! sync over them.

use chrono::{DateTime, Utc};

use super::status::Statuses;
use super::{JiraSource, NAMED_SKIPS, dto, map};
use crate::domain::{Member, Project};
use crate::sources::SourceError;
use crate::sources::lenient::{Listing, warn_each};

impl JiraSource {
    /// Fields (for story points), statuses (for categories of changelog moves), projects
    /// and their assignable members; what could not be read goes to `warnings`.
    pub(super) async fn refresh_catalog(
        &mut self,
        warnings: &mut Vec<String>,
    ) -> Result<(Vec<Project>, Vec<Member>), SourceError> {
        let fields: Vec<dto::Field> = self.get("/rest/api/3/field", &[]).await?;
        self.points = map::story_points(&fields);
        let statuses: Vec<dto::StatusDto> = self.get("/rest/api/3/status", &[]).await?;
        self.statuses = Statuses::new(statuses);

        let mut listed: Vec<dto::ProjectDto> = Vec::new();
        loop {
            let mut q = vec![
                ("startAt", listed.len().to_string()),
                ("maxResults", "50".to_string()),
                ("expand", "description".to_string()),
            ];
            for k in &self.settings.projects {
                q.push(("keys", k.clone()));
            }
            let page: dto::ProjectPage = self.get("/rest/api/3/project/search", &q).await?;
            let empty = page.values.is_empty();
            listed.extend(page.values);
            if page.is_last || empty {
                break;
            }
        }
        let wanted = &self.settings.projects;
        if let Some(missing) = wanted.iter().find(|w| !listed.iter().any(|p| &p.key == *w)) {
            return Err(SourceError::Config(format!(
                "project {missing:?} is not visible to {} (check `projects` and the account's \
                 permissions)",
                self.settings.email
            )));
        }
        listed.retain(|p| wanted.is_empty() || wanted.contains(&p.key));

        let mut members = Vec::new();
        for p in &listed {
            let mut start = 0;
            loop {
                let q = [
                    ("project", p.key.clone()),
                    ("startAt", start.to_string()),
                    ("maxResults", "100".to_string()),
                ];
                let answer: Listing<dto::User> =
                    self.get("/rest/api/3/user/assignable/search", &q).await?;
                let users = match answer {
                    Listing::Items(users) => users,
                    Listing::NotAList(what) => {
                        warnings.push(format!(
                            "Jira answered {what} instead of a list for the assignable users \
                             of {}: its members are not updated this sync",
                            p.key
                        ));
                        break;
                    }
                };
                let n = users.0.len();
                start += n;
                let (users, odd) = users.split();
                warn_each(
                    odd.iter().map(|u| {
                        format!(
                            "an assignable user of {} skipped ({}): {}",
                            p.key,
                            u.name_or("no account id"),
                            u.reason
                        )
                    }),
                    NAMED_SKIPS,
                    warnings,
                );
                members.extend(
                    users
                        .into_iter()
                        .filter(|u| u.account_type.as_deref().is_none_or(|t| t == "atlassian"))
                        .map(|u| Member {
                            source: self.name.as_str().into(),
                            project: p.key.as_str().into(),
                            login: u.account_id.into(),
                            display_name: u.display_name.into(),
                        }),
                );
                if n < 100 {
                    break;
                }
            }
        }
        let site = self.settings.url.trim_end_matches('/');
        let projects = listed
            .into_iter()
            .map(|p| Project {
                source: self.name.as_str().into(),
                url: Some(format!("{site}/browse/{}", p.key)),
                key: p.key,
                name: p.name,
                description: p.description.unwrap_or_default(),
                // Jira's project API has no creation date.
                created: DateTime::<Utc>::UNIX_EPOCH,
                target: None,
            })
            .collect();
        Ok((projects, members))
    }
}
