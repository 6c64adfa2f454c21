//! The audit trail: every write by staff records who made it, what, and when.
//! Every such write changes public data, so recording it also tells the other
//! instances (on PostgreSQL) to forget their cached answers once it commits.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, NotSet};

use crate::error::AppResult;
use crate::events::{self, Event};

/// Records that `staff_id` did `action` (a mutation name such as
/// `publishArticle`) to `subject` (`Type:id`). Call it in the write's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    staff_id: i32,
    action: &str,
    subject: &str,
) -> AppResult<()> {
    audit_event::ActiveModel {
        id: NotSet,
        staff_id: Set(Some(staff_id)),
        action: Set(action.to_owned()),
        subject: Set(subject.to_owned()),
        at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    events::notify_in(db, Event::ContentChanged).await?;
    Ok(())
}
