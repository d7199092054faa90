#!/usr/bin/env python3
"""Turns one bench/run result directory into a Markdown report, prints it, and files it under docs/benchmarks/.

Usage: bench/report.py RESULT_DIR [--label NAME] [--docs docs/benchmarks] [--sweep-conf FILE] [--command TEXT]
With --docs DIR the report goes to DIR/<YYYY-MM-DD>-<commit>[-<label>].md (the date of the run's paper.conf step;
the commit as `git rev-parse --short HEAD`, "-dirty" added when the work tree differs from it; a rerun with the
same date, commit and label replaces the file), and its line, newest first, into the index DIR/README.md (between
its <!-- runs:start --> and <!-- runs:end --> markers; created if missing). BENCHMARKS.md is never touched: its
current figures are updated by hand when a run becomes the reference.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

METHODS = ["foundation", "frozen", "bitfit", "taugate", "lora", "full_ft"]


def load(d, name):
    with open(os.path.join(d, name)) as f:
        return json.load(f)


def git_version(root):
    try:
        rev = subprocess.check_output(["git", "-C", root, "rev-parse", "--short", "HEAD"], text=True).strip()
        dirty = subprocess.call(["git", "-C", root, "diff", "--quiet", "HEAD"]) != 0
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def numbered(d, name):
    """NAME-1.json, NAME-2.json, ... as far as they go, loaded."""
    found = []
    while os.path.exists(os.path.join(d, f"{name}-{len(found) + 1}.json")):
        found.append(load(d, f"{name}-{len(found) + 1}.json"))
    return found


def merge_rounds(d, name):
    """Combines NAME-1.json, NAME-2.json, ... (one timed round each, run alternately with the other side's
    rounds) into NAME.json: per method the best (minimum) time of each kind, the rounds' times listed; the
    highest SGEMM ceiling. Returns the merged dict (NAME.json as it is when there are no rounds)."""
    rounds = numbered(d, name)
    if not rounds:
        return load(d, f"{name}.json")
    merged = dict(rounds[0])
    merged["reps"] = len(rounds)
    if "sgemm" in merged:
        merged["sgemm"] = max((x["sgemm"] for x in rounds), key=lambda g: g["gflops"])
    if "peak_rss_mib" in merged:
        merged["peak_rss_mib"] = max(x["peak_rss_mib"] for x in rounds)
    cells = []
    for i, c in enumerate(merged["cells"]):
        c = dict(c)
        for key in ("train_s", "eval_s", "train_cpu_s", "eval_cpu_s"):
            c[key] = min(x["cells"][i][key] for x in rounds)
            c[key + "_rounds"] = [x["cells"][i][key] for x in rounds]
        cells.append(c)
    merged["cells"] = cells
    with open(os.path.join(d, f"{name}.json"), "w") as f:
        json.dump(merged, f, indent=2)
    return merged


def best_sweep(d, n):
    """The sweep on local[n]: of sweepN-1.json, sweepN-2.json, ... (run alternately with the other master's), the one
    with the most cells/s, the runs' rates listed and the highest peak RSS; sweepN.json where there are no runs."""
    runs = numbered(d, f"sweep{n}")
    if not runs:
        return load(d, f"sweep{n}.json")
    best = dict(max(runs, key=lambda x: x["cells_per_s"]))
    best["runs_cells_per_s"] = [x["cells_per_s"] for x in runs]
    best["peak_rss_mib"] = max(x["peak_rss_mib"] for x in runs)
    return best


LABEL = re.compile(r"^[A-Za-z0-9._-]+$")
RUNS_START, RUNS_END = "<!-- runs:start -->", "<!-- runs:end -->"
INDEX_HEADER = """# Benchmark history

One report per `bench/run` (written by `bench/report.py`) and one write-up per piece of measured work (what the
profiles showed, what changed, what was tried and not taken), each named by date and commit, newest first. A line
gives the time the run ended (for a write-up, the time it was written), the commit (`+dirty`: the work tree had
changes not yet committed) and a summary. The current figure of each target, and how to run the benchmarks, are in
[BENCHMARKS.md](../../BENCHMARKS.md).

"""


def run_time(d):
    """When the run was made: the time its paper.conf step finished."""
    return datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(d, "paper.json")))


def report_name(when, version, label):
    """<YYYY-MM-DD>-<commit>[-dirty][-<label>].md"""
    return f"{when:%Y-%m-%d}-{version.replace('+', '-')}" + (f"-{label}" if label else "") + ".md"


def section(d, label, root, sweep_conf, command):
    """The report as (title, body lines, one-phrase summary for the index)."""
    cells, peer = merge_rounds(d, "cells"), merge_rounds(d, "peer")
    s1, s2, paper = best_sweep(d, 1), best_sweep(d, 2), load(d, "paper.json")
    m = cells["machine"]
    ceiling = cells["sgemm"]["gflops"]
    jrow = {c["method"]: c for c in cells["cells"]}
    prow = {c["method"]: c for c in peer["cells"]}
    when = run_time(d)
    title = f"# `bench/run`: {when:%Y-%m-%d %H:%M}, commit {git_version(root)}" + (f" ({label})" if label else "")
    out = [f"`{command}` on {m['cpu_model']}, {m['cores']} cores, Java {m['java']}; "
           f"OMP_NUM_THREADS={m['omp_num_threads']}, ND4J {m['nd4j_master_threads']} thread(s), BLAS "
           f"{m['nd4j_blas_threads']}, OPENBLAS_CORETYPE={m.get('openblas_coretype')}; NumPy {peer['numpy']} with OPENBLAS_NUM_THREADS="
           f"{peer['threads']['OPENBLAS_NUM_THREADS']}. Load average (1 min) {m['load_avg_1min']:.1f} at the "
           f"start, {paper['load_avg_1min_end']:.1f} at the end: other work shared the 2 cores. Per-method times "
           f"are the best of {cells['reps']} rounds, tausweep's and NumPy's run alternately, each after warm-up "
           "rounds; CPU = the calling thread's CPU time.",
           "",
           f"Ceiling: ND4J SGEMM 2048x2048 float32, best of 5: **{ceiling:.1f} GFLOP/s**; at the first "
           f"layer's batch shape (64x784x128): {cells['sgemm']['gflops_64x784x128']:.1f} GFLOP/s.",
           "",
           "| method | train s (CPU) | eval s (CPU) | train GFLOP/s | of ceiling | NumPy train s (CPU) "
           "| NumPy eval s (CPU) | tausweep / NumPy, wall (CPU) | acc angle tausweep / NumPy |",
           "|---|---|---|---|---|---|---|---|---|"]
    ratios, cpu_ratios = {}, {}
    for name in METHODS:
        j, p = jrow[name], prow[name]
        jt, pt = j["train_s"] + j["eval_s"], p["train_s"] + p["eval_s"]
        jc, pc = j["train_cpu_s"] + j["eval_cpu_s"], p["train_cpu_s"] + p["eval_cpu_s"]
        ratios[name], cpu_ratios[name] = jt / pt, jc / pc
        gf = j["train_flops"] / j["train_s"] / 1e9 if j["train_s"] > 0 else 0
        out.append(f"| {name} | {j['train_s']:.3f} ({j['train_cpu_s']:.3f}) | {j['eval_s']:.3f} "
                   f"({j['eval_cpu_s']:.3f}) | {gf:.1f} | {100 * gf / ceiling:.0f}% | {p['train_s']:.3f} "
                   f"({p['train_cpu_s']:.3f}) | {p['eval_s']:.3f} ({p['eval_cpu_s']:.3f}) | "
                   f"{ratios[name]:.2f}x ({cpu_ratios[name]:.2f}x) | {j['acc_theta']:.3f} / {p['acc_theta']:.3f} |")
    speedup = s2["cells_per_s"] / s1["cells_per_s"]
    out += ["",
            f"Sweep `{sweep_conf}` ({s1['cells']} cells, {s1.get('foundations', '?')} foundations), cells/s over the "
            "cell phase (first cell task start to last cell task end), the best run of each master (every run's rate in "
            "brackets; local[1] and local[2] alternately, each in a fresh JVM); outside train+eval = 1 - sum(train_seconds "
            "+ eval_seconds) / cell-task time (Spark task metrics), and / (cell phase x cores):",
            "",
            "| master | cells/s | speed-up | second half: cells/s | speed-up | outside train+eval: task time "
            "| slot time | sweep wall s | peak RSS MiB |",
            "|---|---|---|---|---|---|---|---|---|"]
    half1 = s1.get("cells_per_s_second_half")
    for s, sp in ((s1, 1.0), (s2, speedup)):
        h = s.get("cells_per_s_second_half")
        hs = f"{h:.2f} | {h / half1:.2f}x" if h and half1 else "- | -"
        runs = s.get("runs_cells_per_s", [])
        rs = f" ({', '.join(f'{x:.2f}' for x in runs)})" if len(runs) > 1 else ""
        out.append(f"| {s['master']} | {s['cells_per_s']:.2f}{rs} | {sp:.2f}x | {hs} | "
                   f"{100 * s['outside_in_tasks']:.1f}% | {100 * s['outside_of_slots']:.1f}% | {s['wall_s']:.1f} | "
                   f"{s['peak_rss_mib']:.0f} |")
    out += ["",
            "The second half of the cells (by end time) is a diagnostic: the rate once most of the JVM's warm-up "
            "is behind it; the targets use the whole cell phase."]
    if "cells_per_s_first_cells" in s1 and "cells_per_s_first_cells" in s2:
        f1, f2 = s1["cells_per_s_first_cells"], s2["cells_per_s_first_cells"]
        out.append(f"Over the first {s1['first_cells']} cells of those runs (by end time, from the phase's start: "
                   f"what a sweep of the bench's earlier size reads, warm-up and all): {f1:.2f} cells/s on local[1], "
                   f"{f2:.2f} on local[2], {f2 / f1:.2f}x.")
    for s in (s1, s2):
        cpu = s.get("cell_phase_cpu_s")
        if cpu:
            cap = s["cell_phase_s"] * s["cores"]
            parts = ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in cpu.items())
            halves = ""
            if "cell_cpu_ms_first_half" in s:
                halves = (f" Executor CPU per cell: {s['cell_cpu_ms_first_half']:.0f} ms in the first half of "
                          f"the cells, {s['cell_cpu_ms_second_half']:.0f} ms in the second.")
            out.append(f"CPU of the JVM's threads during the {s['master']} cell phase of that run (core-seconds "
                       f"from /proc/self/task; cell phase x slots = {cap:.1f}): {parts}.{halves}")
        if "cell_task_ms_by_50" in s:
            points = ", ".join(f"{t:.0f} ({c:.0f})" for t, c in zip(s["cell_task_ms_by_50"], s["cell_cpu_ms_by_50"]))
            out.append(f"Warm-up timeline of that {s['master']} run, a cell's task time (CPU) in ms averaged over each "
                       f"50 cells or so in end order (a task runs up to 4 cells): {points}.")
    out += ["",
            f"`bin/sweep run conf/paper.conf` end to end (25 cells, 5 foundations; JVM and Spark start included): "
            f"**{paper['wall_s']:.1f} s** wall, user+sys {paper['user_s'] + paper['sys_s']:.1f} s, peak RSS "
            f"**{paper['peak_rss_mib']:.0f} MiB**; exit {paper['exit']}.",
            ""]
    full_ft = jrow["full_ft"]
    ft_frac = full_ft["train_flops"] / full_ft["train_s"] / 1e9 / ceiling
    worst = max(ratios, key=ratios.get)
    out += ["Targets:",
            f"- train+eval per cell <= 1.0x NumPy for every method: {verdict(max(ratios.values()) <= 1.0)} "
            f"(worst {worst} {ratios[worst]:.2f}x wall, {cpu_ratios[worst]:.2f}x CPU; stretch 0.5x: "
            f"{verdict(max(ratios.values()) <= 0.5)})",
            f"- Full FT training >= 50% of the SGEMM ceiling: {verdict(ft_frac >= 0.5)} ({100 * ft_frac:.0f}%)",
            f"- local[2] >= 1.8x local[1] cells/s: {verdict(speedup >= 1.8)} ({speedup:.2f}x); < 10% outside "
            f"train+eval: {verdict(s2['outside_of_slots'] < 0.1)} ({100 * s2['outside_of_slots']:.1f}% of slot "
            f"time, {100 * s2['outside_in_tasks']:.1f}% of task time on local[2])",
            f"- paper.conf <= 30 s wall: {verdict(paper['wall_s'] <= 30)} ({paper['wall_s']:.1f} s); peak RSS "
            f"< 2 GiB: {verdict(paper['peak_rss_mib'] < 2048)} ({paper['peak_rss_mib']:.0f} MiB)"]
    summary = (f"`{command}` on {m['cpu_model']}: SGEMM {ceiling:.1f} GFLOP/s, worst {worst} {ratios[worst]:.2f}x NumPy, "
               f"Full FT {100 * ft_frac:.0f}% of the ceiling, local[2] {speedup:.2f}x local[1] over {s1['cells']:,} cells, "
               f"paper.conf {paper['wall_s']:.1f} s and {paper['peak_rss_mib']:.0f} MiB")
    return title, out, summary


def index_key(line):
    """Sort key of an index line "- YYYY-MM-DD[ HH:MM], ...": its date and time."""
    m = re.match(r"- (\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}))?", line)
    return (m.group(1), m.group(2) or "") if m else ("", "")


def update_index(path, name, line):
    """Puts `line` (the entry of report file `name`) into the index at `path`, replacing the file's old entry;
    entries newest first."""
    doc = open(path).read() if os.path.exists(path) else INDEX_HEADER
    if RUNS_START not in doc or RUNS_END not in doc:
        doc = doc.rstrip("\n") + f"\n\n{RUNS_START}\n{RUNS_END}\n"
    head, rest = doc.split(RUNS_START, 1)
    body, tail = rest.split(RUNS_END, 1)
    entries = [x for x in body.split("\n") if x.strip() and f"]({name})" not in x]
    entries.append(line)
    entries.sort(key=index_key, reverse=True)
    with open(path, "w") as f:
        f.write(head + RUNS_START + "\n" + "\n".join(entries) + "\n" + RUNS_END + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--label", default="", help="optional; added to the report's file name")
    ap.add_argument("--docs", help="the history directory (docs/benchmarks): write the report and its index line there")
    ap.add_argument("--sweep-conf", default="bench/conf/sweep1200.conf", help="the sweep bench/run ran (for the text)")
    ap.add_argument("--command", help="the bench/run command line, as the report shows it")
    a = ap.parse_args()
    if a.label and not LABEL.match(a.label):
        ap.error(f"invalid --label: {a.label} (letters, digits, . _ - only)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    command = a.command or ("bench/run" + (f" --label {a.label}" if a.label else ""))
    title, body, summary = section(a.dir, a.label, root, a.sweep_conf, command)
    text = title + "\n\n" + "\n".join(body) + "\n"
    print(text, end="")
    if a.docs:
        when, version = run_time(a.dir), git_version(root)
        name = report_name(when, version, a.label)
        path = os.path.join(a.docs, name)
        os.makedirs(a.docs, exist_ok=True)
        replaced = os.path.exists(path)
        with open(path, "w") as f:
            f.write(text)
        index = os.path.join(a.docs, "README.md")
        update_index(index, name, f"- {when:%Y-%m-%d %H:%M}, {version}: [{summary}]({name})")
        print(f"bench: {'replaced' if replaced else 'wrote'} {path} and its line in {index}", file=sys.stderr)
        print("bench: BENCHMARKS.md is unchanged; if this run is the new reference, update its current figures "
              "by hand", file=sys.stderr)


if __name__ == "__main__":
    main()
