#!/usr/bin/env python3
"""DuckDB reference for `desist bench`: the same cohort rules and reoffending measure as the
evidence crate, in SQL, on the same CSV files. Prints one JSON object with times and results
so the bench can show both and check that the answers agree.

usage: duckdb_reference.py DATA_DIR AS_OF [FOLLOW_UP_MONTHS WAITING_MONTHS]
requires: pip install duckdb
"""
import json
import sys
import time

import duckdb

PROVEN = "('conviction', 'caution', 'penalty_order', 'conditional_dismissal')"

COHORTS = {
    # count(proven, within 5y) > 10 and count(proven, within 12m) >= 1
    "nl-very-active-prolific": ("> 10", ">= 1"),
    # count(proven, within 5y) >= 20 and count(proven, within 12m) >= 4
    "ew-iom": (">= 20", ">= 4"),
}


def timed(con, sql):
    start = time.perf_counter()
    rows = con.execute(sql).fetchall()
    return time.perf_counter() - start, rows


def main():
    data, as_of = sys.argv[1], sys.argv[2]
    follow_up = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    waiting = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    con = duckdb.connect()
    out = {"threads": con.execute("SELECT current_setting('threads')").fetchone()[0]}

    start = time.perf_counter()
    con.execute(f"""CREATE TABLE offences AS SELECT * FROM read_csv('{data}/offences.csv', header = true,
        columns = {{'offence_id': 'VARCHAR', 'person_id': 'VARCHAR', 'offence_date': 'DATE',
                   'outcome_date': 'DATE', 'outcome': 'VARCHAR', 'offence_type': 'VARCHAR',
                   'seriousness': 'INTEGER'}})""")
    con.execute(f"""CREATE TABLE index_events AS SELECT * FROM read_csv('{data}/index_events.csv', header = true,
        columns = {{'person_id': 'VARCHAR', 'index_date': 'DATE', 'kind': 'VARCHAR', 'group': 'VARCHAR'}})""")
    con.execute(f"""CREATE TABLE persons AS SELECT * FROM read_csv('{data}/persons.csv', header = true,
        columns = {{'person_id': 'VARCHAR', 'birth_date': 'DATE', 'sex': 'VARCHAR', 'area': 'VARCHAR'}})""")
    out["load_secs"] = time.perf_counter() - start

    out["cohort"] = {}
    for name, (five_years, twelve_months) in COHORTS.items():
        # DuckDB's month arithmetic clamps to the month's end, like the format.
        sql = f"""
            SELECT person_id FROM offences
            WHERE outcome IN {PROVEN}
              AND offence_date <= DATE '{as_of}'
              AND offence_date > CAST(DATE '{as_of}' - INTERVAL 60 MONTH AS DATE)
            GROUP BY person_id
            HAVING count(*) {five_years}
               AND count(*) FILTER (WHERE offence_date > CAST(DATE '{as_of}' - INTERVAL 12 MONTH AS DATE)) {twelve_months}
            ORDER BY person_id"""
        secs, rows = timed(con, sql)
        out["cohort"][name] = {"secs": secs, "members": len(rows)}

    sql = f"""
        WITH ev AS (
            SELECT row_number() OVER () AS eid, person_id, index_date, "group" AS grp,
                   CAST(index_date + INTERVAL {follow_up} MONTH AS DATE) AS follow_up_end,
                   CAST(index_date + INTERVAL {follow_up + waiting} MONTH AS DATE) AS outcome_limit
            FROM index_events),
        counted AS (
            SELECT ev.eid, count(o.offence_id) AS reoffences
            FROM ev LEFT JOIN offences o
              ON o.person_id = ev.person_id
             AND o.offence_date > ev.index_date AND o.offence_date <= ev.follow_up_end
             AND o.outcome IN {PROVEN}
             AND o.outcome_date IS NOT NULL AND o.outcome_date <= ev.outcome_limit
            WHERE ev.outcome_limit <= DATE '{as_of}'
            GROUP BY ev.eid)
        SELECT ev.grp,
               count(counted.eid) AS people,
               count(*) FILTER (WHERE counted.reoffences > 0) AS reoffenders,
               coalesce(sum(counted.reoffences), 0) AS reoffences,
               count(*) FILTER (WHERE counted.eid IS NULL) AS censored
        FROM ev LEFT JOIN counted USING (eid)
        GROUP BY ev.grp ORDER BY ev.grp"""
    secs, rows = timed(con, sql)
    out["reoffending"] = {
        "secs": secs,
        "people": sum(r[1] for r in rows),
        "reoffenders": sum(r[2] for r in rows),
        "reoffences": int(sum(r[3] for r in rows)),
        "censored": sum(r[4] for r in rows),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
