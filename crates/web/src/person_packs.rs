//! The rules a person's pages follow: the pack of the Safety House or IOM hub on the person's
//! team when it names one, else the pack of the location of the person's latest case, else the
//! deployment's. Someone worked with by the Knowsley IOM hub is screened on the resettlement
//! pathways, planned under the IOM's rules and dated in London time, also in a Dutch deployment.

use crate::AppState;
use crate::auth::RequestContext;
use crate::error::WebError;
use domain::ids::PersonId;
use domain::jurisdiction::{BeyondPack, JurisdictionPack};
use jiff::tz::TimeZone;
use store::Store;

/// The services of one person's pages, under the person's packs.
pub(crate) struct ForPerson<'a> {
    state: &'a AppState,
    /// The person's own pack; `None`: the deployment's.
    pack: Option<&'static JurisdictionPack>,
    pub(crate) beyond: &'a BeyondPack,
    pub(crate) zone: &'a TimeZone,
}

impl AppState {
    /// The services and rules for the pages of `person` (see the module's note).
    pub(crate) async fn for_person(&self, person: PersonId) -> Result<ForPerson<'_>, WebError> {
        let pack = self.person_pack(person).await?;
        let beyond: &BeyondPack = match pack {
            Some(pack) => BeyondPack::shipped_static(&pack.code).map_err(|e| WebError::internal(e.to_string()))?,
            None => &self.beyond,
        };
        let zone = pack.map_or(&self.config.time_zone, |p| &p.time_zone);
        Ok(ForPerson { state: self, pack, beyond, zone })
    }

    /// The time zone each of `persons` is dated in (see the module's note), for a list of many
    /// persons: a custody suite's detainee's help is due in London time on the same list as a
    /// Dutch person's in Amsterdam time.
    pub(crate) async fn zones_of(
        &self,
        persons: &[PersonId],
    ) -> Result<std::collections::BTreeMap<PersonId, TimeZone>, WebError> {
        let mut zones = std::collections::BTreeMap::new();
        for &person in persons {
            if let std::collections::btree_map::Entry::Vacant(entry) = zones.entry(person) {
                let pack = self.person_pack(person).await?;
                entry.insert(pack.map_or_else(|| self.config.time_zone.clone(), |p| p.time_zone.clone()));
            }
        }
        Ok(zones)
    }

    async fn person_pack(&self, person: PersonId) -> Result<Option<&'static JurisdictionPack>, WebError> {
        use domain::directory::DirectoryStore;
        let internal = |e: domain::jurisdiction::JurisdictionError| WebError::internal(e.to_string());
        let source = self.store.person_pack_source(person).await.map_err(domain::service::ServiceError::from)?;
        if let Some(code) = &source.team_pack {
            return domain::jurisdiction::shipped_pack(code).map(Some).map_err(internal);
        }
        match source.case_location {
            Some((pack, time_zone)) if pack != self.config.pack.code || time_zone.is_some() => {
                domain::jurisdiction::shipped_pack_in_zone(&pack, time_zone.as_deref()).map(Some).map_err(internal)
            }
            _ => Ok(None),
        }
    }
}

impl ForPerson<'_> {
    /// `context` in the words of the person's pack ("IOM meeting" for an IOM hub's person).
    pub(crate) fn context(&self, context: &RequestContext) -> RequestContext {
        match self.pack {
            Some(pack) => context.in_pack(pack),
            None => context.clone(),
        }
    }

    pub(crate) fn screenings(&self) -> domain::screening::service::Screenings<'_, Store> {
        domain::screening::service::Screenings {
            store: &self.state.store,
            clock: self.state.clock.as_ref(),
            time_zone: self.zone,
            config: &self.beyond.screening,
        }
    }

    pub(crate) fn plans(&self) -> domain::plan::service::Plans<'_, Store> {
        domain::plan::service::Plans {
            store: &self.state.store,
            clock: self.state.clock.as_ref(),
            time_zone: self.zone,
            pack: self.beyond,
        }
    }

    pub(crate) fn measures(&self) -> domain::measures::service::Measures<'_, Store> {
        domain::measures::service::Measures {
            store: &self.state.store,
            clock: self.state.clock.as_ref(),
            time_zone: self.zone,
            pack: self.beyond,
        }
    }
}

/// The time zone a page's times are shown in, with its name for the headings above them
/// ("When (Europe/London)"): a page never shows a time without saying in which zone.
#[derive(Clone)]
pub(crate) struct PageZone {
    pub(crate) zone: TimeZone,
    pub(crate) name: String,
}

impl PageZone {
    fn of_pack(pack: &JurisdictionPack) -> Self {
        Self { zone: pack.time_zone.clone(), name: pack.time_zone_name.clone() }
    }

    /// `at` in this zone (`2026-03-30 09:15`).
    pub(crate) fn time(&self, at: jiff::Timestamp) -> String {
        crate::page::local_time(at, &self.zone)
    }

    /// The heading `key` with the zone named: "When (Europe/London)".
    pub(crate) fn heading(&self, t: crate::i18n::Texts, key: &str) -> String {
        t.fill("time.in_zone", &[("label", t.get(key)), ("zone", &self.name)])
    }
}

impl AppState {
    fn deployment_zone(&self) -> PageZone {
        let name = self.config.time_zone.iana_name().unwrap_or(self.config.pack.time_zone_name.as_str());
        PageZone { zone: self.config.time_zone.clone(), name: name.to_owned() }
    }

    /// The zone of a person's pages (their fund, referrals, mentor): that of the person's
    /// packs (see the module's note) — a detainee of the Liverpool custody suite in London
    /// time, someone of the Turin table in Rome time — else the deployment's.
    pub(crate) async fn person_zone(&self, person: PersonId) -> Result<PageZone, WebError> {
        Ok(match self.person_pack(person).await? {
            Some(pack) => PageZone::of_pack(pack),
            None => self.deployment_zone(),
        })
    }

    /// The zone a use case about `person` (when it names one) is dated in: the person's, else
    /// the member's — a transfer for a London detainee is dated in London time.
    pub(crate) async fn zone_about(
        &self,
        actor: &domain::access::Actor,
        person: Option<PersonId>,
    ) -> Result<PageZone, WebError> {
        match person {
            Some(person) => self.person_zone(person).await,
            None => self.member_zone(actor).await,
        }
    }

    /// The zone a referral's use cases are dated in: its person's (see [`Self::person_zone`]),
    /// whichever side works on it; the member's when there is no such referral (the use case
    /// then answers "not found").
    pub(crate) async fn referral_zone(
        &self,
        actor: &domain::access::Actor,
        referral: domain::ids::ReferralId,
    ) -> Result<PageZone, WebError> {
        use domain::interventions::ports::InterventionStore;
        let stored = self.store.referral(referral).await.map_err(domain::service::ServiceError::from)?;
        self.zone_about(actor, stored.map(|s| s.referral.person)).await
    }

    /// The zone of a ZSM location's figures: its pack's, in the location's own zone (a
    /// custody suite in London time); the member's when there is no such location.
    pub(crate) async fn location_zone(&self, actor: &domain::access::Actor, code: &str) -> Result<PageZone, WebError> {
        use domain::zsm::ports::ZsmStore;
        let location = self.store.location(code).await.map_err(domain::service::ServiceError::from)?;
        match location.map(|l| l.pack()) {
            Some(Ok(pack)) => Ok(PageZone::of_pack(pack)),
            Some(Err(e)) => Err(WebError::internal(e.to_string())),
            None => self.member_zone(actor).await,
        }
    }

    /// The zone of a Safety House's or IOM hub's figures: its own pack's when it names one,
    /// else the member's.
    pub(crate) async fn agency_zone(
        &self,
        actor: &domain::access::Actor,
        agency: domain::ids::AgencyId,
    ) -> Result<PageZone, WebError> {
        match self.agency_pack(agency).await? {
            Some(pack) => Ok(PageZone::of_pack(pack)),
            None => self.member_zone(actor).await,
        }
    }

    /// The zone of a member's own pages, which list many persons (notifications, the funds
    /// their agency holds, its catalogue, the evidence): their Safety House's or IOM hub's
    /// pack's, else the one zone of every location their agency sits at, else the
    /// deployment's.
    pub(crate) async fn member_zone(&self, actor: &domain::access::Actor) -> Result<PageZone, WebError> {
        use domain::directory::DirectoryStore;
        // One read (a transfer that names no person is dated in its member's zone).
        let source =
            self.store.member_pack_source(actor.agency_id).await.map_err(domain::service::ServiceError::from)?;
        if let Some(code) = &source.agency_pack {
            let own = domain::jurisdiction::shipped_pack(code).map_err(|e| WebError::internal(e.to_string()))?;
            return Ok(PageZone::of_pack(own));
        }
        let mut packs = source
            .locations
            .iter()
            .map(|(pack, zone)| domain::jurisdiction::shipped_pack_in_zone(pack, zone.as_deref()));
        let first = match packs.next() {
            Some(Ok(pack)) => pack,
            _ => return Ok(self.deployment_zone()),
        };
        match packs.all(|p| p.is_ok_and(|p| p.time_zone_name == first.time_zone_name)) {
            true => Ok(PageZone::of_pack(first)),
            false => Ok(self.deployment_zone()),
        }
    }
}
