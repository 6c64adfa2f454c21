//! The writer's queue: requests waiting for their batch, and how the next
//! batch is taken from it.

use std::collections::HashSet;

use tokio::sync::{mpsc, oneshot};

use super::job::{Job, StoreOutcome};
use super::rows::weight;
use crate::error::AppError;

/// Most requests stored in one batch.
pub(super) const MAX_BATCH: usize = 64;
/// Most bytes of rows sent in one batch over TLS, roughly ([`weight`]).
/// The PostgreSQL driver leaves Nagle's algorithm on (sqlx 0.9.0, upstream
/// issue launchbadge/sqlx#4335), and over TLS a message longer than one
/// record (16 KiB) leaves in two writes, the second of which waits for the
/// server's delayed acknowledgement: 40 ms. A batch that stays within one
/// record goes in one write. Without TLS a message leaves in one write
/// whatever its length.
pub(super) const MAX_BATCH_BYTES: usize = 12 * 1024;
/// Requests waiting for the writer beyond which new ones wait to be queued.
pub(super) const QUEUE: usize = 1024;

/// Where a request's outcome goes.
pub(super) type Reply = oneshot::Sender<Result<StoreOutcome, AppError>>;

/// A request in the queue, with where its outcome goes.
pub(super) struct Queued {
    pub job: Job,
    pub reply: Reply,
}

/// The jobs of a batch, and where their outcomes go, in the same order.
pub(super) fn split(batch: Vec<Queued>) -> (Vec<Job>, Vec<Reply>) {
    batch.into_iter().map(|q| (q.job, q.reply)).unzip()
}

/// Where the workers take their batches from.
pub(super) struct Inbox {
    pub(super) queue: mpsc::Receiver<Queued>,
    /// Requests held back from the last batch.
    pub(super) waiting: Vec<Queued>,
    /// Over TLS, the most bytes of rows a batch holds ([`MAX_BATCH_BYTES`]).
    pub(super) max_bytes: Option<usize>,
}

impl Inbox {
    /// The next batch; `None` once the writer is dropped. Requests held
    /// back from the last batch go first, with whatever came meanwhile;
    /// with none, it waits for the next.
    pub(super) async fn next(&mut self) -> Option<Vec<Queued>> {
        if self.waiting.is_empty() && self.queue.recv_many(&mut self.waiting, MAX_BATCH).await == 0
        {
            return None;
        }
        while self.waiting.len() < MAX_BATCH {
            match self.queue.try_recv() {
                Ok(queued) => self.waiting.push(queued),
                Err(_) => break,
            }
        }
        let (batch, later) = next_batch(std::mem::take(&mut self.waiting), self.max_bytes);
        self.waiting = later;
        Some(batch)
    }
}

/// Splits the queue into the next batch and the requests that wait for
/// the one after: those whose key an earlier request in the queue carries,
/// and those beyond `max_bytes` (a batch takes at least one).
fn next_batch(queued: Vec<Queued>, max_bytes: Option<usize>) -> (Vec<Queued>, Vec<Queued>) {
    let mut keys = HashSet::new();
    let mut bytes = 0;
    let mut batch = Vec::with_capacity(queued.len());
    let mut later = Vec::new();
    for q in queued {
        let first_with_key = match &q.job.claim {
            Some(claim) => keys.insert(claim.key.clone()),
            None => true,
        };
        // Weighed only against a budget, and only if it could go in.
        let fits = first_with_key
            && max_bytes.is_none_or(|max| {
                let weight = weight(&q.job);
                let fits = batch.is_empty() || bytes + weight <= max;
                if fits {
                    bytes += weight;
                }
                fits
            });
        if fits {
            batch.push(q);
        } else {
            later.push(q);
        }
    }
    (batch, later)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::job;
    use super::*;

    fn queue(jobs: Vec<Job>) -> Vec<Queued> {
        jobs.into_iter()
            .map(|job| Queued {
                job,
                reply: oneshot::channel().0,
            })
            .collect()
    }

    fn keys(queued: &[Queued]) -> Vec<&str> {
        queued
            .iter()
            .map(|q| q.job.claim.as_ref().map_or("-", |c| c.key.as_str()))
            .collect()
    }

    #[test]
    fn a_key_waits_for_the_next_batch_behind_its_first_request() {
        let (batch, later) = next_batch(
            queue(vec![
                job(Some("a"), 0, 1),
                job(Some("b"), 0, 1),
                job(Some("a"), 0, 1),
                job(None, 0, 1),
                job(Some("b"), 0, 1),
            ]),
            None,
        );
        assert_eq!(keys(&batch), ["a", "b", "-"]);
        assert_eq!(keys(&later), ["a", "b"]);
    }

    #[test]
    fn over_tls_a_batch_stays_within_its_bytes_and_takes_at_least_one() {
        // Long messages: about 2.5 KB each, so four fit and the rest wait in order.
        let names = ["1", "2", "3", "4", "5", "6", "7"];
        let jobs = names.iter().map(|k| job(Some(k), 2000, 3)).collect();
        let (batch, later) = next_batch(queue(jobs), Some(MAX_BATCH_BYTES));
        let weight: usize = batch.iter().map(|q| weight(&q.job)).sum();
        assert!(weight <= MAX_BATCH_BYTES, "{weight} bytes");
        assert_eq!(keys(&batch), ["1", "2", "3", "4"]);
        assert_eq!(keys(&later), ["5", "6", "7"]);

        // Without TLS there is no budget.
        let jobs = names.iter().map(|k| job(Some(k), 2000, 3)).collect();
        let (batch, later) = next_batch(queue(jobs), None);
        assert_eq!(keys(&batch), names);
        assert!(later.is_empty());

        let huge = job(Some("huge"), MAX_BATCH_BYTES * 2, 1);
        let (batch, later) = next_batch(
            queue(vec![huge, job(Some("small"), 0, 1)]),
            Some(MAX_BATCH_BYTES),
        );
        assert_eq!(keys(&batch), ["huge"]);
        assert_eq!(keys(&later), ["small"]);
    }
}
