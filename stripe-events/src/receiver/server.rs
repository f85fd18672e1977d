//! The serving loop behind [`serve`](super::serve) and [`serve_with_shutdown`]: hyper's HTTP/1 server run directly (not
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

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper::service::{HttpService, Service, service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWrite;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, watch};

use super::Receiver;

/// The largest request head taken (request line and headers); Stripe's are about 1 KiB.
pub(super) const HEAD_MAX: usize = 16 * 1024;

/// About the most a connection buffers of what it reads (hyper's read buffer).
pub(super) const READ_BUFFER_MAX: usize = 64 * 1024;

/// How long a closing connection is drained (see the module documentation).
pub(super) const LINGER: Duration = Duration::from_secs(2);

/// Serves `receiver`'s [router](Receiver::router) on `listener` like
/// [`serve`](super::serve), until `signal` completes; then shuts down gracefully: accepts no
/// more connections, lets each one finish the request it is reading or answering (within the
/// body and header timeouts) and closes it, and returns once all are closed (each closing
/// connection is drained for up to 2 s, so that its client reads its answer).
///
/// In [queue mode](super::Processing::Queue) it also runs the configured number of
/// [workers](super::ReceiverConfig::workers) (see [`Receiver::run_workers`]) from the start;
/// at shutdown, once the connections are closed, each worker finishes the job it holds, then
/// stops.
///
/// ```no_run
/// use stripe_events::receiver::{Receiver, ReceiverConfig, serve_with_shutdown};
/// use stripe_events::{Dispatcher, Webhook};
///
/// # async fn run(stop: tokio::sync::oneshot::Receiver<()>) -> std::io::Result<()> {
/// let receiver = Receiver::new(ReceiverConfig::new(Webhook::new("whsec_...")), Dispatcher::new());
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// serve_with_shutdown(listener, receiver, async move {
///     let _ = stop.await; // or tokio::signal::ctrl_c(), with tokio's `signal` feature
/// })
/// .await
/// # }
/// ```
pub async fn serve_with_shutdown(
    mut listener: TcpListener,
    receiver: Receiver,
    signal: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    receiver.ready().await.map_err(std::io::Error::other)?;
    let limits = &receiver.inner.limits;
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(HEAD_MAX)
        .max_buf_size(READ_BUFFER_MAX);
    let router = receiver.router();
    let workers = (receiver.inner.processing == super::Processing::Queue)
        .then(|| receiver.start_workers(receiver.inner.workers));
    // Each connection holds a receiver: told to stop by `stop`, and `stop.closed()` once all
    // of them are gone.
    let (stop, stopping) = watch::channel(false);
    let mut signal = pin!(signal);
    let ended = loop {
        let accepted = async {
            let permit = Arc::clone(&limits.connections)
                .acquire_owned()
                .await
                .map_err(std::io::Error::other)?;
            // Retries accept errors (out of file descriptors: after a pause) as axum does.
            let (stream, _peer) = axum::serve::Listener::accept(&mut listener).await;
            Ok::<_, std::io::Error>((permit, stream))
        };
        let (permit, stream) = tokio::select! {
            () = &mut signal => break Ok(()),
            accepted = accepted => match accepted {
                Ok(accepted) => accepted,
                Err(e) => break Err(e),
            },
        };
        let service = TowerToHyperService::new(router.clone());
        // Boxed futures, so that the connection can be polled without shutting its socket.
        let service = service_fn(move |request| Box::pin(service.call(request)));
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(serve_connection(connection, stopping.clone(), permit));
    };
    drop(listener);
    drop(stopping);
    let _ = stop.send(true);
    stop.closed().await;
    if let Some(workers) = workers {
        workers.stop().await;
    }
    ended
}

/// Runs one connection to its end (or to a graceful end once `stopping` turns true), then
/// closes it with [`linger`].
async fn serve_connection<S>(
    mut connection: http1::Connection<TokioIo<TcpStream>, S>,
    mut stopping: watch::Receiver<bool>,
    permit: OwnedSemaphorePermit,
) where
    S: HttpService<Incoming> + Unpin,
    S::Future: Unpin,
    S::ResBody: 'static,
    <S::ResBody as Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut told = pin!(stopping.wait_for(|&stop| stop));
    let mut shutting_down = false;
    let ended = poll_fn(|cx| {
        if !shutting_down && told.as_mut().poll(cx).is_ready() {
            shutting_down = true;
            Pin::new(&mut connection).graceful_shutdown();
        }
        connection.poll_without_shutdown(cx)
    })
    .await;
    match ended {
        Ok(()) => linger(connection.into_parts().io.into_inner()).await,
        Err(e) => tracing::debug!(error = %e, "webhook connection ended with an error"),
    }
    drop(permit);
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
