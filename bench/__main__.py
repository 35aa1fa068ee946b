"""``python -m bench [--quick] [--json PATH] [--no-collect]``: every peer, one run, interleaved.

For each case, every app is run in turn (round-robin, the starting app rotated each
round) for several rounds, and the medians are reported, so a slow minute of the
machine hurts all apps alike instead of one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import collect, report
from bench.cases import CASES, Case, check, request_headers
from bench.data import prepare
from bench.load import PeakRss, run_curl, run_wrk
from bench.servers import SERVER_CPUS, Server, running, start_nginx, start_uvicorn, wait_for_port

#: (name, uvicorn app, extra environment); "raw" serves both layouts from one process.
PYTHON_APPS = (
    ("devstatic", "bench.apps.devstatic_app:app", {}),
    ("starlette", "bench.apps.starlette_app:app", {}),
    ("servestatic", "bench.apps.servestatic_app:app", {}),
    ("servestatic-autorefresh", "bench.apps.servestatic_app:app", {"BENCH_AUTOREFRESH": "1"}),
    ("django", "bench.apps.django_app:app", {}),
)
#: devstatic's single-dir server, timed in the 20-dir case as its own baseline.
SINGLE_DIR = "devstatic-1dir"
CHUNK_SIZES = (64 * 1024, 128 * 1024, 256 * 1024, 512 * 1024, 1024 * 1024)


def ensure_programs() -> None:
    """Install wrk and nginx with apt-get when missing (the harness needs wrk; nginx is
    the reference and is skipped if it cannot be installed)."""
    missing = [pkg for prog, pkg in (("wrk", "wrk"), ("nginx", "nginx-light"))
               if not (shutil.which(prog) or os.access(f"/usr/sbin/{prog}", os.X_OK))]  # fmt: skip
    if not missing or not shutil.which("apt-get"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print(f"Installing {' '.join(missing)} with apt-get ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *missing], check=False, env=env)
    if not shutil.which("wrk"):
        sys.exit("wrk is required: install it with `apt-get install wrk`.")


def start_servers(data_work: Path, chunks: bool) -> dict[tuple[str, str], Server]:
    """Every (app, layout) server, started together and waited for."""
    base = {"BENCH_WORK": str(data_work)}
    servers: dict[tuple[str, str], Server] = {}
    for name, app, env in PYTHON_APPS:
        for layout in ("single", "multi"):
            servers[name, layout] = start_uvicorn(
                name, app, {**base, **env, "BENCH_LAYOUT": layout}
            )
    raw = start_uvicorn("raw", "bench.apps.raw_app:app", base)
    servers["raw", "single"] = servers["raw", "multi"] = raw
    if chunks:
        for size in CHUNK_SIZES:
            name = f"devstatic-chunk-{size // 1024}K"
            servers[name, "single"] = start_uvicorn(
                name, "bench.apps.devstatic_app:app", {**base, "BENCH_CHUNK": str(size)}
            )
    for server in {id(s): s for s in servers.values()}.values():
        wait_for_port(int(server.url.rsplit(":", 1)[1]), server.proc)
    # The 20-dir case also times devstatic with one dir, in the same rounds.
    servers[SINGLE_DIR, "multi"] = servers["devstatic", "single"]
    multi = [data_work / "multi" / f"bench_dir{i:02d}" / "static" for i in range(20)]
    nginx = start_nginx(data_work / "single" / "static", multi)
    if nginx is not None:
        servers["nginx", "single"], servers["nginx", "multi"] = nginx
    return servers


def apps_for(
    case: Case, servers: dict[tuple[str, str], Server], only: list[str] | None = None
) -> list[str]:
    names = [name for (name, layout) in servers if layout == case.layout]
    if only:
        names = [n for n in names if n in only or n.split("-chunk-")[0] in only
                 or (n == SINGLE_DIR and "devstatic" in only)]  # fmt: skip
    if case.key != "big":
        names = [n for n in names if not n.startswith("devstatic-chunk-")]
    names = list(dict.fromkeys(names))
    # The app each target compares devstatic with runs right after it in every round.
    for partner in (t[4] for t in report.TARGETS if t[1] == case.key and t[2] == "devstatic"):
        if partner in names and "devstatic" in names and partner != "devstatic":
            names.remove(partner)
            names.insert(names.index("devstatic") + 1, partner)
    return names


def run(args: argparse.Namespace) -> dict[str, object]:
    data = prepare()
    rounds, seconds = (2, 1) if args.quick else (args.rounds, args.seconds)
    load_before = os.getloadavg()
    servers = start_servers(data.work, chunks=not args.quick and not args.apps)
    results: dict[str, object] = {"cases": {}, "errors": {}, "rss_mib": {}}
    with running(list(servers.values())):
        time.sleep(2.5)  # let every server's files settle past devstatic's racy window
        for case in CASES:
            if args.cases and case.key not in args.cases:
                continue
            names = apps_for(case, servers, args.apps)
            headers = {n: request_headers(case, servers[n, case.layout].url) for n in names}
            timed = []
            for name in names:
                problem = check(case, servers[name, case.layout].url, data, headers[name])
                if problem:
                    results["errors"].setdefault(case.key, {})[name] = problem  # type: ignore[union-attr]
                    print(f"  {case.key:7} {name:28} WRONG: {problem}", file=sys.stderr)
                else:
                    timed.append(name)
            samples: dict[str, list[float]] = {n: [] for n in timed}
            if not args.quick and case.kind == "rate":
                for name in timed:  # warm-up, not recorded
                    run_wrk(
                        servers[name, case.layout].url + case.path,
                        headers[name],
                        1,
                        args.connections,
                    )
            for r in range(rounds):
                order = timed[r % len(timed) :] + timed[: r % len(timed)] if timed else []
                for name in order:
                    server = servers[name, case.layout]
                    url = server.url + case.path
                    if case.kind == "rate":
                        result = run_wrk(url, headers[name], seconds, args.connections)
                        if result.errors:
                            results["errors"].setdefault(case.key, {})[name] = (
                                f"{result.errors} errors under load"  # type: ignore[union-attr]
                            )
                        samples[name].append(result.requests_per_second)
                    else:
                        with PeakRss(server.proc.pid) as rss:
                            for _ in range(1 if args.quick else 2):
                                samples[name].append(run_curl(url).mib_per_second)
                        peaks = results["rss_mib"]
                        peaks[name] = max(peaks.get(name, 0.0), rss.growth_mib)  # type: ignore[union-attr]
                    print(
                        f"  {case.key:7} {name:28} round {r + 1}: {samples[name][-1]:10.1f}",
                        file=sys.stderr,
                    )
            results["cases"][case.key] = {
                n: {"median": statistics.median(v), "samples": v} for n, v in samples.items()
            }  # type: ignore[index]
    results["command"] = " ".join(["python", "-m", "bench", *sys.argv[1:]])
    results["load_before"] = load_before
    results["load_after"] = os.getloadavg()
    results["rounds"], results["seconds"], results["connections"] = (
        rounds,
        seconds,
        args.connections,
    )
    results["server_cpus"] = sorted(SERVER_CPUS) if SERVER_CPUS else None
    if args.collect:
        results["collectstatic"] = collect.run(quick=args.quick)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a rough run in under 2 minutes")
    parser.add_argument("--json", type=Path, help="also write the raw numbers to this file")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seconds", type=int, default=2, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-collect", dest="collect", action="store_false",
                        help="skip the collectstatic timing")  # fmt: skip
    parser.add_argument("--apps", nargs="+", help="only these apps (for development)")
    parser.add_argument("--cases", nargs="+", help="only these cases (for development)")
    parser.add_argument("--output", type=Path, help="write the markdown report here too")
    args = parser.parse_args()
    ensure_programs()
    results = run(args)
    text = report.markdown(results)
    print(text)
    if args.output:
        args.output.write_text(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
