//! Tokens and shingles: word k-grams (words are runs of Unicode letters, marks and numbers) and
//! character k-grams (for scripts written without spaces), each hashed to 64 bits, of which a
//! set keeps the top 32 (see [`hash32`]).
//!
//! A document with at least one token but fewer than `k` has exactly one shingle: all of its
//! tokens. A document with no tokens has no shingles.

use crate::error::{bad_param, Result};
use crate::hash::{
    char_seed, fmix64, fold, hash32, hash_bytes, window_finish, window_hash, window_key,
    window_xor, P1, P2, P3, WINDOW_ROTATION,
};
use crate::normalize::normalize;
use crate::text::Document;
use crate::unicode::is_word_char;

/// What a shingle is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Consecutive words.
    Word,
    /// Consecutive characters of the normalised text (spaces included).
    Char,
}

/// How documents are cut into shingles and hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShingleSpec {
    /// Word or character shingles.
    pub unit: Unit,
    /// Tokens per shingle (k >= 1).
    pub k: usize,
    /// Seed of the hash family.
    pub seed: u64,
}

impl ShingleSpec {
    /// Check the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.k == 0 || self.k > 64 {
            return Err(bad_param!("k must be between 1 and 64, got {}", self.k));
        }
        Ok(())
    }
}

/// The tokens of a document and its shingle hashes.
#[derive(Debug, Default, Clone)]
pub struct Shingled {
    /// Shingles' 32-bit hashes, sorted and without duplicates.
    pub hashes: Vec<u32>,
    /// Number of tokens (words, or characters for character shingles).
    pub tokens: usize,
}

/// A `u64` whose eight bytes all equal `b`.
const fn bytes(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The high bit of each byte of `x` (8 ASCII bytes) that is at least `lo` (`lo` >= 1): adding
/// `0x80 - lo` carries into bit 7 exactly then, and never into the next byte.
#[inline]
fn at_least(x: u64, lo: u8) -> u64 {
    x.wrapping_add(bytes(0x80 - lo)) & bytes(0x80)
}

/// The high bit of each byte of `x` (8 ASCII bytes) that is at most `hi`.
#[inline]
fn at_most(x: u64, hi: u8) -> u64 {
    bytes(0x80 + hi).wrapping_sub(x) & bytes(0x80)
}

/// The high bit of each byte of `x` (8 ASCII bytes) that is a letter or a digit.
#[inline]
fn word_bytes(x: u64) -> u64 {
    let lower = x | bytes(0x20);
    (at_least(x, b'0') & at_most(x, b'9')) | (at_least(lower, b'a') & at_most(lower, b'z'))
}

/// 8 bytes of `text` from `at` as a little-endian word, padded with zero bytes (never part of a
/// word) past the end.
#[inline]
fn load(text: &[u8], at: usize) -> u64 {
    if let Some(b) = text.get(at..at + 8) {
        u64::from_le_bytes(b.try_into().expect("8 bytes"))
    } else {
        let mut w = [0u8; 8];
        let rest = &text[at.min(text.len())..];
        w[..rest.len()].copy_from_slice(rest);
        u64::from_le_bytes(w)
    }
}

/// The first `n` (at most 8) bytes of `step`, lower-cased, the rest zero: letters and digits
/// lower-case by setting bit 5 (digits have it already).
#[inline]
fn lower_step(step: u64, n: usize) -> u64 {
    let keep = if n >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    };
    (step | bytes(0x20)) & keep
}

/// One bit per byte of the 64 bytes of `text` from `at` (bit `i` for byte `at + i`): set for a
/// letter or a digit. Bytes past the end count as neither.
#[inline]
fn word_mask(text: &[u8], at: usize) -> u64 {
    let mut mask = 0;
    for step in 0..8 {
        // The high bit of each byte, moved to bit `56 + i` for byte `i`: the eight partial
        // products land on distinct bits, so nothing carries.
        let flags = word_bytes(load(text, at + 8 * step)) >> 7;
        mask |= (flags.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * step);
    }
    mask
}

/// Bytes of the word (letters and digits) starting at `at`, found 8 bytes at a time.
fn word_len(text: &[u8], at: usize) -> usize {
    let mut len = 0;
    loop {
        let ends = !word_bytes(load(text, at + len)) & bytes(0x80);
        if ends != 0 {
            return len + ends.trailing_zeros() as usize / 8;
        }
        len += 8;
    }
}

/// [`hash_bytes`] of the lower-cased word of `len` bytes at `at`.
///
/// Words of up to 16 bytes (nearly all) take both 8-byte steps and keep the second one's
/// result only when the word reaches it: a select, not a branch that mispredicts on every
/// change of word length.
///
/// Tried and not kept: leaving out the final [`fmix64`] here and applying it in the window loop,
/// which does not branch, so that the finalisers of consecutive words overlap. In a copy of the
/// two loops it took 10-15% off their time (20k articles, one thread), but neither `shingle`
/// over the same articles (six alternating runs of 21) nor the pipeline's shingle stage (11
/// alternating runs) showed a difference beyond the noise.
#[inline]
fn hash_word(text: &[u8], at: usize, len: usize, seed: u64) -> u64 {
    let h = seed ^ (len as u64).wrapping_mul(P1);
    if len > 16 {
        let mut h = h;
        for step in (at..at + len).step_by(8) {
            h = fold(h ^ lower_step(load(text, step), at + len - step) ^ P3, P2);
        }
        return fmix64(h);
    }
    let one = fold(h ^ lower_step(load(text, at), len) ^ P3, P2);
    let two = fold(
        one ^ lower_step(load(text, at + 8), len.saturating_sub(8)) ^ P3,
        P2,
    );
    fmix64(if len > 8 { two } else { one })
}

/// Hash the words of `text` (already known to need no normalisation beyond ASCII lower-casing):
/// the same hash as [`hash_bytes`] of the lower-cased word.
///
/// The text is read 64 bytes at a time into a mask of its letters and digits. A word starts at
/// a set bit whose predecessor (in this block or the last one) is clear, and its length is the
/// run of set bits from there. So the loops branch once per block and once per word that runs
/// past its block, not on every byte or every word.
fn ascii_word_hashes(text: &[u8], seed: u64, out: &mut Vec<u64>) {
    // Whether the byte before the block is part of a word.
    let mut carry = 0;
    for block in (0..text.len()).step_by(64) {
        let words = word_mask(text, block);
        let mut starts = words & !((words << 1) | carry);
        carry = words >> 63;
        while starts != 0 {
            let first = starts.trailing_zeros();
            starts &= starts - 1;
            let at = block + first as usize;
            // Clear bits (ends of words) from the start on; none means the word runs on.
            let rest = !words >> first;
            let len = if rest != 0 {
                rest.trailing_zeros() as usize
            } else {
                word_len(text, at)
            };
            out.push(hash_word(text, at, len, seed));
        }
    }
}

/// Hash the words of normalised text.
fn unicode_word_hashes(norm: &str, seed: u64, out: &mut Vec<u64>) {
    let mut start: Option<usize> = None;
    for (i, c) in norm.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(hash_bytes(&norm.as_bytes()[s..i], seed));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(hash_bytes(&norm.as_bytes()[s..], seed));
    }
}

/// The first byte of `text` from `at` on that the ASCII fast path cannot take: a non-ASCII
/// byte, or `&` (which may start a character reference). Eight bytes a step.
fn next_dirty(text: &[u8], mut at: usize) -> Option<usize> {
    while at < text.len() {
        let step = load(text, at);
        // A zero byte of `amp` is an `&`; borrows only run upwards, so the lowest flag is true.
        let amp = step ^ bytes(b'&');
        let dirty = (step | (amp.wrapping_sub(bytes(1)) & !amp)) & bytes(0x80);
        if dirty != 0 {
            return Some(at + dirty.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    None
}

/// The hashes of the words of `text`, in order, after normalisation.
///
/// Normalisation never acts across ASCII white space (NFKC composes and reorders only after a
/// starter, character references hold no spaces, the other steps are per character), and words
/// never contain it. So the text is cut at ASCII white space: the chunks holding a non-ASCII
/// byte or an `&` go through the full normaliser, and the clean text between them takes the
/// ASCII fast path. Those bytes are found eight at a time, and each one's chunk by looking
/// around it for white space, so clean text is read once, not byte by byte.
pub fn word_hashes(text: &str, seed: u64, out: &mut Vec<u64>) {
    let raw = text.as_bytes();
    let mut clean_from = 0;
    while let Some(dirty) = next_dirty(raw, clean_from) {
        // `clean_from` is 0 or white space, so the chunk starts at or after it.
        let start = raw[clean_from..dirty]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(clean_from, |i| clean_from + i + 1);
        let end = raw[dirty..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(raw.len(), |i| dirty + i);
        ascii_word_hashes(&raw[clean_from..start], seed, out);
        unicode_word_hashes(&normalize(&text[start..end]), seed, out);
        clean_from = end;
    }
    ascii_word_hashes(&raw[clean_from..], seed, out);
}

/// The 32-bit hashes of the word shingles of `tokens` (see [`hash32`]).
fn windows_into(tokens: &[u64], k: usize, seed: u64, out: &mut Vec<u32>) {
    if tokens.is_empty() {
        return;
    }
    if tokens.len() < k {
        out.push(hash32(window_hash(tokens, seed)));
        return;
    }
    // Rolling: `x` holds the first k - 1 tokens of the next window, rotated as in it; adding a
    // token completes the window, and taking out its first token and rotating once more
    // prepares the next.
    let key = window_key(seed, k as u64);
    let first = WINDOW_ROTATION.wrapping_mul(k as u32 - 1);
    let mut x = window_xor(&tokens[..k - 1]).rotate_left(WINDOW_ROTATION);
    out.reserve(tokens.len() - k + 1);
    for (&t, &oldest) in tokens[k - 1..].iter().zip(tokens) {
        let full = x ^ t;
        out.push(hash32(window_finish(full, key)));
        x = (full ^ oldest.rotate_left(first)).rotate_left(WINDOW_ROTATION);
    }
}

/// The 32-bit hashes of the character shingles of `norm`; returns its number of characters.
fn char_shingles(norm: &str, k: usize, seed: u64, out: &mut Vec<u32>) -> usize {
    let seed = char_seed(seed);
    let mut bounds: Vec<usize> = norm.char_indices().map(|(i, _)| i).collect();
    let n = bounds.len();
    bounds.push(norm.len());
    if n == 0 {
        return 0;
    }
    if n < k {
        out.push(hash32(hash_bytes(norm.as_bytes(), seed)));
        return n;
    }
    for s in 0..=(n - k) {
        out.push(hash32(hash_bytes(
            &norm.as_bytes()[bounds[s]..bounds[s + k]],
            seed,
        )));
    }
    n
}

/// Shingle one document. `scratch` is reused between calls to avoid allocation (a document
/// held in another form than UTF-8 is written as UTF-8 into it first).
#[must_use]
pub fn shingle<D: Document + ?Sized>(
    doc: &D,
    spec: &ShingleSpec,
    scratch: &mut Scratch,
) -> Shingled {
    let Scratch {
        words,
        windows,
        starts,
        utf8,
    } = scratch;
    let text = doc.text().as_str(utf8);
    windows.clear();
    let tokens = match spec.unit {
        Unit::Word => {
            words.clear();
            word_hashes(text, spec.seed, words);
            windows_into(words, spec.k, spec.seed, windows);
            words.len()
        }
        Unit::Char => char_shingles(&normalize(text), spec.k, spec.seed, windows),
    };
    Shingled {
        hashes: sorted_unique(windows, starts),
        tokens,
    }
}

/// The buffers [`shingle`] reuses from document to document: only the sorted set it returns
/// is allocated anew.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The hashes of the words.
    words: Vec<u64>,
    /// The hashes of the shingles, in text order.
    windows: Vec<u32>,
    /// Where each bucket of [`sorted_unique`] starts.
    starts: Vec<u32>,
    /// The document as UTF-8, when it is held in another form.
    utf8: Vec<u8>,
}

/// Most top bits [`sorted_unique`] distributes by.
const SORT_BITS: u32 = 16;
/// Buckets longer than this are sorted by comparison before the insertion pass.
const INSERTION_MAX: u32 = 32;

/// Shingle hashes sorted ascending, without duplicates (`at` is a buffer, reused).
///
/// The hashes are uniform, so a counting pass over their top bits (about one bucket per hash)
/// puts each within its bucket, a few places from its rank, and one insertion pass over the
/// whole array finishes: it moves a hash only within its bucket, and most not at all. (Sorting
/// bucket by bucket instead paid a mispredicted loop exit per bucket: 8.8 against 5.3 ns a hash
/// on documents of 100-800 shingles.) A bucket that is long anyway (hashes chosen to collide)
/// is sorted by comparison first, so no hash moves more than [`INSERTION_MAX`] places.
fn sorted_unique(hashes: &[u32], at: &mut Vec<u32>) -> Vec<u32> {
    let n = hashes.len();
    if n < 64 || u32::try_from(n).is_err() {
        let mut hashes = hashes.to_vec();
        hashes.sort_unstable();
        hashes.dedup();
        return hashes;
    }
    let bits = (usize::BITS - n.leading_zeros()).min(SORT_BITS);
    let shift = u32::BITS - bits;
    // Each bucket's size, then where it starts; the scatter moves each start to its end.
    at.clear();
    at.resize(1 << bits, 0);
    for &h in hashes {
        at[(h >> shift) as usize] += 1;
    }
    let (mut sum, mut longest) = (0, 0);
    for a in at.iter_mut() {
        longest = longest.max(*a);
        (*a, sum) = (sum, sum + *a);
    }
    let mut out = vec![0u32; n];
    for &h in hashes {
        let b = (h >> shift) as usize;
        out[at[b] as usize] = h;
        at[b] += 1;
    }
    if longest > INSERTION_MAX {
        let mut from = 0;
        for &end in at.iter() {
            let bucket = &mut out[from..end as usize];
            from = end as usize;
            if bucket.len() > INSERTION_MAX as usize {
                bucket.sort_unstable();
            }
        }
    }
    for i in 1..n {
        let x = out[i];
        if out[i - 1] > x {
            let mut j = i;
            while j > 0 && out[j - 1] > x {
                out[j] = out[j - 1];
                j -= 1;
            }
            out[j] = x;
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(unit: Unit, k: usize) -> ShingleSpec {
        ShingleSpec { unit, k, seed: 7 }
    }

    #[test]
    fn fast_path_matches_general_path() {
        for t in [
            "Hello, World! 42 times",
            "a`b",
            "  x  ",
            "",
            "...",
            "A\tb\u{7f}c",
        ] {
            let mut a = Vec::new();
            let mut b = Vec::new();
            ascii_word_hashes(t.as_bytes(), 1, &mut a);
            unicode_word_hashes(&normalize(t), 1, &mut b);
            assert_eq!(a, b, "{t:?}");
        }
    }

    #[test]
    fn chunked_text_hashes_like_the_whole_normalised_text() {
        let pieces = [
            "word",
            "Caf\u{e9}",
            "e\u{301}",
            "&amp;",
            "&#32;",
            "a&b",
            " ",
            "\t",
            "\n",
            "\x0b",
            "\x0c",
            "\r",
            "\u{a0}",
            "\u{fb01}",
            "AB12",
            "x",
            "\u{3000}",
            "\u{301}",
        ];
        let mut next = crate::testing::xorshift(0x0dd_ba11);
        for _ in 0..2000 {
            let len = next() % 30;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let mut got = Vec::new();
            word_hashes(&text, 3, &mut got);
            let mut want = Vec::new();
            unicode_word_hashes(&normalize(&text), 3, &mut want);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn ascii_words_hash_like_their_bytes() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut text = Vec::new();
        for _ in 0..3000 {
            let x = next();
            // Words of 1 to 70 bytes (across the 8-byte steps and the 64-byte blocks), mixed
            // case, digits, separators; now and then a block with no word at all.
            let len = (x % 70) as usize + 1;
            text.extend((0..len).map(|i| b"aZ9kQx0Mw"[(x as usize >> (i % 40)) % 9]));
            text.extend_from_slice(if x.is_multiple_of(3) { b", " } else { b" " });
            if x % 17 == 5 {
                text.extend_from_slice(&[b'-'; 130]);
            }
        }
        for end in [text.len(), text.len() - 1, text.len() - 5, 64, 63, 65, 128] {
            let text = &text[..end];
            let mut got = Vec::new();
            ascii_word_hashes(text, 11, &mut got);
            let lower = text.to_ascii_lowercase();
            let want: Vec<u64> = lower
                .split(|b| !b.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| hash_bytes(w, 11))
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn rolling_windows_hash_like_each_window() {
        let mut next = crate::testing::xorshift(0x1656_67B1_9E37_79F9);
        for k in [1, 2, 3, 5, 8, 13, 63, 64] {
            for n in [0, 1, k - 1, k, k + 1, 3 * k + 7] {
                // Random token hashes, and a run of one token repeated.
                let mut tokens: Vec<u64> = (0..n).map(|_| next()).collect();
                tokens.extend(std::iter::repeat_n(next(), n / 2));
                let mut got = Vec::new();
                windows_into(&tokens, k, 3, &mut got);
                let want: Vec<u32> = if tokens.is_empty() {
                    Vec::new()
                } else if tokens.len() < k {
                    vec![hash32(window_hash(&tokens, 3))]
                } else {
                    tokens
                        .windows(k)
                        .map(|w| hash32(window_hash(w, 3)))
                        .collect()
                };
                assert_eq!(got, want, "k={k} n={}", tokens.len());
            }
        }
    }

    #[test]
    fn hashes_sort_like_the_standard_library() {
        let mut next = crate::testing::xorshift(0x9E37_79B9_7F4A_7C15);
        // One buffer for all sizes, as a thread reuses it from document to document.
        let mut at = Vec::new();
        for n in [0, 1, 63, 64, 65, 400, 1023, 1024, 5000, 100_000, 400] {
            // Uniform hashes, with repeats, and a run sharing its top bits.
            let mut v: Vec<u32> = (0..n).map(|_| next() as u32).collect();
            v.extend_from_within(..n / 3);
            v.extend((0..n / 4).map(|i| (7 << 22) | (next() as u32 >> 20) | i as u32));
            let mut want = v.clone();
            want.sort_unstable();
            want.dedup();
            assert_eq!(sorted_unique(&v, &mut at), want, "{n}");
        }
    }

    #[test]
    fn counts() {
        let mut s = Scratch::default();
        let d = shingle("one two three four five six", &spec(Unit::Word, 5), &mut s);
        assert_eq!((d.hashes.len(), d.tokens), (2, 6));
        let d = shingle("one two", &spec(Unit::Word, 5), &mut s);
        assert_eq!((d.hashes.len(), d.tokens), (1, 2));
        let d = shingle(" ,. ", &spec(Unit::Word, 5), &mut s);
        assert_eq!((d.hashes.len(), d.tokens), (0, 0));
        let d = shingle("今天天气很好", &spec(Unit::Char, 2), &mut s);
        assert_eq!((d.hashes.len(), d.tokens), (5, 6));
        let d = shingle("ab", &spec(Unit::Char, 3), &mut s);
        assert_eq!((d.hashes.len(), d.tokens), (1, 2));
    }

    #[test]
    fn case_and_quotes_do_not_matter() {
        let mut s = Scratch::default();
        let a = shingle("It\u{2019}s THE same", &spec(Unit::Word, 2), &mut s);
        let b = shingle("it's the same", &spec(Unit::Word, 2), &mut s);
        assert_eq!(a.hashes, b.hashes);
    }
}
