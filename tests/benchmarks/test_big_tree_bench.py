"""``bench.big_tree`` runs and reports every figure, on a small tree (the real one is 100k)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.big_tree import generate, measure


async def test_big_tree_bench_reports_every_figure_and_finds_the_files(tmp_path: Path) -> None:
    root = tmp_path / "node_modules"
    names, folders = generate(root, 1_000)
    assert (len(names), folders) == (1_000, 110)
    result = await measure(root, names, rounds=8, batch=50)
    assert set(result) == {
        "construction_s",
        "first_response_s",
        "hit_us",
        "notfound_ms_median",
        "notfound_ms_p90",
        "notfound_ms_max",
        "notfound_cpu_ms_median",
        "suggested_the_file",
        "rss_mib",
        "rss_growth_mib",
        "watches",
    }
    assert result["suggested_the_file"] == "8/8"
