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
    // Only bytes below a multiple of the alphabet's size, so that every
    // character is equally likely; 16 random bytes nearly always hold six
    // such, so one call for random bytes is enough.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut bytes = [0u8; 16];
    while code.len() < PREFIX.len() + LENGTH {
        OsRng.fill_bytes(&mut bytes);
        let wanted = PREFIX.len() + LENGTH - code.len();
        let usable = bytes.iter().filter(|&&b| b < limit).take(wanted);
        code.extend(usable.map(|&b| ALPHABET[usize::from(b) % ALPHABET.len()] as char));
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
