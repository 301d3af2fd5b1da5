//! Which failed requests may be sent again without doing their work twice.
//!
//! A GET, PUT or DELETE sent twice leaves the tracker as once. A POST usually creates
//! something (a comment, a note the customer is emailed): after an answer lost to a read
//! timeout, or a 502 from a proxy in front of a tracker that did the work, sending it again
//! creates a second one. Such a request is repeated only when it surely did not reach the
//! tracker: the connection was never made, or the tracker said to come back later
//! (`Retry-After` on 429 or 503). Anything else ends it, and the error tells the user the
//! change may be there already.

use super::HttpError;

/// Whether a request may be sent again after an attempt that may have reached the tracker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Repeat {
    /// A POST is sent once; any other method may be repeated.
    #[default]
    ByMethod,
    /// A read, whatever its method (a search or a GraphQL query sent by POST).
    Safe,
    /// A change that must not be applied twice, whatever its method.
    Once,
}

impl Repeat {
    pub(super) fn once(self, method: &reqwest::Method) -> bool {
        match self {
            Repeat::ByMethod => method == reqwest::Method::POST,
            Repeat::Safe => false,
            Repeat::Once => true,
        }
    }
}

/// `e`, ending a request sent once, said so when the tracker may have applied it: the
/// request went out and no answer said it was refused or put off.
pub(super) fn ended_once(e: HttpError) -> HttpError {
    let refused = match &e {
        HttpError::Status { status, .. } => *status < 500,
        HttpError::Auth { .. }
        | HttpError::RateLimited { .. }
        | HttpError::CrossOrigin { .. }
        | HttpError::Setup { .. }
        | HttpError::MayHaveApplied { .. } => true,
        HttpError::Unreachable { .. }
        | HttpError::TimedOut { .. }
        | HttpError::Invalid { .. }
        | HttpError::TooLarge { .. } => false,
    };
    if refused {
        e
    } else {
        HttpError::MayHaveApplied { cause: Box::new(e) }
    }
}
