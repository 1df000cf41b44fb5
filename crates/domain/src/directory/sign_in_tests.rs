use super::*;

fn now() -> Timestamp {
    "2026-11-22T10:00:00Z".parse().unwrap()
}

fn minutes_ago(minutes: i64) -> Option<Timestamp> {
    Some(now().checked_sub(SignedDuration::from_mins(minutes)).unwrap())
}

/// Counts of an attempt with `before` attempts already on record from the same address on
/// the same account, oldest `oldest` minutes ago, and nothing else.
fn from_one_address(before: u32, oldest: i64) -> AttemptCounts {
    AttemptCounts {
        account_and_address: before,
        address: before,
        account: before,
        account_recent: 0,
        oldest_account_and_address: minutes_ago(oldest),
        oldest_address: minutes_ago(oldest),
    }
    .with_one_more(now())
}

#[test]
fn an_address_gets_five_attempts_on_an_account_then_waits_until_the_oldest_leaves_the_window() {
    let throttle = LoginThrottle::default();
    assert_eq!(throttle.judge(&from_one_address(4, 10), now()), Verdict::Check, "the fifth is checked");
    assert_eq!(
        throttle.judge(&from_one_address(5, 10), now()),
        Verdict::Wait(SignedDuration::from_mins(5)),
        "the sixth waits until the oldest is 15 minutes old"
    );
}

#[test]
fn an_address_gets_twenty_attempts_across_accounts() {
    let throttle = LoginThrottle::default();
    let spread = |before: u32| {
        AttemptCounts { address: before, oldest_address: minutes_ago(14), ..AttemptCounts::default() }
            .with_one_more(now())
    };
    assert_eq!(throttle.judge(&spread(19), now()), Verdict::Check);
    assert_eq!(throttle.judge(&spread(20), now()), Verdict::Wait(SignedDuration::from_mins(1)));
}

#[test]
fn an_attempt_is_never_refused_for_its_own_record() {
    let throttle = LoginThrottle { per_account_and_address: 1, per_address: 1, per_account: 1, ..Default::default() };
    assert_eq!(throttle.judge(&AttemptCounts::default().with_one_more(now()), now()), Verdict::Check);
}

#[test]
fn guesses_from_elsewhere_never_lock_out_a_member_at_an_address_that_has_not_failed() {
    let throttle = LoginThrottle::default();
    // Forty guesses on the account in the window, three in the last minute, none from here.
    let elsewhere = AttemptCounts { account: 40, account_recent: 3, ..AttemptCounts::default() };
    assert_eq!(throttle.judge(&elsewhere.with_one_more(now()), now()), Verdict::Check);
}

#[test]
fn past_the_accounts_limit_addresses_that_failed_on_it_get_a_trickle() {
    let throttle = LoginThrottle::default();
    let failed_here = |recent: u32| {
        AttemptCounts {
            account_and_address: 2,
            address: 2,
            account: 9,
            account_recent: recent,
            oldest_account_and_address: minutes_ago(3),
            oldest_address: minutes_ago(3),
        }
        .with_one_more(now())
    };
    assert_eq!(
        throttle.judge(&failed_here(1), now()),
        Verdict::Wait(SignedDuration::from_mins(1)),
        "another attempt on the account in the last minute"
    );
    assert_eq!(throttle.judge(&failed_here(0), now()), Verdict::Check, "one a minute gets through");
    let under_the_limit = AttemptCounts { account: 3, ..failed_here(1) };
    assert_eq!(throttle.judge(&under_the_limit, now()), Verdict::Check, "no slowing before the account's limit");
}

#[test]
fn windows_start_at_the_window_and_the_slow_down() {
    let window = LoginThrottle::default().window_at(now());
    assert_eq!(window.since, minutes_ago(15).unwrap());
    assert_eq!(window.recent_since, minutes_ago(1).unwrap());
}

#[test]
fn one_more_attempt_is_counted_everywhere_and_may_be_the_oldest() {
    let counts = AttemptCounts::default().with_one_more(now());
    assert_eq!((counts.account_and_address, counts.address, counts.account, counts.account_recent), (1, 1, 1, 1));
    assert_eq!(counts.oldest_account_and_address, Some(now()));
    let older = AttemptCounts { oldest_address: minutes_ago(2), ..AttemptCounts::default() }.with_one_more(now());
    assert_eq!(older.oldest_address, minutes_ago(2));
}
