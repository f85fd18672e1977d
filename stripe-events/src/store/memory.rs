//! [`MemoryStore`]: the event store in memory (no database compiled in).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::mirror::{MirroredObject, ObjectStore, ObjectWrite};

use super::{
    Claim, EventStore, Job, MAX_INVALID_BODY, RecordedEvent, Status, StatusChange, StoreError,
    StoredDelivery, finishing, lease_end, sniff_id_and_type, unix_now,
};

/// An [`EventStore`] in memory, gone when dropped: the receiver's default, and a store for
/// tests. De-duplication and claims work within one process only.
///
/// ```
/// use stripe_events::store::{EventStore, MemoryStore, Status};
///
/// let store = MemoryStore::new();
/// store.record_rejected(b"{}", false, "no signature", 1_700_000_000)?;
/// assert_eq!(store.list(Some(Status::Failed))?.len(), 1);
/// # Ok::<(), stripe_events::store::StoreError>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
    /// The mirror's objects ([`ObjectStore`]), by type and id.
    objects: Mutex<BTreeMap<(String, String), MirroredObject>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Every delivery, in received order.
    rows: Vec<Row>,
    /// Event id -> index of its authentic delivery.
    authentic: HashMap<String, usize>,
    application: Option<String>,
    /// The last `row_id` given (ids are never reused, also after [`EventStore::prune`]).
    last_row_id: i64,
}

#[derive(Debug)]
struct Row {
    delivery: StoredDelivery,
    /// Set while a claim runs the handlers (unix seconds).
    lease_until: Option<i64>,
    /// When the queue may claim it (unix seconds); `None`: not queued.
    run_after: Option<i64>,
    /// A rejected delivery (never claimed; its event id may repeat).
    rejected: bool,
    history: Vec<StatusChange>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // Every update below is complete before anything can panic: the data stays consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ObjectStore for MemoryStore {
    fn put_object(&self, write: &ObjectWrite<'_>) -> Result<bool, StoreError> {
        // One lock around the compare and the write: atomic.
        let mut objects = lock(&self.objects);
        let key = (write.object_type.to_owned(), write.id.to_owned());
        if let Some(stored) = objects.get(&key) {
            if !write.replaces(stored) {
                return Ok(false);
            }
        }
        objects.insert(
            key,
            MirroredObject {
                object_type: write.object_type.to_owned(),
                id: write.id.to_owned(),
                json: write.json.to_owned(),
                event_id: write.event_id.to_owned(),
                event_created: write.event_created,
                rank: write.rank,
                deleted: write.deleted,
                fetched_at: write.fetched_at,
            },
        );
        Ok(true)
    }

    fn get_object(
        &self,
        object_type: &str,
        id: &str,
    ) -> Result<Option<MirroredObject>, StoreError> {
        let key = (object_type.to_owned(), id.to_owned());
        Ok(lock(&self.objects).get(&key).cloned())
    }

    fn list_objects(&self, object_type: &str) -> Result<Vec<MirroredObject>, StoreError> {
        Ok(lock(&self.objects)
            .range((object_type.to_owned(), String::new())..)
            .take_while(|((t, _), _)| t == object_type)
            .map(|(_, o)| o.clone())
            .collect())
    }
}

/// A mutex's guard; every update under it is complete before anything can panic.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

const NO_SUCH_EVENT: &str = "no such event in the store";

impl Inner {
    fn authentic_mut(&mut self, event_id: &str) -> Option<&mut Row> {
        let index = *self.authentic.get(event_id)?;
        self.rows.get_mut(index)
    }

    /// Appends a delivery: authentic and queued from `received_at`, or rejected.
    fn push(&mut self, mut delivery: StoredDelivery, rejected: bool) -> usize {
        let run_after = (!rejected).then_some(delivery.received_at);
        let index = self.rows.len();
        self.last_row_id += 1;
        delivery.row_id = self.last_row_id;
        self.rows.push(Row {
            delivery,
            lease_until: None,
            run_after,
            rejected,
            history: Vec::new(),
        });
        index
    }

    /// Takes a lease on the row and counts an attempt; returns the attempt.
    fn start(row: &mut Row, now: i64, lease: Duration) -> u32 {
        row.delivery.status = Status::Pending;
        row.delivery.attempts += 1;
        row.lease_until = Some(lease_end(now, lease));
        row.history.push(StatusChange {
            at: now,
            status: Status::Pending,
            attempt: row.delivery.attempts,
            error: None,
        });
        row.delivery.attempts
    }
}

impl EventStore for MemoryStore {
    fn record(
        &self,
        event: &dyn RecordedEvent,
        body: &[u8],
        received_at: i64,
    ) -> Result<(), StoreError> {
        let mut inner = self.inner();
        if let Some(row) = inner.authentic_mut(event.event_id()) {
            // Stripe delivers a failed event again: queued again if it was out of the queue.
            if row.delivery.status == Status::Failed && row.run_after.is_none() {
                row.run_after = Some(received_at);
            }
            return Ok(());
        }
        let index = inner.push(
            StoredDelivery {
                row_id: 0,
                event_id: Some(event.event_id().to_owned()),
                event_type: Some(event.event_type().to_owned()),
                api_version: event.api_version().map(str::to_owned),
                account: event.account().map(str::to_owned),
                livemode: Some(event.livemode()),
                received_at,
                body: body.to_vec(),
                signature_valid: true,
                status: Status::Pending,
                attempts: 0,
                last_error: None,
                valid: None,
            },
            false,
        );
        inner.authentic.insert(event.event_id().to_owned(), index);
        Ok(())
    }

    fn record_rejected(
        &self,
        body: &[u8],
        signature_valid: bool,
        reason: &str,
        received_at: i64,
    ) -> Result<(), StoreError> {
        let (event_id, event_type) = sniff_id_and_type(body);
        self.inner().push(
            StoredDelivery {
                row_id: 0,
                event_id,
                event_type,
                api_version: None,
                account: None,
                livemode: None,
                received_at,
                body: body[..body.len().min(MAX_INVALID_BODY)].to_vec(),
                signature_valid,
                status: Status::Failed,
                attempts: 0,
                last_error: Some(reason.to_owned()),
                valid: None,
            },
            true,
        );
        Ok(())
    }

    fn claim(&self, event_id: &str, now: i64, lease: Duration) -> Result<Claim, StoreError> {
        let mut inner = self.inner();
        let row = inner
            .authentic_mut(event_id)
            .ok_or_else(|| StoreError::new(format!("claiming {event_id}"), NO_SUCH_EVENT))?;
        if row.delivery.status == Status::Processed {
            return Ok(Claim::AlreadyProcessed);
        }
        if row.lease_until.is_some_and(|until| until > now) {
            return Ok(Claim::InProgress);
        }
        Ok(Claim::Run {
            attempt: Inner::start(row, now, lease),
        })
    }

    fn finish(
        &self,
        event_id: &str,
        status: Status,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut inner = self.inner();
        let row = inner
            .authentic_mut(event_id)
            .ok_or_else(|| StoreError::new(finishing(status, event_id), NO_SUCH_EVENT))?;
        let now = unix_now();
        row.delivery.status = status;
        row.delivery.last_error = error.map(str::to_owned);
        row.lease_until = None;
        row.run_after = (status == Status::Pending).then_some(now);
        row.history.push(StatusChange {
            at: now,
            status,
            attempt: row.delivery.attempts,
            error: row.delivery.last_error.clone(),
        });
        Ok(())
    }

    fn claim_next(&self, now: i64, lease: Duration) -> Result<Option<Job>, StoreError> {
        let mut inner = self.inner();
        let next = inner
            .authentic
            .values()
            .map(|&index| (index, &inner.rows[index]))
            .filter(|(_, row)| {
                matches!(row.delivery.status, Status::Pending | Status::Failed)
                    && row.run_after.is_some_and(|at| at <= now)
                    && row.lease_until.is_none_or(|until| until <= now)
            })
            .min_by_key(|(_, row)| (row.run_after, row.delivery.row_id))
            .map(|(index, _)| index);
        let Some(index) = next else {
            return Ok(None);
        };
        let row = &mut inner.rows[index];
        let attempt = Inner::start(row, now, lease);
        Ok(Some(Job {
            event_id: row.delivery.event_id.clone().unwrap_or_default(),
            attempt,
            body: row.delivery.body.clone(),
        }))
    }

    fn retry_at(&self, event_id: &str, error: &str, run_after: i64) -> Result<(), StoreError> {
        let mut inner = self.inner();
        let row = inner.authentic_mut(event_id).ok_or_else(|| {
            StoreError::new(format!("scheduling a retry of {event_id}"), NO_SUCH_EVENT)
        })?;
        row.delivery.status = Status::Failed;
        row.delivery.last_error = Some(error.to_owned());
        row.lease_until = None;
        row.run_after = Some(run_after);
        row.history.push(StatusChange {
            at: unix_now(),
            status: Status::Failed,
            attempt: row.delivery.attempts,
            error: Some(error.to_owned()),
        });
        Ok(())
    }

    fn set_valid(&self, event_id: &str, valid: bool) -> Result<(), StoreError> {
        let mut inner = self.inner();
        let row = inner.authentic_mut(event_id).ok_or_else(|| {
            StoreError::new(
                format!("recording the validation of {event_id}"),
                NO_SUCH_EVENT,
            )
        })?;
        row.delivery.valid = Some(valid);
        Ok(())
    }

    fn prune(&self, received_before: i64) -> Result<u64, StoreError> {
        let mut inner = self.inner();
        let before = inner.rows.len();
        inner.rows.retain(|row| {
            !(!row.rejected
                && row.delivery.status == Status::Processed
                && row.delivery.received_at < received_before)
        });
        let pruned = before - inner.rows.len();
        if pruned > 0 {
            let authentic = inner
                .rows
                .iter()
                .enumerate()
                .filter(|(_, row)| !row.rejected)
                .filter_map(|(index, row)| Some((row.delivery.event_id.clone()?, index)))
                .collect();
            inner.authentic = authentic;
        }
        Ok(u64::try_from(pruned).unwrap_or(u64::MAX))
    }

    fn bind_application(&self, application: &str) -> Result<String, StoreError> {
        Ok(self
            .inner()
            .application
            .get_or_insert_with(|| application.to_owned())
            .clone())
    }

    fn application(&self) -> Result<Option<String>, StoreError> {
        Ok(self.inner().application.clone())
    }

    fn history(&self, event_id: &str) -> Result<Vec<StatusChange>, StoreError> {
        Ok(self
            .inner()
            .authentic_mut(event_id)
            .map(|row| row.history.clone())
            .unwrap_or_default())
    }

    fn get(&self, event_id: &str) -> Result<Option<StoredDelivery>, StoreError> {
        let inner = self.inner();
        if let Some(&index) = inner.authentic.get(event_id) {
            return Ok(Some(inner.rows[index].delivery.clone()));
        }
        Ok(inner
            .rows
            .iter()
            .rev()
            .find(|row| row.delivery.event_id.as_deref() == Some(event_id))
            .map(|row| row.delivery.clone()))
    }

    fn list(&self, status: Option<Status>) -> Result<Vec<StoredDelivery>, StoreError> {
        Ok(self
            .inner()
            .rows
            .iter()
            .filter(|row| status.is_none_or(|s| row.delivery.status == s))
            .map(|row| row.delivery.clone())
            .collect())
    }
}
