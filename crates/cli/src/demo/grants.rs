//! The demo's co-produced projects (issue 20, grants branch): a repair workshop of three people
//! on probation's caseload, granted money from the grant pot — approved by a second colleague,
//! paid out, tools bought with it — and a community garden whose grant still waits for
//! `goedkeurder`; plus an allocation given back and one put right by a reversal, so the fund
//! reports show releases and reversals.

use domain::FixedClock;
use domain::access::Actor;
use domain::funds::service::groups::GroupInput;
use domain::funds::service::{Funds, TransferInput};
use domain::funds::{FundId, GroupId, TransferId};
use domain::ids::PersonId;
use store::Store;

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

struct Grants<'a> {
    funds: Funds<'a, Store>,
    by: &'a Actor,
}

impl Grants<'_> {
    async fn send(
        &self,
        fund: FundId,
        kind: &str,
        fill: impl FnOnce(&mut TransferInput),
    ) -> anyhow::Result<TransferId> {
        let mut input = TransferInput { id: uuid::Uuid::now_v7().to_string(), kind: kind.into(), ..Default::default() };
        fill(&mut input);
        Ok(self.funds.transfer(self.by, fund, &input).await.map_err(err)?.transfer.id)
    }

    async fn group(&self, name: &str, project: &str, goals: &str, members: &[PersonId]) -> anyhow::Result<GroupId> {
        let input = GroupInput {
            name: name.into(),
            project: project.into(),
            goals: goals.into(),
            members: members.iter().map(ToString::to_string).collect(),
            consented: true,
        };
        Ok(self.funds.create_group(self.by, &input).await.map_err(err)?.id)
    }
}

/// Seeds the groups on the grant pot `pot` (the officer asks, the approver approves); `stream`
/// is a stream fund for the release and the reversal. `people` are on probation's caseload (at least five).
pub async fn seed_grants(
    store: &Store,
    clock: &FixedClock,
    zone: &jiff::tz::TimeZone,
    (officer, approver): (&Actor, &Actor),
    (pot, stream): (FundId, FundId),
    people: &[PersonId],
) -> anyhow::Result<usize> {
    if people.len() < 5 {
        return Ok(0);
    }
    let g = Grants { funds: Funds { store, clock, time_zone: zone }, by: officer };
    let goals = "Een vak leren en iets teruggeven aan de buurt";
    let workshop = g
        .group(
            "Fietsenwerkplaats Oost",
            "Oude fietsen opknappen en uitlenen aan buurtbewoners zonder vervoer",
            goals,
            &people[..3],
        )
        .await?;
    let grant = g
        .send(pot, "grant", |i| {
            i.group_id = workshop.to_string();
            i.amount_cents = Some(80_000);
            i.description = "Startsubsidie werkplaats: gereedschap, onderdelen, huur eerste maanden".into();
            i.goal = goals.into();
        })
        .await?;
    g.funds.approve(approver, pot, grant).await.map_err(err)?;
    g.send(pot, "post", |i| i.pending_id = grant.to_string()).await?;
    let order = g
        .send(pot, "commit", |i| {
            i.group_id = workshop.to_string();
            i.amount_cents = Some(24_950);
            i.description = "Montagestandaard en gereedschapskist (Fietsgroothandel Noord)".into();
            i.goal = goals.into();
        })
        .await?;
    g.send(pot, "post", |i| {
        i.pending_id = order.to_string();
        i.invoice_ref = "FGN-2026-3307".into();
    })
    .await?;
    let garden = g
        .group(
            "Moestuin De Kas",
            "Een moestuin bij het buurthuis; de oogst gaat naar de voedselbank",
            "Elke week iets doen wat ertoe doet",
            &people[2..5],
        )
        .await?;
    // Above the pot's threshold: waits for a second colleague (sign in as goedkeurder).
    g.send(pot, "grant", |i| {
        i.group_id = garden.to_string();
        i.amount_cents = Some(120_000);
        i.description = "Kas, zaden en regenton".into();
        i.goal = "Elke week iets doen wat ertoe doet".into();
    })
    .await?;
    // A release of what will not be spent and an allocation put right by a reversal.
    let person = people[4];
    let allocated = g
        .send(stream, "allocate", |i| {
            i.person_id = person.to_string();
            i.amount_cents = Some(20_000);
            i.description = "Budget voor werkkleding".into();
        })
        .await?;
    g.send(stream, "reverse", |i| {
        i.reverses_id = allocated.to_string();
        i.description = "Dubbel geboekt: de toekenning stond er al".into();
    })
    .await?;
    g.send(stream, "release", |i| {
        i.person_id = people[0].to_string();
        i.amount_cents = Some(5_000);
        i.description = "Niet nodig: de opvang is al betaald door de gemeente".into();
    })
    .await?;
    Ok(2)
}
