//! Issue lists, oldest first, read so that no issue is skipped while others change.
//!
//! GitLab pages issue lists by offset (`page`, `x-next-page`). An issue updated while
//! lookout pages moves to the end of an `updated_at` order, and the issues behind it shift
//! one place forward, so a plain walk through the pages could skip one for good. Instead,
//! once a page ends later than the query's start, the next query starts from that page's
//! last time (`updated_after` is inclusive); only a page that ends where it began (many
//! issues with one time, as a bulk import leaves) goes on to `x-next-page`. The list ends
//! when `x-next-page` is empty; its totals are never needed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::{BATCH, GitLabSource, Target, dto, next_page, stamp};
use crate::sources::lenient::{Lenient, Unreadable};
use crate::sources::{SourceError, Window};

/// What one listing orders and starts by.
#[derive(Clone, Copy)]
enum Order {
    Updated,
    Created,
}

impl Order {
    fn field(self) -> &'static str {
        match self {
            Order::Updated => "updated_at",
            Order::Created => "created_at",
        }
    }

    fn after(self) -> &'static str {
        match self {
            Order::Updated => "updated_after",
            Order::Created => "created_after",
        }
    }
}

/// Whether a listing goes on after a page.
enum Next {
    Go,
    Stop,
}

impl GitLabSource {
    /// Walks `target`'s issues in `order` from `from`; `each` gets every page's records
    /// and says whether to go on. True when the list was read to its end.
    async fn walk<T, F>(
        &self,
        target: &Target,
        order: Order,
        mut from: Option<DateTime<Utc>>,
        time: fn(&T) -> DateTime<Utc>,
        mut each: F,
    ) -> Result<bool, SourceError>
    where
        T: serde::de::DeserializeOwned,
        F: FnMut(Vec<Result<T, Unreadable>>) -> Next,
    {
        let path = target.issues_path();
        let mut page = 1u64;
        loop {
            let mut q = vec![
                ("scope", "all".to_string()),
                ("order_by", order.field().to_string()),
                ("sort", "asc".to_string()),
                ("per_page", super::PAGE.to_string()),
                ("page", page.to_string()),
            ];
            if let Some(f) = from {
                q.push((order.after(), stamp(f)));
            }
            if matches!(target, Target::Group(_)) {
                // Group lists leave archived projects out unless told: their issues would
                // look deleted to the sweep.
                q.push(("non_archived", "false".to_string()));
            }
            let body = self.get(&path, &q).await?;
            let items = Lenient::<T>::from_body(&body)?;
            let times: Vec<DateTime<Utc>> = items.0.iter().flatten().map(time).collect();
            if let (Some(f), Some(first)) = (from, times.first())
                && page == 1
                && *first < f
            {
                return Err(SourceError::Invalid(format!(
                    "GitLab listed {} issues {} before the {} lookout asked for; the \
                     instance or a proxy in front of it drops that filter",
                    target.name(),
                    order.field(),
                    order.after()
                )));
            }
            let last = times.last().copied();
            if let Next::Stop = each(items.0) {
                return Ok(next_page(&body).is_none());
            }
            let Some(next) = next_page(&body).filter(|n| *n > page) else {
                return Ok(true);
            };
            match last {
                Some(t) if from.is_none_or(|f| t > f) => {
                    from = Some(t);
                    page = 1;
                }
                _ => page = next,
            }
        }
    }

    /// Adds to `fresh` the issues of `target` changed since `window` began and not stored
    /// yet, with the window's key; false when it stopped with a batch full and more to read.
    pub(super) async fn changed(
        &self,
        target: &Target,
        window: &Window,
        overlap: chrono::Duration,
        fresh: &mut Vec<(String, dto::Issue)>,
        skipped: &mut Vec<String>,
    ) -> Result<bool, SourceError> {
        let key = super::key(target);
        let mut ids: HashMap<u64, usize> = fresh
            .iter()
            .enumerate()
            .map(|(at, (_, i))| (i.id, at))
            .collect();
        let time = |i: &dto::Issue| i.updated_at;
        self.walk(target, Order::Updated, window.from(overlap), time, |page| {
            for item in page {
                match item {
                    Ok(i) if window.seen(i.id, i.updated_at) => {}
                    // Met again: edited while the list was read; the later version wins.
                    Ok(i) => match ids.get(&i.id) {
                        Some(&at) => {
                            if fresh[at].1.updated_at < i.updated_at {
                                fresh[at] = (key.clone(), i);
                            }
                        }
                        None => {
                            ids.insert(i.id, fresh.len());
                            fresh.push((key.clone(), i));
                        }
                    },
                    Err(u) => skipped.push(format!(
                        "GitLab issue {} of {} skipped: {}",
                        u.name_or("without an id"),
                        target.name(),
                        u.reason
                    )),
                }
            }
            if fresh.len() >= BATCH {
                Next::Stop
            } else {
                Next::Go
            }
        })
        .await
    }

    /// Every issue id the configured projects and groups still have, by creation time (which
    /// never changes, so a deletion while paging cannot hide a live issue); `None` (and a
    /// warning) when one does not read, since a sweep without it would delete that ticket.
    pub(super) async fn all_ids(
        &self,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Vec<u64>>, SourceError> {
        let mut ids: HashSet<u64> = HashSet::new();
        let mut odd: Option<String> = None;
        for target in self.targets() {
            let time = |i: &dto::IdOnly| i.created_at;
            self.walk(&target, Order::Created, None, time, |page| {
                for item in page {
                    match item {
                        Ok(i) => {
                            ids.insert(i.id);
                        }
                        Err(u) => {
                            odd = Some(u.reason);
                            return Next::Stop;
                        }
                    }
                }
                Next::Go
            })
            .await?;
            if let Some(why) = odd.take() {
                warnings.push(format!(
                    "the check for deleted GitLab issues was skipped: the list of {} held an \
                     issue it could not read ({why})",
                    target.name()
                ));
                return Ok(None);
            }
        }
        let mut ids: Vec<u64> = ids.into_iter().collect();
        ids.sort_unstable();
        Ok(Some(ids))
    }
}
