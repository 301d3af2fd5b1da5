//! Status writes on a project-backed source: a move to one of the field's options sets the
//! issue's project item (`updateProjectV2ItemFieldValue`), adding the issue to the project
//! first when it is not on it. A closed issue is done whatever the field says, so a move to
//! an option that is not done also reopens it. Moves to Open and Closed stay state changes.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::sources::http::Repeat;

use super::board::{Layout, PROJECT_HEAD, layout};
use super::graphql::Gql;
use super::project::Board;
use super::{GithubSource, parse_key};
use crate::domain::StatusCategory;
use crate::sources::SourceError;

pub const SET_FIELD: &str = "mutation($project: ID!, $item: ID!, $field: ID!, $option: String!) {
  updateProjectV2ItemFieldValue(input: {projectId: $project, itemId: $item, fieldId: $field, value: {singleSelectOptionId: $option}}) {
    projectV2Item { id }
  }
}";

const ADD_ITEM: &str = "mutation($project: ID!, $content: ID!) {
  addProjectV2ItemById(input: {projectId: $project, contentId: $content}) { item { id } }
}";

/// The project's layout and where one issue stands on it, read fresh before a write.
pub struct Standing {
    pub layout: Layout,
    /// The issue's node id.
    pub issue: String,
    pub open: bool,
    /// Its item on the project and the option set there, when it is on the project.
    pub item: Option<(String, Option<String>)>,
}

fn query() -> String {
    format!(
        "query($owner: String!, $number: Int!, $field: String!, $repoOwner: String!, \
         $repoName: String!, $issue: Int!) {{
{PROJECT_HEAD}
      }}
    }}
  }}
  repository(owner: $repoOwner, name: $repoName) {{
    issue(number: $issue) {{
      id state
      projectItems(first: 50) {{
        nodes {{
          id project {{ id }}
          fieldValueByName(name: $field) {{ ... on ProjectV2ItemFieldSingleSelectValue {{ name }} }}
        }}
      }}
    }}
  }}
}}"
    )
}

#[derive(Deserialize)]
struct ItemRef {
    id: String,
    project: Option<Value>,
    #[serde(default, rename = "fieldValueByName")]
    value: Option<Value>,
}

impl GithubSource {
    /// The project's layout and the issue `key`'s place on it.
    pub(super) async fn standing(&self, board: &Board, key: &str) -> Result<Standing, SourceError> {
        let (repo, number) = parse_key(key)?;
        let (repo_owner, repo_name) = repo
            .split_once('/')
            .ok_or_else(|| SourceError::Refused(format!("{key:?} is not a GitHub issue key")))?;
        let vars = json!({
            "owner": board.owner, "number": board.number, "field": board.field,
            "repoOwner": repo_owner, "repoName": repo_name, "issue": number,
        });
        let mut gql = self.graphql(Repeat::Safe, &query(), vars).await?;
        // An issue the token cannot see is the write's problem, not the project's.
        let (issue_errors, rest): (Vec<_>, Vec<_>) =
            gql.errors.drain(..).partition(|e| e.at("repository"));
        gql.errors = rest;
        let (layout, _) = layout(board, &gql)?;
        let node = &gql.data["repository"]["issue"];
        if node.is_null() {
            let why = Gql {
                errors: issue_errors,
                ..Gql::default()
            }
            .said();
            return Err(SourceError::NotFound(format!(
                "GitHub has no issue {key} this token can see ({why})"
            )));
        }
        let item = node["projectItems"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| ItemRef::deserialize(n).ok())
            .find(|i| {
                i.project
                    .as_ref()
                    .is_some_and(|p| p["id"].as_str() == Some(layout.project.as_str()))
            })
            .map(|i| {
                let value = i
                    .value
                    .as_ref()
                    .and_then(|v| v["name"].as_str())
                    .map(str::to_string);
                (i.id, value)
            });
        Ok(Standing {
            issue: node["id"].as_str().unwrap_or_default().to_string(),
            open: node["state"].as_str() != Some("CLOSED"),
            layout,
            item,
        })
    }

    /// A mutation; any error it answers refuses the change.
    async fn mutate(&self, query: &str, vars: Value) -> Result<Value, SourceError> {
        let gql = self.graphql(Repeat::Once, query, vars).await?;
        if !gql.errors.is_empty() {
            return Err(SourceError::Refused(format!(
                "GitHub's GraphQL API said: {}",
                gql.said()
            )));
        }
        Ok(gql.data)
    }

    /// Moves `key` to the option named `status` when the field has one: `Ok(false)` when it
    /// has not, for the other moves to be tried.
    pub(super) async fn board_move(
        &self,
        board: &Board,
        key: &str,
        status: &str,
    ) -> Result<bool, SourceError> {
        let s = self.standing(board, key).await?;
        let Some((option, name)) = s
            .layout
            .options
            .iter()
            .find(|(_, name)| name.trim().eq_ignore_ascii_case(status.trim()))
        else {
            return Ok(false);
        };
        let item = match &s.item {
            Some((item, _)) => item.clone(),
            None => {
                let added = self
                    .mutate(
                        ADD_ITEM,
                        json!({ "project": s.layout.project, "content": s.issue }),
                    )
                    .await?;
                added["addProjectV2ItemById"]["item"]["id"]
                    .as_str()
                    .ok_or_else(|| {
                        SourceError::Invalid(format!(
                            "GitHub added {key} to project {} without saying its item",
                            board.number
                        ))
                    })?
                    .to_string()
            }
        };
        self.mutate(
            SET_FIELD,
            json!({
                "project": s.layout.project,
                "item": item,
                "field": s.layout.field,
                "option": option,
            }),
        )
        .await?;
        if !s.open && board.category(name) != StatusCategory::Done {
            let (repo, number) = parse_key(key)?;
            self.reopen(repo, number).await?;
        }
        Ok(true)
    }
}
