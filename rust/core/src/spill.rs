//! Spill files: flat arrays of little-endian integers in a scratch directory, written in order
//! and read back in order or at any position, so that a corpus larger than memory can pass
//! through the stages. A file stays in memory while the run's [`Budget`] allows. They live only
//! for one run; nothing here is a persistent format.

use std::fs::File;
use std::io::{BufReader, BufWriter, Cursor, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// A fixed-width integer stored little-endian.
pub trait Word: Copy + Default {
    /// Bytes per value.
    const BYTES: usize;
    /// Encode into `out` (`BYTES` long).
    fn put(self, out: &mut [u8]);
    /// Decode from `b` (`BYTES` long).
    fn get(b: &[u8]) -> Self;
}

/// `Word` for an unsigned integer type, little-endian.
macro_rules! word {
    ($t:ty) => {
        impl Word for $t {
            const BYTES: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            fn get(b: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            }
        }
    };
}

word!(u8);
word!(u16);
word!(u32);
word!(u64);

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Error {
    Error::Io(format!(
        "{}: cannot {what} scratch file: {e}",
        path.display()
    ))
}

/// Values per conversion chunk.
const CHUNK: usize = 4096;

/// Bytes of scratch data that may stay in memory, shared by all the files of a run.
#[derive(Debug)]
pub struct Budget {
    left: AtomicUsize,
}

impl Budget {
    /// A budget of `bytes`.
    #[must_use]
    pub fn new(bytes: usize) -> Arc<Self> {
        Arc::new(Budget {
            left: AtomicUsize::new(bytes),
        })
    }

    /// Take `n` bytes if that many are left.
    fn take(&self, n: usize) -> bool {
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok()
    }

    /// Give back `n` bytes.
    fn give(&self, n: usize) {
        self.left.fetch_add(n, Ordering::Relaxed);
    }
}

/// Bytes held in memory against a [`Budget`], given back when dropped.
pub struct Held {
    bytes: Vec<u8>,
    taken: usize,
    budget: Arc<Budget>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.budget.give(self.taken);
    }
}

/// A finished spill file: on disk, or still in memory when the budget allowed.
pub enum Spilled {
    /// Written to this path.
    File(PathBuf),
    /// Never left memory.
    Memory(Arc<Held>),
}

impl Spilled {
    /// Free the file's space: remove it from disk, or give its memory back once no reader holds
    /// it. (The caller removes the scratch directory anyway, so a failure to remove only delays
    /// freeing the space.)
    pub fn remove(self) {
        if let Spilled::File(p) = self {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Memory is taken from the budget in steps of this many bytes.
const STEP: usize = 1 << 20;

/// Appends values to a spill file. Its bytes stay in memory while the run's [`Budget`] allows;
/// after that the file is created and written through a buffer of `buffer` bytes.
pub struct Writer {
    path: PathBuf,
    budget: Arc<Budget>,
    taken: usize,
    buffer: usize,
    pending: Vec<u8>,
    file: Option<BufWriter<File>>,
}

impl Writer {
    /// A spill file at `path`.
    #[must_use]
    pub fn new(path: PathBuf, budget: &Arc<Budget>, buffer: usize) -> Self {
        Writer {
            path,
            budget: Arc::clone(budget),
            taken: 0,
            buffer,
            pending: Vec::new(),
            file: None,
        }
    }

    /// Append `values`.
    pub fn write<T: Word>(&mut self, values: &[T]) -> Result<()> {
        for chunk in values.chunks(CHUNK) {
            let base = self.pending.len();
            self.pending.resize(base + chunk.len() * T::BYTES, 0);
            for (v, out) in chunk
                .iter()
                .zip(self.pending[base..].chunks_exact_mut(T::BYTES))
            {
                v.put(out);
            }
            if self.file.is_some() {
                if self.pending.len() > self.buffer {
                    self.drain()?;
                }
            } else if self.pending.len() > self.taken {
                let want = (self.pending.len() - self.taken).max(STEP.min(self.buffer.max(1)));
                if self.budget.take(want) {
                    self.taken += want;
                } else {
                    self.drain()?;
                    self.budget.give(std::mem::take(&mut self.taken));
                    self.pending = Vec::new();
                }
            }
        }
        Ok(())
    }

    /// Move the pending bytes to the file, creating it if needed.
    fn drain(&mut self) -> Result<()> {
        if self.file.is_none() {
            let f = File::create(&self.path).map_err(|e| io_error(&self.path, "create", &e))?;
            self.file = Some(BufWriter::with_capacity(self.buffer.max(4096), f));
        }
        if let Some(file) = &mut self.file {
            file.write_all(&self.pending)
                .map_err(|e| io_error(&self.path, "write", &e))?;
        }
        self.pending.clear();
        Ok(())
    }

    /// Flush and close.
    pub fn finish(mut self) -> Result<Spilled> {
        if self.file.is_none() {
            let held = Held {
                bytes: std::mem::take(&mut self.pending),
                taken: std::mem::take(&mut self.taken),
                budget: Arc::clone(&self.budget),
            };
            return Ok(Spilled::Memory(Arc::new(held)));
        }
        self.drain()?;
        if let Some(f) = &mut self.file {
            f.flush().map_err(|e| io_error(&self.path, "write", &e))?;
        }
        Ok(Spilled::File(std::mem::take(&mut self.path)))
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.budget.give(self.taken);
    }
}

/// Shared bytes for a cursor.
struct Shared(Arc<Held>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0.bytes
    }
}

enum Source {
    File(BufReader<File>),
    Memory(Cursor<Shared>),
}

/// Reads a spill file in order, or any range of it.
pub struct Reader {
    path: PathBuf,
    inp: Source,
    bytes: Vec<u8>,
}

impl Reader {
    /// Open a spill file for reading with a buffer of `buffer` bytes.
    pub fn open(spilled: &Spilled, buffer: usize) -> Result<Self> {
        let (path, inp) = match spilled {
            Spilled::File(path) => {
                let file = File::open(path).map_err(|e| io_error(path, "open", &e))?;
                (
                    path.clone(),
                    Source::File(BufReader::with_capacity(buffer, file)),
                )
            }
            Spilled::Memory(held) => (
                PathBuf::from("(in memory)"),
                Source::Memory(Cursor::new(Shared(Arc::clone(held)))),
            ),
        };
        Ok(Reader {
            path,
            inp,
            bytes: Vec::new(),
        })
    }

    /// Fill `out` with the next values.
    pub fn read<T: Word>(&mut self, out: &mut [T]) -> Result<()> {
        for chunk in out.chunks_mut(CHUNK) {
            self.bytes.resize(chunk.len() * T::BYTES, 0);
            let read = match &mut self.inp {
                Source::File(f) => f.read_exact(&mut self.bytes),
                Source::Memory(c) => c.read_exact(&mut self.bytes),
            };
            read.map_err(|e| {
                if e.kind() == ErrorKind::UnexpectedEof {
                    Error::Io(format!(
                        "{}: scratch file is shorter than written (was it changed during the run?)",
                        self.path.display()
                    ))
                } else {
                    io_error(&self.path, "read", &e)
                }
            })?;
            for (v, b) in chunk.iter_mut().zip(self.bytes.chunks_exact(T::BYTES)) {
                *v = T::get(b);
            }
        }
        Ok(())
    }

    /// Read a whole spill file as values of type `T`.
    pub fn read_all<T: Word>(spilled: &Spilled) -> Result<Vec<T>> {
        let len = match spilled {
            Spilled::File(path) => std::fs::metadata(path)
                .map_err(|e| io_error(path, "read", &e))?
                .len(),
            Spilled::Memory(held) => held.bytes.len() as u64,
        };
        let mut out = vec![T::default(); (len / T::BYTES as u64) as usize];
        Reader::open(spilled, 1 << 16)?.read(&mut out)?;
        Ok(out)
    }
}

/// Reads values at any position of a finished spill file; threads may share it.
pub struct RandomReader {
    path: PathBuf,
    source: RandomSource,
}

enum RandomSource {
    File(File),
    Memory(Arc<Held>),
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

impl RandomReader {
    /// Open a spill file for reads at any position.
    pub fn open(spilled: &Spilled) -> Result<Self> {
        Ok(match spilled {
            Spilled::File(path) => RandomReader {
                path: path.clone(),
                source: RandomSource::File(
                    File::open(path).map_err(|e| io_error(path, "open", &e))?,
                ),
            },
            Spilled::Memory(held) => RandomReader {
                path: PathBuf::from("(in memory)"),
                source: RandomSource::Memory(Arc::clone(held)),
            },
        })
    }

    /// Fill `out` with the values from value `index` on (`bytes` is scratch space).
    pub fn read_at<T: Word>(&self, index: u64, out: &mut [T], bytes: &mut Vec<u8>) -> Result<()> {
        let start = index * T::BYTES as u64;
        let len = out.len() * T::BYTES;
        let short = || {
            Error::Io(format!(
                "{}: scratch file is shorter than written (was it changed during the run?)",
                self.path.display()
            ))
        };
        let data: &[u8] = match &self.source {
            RandomSource::File(f) => {
                bytes.resize(len, 0);
                read_exact_at(f, bytes, start).map_err(|e| {
                    if e.kind() == ErrorKind::UnexpectedEof {
                        short()
                    } else {
                        io_error(&self.path, "read", &e)
                    }
                })?;
                bytes
            }
            RandomSource::Memory(held) => {
                let start = usize::try_from(start).map_err(|_| short())?;
                held.bytes.get(start..start + len).ok_or_else(short)?
            }
        };
        for (v, b) in out.iter_mut().zip(data.chunks_exact(T::BYTES)) {
            *v = T::get(b);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_memory_and_on_disk() {
        let dir = std::env::temp_dir().join(format!("simcore-spill-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let values: Vec<u64> = (0..10_000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9))
            .collect();
        for (bytes, on_disk) in [(1000, true), (1 << 20, false)] {
            let budget = Budget::new(bytes);
            let mut w = Writer::new(dir.join("a"), &budget, 64);
            w.write(&values).unwrap();
            w.write(&[7u32, 8]).unwrap();
            let spilled = w.finish().unwrap();
            assert_eq!(matches!(spilled, Spilled::File(_)), on_disk);
            assert_eq!(dir.join("a").exists(), on_disk);
            let mut r = Reader::open(&spilled, 128).unwrap();
            let mut back = vec![0u64; 10_000];
            r.read(&mut back).unwrap();
            assert_eq!(back, values);
            let mut two = [0u32; 2];
            r.read(&mut two).unwrap();
            assert_eq!(two, [7, 8]);
            assert!(matches!(r.read(&mut [0u32]), Err(Error::Io(_))));
            assert_eq!(Reader::read_all::<u32>(&spilled).unwrap().len(), 20_002);
            let random = RandomReader::open(&spilled).unwrap();
            let (mut three, mut scratch) = ([0u64; 3], Vec::new());
            random.read_at(9_997, &mut three, &mut scratch).unwrap();
            assert_eq!(three, [values[9_997], values[9_998], values[9_999]]);
            assert!(matches!(
                random.read_at(9_999, &mut three, &mut scratch),
                Err(Error::Io(_))
            ));
            drop(random);
            drop(r);
            spilled.remove();
            assert!(!dir.join("a").exists());
            assert_eq!(
                budget.left.load(Ordering::Relaxed),
                bytes,
                "memory given back"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
