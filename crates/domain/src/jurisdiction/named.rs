//! Pack texts in the language a member reads. Packs carry every name in each language of the
//! message catalogue (`name_nl`, `name_en`, `name_it`); callers pick one with [`Named::name`]
//! instead of matching on the language at every use, so a new language is one arm here.

use super::beyond::Lang;
use super::clock_rules::{ClockDefinition, ExtensionRule, Milestone};
use super::disposals::{ChoiceOption, DisposalDefinition, ObligationKind, ParameterDefinition};
use super::pack::{JurisdictionPack, ZsmTarget};

/// Something a pack names in every language.
pub trait Named {
    /// The names as `[nl, en, it]`, in the order of [`Lang`].
    fn names(&self) -> [&str; 3];

    fn name(&self, lang: Lang) -> &str {
        let [nl, en, it] = self.names();
        match lang {
            Lang::Nl => nl,
            Lang::En => en,
            Lang::It => it,
        }
    }
}

macro_rules! named {
    ($($type:ty),*) => {
        $(impl Named for $type {
            fn names(&self) -> [&str; 3] {
                [&self.name_nl, &self.name_en, &self.name_it]
            }
        })*
    };
}

named!(
    JurisdictionPack,
    ClockDefinition,
    ExtensionRule,
    Milestone,
    DisposalDefinition,
    ParameterDefinition,
    ChoiceOption,
    ObligationKind
);

impl Named for ZsmTarget {
    fn names(&self) -> [&str; 3] {
        [&self.description_nl, &self.description_en, &self.description_it]
    }
}
