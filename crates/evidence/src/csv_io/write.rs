//! Writing a [`Dataset`] back in the interchange format, in canonical order, so that
//! read → write → read → write gives byte-identical files.

use std::io::Write;
use std::path::Path;

use super::{INDEX_EVENTS_FILE, OFFENCES_FILE, PERSONS_FILE, neutralise};
use crate::dataset::Dataset;
use crate::date::{Day, NO_DAY, push_day};
use crate::error::{EvidenceError, Result};

fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().buffer_capacity(1 << 20).from_writer(out)
}

fn date_cell(buf: &mut Vec<u8>, day: Day) -> &[u8] {
    buf.clear();
    if day != NO_DAY {
        push_day(buf, day);
    }
    buf
}

pub fn write_persons(data: &Dataset, out: impl Write) -> Result<()> {
    let mut w = writer(out);
    w.write_record(["person_id", "birth_date", "sex", "area"])?;
    let p = &data.persons;
    let mut birth = Vec::with_capacity(10);
    for i in 0..data.person_count() {
        w.write_record([
            neutralise(p.ids.get(i as u32)).as_bytes(),
            date_cell(&mut birth, p.birth_date[i]),
            p.sex[i].as_str().as_bytes(),
            neutralise(Dataset::label(&data.areas, p.area[i])).as_bytes(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_offences(data: &Dataset, out: impl Write) -> Result<()> {
    let mut w = writer(out);
    w.write_record([
        "offence_id",
        "person_id",
        "offence_date",
        "outcome_date",
        "outcome",
        "offence_type",
        "seriousness",
    ])?;
    let o = &data.offences;
    let (mut offence_date, mut outcome_date) = (Vec::with_capacity(10), Vec::with_capacity(10));
    for i in 0..data.offence_count() {
        let seriousness = match o.seriousness[i] {
            0 => String::new(),
            s => s.to_string(),
        };
        w.write_record([
            neutralise(o.ids.get(i as u32)).as_bytes(),
            neutralise(data.person_id(o.person[i])).as_bytes(),
            date_cell(&mut offence_date, o.offence_date[i]),
            date_cell(&mut outcome_date, o.outcome_date[i]),
            o.outcome[i].as_str().as_bytes(),
            neutralise(Dataset::label(&data.offence_types, o.offence_type[i])).as_bytes(),
            seriousness.as_bytes(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_index_events(data: &Dataset, out: impl Write) -> Result<()> {
    let mut w = writer(out);
    w.write_record(["person_id", "index_date", "kind", "group"])?;
    let e = &data.index_events;
    let mut date = Vec::with_capacity(10);
    for i in 0..data.index_event_count() {
        w.write_record([
            neutralise(data.person_id(e.person[i])).as_bytes(),
            date_cell(&mut date, e.index_date[i]),
            neutralise(Dataset::label(&data.kinds, e.kind[i])).as_bytes(),
            neutralise(Dataset::label(&data.groups, e.group[i])).as_bytes(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes the three files into `dir` (created if needed).
pub fn write_dir(data: &Dataset, dir: &Path) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| EvidenceError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let create = |name: &str| {
        let path = dir.join(name);
        std::fs::File::create(&path).map(std::io::BufWriter::new).map_err(io(&path))
    };
    write_persons(data, create(PERSONS_FILE)?)?;
    write_offences(data, create(OFFENCES_FILE)?)?;
    write_index_events(data, create(INDEX_EVENTS_FILE)?)?;
    Ok(())
}
