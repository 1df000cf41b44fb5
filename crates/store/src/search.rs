//! Person search as SQL, for both backends.

use crate::Store;
use crate::read::Param;
use domain::ids::AgencyId;
use domain::people::PersonQuery;
use domain::people::search::prefix_end;
use domain::ports::StoreResult;
use jiff::civil::Date;

pub(crate) enum SearchParam {
    Text(String),
    Date(Date),
}

/// Index entries counted per name word when choosing which word drives a search: enough to
/// tell a rare word from a common one. Counting is reading, so the cap is kept low: at
/// 10,000, names with "van", "de" and "der" spent most of a search's time on the counts.
const PROBE_CAP: i64 = 1_000;

/// How long a word's count is used before it is counted again. A count only chooses which
/// word drives a search, never what it finds, so an old one can cost speed, not results;
/// and the words worth remembering (common ones, whose counts read up to `PROBE_CAP`
/// entries) change their counts slowly.
const COUNT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// Counts remembered at most; beyond, memory starts afresh.
const MAX_COUNTS: usize = 50_000;

/// Name-word counts per agency, remembered for [`COUNT_MAX_AGE`]: counting was the larger
/// part of a search with two words (on PostgreSQL, half a millisecond of the server's time
/// and a round trip).
#[derive(Debug, Default)]
pub(crate) struct WordCounts {
    counts: std::sync::Mutex<std::collections::HashMap<(AgencyId, String), (i64, std::time::Instant)>>,
}

impl WordCounts {
    fn get(&self, agency: AgencyId, word: &str) -> Option<i64> {
        let counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Looked up by an owned key: a few bytes, against a statement saved.
        let (count, at) = counts.get(&(agency, word.to_string()))?;
        (at.elapsed() < COUNT_MAX_AGE).then_some(*count)
    }

    fn remember(&self, agency: AgencyId, counted: &[(String, i64)]) {
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.len() + counted.len() > MAX_COUNTS {
            counts.clear();
        }
        let now = std::time::Instant::now();
        for (word, count) in counted {
            counts.insert((agency, word.clone()), (*count, now));
        }
    }
}

impl Store {
    /// The query with its name words ordered rarest first, so the rarest drives the search.
    /// Word length was the guess before, and a poor one: in "jan vri" the 27,000 names
    /// starting with "jan" were read to find the 8,000 starting with "vri".
    /// Counted in the agency's own part of the index: what matters is how many of the people
    /// the member may find carry the word. All words are counted by one statement (on
    /// PostgreSQL each statement is a round trip).
    pub(crate) async fn rarest_first(&self, query: &PersonQuery, agency: AgencyId) -> StoreResult<PersonQuery> {
        let mut query = query.clone();
        // Only a search driven by a name word needs the order (see `SearchPlan::new`).
        if query.name_prefixes.len() < 2 || !query.identifiers.is_empty() || query.birth_date.is_some() {
            return Ok(query);
        }
        let mut counts: Vec<(String, i64)> = Vec::new();
        let mut uncounted = Vec::new();
        for prefix in &query.name_prefixes {
            match self.word_counts.get(agency, prefix) {
                Some(count) => counts.push((prefix.clone(), count)),
                None => uncounted.push(prefix),
            }
        }
        let ends: Vec<String> = uncounted.iter().map(|prefix| prefix_end(prefix)).collect();
        let mut bound = vec![Param::Uuid(*agency.as_uuid())];
        let mut probes = Vec::new();
        for (prefix, end) in uncounted.iter().zip(&ends) {
            bound.push(Param::Text(prefix));
            bound.push(Param::Text(end));
            let (low, high) = (bound.len() - 1, bound.len());
            probes.push(format!(
                "SELECT ${low} AS word, count(*) AS found FROM (SELECT 1 FROM team_name_token \
                 WHERE agency_id = $1 AND token >= ${low} AND token < ${high} LIMIT {PROBE_CAP}) probe{low}"
            ));
        }
        if !probes.is_empty() {
            let counted: Vec<(String, i64)> = self.read_all(&probes.join(" UNION ALL "), &bound).await?;
            self.word_counts.remember(agency, &counted);
            counts.extend(counted);
        }
        let mut counted: Vec<_> = query
            .name_prefixes
            .drain(..)
            .map(|prefix| {
                let count = counts.iter().find(|(word, _)| *word == prefix).map_or(0, |(_, count)| *count);
                // Equally common (both over the cap): the longer word is likely the rarer.
                (count, std::cmp::Reverse(prefix.len()), prefix)
            })
            .collect();
        counted.sort();
        query.name_prefixes = counted.into_iter().map(|(_, _, prefix)| prefix).collect();
        Ok(query)
    }
}

/// A person's name words as one line, each word between spaces (" de jan vries "), kept
/// beside every per-agency search entry of the person (`team_name_token.names`).
pub(crate) fn name_line(tokens: &[String]) -> String {
    let mut line = String::from(" ");
    for token in tokens {
        line.push_str(token);
        line.push(' ');
    }
    line
}

/// A search word as bound into `names LIKE ('% ' || $n || '%')`: a [`name_line`] holding a
/// word that starts with it. Search words are folded to letters and digits
/// (`domain::people::search::fold`), so the filter changes nothing; it only ensures a `%` or
/// `_` can never act as a wildcard. The pattern is built in SQL, not bound whole: SQLite
/// re-prepares a statement whenever a parameter that is a `LIKE`'s whole right-hand side is
/// bound again (for its LIKE optimisation), and that re-preparing was 5% of a search's CPU.
fn like_safe(prefix: &str) -> String {
    prefix.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The search as SQL. The most selective part drives the query (an identifier, else the
/// date of birth, else the first — rarest — name prefix) and reads in index order, so the
/// `LIMIT` stops the scan early even when a prefix matches a hundred thousand people. `$1`
/// is the member's agency and `$2` today's date: only people on that agency's team are found.
///
/// A name drives from the agency's own part of `team_name_token`, so only people the
/// agency works with are visited (reading the national index first visited twenty times as
/// many and rejected them at the team check). The filters test the driving row's person id,
/// not `p.id`, so they run before the wide person row is read: the other name words, then
/// the team check (an open entry whose consent has not expired; driven by a name, the
/// agency's entry itself says so).
pub(crate) struct SearchPlan {
    pub sql: String,
    pub params: Vec<SearchParam>,
}

impl SearchPlan {
    pub fn new(query: &PersonQuery, limit: u32) -> SearchPlan {
        let mut plan = SearchPlan { sql: String::new(), params: Vec::new() };
        let prefixes: Vec<&String> = query.name_prefixes.iter().collect();
        // A date of birth is shared by a few dozen people in a million, fewer than share
        // any name word, so it drives when there is no identifier.
        let driven_by_name = query.identifiers.is_empty() && query.birth_date.is_none() && !prefixes.is_empty();
        let (from, sort, key) = if !query.identifiers.is_empty() {
            let alternatives: Vec<String> = query
                .identifiers
                .iter()
                .map(|id| {
                    let kind = plan.param(SearchParam::Text(id.kind.code().into()));
                    let value = plan.param(SearchParam::Text(id.value.clone()));
                    format!("(i.kind = {kind} AND i.value = {value})")
                })
                .collect();
            (
                format!(
                    "FROM person_identifier i JOIN person p ON p.id = i.person_id WHERE ({})",
                    alternatives.join(" OR ")
                ),
                "p.family_name",
                "i.person_id",
            )
        } else if driven_by_name {
            let (low, high) = plan.prefix_range(prefixes[0]);
            (
                format!("FROM team_name_token n WHERE n.agency_id = $1 AND n.token >= {low} AND n.token < {high}"),
                "n.token",
                "n.person_id",
            )
        } else {
            ("FROM person p WHERE 1 = 1".to_string(), "p.family_name", "p.id")
        };
        // The other name words first: they reject most candidates, while the team check
        // (consent not expired) passes nearly every candidate the agency's index yields.
        // Driven by a name, the entry being read holds all of the person's words; otherwise
        // each candidate's words are looked up.
        let mut conditions = Vec::new();
        for prefix in prefixes.iter().skip(usize::from(driven_by_name)) {
            if driven_by_name {
                let word = plan.param(SearchParam::Text(like_safe(prefix)));
                conditions.push(format!("n.names LIKE ('% ' || {word} || '%')"));
            } else {
                let (low, high) = plan.prefix_range(prefix);
                conditions.push(per_candidate(&format!(
                    "person_name_token t WHERE t.person_id = {key} AND t.token >= {low} AND t.token < {high}"
                )));
            }
        }
        if driven_by_name {
            // The agency's entry exists only while it has an open team entry for the person,
            // and carries when its consent ends (migration 0020): no seek into the team.
            conditions.push("(n.consent_expires_on IS NULL OR n.consent_expires_on >= $2)".to_string());
        } else {
            conditions.push(per_candidate(&format!(
                "team_entry te WHERE te.agency_id = $1 AND te.person_id = {key} \
                 AND te.ended_at IS NULL AND (te.consent_expires_on IS NULL OR te.consent_expires_on >= $2)"
            )));
        }
        if let Some(date) = query.birth_date {
            conditions.push(format!("p.birth_date = {}", plan.param(SearchParam::Date(date))));
        }
        // Twice the limit: a person can match through two of their name words; the repeat
        // is dropped (each person at their first place) before the person rows are read, so
        // only the listed people's rows are. The hits are found first and materialised, so
        // only they are joined to the wide person table: PostgreSQL misjudges how many rows
        // a prefix range of one agency holds and otherwise reads the person row of every
        // candidate before the filters.
        plan.sql = format!(
            "WITH hits AS MATERIALIZED (SELECT {key} AS person_id, {sort} AS sort_key {from} AND {} \
             ORDER BY {sort}, {key} LIMIT {}) \
             SELECT p.id, p.family_name, p.given_names, p.birth_date \
             FROM (SELECT person_id, min(sort_key) AS sort_key FROM hits GROUP BY person_id \
             ORDER BY min(sort_key), person_id LIMIT {limit}) listed \
             JOIN person p ON p.id = listed.person_id ORDER BY listed.sort_key, listed.person_id",
            conditions.join(" AND "),
            u64::from(limit) * 2
        );
        plan
    }

    fn param(&mut self, value: SearchParam) -> String {
        self.params.push(value);
        format!("${}", self.params.len() + 2)
    }

    fn prefix_range(&mut self, prefix: &str) -> (String, String) {
        let low = self.param(SearchParam::Text(prefix.to_string()));
        let high = self.param(SearchParam::Text(prefix_end(prefix)));
        (low, high)
    }
}

/// "A row of `from_where` exists", checked once per candidate through its index. Written as
/// a scalar subquery with `LIMIT 1`, not `EXISTS`: PostgreSQL turns an `EXISTS` into a semi
/// join, and its generic plan for a prepared search (used after five runs) hashed every
/// holder of the word in the country — 27,000 rows for "jan" — to check 400 candidates.
fn per_candidate(from_where: &str) -> String {
    format!("(SELECT 1 FROM {from_where} LIMIT 1) IS NOT NULL")
}
