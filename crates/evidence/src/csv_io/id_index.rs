//! An open-addressing hash index from id text to row number that stores only `u32`s and looks
//! the text up in the arena, so indexing 10M ids does not allocate 10M keys.

use crate::intern::{NONE, StringArena, hash_bytes};

#[derive(Debug)]
pub struct IdIndex {
    slots: Vec<u32>,
    len: usize,
}

impl IdIndex {
    pub fn with_capacity(expected: usize) -> IdIndex {
        let size = (expected.max(8) * 2).next_power_of_two();
        IdIndex {
            slots: vec![NONE; size],
            len: 0,
        }
    }

    fn slot_of(&self, key: &[u8], arena: &StringArena) -> (usize, Option<u32>) {
        let mask = self.slots.len() - 1;
        let mut i = hash_bytes(key) as usize & mask;
        loop {
            let row = self.slots[i];
            if row == NONE {
                return (i, None);
            }
            if arena.get(row).as_bytes() == key {
                return (i, Some(row));
            }
            i = (i + 1) & mask;
        }
    }

    pub fn get(&self, key: &[u8], arena: &StringArena) -> Option<u32> {
        self.slot_of(key, arena).1
    }

    /// Inserts `row` (whose text is already in `arena`) unless the text is present; returns the
    /// existing row on a duplicate.
    pub fn insert(&mut self, row: u32, arena: &StringArena) -> Result<(), u32> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow(arena);
        }
        let (slot, existing) = self.slot_of(arena.get(row).as_bytes(), arena);
        if let Some(existing) = existing {
            return Err(existing);
        }
        self.slots[slot] = row;
        self.len += 1;
        Ok(())
    }

    fn grow(&mut self, arena: &StringArena) {
        let doubled = vec![NONE; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for row in old.into_iter().filter(|&r| r != NONE) {
            let mut i = hash_bytes(arena.get(row).as_bytes()) as usize & mask;
            while self.slots[i] != NONE {
                i = (i + 1) & mask;
            }
            self.slots[i] = row;
        }
    }
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
        assert_eq!(index.get(b"id999", &arena), Some(999));
        assert_eq!(index.get(b"nope", &arena), None);
        let dup = arena.push("id5");
        assert_eq!(index.insert(dup, &arena), Err(5));
    }
}
