//! Reading answers within bounds: a successful answer up to the policy's size limit, an
//! error answer only as far as a message needs; and parsing what was read as JSON.
//!
//! Never holds more of an answer than its limit, whatever the server claims or sends.

use reqwest::Response;

use super::HttpError;
use super::error::{Timeouts, transport};

/// How much of an error answer is read: enough for a message, not a whole HTML page.
const ERROR_BODY: usize = 4 << 10;
/// The most a body's buffer is sized for up front.
const MAX_PRESIZE: u64 = 8 << 20;

/// A response body and where it came from.
pub struct Body {
    url: String,
    bytes: Vec<u8>,
}

impl Body {
    /// A successful answer's whole body, failing once it grows past `limit` bytes.
    pub(super) async fn read(
        mut response: Response,
        limit: u64,
        timeouts: Timeouts,
    ) -> Result<Body, HttpError> {
        let url = response.url().to_string();
        let too_large = || HttpError::TooLarge {
            url: url.clone(),
            limit,
        };
        // The server's word for its size: believed when it says too much, never trusted
        // further than the size of the first allocation.
        let declared = response.content_length().unwrap_or(0);
        if declared > limit {
            return Err(too_large());
        }
        let presize = usize::try_from(declared.min(MAX_PRESIZE)).unwrap_or(0);
        let mut bytes = Vec::with_capacity(presize);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport(&e, &url, timeouts, true))?
        {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Body { url, bytes })
    }

    /// The start of an error answer, sanitised and cut for a message. What cannot be read
    /// is left out: the status already says what went wrong.
    pub(super) async fn error_snippet(mut response: Response) -> String {
        let mut bytes = Vec::new();
        while bytes.len() < ERROR_BODY {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                _ => break,
            }
        }
        let cut = bytes.len() > ERROR_BODY;
        bytes.truncate(ERROR_BODY);
        let text = String::from_utf8_lossy(&bytes);
        let s = snippet(&text);
        if cut && !s.ends_with("...") {
            format!("{s}...")
        } else {
            s
        }
    }

    /// The body as JSON. JSON is UTF-8 (RFC 8259): parsing the bytes skips a copy and a
    /// second UTF-8 pass, and strings without escapes can be borrowed from them.
    pub fn parse<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T, HttpError> {
        self.parse_seed(std::marker::PhantomData::<T>)
    }

    /// The body as JSON, read by a seed that carries what the reading depends on.
    pub fn parse_seed<'a, S: serde::de::DeserializeSeed<'a>>(
        &'a self,
        seed: S,
    ) -> Result<S::Value, HttpError> {
        let mut reader = serde_json::Deserializer::from_slice(&self.bytes);
        let read = seed
            .deserialize(&mut reader)
            .and_then(|value| reader.end().map(|()| value));
        read.map_err(|e| HttpError::Invalid {
            url: self.url.clone(),
            reason: format!("{e} in {}", snippet(&String::from_utf8_lossy(&self.bytes))),
        })
    }
}

/// The first characters of a body, for error messages (bodies can be whole HTML pages).
fn snippet(body: &str) -> String {
    let s: String = crate::text::sanitize(body).chars().take(160).collect();
    if body.chars().count() > 160 {
        format!("{s}...")
    } else {
        s
    }
}
