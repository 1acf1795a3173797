"""300 issues at once: `compose issues/` against the reference MJML tool compiling their .mjml.

  .venv/bin/python benchmarks/batch_vs_mjml.py [--issues 300] [--runs 3] [--json FILE]

It writes N issues (the sample's stories, rotated, renamed and re-dated) beside the sample's
publication.yaml, composes them once with --mjml to get their intermediate .mjml files, then times,
interleaved: (a) `compose ISSUES/ -o OUT --force`, the whole batch (validation, HTML and text,
parallel across the cores) and (b) Node's `mjml` compiling those N .mjml files in one process.
Issue 21 asks for a ratio of at most 0.3. Then it times `compose archive` of the same issues
(under 30 s asked) and its peak memory for N/10 and N issues: memory must not grow with N beyond
the index's line per issue. Standard library only; the Node tool is installed when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from compose_vs_mjml import MJML_CLI, ROOT, ensure_tools

SAMPLE = ROOT / "issues" / "2017-11-09.yaml"
PUBLICATION = ROOT / "issues" / "publication.yaml"
TARGET_RATIO = 0.3  # issue 21; 0.5 before it


def write_issues(folder: Path, count: int) -> None:
    """``count`` issues made of the sample's stories: rotated, renamed, one a day from 2012."""
    folder.mkdir(parents=True)
    (folder / "publication.yaml").write_bytes(PUBLICATION.read_bytes())
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    stories = sample["stories"]
    first = date(2012, 1, 1)
    for number in range(count):
        day = first + timedelta(days=number)
        rotated = stories[number % 3 :] + stories[: number % 3]
        issue = {
            "date": day.isoformat(),
            "summary": f"Issue {number + 1}. {sample['summary']}",
            "stories": [{**story, "headline": f"{story['headline']} ({number + 1})"} for story in rotated],
        }
        (folder / f"{day.isoformat()}.yaml").write_text(yaml.safe_dump(issue, allow_unicode=True), "utf-8")


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def peak_memory_mb(command: list[str]) -> float:
    """The largest resident size of ``command``'s processes, measured in a fresh Python parent."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    return int(result.stdout) / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=300, help="issues to generate (default 300)")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds of each command (default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    tools = ensure_tools()
    if tools is None:
        return 2
    node, compose = tools
    with tempfile.TemporaryDirectory(prefix="compose-batch-") as scratch:
        issues, mjml_dir = Path(scratch) / "issues", Path(scratch) / "mjml"
        print(f"Writing {options.issues} issues and their .mjml...", file=sys.stderr)
        write_issues(issues, options.issues)
        subprocess.run([compose, str(issues), "--mjml", "-o", str(mjml_dir)], check=True, stdout=subprocess.DEVNULL)
        sources = sorted(str(path) for path in mjml_dir.glob("*.mjml"))
        assert len(sources) == options.issues, "compose did not write every .mjml"
        commands = {
            "compose": [compose, str(issues), "-o", str(Path(scratch) / "ours"), "--force"],
            "mjml": [node, str(MJML_CLI), *sources, "-o", str(Path(scratch) / "theirs") + "/"],
        }
        (Path(scratch) / "theirs").mkdir()
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for round_number in range(options.runs):
            order = list(commands) if round_number % 2 == 0 else list(reversed(commands))
            for name in order:
                print(f"  round {round_number + 1}: {name}...", file=sys.stderr)
                samples[name].append(wall_time(commands[name]))
        theirs = len(list((Path(scratch) / "theirs").glob("*.html")))
        assert theirs == options.issues, f"mjml wrote {theirs} files, not {options.issues}"

        archive: dict[str, float] = {}
        commands_listed = subprocess.run([compose, "--help"], capture_output=True, text=True).stdout
        has_archive = "\n  archive " in commands_listed
        if has_archive:
            small = Path(scratch) / "small"
            write_issues(small, max(1, options.issues // 10))
            site, small_site = Path(scratch) / "site", Path(scratch) / "small-site"
            print("Archive...", file=sys.stderr)
            archive["seconds"] = wall_time([compose, "archive", str(issues), "-o", str(site)])
            archive["peak_mb"] = peak_memory_mb([compose, "archive", str(issues), "-o", str(site)])
            archive["peak_mb_tenth"] = peak_memory_mb([compose, "archive", str(small), "-o", str(small_site)])

    ours, reference = statistics.median(samples["compose"]), statistics.median(samples["mjml"])
    figures = {
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "issues": options.issues,
        "runs": options.runs,
        "compose_seconds": [round(value, 2) for value in samples["compose"]],
        "mjml_seconds": [round(value, 2) for value in samples["mjml"]],
        "ratio_of_medians": round(ours / reference, 3),
        "archive": {key: round(value, 1) for key, value in archive.items()},
    }
    print(f"\n{options.issues} issues, {options.runs} interleaved rounds, {figures['machine']}")
    print(f"  compose {ours:6.1f} s  (whole batch: validation, HTML and text, parallel)")
    print(f"  mjml    {reference:6.1f} s  (compiling the {options.issues} .mjml files in one process)")
    verdict = "meets" if ours / reference <= TARGET_RATIO else "MISSES"
    print(f"  ratio   {ours / reference:6.2f}    ({verdict} the target <= {TARGET_RATIO})")
    if archive:
        verdict = "meets" if archive["seconds"] < 30 else "MISSES"
        print(f"  archive {archive['seconds']:6.1f} s  ({verdict} the target < 30 s)")
        print(
            f"  archive peak memory {archive['peak_mb']:.0f} MB for {options.issues} issues, "
            f"{archive['peak_mb_tenth']:.0f} MB for {max(1, options.issues // 10)}"
        )
    else:
        print("  archive: `compose archive` is not available in this version")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
