"""Peer for the shelter-siting benchmark: the same capacitated maximal covering problem
OneMap solved (written by the Planning benchmark to data/generated/mclp-<name>.json),
as an integer program for CBC through PuLP, timed in the same run.

    x_j in {0,1}: site j chosen;  z_ij in [0,1]: share of point i served by site j
    max sum w_i z_ij   s.t.  sum_j z_ij <= 1,  z_ij <= x_j,  sum_i w_i z_ij <= cap_j x_j,  sum x_j = k
Without capacities (cap -1): y_i <= sum_{j covering i} x_j, y_i <= 1, max sum w_i y_i.
"""
import json
import sys
import time

import pulp


def solve(path):
    p = json.load(open(path))
    demand, covers, capacity, k = p["demand"], p["covers"], p["capacity"], p["k"]
    started = time.perf_counter()
    model = pulp.LpProblem("mclp", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{j}", cat="Binary") for j in range(len(covers))]
    model += pulp.lpSum(x) == k
    if all(c < 0 for c in capacity):
        by_point = {}
        for j, cover in enumerate(covers):
            for i in cover:
                by_point.setdefault(i, []).append(j)
        y = {i: pulp.LpVariable(f"y{i}", 0, 1) for i in by_point}
        model += pulp.lpSum(demand[i] * y[i] for i in y)
        for i, sites in by_point.items():
            model += y[i] <= pulp.lpSum(x[j] for j in sites)
    else:
        z = {(i, j): pulp.LpVariable(f"z{i}_{j}", 0, 1) for j, cover in enumerate(covers) for i in cover}
        model += pulp.lpSum(demand[i] * v for (i, _), v in z.items())
        by_point = {}
        for (i, j), v in z.items():
            by_point.setdefault(i, []).append(v)
            model += v <= x[j]
        for vs in by_point.values():
            model += pulp.lpSum(vs) <= 1
        for j, cover in enumerate(covers):
            if capacity[j] >= 0 and cover:
                model += pulp.lpSum(demand[i] * z[(i, j)] for i in cover) <= capacity[j] * x[j]
    built = time.perf_counter()
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=600))
    done = time.perf_counter()
    value = pulp.value(model.objective)
    print(f"{path}: {len(covers)} candidates, {len(demand)} demand points, k={k}")
    print(f"  CBC via PuLP: {pulp.LpStatus[model.status]}, covered {value:.1f}; build {built - started:.2f} s, solve {done - built:.2f} s")
    print(f"  OneMap:       covered {p['onemap_covered']:.1f} (difference {value - p['onemap_covered']:+.3f})")


for path in sys.argv[1:]:
    solve(path)
