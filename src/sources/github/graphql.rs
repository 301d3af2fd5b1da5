//! GitHub's GraphQL API: one `POST` with the query and its variables, and what its answer
//! means. GraphQL says most failures with HTTP 200 and an `errors` array; a rate limit among
//! them (`RATE_LIMITED`, or a message saying so) is read with the same headers and rules as
//! a REST answer's (see `limits`), and waited out or failed the same way.

use chrono::Utc;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{GithubSource, limits};
use crate::sources::SourceError;
use crate::sources::http::{Answer, Repeat, Verdict};

/// One entry of a GraphQL answer's `errors`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GqlError {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub message: String,
    /// Where in the query it happened, as field names (and list indexes).
    #[serde(default)]
    pub path: Vec<Value>,
}

impl GqlError {
    /// Whether `field` is on the error's path.
    pub fn at(&self, field: &str) -> bool {
        self.path.iter().any(|p| p.as_str() == Some(field))
    }

    pub fn is(&self, kind: &str) -> bool {
        self.kind.as_deref() == Some(kind)
    }

    fn rate_limited(&self) -> bool {
        self.is("RATE_LIMITED") || self.message.to_ascii_lowercase().contains("rate limit")
    }

    /// The message as it may be shown: cleaned of anything that drives a terminal.
    pub fn said(&self) -> String {
        crate::text::sanitize(self.message.trim())
    }
}

/// An answer: its `data` (`null` when GitHub had none) and its errors.
#[derive(Debug, Default, Deserialize)]
pub struct Gql {
    #[serde(default)]
    pub data: Value,
    #[serde(default)]
    pub errors: Vec<GqlError>,
}

impl Gql {
    /// Every error's message, for a message of lookout's own.
    pub fn said(&self) -> String {
        self.errors
            .iter()
            .map(GqlError::said)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The GraphQL endpoint for a REST API root: `https://HOST/api/graphql` for an Enterprise
/// Server (REST below `/api/v3`), `{root}/graphql` otherwise (`https://api.github.com`).
pub fn endpoint(rest: &str) -> String {
    let rest = rest.trim_end_matches('/');
    match rest.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{rest}/graphql"),
    }
}

impl GithubSource {
    /// `query` with `variables`; errors are the caller's to read, except rate limits. A
    /// `repeat` of `Safe` for a query, `Once` for a mutation.
    pub(super) async fn graphql(
        &self,
        repeat: Repeat,
        query: &str,
        variables: Value,
    ) -> Result<Gql, SourceError> {
        let url = endpoint(&self.settings.url);
        let body = json!({ "query": query, "variables": variables });
        let limits = limits::Limits::default();
        let mut attempt = 0;
        loop {
            let answer = self
                .request_as(repeat, Method::POST, &url, None, Some(&body))
                .await?;
            let gql: Gql = answer.parse()?;
            if !gql.errors.iter().any(GqlError::rate_limited) {
                return Ok(gql);
            }
            // Read as the REST answer that says the same (403 with these headers) would be.
            let said = gql.said();
            let as_rest = Answer {
                status: 403,
                headers: answer.headers(),
                body: "rate limit",
            };
            let wait = match limits.classify(&as_rest, Utc::now()) {
                Verdict::Wait(w) | Verdict::BackOff(w) => w,
                _ => limits::SECONDARY_FLOOR,
            };
            if wait > self.policy.retry_after_cap || attempt >= self.policy.retries {
                return Err(SourceError::RateLimited(format!(
                    "GitHub's GraphQL rate limit is spent ({said}); it frees up in {}s",
                    wait.as_secs()
                )));
            }
            tracing::info!(%url, ?wait, "GitHub GraphQL rate limit; waiting as asked");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_sits_beside_the_rest_root() {
        assert_eq!(
            endpoint("https://api.github.com"),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            endpoint("https://git.example.com/api/v3/"),
            "https://git.example.com/api/graphql"
        );
    }
}
