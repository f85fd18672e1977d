//! What generated code finds at `crate::` inside `stripe-events`, for the generator's snapshots
//! (`codegen/tests/snapshots/*.rs`, generated with runtime path `crate`): each `snapshot_*.rs`
//! test crate `include!`s one snapshot at its root, beside `stripe_events`' `json`, `schema`,
//! `Expandable`, `List`, `Timestamp`, `UnknownPayload` and `UntypedPayload` (imported by name:
//! through a glob import here, `crate::json::struct_from_json!` does not resolve) and this
//! module's `dispatch`.
//!
//! `dispatch::EventKind` is the only item that is not `stripe_events`' own: its `payload` takes
//! the crate's `EventObject`, which here is the snapshot's, so this copy of the trait names
//! that one. The real trait is checked against the real generated code by every build of
//! `stripe-events`.

/// `stripe_events::dispatch`, as far as the generated markers use it.
pub mod dispatch {
    /// `stripe_events::dispatch::EventKind` over this crate's `EventObject`.
    pub trait EventKind {
        /// The event type string.
        const TYPE: &'static str;
        /// Whether this build has the event's payload types.
        const TYPED: bool = true;
        /// The payload type.
        type Payload;
        /// The payload of an event of this type.
        fn payload(object: &crate::EventObject) -> Option<&Self::Payload>;
    }
}

/// `stripe_events::ThinEventKind` over the snapshot's `thin::ThinEventType` (the thin markers
/// name it, as `EventKind` names `EventObject`); `RelatedKind`, `Resource` and
/// `NoRelatedObject` likewise. Each snapshot crate re-exports them at its root.
pub mod thin_markers {
    /// `stripe_events::ThinEventKind`.
    pub trait ThinEventKind: 'static {
        /// The thin event type string.
        const TYPE: &'static str;
        /// The resource of its related object.
        type Related: RelatedKind;
        /// Its `ThinEventType` variant.
        fn event_type() -> crate::thin::ThinEventType;
    }

    /// `stripe_events::RelatedKind`.
    pub trait RelatedKind: 'static {
        /// The resource id, if any.
        const RESOURCE: Option<&'static str>;
    }

    /// `stripe_events::Resource`.
    pub trait Resource: RelatedKind {
        /// The resource id.
        const TYPE: &'static str;
        /// Its `RelatedObjectType` variant.
        fn object_type() -> crate::thin::RelatedObjectType;
    }

    /// `stripe_events::NoRelatedObject`.
    pub struct NoRelatedObject;

    impl RelatedKind for NoRelatedObject {
        const RESOURCE: Option<&'static str> = None;
    }
}

/// Parses `json` as the `data.object` of an event of type `event_type` with the snapshot's
/// `EventObject::parse_typed`, as `stripe_events::Event` does with the real one.
#[macro_export]
macro_rules! parse_payload {
    ($event_type:expr, $json:expr) => {
        crate::EventObject::parse_typed(
            &$event_type,
            &mut ::stripe_events::json::Parser::new($json.as_bytes()),
        )
        .expect("the payload parses")
    };
}
