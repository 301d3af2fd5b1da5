//! GitHub's JSON, as its REST API sends it; private to the connector.
//!
//! Ids and numbers are read from a number or a numeric string, and names from a string or a
//! number: proxies and GitHub Enterprise versions have been seen to differ from the docs, and
//! such a difference is not worth a skipped issue.
//!
//! States, logins, label names and event kinds are short: held inline (`CompactString`), a
//! first sync of 100,000 issues and their events makes about a million fewer allocations.

use std::fmt;

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    #[serde(deserialize_with = "number")]
    pub id: u64,
    #[serde(deserialize_with = "number")]
    pub number: u64,
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    /// `open` or `closed`.
    #[serde(deserialize_with = "text")]
    pub state: CompactString,
    /// `completed`, `not_planned`, `duplicate` or `reopened`; absent on older servers.
    #[serde(default, deserialize_with = "optional_text")]
    pub state_reason: Option<CompactString>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub assignees: Vec<User>,
    #[serde(default)]
    pub labels: Vec<Label>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "optional_text")]
    pub html_url: Option<String>,
    /// Present on pull requests, which the issue listing mixes in.
    #[serde(default)]
    pub pull_request: Option<IgnoredAny>,
}

impl Issue {
    /// The one assignee a ticket shows: GitHub's `assignee` is the first of `assignees`.
    pub fn first_assignee(&self) -> Option<&str> {
        self.assignee
            .as_ref()
            .or_else(|| self.assignees.first())
            .map(|u| u.login.as_str())
    }
}

/// Only what decides whether a listed item is a pull request, read before the item itself:
/// a pull request that does not read as an issue is dropped, not reported.
#[derive(Debug, Deserialize)]
pub struct Kind {
    #[serde(default)]
    pub pull_request: Option<IgnoredAny>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    #[serde(deserialize_with = "text")]
    pub login: CompactString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    #[serde(deserialize_with = "text")]
    pub name: CompactString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    /// Absent on some proxies; only the repository-wide list needs it (to drop an event a
    /// page shift sent twice).
    #[serde(default, deserialize_with = "optional_number")]
    pub id: Option<u64>,
    #[serde(deserialize_with = "text")]
    pub event: CompactString,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub label: Option<Label>,
    /// Which issue (or pull request) it happened to: only in the repository-wide list.
    #[serde(default)]
    pub issue: Option<IssueRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssueRef {
    #[serde(deserialize_with = "number")]
    pub number: u64,
}

#[derive(Debug, Deserialize)]
pub struct Repo {
    #[serde(deserialize_with = "text")]
    pub full_name: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "optional_text")]
    pub html_url: Option<String>,
}

fn number<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{v} is not an id")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::custom(format!("{v:?} is not a number")))
        }
    }
    d.deserialize_any(V)
}

fn optional_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Option::<IdOrText>::deserialize(d).map(|v| v.map(|IdOrText(n)| n))
}

/// An id as `number` reads it, where it may be missing.
struct IdOrText(u64);

impl<'de> Deserialize<'de> for IdOrText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IdOrText, D::Error> {
        number(d).map(IdOrText)
    }
}

/// Text as `S`, from a string or a number.
struct Text<S>(std::marker::PhantomData<S>);

impl<S: for<'a> From<&'a str> + From<String>> Visitor<'_> for Text<S> {
    type Value = S;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<S, E> {
        Ok(S::from(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<S, E> {
        Ok(S::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<S, E> {
        Ok(S::from(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<S, E> {
        Ok(S::from(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<S, E> {
        Ok(S::from(v.to_string()))
    }
}

fn text<'de, D: Deserializer<'de>, S: for<'a> From<&'a str> + From<String>>(
    d: D,
) -> Result<S, D::Error> {
    d.deserialize_any(Text(std::marker::PhantomData))
}

fn optional_text<'de, D: Deserializer<'de>, S: for<'a> From<&'a str> + From<String>>(
    d: D,
) -> Result<Option<S>, D::Error> {
    struct V<S>(std::marker::PhantomData<S>);
    impl<'de, S: for<'a> From<&'a str> + From<String>> Visitor<'de> for V<S> {
        type Value = Option<S>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<S>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<S>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<S>, D::Error> {
            d.deserialize_any(Text(std::marker::PhantomData)).map(Some)
        }
    }
    d.deserialize_option(V(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_taken_either_way() {
        let issue: Issue = serde_json::from_str(
            r#"{"id":"901","number":12,"title":404,"state":"open","state_reason":null,
                "labels":[{"name":7}],"created_at":"2026-01-01T00:00:00Z",
                "updated_at":"2026-01-02T00:00:00Z"}"#,
        )
        .expect("tolerated");
        assert_eq!((issue.id, issue.number), (901, 12));
        assert_eq!(issue.title, "404");
        assert_eq!(issue.labels[0].name, "7");
        let odd = serde_json::from_str::<Issue>(
            r#"{"id":"x","number":1,"state":"open","created_at":"2026-01-01T00:00:00Z",
                "updated_at":"2026-01-01T00:00:00Z"}"#,
        );
        assert!(odd.is_err(), "an id that is no number is not guessed");
    }
}
