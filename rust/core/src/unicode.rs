//! Character classes of the normaliser and tokenizer, looked up in the generated Unicode 14 tables.

use crate::unicode_tables::{ASSIGNED, CASEFOLD, FORMAT, WORD};

fn in_ranges(table: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// A character that belongs to words: general category L*, M* or N* (Unicode 14).
#[inline]
#[must_use]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        in_ranges(&WORD, c)
    }
}

/// Assigned in Unicode 14 (general category other than Cn).
#[inline]
#[must_use]
pub fn is_assigned(c: char) -> bool {
    c.is_ascii() || in_ranges(&ASSIGNED, c)
}

/// A format character (Cf): BOM, zero-width joiners, soft hyphen, bidi marks.
#[inline]
#[must_use]
pub fn is_format(c: char) -> bool {
    !c.is_ascii() && in_ranges(&FORMAT, c)
}

/// A character the normaliser turns into a space: control characters (Cc) and White_Space.
#[inline]
#[must_use]
pub fn is_space(c: char) -> bool {
    matches!(c as u32, 0x00..=0x20 | 0x7F..=0xA0) || (!c.is_ascii() && c.is_whitespace())
}

/// Push the full case folding of `c` (Python's `str.casefold`, Unicode 14) onto `out`.
#[inline]
pub fn push_casefold(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match CASEFOLD.binary_search_by_key(&(c as u32), |&(cp, _)| cp) {
        Ok(i) => {
            for &f in CASEFOLD[i].1.iter().take_while(|&&f| f != '\0') {
                out.push(f);
            }
        }
        Err(_) => out.push(c),
    }
}

/// Typographic quotes, apostrophes and dashes folded to their ASCII forms.
#[inline]
#[must_use]
pub fn fold_typographic(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{0060}'
        | '\u{00B4}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{301D}' | '\u{301E}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_word_char('é'));
        assert!(is_word_char('中'));
        assert!(is_word_char('\u{0301}'));
        assert!(!is_word_char('-'));
        assert!(!is_word_char('\''));
        assert!(is_format('\u{FEFF}'));
        assert!(is_format('\u{200D}'));
        assert!(is_space('\0'));
        assert!(is_space('\u{3000}'));
        assert!(!is_assigned('\u{0378}'));
        let mut s = String::new();
        push_casefold('ß', &mut s);
        push_casefold('Σ', &mut s);
        assert_eq!(s, "ssσ");
    }
}
