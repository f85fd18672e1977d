//! Failures (errors, panics) and async handlers.

use std::task::Poll;

use super::super::*;
use super::{ProductCreatedKind, asynch, log, sync, take_log, typed_event, yield_once};

// ---- failures -------------------------------------------------------------------------------

#[derive(Debug)]
struct Layer(&'static str, Option<Box<Layer>>);

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Layer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1.as_deref().map(|e| e as _)
    }
}

fn ok(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("ok");
    Ok(())
}
fn fails(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("fails");
    let root = Layer("connection reset", None);
    Err(Box::new(Layer(
        "saving product",
        Some(Box::new(Layer("db", Some(Box::new(root))))),
    )))
}
fn panics(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("panics");
    panic!("sync boom {}", 42);
}
fn async_panics<'a>(_: &'a Invocation<'a>) -> HandlerFuture<'a> {
    Box::pin(async {
        yield_once().await;
        log("async_panics");
        panic!("async boom");
    })
}
fn panics_before_future<'a>(_: &'a Invocation<'a>) -> HandlerFuture<'a> {
    log("panics_before_future");
    panic!("no future");
}
fn async_fails<'a>(inv: &'a Invocation<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        yield_once().await;
        log("async_fails");
        Err(format!("cannot sync {}", inv.context().id).into())
    })
}
fn after(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("after");
    Ok(())
}

static FAILING: [Handler; 7] = [
    sync("product.created", "t::a_ok", ok),
    sync("product.created", "t::b_fails", fails),
    sync("product.created", "t::c_panics", panics),
    asynch("product.created", "t::d_async_panics", async_panics),
    asynch(
        "product.created",
        "t::e_panics_before_future",
        panics_before_future,
    ),
    asynch("product.created", "t::f_async_fails", async_fails),
    sync(Handler::ANY, "t::g_after", after),
];

fn assert_every_failure_reported(result: Result<Dispatched, DispatchError>) {
    let err = result.unwrap_err();
    assert_eq!(
        take_log(),
        [
            "ok",
            "fails",
            "panics",
            "async_panics",
            "panics_before_future",
            "async_fails",
            "after"
        ]
    );
    assert_eq!(
        (err.event_id.as_str(), err.event_type.as_str(), err.ran),
        ("evt_fail", "product.created", 7)
    );
    let expected = [
        (
            "t::b_fails",
            FailureKind::Error("saving product: db: connection reset".into()),
        ),
        ("t::c_panics", FailureKind::Panic("sync boom 42".into())),
        ("t::d_async_panics", FailureKind::Panic("async boom".into())),
        (
            "t::e_panics_before_future",
            FailureKind::Panic("no future".into()),
        ),
        (
            "t::f_async_fails",
            FailureKind::Error("cannot sync evt_fail".into()),
        ),
    ];
    let got: Vec<_> = err
        .failures
        .iter()
        .map(|f| (f.handler, f.kind.clone()))
        .collect();
    assert_eq!(got, expected);
    let text = err.to_string();
    assert!(
        text.starts_with("event evt_fail (product.created): 5 webhook handlers failed: "),
        "{text}"
    );
    for (handler, _) in expected {
        assert!(text.contains(&format!("handler `{handler}` ")), "{text}");
    }
    assert!(
        text.contains("returned an error: saving product: db: connection reset"),
        "{text}"
    );
    assert!(text.contains("panicked: async boom"), "{text}");
}

#[test]
fn blocking_runs_every_handler_and_reports_every_failure() {
    let dispatcher = Dispatcher::from_handlers(&FAILING);
    assert_every_failure_reported(dispatcher.dispatch_blocking(&typed_event("evt_fail")));
}

#[tokio::test]
async fn async_runs_every_handler_and_reports_every_failure() {
    let dispatcher = Dispatcher::from_handlers(&FAILING);
    assert_every_failure_reported(dispatcher.dispatch(&typed_event("evt_fail")).await);
}

// ---- async handlers -------------------------------------------------------------------------

fn async_first<'a>(inv: &'a Invocation<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        log("async_first:start");
        yield_once().await;
        assert_eq!(inv.payload::<ProductCreatedKind>().unwrap().id, "prod_1");
        log("async_first:end");
        Ok(())
    })
}
fn sync_between(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("sync_between");
    Ok(())
}
/// Waits for another thread to wake it.
fn async_woken_elsewhere<'a>(_: &'a Invocation<'a>) -> HandlerFuture<'a> {
    Box::pin(async {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let state = std::sync::Arc::new(std::sync::Mutex::new(None::<std::task::Waker>));
        let mut spawned = false;
        std::future::poll_fn(move |cx| {
            if rx.try_recv().is_ok() {
                return Poll::Ready(());
            }
            *state.lock().unwrap() = Some(cx.waker().clone());
            if !spawned {
                spawned = true;
                let (tx, state) = (tx.clone(), state.clone());
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    tx.send(()).unwrap();
                    state.lock().unwrap().take().unwrap().wake();
                });
            }
            Poll::Pending
        })
        .await;
        log("async_woken_elsewhere");
        Ok(())
    })
}

static ASYNC: [Handler; 3] = [
    asynch("product.created", "a::first", async_first),
    sync("product.created", "b::between", sync_between),
    asynch(
        "product.created",
        "c::woken_elsewhere",
        async_woken_elsewhere,
    ),
];

const ASYNC_LOG: [&str; 4] = [
    "async_first:start",
    "async_first:end",
    "sync_between",
    "async_woken_elsewhere",
];

#[tokio::test]
async fn async_handlers_are_awaited_in_order_under_tokio() {
    let dispatcher = std::sync::Arc::new(Dispatcher::from_handlers(&ASYNC));
    let event = typed_event("evt_async");
    assert_eq!(
        dispatcher.dispatch(&event).await,
        Ok(Dispatched { ran: 3, skipped: 0 })
    );
    assert_eq!(take_log(), ASYNC_LOG);
    // The dispatch future is Send: it can be spawned.
    let spawned = tokio::spawn({
        let dispatcher = dispatcher.clone();
        async move { dispatcher.dispatch(&event).await.map(|d| (d, take_log())) }
    });
    let (dispatched, log) = spawned.await.unwrap().unwrap();
    assert_eq!((dispatched.ran, log), (3, ASYNC_LOG.to_vec()));
}

#[test]
fn dispatch_blocking_runs_async_handlers() {
    let dispatcher = Dispatcher::from_handlers(&ASYNC);
    assert_eq!(
        dispatcher.dispatch_blocking(&typed_event("evt_block")),
        Ok(Dispatched { ran: 3, skipped: 0 })
    );
    assert_eq!(take_log(), ASYNC_LOG);
}

#[test]
fn dispatcher_and_dispatch_future_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let dispatcher = Dispatcher::from_handlers(&ASYNC);
    let event = typed_event("evt_send");
    send_sync(&dispatcher);
    let future = dispatcher.dispatch(&event);
    send(&future);
    drop(future);
    send_sync(&ASYNC[0]);
}
