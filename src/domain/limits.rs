//! Rate limits counted in the database, so that every instance of the service
//! sees the same count: one row per bucket and fixed window, incremented with
//! a single atomic upsert.

use chrono::{DateTime, Duration, DurationRound, Utc};
use entity::rate_limit_counter;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// At most `max` hits per `window` in one bucket.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// A bucket name that does not reveal what it counts: `scope:` then a hash of
/// the value (an IP address, an email).
pub fn bucket(scope: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{scope}\u{0}{value}").as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{scope}:{hex}")
}

/// Counts one hit in `bucket`. `Err(seconds)` when the bucket is over its
/// limit: the hit is refused until the window ends, that many seconds away.
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
    let counted = insert.exec_with_returning(db).await?;
    if i64::from(counted.hits) > i64::from(limit.max) {
        let retry_after = Ord::max((window_start + limit.window - now).num_seconds(), 1);
        Ok(Err(retry_after))
    } else {
        Ok(Ok(()))
    }
}

/// Forgets the counts of windows that started before `before`.
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
    fn buckets_hide_what_they_count() {
        let a = bucket("booking:email", "pat@example.com");
        assert!(a.starts_with("booking:email:"));
        assert!(!a.contains("pat"));
        assert_ne!(a, bucket("booking:ip", "pat@example.com"));
        assert_eq!(a, bucket("booking:email", "pat@example.com"));
    }
}
