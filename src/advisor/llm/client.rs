//! The connection to the model: an async-openai client whose retries are ours and bounded,
//! one chat-completion call under an overall deadline, and every way it can fail said in a
//! line for the status bar.
//!
//! async-openai's own retry layer honours `Retry-After` without a cap (a server saying "come
//! back in an hour" would hold the refresh for an hour), so it is replaced: at most two
//! retries, each wait capped, and none that would end past the deadline. The whole call is
//! wrapped in `tokio::time::timeout` as well, which bounds a server that never answers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::{HttpRequestFactory, ReqwestService};
use async_openai::types::chat::{
    CreateChatCompletionRequest, CreateChatCompletionResponse, FinishReason,
};
use reqwest::{Response, StatusCode};

use super::{AiSettings, LlmError};
use crate::text;

const MAX_RETRIES: u32 = 2;
/// The longest a single wait between attempts may be, whatever `Retry-After` says.
const MAX_WAIT: Duration = Duration::from_secs(10);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Server messages quoted in the status bar are cut to this many characters.
const MESSAGE_CHARS: usize = 120;

/// The model's answer: its text and what it cost in tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub content: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// Whether the server reported usage; when it did not, the tokens are estimates.
    pub measured: bool,
}

/// A call that produced no usable answer, and why, in words for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFailed {
    pub why: String,
    /// Tokens the failed call still consumed (a refusal or a cut answer is billed).
    pub tokens_in: u64,
    pub tokens_out: u64,
}

pub struct ModelClient {
    client: Client<OpenAIConfig>,
    timeout: Duration,
}

impl ModelClient {
    pub fn new(settings: &AiSettings) -> Result<ModelClient, LlmError> {
        let mut config = OpenAIConfig::new().with_api_base(settings.api_base.clone());
        if let Some(var) = &settings.api_key_env {
            let key = std::env::var(var).map_err(|_| LlmError::KeyUnset { var: var.clone() })?;
            config = config.with_api_key(key);
        }
        // A redirect could carry the key to another host: refused outright.
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| LlmError::Client(e.to_string()))?;
        let service = CappedRetry {
            inner: ReqwestService::new(http),
            budget: settings.timeout,
        };
        Ok(ModelClient {
            client: Client::with_config(config).with_http_service(service),
            timeout: settings.timeout,
        })
    }

    /// One chat completion, or why there is none. Never takes longer than the timeout.
    pub async fn complete(
        &self,
        request: CreateChatCompletionRequest,
    ) -> Result<Reply, CallFailed> {
        let estimate_in = estimate_tokens(&request);
        let chat = self.client.chat();
        let call = chat.create(request);
        let answer = match tokio::time::timeout(self.timeout, call).await {
            Err(_) => {
                return Err(failed(format!(
                    "the model did not answer within {} s",
                    self.timeout.as_secs_f64().ceil()
                )));
            }
            Ok(Err(e)) => return Err(failed(describe(&e))),
            Ok(Ok(answer)) => answer,
        };
        read(answer, estimate_in)
    }
}

fn failed(why: String) -> CallFailed {
    CallFailed {
        why,
        tokens_in: 0,
        tokens_out: 0,
    }
}

/// The first choice's content, or why it is not an answer.
fn read(answer: CreateChatCompletionResponse, estimate_in: u64) -> Result<Reply, CallFailed> {
    let (tokens_in, tokens_out, measured) = match &answer.usage {
        Some(u) => (
            u64::from(u.prompt_tokens),
            u64::from(u.completion_tokens),
            true,
        ),
        None => (estimate_in, 0, false),
    };
    let billed = |why: String| CallFailed {
        why,
        tokens_in,
        tokens_out,
    };
    let Some(choice) = answer.choices.into_iter().next() else {
        return Err(billed("the model gave no answer (no choices)".into()));
    };
    if let Some(refusal) = choice.message.refusal.filter(|r| !r.trim().is_empty()) {
        return Err(billed(format!("the model refused: {}", quote(&refusal))));
    }
    if choice.finish_reason == Some(FinishReason::Length) {
        return Err(billed(
            "the model's answer was cut off at max_tokens; raise it in [ai]".into(),
        ));
    }
    match choice.message.content.filter(|c| !c.trim().is_empty()) {
        Some(content) => {
            let tokens_out = if measured {
                tokens_out
            } else {
                content.len().div_ceil(4) as u64
            };
            Ok(Reply {
                content,
                tokens_in,
                tokens_out,
                measured,
            })
        }
        None => Err(billed("the model gave an empty answer".into())),
    }
}

/// About four characters a token: only used when a server reports no usage, so the budget
/// still counts something.
fn estimate_tokens(request: &CreateChatCompletionRequest) -> u64 {
    serde_json::to_string(&request.messages)
        .map(|s| s.len().div_ceil(4) as u64)
        .unwrap_or(0)
}

fn describe(e: &OpenAIError) -> String {
    match e {
        OpenAIError::ApiError(api) if api.status_code == StatusCode::TOO_MANY_REQUESTS => {
            format!(
                "the model server is rate limiting (HTTP 429): {}",
                quote(&api.api_error.message)
            )
        }
        OpenAIError::ApiError(api) if api.status_code.is_server_error() => format!(
            "the model server failed (HTTP {})",
            api.status_code.as_u16()
        ),
        OpenAIError::ApiError(api) => format!(
            "the model server said no (HTTP {}): {}",
            api.status_code.as_u16(),
            quote(&api.api_error.message)
        ),
        OpenAIError::Reqwest(r) if r.is_connect() => "cannot reach the model server".into(),
        OpenAIError::Reqwest(r) if r.is_timeout() => "the model server timed out".into(),
        OpenAIError::Reqwest(r)
            if r.is_redirect() || r.status().is_some_and(|s| s.is_redirection()) =>
        {
            "the model server redirected; set api_base to where it answers".into()
        }
        OpenAIError::JSONDeserialize(..) => {
            "the model server's answer is not a chat completion".into()
        }
        other => format!("the model call failed: {}", quote(&other.to_string())),
    }
}

/// Text from the server, made safe and short for one line.
pub fn quote(s: &str) -> String {
    let clean = text::sanitize(s);
    let trimmed = clean.trim();
    match trimmed.char_indices().nth(MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &trimmed[..at]),
        None => trimmed.to_string(),
    }
}

/// The HTTP layer under async-openai: retries 429, 5xx and connection failures a bounded
/// number of times, within a time budget.
#[derive(Clone)]
struct CappedRetry {
    inner: ReqwestService,
    budget: Duration,
}

type Pending = Pin<Box<dyn Future<Output = Result<Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for CappedRetry {
    type Response = Response;
    type Error = OpenAIError;
    type Future = Pending;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), OpenAIError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequestFactory) -> Pending {
        let mut inner = self.inner.clone();
        let budget = self.budget;
        Box::pin(async move {
            let start = Instant::now();
            let mut attempt = 0;
            loop {
                std::future::poll_fn(|cx| tower::Service::poll_ready(&mut inner, cx)).await?;
                let result = tower::Service::call(&mut inner, request.clone()).await;
                let wait = match &result {
                    Ok(r) if retryable(r.status()) => retry_after(r).unwrap_or(backoff(attempt)),
                    Err(OpenAIError::Reqwest(e)) if e.is_connect() => backoff(attempt),
                    _ => return result,
                };
                let wait = wait.min(MAX_WAIT);
                // A wait that ends past the budget cannot help: the answer we have is final.
                if attempt >= MAX_RETRIES || start.elapsed() + wait >= budget {
                    return result;
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        })
    }
}

fn retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF.saturating_mul(2u32.saturating_pow(attempt))
}

fn retry_after(r: &Response) -> Option<Duration> {
    let value = r
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_waits_are_capped() {
        assert_eq!(backoff(0), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert!(backoff(40).min(MAX_WAIT) <= MAX_WAIT);
        assert!(retryable(StatusCode::TOO_MANY_REQUESTS));
        assert!(retryable(StatusCode::BAD_GATEWAY));
        assert!(!retryable(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn server_text_is_cleaned_and_cut() {
        assert_eq!(quote("  slow \u{1b}[2Jdown "), "slow down");
        let long = "x".repeat(500);
        assert_eq!(quote(&long).chars().count(), MESSAGE_CHARS + 1);
    }
}
