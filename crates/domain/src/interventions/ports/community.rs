//! Community links' storage (issue 20).

use crate::audit::AuditEntry;
use crate::ids::PersonId;
use crate::interventions::model::community::CommunityLink;
use crate::ports::StoreResult;
use std::future::Future;

pub trait CommunityStore: Send + Sync {
    fn link_community(
        &self,
        link: &CommunityLink,
        audit: &[AuditEntry],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The person's links, newest first.
    fn community_links(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<CommunityLink>>> + Send;
}
