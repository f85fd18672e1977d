//! The route's intake: reads a delivery's body under the limits before the handler sees it.
//!
//! * a declared `Content-Length` over the body limit: 413 before any of the body is read (so
//!   no `100 Continue` is sent to a client that asked for one);
//! * body bytes are reserved against the receiver's body budget (all of a declared length up
//!   front, a chunked body as it arrives): none left, 503 at once;
//! * a body that stalls longer than the idle timeout between two pieces, or takes longer than
//!   the deadline in all: 408.
//!
//! Every refusal closes the connection (`Connection: close`). The bytes stay reserved until
//! the delivery is answered.

use std::future::poll_fn;
use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::time::{Instant, timeout_at};

use super::Receiver;
use super::limits::{Limits, Reservation};

/// Why a body was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Over the body limit: 413.
    TooLarge,
    /// The body budget is spent: 503.
    Busy,
    /// No piece of the body within the idle timeout: 408.
    Stalled,
    /// The whole body not within the deadline: 408.
    TooSlow,
    /// The client broke the body off or sent it malformed: 400.
    Broken,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Stalled | Self::TooSlow => StatusCode::REQUEST_TIMEOUT,
            Self::Broken => StatusCode::BAD_REQUEST,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Self::TooLarge => "body over the limit",
            Self::Busy => "too many bodies in flight, retry later",
            Self::Stalled => "body stalled",
            Self::TooSlow => "body not received in time",
            Self::Broken => "body broken off or malformed",
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.reason()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        if self == Self::Busy {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// The middleware (`route_layer` of [`Receiver::router`]): reads the body under the limits,
/// then hands the request on with the body in memory.
pub(super) async fn intake(
    State(receiver): State<Receiver>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &receiver.inner.limits;
    let body_limit = receiver.inner.body_limit;
    let (parts, body) = request.into_parts();
    let mut reservation = limits.reservation();
    let read = match declared_length(&parts.headers) {
        Some(declared) if declared > body_limit => Err(Refusal::TooLarge),
        Some(declared) if !reservation.grow_to(declared) => Err(Refusal::Busy),
        _ => read_body(body, limits, body_limit, &mut reservation).await,
    };
    let body = match read {
        Ok(body) => body,
        Err(refusal) => {
            if refusal == Refusal::Busy {
                limits.count_busy();
            }
            tracing::debug!(reason = refusal.reason(), "webhook body refused");
            return refusal.into_response();
        }
    };
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    drop(reservation);
    response
}

/// The `Content-Length`, if given (saturated: a length beyond `usize` is over any limit).
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    let value = headers.get(header::CONTENT_LENGTH)?.to_str().ok()?;
    let length: u64 = value.trim().parse().ok()?;
    Some(usize::try_from(length).unwrap_or(usize::MAX))
}

/// Reads `body` whole, reserving what it holds, within the body limit and timeouts.
async fn read_body(
    mut body: Body,
    limits: &Limits,
    body_limit: usize,
    reservation: &mut Reservation<'_>,
) -> Result<Bytes, Refusal> {
    let deadline = Instant::now() + limits.body_deadline;
    let mut buffer = Vec::new();
    loop {
        let idle_deadline = Instant::now() + limits.body_idle_timeout;
        let next_frame = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
        let frame = match timeout_at(idle_deadline.min(deadline), next_frame).await {
            Err(_) if idle_deadline < deadline => return Err(Refusal::Stalled),
            Err(_) => return Err(Refusal::TooSlow),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(Refusal::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let total = buffer.len() + data.len();
        if total > body_limit {
            return Err(Refusal::TooLarge);
        }
        if !reservation.grow_to(total) {
            return Err(Refusal::Busy);
        }
        if buffer.is_empty() && body.is_end_stream() {
            return Ok(data);
        }
        buffer.extend_from_slice(&data);
    }
    Ok(Bytes::from(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_length_is_read_saturating() {
        let mut headers = HeaderMap::new();
        assert_eq!(declared_length(&headers), None);
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("1234"));
        assert_eq!(declared_length(&headers), Some(1234));
        headers.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from_static("99999999999999999999"),
        );
        assert_eq!(
            declared_length(&headers),
            None,
            "not a u64: hyper refuses it"
        );
    }

    #[test]
    fn refusals_close_the_connection_and_say_why() {
        let busy = Refusal::Busy.into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::CONNECTION], "close");
        assert_eq!(busy.headers()[header::RETRY_AFTER], "1");
        let slow = Refusal::TooSlow.into_response();
        assert_eq!(slow.status(), StatusCode::REQUEST_TIMEOUT);
        assert!(slow.headers().get(header::RETRY_AFTER).is_none());
        assert_eq!(Refusal::TooLarge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
