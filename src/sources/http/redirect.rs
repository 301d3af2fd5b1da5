//! Which redirects lookout follows: those that stay on the origin (scheme, host and port)
//! the request was sent to, up to a few hops.
//!
//! Connectors put credentials in headers (`Authorization`, `X-Redmine-API-Key`), and reqwest
//! strips only the standard ones when a redirect leaves the host; so a redirect to another
//! origin is never followed at all, and the request fails naming where it was sent. Never
//! follow a redirect with the credentials dropped either: the answer would come from
//! somewhere the user did not configure, and the sync would look fine.

use reqwest::redirect::{Attempt, Policy};
use reqwest::{Response, Url};

use super::HttpError;

/// Same-origin hops followed before the request fails (reqwest's own default).
const MAX_HOPS: usize = 10;

/// Follows same-origin redirects; stops at any other, so `refused` can say why.
pub(super) fn policy() -> Policy {
    Policy::custom(|attempt: Attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        // `previous` starts with the URL first asked for, which is not a hop.
        if attempt.url().origin() != first.origin() || attempt.previous().len() > MAX_HOPS {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// The error for a redirect the policy stopped at; `None` when the answer is no redirect
/// lookout could have followed (a 304, say, or a 3xx without `Location`).
pub(super) fn refused(response: &Response) -> Option<HttpError> {
    if !response.status().is_redirection() {
        return None;
    }
    let from = response.url();
    let location = response.headers().get(reqwest::header::LOCATION)?;
    let to = from.join(location.to_str().ok()?).ok()?;
    Some(if to.origin() == from.origin() {
        HttpError::Invalid {
            url: from.to_string(),
            reason: format!("it redirects more than {MAX_HOPS} times (last to {to})"),
        }
    } else {
        HttpError::CrossOrigin {
            from: from.to_string(),
            to: strip(to),
        }
    })
}

/// A URL fit for a message: whatever a query string carries stays out of it.
fn strip(mut url: Url) -> String {
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_password(None);
    url.to_string()
}
