//! Refinement of the rule advisor's candidates by an OpenAI-compatible model, when `[ai]` is
//! configured: one batched chat completion per refresh, within an overall timeout, a daily
//! budget and a cache, validated before any of it is used.
//!
//! The model may keep, drop, re-rank and reword the candidates and choose among the targets
//! each offers; it never creates a suggestion or an action, and its text only ever reaches
//! `rationale`. On any failure the rules' candidates come back unchanged with the reason.

mod budget;
mod cache;
mod client;
mod files;
mod prompt;
mod schema;
mod settings;
mod validate;

use async_openai::types::chat::{
    ChatCompletionRequestSystemMessageArgs, ChatCompletionRequestUserMessageArgs,
    CreateChatCompletionRequest, CreateChatCompletionRequestArgs, ResponseFormat,
    ResponseFormatJsonSchema,
};
use chrono::Utc;

pub use budget::Usage;
pub use prompt::{Context, PROMPT_VERSION};
pub use schema::{answer_schema, targets};
pub use settings::{AiSettings, Structured};

use crate::domain::Suggestion;
use budget::Ledger;
use cache::AnswerCache;
use client::ModelClient;

/// Candidates sent in one call, strongest first; the rest pass through as the rules made
/// them. Bounds the prompt (and its cost) on a portfolio with hundreds of suggestions.
pub const MAX_CANDIDATES: usize = 40;

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error(
        "the environment variable {var} (api_key_env in [ai]) is not set; set it or remove api_key_env"
    )]
    KeyUnset { var: String },
    #[error("cannot set up the model client: {0}")]
    Client(String),
}

/// How a refinement went, for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The model's answer was used; `calls` were made (0 when there was nothing to refine).
    Refined { calls: u32 },
    /// An earlier answer to the same input was used; no call was made.
    Cached,
    /// The rules' candidates stand unchanged, for this reason.
    Failed(String),
    /// Today's calls have used the daily budget; no call was made.
    BudgetSpent,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Refined {
    pub suggestions: Vec<Suggestion>,
    pub outcome: Outcome,
    /// Today's calls, tokens and cost, this call included.
    pub usage: Usage,
}

pub struct Llm {
    settings: AiSettings,
    client: ModelClient,
    cache: AnswerCache,
    ledger: Ledger,
}

impl Llm {
    /// A model client per `settings`. With a store on disk, the answer cache and the day's
    /// usage are kept beside it (`<data dir>/ai/`); without one, in memory only.
    pub fn new(settings: &AiSettings, store: Option<crate::store::Store>) -> Result<Llm, LlmError> {
        let folder = store.as_ref().and_then(files::folder);
        Ok(Llm {
            settings: settings.clone(),
            client: ModelClient::new(settings)?,
            cache: AnswerCache::open(folder.as_ref().map(|f| f.join("cache.json"))),
            ledger: Ledger::open(folder.map(|f| f.join("usage.json")), Utc::now()),
        })
    }

    /// Today's calls, tokens and cost so far.
    pub fn usage(&self) -> Usage {
        self.ledger.usage(Utc::now())
    }

    /// One batched call for all candidates (or none: nothing to refine, a cache hit, the
    /// budget spent). Always returns suggestions: the refined ones, or the rules' own.
    pub async fn refine(&self, candidates: &[Suggestion], context: &Context) -> Refined {
        let now = Utc::now();
        let unchanged = |outcome: Outcome, usage: Usage| Refined {
            suggestions: candidates.to_vec(),
            outcome,
            usage,
        };
        if candidates.is_empty() {
            return unchanged(Outcome::Refined { calls: 0 }, self.ledger.usage(now));
        }
        let (offered, rest) = candidates.split_at(candidates.len().min(MAX_CANDIDATES));
        let schema = answer_schema(offered);
        let in_prompt = (self.settings.structured != Structured::Strict).then_some(&schema);
        let system = prompt::system(in_prompt);
        let user = prompt::user(offered, context);
        let key = self.cache_key(offered, &system, &user);
        let with_rest = |mut refined: Vec<Suggestion>| {
            refined.extend_from_slice(rest);
            refined
        };

        if let Some(content) = self.cache.get(key)
            && let Ok((refined, _)) = validate::apply(offered, &content)
        {
            return Refined {
                suggestions: with_rest(refined),
                outcome: Outcome::Cached,
                usage: self.ledger.usage(now),
            };
        }
        if self.ledger.spent(self.settings.daily_budget, now) {
            return unchanged(Outcome::BudgetSpent, self.ledger.usage(now));
        }
        let request = match self.request(system, user, schema) {
            Ok(r) => r,
            Err(why) => return unchanged(Outcome::Failed(why), self.ledger.usage(now)),
        };
        match self.client.complete(request).await {
            Err(f) => {
                let cost = self.settings.cost(f.tokens_in, f.tokens_out);
                let usage = self
                    .ledger
                    .record(f.tokens_in, f.tokens_out, cost, Utc::now());
                tracing::warn!(why = %f.why, "model refinement failed; the rules' suggestions stand");
                unchanged(Outcome::Failed(f.why), usage)
            }
            Ok(reply) => {
                let cost = self.settings.cost(reply.tokens_in, reply.tokens_out);
                let usage = self
                    .ledger
                    .record(reply.tokens_in, reply.tokens_out, cost, Utc::now());
                match validate::apply(offered, &reply.content) {
                    Ok((refined, ignored)) => {
                        if ignored != validate::Ignored::default() {
                            tracing::info!(?ignored, "dropped what the model was not offered");
                        }
                        self.cache.put(key, reply.content);
                        Refined {
                            suggestions: with_rest(refined),
                            outcome: Outcome::Refined { calls: 1 },
                            usage,
                        }
                    }
                    Err(why) => {
                        tracing::warn!(%why, "model answer refused; the rules' suggestions stand");
                        unchanged(Outcome::Failed(why), usage)
                    }
                }
            }
        }
    }

    /// Everything the answer depends on: a different prompt version, model, mode, candidate
    /// or context text means a new call.
    fn cache_key(&self, offered: &[Suggestion], system: &str, user: &str) -> u64 {
        let fingerprints: Vec<String> = offered
            .iter()
            .map(|c| format!("{}={:016x}", c.id, c.fingerprint))
            .collect();
        let fixed = [
            PROMPT_VERSION.as_bytes(),
            self.settings.model.as_bytes(),
            self.settings.structured.name().as_bytes(),
            system.as_bytes(),
            user.as_bytes(),
        ];
        cache::key(
            fixed
                .into_iter()
                .chain(fingerprints.iter().map(|f| f.as_bytes())),
        )
    }

    fn request(
        &self,
        system: String,
        user: String,
        schema: serde_json::Value,
    ) -> Result<CreateChatCompletionRequest, String> {
        let built = (|| {
            let format = match self.settings.structured {
                Structured::Strict => Some(ResponseFormat::JsonSchema {
                    json_schema: ResponseFormatJsonSchema {
                        description: Some(
                            "Which candidates to keep, in order, with their target and rationale"
                                .into(),
                        ),
                        name: schema::SCHEMA_NAME.into(),
                        schema,
                        strict: Some(true),
                    },
                }),
                Structured::Json => Some(ResponseFormat::JsonObject),
                Structured::Prompt => None,
            };
            let mut args = CreateChatCompletionRequestArgs::default();
            args.model(self.settings.model.clone())
                .max_completion_tokens(self.settings.max_tokens)
                .messages(vec![
                    ChatCompletionRequestSystemMessageArgs::default()
                        .content(system)
                        .build()?
                        .into(),
                    ChatCompletionRequestUserMessageArgs::default()
                        .content(user)
                        .build()?
                        .into(),
                ]);
            if let Some(f) = format {
                args.response_format(f);
            }
            args.build()
        })();
        built.map_err(|e| {
            format!(
                "cannot build the model request: {}",
                client::quote(&e.to_string())
            )
        })
    }
}
