//! What the `[ai]` section of the config says about the model: where it is, how to reach it,
//! how long to wait, and what a day of calls may cost. Validated by `config`; read here.

use std::time::Duration;

/// How the model is held to the answer's shape. Providers differ: OpenAI and recent
/// llama.cpp servers enforce a strict JSON schema, Ollama and older servers only JSON mode,
/// some nothing at all. Every mode is validated the same way afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structured {
    /// `response_format: json_schema` with `strict: true`.
    Strict,
    /// `response_format: json_object`; the schema goes in the prompt.
    Json,
    /// No response format at all; the schema goes in the prompt.
    Prompt,
}

impl Structured {
    pub const NAMES: [&'static str; 3] = ["strict", "json", "prompt"];

    pub fn parse(name: &str) -> Option<Structured> {
        match name {
            "strict" => Some(Structured::Strict),
            "json" => Some(Structured::Json),
            "prompt" => Some(Structured::Prompt),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Structured::Strict => "strict",
            Structured::Json => "json",
            Structured::Prompt => "prompt",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AiSettings {
    /// The OpenAI-compatible base URL, up to and including `/v1`.
    pub api_base: String,
    pub model: String,
    /// The environment variable holding the API key; local servers need none.
    pub api_key_env: Option<String>,
    /// The most one refinement may take, retries included.
    pub timeout: Duration,
    /// Currency units a UTC day of calls may cost; `None` means no limit.
    pub daily_budget: Option<f64>,
    pub price_per_1k_input: f64,
    pub price_per_1k_output: f64,
    /// The most tokens the model may answer with.
    pub max_tokens: u32,
    pub structured: Structured,
}

impl AiSettings {
    pub const DEFAULT_API_BASE: &'static str = "https://api.openai.com/v1";
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    pub const DEFAULT_MAX_TOKENS: u32 = 2_000;

    /// Settings for `model` at `api_base`, everything else at its default.
    pub fn new(api_base: impl Into<String>, model: impl Into<String>) -> AiSettings {
        AiSettings {
            api_base: api_base.into(),
            model: model.into(),
            api_key_env: None,
            timeout: AiSettings::DEFAULT_TIMEOUT,
            daily_budget: None,
            price_per_1k_input: 0.0,
            price_per_1k_output: 0.0,
            max_tokens: AiSettings::DEFAULT_MAX_TOKENS,
            structured: Structured::Strict,
        }
    }

    /// What `tokens_in` and `tokens_out` cost at the configured prices.
    pub fn cost(&self, tokens_in: u64, tokens_out: u64) -> f64 {
        (tokens_in as f64 * self.price_per_1k_input + tokens_out as f64 * self.price_per_1k_output)
            / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_per_thousand_tokens() {
        let mut s = AiSettings::new("http://127.0.0.1:8080/v1", "m");
        s.price_per_1k_input = 0.5;
        s.price_per_1k_output = 2.0;
        assert!((s.cost(2000, 500) - 2.0).abs() < 1e-9);
        assert_eq!(AiSettings::new("x", "m").cost(10_000, 10_000), 0.0);
    }

    #[test]
    fn modes_round_trip_by_name() {
        for name in Structured::NAMES {
            assert_eq!(Structured::parse(name).map(Structured::name), Some(name));
        }
        assert_eq!(Structured::parse("loose"), None);
    }
}
