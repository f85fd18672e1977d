//! The serving loop behind [`serve`](super::serve): hyper's HTTP/1 server run directly (not
//! `axum::serve`, which has no header timeout and no connection bound in axum 0.8.9), with
//!
//! * a bound on connections served at once: a permit per accepted connection, held until it
//!   closes; without one the loop does not accept, so further connections wait in the
//!   listener's backlog;
//! * hyper's header-read timeout, which runs whenever a connection waits for a request's
//!   headers, so it also closes idle keep-alive connections;
//! * a request's head (request line and headers) of at most [`HEAD_MAX`]: a larger one is
//!   answered 431 and the connection closed;
//! * a read buffer of about [`READ_BUFFER_MAX`] per connection (hyper's default is about
//!   400 KiB; hyper checks it between reads, so one read can overshoot it), so the
//!   connections cost about `max_connections` x 64 KiB besides the bodies' budget;
//! * a lingering close: once hyper is done with a connection, its write side is shut down and
//!   what the client still sends is read and thrown away for up to [`LINGER`] before the
//!   socket is closed. A client that sends a body the receiver refused early (413, 503, ...)
//!   then reads the answer, instead of a connection reset that would also discard it.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWrite;
use tokio::net::{TcpListener, TcpStream};

use super::Receiver;

/// The largest request head taken (request line and headers); Stripe's are about 1 KiB.
pub(super) const HEAD_MAX: usize = 16 * 1024;

/// About the most a connection buffers of what it reads (hyper's read buffer).
pub(super) const READ_BUFFER_MAX: usize = 64 * 1024;

/// How long a closing connection is drained (see the module documentation).
pub(super) const LINGER: Duration = Duration::from_secs(2);

/// Serves `receiver`'s router on `listener` until the process ends.
pub(super) async fn serve(mut listener: TcpListener, receiver: Receiver) -> std::io::Result<()> {
    let limits = &receiver.inner.limits;
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(HEAD_MAX)
        .max_buf_size(READ_BUFFER_MAX);
    let router = receiver.router();
    loop {
        let permit = Arc::clone(&limits.connections)
            .acquire_owned()
            .await
            .map_err(std::io::Error::other)?;
        // Logs and retries accept errors (out of file descriptors: after a pause) as axum does.
        let (stream, _peer) = axum::serve::Listener::accept(&mut listener).await;
        let connection = builder.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        tokio::spawn(async move {
            match connection.without_shutdown().await {
                Ok(parts) => linger(parts.io.into_inner()).await,
                Err(e) => tracing::debug!(error = %e, "webhook connection ended with an error"),
            }
            drop(permit);
        });
    }
}

/// Closes `stream` gracefully: shuts its write side down, then reads and discards what the
/// client still sends until it closes its side, or for [`LINGER`] at most.
async fn linger(mut stream: TcpStream) {
    if poll_fn(|cx| Pin::new(&mut stream).poll_shutdown(cx))
        .await
        .is_err()
    {
        return;
    }
    let mut scratch = [0u8; 4096];
    let drain = async {
        loop {
            if stream.readable().await.is_err() {
                return;
            }
            match stream.try_read(&mut scratch) {
                Ok(0) => return,
                Err(e) if e.kind() != std::io::ErrorKind::WouldBlock => return,
                Ok(_) | Err(_) => {}
            }
        }
    };
    let _ = tokio::time::timeout(LINGER, drain).await;
}
