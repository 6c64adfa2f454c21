//! The audit trail: every write by staff records who made it, what, and when.
//! Every such write changes public data, so recording it also announces that
//! public data changed: to every instance on PostgreSQL (with `NOTIFY`, once
//! the transaction commits) and to this one as soon as the caller delivers
//! the news after its commit.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseTransaction, NotSet};

use crate::error::AppResult;
use crate::events::{Event, Events, Pending};

/// Records that `staff_id` did `action` (a mutation name such as
/// `publishArticle`) to `subject` (`Type:id`). Call it in the write's
/// transaction, and deliver what it returns once that has committed.
pub async fn record(
    db: &impl ConnectionTrait,
    events: &Events,
    staff_id: i32,
    action: &str,
    subject: &str,
) -> AppResult<Pending> {
    audit_event::ActiveModel {
        id: NotSet,
        staff_id: Set(Some(staff_id)),
        action: Set(action.to_owned()),
        subject: Set(subject.to_owned()),
        at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(events.publish_in(db, vec![Event::ContentChanged]).await?)
}

/// How the trail names what a write changed: `Type:id`, e.g. `Therapist:7`.
pub fn subject(type_name: &str, id: i32) -> String {
    format!("{type_name}:{id}")
}

/// Records the write as [`record`] does, commits `txn`, then delivers the news.
pub async fn record_and_commit(
    txn: DatabaseTransaction,
    events: &Events,
    staff_id: i32,
    action: &str,
    subject: &str,
) -> AppResult<()> {
    let news = record(&txn, events, staff_id, action, subject).await?;
    txn.commit().await?;
    news.deliver();
    Ok(())
}
