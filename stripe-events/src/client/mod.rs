//! A small client of Stripe's API (feature `client`; HTTPS with feature `client-rustls`):
//! fetch a thin event ([`Client::fetch_event`]) and the object it is about
//! ([`Client::fetch_related_object`]), typed, as Stripe's SDKs do; the current state of any v1
//! object by its type and id ([`Client::retrieve_object`], at the path the spec retrieves it
//! at: [`RETRIEVE_PATHS`](crate::RETRIEVE_PATHS)); and the `GET` underneath ([`Client::get`])
//! for whatever else needs Stripe's objects.
//!
//! Every request is an idempotent `GET`, so every one is retried on a connection error, a
//! timeout, 409, 429 and 5xx, with exponential backoff and jitter, honouring Stripe's
//! `Stripe-Should-Retry` and `Retry-After` ([`RetryPolicy`]). Each sends the API key
//! (`Authorization: Bearer`), the `Stripe-Version` of the spec the types were generated from
//! (the v2 spec's for `/v2/...` paths, the v1 spec's otherwise), and, for a notification's
//! fetches, its `context` as `Stripe-Context` and `Stripe-Request-Trigger: event=<id>`; for a
//! Connect account's objects, `Stripe-Account` ([`RequestOptions::account`]).
//!
//! ```no_run
//! use stripe_events::client::Client;
//! use stripe_events::thin::ThinEventData;
//! use stripe_events::EventNotification;
//!
//! # async fn run(notification: EventNotification) -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
//! let event = client.fetch_event(&notification).await?;
//! if let ThinEventData::V1BillingMeterErrorReportTriggered(data) = &event.data {
//!     println!("{} meter errors", data.reason.error_count);
//! }
//! if let Some(object) = client.fetch_related_object(&notification).await? {
//!     println!("{object:?}");
//! }
//! # Ok(())
//! # }
//! ```

mod error;
mod retry;

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use hyper::http::uri::{Authority, PathAndQuery, Scheme, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::generated::thin::RelatedResource;
use crate::{EventNotification, FetchedEvent};

pub use error::{ApiError, ClientError};
use retry::Outcome;
pub use retry::RetryPolicy;

/// Stripe's API.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

#[cfg(feature = "client-rustls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "client-rustls"))]
type Connector = HttpConnector;

/// A client of Stripe's API. Cheap to clone (one connection pool, shared).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: hyper_util::client::legacy::Client<Connector, Empty<Bytes>>,
    authorization: HeaderValue,
    scheme: Scheme,
    authority: Authority,
    /// The base URL's path, without a trailing `/` (empty for Stripe's API).
    prefix: String,
    v1_version: Option<HeaderValue>,
    v2_version: Option<HeaderValue>,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the API key.
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]: [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: String,
    base_url: String,
    v1_version: Option<String>,
    v2_version: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The base URL of Stripe's API (default [`DEFAULT_BASE_URL`]): a stand-in in tests, a
    /// proxy. `http://` or `https://` (the latter needs feature `client-rustls`); a path is
    /// prefixed to every request's.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The `Stripe-Version` sent with `/v2/...` requests (default: the v2 spec's,
    /// [`thin::API_VERSION`](crate::thin::API_VERSION)); `None` sends none.
    pub fn v2_api_version(mut self, version: Option<String>) -> Self {
        self.v2_version = version;
        self
    }

    /// The `Stripe-Version` sent with other requests (v1 objects; default: the v1 spec's,
    /// [`API_VERSION`](crate::API_VERSION), which the generated types describe); `None`
    /// sends none (the account's default version).
    pub fn v1_api_version(mut self, version: Option<String>) -> Self {
        self.v1_version = version;
        self
    }

    /// The limit of each attempt, from sending the request to the end of the response body
    /// (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The limit of establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How requests are retried (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body read (default 16 MiB); a longer one is
    /// [`ClientError::Parse`], not retried.
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.max_response_bytes = max;
        self
    }

    /// The client.
    ///
    /// # Errors
    ///
    /// [`ClientError::InvalidRequest`] for a base URL that does not parse, is not `http` or
    /// `https`, or is `https` in a build without feature `client-rustls`; or an API key or
    /// version that is not a valid header value.
    pub fn build(self) -> Result<Client, ClientError> {
        let invalid = |what: &str| ClientError::InvalidRequest(what.to_owned());
        let uri: Uri = self
            .base_url
            .parse()
            .map_err(|e| invalid(&format!("base URL {:?}: {e}", self.base_url)))?;
        let scheme = uri
            .scheme()
            .cloned()
            .ok_or_else(|| invalid(&format!("base URL {:?} has no scheme", self.base_url)))?;
        if scheme != Scheme::HTTP && scheme != Scheme::HTTPS {
            return Err(invalid(&format!(
                "base URL {:?}: not http(s)",
                self.base_url
            )));
        }
        if scheme == Scheme::HTTPS && !cfg!(feature = "client-rustls") {
            return Err(invalid(&format!(
                "base URL {:?}: https needs stripe-events' feature `client-rustls`",
                self.base_url
            )));
        }
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| invalid(&format!("base URL {:?} has no host", self.base_url)))?;
        let header = |v: &str, what: &str| {
            let mut h = HeaderValue::from_str(v)
                .map_err(|_| invalid(&format!("{what}: not a header value")))?;
            h.set_sensitive(what == "API key");
            Ok::<_, ClientError>(h)
        };
        let authorization = header(&format!("Bearer {}", self.api_key), "API key")?;
        let version = |v: Option<String>| v.map(|v| header(&v, "API version")).transpose();
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let connector = connector(http)?;
        let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                authorization,
                scheme,
                authority,
                prefix: uri.path().trim_end_matches('/').to_owned(),
                v1_version: version(self.v1_version)?,
                v2_version: version(self.v2_version)?,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

#[cfg(feature = "client-rustls")]
fn connector(mut http: HttpConnector) -> Result<Connector, ClientError> {
    http.enforce_http(false);
    // ring, named explicitly: a process whose other crates enable another rustls provider
    // too has no single default.
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| ClientError::InvalidRequest(format!("TLS: {e}")))?;
    Ok(builder.https_or_http().enable_http1().wrap_connector(http))
}

#[cfg(not(feature = "client-rustls"))]
#[allow(clippy::unnecessary_wraps)]
fn connector(http: HttpConnector) -> Result<Connector, ClientError> {
    Ok(http)
}

/// Per-request headers of [`Client::get`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// `Stripe-Context`: the account context to act in (a notification's `context`).
    pub context: Option<String>,
    /// `Stripe-Request-Trigger`: what caused this request (`event=evt_...` for a notification's
    /// fetches).
    pub trigger: Option<String>,
    /// `Stripe-Version`, replacing the client's for this request.
    pub api_version: Option<String>,
    /// `Stripe-Account`: the connected account to act as (Connect; a snapshot event's
    /// `account`).
    pub account: Option<String>,
}

impl RequestOptions {
    /// The options of a notification's fetches: its `context` and `event=<id>`.
    pub fn for_notification(notification: &EventNotification) -> Self {
        Self {
            context: notification.context.clone(),
            trigger: Some(format!("event={}", notification.id)),
            api_version: None,
            account: None,
        }
    }

    /// The options of a snapshot event's fetches: its `account` (Connect) as
    /// `Stripe-Account`.
    pub fn for_event(event: &crate::Event) -> Self {
        Self {
            context: None,
            trigger: None,
            api_version: None,
            account: event.account.clone(),
        }
    }
}

/// An object as [`Client::retrieve_object`] got it from Stripe's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrievedObject {
    /// Its `object` string as Stripe returned it (`customer`).
    pub object_type: String,
    /// Its id.
    pub id: String,
    /// Whether Stripe returned it deleted (`{"id": .., "object": .., "deleted": true}`): the
    /// object existed and was deleted.
    pub deleted: bool,
    /// The JSON as Stripe rendered it, byte for byte (in the client's v1 `Stripe-Version`).
    pub body: Bytes,
    /// Stripe's `Request-Id` header.
    pub request_id: Option<String>,
}

impl RetrievedObject {
    /// The body as JSON.
    ///
    /// # Errors
    ///
    /// Never for a body [`Client::retrieve_object`] returned (it checked that it parses).
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// The path template Stripe's API retrieves `object_type` at on its own
/// (`/v1/customers/{customer}` for `customer`), from the spec this build was generated from
/// ([`RETRIEVE_PATHS`](crate::RETRIEVE_PATHS)); `None` for an object only reachable under a
/// parent, or a type the spec does not know.
pub fn retrieve_path_template(object_type: &str) -> Option<&'static str> {
    crate::RETRIEVE_PATHS
        .binary_search_by(|(t, _)| (*t).cmp(object_type))
        .ok()
        .map(|i| crate::RETRIEVE_PATHS[i].1)
}

/// The path of the object `id` of `object_type` (`/v1/customers/cus_1`), or `None` as for
/// [`retrieve_path_template`]. The id replaces the template's one parameter as is: check it
/// first ([`Client::retrieve_object`] does).
pub fn retrieve_path(object_type: &str, id: &str) -> Option<String> {
    let template = retrieve_path_template(object_type)?;
    let start = template.rfind('{')?;
    Some(format!("{}{id}", &template[..start]))
}

/// A success response of [`Client::get`].
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status (2xx).
    pub status: u16,
    /// Stripe's `Request-Id` header.
    pub request_id: Option<String>,
    /// The body.
    pub body: Bytes,
}

impl Client {
    /// A client of Stripe's API with the secret (or restricted) key `api_key` and the
    /// defaults of [`Client::builder`].
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`] (the default base URL needs feature `client-rustls`).
    pub fn new(api_key: impl Into<String>) -> Result<Self, ClientError> {
        Self::builder(api_key).build()
    }

    /// A builder of a client with the key `api_key`: base URL, API versions, timeouts and
    /// retries.
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_key: api_key.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            v1_version: Some(crate::API_VERSION.to_owned()),
            v2_version: crate::thin::API_VERSION.map(str::to_owned),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_response_bytes: 16 << 20,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> String {
        let i = &self.inner;
        format!("{}://{}{}", i.scheme, i.authority, i.prefix)
    }

    /// Fetches the event a thin notification is about (`GET /v2/core/events/{id}`, with its
    /// context), its `data` typed by its type.
    ///
    /// # Errors
    ///
    /// Those of [`Client::get`]; [`ClientError::Parse`] for a body that is not an event.
    pub async fn fetch_event(
        &self,
        notification: &EventNotification,
    ) -> Result<FetchedEvent, ClientError> {
        let options = RequestOptions::for_notification(notification);
        self.fetch_event_with(&notification.id, &options).await
    }

    /// Fetches the event `id` (`GET /v2/core/events/{id}`) with `options` (its `context`,
    /// when it has one; [`RequestOptions::default`] for the platform's own events).
    ///
    /// # Errors
    ///
    /// As [`Client::fetch_event`]; [`ClientError::InvalidRequest`] for an id with other
    /// characters than letters, digits, `_`, `-` and `.` (or only dots).
    pub async fn fetch_event_with(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<FetchedEvent, ClientError> {
        check_id("event id", id)?;
        let path = format!("/v2/core/events/{id}");
        let response = self.get(&path, options).await?;
        FetchedEvent::from_slice(&response.body).map_err(|e| ClientError::Parse {
            request: self.describe(&path),
            reason: e.to_string(),
        })
    }

    /// Fetches the object a thin notification is about (`GET` its `related_object.url`, with
    /// its context): typed when this build has a type for its resource
    /// ([`RelatedResource`]); `None` when the notification has no related object.
    ///
    /// # Errors
    ///
    /// Those of [`Client::get`]; [`ClientError::InvalidRequest`] when the `url` is not a path
    /// (`/v2/...`): the API key goes only to the configured base URL.
    pub async fn fetch_related_object(
        &self,
        notification: &EventNotification,
    ) -> Result<Option<RelatedResource>, ClientError> {
        let Some(related) = &notification.related_object else {
            return Ok(None);
        };
        let options = RequestOptions::for_notification(notification);
        let response = self.get(&related.url, &options).await?;
        RelatedResource::from_slice(&related.type_, &response.body)
            .map(Some)
            .map_err(|e| ClientError::Parse {
                request: self.describe(&related.url),
                reason: e.to_string(),
            })
    }

    /// Fetches the current state of the v1 object `id` of `object_type` (its `object` string:
    /// `customer`, `checkout.session`) at the path the spec retrieves it at
    /// ([`retrieve_path`]), with `options` (a Connect event's account:
    /// [`RequestOptions::account`]). `None` when Stripe answers 404; a deleted object is
    /// [`RetrievedObject::deleted`]. The body is kept as Stripe rendered it.
    ///
    /// ```no_run
    /// use stripe_events::client::{Client, RequestOptions};
    ///
    /// # async fn run(client: Client) -> Result<(), stripe_events::client::ClientError> {
    /// let options = RequestOptions { account: Some("acct_1".into()), ..RequestOptions::default() };
    /// match client.retrieve_object("customer", "cus_1", &options).await? {
    ///     Some(object) if object.deleted => println!("{} was deleted", object.id),
    ///     Some(object) => println!("{}", String::from_utf8_lossy(&object.body)),
    ///     None => println!("no such customer"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ClientError::NotRetrievable`] for a type without its own retrieve path (nothing is
    /// sent); [`ClientError::InvalidRequest`] for an id with other characters than letters,
    /// digits, `_`, `-` and `.` (or only dots); [`ClientError::Parse`] for a body that is not a JSON object with
    /// that `id`; else those of [`Client::get`] (but 404).
    pub async fn retrieve_object(
        &self,
        object_type: &str,
        id: &str,
        options: &RequestOptions,
    ) -> Result<Option<RetrievedObject>, ClientError> {
        check_id("object id", id)?;
        let path = retrieve_path(object_type, id).ok_or_else(|| ClientError::NotRetrievable {
            object_type: object_type.to_owned(),
        })?;
        let response = match self.get(&path, options).await {
            Ok(response) => response,
            Err(ClientError::Api(e)) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let parse = |reason: String| ClientError::Parse {
            request: self.describe(&path),
            reason,
        };
        let json: serde_json::Value =
            serde_json::from_slice(&response.body).map_err(|e| parse(e.to_string()))?;
        if json["id"].as_str() != Some(id) {
            return Err(parse(format!(
                "not the object {id} (its `id` is {})",
                json["id"]
            )));
        }
        Ok(Some(RetrievedObject {
            object_type: json["object"].as_str().unwrap_or(object_type).to_owned(),
            id: id.to_owned(),
            deleted: json["deleted"].as_bool() == Some(true),
            body: response.body,
            request_id: response.request_id,
        }))
    }

    /// `GET path` (a path of Stripe's API with any query, `/v2/core/events/evt_1`), retried
    /// as the client's [`RetryPolicy`] says. The base of what fetching and syncing objects
    /// build on.
    ///
    /// # Errors
    ///
    /// [`ClientError::Api`] for an error status (Stripe's error body parsed), after retries
    /// for a retryable one; [`ClientError::Transport`] or [`ClientError::Timeout`] when no
    /// response came after retries; [`ClientError::InvalidRequest`] for a `path` that is not
    /// a path (`https://elsewhere/...`, `//host/...`) or options with control characters.
    pub async fn get(&self, path: &str, options: &RequestOptions) -> Result<Response, ClientError> {
        let uri = self.uri(path)?;
        let headers = self.headers(path, options)?;
        let request = self.describe(path);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let outcome = self.attempt(&uri, &headers).await;
            let wait = outcome
                .retry_outcome()
                .and_then(|o| self.inner.retry.wait(o, attempts, retry::jitter()));
            match wait {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return self.finish(outcome, request, attempts),
            }
        }
    }

    /// The result of the last attempt.
    fn finish(
        &self,
        outcome: Attempt,
        request: String,
        attempts: u32,
    ) -> Result<Response, ClientError> {
        match outcome {
            Attempt::Done {
                status,
                headers,
                body,
            } => {
                let request_id = headers
                    .get("request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                if (200..300).contains(&status) {
                    Ok(Response {
                        status,
                        request_id,
                        body,
                    })
                } else {
                    Err(ClientError::Api(Box::new(ApiError::new(
                        request, status, attempts, request_id, &body,
                    ))))
                }
            }
            Attempt::Failed(source) => Err(ClientError::Transport {
                request,
                attempts,
                source,
            }),
            Attempt::TimedOut => Err(ClientError::Timeout {
                request,
                attempts,
                timeout: self.inner.timeout,
            }),
            Attempt::TooLarge => Err(ClientError::Parse {
                request,
                reason: format!(
                    "the body is over the client's limit of {} bytes",
                    self.inner.max_response_bytes
                ),
            }),
        }
    }

    /// One request: the response read whole, within the timeout.
    async fn attempt(&self, uri: &Uri, headers: &HeaderMap) -> Attempt {
        let mut request = hyper::Request::new(Empty::new());
        *request.uri_mut() = uri.clone();
        *request.headers_mut() = headers.clone();
        let limit = self.inner.max_response_bytes;
        let exchange = async {
            let response = self.inner.http.request(request).await.map_err(boxed)?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, limit).collect().await?.to_bytes();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(Attempt::Done {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(self.inner.timeout, exchange).await {
            Ok(Ok(done)) => done,
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Attempt::TooLarge,
            Ok(Err(e)) => Attempt::Failed(e),
            Err(_) => Attempt::TimedOut,
        }
    }

    /// The URI of `path` under the base URL; only a path (and query) is accepted, so that the
    /// API key never goes to another host.
    fn uri(&self, path: &str) -> Result<Uri, ClientError> {
        let invalid =
            || ClientError::InvalidRequest(format!("{path:?} is not a path of Stripe's API"));
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(invalid());
        }
        let full = PathAndQuery::try_from(format!("{}{path}", self.inner.prefix))
            .map_err(|_| invalid())?;
        Uri::builder()
            .scheme(self.inner.scheme.clone())
            .authority(self.inner.authority.clone())
            .path_and_query(full)
            .build()
            .map_err(|_| invalid())
    }

    /// The headers of a request for `path`.
    fn headers(&self, path: &str, options: &RequestOptions) -> Result<HeaderMap, ClientError> {
        let i = &self.inner;
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, i.authorization.clone());
        h.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!(
                "stripe-events/",
                env!("CARGO_PKG_VERSION"),
                " (Rust)"
            )),
        );
        h.insert(
            hyper::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let value = |name: &str, v: &str| {
            HeaderValue::from_str(v).map_err(|_| {
                ClientError::InvalidRequest(format!("{name} {v:?}: not a header value"))
            })
        };
        let version = match &options.api_version {
            Some(v) => Some(value("Stripe-Version", v)?),
            None if path.starts_with("/v2/") => i.v2_version.clone(),
            None => i.v1_version.clone(),
        };
        if let Some(v) = version {
            h.insert(HeaderName::from_static("stripe-version"), v);
        }
        if let Some(c) = &options.context {
            h.insert(
                HeaderName::from_static("stripe-context"),
                value("Stripe-Context", c)?,
            );
        }
        if let Some(a) = &options.account {
            h.insert(
                HeaderName::from_static("stripe-account"),
                value("Stripe-Account", a)?,
            );
        }
        if let Some(t) = &options.trigger {
            h.insert(
                HeaderName::from_static("stripe-request-trigger"),
                value("Stripe-Request-Trigger", t)?,
            );
        }
        Ok(h)
    }

    /// How a request of `path` is named in errors (`GET https://api.stripe.com/v1/...`).
    pub(crate) fn describe(&self, path: &str) -> String {
        format!("GET {}{path}", self.base_url())
    }
}

/// An error unless `id` is only letters, digits, `_`, `-` and `.`, and not only dots (so that
/// it is one path segment, never `.` or `..`; Stripe has ids with dots, `balance.summary.1`).
pub(crate) fn check_id(what: &str, id: &str) -> Result<(), ClientError> {
    if id.bytes().all(|b| b == b'.')
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Err(ClientError::InvalidRequest(format!("{what} {id:?}")));
    }
    Ok(())
}

/// What one attempt gave.
enum Attempt {
    Done {
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    },
    Failed(Box<dyn std::error::Error + Send + Sync>),
    TimedOut,
    /// The body went over `max_response_bytes`.
    TooLarge,
}

impl Attempt {
    /// What the retry policy needs to know; `None` for what is never retried.
    fn retry_outcome(&self) -> Option<Outcome> {
        match self {
            Self::Done {
                status, headers, ..
            } => Some(Outcome::Status {
                status: *status,
                should_retry: headers
                    .get("stripe-should-retry")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok()),
                retry_after: headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry::parse_retry_after),
            }),
            Self::Failed(_) | Self::TimedOut => Some(Outcome::NoResponse),
            // The same object would be as large again.
            Self::TooLarge => None,
        }
    }
}

fn boxed(
    e: impl std::error::Error + Send + Sync + 'static,
) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(e)
}
