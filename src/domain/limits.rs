//! Rate limits counted in the database, so that every instance of the service
//! sees the same count: one row per bucket and fixed window, incremented with
//! atomic upserts, for many attempts at once. The limit is held over a sliding window: the hits
//! of the current window plus those of the previous one, weighted by how much
//! of it the sliding window still covers, so that crossing a window boundary
//! does not let a burst through.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv6Addr};

use chrono::{DateTime, Duration, DurationRound, Utc};
use entity::rate_limit_counter;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    QueryFilter, Statement, TransactionTrait,
};

/// At most `max` hits per `window` in one bucket.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// A bucket name that does not reveal what it counts: `scope:` then a hash of
/// the value (an IP address, an email).
pub fn bucket(scope: &str, value: &str) -> String {
    let hex = crate::digest::sha256_hex(format!("{scope}\u{0}{value}").as_bytes());
    format!("{scope}:{}", &hex[..32])
}

/// What a client's hits are counted under: an IPv4 address itself, and an
/// IPv6 address by its /64 network (`2001:db8:1:2::/64`). A subscriber is
/// usually given a whole /64, so counting each address alone would let one
/// client start a fresh count with every request.
pub fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => {
            let network = Ipv6Addr::from(u128::from(ip) & (u128::MAX << 64));
            format!("{network}/64")
        }
    }
}

/// What one attempt of a client counts against under `scope`: its address
/// (`{scope}:ip`, by [`client_key`]) and an email (`{scope}:email`), each
/// only where its limit is set and, for the address, where it is known. The
/// address comes first: of two refusals, its is the one told.
pub fn client_hits(
    scope: &str,
    per_ip: Option<Limit>,
    ip: Option<IpAddr>,
    per_email: Option<Limit>,
    email: &str,
) -> Vec<Hit> {
    let ip = per_ip.zip(ip).map(|(limit, ip)| Hit {
        bucket: bucket(&format!("{scope}:ip"), &client_key(ip)),
        limit,
    });
    let email = per_email.map(|limit| Hit {
        bucket: bucket(&format!("{scope}:email"), email),
        limit,
    });
    ip.into_iter().chain(email).collect()
}

/// A hit to count: in which bucket, held to which limit.
#[derive(Clone, Debug)]
pub struct Hit {
    pub bucket: String,
    pub limit: Limit,
}

/// What one attempt asks to count: a hit in each of its buckets, at `at`.
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    pub hits: &'a [Hit],
    pub at: DateTime<Utc>,
}

/// A bucket's fixed window: the bucket and when the window started.
type Slot = (String, DateTime<Utc>);

/// Counts the asks in order, each as one attempt: one whose every hit stays
/// within its bucket's limit is counted in all of them; one that would go
/// over any is refused with `Err(seconds)`, the earliest another may pass,
/// and counts nothing in any bucket. Returns one verdict per ask.
///
/// However many asks: one upsert adds the hits of each window at once
/// (locking its rows until the transaction ends, so that instances count in
/// turn) and reads the windows back with the ones before them, in one
/// statement on PostgreSQL and two elsewhere; one more per window takes
/// back the hits of refused asks, if any. Call it inside the transaction of
/// what it counts, so that an attempt that fails later, rolled back, counts
/// nothing either.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    asks: &[Ask<'_>],
) -> Result<Vec<Result<(), i64>>, DbErr> {
    let slots = asks
        .iter()
        .map(|ask| ask.hits.iter().map(|hit| slot(hit, ask.at)).collect())
        .collect::<Result<Vec<Vec<Slot>>, DbErr>>()?;
    let added = tally(slots.iter().flatten());
    if added.is_empty() {
        return Ok(vec![Ok(()); asks.len()]);
    }
    let stored = add_and_read(db, &added, &previous(asks, &slots, &added)).await?;
    let (verdicts, kept) = judge_in_order(asks, &slots, &added, &stored);
    let refused: BTreeMap<Slot, i32> = added
        .into_iter()
        .filter_map(|(slot, n)| {
            let kept = kept.get(&slot).copied().unwrap_or(0);
            (kept < n).then_some((slot, n - kept))
        })
        .collect();
    take_back(db, &refused).await?;
    Ok(verdicts)
}

/// The verdict on each ask, in order, from what the slots hold with every
/// ask `added` (`stored`): each ask sees the hits before it that were kept,
/// and its own. Also how many of its added hits each slot keeps.
fn judge_in_order<'a>(
    asks: &[Ask<'_>],
    slots: &'a [Vec<Slot>],
    added: &BTreeMap<Slot, i32>,
    stored: &BTreeMap<Slot, i32>,
) -> (Vec<Result<(), i64>>, BTreeMap<&'a Slot, i32>) {
    let held = |slot: &Slot| stored.get(slot).copied().unwrap_or(0);
    let before = |slot: &Slot| held(slot) - added.get(slot).copied().unwrap_or(0);
    let mut kept: BTreeMap<&Slot, i32> = BTreeMap::new();
    let verdicts = asks
        .iter()
        .zip(slots)
        .map(|(ask, slots)| {
            let verdict =
                ask.hits
                    .iter()
                    .zip(slots)
                    .enumerate()
                    .try_for_each(|(i, (hit, slot))| {
                        // An ask counting twice in one slot sees its own first hit.
                        let own = slots[..i].iter().filter(|s| *s == slot).count() as i32;
                        let current = before(slot) + kept.get(slot).copied().unwrap_or(0) + own + 1;
                        let previous = held(&(slot.0.clone(), slot.1 - hit.limit.window));
                        judge(
                            f64::from(current),
                            f64::from(previous),
                            hit.limit,
                            (ask.at - slot.1).as_seconds_f64(),
                        )
                    });
            if verdict.is_ok() {
                for slot in slots {
                    *kept.entry(slot).or_insert(0) += 1;
                }
            }
            verdict
        })
        .collect();
    (verdicts, kept)
}

/// The window of `limit` that `at` falls in, for `hit`'s bucket.
fn slot(hit: &Hit, at: DateTime<Utc>) -> Result<Slot, DbErr> {
    Ok((hit.bucket.clone(), windows(&hit.limit, at)?.0))
}

/// When the window of `limit` that `at` falls in starts, and when the one
/// before it does.
pub fn windows(limit: &Limit, at: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), DbErr> {
    let start = at
        .duration_trunc(limit.window)
        .map_err(|e| DbErr::Custom(format!("rate-limit window: {e}")))?;
    Ok((start, start - limit.window))
}

/// How many hits each slot gets, in the order rows are locked in: the same
/// on every instance, so that two never wait for each other.
fn tally<'a>(slots: impl Iterator<Item = &'a Slot>) -> BTreeMap<Slot, i32> {
    let mut tally = BTreeMap::new();
    for slot in slots {
        *tally.entry(slot.clone()).or_insert(0) += 1;
    }
    tally
}

/// The windows before the asks' windows, but those that are some ask's
/// window themselves (read back by [`add_and_read`] already).
fn previous(asks: &[Ask<'_>], slots: &[Vec<Slot>], added: &BTreeMap<Slot, i32>) -> BTreeSet<Slot> {
    asks.iter()
        .zip(slots)
        .flat_map(|(ask, slots)| {
            ask.hits
                .iter()
                .zip(slots)
                .map(|(hit, (bucket, start))| (bucket.clone(), *start - hit.limit.window))
        })
        .filter(|slot| !added.contains_key(slot))
        .collect()
}

/// Adds each slot's hits, and reads them back with the hits of the
/// `previous` windows. On PostgreSQL in one statement, since a round trip
/// there costs more than the statement; elsewhere in two.
async fn add_and_read<C: ConnectionTrait>(
    db: &C,
    added: &BTreeMap<Slot, i32>,
    previous: &BTreeSet<Slot>,
) -> Result<BTreeMap<Slot, i32>, DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        return add_and_read_postgres(db, added, previous).await;
    }
    add(db, added).await?;
    let mut slots: BTreeSet<Slot> = added.keys().cloned().collect();
    slots.extend(previous.iter().cloned());
    read(db, &slots).await
}

/// [`add_and_read`] in one statement. Its rows come as JSON parameters, so
/// that its text, and so its prepared statement, is the same however many
/// there are. The earlier windows are read by a subquery per slot, which
/// PostgreSQL plans as a probe of the primary key even over a small table,
/// where a join would be planned as a scan of the whole table.
const ADD_AND_READ_POSTGRES: &str = r#"
WITH added AS (
    INSERT INTO rate_limit_counter (bucket, window_start, hits)
    SELECT bucket, window_start, hits
    FROM jsonb_to_recordset($1::jsonb) AS a(bucket text, window_start timestamptz, hits integer)
    ORDER BY bucket, window_start
    ON CONFLICT (bucket, window_start)
    DO UPDATE SET hits = rate_limit_counter.hits + excluded.hits
    RETURNING bucket, window_start, hits
)
SELECT bucket, window_start, hits FROM added
UNION ALL
SELECT bucket, window_start, hits FROM (
    SELECT p.bucket, p.window_start,
        (SELECT c.hits FROM rate_limit_counter c
         WHERE c.bucket = p.bucket AND c.window_start = p.window_start) AS hits
    FROM jsonb_to_recordset($2::jsonb) AS p(bucket text, window_start timestamptz)
) earlier
WHERE hits IS NOT NULL
"#;

async fn add_and_read_postgres<C: ConnectionTrait>(
    db: &C,
    added: &BTreeMap<Slot, i32>,
    previous: &BTreeSet<Slot>,
) -> Result<BTreeMap<Slot, i32>, DbErr> {
    let added: Vec<serde_json::Value> = added
        .iter()
        .map(|((bucket, start), hits)| {
            serde_json::json!({ "bucket": bucket, "window_start": start, "hits": hits })
        })
        .collect();
    let previous: Vec<serde_json::Value> = previous
        .iter()
        .map(|(bucket, start)| serde_json::json!({ "bucket": bucket, "window_start": start }))
        .collect();
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        ADD_AND_READ_POSTGRES,
        [
            serde_json::Value::from(added).into(),
            serde_json::Value::from(previous).into(),
        ],
    );
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| {
            Ok((
                (row.try_get("", "bucket")?, row.try_get("", "window_start")?),
                row.try_get("", "hits")?,
            ))
        })
        .collect()
}

/// Adds each slot's hits in one upsert.
async fn add<C: ConnectionTrait>(db: &C, added: &BTreeMap<Slot, i32>) -> Result<(), DbErr> {
    let rows = added
        .iter()
        .map(|((bucket, start), n)| rate_limit_counter::ActiveModel {
            bucket: Set(bucket.clone()),
            window_start: Set(*start),
            hits: Set(*n),
        });
    let hits = (rate_limit_counter::Entity, rate_limit_counter::Column::Hits);
    let excluded = (Alias::new("excluded"), rate_limit_counter::Column::Hits);
    rate_limit_counter::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                rate_limit_counter::Column::Bucket,
                rate_limit_counter::Column::WindowStart,
            ])
            .value(
                rate_limit_counter::Column::Hits,
                Expr::col(hits).add(Expr::col(excluded)),
            )
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The hits of these slots (a slot nobody counted in has no row).
async fn read<C: ConnectionTrait>(
    db: &C,
    slots: &BTreeSet<Slot>,
) -> Result<BTreeMap<Slot, i32>, DbErr> {
    let buckets: BTreeSet<&str> = slots.iter().map(|(bucket, _)| bucket.as_str()).collect();
    let starts: BTreeSet<DateTime<Utc>> = slots.iter().map(|(_, start)| *start).collect();
    let rows = rate_limit_counter::Entity::find()
        .filter(rate_limit_counter::Column::Bucket.is_in(buckets))
        .filter(rate_limit_counter::Column::WindowStart.is_in(starts))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| ((row.bucket, row.window_start), row.hits))
        .filter(|(slot, _)| slots.contains(slot))
        .collect())
}

/// Counts one attempt before it is made, in a transaction of its own so that
/// every instance sees it at once: `Err(seconds)` when it would go over a
/// limit (and then it counted nothing). However many attempts arrive
/// together, no more than the limit get through.
pub async fn reserve(
    db: &sea_orm::DatabaseConnection,
    ask: Ask<'_>,
) -> Result<Result<(), i64>, DbErr> {
    if ask.hits.is_empty() {
        return Ok(Ok(()));
    }
    let txn = db.begin().await?;
    let verdict = count(&txn, &[ask]).await?;
    txn.commit().await?;
    Ok(verdict.into_iter().next().unwrap_or(Ok(())))
}

/// Takes back the hits of one attempt counted with [`count`] that turned
/// out not to count (a sign-in that succeeded, a lookup that found what it
/// looked for), so that only failures are held against a limit while
/// every attempt is counted before it is made.
pub async fn release<C: ConnectionTrait>(db: &C, ask: Ask<'_>) -> Result<(), DbErr> {
    let slots = ask
        .hits
        .iter()
        .map(|hit| slot(hit, ask.at))
        .collect::<Result<Vec<Slot>, DbErr>>()?;
    take_back(db, &tally(slots.iter())).await
}

/// Subtracts these hits, one statement per slot.
async fn take_back<C: ConnectionTrait>(db: &C, hits: &BTreeMap<Slot, i32>) -> Result<(), DbErr> {
    for ((bucket, start), n) in hits {
        rate_limit_counter::Entity::update_many()
            .col_expr(
                rate_limit_counter::Column::Hits,
                Expr::col(rate_limit_counter::Column::Hits).sub(*n),
            )
            .filter(rate_limit_counter::Column::Bucket.eq(bucket.as_str()))
            .filter(rate_limit_counter::Column::WindowStart.eq(*start))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Whether `current` hits in this window (this one included) and `previous`
/// in the one before, `elapsed` seconds into this one, stay within `limit`; if
/// not, the seconds until a retry would pass, at most one window (a hint: a
/// retry that comes too early is refused again with a new one).
fn judge(current: f64, previous: f64, limit: Limit, elapsed: f64) -> Result<(), i64> {
    let window = limit.window.as_seconds_f64();
    let max = f64::from(limit.max);
    let share = ((window - elapsed) / window).clamp(0.0, 1.0);
    if current + previous * share <= max {
        return Ok(());
    }
    let wait = if current <= max && previous > 0.0 {
        // Once the previous window's weighted share has shrunk enough.
        window * (1.0 - (max - current) / previous) - elapsed
    } else {
        // In the next window, once this one's hits (a refused one is not
        // kept) weigh little enough.
        let kept = (current - 1.0).max(1.0);
        (window - elapsed) + window * (1.0 - (max - 1.0) / kept).clamp(0.0, 1.0)
    };
    Err(wait.clamp(1.0, window).ceil() as i64)
}

/// Forgets the counts of windows that started before `before` (keep the
/// previous window of every limit: it still weighs on the current one).
pub async fn prune<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(rate_limit_counter::Entity::delete_many()
        .filter(rate_limit_counter::Column::WindowStart.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_across_a_window_boundary_is_still_limited() {
        let limit = Limit {
            max: 5,
            window: Duration::hours(1),
        };
        // 5 at the end of one window, then a 6th a second into the next.
        assert!(judge(5.0, 0.0, limit, 3599.0).is_ok());
        // Once 4 of the previous 5 are left in the sliding hour: 720 s in.
        assert_eq!(judge(1.0, 5.0, limit, 1.0), Err(719));
        // Later in the window the old hits weigh less.
        assert!(judge(1.0, 5.0, limit, 1800.0).is_ok());
        // Over the limit within one window: into the next, at most a window away.
        let refused = judge(6.0, 0.0, limit, 600.0).unwrap_err();
        assert!((3000..=3600).contains(&refused), "{refused}");
    }

    /// The booking writer's one-statement batches rely on this: a window's
    /// hits, every one counted, plus all of the window before within the
    /// limit, and no attempt is refused, however far into its window.
    #[test]
    fn within_the_limit_with_all_of_the_window_before_passes_at_any_time() {
        let limit = Limit {
            max: 5,
            window: Duration::hours(1),
        };
        for current in 1..=5 {
            for previous in 0..=(5 - current) {
                for elapsed in [0.0, 1.0, 1800.0, 3599.0, 3600.0] {
                    let verdict = judge(f64::from(current), f64::from(previous), limit, elapsed);
                    assert!(verdict.is_ok(), "{current} + {previous} at {elapsed} s");
                }
            }
        }
        // One more, and early in the window it is refused.
        assert!(judge(3.0, 3.0, limit, 0.0).is_err());
    }

    #[test]
    fn an_ipv4_client_is_its_address_and_an_ipv6_client_its_slash_64() {
        let key = |text: &str| client_key(text.parse().unwrap());
        assert_eq!(key("192.0.2.1"), "192.0.2.1");
        assert_eq!(key("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::1"), "::/64");
    }

    #[test]
    fn buckets_hide_what_they_count() {
        let a = bucket("booking:email", "pat@example.com");
        assert!(a.starts_with("booking:email:"));
        assert!(!a.contains("pat"));
        assert_ne!(a, bucket("booking:ip", "pat@example.com"));
        assert_eq!(a, bucket("booking:email", "pat@example.com"));
    }
}
