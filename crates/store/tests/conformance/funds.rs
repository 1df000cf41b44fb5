//! The personal-funds ledger on SQLite and PostgreSQL (issue 20): a property test drives
//! random allocations, commitments, posts, voids, releases and reversals — with retries of the
//! same request and reuses of an id for another — from many concurrent clients, and after every
//! round checks the invariants: no account below zero or above its limit, balances summing to
//! zero, every account's totals equal to the replay of the recorded transfers (nothing lost or
//! counted twice), every accepted transfer recorded exactly once, retries answered alike. The
//! fund is a grant pot, so the clients also grant a named project group money, commit and
//! release the group's, and resolve and reverse those: the group's accounts are checked by the
//! same invariants after every round. The clients go through two servers (stores) on one
//! database, each remembering the fund's settings, and the approval threshold is changed
//! behind their backs between rounds: every commitment must have been judged on the threshold
//! of its round.

use crate::support::{UTC, actor, at, execute, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::directory::{AgencyKind, DirectoryStore, Member};
use domain::funds::ports::FundStore;
use domain::funds::service::groups::GroupInput;
use domain::funds::service::{FundInput, Funds, TransferInput, invariant_violations};
use domain::funds::{Account, AccountCode, FundError, FundId, GroupId, Phase, Totals, Transfer, TransferKind};
use domain::ids::{MemberId, PersonId};
use domain::service::ServiceError;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use store::Store;
use uuid::Uuid;

pub(crate) struct Setup {
    pub keeper: Actor,
    pub approver: Actor,
    pub people: Vec<PersonId>,
    pub fund: FundId,
    /// A project group of the first two people, granted from the fund.
    pub group: GroupId,
}

pub(crate) async fn setup(store: &Store, clock: &FixedClock, budget: i64) -> Setup {
    let keeper = actor(store, "Reclassering Den Haag", AgencyKind::Probation, Role::ProbationOfficer).await;
    let member = Member {
        id: MemberId::new(at("2026-11-22T09:00:00Z")),
        agency_id: keeper.agency_id,
        username: "tweede.lezer".into(),
        display_name: "Tweede lezer".into(),
        roles: vec![Role::ProbationOfficer],
        disabled: false,
    };
    store.create_member(&member, "not-a-real-hash", at("2026-11-22T09:00:00Z")).await.unwrap();
    let approver = Actor {
        member_id: member.id,
        agency_id: keeper.agency_id,
        roles: member.roles,
        display_name: member.display_name,
    };
    let mut people = Vec::new();
    for (name, bsn) in [("Hoekstra", "111222333"), ("Bakker", "111222345"), ("Visser", "111222357")] {
        let input = person_input(name, "Piet", "1970-01-01", bsn);
        people.push(person_on_team(store, clock, &keeper, &input, &[]).await);
    }
    let funds = Funds { store, clock, time_zone: &UTC };
    let input = FundInput {
        name: "Volwassenen 2026".into(),
        kind: "grant_pot".into(),
        stream: "adults".into(),
        period_start: "2026-01-01".into(),
        period_end: "2026-12-31".into(),
        budget_cents: Some(budget),
        approval_above_cents: Some(3_000),
        person_limit_cents: Some(budget / 2),
    };
    let fund = funds.open_fund(&keeper, &input).await.unwrap().id;
    let group = GroupInput {
        name: "Moestuin Laakkwartier".into(),
        project: "Een moestuin aanleggen en de oogst delen met de buurt".into(),
        goals: "Samen iets opbouwen".into(),
        members: people[..2].iter().map(ToString::to_string).collect(),
        consented: true,
    };
    let group = funds.create_group(&keeper, &group).await.unwrap().id;
    Setup { keeper, approver, people, fund, group }
}

/// A transfer for the project group.
pub(crate) fn group_input(kind: &str, group: GroupId, amount: Option<i64>) -> TransferInput {
    TransferInput {
        id: Uuid::now_v7().to_string(),
        kind: kind.into(),
        group_id: group.to_string(),
        amount_cents: amount,
        description: format!("{kind} for the group's project"),
        goal: "Samen iets opbouwen".into(),
        ..Default::default()
    }
}

/// A small deterministic generator (xorshift), seeded per client.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

pub(crate) fn input(kind: &str, person: PersonId, amount: Option<i64>) -> TransferInput {
    TransferInput {
        id: Uuid::now_v7().to_string(),
        kind: kind.into(),
        person_id: person.to_string(),
        amount_cents: amount,
        description: format!("{kind} for the person's goal"),
        goal: "Ik wil een fiets om naar mijn werk te gaan".into(),
        invoice_ref: if kind == "post" { "F-1".into() } else { String::new() },
        ..Default::default()
    }
}

/// What the replay of the transfers says each account's totals are.
fn replay(transfers: &[Transfer]) -> BTreeMap<String, Totals> {
    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    for t in transfers {
        let a = t.amount_cents;
        let (debit, credit) = match t.phase {
            Phase::Posted => ((a, 0), (a, 0)),
            Phase::Pending => ((0, a), (0, a)),
            Phase::PostPending { reserved } => ((a, -reserved), (a, -reserved)),
            Phase::VoidPending { reserved } => ((0, -reserved), (0, -reserved)),
        };
        let d = totals.entry(t.debit.code()).or_default();
        d.debits_posted += debit.0;
        d.debits_pending += debit.1;
        let c = totals.entry(t.credit.code()).or_default();
        c.credits_posted += credit.0;
        c.credits_pending += credit.1;
    }
    totals
}

async fn check(store: &Store, fund: FundId, accepted: &BTreeSet<Uuid>) -> Vec<Account> {
    let accounts = store.accounts(fund).await.unwrap();
    let violations = invariant_violations(&accounts);
    assert!(violations.is_empty(), "{violations:?}");
    let transfers = store.transfers_of_fund(fund).await.unwrap();
    let replayed = replay(&transfers);
    for account in &accounts {
        assert_eq!(
            replayed.get(&account.code.code()).copied().unwrap_or_default(),
            account.totals,
            "{}",
            account.code.code()
        );
    }
    let recorded: Vec<Uuid> = transfers.iter().filter(|t| t.kind != TransferKind::Budget).map(|t| t.id.0).collect();
    let unique: BTreeSet<Uuid> = recorded.iter().copied().collect();
    assert_eq!(unique.len(), recorded.len(), "no transfer recorded twice");
    assert_eq!(&unique, accepted, "every accepted transfer recorded, nothing else");
    // The database's own replay (the benchmark's bounded-memory check) agrees.
    assert_eq!(store.accounts_off_their_transfers(fund).await.unwrap(), 0);
    assert_eq!(store.transfer_count(fund).await.unwrap(), recorded.len() as i64);
    accounts
}

/// One random step of a client; the transfer's id when it was accepted.
async fn step(
    funds: &Funds<'_, Store>,
    s: &Setup,
    rng: &mut Rng,
    mine: &mut Vec<(Uuid, TransferKind)>,
) -> Option<Uuid> {
    let person = s.people[rng.next(s.people.len() as u64) as usize];
    let amount = Some(1 + rng.next(4_000) as i64);
    // One step in three moves the project group's money instead of a person's.
    let for_group = rng.next(3) == 0;
    let mut request = match rng.next(7) {
        0 | 1 if for_group => group_input("grant", s.group, amount),
        2 | 3 if for_group => group_input("commit", s.group, amount),
        4 if for_group => group_input("release", s.group, amount),
        0 | 1 => input("allocate", person, amount),
        2 | 3 => input("commit", person, amount),
        4 => input("release", person, amount),
        5 => {
            let (id, kind) = *mine.get(rng.next(mine.len().max(1) as u64) as usize)?;
            if !kind.is_two_phase() {
                let mut r = input("reverse", person, None);
                r.reverses_id = id.to_string();
                r
            } else {
                let mut r = input(if rng.next(2) == 0 { "post" } else { "void" }, person, None);
                r.pending_id = id.to_string();
                if rng.next(2) == 0 {
                    let _ = funds.approve(&s.approver, s.fund, domain::funds::TransferId(id)).await;
                }
                r
            }
        }
        _ => {
            // A retry of something sent before: the same answer; or the id for another request.
            let (id, _) = *mine.last()?;
            let mut other = input("allocate", person, Some(1));
            other.id = id.to_string();
            match funds.transfer(&s.keeper, s.fund, &other).await {
                Err(e) => assert_eq!(e.rule::<FundError>(), Some(&FundError::IdReused), "{e:?}"),
                Ok(r) => assert!(r.replayed, "only a true retry may be answered"),
            }
            return None;
        }
    };
    let first = funds.transfer(&s.keeper, s.fund, &request).await;
    let again = funds.transfer(&s.keeper, s.fund, &request).await;
    // A refusal is not recorded: the retry is decided afresh (another client may have freed
    // money meanwhile). An accepted transfer is answered alike, and recorded once.
    let recorded = match (first, again) {
        (Ok(a), Ok(b)) => {
            assert!(!a.replayed && b.replayed);
            assert_eq!(a.transfer, b.transfer, "a retry answers the same transfer");
            a
        }
        (Err(ServiceError::Rule(_)), Ok(b)) => {
            assert!(!b.replayed);
            b
        }
        (Err(ServiceError::Rule(_)), Err(ServiceError::Rule(_))) => return None,
        other => panic!("unexpected: {other:?}"),
    };
    request.id.clear();
    mine.push((recorded.transfer.id.0, recorded.transfer.kind));
    Some(recorded.transfer.id.0)
}

/// Changes the fund's row by hand, as another server (or an operator) would.
pub(crate) async fn change_fund(store: &Store, fund: FundId, set: &str) {
    let id = match store.backend() {
        "postgres" => format!("'{}'", fund.0),
        _ => format!("X'{}'", fund.0.simple()),
    };
    execute(store, &format!("UPDATE fund SET {set} WHERE id = {id}")).await.unwrap();
}

/// Every commitment and grant among `recorded` was judged on `threshold`.
fn judged_on(recorded: &[Transfer], threshold: i64) {
    for t in recorded.iter().filter(|t| t.kind.is_two_phase()) {
        assert_eq!(
            t.needs_approval,
            t.amount_cents > threshold,
            "{} of {} against {threshold}",
            t.kind.code(),
            t.amount_cents
        );
    }
}

async fn random_transfers_from_concurrent_clients_keep_the_ledger_whole(db: crate::support::TestDb) {
    let store = db.store.clone();
    // A second server on the same database, with a memory of its own.
    let servers = [store.clone(), Store::connect(&db.url, 8).await.unwrap()];
    let clock = Arc::new(FixedClock::new(at("2026-11-22T10:00:00Z")));
    let s = Arc::new(setup(&store, &clock, 40_000).await);
    let accepted = Arc::new(Mutex::new(BTreeSet::new()));
    let clients = 8;
    let mut histories: Vec<Vec<(Uuid, TransferKind)>> = vec![Vec::new(); clients];
    let mut seen = 0;
    for round in 0..12u64 {
        let threshold = 2_000 + 1_000 * (round % 3) as i64;
        change_fund(&store, s.fund, &format!("approval_above_cents = {threshold}")).await;
        let tasks: Vec<_> = histories
            .drain(..)
            .enumerate()
            .map(|(client, mut mine)| {
                let (store, clock, s, accepted) =
                    (servers[client % 2].clone(), Arc::clone(&clock), Arc::clone(&s), Arc::clone(&accepted));
                tokio::spawn(async move {
                    let funds = Funds { store: &store, clock: &*clock, time_zone: &UTC };
                    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((round * 31 + client as u64 + 1) * 0x2545_F491));
                    for _ in 0..3 {
                        if let Some(id) = step(&funds, &s, &mut rng, &mut mine).await {
                            accepted.lock().unwrap().insert(id);
                        }
                    }
                    mine
                })
            })
            .collect();
        for task in tasks {
            histories.push(task.await.unwrap());
        }
        let accepted = accepted.lock().unwrap().clone();
        check(&store, s.fund, &accepted).await;
        let transfers = store.transfers_of_fund(s.fund).await.unwrap();
        judged_on(&transfers[seen..], threshold);
        seen = transfers.len();
    }
    assert!(accepted.lock().unwrap().len() > 20, "the test exercised the ledger");
    let accounts = store.accounts(s.fund).await.unwrap();
    assert!(
        accounts.iter().any(|a| a.code == AccountCode::Group(s.group)),
        "the group's accounts were moved and checked with the rest"
    );
}

/// Many clients committing against one person's allocation at once: exactly what fits is
/// reserved, nothing more, whichever order the database lets them in.
async fn concurrent_commitments_never_overdraw_a_hot_account(db: crate::support::TestDb) {
    let store = db.store.clone();
    let clock = Arc::new(FixedClock::new(at("2026-11-22T10:00:00Z")));
    let s = Arc::new(setup(&store, &clock, 100_000).await);
    let funds = Funds { store: &store, clock: &*clock, time_zone: &UTC };
    let person = s.people[0];
    funds.transfer(&s.keeper, s.fund, &input("allocate", person, Some(10_000))).await.unwrap();
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let (store, clock, s) = (store.clone(), Arc::clone(&clock), Arc::clone(&s));
            tokio::spawn(async move {
                let funds = Funds { store: &store, clock: &*clock, time_zone: &UTC };
                funds.transfer(&s.keeper, s.fund, &input("commit", person, Some(700))).await
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert!(matches!(e.rule::<FundError>(), Some(FundError::Insufficient { .. })), "{e:?}"),
        }
    }
    assert_eq!(ok, 14, "10,000 holds fourteen commitments of 700");
    let accounts = store.accounts(s.fund).await.unwrap();
    let own = accounts.iter().find(|a| a.code == AccountCode::Person(person)).unwrap();
    assert_eq!(own.available(), 200);
    assert!(invariant_violations(&accounts).is_empty());
}

/// Approval by a second member; posting before it is refused; the history cannot be edited.
async fn approvals_and_history(db: crate::support::TestDb) {
    let store = db.store.clone();
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let s = setup(&store, &clock, 100_000).await;
    let funds = Funds { store: &store, clock: &clock, time_zone: &UTC };
    let person = s.people[1];
    funds.transfer(&s.keeper, s.fund, &input("allocate", person, Some(20_000))).await.unwrap();
    let commit = funds.transfer(&s.keeper, s.fund, &input("commit", person, Some(5_000))).await.unwrap().transfer;
    assert!(commit.needs_approval);
    let mut post = input("post", person, Some(4_500));
    post.pending_id = commit.id.to_string();
    let refused = funds.transfer(&s.keeper, s.fund, &post).await.unwrap_err();
    assert_eq!(refused.rule::<FundError>(), Some(&FundError::NotApproved));
    let own = funds.approve(&s.keeper, s.fund, commit.id).await.unwrap_err();
    assert_eq!(own.rule::<FundError>(), Some(&FundError::SelfApproval));
    funds.approve(&s.approver, s.fund, commit.id).await.unwrap();
    let posted = funds.transfer(&s.keeper, s.fund, &post).await.unwrap().transfer;
    assert_eq!(posted.amount_cents, 4_500);
    let statement = funds.statement(&s.keeper, person, "test").await.unwrap();
    let mine = &statement.funds[0];
    assert_eq!((mine.available_cents, mine.spent_cents, mine.committed_cents), (15_500, 4_500, 0));
    let mut again = input("void", person, None);
    again.pending_id = commit.id.to_string();
    let resolved = funds.transfer(&s.keeper, s.fund, &again).await.unwrap_err();
    assert_eq!(resolved.rule::<FundError>(), Some(&FundError::AlreadyResolved));
    assert!(execute(&store, "UPDATE fund_transfer SET amount_cents = 1").await.is_err(), "history is never changed");
    assert!(execute(&store, "DELETE FROM fund_transfer").await.is_err(), "history is never deleted");
    assert!(
        execute(&store, "UPDATE fund_account SET debits_posted = credits_posted + 1 WHERE code LIKE 'person:%'")
            .await
            .is_err(),
        "the database refuses an overdrawn account"
    );
}

on_both_backends!(
    random_transfers_from_concurrent_clients_keep_the_ledger_whole,
    concurrent_commitments_never_overdraw_a_hot_account,
    approvals_and_history,
);
