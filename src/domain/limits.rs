//! Rate limits counted in the database, so that every instance of the service
//! sees the same count: one row per bucket and fixed window, incremented with
//! a single atomic upsert. The limit is held over a sliding window: the hits
//! of the current window plus those of the previous one, weighted by how much
//! of it the sliding window still covers, so that crossing a window boundary
//! does not let a burst through.

use chrono::{DateTime, Duration, DurationRound, Utc};
use entity::rate_limit_counter;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// At most `max` hits per `window` in one bucket.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// A bucket name that does not reveal what it counts: `scope:` then a hash of
/// the value (an IP address, an email).
pub fn bucket(scope: &str, value: &str) -> String {
    let hex = super::sha256_hex(format!("{scope}\u{0}{value}").as_bytes());
    format!("{scope}:{}", &hex[..32])
}

/// Counts one hit in `bucket`. `Err(seconds)` when the bucket is over its
/// limit: the hit is refused, and that many seconds is the earliest another
/// may pass. Call it inside the transaction of what it counts, so that a
/// refused or failed attempt, rolled back, counts nothing.
pub async fn hit<C: ConnectionTrait>(
    db: &C,
    bucket: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Result<(), i64>, DbErr> {
    let window_start = now
        .duration_trunc(limit.window)
        .map_err(|e| DbErr::Custom(format!("rate-limit window: {e}")))?;
    let insert = rate_limit_counter::Entity::insert(rate_limit_counter::ActiveModel {
        bucket: sea_orm::Set(bucket.to_owned()),
        window_start: sea_orm::Set(window_start),
        hits: sea_orm::Set(1),
    })
    .on_conflict(
        OnConflict::columns([
            rate_limit_counter::Column::Bucket,
            rate_limit_counter::Column::WindowStart,
        ])
        .value(
            rate_limit_counter::Column::Hits,
            Expr::col((rate_limit_counter::Entity, rate_limit_counter::Column::Hits)).add(1),
        )
        .to_owned(),
    );
    let current = f64::from(insert.exec_with_returning(db).await?.hits);
    let previous =
        rate_limit_counter::Entity::find_by_id((bucket.to_owned(), window_start - limit.window))
            .one(db)
            .await?
            .map_or(0.0, |row| f64::from(row.hits));
    Ok(judge(
        current,
        previous,
        limit,
        (now - window_start).as_seconds_f64(),
    ))
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

    #[test]
    fn buckets_hide_what_they_count() {
        let a = bucket("booking:email", "pat@example.com");
        assert!(a.starts_with("booking:email:"));
        assert!(!a.contains("pat"));
        assert_ne!(a, bucket("booking:ip", "pat@example.com"));
        assert_eq!(a, bucket("booking:email", "pat@example.com"));
    }
}
