"""The markdown report: one table per case (medians, ratios), the targets, and notes."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
from importlib import metadata
from typing import Any

from bench.cases import CASES

TARGETS = (
    ("5 KiB 200 vs Starlette", "css200", "devstatic", "css200", "starlette", 4.0),
    ("304 vs ServeStatic (production index)", "css304", "devstatic", "css304", "servestatic", 1.0),
    ("1 KiB Range vs Starlette", "range", "devstatic", "range", "starlette", 4.0),
    (
        "20 dirs, last dir vs own single-dir 200",
        "multi",
        "devstatic",
        "multi",
        "devstatic-1dir",
        0.9,
    ),
    ("100 MiB download MiB/s vs Starlette", "big", "devstatic", "big", "starlette", 1.5),
)


def _median(results: dict[str, Any], case: str, app: str) -> float | None:
    entry = results["cases"].get(case, {}).get(app)
    return entry["median"] if entry else None


def _paired(results: dict[str, Any], case: str, app: str, base: str) -> float | None:
    """The median of the per-round ratios of two apps timed back to back in each round:
    a slow minute of the machine moves both samples of a pair, not the ratio."""
    entries = results["cases"].get(case, {})
    if app not in entries or base not in entries:
        return None
    pairs = zip(entries[app]["samples"], entries[base]["samples"], strict=False)
    ratios = [x / y for x, y in pairs if y]
    return statistics.median(ratios) if ratios else None


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def versions() -> str:
    parts = [f"Python {platform.python_version()}"]
    for dist in (
        "devstatic",
        "uvicorn",
        "uvloop",
        "httptools",
        "starlette",
        "servestatic",
        "django",
    ):
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            continue
    for cmd in (["nginx", "-v"], ["wrk", "-v"]):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            text = (out.stderr or out.stdout).strip().splitlines()[0]
            parts.append(text.replace("nginx version: ", "").split(" [")[0].split(" Copyright")[0])
        except (OSError, IndexError):
            continue
    return ", ".join(parts)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def markdown(results: dict[str, Any]) -> str:
    lines = ["# devstatic benchmark", ""]
    lines += ["## Targets", "", "| target | ratio | goal | met |", "|---|---|---|---|"]
    for title, case, app, base_case, base_app, goal in TARGETS:
        a, b = _median(results, case, app), _median(results, base_case, base_app)
        paired = _paired(results, case, app, base_app) if case == base_case else None
        value = paired if paired is not None else (a / b if a and b else None)
        met = "yes" if value is not None and value >= goal else "**no**"
        ratio = f"{value:.2f}x" if value is not None else "n/a"
        if paired is not None:
            ratio += f" (ratio of medians {_ratio(a, b)})"
        lines.append(f"| {title} | {ratio} | ≥ {goal}x | {met} |")
    rss = results.get("rss_mib", {}).get("devstatic")
    if rss is not None:
        lines.append(
            f"| 100 MiB download: server peak RSS growth | {rss:.1f} MiB | < 30 MiB "
            f"| {'yes' if rss < 30 else '**no**'} |"
        )
    for kind, row in (results.get("collectstatic") or {}).get("ratios", {}).items():
        met = "yes" if row and row >= 3 else "**no**"
        lines.append(
            f"| collectstatic {kind}, 5 000 files, vs Django "
            f"| {f'{row:.2f}x' if row else 'n/a'} | ≥ 3x | {met} |"
        )
    for case in CASES:
        data = results["cases"].get(case.key, {})
        errors = results.get("errors", {}).get(case.key, {})
        unit = "MiB/s" if case.kind == "download" else "req/s"
        lines += ["", f"## {case.title}", ""]
        header = f"| app | median {unit} | vs Starlette | vs raw ceiling |"
        sep = "|---|---|---|---|"
        if case.kind == "download":
            header += " peak RSS growth |"
            sep += "---|"
        lines += [header, sep]
        starlette = _median(results, case.key, "starlette")
        raw = _median(results, case.key, "raw")
        for app, entry in sorted(data.items(), key=lambda kv: -kv[1]["median"]):
            value = entry["median"]
            row = f"| {app} | {value:,.0f} | {_ratio(value, starlette)} | {_ratio(value, raw)} |"
            if case.kind == "download":
                row += f" {results['rss_mib'].get(app, 0.0):.1f} MiB |"
            lines.append(row)
        for app, problem in errors.items():
            lines.append(
                f"| {app} | not timed: {problem} | | |" + (" |" if case.kind == "download" else "")
            )
    collect = results.get("collectstatic")
    if collect:
        lines += ["", "## collectstatic, 5 000 generated files", ""]
        lines += [
            "| storage | devstatic s | Django s | Django / devstatic | same files |",
            "|---|---|---|---|---|",
        ]
        for row in collect["rows"]:
            lines.append(
                f"| {row['kind']} | {row['devstatic']} | {row['django']} "
                f"| {row['ratio']} | {row['same']} |"
            )
        for note in collect.get("notes", []):
            lines.append(f"\n{note}")
    lines += ["", "## Notes", ""]
    lines.append(f"- Versions: {versions()}.")
    lines.append(
        f"- CPU: {cpu_model()}, {len(os.sched_getaffinity(0))} CPUs; servers pinned to CPU "
        f"{results.get('server_cpus')}, wrk/curl to the others."
    )
    lb, la = results.get("load_before"), results.get("load_after")
    lines.append(
        f"- Load average before: {tuple(round(x, 2) for x in lb) if lb else '?'}; "
        f"after: {tuple(round(x, 2) for x in la) if la else '?'} (other work on this "
        "machine shows here; the interleaving spreads it over every app alike)."
    )
    lines.append(
        f"- {results.get('rounds')} rounds, apps interleaved round-robin per case; "
        f"wrk -t1 -c{results.get('connections')} for {results.get('seconds')} s per sample; "
        "the download is timed by curl (2 per round), peak RSS sampled every 5 ms with psutil "
        "(nginx: master and worker together)."
    )
    lines.append(
        "- Every Python app runs under the same uvicorn (1 worker, --no-access-log, httptools, "
        "uvloop); uvicorn offers no `http.response.pathsend`, so big files are streamed in chunks."
    )
    lines.append(
        "- A target within one case is the median of the per-round ratios of the two apps, "
        "which run back to back in each round (the ratio of their medians is shown beside)."
    )
    lines.append(
        "- 20 dirs: devstatic `dirs=[...20]`, ServeStatic `add_files()` x20, Django "
        "`STATICFILES_DIRS` x20, nginx `try_files` over 20 roots; Starlette's `StaticFiles` takes "
        "one `directory`, so it gets `StaticFiles(packages=[...20])`, its own ordered search over "
        "several folders (each dir is an importable package's `static/`). `devstatic-1dir` is "
        "devstatic's single-dir server asked for the same file in the same rounds: the "
        "baseline of the 20-dir target."
    )
    lines.append("- Django's dev view sends no ETag, so its 304 case uses `If-Modified-Since`.")
    command = results.get("command") or " ".join(["python", "-m", "bench", *sys.argv[1:]])
    lines.append(f"- Command: `{command}`.")
    return "\n".join(lines) + "\n"
