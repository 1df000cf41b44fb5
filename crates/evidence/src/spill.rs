//! An external merge sort: records are kept in memory up to a bounded number, each full
//! buffer is sorted and written to a temporary file (a "run") on a thread of its own while
//! the next one fills, and the runs are read back merged in order. Memory is two buffers
//! plus a read buffer per run, whatever the number of records: what lets an import stream a
//! national extract (ten million offences) without holding it.
//!
//! Temporary files go to the system's temporary folder (`TMPDIR`) and are unlinked as soon
//! as they are made, so nothing is left behind when the process ends, however it ends.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use crate::error::{EvidenceError, Result};

/// A record that can be written to a run and read back.
pub trait Spill: Ord + Send + Sized + 'static {
    /// Appends the record's bytes to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// The record from the bytes `encode` wrote; `None` when they are not one.
    fn decode(bytes: &[u8]) -> Option<Self>;
}

/// Bytes read ahead per run while merging.
const READ_BUFFER: usize = 64 << 10;

/// Collects records and gives them back sorted.
pub struct Sorter<T: Spill> {
    buffer: Vec<T>,
    limit: usize,
    runs: Vec<File>,
    /// The run being sorted and written meanwhile the next buffer fills.
    writing: Option<JoinHandle<Result<File>>>,
    len: u64,
}

impl<T: Spill + Clone> Sorter<T> {
    /// A sorter that keeps at most `limit` records in memory (twice that while one buffer is
    /// written out).
    pub fn new(limit: usize) -> Sorter<T> {
        let limit = limit.max(1);
        Sorter { buffer: Vec::new(), limit, runs: Vec::new(), writing: None, len: 0 }
    }

    /// Records pushed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, record: T) -> Result<()> {
        if self.buffer.capacity() == 0 {
            self.buffer.reserve_exact(self.limit.min(1 << 16));
        }
        self.buffer.push(record);
        self.len += 1;
        if self.buffer.len() >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorts the buffer and writes it as a run on another thread.
    fn spill(&mut self) -> Result<()> {
        self.wait()?;
        let mut full = std::mem::take(&mut self.buffer);
        self.writing = Some(std::thread::spawn(move || {
            full.sort_unstable();
            write_run(&full)
        }));
        Ok(())
    }

    fn wait(&mut self) -> Result<()> {
        if let Some(writing) = self.writing.take() {
            let run = writing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            self.runs.push(run);
        }
        Ok(())
    }

    /// One sorter holding what `sorters` (filled on several threads) hold, keeping at most
    /// `limit` records in memory: their runs are taken as they are, their buffers (each
    /// under its own, smaller, limit) joined and written out as one more run when full.
    pub fn join(sorters: Vec<Sorter<T>>, limit: usize) -> Result<Sorter<T>> {
        let mut joined = Sorter::new(limit);
        for mut sorter in sorters {
            sorter.wait()?;
            joined.runs.append(&mut sorter.runs);
            joined.len += sorter.len;
            for record in std::mem::take(&mut sorter.buffer) {
                joined.buffer.push(record);
                if joined.buffer.len() >= joined.limit {
                    joined.spill()?;
                }
            }
        }
        Ok(joined)
    }

    /// Runs written to files so far (0 while everything fits in memory).
    pub fn runs(&self) -> usize {
        self.runs.len() + usize::from(self.writing.is_some())
    }

    /// Every record pushed, in order. The sorter can be merged again (the runs stay).
    pub fn merged(&mut self) -> Result<Merged<'_, T>> {
        self.wait()?;
        if self.runs.is_empty() {
            self.buffer.sort_unstable();
            return Ok(Merged(Inner::Memory(self.buffer.iter())));
        }
        if !self.buffer.is_empty() {
            self.spill()?;
            self.wait()?;
        }
        let mut readers = Vec::with_capacity(self.runs.len());
        for run in &mut self.runs {
            run.seek(SeekFrom::Start(0))?;
            readers
                .push(RunReader { input: BufReader::with_capacity(READ_BUFFER, run.try_clone()?), bytes: Vec::new() });
        }
        let mut heap = BinaryHeap::with_capacity(readers.len());
        for (k, reader) in readers.iter_mut().enumerate() {
            if let Some(record) = reader.next()? {
                heap.push(Reverse((record, k)));
            }
        }
        Ok(Merged(Inner::Runs { readers, heap }))
    }
}

static RUN_NUMBER: AtomicU64 = AtomicU64::new(0);

/// Writes sorted records as a new unlinked temporary file.
fn write_run<T: Spill>(records: &[T]) -> Result<File> {
    let path = std::env::temp_dir().join(format!(
        "desist-sort-{}-{}.run",
        std::process::id(),
        RUN_NUMBER.fetch_add(1, Ordering::Relaxed)
    ));
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| EvidenceError::Io { path: path.clone(), source })?;
    // Unlinked at once: the open file stays readable and disappears with the process.
    let _ = std::fs::remove_file(&path);
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut bytes = Vec::new();
    for record in records {
        bytes.clear();
        record.encode(&mut bytes);
        out.write_all(&(bytes.len() as u32).to_le_bytes())?;
        out.write_all(&bytes)?;
    }
    out.into_inner().map_err(|e| EvidenceError::Write(e.into_error()))
}

struct RunReader {
    input: BufReader<File>,
    bytes: Vec<u8>,
}

impl RunReader {
    fn next<T: Spill>(&mut self) -> Result<Option<T>> {
        let mut length = [0u8; 4];
        match self.input.read_exact(&mut length) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        self.bytes.resize(u32::from_le_bytes(length) as usize, 0);
        self.input.read_exact(&mut self.bytes)?;
        T::decode(&self.bytes).map(Some).ok_or_else(|| {
            EvidenceError::Write(std::io::Error::new(std::io::ErrorKind::InvalidData, "a sort run was damaged"))
        })
    }
}

/// The records of a [`Sorter`] in order: copied from its buffer while nothing was written
/// out, read back from the runs otherwise.
pub struct Merged<'a, T: Spill>(Inner<'a, T>);

enum Inner<'a, T: Spill> {
    Memory(std::slice::Iter<'a, T>),
    Runs { readers: Vec<RunReader>, heap: BinaryHeap<Reverse<(T, usize)>> },
}

impl<T: Spill + Clone> Iterator for Merged<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match &mut self.0 {
            Inner::Memory(records) => records.next().cloned().map(Ok),
            Inner::Runs { readers, heap } => {
                let Reverse((record, k)) = heap.pop()?;
                match readers[k].next() {
                    Ok(Some(next)) => heap.push(Reverse((next, k))),
                    Ok(None) => {}
                    Err(e) => return Some(Err(e)),
                }
                Some(Ok(record))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    struct Text(String, u32);

    impl Spill for Text {
        fn encode(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.1.to_le_bytes());
            out.extend_from_slice(self.0.as_bytes());
        }
        fn decode(bytes: &[u8]) -> Option<Text> {
            let n = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
            Some(Text(String::from_utf8(bytes[4..].to_vec()).ok()?, n))
        }
    }

    fn drain(sorter: &mut Sorter<Text>) -> Vec<Text> {
        sorter.merged().unwrap().collect::<Result<Vec<Text>>>().unwrap()
    }

    #[test]
    fn gives_everything_back_in_order_in_memory_and_from_runs() {
        let records: Vec<Text> =
            (0..1000u32).map(|i| Text(format!("id{}", (i * 7919) % 1000), i)).chain([Text("id5".into(), 0)]).collect();
        let mut expected = records.clone();
        expected.sort();
        for limit in [1, 3, 64, 999, 5000] {
            let mut sorter = Sorter::new(limit);
            for record in &records {
                sorter.push(record.clone()).unwrap();
            }
            assert_eq!(sorter.len(), 1001);
            assert_eq!(sorter.runs() > 0, limit < 1001, "limit {limit}");
            assert_eq!(drain(&mut sorter), expected, "limit {limit}");
            assert_eq!(drain(&mut sorter), expected, "merged twice, limit {limit}");
        }
        assert!(drain(&mut Sorter::new(10)).is_empty());
    }

    #[test]
    fn sorters_filled_apart_join_into_one_order() {
        let records: Vec<Text> = (0..600u32).map(|i| Text(format!("id{}", (i * 7919) % 600), i)).collect();
        let mut expected = records.clone();
        expected.sort();
        for (limit, parts) in [(1, 3), (50, 2), (100, 4), (10_000, 3)] {
            let sorters: Vec<Sorter<Text>> = records
                .chunks(records.len() / parts + 1)
                .map(|chunk| {
                    let mut sorter = Sorter::new(limit / parts);
                    chunk.iter().for_each(|r| sorter.push(r.clone()).unwrap());
                    sorter
                })
                .collect();
            let mut joined = Sorter::join(sorters, limit).unwrap();
            assert_eq!(joined.len(), 600);
            assert_eq!(drain(&mut joined), expected, "limit {limit}, {parts} parts");
        }
    }
}
