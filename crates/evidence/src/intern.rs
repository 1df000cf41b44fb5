//! String interning for the columnar dataset: each distinct text is stored once in one arena
//! and referred to by a `u32`, so columns stay small and comparisons are integer comparisons.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small, fast non-cryptographic hasher (the FxHash mixing function). Keys here come from
/// files we load, not from untrusted network peers, so HashDoS resistance is not needed.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let mut tail = 0u64;
        for (i, &b) in chunks.remainder().iter().enumerate() {
            tail |= u64::from(b) << (8 * i);
        }
        self.add(tail ^ (bytes.len() as u64) << 56);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxHashMap<K, V> = HashMap<K, V, FxBuild>;

/// Hashes a byte string to 64 bits (used to find duplicate ids without storing a set).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    // A final avalanche so that nearby ids do not cluster after sorting.
    let mut x = h.finish();
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// Marker for "no value" in an interned column.
pub const NONE: u32 = u32::MAX;

/// Texts stored back to back in one buffer; `id` → text by offsets.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StringArena {
    bytes: String,
    ends: Vec<u32>,
}

impl StringArena {
    pub fn push(&mut self, text: &str) -> u32 {
        let id = self.ends.len() as u32;
        self.bytes.push_str(text);
        self.ends.push(u32::try_from(self.bytes.len()).expect("string arena limited to 4 GiB of text"));
        id
    }

    /// Appends every text of `other`, in order (their ids follow this arena's).
    pub fn extend(&mut self, other: &StringArena) {
        let base = u32::try_from(self.bytes.len()).expect("string arena limited to 4 GiB of text");
        self.bytes.push_str(&other.bytes);
        u32::try_from(self.bytes.len()).expect("string arena limited to 4 GiB of text");
        self.ends.extend(other.ends.iter().map(|&end| base + end));
    }

    /// Removes the last text pushed (used when a pushed id turns out to be a duplicate).
    pub fn pop(&mut self) {
        if self.ends.pop().is_some() {
            let end = self.ends.last().map_or(0, |&e| e as usize);
            self.bytes.truncate(end);
        }
    }

    /// The texts back to back and where each ends (for [`crate::snapshot`]).
    pub fn parts(&self) -> (&str, &[u32]) {
        (&self.bytes, &self.ends)
    }

    /// The arena of [`StringArena::parts`]; `None` when `ends` do not cut `bytes` into texts
    /// (not ascending, past the end, or inside a character).
    pub fn from_parts(bytes: String, ends: Vec<u32>) -> Option<StringArena> {
        let mut start = 0usize;
        for &end in &ends {
            let end = end as usize;
            if end < start || end > bytes.len() || !bytes.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        (start == bytes.len()).then_some(StringArena { bytes, ends })
    }

    pub fn get(&self, id: u32) -> &str {
        let end = self.ends[id as usize] as usize;
        let start = if id == 0 { 0 } else { self.ends[id as usize - 1] as usize };
        &self.bytes[start..end]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The arena reordered so that new id `i` holds old id `order[i]`.
    pub fn permuted(&self, order: &[u32]) -> StringArena {
        let mut out =
            StringArena { bytes: String::with_capacity(self.bytes.len()), ends: Vec::with_capacity(order.len()) };
        for &old in order {
            out.push(self.get(old));
        }
        out
    }
}

/// Deduplicating interner: the same text always gets the same id.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    arena: StringArena,
    lookup: FxHashMap<Box<str>, u32>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.lookup.get(text) {
            return id;
        }
        let id = self.arena.push(text);
        self.lookup.insert(text.into(), id);
        id
    }

    pub fn find(&self, text: &str) -> Option<u32> {
        self.lookup.get(text).copied()
    }

    pub fn into_arena(self) -> StringArena {
        self.arena
    }

    pub fn arena(&self) -> &StringArena {
        &self.arena
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_deduplicates_and_arena_permutes() {
        let mut i = Interner::default();
        assert_eq!(i.intern("b"), 0);
        assert_eq!(i.intern("a"), 1);
        assert_eq!(i.intern("b"), 0);
        assert_eq!(i.find("a"), Some(1));
        assert_eq!(i.find("c"), None);
        let mut arena = i.into_arena().permuted(&[1, 0]);
        arena.push("c");
        arena.pop();
        assert_eq!(arena.len(), 2);
        assert_eq!(arena.push("d"), 2);
        assert_eq!(arena.get(2), "d");
        assert_eq!(arena.get(0), "a");
        assert_eq!(arena.get(1), "b");
    }

    #[test]
    fn hash_distinguishes_lengths_and_bytes() {
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"a\0"));
        assert_ne!(hash_bytes(b"O1"), hash_bytes(b"O2"));
    }
}
