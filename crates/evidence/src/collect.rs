//! The columns of an extract gathered as an import hands its records to the store, so that
//! the evidence pages' snapshot of an import into an empty store is made from what the import
//! read anyway instead of from every row read back again (ten million offences at national
//! scale). Only the columns a snapshot keeps are gathered: no offence ids.

use std::sync::Arc;

use crate::dataset::{Dataset, IndexEvents, Offences};
use crate::date::Day;
use crate::error::Result;
use crate::extract::{EventRecord, ExtractSource, OffenceRecord, PersonOffence, Rows, Tally};

/// An [`ExtractSource`] that keeps the offences and index events it hands out.
pub struct Collecting<'a> {
    source: &'a mut dyn ExtractSource,
    offences: Offences,
    events: IndexEvents,
}

impl<'a> Collecting<'a> {
    pub fn new(source: &'a mut dyn ExtractSource) -> Collecting<'a> {
        Collecting { source, offences: Offences::default(), events: IndexEvents::default() }
    }

    /// What was handed out, let go of the source.
    pub fn collected(self) -> Collected {
        Collected { labels: self.source.labels(), offences: self.offences, events: self.events }
    }
}

/// The offences and index events an import handed out, with the source's persons and labels.
pub struct Collected {
    labels: Dataset,
    offences: Offences,
    events: IndexEvents,
}

impl Collected {
    /// As a dataset in canonical order without offence ids: the extract a store that was
    /// empty holds after the import, as its snapshot keeps it ([`crate::snapshot::for_pages`]).
    /// Offences were handed out in id order, so among a person's offences of one day the
    /// order they came in is their order by id.
    pub fn into_dataset(self) -> Dataset {
        Dataset { offences: Arc::new(self.offences), index_events: self.events, ..self.labels }.canonicalise()
    }
}

impl ExtractSource for Collecting<'_> {
    fn labels(&self) -> Dataset {
        self.source.labels()
    }

    fn day_range(&self) -> (Day, Day) {
        self.source.day_range()
    }

    fn offences_by_id(&mut self) -> Result<Rows<'_, OffenceRecord>> {
        let Collecting { source, offences, .. } = self;
        *offences = Offences::default();
        let rows = source.offences_by_id()?;
        Ok(Box::new(rows.inspect(move |record| {
            if let Ok(r) = record {
                offences.person.push(r.person);
                offences.offence_date.push(r.offence_date);
                offences.outcome_date.push(r.outcome_date);
                offences.outcome.push(r.outcome);
                offences.offence_type.push(r.offence_type);
                offences.seriousness.push(r.seriousness);
            }
        })))
    }

    fn offences_by_person(&mut self) -> Result<Option<Rows<'_, PersonOffence>>> {
        self.source.offences_by_person()
    }

    fn index_events(&mut self) -> Result<Rows<'_, EventRecord>> {
        let Collecting { source, events, .. } = self;
        *events = IndexEvents::default();
        let rows = source.index_events()?;
        Ok(Box::new(rows.inspect(move |record| {
            if let Ok(r) = record {
                events.person.push(r.person);
                events.index_date.push(r.index_date);
                events.kind.push(r.kind);
                events.group.push(r.group);
            }
        })))
    }

    fn finish(&mut self) -> Result<Tally> {
        self.source.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::DatasetSource;

    #[test]
    fn what_an_import_reads_is_the_extract_without_offence_ids() {
        let dir = std::env::temp_dir().join(format!("desist-collect-test-{}", std::process::id()));
        crate::generate::generate(4, 300, 5.0, 200, &dir).unwrap();
        let data = crate::csv_io::load_dir(&dir).unwrap().0;
        let _ = std::fs::remove_dir_all(&dir);
        // Several offences of one person on one day, so the order by id is tested.
        let o = &data.offences;
        assert!(
            (1..o.person.len()).any(|i| (o.person[i], o.offence_date[i]) == (o.person[i - 1], o.offence_date[i - 1]))
        );
        let mut source = DatasetSource::new(&data, 0);
        let mut collecting = Collecting::new(&mut source);
        for rows in [collecting.offences_by_id().unwrap().count(), collecting.index_events().unwrap().count()] {
            assert!(rows > 0);
        }
        collecting.finish().unwrap();
        assert_eq!(collecting.collected().into_dataset(), crate::snapshot::for_pages(&data));
    }
}
