#!/usr/bin/env python3
"""Kaplan-Meier and log-rank by lifelines, the reference the survival cross-check compares
desist's own figures with (crates/evidence/tests/integration/lifelines.rs).

usage: lifelines_survival.py TIMES_CSV
TIMES_CSV has the header group,days,event (event 1 = reoffended, 0 = censored) and exactly
two groups. Prints one JSON object: per group the survival just after each distinct day
(lifelines' survival_function_ read at every day in the group's timeline), and the log-rank
test between the two groups (test statistic and p-value).
requires: pip install lifelines
"""
import csv
import json
import sys

from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test


def main():
    groups = {}
    with open(sys.argv[1], newline="") as f:
        for row in csv.DictReader(f):
            days, events = groups.setdefault(row["group"], ([], []))
            days.append(int(row["days"]))
            events.append(int(row["event"]))
    out = {"curves": {}}
    for name, (days, events) in sorted(groups.items()):
        kmf = KaplanMeierFitter().fit(days, event_observed=events)
        curve = kmf.survival_function_.iloc[:, 0]
        out["curves"][name] = [[int(t), float(s)] for t, s in curve.items() if t > 0]
    (a, (da, ea)), (b, (db, eb)) = sorted(groups.items())
    test = logrank_test(da, db, event_observed_A=ea, event_observed_B=eb)
    out["log_rank"] = {"groups": [a, b], "chi_square": float(test.test_statistic), "p_value": float(test.p_value)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
