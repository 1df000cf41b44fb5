//! Access: who may see and change what (roles, permissions, the case team and its legal
//! basis), and need-to-know within the team ([`Restriction`]). Pure rules, tested without
//! storage; the team itself is stored with the person (`people::ports::PeopleStore`).

pub mod model;

pub use model::*;
