//! What can go wrong talking to Stripe's API, with enough context to act on it: Stripe's own
//! error body for an error response, the request and the number of attempts for the rest.

use std::time::Duration;

/// An error of a [`Client`](super::Client) request.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// Stripe answered with an error status (after any retries): its error body, parsed.
    Api(Box<ApiError>),
    /// No response: the connection failed, or the server closed it or broke HTTP (after any
    /// retries).
    Transport {
        /// The request (`GET https://api.stripe.com/v2/core/events/evt_...`).
        request: String,
        /// How many times it was sent.
        attempts: u32,
        /// What went wrong on the last attempt.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No complete response within the timeout (after any retries).
    Timeout {
        /// The request.
        request: String,
        /// How many times it was sent.
        attempts: u32,
        /// The timeout of each attempt.
        timeout: Duration,
    },
    /// A success response whose body is not what the request returns, or a body over the
    /// client's `max_response_bytes` (not retried: it would be as large again).
    Parse {
        /// The request.
        request: String,
        /// What is wrong with the body.
        reason: String,
    },
    /// The request could not be made: a header value with control characters (an event id or
    /// context taken from a notification), a related object `url` that is not a path of
    /// Stripe's API, a base URL that does not parse or needs TLS this build lacks.
    InvalidRequest(String),
    /// [`Client::retrieve_object`](super::Client::retrieve_object) was asked for an object
    /// type that Stripe's API does not retrieve on its own by id (not in
    /// [`RETRIEVE_PATHS`](crate::RETRIEVE_PATHS)): an object only reachable under a parent (a
    /// customer's card, `/v1/customers/{customer}/sources/{id}`), one that is never retrieved
    /// (a list), or a type this build's spec does not know. Nothing was sent.
    NotRetrievable {
        /// The object type asked for.
        object_type: String,
    },
}

/// An error response from Stripe: the status, and Stripe's error object
/// (`{"error": {"type", "code", "message", ...}}`) when the body is one.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The request (`GET https://api.stripe.com/v2/core/events/evt_...`).
    pub request: String,
    /// The HTTP status.
    pub status: u16,
    /// How many times the request was sent.
    pub attempts: u32,
    /// Stripe's `Request-Id` header: what Stripe's support asks for.
    pub request_id: Option<String>,
    /// `error.type` (`invalid_request_error`, `api_error`, ...).
    pub type_: Option<String>,
    /// `error.code` (`resource_missing`, ...).
    pub code: Option<String>,
    /// `error.message`.
    pub message: Option<String>,
    /// `error.param` (v1).
    pub param: Option<String>,
    /// `error.doc_url`.
    pub doc_url: Option<String>,
    /// `error.user_message`, a message that can be shown to end users.
    pub user_message: Option<String>,
    /// The whole body as JSON (`Null` when it is not JSON; see [`ApiError::body_text`]).
    pub body: serde_json::Value,
    /// The body as text when it is not JSON (a proxy's HTML page), at most 1 KiB of it.
    pub body_text: Option<String>,
}

impl ApiError {
    /// The error of a `status` response with `body`.
    pub(crate) fn new(
        request: String,
        status: u16,
        attempts: u32,
        request_id: Option<String>,
        body: &[u8],
    ) -> Self {
        let (json, text) = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v) => (v, None),
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                let cut = text.char_indices().nth(1024).map_or(text.len(), |(i, _)| i);
                (serde_json::Value::Null, Some(text[..cut].to_owned()))
            }
        };
        let field = |name: &str| json["error"][name].as_str().map(str::to_owned);
        Self {
            request,
            status,
            attempts,
            request_id,
            type_: field("type"),
            code: field("code"),
            message: field("message"),
            param: field("param"),
            doc_url: field("doc_url"),
            user_message: field("user_message"),
            body: json,
            body_text: text,
        }
    }

    /// Whether Stripe says the object does not exist (status 404).
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} answered {}", self.request, self.status)?;
        if let Some(t) = &self.type_ {
            write!(f, " {t}")?;
        }
        if let Some(c) = &self.code {
            write!(f, " ({c})")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        } else if let Some(t) = &self.body_text {
            write!(f, ": {}", t.trim())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api(e) => e.fmt(f),
            Self::Transport {
                request,
                attempts,
                source,
            } => write!(
                f,
                "{request}: no response after {attempts} attempt(s): {source}"
            ),
            Self::Timeout {
                request,
                attempts,
                timeout,
            } => write!(
                f,
                "{request}: no response within {timeout:?}, {attempts} attempt(s)"
            ),
            Self::Parse { request, reason } => {
                write!(
                    f,
                    "{request}: the response is not what was expected: {reason}"
                )
            }
            Self::InvalidRequest(reason) => write!(f, "invalid request: {reason}"),
            Self::NotRetrievable { object_type } => write!(
                f,
                "Stripe's API has no path that retrieves a `{object_type}` by its id alone \
                 (an object only reachable under a parent, such as a customer's card, or a type \
                 this build's spec does not know)"
            ),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Api(e) => Some(&**e),
            Self::Transport { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

impl ClientError {
    /// Stripe's error response, when that is what this is.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_error_carries_stripes_error_object() {
        let body = br#"{"error": {"type": "invalid_request_error", "code": "resource_missing",
            "message": "No such event: 'evt_1'", "doc_url": "https://stripe.com/docs/error-codes"}}"#;
        let e = ApiError::new(
            "GET /v2/core/events/evt_1".into(),
            404,
            1,
            Some("req_9".into()),
            body,
        );
        assert_eq!(e.code.as_deref(), Some("resource_missing"));
        assert!(e.is_not_found());
        assert_eq!(
            e.to_string(),
            "GET /v2/core/events/evt_1 answered 404 invalid_request_error (resource_missing): \
             No such event: 'evt_1' [request req_9]"
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_kept_as_text_cut_at_1_kib() {
        let body = "é".repeat(2000);
        let e = ApiError::new("GET /x".into(), 502, 3, None, body.as_bytes());
        assert_eq!(e.body, serde_json::Value::Null);
        assert_eq!(e.body_text.as_ref().unwrap().chars().count(), 1024);
        assert!(e.to_string().ends_with("after 3 attempts"), "{e}");
    }
}
