//! The subject-access export's reads (`domain::admin::ports::SubjectAccessStore`): every record
//! of a person, each read by the capability's own module.

mod administrators;
mod api_keys;
mod edits;
mod partnership;

use crate::Store;
use domain::admin::ports::SubjectAccessStore;
use domain::ids::PersonId;
use domain::notifications::StoredEvent;
use domain::plan::ports::StoredPlan;
use domain::ports::StoreResult;
use domain::screening::ScreeningReferral;
use domain::zsm::ports::StoredCase;

impl SubjectAccessStore for Store {
    async fn plans_of(&self, person: PersonId) -> StoreResult<Vec<StoredPlan>> {
        self.plans_of_person(person).await
    }

    async fn zsm_cases_of(&self, person: PersonId) -> StoreResult<Vec<StoredCase>> {
        crate::zsm::cases_of_person(self, person, false).await
    }

    async fn zsm_cases_naming(&self, person: PersonId) -> StoreResult<Vec<StoredCase>> {
        crate::zsm::cases_of_person(self, person, true).await
    }

    async fn screening_referrals_of(&self, person: PersonId) -> StoreResult<Vec<ScreeningReferral>> {
        self.referrals_of_person(person).await
    }

    async fn events_about(&self, person: PersonId) -> StoreResult<Vec<StoredEvent>> {
        self.events_of_person(*person.as_uuid()).await
    }
}

impl domain::admin::ports::OperationsStore for Store {
    async fn open_zsm_cases(&self) -> StoreResult<i64> {
        let open: Option<(i64,)> =
            self.read_optional("SELECT count(*) FROM zsm_case WHERE is_open = $1", crate::read::params![true]).await?;
        Ok(open.map_or(0, |(n,)| n))
    }

    async fn outbox_positions(&self) -> StoreResult<(i64, Vec<(String, i64)>)> {
        let consumers: Vec<(String, i64)> =
            self.read_all("SELECT name, position FROM outbox_consumer ORDER BY name", &[]).await?;
        Ok((self.outbox_head().await?, consumers))
    }
}
