"""Peer baseline for `npm run bench`: Krippendorff's alpha (nominal) and its bootstrap, vectorised
with numpy, on the same reliability matrix (CSV: header of coder names, empty = missing). The CSV
is read with pandas when it is installed (its C parser), else with numpy's genfromtxt.
Usage: python3 alpha_numpy.py FILE.csv RESAMPLES  -> prints JSON timings
       python3 alpha_numpy.py FILE.csv --alpha-only  -> reads the file, computes alpha once, prints it
       (what `npm run bench` times as a whole process against `qualwave agree --matrix`)."""
import json, sys, time
t_start = time.perf_counter()
import numpy as np

path = sys.argv[1]
alpha_only = sys.argv[2] == "--alpha-only"
resamples = 0 if alpha_only else int(sys.argv[2])
t0 = time.perf_counter()
try:
    import pandas as pd
    data = pd.read_csv(path).to_numpy(dtype=np.float64)
    data = np.where(np.isnan(data), -1, data).astype(np.int64)
    reader = "pandas"
except ImportError:
    data = np.genfromtxt(path, delimiter=",", skip_header=1, filling_values=-1).astype(np.int64)
    reader = "numpy"
t_parse = time.perf_counter() - t0

def alpha_from_counts(counts, weights=None):
    # counts: units x categories (how many coders put the unit in each category)
    m = counts.sum(axis=1)
    keep = m >= 2
    c, mm = counts[keep], m[keep]
    w = np.ones(len(c)) if weights is None else weights[keep]
    f = w / (mm - 1)
    # observed disagreement: sum over units of (m^2 - sum n_k^2) / (m - 1)
    d_o = (f * (mm * mm - (c * c).sum(axis=1))).sum()
    n_c = (c * w[:, None]).sum(axis=0)
    n = n_c.sum()
    d_e = n * n - (n_c * n_c).sum()
    return 1 - (n - 1) * d_o / d_e

q = int(data.max()) + 1
t0 = time.perf_counter()
# Unit x category counts in one bincount per coder column.
counts = np.zeros((data.shape[0], q), dtype=np.int64)
rows = np.arange(data.shape[0]) * q
for j in range(data.shape[1]):
    col = data[:, j]
    ok = col >= 0
    counts += np.bincount(rows[ok] + col[ok], minlength=data.shape[0] * q).reshape(data.shape[0], q)
a = alpha_from_counts(counts)
t_alpha = time.perf_counter() - t0
if alpha_only:
    print(json.dumps({"alpha": float(a), "reader": reader, "parse": t_parse, "alpha_s": t_alpha, "total_s": time.perf_counter() - t_start}))
    sys.exit(0)

rng = np.random.default_rng(1)
t0 = time.perf_counter()
# Per-unit terms computed once; a resample is a vector of unit weights (how often each unit was drawn).
m = counts.sum(axis=1)
keep = m >= 2
c = counts[keep].astype(np.float64)
mm = m[keep].astype(np.float64)
du = (mm * mm - (c * c).sum(axis=1)) / (mm - 1)
n_units = c.shape[0]
boot = []
for _ in range(resamples):
    w = np.bincount(rng.integers(0, n_units, n_units), minlength=n_units).astype(np.float64)
    n_c = w @ c
    n = n_c.sum()
    boot.append(1 - (n - 1) * (w @ du) / (n * n - (n_c * n_c).sum()))
t_boot = time.perf_counter() - t0
print(json.dumps({"alpha": float(a), "reader": reader, "parse": t_parse, "alpha_s": t_alpha, "bootstrap_s": t_boot, "resamples": resamples}))
