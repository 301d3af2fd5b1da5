//! Reading answers within bounds: a successful answer up to the policy's size limit, an
//! error answer only as far as a message needs; and parsing what was read as JSON.
//!
//! Never holds more of an answer than its limit, whatever the server claims or sends.

use reqwest::Response;
use reqwest::header::HeaderMap;

use super::HttpError;
use super::error::{Timeouts, transport};

/// How much of an error answer is read: enough for a message, not a whole HTML page.
const ERROR_BODY: usize = 4 << 10;
/// The most a body's buffer is sized for up front.
const MAX_PRESIZE: u64 = 8 << 20;

/// A response body, where it came from, and the answer's status and headers (trackers page
/// by `Link` or `x-next-page`, and answer a matching `If-None-Match` with 304).
pub struct Body {
    url: String,
    status: u16,
    headers: HeaderMap,
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
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
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
        Ok(Body {
            url,
            status,
            headers,
            bytes,
        })
    }

    /// An answer of `bytes` from `url`, for tests of the readers.
    #[cfg(test)]
    pub fn of(url: &str, bytes: &[u8]) -> Body {
        Body {
            url: url.to_string(),
            status: 200,
            headers: HeaderMap::new(),
            bytes: bytes.to_vec(),
        }
    }

    /// An answer without a body worth reading (304 Not Modified).
    pub(super) fn empty(response: &Response) -> Body {
        Body {
            url: response.url().to_string(),
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            bytes: Vec::new(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// 2xx, or 304 when the request carried `If-None-Match` or `If-Modified-Since`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// 304: what the request's validator named has not changed; the body is empty.
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }

    /// A header's value, when it is there and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The server's clock when it answered (its `Date` header), for "what happened after
    /// this read" in the tracker's own time rather than this machine's.
    pub fn served_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let date = chrono::DateTime::parse_from_rfc2822(self.header("date")?).ok()?;
        Some(date.with_timezone(&chrono::Utc))
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
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
