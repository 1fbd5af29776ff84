//! Text normalisation, version [`NORMALIZER_VERSION`]: a change of output is a new version.
//!
//! In order: HTML character references decoded ([`crate::entities`]); Unicode NFKC (characters
//! unassigned in Unicode 14 pass through untouched, so results do not depend on the Unicode
//! version of a dependency); full case folding; typographic quotes, apostrophes and dashes folded
//! to ASCII; format characters (Cf: BOM, zero-width joiners, soft hyphens, bidi marks) removed;
//! control characters and white space collapsed to single spaces, trimmed at both ends.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use crate::entities;
use crate::unicode::{fold_typographic, is_assigned, is_format, is_space, push_casefold};

/// Version of the normaliser's output; recorded in everything simcore persists.
pub const NORMALIZER_VERSION: u32 = 1;

/// NFKC of `text`, leaving characters unassigned in Unicode 14 untouched (they split the text
/// into independently normalised segments, exactly as a Unicode 14 normaliser treats them).
fn nfkc_unicode14(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut seg_start = 0;
    for (i, c) in text.char_indices() {
        if !is_assigned(c) {
            out.extend(text[seg_start..i].nfkc());
            out.push(c);
            seg_start = i + c.len_utf8();
        }
    }
    out.extend(text[seg_start..].nfkc());
    Cow::Owned(out)
}

/// Normalise one document (see the module docs for the exact steps).
#[must_use]
pub fn normalize(text: &str) -> String {
    let decoded = entities::decode(text);
    let decoded: &str = decoded.as_deref().unwrap_or(text);
    let composed = nfkc_unicode14(decoded);
    let mut folded = String::with_capacity(composed.len());
    for c in composed.chars() {
        push_casefold(c, &mut folded);
    }
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.chars() {
        if is_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if is_format(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(fold_typographic(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps() {
        assert_eq!(normalize("  Hello,\u{a0}\u{a0}World\t\n"), "hello, world");
        assert_eq!(
            normalize("It&#8217;s \u{201C}fine\u{201D} \u{2014} ok"),
            "it's \"fine\" - ok"
        );
        assert_eq!(
            normalize("\u{FB01}ne STRASSE Stra\u{DF}e"),
            "fine strasse strasse"
        );
        assert_eq!(normalize("\u{FEFF}a\u{200D}b\0c"), "ab c");
        assert_eq!(normalize("Cafe\u{301}"), "caf\u{e9}");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \t\r\n "), "");
        assert_eq!(normalize("A &amp; B"), "a & b");
    }

    #[test]
    fn unassigned_passes_through() {
        // U+0378 is unassigned in Unicode 14: kept, and it blocks composition across it.
        assert_eq!(normalize("e\u{378}\u{301}"), "e\u{378}\u{301}");
    }
}
