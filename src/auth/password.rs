//! Passwords: argon2id, computed off the async runtime, a few at a time.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand_core::OsRng;

use crate::error::{AppError, AppResult};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;

/// Checked against when the email is unknown, so that an unknown email and a
/// wrong password take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_blocking("not a real password, only here to spend time").unwrap_or_default()
});

/// Hashes computed at once: one per core. Each takes tens of milliseconds
/// of a core and 19 MiB; however many sign-ins arrive together, the others
/// wait their turn instead of taking every core and the memory of each.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
});

/// Runs `work` on a blocking thread once a hashing slot is free.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let _slot = HASHING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("hashing slots: {e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("hashing task: {e}")))
}

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// The argon2id PHC string of `password`.
pub async fn hash(password: String) -> AppResult<String> {
    hashing(move || hash_blocking(&password))
        .await?
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
}

/// Whether `password` matches `stored`; with no stored hash, spends the same
/// time and answers no.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    hashing(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery".into(), Some(stored))
                .await
                .unwrap()
        );
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
