//! Relay global ids: an opaque, URL-safe encoding of a type name and a row id.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

/// The global id of row `id` of type `kind`.
pub fn encode(kind: &str, id: i32) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// The type name and row id a global id stands for, or `None` for anything else.
pub fn decode(global: &str) -> Option<(String, i32)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(global).ok()?).ok()?;
    let (kind, id) = text.split_once(':')?;
    Some((kind.to_owned(), id.parse().ok()?))
}

/// The row id of a global id of type `kind`, or `None` for any other id.
pub fn decode_as(kind: &str, global: &str) -> Option<i32> {
    decode(global).and_then(|(k, id)| (k == kind).then_some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_garbage_decodes_to_none() {
        let id = encode("Therapist", 42);
        assert_eq!(decode(&id), Some(("Therapist".to_owned(), 42)));
        assert_eq!(decode("nope"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Therapist:x")), None);
    }
}
