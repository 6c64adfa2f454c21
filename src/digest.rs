//! The one digest the service uses.

/// SHA-256 of `bytes` in lower-case hex: token hashes, form fingerprints,
/// persisted-query ids, rate-limit buckets and ETags all use it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
