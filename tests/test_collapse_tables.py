"""The mode-collapse table that chapter 7 reads (gantheory/data/collapse_tables.json): its shape only.

The numbers come from ``benchmarks/bench_collapse.py``; this test checks that the file is there, shipped in the
package, and well formed (keys, at least 5 seeds per row, every number finite and in its range), never its values.
"""

import json
import math
from importlib import resources

import pytest

ROW_KEYS = {"method", "target", "options", "seeds", "n_modes", "modes", "counts", "high_quality", "reverse_kl"}


@pytest.fixture(scope="module")
def table():
    path = resources.files("gantheory") / "data" / "collapse_tables.json"
    assert path.is_file(), "gantheory/data/collapse_tables.json is missing: run python benchmarks/bench_collapse.py"
    return json.loads(path.read_text(encoding="utf-8"))


def test_how_it_was_produced(table):
    assert {"description", "produced_by", "plain_settings", "remedies", "n_samples", "n_sd", "rows"} <= set(table)
    runs = table["produced_by"]["runs"]
    assert runs
    for run in runs:
        assert run["command"].startswith("python benchmarks/bench_collapse.py")
        assert run["date"].endswith("UTC") and run["cpu_seconds"] > 0
    assert table["n_samples"] == 2500 and table["n_sd"] == 3


def test_rows_shape_and_ranges(table):
    rows = table["rows"]
    assert rows and {r["target"] for r in rows} <= {"ring of 8", "grid of 25"}
    assert any(r["method"].startswith("plain") for r in rows)
    for r in rows:
        assert ROW_KEYS <= set(r), f"row {r.get('method')!r} lacks {ROW_KEYS - set(r)}"
        k, n = r["n_modes"], len(r["seeds"])
        assert k == {"ring of 8": 8, "grid of 25": 25}[r["target"]]
        assert n >= 5 and len(set(r["seeds"])) == n
        for key in ("modes", "counts", "high_quality", "reverse_kl", "cpu_seconds", "stopped"):
            assert len(r[key]) == n, f"{r['method']}: {key} has {len(r[key])} values for {n} seeds"
        for modes, counts, hq, rkl in zip(r["modes"], r["counts"], r["high_quality"], r["reverse_kl"]):
            assert len(counts) == k and all(isinstance(c, int) and c >= 0 for c in counts)
            assert sum(counts) <= table["n_samples"]
            assert 0 <= modes <= k and modes == sum(c > 0 for c in counts)
            assert 0.0 <= hq <= 1.0 and math.isfinite(hq)
            assert rkl is None or (math.isfinite(rkl) and -1e-12 <= rkl <= math.log(k) + 1e-12)
        assert all(math.isfinite(s) and s > 0 for s in r["cpu_seconds"])
        for key in ("precision", "recall"):
            if key in r:
                assert len(r[key]) == n and all(0.0 <= v <= 1.0 for v in r[key])
