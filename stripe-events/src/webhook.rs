//! The webhook entry point: verify the signature of the raw body, then parse it into a typed
//! [`Event`], in one call (like Stripe's `constructEvent`) or in two steps (verify now, parse
//! later); and the same for thin events ([`EventNotification`], like Stripe's
//! `parseEventNotification`), each refusing the other kind with an error naming the function to
//! call.

use std::time::Duration;

use crate::event::{Event, ParseError};
use crate::notification::EventNotification;
use crate::received::ReceivedEvent;
use crate::signature::{Clock, Secret, SecretError, SignatureError, Verified, Verifier};

/// Why a webhook delivery was rejected. Signature problems come first and never involve the
/// body's contents: a delivery whose signature does not verify is rejected before it is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The `Stripe-Signature` header is missing, malformed, carries no `v1` signature, matches
    /// no secret, or is outside the timestamp tolerance (see [`SignatureError`]).
    Signature(SignatureError),
    /// The body verified but is not an event of the kind asked for: not JSON
    /// ([`ParseError::NotJson`]), JSON but not an event envelope ([`ParseError::NotAnEvent`]),
    /// or an event of the other kind ([`ParseError::ThinEvent`] on the snapshot path,
    /// [`ParseError::SnapshotEvent`] on the thin path, each naming the function to call).
    /// Shown as the [`ParseError`], which is also its [`source`](std::error::Error::source).
    Parse(ParseError),
    /// The event was rendered for another API version than this build's [`crate::API_VERSION`]
    /// and the [`Webhook`] was told to reject such events ([`ApiVersionPolicy::Reject`]).
    ApiVersionMismatch {
        /// The event's id.
        event_id: String,
        /// This build's API version.
        expected: &'static str,
        /// The event's `api_version`.
        found: String,
    },
    /// [`Webhook::construct_event`] was given a secret that cannot be one (empty or only
    /// whitespace); nothing was verified.
    Secret(SecretError),
}

impl WebhookError {
    /// Whether the delivery failed authentication (answer 400 and do not process it), as
    /// opposed to an authentic delivery whose body could not be used.
    pub fn is_signature_error(&self) -> bool {
        matches!(self, Self::Signature(_))
    }
}

impl From<ParseError> for WebhookError {
    fn from(e: ParseError) -> Self {
        Self::Parse(e)
    }
}

impl From<SecretError> for WebhookError {
    fn from(e: SecretError) -> Self {
        Self::Secret(e)
    }
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Signature(e) => e.fmt(f),
            Self::Parse(e) => e.fmt(f),
            Self::Secret(e) => e.fmt(f),
            Self::ApiVersionMismatch {
                event_id,
                expected,
                found,
            } => write!(
                f,
                "event {event_id} was rendered for Stripe API version {found}, this build is for {expected}"
            ),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Parse(e) => Some(e),
            Self::Signature(_) | Self::ApiVersionMismatch { .. } | Self::Secret(_) => None,
        }
    }
}

impl From<SignatureError> for WebhookError {
    fn from(e: SignatureError) -> Self {
        Self::Signature(e)
    }
}

/// What to do with an event whose `api_version` differs from this build's
/// [`crate::API_VERSION`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersionPolicy {
    /// Accept it; [`Event::api_version_mismatch`] reports the difference, and any payload that
    /// does not fit the generated types arrives as [`crate::EventObject::Untyped`].
    #[default]
    Report,
    /// Reject it with [`WebhookError::ApiVersionMismatch`].
    Reject,
}

/// Verifies and parses webhook deliveries for one endpoint.
///
/// ```
/// use stripe_events::{EventType, Webhook, testing};
///
/// let secret = "whsec_test";
/// let body = testing::event_envelope("evt_1", "customer.created", &serde_json::json!({"id": "cus_1"})).to_string();
/// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
/// let header = testing::generate_test_header(body.as_bytes(), secret, now);
///
/// // One call, like Stripe's constructEvent:
/// let event = Webhook::construct_event(body.as_bytes(), &header, secret)?;
/// assert_eq!(event.type_, EventType::CustomerCreated);
///
/// // Or configured once (several secrets while rotating, tolerance, API-version policy):
/// let webhook = Webhook::new("whsec_new").add_secret(secret).tolerance(std::time::Duration::from_secs(60));
/// let event = webhook.construct(body.as_bytes(), Some(&header))?;
/// assert_eq!(event.id, "evt_1");
/// # Ok::<(), stripe_events::WebhookError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Webhook {
    verifier: Verifier,
    api_version_policy: ApiVersionPolicy,
}

impl Webhook {
    /// Verifies `payload` (the raw body, byte for byte) against `signature_header` (the
    /// `Stripe-Signature` value) with `secret` and the default 300 s tolerance, then parses it.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`]: [`WebhookError::Secret`] for an empty or blank `secret`, then
    /// signature errors before the body is looked at, then body errors.
    pub fn construct_event(
        payload: &[u8],
        signature_header: &str,
        secret: &str,
    ) -> Result<Event, WebhookError> {
        Self::try_new(secret)?.construct(payload, Some(signature_header))
    }

    /// A webhook endpoint with one secret, 300 s tolerance, the system clock, and
    /// [`ApiVersionPolicy::Report`].
    ///
    /// # Panics
    ///
    /// If `secret` is empty or only whitespace (see [`Secret::check`]): such a webhook would
    /// reject every delivery. For a secret read from configuration, [`Webhook::try_new`] returns
    /// the error instead.
    #[must_use]
    pub fn new(secret: impl Into<Secret>) -> Self {
        match Self::try_new(secret) {
            Ok(webhook) => webhook,
            Err(e) => panic!("Webhook::new: {e} (Webhook::try_new returns this as an error)"),
        }
    }

    /// [`Webhook::new`], with an empty or blank secret as an error rather than a panic.
    ///
    /// ```
    /// use stripe_events::{Webhook, signature::SecretError};
    ///
    /// let configured = std::env::var("NO_SUCH_VARIABLE_HERE").unwrap_or_default();
    /// assert_eq!(Webhook::try_new(configured).unwrap_err(), SecretError::Empty);
    /// assert!(Webhook::try_new("whsec_test").is_ok());
    /// ```
    ///
    /// # Errors
    ///
    /// [`SecretError`] when `secret` is empty or only whitespace.
    pub fn try_new(secret: impl Into<Secret>) -> Result<Self, SecretError> {
        let secret = secret.into();
        secret.check()?;
        Ok(Self {
            verifier: Verifier::new(secret),
            api_version_policy: ApiVersionPolicy::default(),
        })
    }

    /// Also accepts deliveries signed with `secret` (secret rotation).
    ///
    /// # Panics
    ///
    /// If `secret` is empty or only whitespace, as [`Webhook::new`];
    /// [`Webhook::try_add_secret`] returns the error instead.
    #[must_use]
    pub fn add_secret(self, secret: impl Into<Secret>) -> Self {
        match self.try_add_secret(secret) {
            Ok(webhook) => webhook,
            Err(e) => panic!(
                "Webhook::add_secret: {e} (Webhook::try_add_secret returns this as an error)"
            ),
        }
    }

    /// [`Webhook::add_secret`], with an empty or blank secret as an error rather than a panic.
    ///
    /// # Errors
    ///
    /// [`SecretError`] when `secret` is empty or only whitespace.
    pub fn try_add_secret(mut self, secret: impl Into<Secret>) -> Result<Self, SecretError> {
        let secret = secret.into();
        secret.check()?;
        self.verifier = self.verifier.add_secret(secret);
        Ok(self)
    }

    /// How far the signed timestamp may be from now, either way (default 300 s).
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.verifier = self.verifier.tolerance(tolerance);
        self
    }

    /// The clock to check timestamps against (tests use
    /// [`FixedClock`](crate::signature::FixedClock)).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.verifier = self.verifier.clock(clock);
        self
    }

    /// What to do with events rendered for another API version.
    #[must_use]
    pub fn api_version_policy(mut self, policy: ApiVersionPolicy) -> Self {
        self.api_version_policy = policy;
        self
    }

    /// The signature verifier this webhook uses.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Verifies the signature only. Keep (queue, store) the verified bytes and call
    /// [`Webhook::parse`] later: it does not verify again.
    ///
    /// # Errors
    ///
    /// [`WebhookError::Signature`].
    pub fn verify(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<Verified, WebhookError> {
        Ok(self.verifier.verify(payload, signature_header)?)
    }

    /// Parses an already verified body, applying the API-version policy.
    ///
    /// # Errors
    ///
    /// [`WebhookError::Parse`], [`WebhookError::ApiVersionMismatch`].
    pub fn parse(&self, verified_payload: &[u8]) -> Result<Event, WebhookError> {
        let event = Event::from_slice(verified_payload)?;
        if self.api_version_policy == ApiVersionPolicy::Reject {
            if let Some(found) = event.api_version_mismatch() {
                return Err(WebhookError::ApiVersionMismatch {
                    event_id: event.id.clone(),
                    expected: crate::API_VERSION,
                    found: found.to_owned(),
                });
            }
        }
        Ok(event)
    }

    /// Verifies, then parses: [`Webhook::verify`] followed by [`Webhook::parse`]. The body is
    /// not parsed at all unless the signature verifies.
    ///
    /// # Errors
    ///
    /// Any [`WebhookError`]; a thin event notification is
    /// [`ParseError::ThinEvent`] (call [`Webhook::construct_notification`]).
    pub fn construct(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<Event, WebhookError> {
        self.verify(payload, signature_header)?;
        self.parse(payload)
    }

    /// Parses an already verified body as a thin event notification (Stripe's
    /// `parseEventNotification` without the verification: for a body verified earlier with
    /// [`Webhook::verify`], or from a source trusted otherwise). Thin events are not versioned,
    /// so the API-version policy does not apply.
    ///
    /// # Errors
    ///
    /// [`WebhookError::Parse`]; a snapshot event is [`ParseError::SnapshotEvent`] (call
    /// [`Webhook::parse`]).
    pub fn parse_notification(
        &self,
        verified_payload: &[u8],
    ) -> Result<EventNotification, WebhookError> {
        Ok(EventNotification::from_slice(verified_payload)?)
    }

    /// Verifies, then parses a thin event notification: [`Webhook::verify`] (the same
    /// `Stripe-Signature` scheme as snapshot events) followed by
    /// [`Webhook::parse_notification`]. The body is not parsed at all unless the signature
    /// verifies.
    ///
    /// ```
    /// use stripe_events::{ThinEventType, Webhook, testing};
    ///
    /// let secret = "whsec_test";
    /// let body = br#"{"id": "evt_1", "object": "v2.core.event", "type": "v1.billing.meter.no_meter_found",
    ///     "created": "2025-12-15T09:30:00Z", "livemode": false}"#;
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    /// let header = testing::generate_test_header(body, secret, now);
    /// let webhook = Webhook::new(secret);
    /// let notification = webhook.construct_notification(body, Some(&header))?;
    /// assert_eq!(notification.type_, ThinEventType::V1BillingMeterNoMeterFound);
    /// assert!(notification.related_object.is_none());
    /// // The snapshot path refuses it, naming the function to call.
    /// let err = webhook.construct(body, Some(&header)).unwrap_err();
    /// assert!(err.to_string().contains("Webhook::construct_notification"));
    /// # Ok::<(), stripe_events::WebhookError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Any [`WebhookError`] but [`WebhookError::ApiVersionMismatch`].
    pub fn construct_notification(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<EventNotification, WebhookError> {
        self.verify(payload, signature_header)?;
        self.parse_notification(payload)
    }
    /// Parses an already verified body of either kind: the body's `object` decides
    /// (`"event"`: [`Webhook::parse`], API-version policy included; `"v2.core.event"`:
    /// [`Webhook::parse_notification`]). For an endpoint that receives both kinds.
    ///
    /// ```
    /// use stripe_events::{ReceivedEvent, Webhook, testing};
    ///
    /// let webhook = Webhook::new("whsec_test");
    /// let thin = br#"{"id": "evt_1", "object": "v2.core.event", "type": "v1.billing.meter.no_meter_found",
    ///     "created": "2025-12-15T09:30:00Z", "livemode": false}"#;
    /// assert!(matches!(webhook.parse_any(thin)?, ReceivedEvent::Thin(_)));
    /// let snapshot = testing::event_envelope("evt_2", "customer.deleted", &serde_json::json!({"id": "cus_1"}));
    /// let received = webhook.parse_any(snapshot.to_string().as_bytes())?;
    /// assert!(matches!(received, ReceivedEvent::Snapshot(_)));
    /// assert_eq!((received.id(), received.type_str()), ("evt_2", "customer.deleted"));
    /// # Ok::<(), stripe_events::WebhookError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Webhook::parse`] for a body that is neither kind (or a snapshot event whose API
    /// version the policy rejects), as [`Webhook::parse_notification`] for a thin one.
    pub fn parse_any(&self, verified_payload: &[u8]) -> Result<ReceivedEvent, WebhookError> {
        match self.parse(verified_payload) {
            Ok(event) => Ok(ReceivedEvent::Snapshot(event)),
            // Told by `object` on the snapshot path's error path only: a snapshot event
            // still parses in one pass.
            Err(WebhookError::Parse(ParseError::ThinEvent)) => self
                .parse_notification(verified_payload)
                .map(ReceivedEvent::Thin),
            Err(e) => Err(e),
        }
    }

    /// Verifies, then parses a body of either kind: [`Webhook::verify`] followed by
    /// [`Webhook::parse_any`].
    ///
    /// # Errors
    ///
    /// Any [`WebhookError`].
    pub fn construct_any(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<ReceivedEvent, WebhookError> {
        self.verify(payload, signature_header)?;
        self.parse_any(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::FixedClock;
    use crate::testing::{event_envelope, generate_test_header};
    use crate::{EventObject, EventType};

    const SECRET: &str = "whsec_unit_secret";
    const NOW: i64 = 1_700_000_000;

    fn webhook() -> Webhook {
        Webhook::new(SECRET).clock(FixedClock(NOW))
    }

    #[test]
    fn errors_say_what_is_wrong_and_a_signature_error_stays_itself() {
        use std::error::Error as _;
        let signature = WebhookError::from(SignatureError::NoV1Signature);
        assert!(signature.is_signature_error());
        assert_eq!(
            signature.to_string(),
            SignatureError::NoV1Signature.to_string()
        );
        assert!(signature.source().is_none());
        let parse = ParseError::NotJson {
            reason: "expected value".into(),
            offset: 3,
        };
        let not_json = WebhookError::from(parse.clone());
        assert_eq!(not_json, WebhookError::Parse(parse.clone()));
        assert_eq!(
            not_json.to_string(),
            "body is not valid JSON: expected value at byte 3"
        );
        assert!(!not_json.is_signature_error());
        // The parse error is kept, typed, as the source.
        let source = not_json.source().expect("a source");
        assert_eq!(source.downcast_ref::<ParseError>(), Some(&parse));
        let secret = WebhookError::from(SecretError::Whitespace);
        assert_eq!(
            secret.to_string(),
            "the webhook signing secret is only whitespace"
        );
        assert!(!secret.is_signature_error() && secret.source().is_none());
        let mismatch = WebhookError::ApiVersionMismatch {
            event_id: "evt_1".into(),
            expected: "2024-04-10",
            found: "2020-08-27".into(),
        };
        assert_eq!(
            mismatch.to_string(),
            "event evt_1 was rendered for Stripe API version 2020-08-27, this build is for 2024-04-10"
        );
    }

    fn customer_body(api_version: &str) -> Vec<u8> {
        let mut body = event_envelope(
            "evt_w1",
            "customer.deleted",
            &serde_json::json!({"id": "cus_1"}),
        );
        body["api_version"] = api_version.into();
        body.to_string().into_bytes()
    }

    #[test]
    fn verifies_then_parses_and_keeps_payloads_that_do_not_fit() {
        let body = customer_body(crate::API_VERSION);
        let header = generate_test_header(&body, SECRET, NOW);
        let event = webhook().construct(&body, Some(&header)).unwrap();
        assert_eq!(event.type_, EventType::CustomerDeleted);
        // `{"id": "cus_1"}` lacks the customer's required fields: kept raw, with the reason.
        let EventObject::Untyped(raw) = &event.data.object else {
            panic!("{:?}", event.data.object)
        };
        assert_eq!(raw.raw["id"], "cus_1");
        assert_eq!(raw.error.path, "$.data.object");
        assert!(
            raw.error.reason.starts_with("missing field"),
            "{}",
            raw.error
        );
    }

    #[test]
    fn a_bad_signature_is_rejected_before_the_body_is_parsed() {
        // Not JSON at all, and wrongly signed: the signature error wins, the body is never read.
        let body = b"{{{ definitely not json";
        let header = generate_test_header(body, "whsec_other", NOW);
        let err = webhook().construct(body, Some(&header)).unwrap_err();
        assert_eq!(
            err,
            WebhookError::Signature(SignatureError::NoMatchingSignature)
        );
        assert!(err.is_signature_error());
        let err = webhook().construct(body, None).unwrap_err();
        assert_eq!(err, WebhookError::Signature(SignatureError::MissingHeader));
    }

    #[test]
    fn authentic_bodies_that_are_not_events_are_typed_errors() {
        let body = b"{{{ definitely not json";
        let header = generate_test_header(body, SECRET, NOW);
        let err = webhook().construct(body, Some(&header)).unwrap_err();
        assert!(
            matches!(
                err,
                WebhookError::Parse(ParseError::NotJson { offset: 1, .. })
            ),
            "{err:?}"
        );
        assert!(!err.is_signature_error());
        let body = br#"{"hello": "world"}"#;
        let header = generate_test_header(body, SECRET, NOW);
        let err = webhook().construct(body, Some(&header)).unwrap_err();
        assert!(
            matches!(&err, WebhookError::Parse(ParseError::NotAnEvent(p)) if p.reason.contains("missing field")),
            "{err:?}"
        );
    }

    #[test]
    fn api_version_policy_reports_or_rejects() {
        let body = customer_body("2020-08-27");
        let header = generate_test_header(&body, SECRET, NOW);
        let event = webhook().construct(&body, Some(&header)).unwrap();
        assert_eq!(event.api_version_mismatch(), Some("2020-08-27"));
        let err = webhook()
            .api_version_policy(ApiVersionPolicy::Reject)
            .construct(&body, Some(&header))
            .unwrap_err();
        assert_eq!(
            err,
            WebhookError::ApiVersionMismatch {
                event_id: "evt_w1".into(),
                expected: crate::API_VERSION,
                found: "2020-08-27".into()
            }
        );
        let same = customer_body(crate::API_VERSION);
        let header = generate_test_header(&same, SECRET, NOW);
        let event = webhook()
            .api_version_policy(ApiVersionPolicy::Reject)
            .construct(&same, Some(&header))
            .unwrap();
        assert_eq!(event.api_version_mismatch(), None);
    }

    #[test]
    fn verify_now_parse_later() {
        let body = customer_body(crate::API_VERSION);
        let header = generate_test_header(&body, SECRET, NOW - 10);
        let verified = webhook().verify(&body, Some(&header)).unwrap();
        assert_eq!((verified.timestamp, verified.secret_index), (NOW - 10, 0));
        let stored = body.clone();
        // Much later (the signature would now be stale): parsing does not verify again.
        let later = Webhook::new(SECRET).clock(FixedClock(NOW + 86_400));
        assert_eq!(later.parse(&stored).unwrap().id, "evt_w1");
        assert!(later.construct(&stored, Some(&header)).is_err());
    }

    #[test]
    fn rotation_tolerance_and_redaction() {
        let body = customer_body(crate::API_VERSION);
        let header = generate_test_header(&body, "whsec_previous", NOW - 61);
        let rotating = Webhook::new(SECRET)
            .add_secret("whsec_previous")
            .clock(FixedClock(NOW));
        assert!(rotating.construct(&body, Some(&header)).is_ok());
        let strict = rotating.clone().tolerance(Duration::from_secs(60));
        assert!(matches!(
            strict.construct(&body, Some(&header)),
            Err(WebhookError::Signature(
                SignatureError::TimestampOutsideTolerance { .. }
            ))
        ));
        let debug = format!("{rotating:?}");
        assert!(
            !debug.contains("unit_secret") && !debug.contains("previous"),
            "{debug}"
        );
        assert!(
            Webhook::construct_event(&body, &header, "whsec_previous").is_err(),
            "stale against the real clock"
        );
    }

    #[test]
    fn blank_secrets_are_refused_when_the_webhook_is_built() {
        for blank in ["", " ", "\n", "\t \r\n"] {
            let expected = if blank.is_empty() {
                SecretError::Empty
            } else {
                SecretError::Whitespace
            };
            assert_eq!(Webhook::try_new(blank).unwrap_err(), expected, "{blank:?}");
            assert_eq!(
                webhook().try_add_secret(blank).unwrap_err(),
                expected,
                "{blank:?}"
            );
            let body = customer_body(crate::API_VERSION);
            let header = generate_test_header(&body, blank, NOW);
            assert_eq!(
                Webhook::construct_event(&body, &header, blank).unwrap_err(),
                WebhookError::Secret(expected)
            );
        }
        // A secret with whitespace around it is still a secret (used as given, not trimmed).
        let padded = Webhook::try_new(" whsec_padded\n")
            .unwrap()
            .clock(FixedClock(NOW));
        let body = customer_body(crate::API_VERSION);
        let header = generate_test_header(&body, " whsec_padded\n", NOW);
        assert!(padded.construct(&body, Some(&header)).is_ok());
        let rotated = webhook().try_add_secret("whsec_next").unwrap();
        let header = generate_test_header(&body, "whsec_next", NOW);
        assert_eq!(
            rotated.verify(&body, Some(&header)).unwrap().secret_index,
            1
        );
    }

    fn thin_body() -> Vec<u8> {
        serde_json::json!({
            "id": "evt_t1", "object": "v2.core.event", "type": "v2.core.event_destination.ping",
            "created": "2025-12-15T09:30:00.000Z", "livemode": false, "context": "acct_9",
            "related_object": {"id": "ed_1", "type": "v2.core.event_destination",
                "url": "/v2/core/event_destinations/ed_1"}
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn thin_notifications_verify_then_parse() {
        let body = thin_body();
        let header = generate_test_header(&body, SECRET, NOW);
        let n = webhook()
            .construct_notification(&body, Some(&header))
            .unwrap();
        assert_eq!(n.id, "evt_t1");
        assert_eq!(n.context.as_deref(), Some("acct_9"));
        assert_eq!(
            n.related_object.map(|r| r.type_),
            crate::ThinEventType::V2CoreEventDestinationPing.related_object_type()
        );
        // Bad signature first, before the body is read.
        let forged = generate_test_header(&body, "whsec_other", NOW);
        assert_eq!(
            webhook()
                .construct_notification(&body, Some(&forged))
                .unwrap_err(),
            WebhookError::Signature(SignatureError::NoMatchingSignature)
        );
        let err = webhook()
            .construct_notification(
                b"{{ nope",
                Some(&generate_test_header(b"{{ nope", SECRET, NOW)),
            )
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::Parse(ParseError::NotJson { .. })),
            "{err:?}"
        );
        // Verify now, parse later; the API-version policy is for snapshot events only.
        webhook().verify(&body, Some(&header)).unwrap();
        let strict = webhook().api_version_policy(ApiVersionPolicy::Reject);
        assert_eq!(strict.parse_notification(&body).unwrap().id, "evt_t1");
    }

    #[test]
    fn each_path_refuses_the_other_kind_naming_the_function_to_call() {
        let thin = thin_body();
        let header = generate_test_header(&thin, SECRET, NOW);
        let err = webhook().construct(&thin, Some(&header)).unwrap_err();
        assert_eq!(err, WebhookError::Parse(ParseError::ThinEvent));
        assert!(
            err.to_string().contains("Webhook::construct_notification"),
            "{err}"
        );
        assert_eq!(
            crate::Event::from_slice(&thin).unwrap_err(),
            ParseError::ThinEvent
        );

        let snapshot = customer_body(crate::API_VERSION);
        let header = generate_test_header(&snapshot, SECRET, NOW);
        let err = webhook()
            .construct_notification(&snapshot, Some(&header))
            .unwrap_err();
        assert_eq!(err, WebhookError::Parse(ParseError::SnapshotEvent));
        let message = err.to_string();
        assert!(message.contains("Webhook::construct "), "{message}");
        assert!(message.contains("Event::from_slice"), "{message}");

        // Told by `object` wherever it is: Stripe's order, or last, after members the other
        // parser trips on first (`created` as a string, a `data` without `object`).
        let mut v: serde_json::Value = serde_json::from_slice(&thin).unwrap();
        let object = v.as_object_mut().unwrap().remove("object").unwrap();
        v["object"] = object;
        let last = v.to_string().into_bytes();
        assert_eq!(
            crate::Event::from_slice(&last).unwrap_err(),
            ParseError::ThinEvent
        );
        // A body of neither kind is "not an event", and broken JSON is "not JSON" even with
        // a thin `object` in front.
        assert!(matches!(
            crate::Event::from_slice(br#"{"object": "v2.core.account", "id": "x"}"#),
            Err(ParseError::NotAnEvent(_))
        ));
        assert!(matches!(
            crate::Event::from_slice(br#"{"object": "v2.core.event", "created": "x", "#),
            Err(ParseError::NotJson { .. })
        ));
        assert!(matches!(
            crate::EventNotification::from_slice(br#"{"object": "event", "id": 1} x"#),
            Err(ParseError::NotJson { .. })
        ));
    }

    #[test]
    #[should_panic(expected = "Webhook::new: the webhook signing secret is empty")]
    fn new_panics_on_an_empty_secret() {
        let _ = Webhook::new(String::new());
    }

    #[test]
    #[should_panic(expected = "Webhook::add_secret: the webhook signing secret is only whitespace")]
    fn add_secret_panics_on_a_blank_secret() {
        let _ = webhook().add_secret("  ");
    }
}
