//! An open-addressing hash index from id text to row number that stores only integers and
//! looks the text up in the arena, so indexing 10M ids does not allocate 10M keys. Each slot
//! keeps 32 bits of the hash beside the row, so probing past other ids (and checking that a
//! new id is absent, the common case) rarely touches the arena: one cache miss, not three.

use crate::intern::{StringArena, hash_bytes};

const EMPTY: u64 = u64::MAX;

#[derive(Debug)]
pub struct IdIndex {
    /// `(hash tag << 32) | row`, or `EMPTY`.
    slots: Vec<u64>,
    len: usize,
}

fn tag(hash: u64) -> u64 {
    (hash >> 32) << 32
}

impl IdIndex {
    pub fn with_capacity(expected: usize) -> IdIndex {
        let size = (expected.max(8) * 2).next_power_of_two();
        IdIndex { slots: vec![EMPTY; size], len: 0 }
    }

    fn slot_of(&self, key: &[u8], hash: u64, arena: &StringArena) -> (usize, Option<u32>) {
        let mask = self.slots.len() - 1;
        let mut i = home(hash) & mask;
        loop {
            let slot = self.slots[i];
            if slot == EMPTY {
                return (i, None);
            }
            if tag(slot) == tag(hash) {
                let row = slot as u32;
                if arena.get(row).as_bytes() == key {
                    return (i, Some(row));
                }
            }
            i = (i + 1) & mask;
        }
    }

    pub fn get(&self, key: &[u8], arena: &StringArena) -> Option<u32> {
        self.slot_of(key, hash_bytes(key), arena).1
    }

    /// Inserts `row` (whose text is already in `arena`) unless the text is present; returns the
    /// existing row on a duplicate.
    pub fn insert(&mut self, row: u32, arena: &StringArena) -> Result<(), u32> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let key = arena.get(row).as_bytes();
        let hash = hash_bytes(key);
        let (slot, existing) = self.slot_of(key, hash, arena);
        if let Some(existing) = existing {
            return Err(existing);
        }
        self.slots[slot] = tag(hash) | u64::from(row);
        self.len += 1;
        Ok(())
    }

    /// Doubles the table; slots are re-homed from their stored tag (see `home`).
    fn grow(&mut self) {
        let doubled = vec![EMPTY; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != EMPTY) {
            let mut i = home(slot) & mask;
            while self.slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// The home slot comes from the high 32 bits of the hash, which the slot stores as its tag,
/// so growing needs no re-hashing of the texts.
fn home(hash_or_slot: u64) -> usize {
    (hash_or_slot >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rows_and_rejects_duplicates_across_growth() {
        let mut arena = StringArena::default();
        let mut index = IdIndex::with_capacity(1);
        for i in 0..1000 {
            let row = arena.push(&format!("id{i}"));
            index.insert(row, &arena).unwrap();
        }
        for i in 0..1000 {
            assert_eq!(index.get(format!("id{i}").as_bytes(), &arena), Some(i));
        }
        assert_eq!(index.get(b"nope", &arena), None);
        let dup = arena.push("id5");
        assert_eq!(index.insert(dup, &arena), Err(5));
    }
}
