#!/usr/bin/env python3
"""Turns the logs of scripts/device_check.sh into the Markdown that docs/benchmarks.md records:
the machine, the CUDA test cases, and CPU against CUDA for the same measures, side by side."""
import json
import pathlib
import re
import sys

logs = pathlib.Path(sys.argv[1])


def read(name):
    path = logs / name
    return path.read_text(errors="replace") if path.exists() else ""


def last_json(name):
    for line in reversed(read(name).splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                return None
    return None


def status_seconds(name):
    text = read(name + ".status").split()
    return (int(text[0]), int(text[1]) / 1000.0) if len(text) == 2 else (None, None)


def engine_p50(name, what):
    match = re.search(re.escape(what) + r"[^\n]*?p50\s+([0-9.]+) ms", read(name))
    return float(match.group(1)) if match else None


def cell(value, unit="ms"):
    return "—" if value is None else f"{value:.3g} {unit}"


print(f"Machine: {read('gpu.txt').strip() or 'unknown GPU'}; {read('torch.txt').strip()}")
print()
print("| CUDA test case | result |")
print("|---|---|")
for name_file in sorted(logs.glob("test-*.name"), key=lambda p: int(p.stem.split("-")[1])):
    label = name_file.stem
    log = read(label + ".log")
    rc, _ = status_seconds(label)
    verdict = "passed" if rc == 0 else ("CRASHED" if "CRASHED" in log else f"failed (exit {rc})")
    print(f"| {name_file.read_text().strip()} | {verdict} |")
print()

cpu_cores = sorted(int(p.stem[len("flow-cpu-"):]) for p in logs.glob("flow-cpu-*.log"))
flow = {label: last_json(f"flow-{label}.log") for label in ["cuda"] + [f"cpu-{cores}" for cores in cpu_cores]}
columns = [label for label, report in flow.items() if report]
if columns:
    print("| measure | " + " | ".join(f"{label} ({flow[label].get('threads', '')})" for label in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for size in ("paper", "small"):
        for key, what in (("train_step_ms", "t training step"), ("optimizer_step_ms", "of which the optimiser"),
                          ("flat_gradient_copy_ms", "one flat copy of the gradients"), ("sample_ms", "t sampling 64")):
            values = []
            for label in columns:
                found = [r for r in flow[label]["results"] if r["size"] == size]
                values.append(cell(found[0][key]) if found and key in found[0] else "—")
            print(f"| {what}, {size} | " + " | ".join(values) + " |")
    print()

rows = []
for what, cpu_log, cuda_log in (
        ("8×8 z-by-v grid (engine, tiny demo)", "engine-tiny-cpu.log", "engine-tiny-cuda.log"),
        ("semantic slider edit (tiny demo)", "engine-tiny-cpu.log", "engine-tiny-cuda.log")):
    key = "8x8 z-by-v grid" if "grid" in what else "semantic slider"
    rows.append((what, engine_p50(cpu_log, key), engine_p50(cuda_log, key), "ms"))
for what, label in (("classifier, 100 steps", "train-classifier-100"),):
    rows.append((what, status_seconds(label + "-cpu")[1], status_seconds(label + "-cuda")[1], "s"))
rc, seconds = status_seconds("demo-quick-cuda")
print("| measure | CPU | CUDA |")
print("|---|---|---|")
for what, cpu, cuda, unit in rows:
    print(f"| {what} | {cell(cpu, unit)} | {cell(cuda, unit)} |")
if seconds is not None:
    print(f"| `demo prepare --budget quick` | — | {'done' if rc == 0 else 'stopped'} after {seconds:.0f} s |")
