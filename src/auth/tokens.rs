//! Bearer tokens: 256 random bits, shown once, stored as a SHA-256 hash.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use entity::api_token::{self, TokenKind};
use rand_core::{OsRng, RngCore};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet,
    QueryFilter, sea_query::Expr,
};

use crate::error::AppResult;

/// Every token starts so, which makes a leaked one easy to recognise in a scan.
pub const PREFIX: &str = "ptf_";

/// A new random token.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether `token` has the shape of one this service gives out.
pub fn looks_like_token(token: &str) -> bool {
    token.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// What is stored instead of the token.
pub fn hash(token: &str) -> String {
    crate::digest::sha256_hex(token.as_bytes())
}

/// Stores a new token for `staff_id` and returns it; the token itself is not kept.
pub async fn issue(
    db: &impl ConnectionTrait,
    staff_id: i32,
    kind: TokenKind,
    label: &str,
    expires_at: DateTime<Utc>,
) -> AppResult<(String, api_token::Model)> {
    let token = generate();
    let row = api_token::ActiveModel {
        id: NotSet,
        staff_id: Set(staff_id),
        token_hash: Set(hash(&token)),
        kind: Set(kind),
        label: Set(label.to_owned()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((token, row))
}

/// Revokes the token with this id; the id of its owner, if there was one
/// not yet revoked.
pub async fn revoke(db: &impl ConnectionTrait, id: i32) -> AppResult<Option<i32>> {
    let Some(token) = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok((result.rows_affected > 0).then_some(token.staff_id))
}

/// Revokes every token of a staff member.
pub async fn revoke_all_of(db: &impl ConnectionTrait, staff_id: i32) -> AppResult<u64> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::StaffId.eq(staff_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_well_formed_and_hashed() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(looks_like_token(&a), "{a}");
        assert!(!looks_like_token("ptf_short"));
        assert!(!looks_like_token(&a.replacen(PREFIX, "xyz_", 1)));
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
    }
}
