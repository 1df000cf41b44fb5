#!/usr/bin/env python3
"""DuckDB's whole-process reference for `desist bench evidence`: one cohort rule's members as
of a day, straight from offences.csv (what `desist cohort --rule NAME --as-of DAY --data DIR`
answers), printed one person_id a line after the header, like desist prints them.

usage: duckdb_cohort.py DATA_DIR AS_OF RULE
requires: pip install duckdb
"""
import sys

import duckdb

PROVEN = "('conviction', 'caution', 'penalty_order', 'conditional_dismissal')"

COHORTS = {
    # count(proven, within 5y) > 10 and count(proven, within 12m) >= 1
    "nl-very-active-prolific": ("> 10", ">= 1"),
    # count(proven, within 5y) >= 20 and count(proven, within 12m) >= 4
    "ew-iom": (">= 20", ">= 4"),
}


def main():
    data, as_of, rule = sys.argv[1], sys.argv[2], sys.argv[3]
    five_years, twelve_months = COHORTS[rule]
    con = duckdb.connect()
    # DuckDB's month arithmetic clamps to the month's end, like the format.
    rows = con.execute(f"""
        SELECT person_id FROM read_csv('{data}/offences.csv', header = true,
            columns = {{'offence_id': 'VARCHAR', 'person_id': 'VARCHAR', 'offence_date': 'DATE',
                       'outcome_date': 'DATE', 'outcome': 'VARCHAR', 'offence_type': 'VARCHAR',
                       'seriousness': 'INTEGER'}})
        WHERE outcome IN {PROVEN}
          AND offence_date <= DATE '{as_of}'
          AND offence_date > CAST(DATE '{as_of}' - INTERVAL 60 MONTH AS DATE)
        GROUP BY person_id
        HAVING count(*) {five_years}
           AND count(*) FILTER (WHERE offence_date > CAST(DATE '{as_of}' - INTERVAL 12 MONTH AS DATE)) {twelve_months}
        ORDER BY person_id""").fetchall()
    out = ["person_id"] + [r[0] for r in rows]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
