//! The operating system's random source, as bytes and as strings over an alphabet.

/// `N` random bytes.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// A string of `length` characters drawn uniformly from `alphabet` (ASCII, at most
/// 256 characters).
pub fn string(alphabet: &[u8], length: usize) -> String {
    assert!(!alphabet.is_empty() && alphabet.len() <= 256 && alphabet.is_ascii());
    // Bytes at or above the largest multiple of the alphabet size are dropped, so
    // every character is equally likely.
    let limit = 256 / alphabet.len() * alphabet.len();
    let mut out = String::with_capacity(length);
    while out.len() < length {
        for b in bytes::<64>().into_iter().map(usize::from).filter(|b| *b < limit) {
            if out.len() < length {
                out.push(alphabet[b % alphabet.len()] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_have_the_length_and_alphabet_asked_for() {
        let s = string(b"ab", 1000);
        assert_eq!(s.len(), 1000);
        assert!(s.bytes().all(|b| b == b'a' || b == b'b'));
        // 1000 fair coin flips: all one letter has probability 2^-999.
        assert!(s.contains('a') && s.contains('b'));
        assert_ne!(string(b"0123456789", 32), string(b"0123456789", 32));
    }

    #[test]
    fn every_character_of_a_full_alphabet_can_appear() {
        let alphabet: Vec<u8> = (0u8..128).collect();
        let s = string(&alphabet, 20_000);
        assert_eq!(s.bytes().collect::<std::collections::BTreeSet<_>>().len(), 128);
    }
}
