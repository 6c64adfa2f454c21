//! Reference codes patients quote: `PTF-` and six characters from an alphabet
//! without look-alikes (no 0/O, 1/I/L, and no U).

use rand_core::{OsRng, RngCore};

const PREFIX: &str = "PTF-";
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH: usize = 6;

/// A fresh random reference, e.g. `PTF-7KQ2M9`.
pub fn generate() -> String {
    let mut code = String::with_capacity(PREFIX.len() + LENGTH);
    code.push_str(PREFIX);
    let mut byte = [0u8; 1];
    while code.len() < PREFIX.len() + LENGTH {
        OsRng.fill_bytes(&mut byte);
        // Only bytes below a multiple of the alphabet's size, so that every
        // character is equally likely.
        let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
        if byte[0] < limit {
            code.push(ALPHABET[usize::from(byte[0]) % ALPHABET.len()] as char);
        }
    }
    code
}

/// A reference as a patient might type it (`ptf-7kq2m9 `, `7KQ2M9`) in the
/// form it is stored in.
pub fn normalise(typed: &str) -> String {
    let upper = typed.trim().to_uppercase();
    if upper.len() == LENGTH && !upper.starts_with(PREFIX) {
        format!("{PREFIX}{upper}")
    } else {
        upper
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_use_the_unambiguous_alphabet() {
        for _ in 0..200 {
            let code = generate();
            let rest = code.strip_prefix(PREFIX).expect("prefix");
            assert_eq!(rest.len(), LENGTH);
            assert!(rest.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
        }
        assert_eq!(normalise(" ptf-7kq2m9 "), "PTF-7KQ2M9");
        assert_eq!(normalise("7kq2m9"), "PTF-7KQ2M9");
    }
}
