//! HTML character references: the named entities news pages use, and numeric references.
//!
//! A reference is `&name;` with a name from [`NAMED`] (case-sensitive), `&#DDDD;` (1-8 decimal
//! digits) or `&#xHHHH;` (1-8 hex digits) whose value is a Unicode scalar other than U+0000.
//! Anything else is left as it is. Decoding is one pass: `&amp;amp;` becomes `&amp;`.

/// Named entities decoded by the normaliser, sorted by name.
pub const NAMED: [(&str, char); 30] = [
    ("amp", '&'),
    ("apos", '\''),
    ("bdquo", '\u{201E}'),
    ("bull", '\u{2022}'),
    ("copy", '\u{00A9}'),
    ("deg", '\u{00B0}'),
    ("eacute", '\u{00E9}'),
    ("euro", '\u{20AC}'),
    ("gt", '>'),
    ("hellip", '\u{2026}'),
    ("laquo", '\u{00AB}'),
    ("ldquo", '\u{201C}'),
    ("lsaquo", '\u{2039}'),
    ("lsquo", '\u{2018}'),
    ("lt", '<'),
    ("mdash", '\u{2014}'),
    ("middot", '\u{00B7}'),
    ("nbsp", '\u{00A0}'),
    ("ndash", '\u{2013}'),
    ("pound", '\u{00A3}'),
    ("quot", '"'),
    ("raquo", '\u{00BB}'),
    ("rdquo", '\u{201D}'),
    ("reg", '\u{00AE}'),
    ("rsaquo", '\u{203A}'),
    ("rsquo", '\u{2019}'),
    ("sbquo", '\u{201A}'),
    ("shy", '\u{00AD}'),
    ("times", '\u{00D7}'),
    ("trade", '\u{2122}'),
];

/// Try to read a character reference at the start of `s` (which begins with `&`).
/// Returns the decoded character and the number of bytes consumed.
fn parse_reference(s: &[u8]) -> Option<(char, usize)> {
    let end = s.iter().take(12).position(|&b| b == b';')?;
    let body = &s[1..end];
    let c = if let Some(num) = body.strip_prefix(b"#") {
        let (digits, radix) = match num.first() {
            Some(b'x' | b'X') => (&num[1..], 16),
            _ => (num, 10),
        };
        let ok = !digits.is_empty()
            && digits.len() <= 8
            && digits.iter().all(|b| {
                if radix == 16 {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            });
        if !ok {
            return None;
        }
        let text = std::str::from_utf8(digits).ok()?;
        let v = u32::from_str_radix(text, radix).ok()?;
        if v == 0 {
            return None;
        }
        char::from_u32(v)?
    } else {
        if body.len() < 2 || body.len() > 8 || !body.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let name = std::str::from_utf8(body).ok()?;
        let i = NAMED.binary_search_by_key(&name, |&(n, _)| n).ok()?;
        NAMED[i].1
    };
    Some((c, end + 1))
}

/// Decode character references in `text`; returns `None` when there is nothing to decode.
#[must_use]
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let first = memchr_amp(bytes, 0)?;
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = first;
    while i < bytes.len() {
        if let Some((c, used)) = parse_reference(&bytes[i..]) {
            out.push_str(&text[last..i]);
            out.push(c);
            i += used;
            last = i;
        } else {
            i += 1;
        }
        match memchr_amp(bytes, i) {
            Some(j) => i = j,
            None => break,
        }
    }
    out.push_str(&text[last..]);
    Some(out)
}

fn memchr_amp(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|&b| b == b'&')
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(NAMED.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn decodes() {
        assert_eq!(decode("a &amp; b").as_deref(), Some("a & b"));
        assert_eq!(
            decode("x&nbsp;y&#8217;s&#x2014;").as_deref(),
            Some("x\u{a0}y\u{2019}s\u{2014}")
        );
        assert_eq!(decode("&amp;amp;").as_deref(), Some("&amp;"));
        assert_eq!(
            decode("&bogus; &#0; &#xD800; &#;").as_deref(),
            Some("&bogus; &#0; &#xD800; &#;")
        );
        assert_eq!(decode("no refs"), None);
        assert_eq!(decode("&").as_deref(), Some("&"));
    }
}
