-- ZSM (issue 4): the prior record on the case page reads a suspect's offences from the
-- evidence extract by the source id that is one of the person's identifiers. Without this
-- index that read scans every offence of the extract.
CREATE INDEX evidence_offence_person ON evidence_offence(person_id, offence_date);
