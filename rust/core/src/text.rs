//! A document's text as its holder keeps it: UTF-8, or the fixed-width code points a Python
//! string stores. Reading a Python string in its own form, rather than asking Python for UTF-8,
//! leaves no UTF-8 copy behind on the string: at a million news articles that copy was 0.37 GB,
//! kept for as long as the caller kept the strings, and it was made one string at a time.
//! Here a worker thread writes UTF-8 into a buffer it reuses.

/// The text of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text<'a> {
    /// UTF-8.
    Utf8(&'a str),
    /// Code points below 256 (Latin-1), one byte each.
    Latin1(&'a [u8]),
    /// Code points below 65,536, two bytes each. Surrogates (U+D800 to U+DFFF) are not text:
    /// the holder must refuse them first (see [`Text::first_surrogate`]); any left are read as
    /// U+FFFD.
    Ucs2(&'a [u16]),
    /// Code points, four bytes each; as for [`Text::Ucs2`], surrogates and values above
    /// U+10FFFF are read as U+FFFD.
    Ucs4(&'a [u32]),
}

impl<'a> Text<'a> {
    /// The text as UTF-8: itself if it is UTF-8, else written into `buf` (cleared first).
    pub fn as_str<'b>(self, buf: &'b mut Vec<u8>) -> &'b str
    where
        'a: 'b,
    {
        buf.clear();
        match self {
            Text::Utf8(s) => return s,
            Text::Latin1(b) => transcode(b, buf),
            Text::Ucs2(u) => transcode(u, buf),
            Text::Ucs4(u) => transcode(u, buf),
        }
        std::str::from_utf8(buf).expect("written as UTF-8")
    }

    /// The position (in code points) of the first surrogate or other value that is not a
    /// Unicode scalar value, if any. UTF-8 and Latin-1 text has none.
    #[must_use]
    pub fn first_surrogate(&self) -> Option<usize> {
        match self {
            Text::Utf8(_) | Text::Latin1(_) => None,
            Text::Ucs2(u) => first(u, |c| c & 0xF800 == 0xD800),
            Text::Ucs4(u) => first(u, |c| c > 0x10_FFFF || c & 0xFFFF_F800 == 0xD800),
        }
    }
}

/// Write code points as UTF-8. Most code points of news text are ASCII even in a string that is
/// not, so blocks of ASCII are narrowed in one go (which vectorises), and only a block with
/// another code point is encoded one by one: 2,066 such articles (5.3M code points) took 4-10 ms
/// on one thread encoded one by one, about 1 ms in blocks.
fn transcode<T: Copy + Into<u32>>(units: &[T], out: &mut Vec<u8>) {
    out.reserve(units.len() + units.len() / 8);
    for block in units.chunks(16) {
        if block.iter().fold(0, |any, &c| any | c.into()) < 0x80 {
            out.extend(block.iter().map(|&c| c.into() as u8));
        } else {
            for &c in block {
                let c = char::from_u32(c.into()).unwrap_or(char::REPLACEMENT_CHARACTER);
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
    }
}

/// Where `bad` first holds. Blocks are tested without a branch per value (which vectorises),
/// and only a block that holds one is searched.
fn first<T: Copy>(values: &[T], bad: impl Fn(T) -> bool) -> Option<usize> {
    let mut at = 0;
    for block in values.chunks(64) {
        if block.iter().fold(false, |any, &c| any | bad(c)) {
            return block.iter().position(|&c| bad(c)).map(|p| at + p);
        }
        at += block.len();
    }
    None
}

/// Anything that holds a document's text.
pub trait Document {
    /// The text.
    fn text(&self) -> Text<'_>;
}

impl Document for Text<'_> {
    fn text(&self) -> Text<'_> {
        *self
    }
}

impl<S: AsRef<str> + ?Sized> Document for S {
    fn text(&self) -> Text<'_> {
        Text::Utf8(self.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_as_the_same_utf8() {
        let s = "Café “quoted” — 𝔘nicode ok";
        let ucs4: Vec<u32> = s.chars().map(u32::from).collect();
        let ucs2: Vec<u16> = "Café “quoted” — ok"
            .chars()
            .map(|c| u16::try_from(u32::from(c)).unwrap())
            .collect();
        let latin1: Vec<u8> = "Café ok"
            .chars()
            .map(|c| u8::try_from(c).unwrap())
            .collect();
        let mut buf = b"left over".to_vec();
        assert_eq!(Text::Ucs4(&ucs4).as_str(&mut buf), s);
        assert_eq!(Text::Ucs2(&ucs2).as_str(&mut buf), "Café “quoted” — ok");
        assert_eq!(Text::Latin1(&latin1).as_str(&mut buf), "Café ok");
        assert_eq!(Text::Utf8(s).as_str(&mut buf), s);
        assert_eq!("abc".text(), Text::Utf8("abc"));
        assert_eq!(String::from("abc").text(), Text::Utf8("abc"));
    }

    #[test]
    fn surrogates_are_found_and_never_written() {
        let ucs2 = [u16::from(b'a'), 0xD800, u16::from(b'b')];
        assert_eq!(Text::Ucs2(&ucs2).first_surrogate(), Some(1));
        assert_eq!(Text::Ucs2(&[0x20AC, 0xE000]).first_surrogate(), None);
        let ucs4 = [0x61, 0x1F600, 0xDFFF];
        assert_eq!(Text::Ucs4(&ucs4).first_surrogate(), Some(2));
        assert_eq!(Text::Ucs4(&[0x11_0000]).first_surrogate(), Some(0));
        assert_eq!(Text::Latin1(b"\xff").first_surrogate(), None);
        let mut long = vec![0x41_u16; 200];
        long[130] = 0xDBFF;
        long[150] = 0xD800;
        assert_eq!(Text::Ucs2(&long).first_surrogate(), Some(130));
        long[130] = 0xD7FF;
        long[150] = 0xE000;
        assert_eq!(Text::Ucs2(&long).first_surrogate(), None);
        let mut buf = Vec::new();
        assert_eq!(Text::Ucs2(&ucs2).as_str(&mut buf), "a\u{FFFD}b");
    }
}
