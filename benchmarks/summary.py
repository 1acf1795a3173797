"""The four ratios of `make bench`, read from the JSON the three benchmarks wrote in one invocation.

    .venv/bin/python benchmarks/summary.py FOLDER   (FOLDER holds single.json, batch.json, preview.json)

Each ratio is against Node's mjml compiling the same MJML, timed in the same invocation, interleaved
with compose: the machine's speed drifts, so only figures of one run are compared. The targets are
issue 21's. Standard library only.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

TARGETS = {"single": 0.6, "batch": 0.3, "preview_ms": 100.0, "peak_mib": 57.0}


def main(folder: Path) -> int:
    single = json.loads((folder / "single.json").read_text(encoding="utf-8"))
    batch = json.loads((folder / "batch.json").read_text(encoding="utf-8"))
    preview = json.loads((folder / "preview.json").read_text(encoding="utf-8"))
    issues = batch["issues"]
    # Node's mjml per file, in one warm process: its batch time shared among the files.
    mjml_per_file_ms = statistics.median(batch["mjml_seconds"]) * 1000 / issues
    warm_ms = single["in_process"]["warm_median_ms"]
    judged = {mode: figures["median_ms"] for mode, figures in preview["modes"].items()}
    rows = [
        ("cold: one `compose FILE --force` / one `mjml FILE`", single["ratio_of_medians"], TARGETS["single"]),
        (
            f"batch: `compose` of {issues} issues / `mjml` of their {issues} files",
            batch["ratio_of_medians"],
            TARGETS["batch"],
        ),
        ("warm: one compose() in process / mjml per file in its batch", round(warm_ms / mjml_per_file_ms, 3), None),
    ]
    print(f"\nSummary ({single['machine']}; Python {single['python']}, Node {single['node']}, mjml {single['mjml']})")
    for label, ratio, target in rows:
        verdict = "" if target is None else (" meets" if ratio <= target else " MISSES") + f" <= {target}"
        print(f"  {label:<66} {ratio:6.3f}{verdict}")
    worst = max(judged.values())
    modes = ", ".join(f"{mode} {median:.0f}" for mode, median in judged.items())
    verdict = "meets" if worst <= TARGETS["preview_ms"] else "MISSES"
    label = f"preview: save to screen, median ms ({modes})"
    print(f"  {label:<66} {worst:5.0f} {verdict} <= {TARGETS['preview_ms']:.0f}")
    peak = single["compose_peak_mib"]
    verdict = "meets" if peak <= TARGETS["peak_mib"] else "MISSES"
    print(f"  {'peak memory of one compose, MiB':<66} {peak:5.1f} {verdict} <= {TARGETS['peak_mib']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
