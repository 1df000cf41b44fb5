//! Duplicate offence ids, found after reading by sorting (hash, row) pairs: sequential
//! memory access, much cheaper at 10M rows than probing a hash table for every row.

use super::OFFENCES_FILE;
use super::read::Issues;
use crate::dataset::Offences;

/// Reports every offence whose id appeared on an earlier line and removes it (the first
/// occurrence is kept, as a row-by-row check would).
pub(super) fn drop_duplicate_offences(
    o: &mut Offences,
    mut id_hashes: Vec<(u64, u32)>,
    lines: &[u64],
    id_column: usize,
    issues: &mut Issues,
) {
    id_hashes.sort_unstable();
    let mut duplicate = vec![false; lines.len()];
    let mut any = false;
    for run in id_hashes.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        // Rows in a run are ascending (the sort includes the row); compare texts, since equal
        // hashes need not mean equal ids.
        for (k, &(_, row)) in run.iter().enumerate() {
            let text = o.ids.get(row);
            if run[..k].iter().any(|&(_, earlier)| !duplicate[earlier as usize] && o.ids.get(earlier) == text) {
                duplicate[row as usize] = true;
                any = true;
                issues.error(OFFENCES_FILE, lines[row as usize], id_column, format!("duplicate offence_id '{text}'"));
            }
        }
    }
    if !any {
        return;
    }
    let keep: Vec<u32> = (0..lines.len() as u32).filter(|&i| !duplicate[i as usize]).collect();
    o.ids = o.ids.permuted(&keep);
    keep_rows(&mut o.person, &keep);
    keep_rows(&mut o.offence_date, &keep);
    keep_rows(&mut o.outcome_date, &keep);
    keep_rows(&mut o.outcome, &keep);
    keep_rows(&mut o.offence_type, &keep);
    keep_rows(&mut o.seriousness, &keep);
}

fn keep_rows<T: Copy>(column: &mut Vec<T>, keep: &[u32]) {
    *column = keep.iter().map(|&i| column[i as usize]).collect();
}
