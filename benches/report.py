"""Turns pytest-benchmark JSON files into a Markdown table and a PNG chart of ratios.

Usage: python benches/report.py benches/results/*.json [--out benches/results/REPORT]
Each case is tagged by benches/conftest.py::mark with its subject and whether it is ours.
Within a group, every row is compared with our primary implementation (the case tagged
``primary``, else the fastest Rust one when measured): "x ours" is how many times longer that
row took than ours. Groups whose cases ran in processes of their own (bench_index.py) also
show each process's median wall time and its peak RSS.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any


def _load(paths: list[Path]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    machines = []
    for path in paths:
        data = json.loads(path.read_text())
        info = data.get("machine_info", {})
        machines.append(
            f"{path.name}: {info.get('cpu', {}).get('brand_raw', '?')}, python {info.get('python_version', '?')}, {data.get('datetime', '')[:19]}"
        )
        for bench in data["benchmarks"]:
            extra = bench.get("extra_info", {})
            groups[bench.get("group") or bench["name"]].append(
                {
                    "subject": extra.get("subject", bench["name"]),
                    "ours": bool(extra.get("ours")),
                    "primary": bool(extra.get("primary")),
                    "median": bench["stats"]["median"],
                    "rounds": bench["stats"]["rounds"],
                    "process": extra.get("process_median"),
                    "rss": extra.get("peak_rss_mib"),
                }
            )
    return groups, machines


def _primary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    tagged = [r for r in rows if r["primary"]]
    if tagged:
        return tagged[0]
    ours = [r for r in rows if r["ours"]]
    rust = [r for r in ours if "rust" in r["subject"]]
    candidates = rust or ours
    return min(candidates, key=lambda r: r["median"]) if candidates else None


def _seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.3f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.1f} µs"


def markdown(groups: dict[str, list[dict[str, Any]]], machines: list[str]) -> str:
    lines = [
        "# Benchmark report",
        "",
        "Medians from pytest-benchmark; `× ours` = that row's median / our median (above 1: we are faster).",
        "",
    ]
    lines += [f"- {m}" for m in machines] + [""]
    for group, rows in sorted(groups.items()):
        primary = _primary(rows)
        processes = any(r["rss"] is not None for r in rows)
        if processes:
            lines += [
                f"## {group}",
                "",
                "| implementation | median | process wall | peak RSS | rounds | × ours |",
                "|---|---:|---:|---:|---:|---:|",
            ]
        else:
            lines += [f"## {group}", "", "| implementation | median | rounds | × ours |", "|---|---:|---:|---:|"]
        for row in sorted(rows, key=lambda r: r["median"]):
            ratio = f"{row['median'] / primary['median']:.2f}" if primary else "–"
            name = f"**{row['subject']}**" if row is primary else row["subject"]
            if processes:
                wall = _seconds(row["process"]) if row["process"] is not None else "–"
                rss = f"{row['rss']:.0f} MiB" if row["rss"] is not None else "–"
                lines.append(f"| {name} | {_seconds(row['median'])} | {wall} | {rss} | {row['rounds']} | {ratio} |")
            else:
                lines.append(f"| {name} | {_seconds(row['median'])} | {row['rounds']} | {ratio} |")
        if processes:
            lines += [
                "",
                "median: the operation, timed inside its process; process wall: the whole process, interpreter start-up and imports included.",
            ]
        lines.append("")
    return "\n".join(lines)


def chart(groups: dict[str, list[dict[str, Any]]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    bars = []
    for group, rows in sorted(groups.items()):
        primary = _primary(rows)
        if not primary:
            continue
        for row in rows:
            if row is not primary:
                bars.append((f"{group}\nvs {row['subject']}", row["median"] / primary["median"], row["ours"]))
    if not bars:
        return False
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(bars) + 1.5))
    labels, values, ours = zip(*bars)
    colors = ["#9bbbd4" if o else "#2f6f9f" for o in ours]
    ax.barh(range(len(bars)), values, color=colors)
    ax.set_yticks(range(len(bars)), labels, fontsize=7)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("speed-up of conda_exports (peer median / our median; log scale, >1 = faster)")
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "REPORT")
    args = parser.parse_args()
    groups, machines = _load(args.json)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = markdown(groups, machines)
    png = args.out.with_suffix(".png")
    if chart(groups, png):
        text += f"\n![speed-ups]({png.name})\n"
    args.out.with_suffix(".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
