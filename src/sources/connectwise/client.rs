//! Requests to ConnectWise: the headers every one carries, `conditions` written the way the
//! API parses them, forward-only paging, and JSON-Patch writes.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;

use super::Settings;
use crate::sources::SourceError;
use crate::sources::http::{Http, HttpError, Policy};

/// The media type that pins the API version (ConnectWise answers in the newest otherwise).
pub const ACCEPT: &str = "application/vnd.connectwise.com+json; version=2022.1";

/// The API's root below the site.
const ROOT: &str = "/v4_6_release/apis/3.0";

/// Records per page: the most ConnectWise hands out at once.
const PAGE_SIZE: &str = "1000";

pub struct Client {
    base: String,
    user: String,
    password: String,
    client_id: String,
    http: Http,
}

impl Client {
    /// A client with the keys read from their variables now (so a missing one is a config
    /// error before anything is sent).
    pub fn new(settings: &Settings, policy: Policy) -> Result<Client, SourceError> {
        let public = crate::sources::secret(
            &settings.public_key_env,
            "public_key_env",
            "the API member's public key (System > Members > API Members > API Keys)",
        )?;
        let private = crate::sources::secret(
            &settings.private_key_env,
            "private_key_env",
            "the API member's private key, shown once when the key is made",
        )?;
        Ok(Client {
            base: format!("{}{ROOT}", settings.url.trim_end_matches('/')),
            user: format!("{}+{public}", settings.company),
            password: private,
            client_id: settings.client_id.clone(),
            http: Http::new(policy).map_err(SourceError::from)?,
        })
    }

    fn request(&self, r: RequestBuilder) -> RequestBuilder {
        r.basic_auth(&self.user, Some(&self.password))
            .header("clientId", &self.client_id)
            .header("Accept", ACCEPT)
    }

    /// Every record of a listing, in id order, with `conditions` if given: page by
    /// page, forward-only, each next page where the `Link` header's `next` says. A next page
    /// on another site is refused: the credentials go to the configured site only.
    pub async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        conditions: Option<&str>,
    ) -> Result<Vec<T>, SourceError> {
        self.pages(path, conditions, true).await
    }

    /// `list` for the short listings (boards, statuses, members, notes): ConnectWise offers
    /// forward-only paging on its large collections only, so these page the ordinary way,
    /// still by the `Link` header's `next`.
    pub async fn list_short<T: DeserializeOwned>(
        &self,
        path: &str,
        conditions: Option<&str>,
    ) -> Result<Vec<T>, SourceError> {
        self.pages(path, conditions, false).await
    }

    async fn pages<T: DeserializeOwned>(
        &self,
        path: &str,
        conditions: Option<&str>,
        forward_only: bool,
    ) -> Result<Vec<T>, SourceError> {
        let mut pager = self.pager(path, conditions, forward_only);
        let mut out = Vec::new();
        while let Some(page) = pager.next(self).await? {
            out.extend(page);
        }
        Ok(out)
    }

    /// A listing read a page at a time, for a caller that may stop part way.
    pub fn pager(&self, path: &str, conditions: Option<&str>, forward_only: bool) -> Pager {
        Pager {
            first: Some(format!("{}{path}", self.base)),
            conditions: conditions.map(str::to_string),
            forward_only,
            next: None,
        }
    }

    fn same_site(&self, url: &str) -> bool {
        let origin = |u: &str| {
            reqwest::Url::parse(u).ok().map(|u| {
                (
                    u.scheme().to_string(),
                    u.host_str().map(str::to_string),
                    u.port_or_known_default(),
                )
            })
        };
        origin(url).is_some() && origin(url) == origin(&self.base)
    }

    /// A JSON-Patch to one record (`[{"op": "replace", "path": "status", "value": ...}]`).
    pub async fn patch(&self, path: &str, ops: &serde_json::Value) -> Result<(), SourceError> {
        let url = format!("{}{path}", self.base);
        self.http
            .send(|c| self.request(c.patch(&url)).json(ops))
            .await
            .map_err(SourceError::from)
    }

    /// A new record below `path` (a ticket's note).
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> Result<(), SourceError> {
        let url = format!("{}{path}", self.base);
        self.http
            .send(|c| self.request(c.post(&url)).json(body))
            .await
            .map_err(SourceError::from)
    }

    /// The first `size` records of a listing, for doctor's trial.
    pub async fn page<T: DeserializeOwned>(
        &self,
        path: &str,
        conditions: Option<&str>,
        size: usize,
    ) -> Result<Vec<T>, SourceError> {
        let url = format!("{}{path}", self.base);
        let mut query: Vec<(&str, String)> = vec![("pageSize", size.to_string())];
        if let Some(c) = conditions {
            query.push(("conditions", c.to_string()));
        }
        let body = self
            .http
            .body(|c| self.request(c.get(&url)).query(&query))
            .await?;
        body.parse().map_err(SourceError::from)
    }

    /// The rate-limit budget ConnectWise reported last, if it did.
    pub fn budget(&self) -> Option<crate::sources::Budget> {
        self.http.reported_budget()
    }

    /// One record, parsed.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, SourceError> {
        let url = format!("{}{path}", self.base);
        let body = self.http.body(|c| self.request(c.get(&url))).await?;
        body.parse().map_err(|e: HttpError| SourceError::from(e))
    }
}

/// Where a listing is: its first request still to make, or the `Link`'s next page.
pub struct Pager {
    first: Option<String>,
    conditions: Option<String>,
    forward_only: bool,
    next: Option<String>,
}

impl Pager {
    /// The next page, parsed; `None` once the listing is through. A next page on another site
    /// is refused: the credentials go to the configured site only.
    pub async fn next<T: DeserializeOwned>(
        &mut self,
        client: &Client,
    ) -> Result<Option<Vec<T>>, SourceError> {
        let forward_only = self.forward_only;
        let paging = |r: RequestBuilder| {
            if forward_only {
                r.header("pagination-type", "forward-only")
            } else {
                r
            }
        };
        let body = if let Some(first) = self.first.take() {
            // Forward-only paging orders by id itself and takes no `orderBy`.
            let mut query: Vec<(&str, String)> = vec![("pageSize", PAGE_SIZE.to_string())];
            if let Some(c) = &self.conditions {
                query.push(("conditions", c.clone()));
            }
            client
                .http
                .body(|c| paging(client.request(c.get(&first))).query(&query))
                .await?
        } else if let Some(url) = self.next.take() {
            client
                .http
                .body(|c| paging(client.request(c.get(&url))))
                .await?
        } else {
            return Ok(None);
        };
        let page: Vec<T> = body.parse()?;
        self.next = match body.header("link").and_then(next_link) {
            None => None,
            Some(url) if client.same_site(&url) => Some(url),
            Some(url) => {
                return Err(SourceError::Invalid(format!(
                    "the next page is on another site ({}); lookout stays on {}",
                    crate::text::sanitize(&url),
                    client.base
                )));
            }
        };
        Ok(Some(page))
    }
}

/// `conditions` for records changed after `t`: ConnectWise wants the date in square brackets.
pub fn updated_since(t: DateTime<Utc>) -> String {
    format!(
        "lastUpdated > [{}]",
        t.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// `conditions` for a board by name, quoted as the API quotes strings.
pub fn board_is(name: &str) -> String {
    format!(
        "board/name=\"{}\"",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// The `rel="next"` address of a `Link` header, if it has one.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            p.trim()
                .replace(' ', "")
                .eq_ignore_ascii_case("rel=\"next\"")
        });
        let url = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_written_as_connectwise_parses_them() {
        let t = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("a date")
            .with_timezone(&Utc);
        assert_eq!(updated_since(t), "lastUpdated > [2026-01-01T00:00:00Z]");
        assert_eq!(board_is("Help \"Desk\""), r#"board/name="Help \"Desk\"""#);
    }

    #[test]
    fn the_next_page_is_read_from_the_link_header() {
        let link = r#"<https://x/apis/3.0/service/tickets?pageId=7>; rel="next", <https://x/apis/3.0/service/tickets>; rel="first""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://x/apis/3.0/service/tickets?pageId=7")
        );
        assert_eq!(next_link(r#"<https://x/a>; rel="first""#), None);
        assert_eq!(next_link(""), None);
    }
}
