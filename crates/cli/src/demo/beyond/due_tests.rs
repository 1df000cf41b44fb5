use super::open_task_offset;

/// Issue 17 walk: the agencies' task lists show a few tasks days late, most coming up — not
/// tasks 448 days overdue because their plan was drafted a year before the demo's start.
#[test]
fn open_tasks_are_a_few_days_late_at_most_and_mostly_upcoming() {
    let offsets: Vec<i64> = (1..=40).flat_map(|n| (0..3).map(move |k| open_task_offset(n, k))).collect();
    let late = offsets.iter().filter(|o| **o < 0).count();
    assert!(late > 0 && late * 5 <= offsets.len(), "{late} of {} late", offsets.len());
    assert!(offsets.iter().all(|o| (-5..=60).contains(o)), "{offsets:?}");
}
