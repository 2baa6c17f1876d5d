#!/usr/bin/python3
"""Runs the C++ and the Python benchmark of t alternately and prints a Markdown table.

Both sides get the same thread budget (1 OpenMP thread, 2 OpenBLAS threads: the SmallMlp profile of
core/runtime/thread_settings.h). The machine is shared and noisy, so the two run in turns, several rounds,
and each figure is the median over rounds; compare only the ratio from one run.

usage: bench/run_flow_bench.py [--build build] [--rounds 2] [--steps 10] [--cuda]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run(command, env):
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description="C++ vs Python benchmark of the conditional flow t")
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--cuda", action="store_true")
    args = parser.parse_args()

    binary = os.path.join(args.build, "invariances-bench-flow")
    if not os.path.exists(binary):
        sys.exit(f"{binary} is missing: configure with -DINVARIANCES_BUILD_BENCH=ON and build it first.")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2")
    extra = ["--steps", str(args.steps)] + (["--cuda"] if args.cuda else [])
    reports = {"c++": [], "python": []}
    for round_index in range(args.rounds):
        print(f"round {round_index + 1}/{args.rounds}: python", file=sys.stderr)
        reports["python"].append(run(["/usr/bin/python3", os.path.join(HERE, "flow_bench.py")] + extra, env))
        print(f"round {round_index + 1}/{args.rounds}: c++", file=sys.stderr)
        reports["c++"].append(run([binary] + extra, env))

    def figure(language, size, key):
        return statistics.median(
            r[key] for report in reports[language] for r in report["results"] if r["size"] == size)

    print(f"Machine: {cpu_name()}, {os.cpu_count()} cores; {datetime.date.today()}; "
          f"device {reports['c++'][0]['device']}; {args.rounds} rounds x 3 repeats x {args.steps} steps.")
    print(f"Threads: C++ {reports['c++'][0]['threads']}; Python {reports['python'][0]['threads']}.\n")
    print("| size | C++ train step (ms) | Python train step (ms) | C++ steps/s | Python steps/s | ratio C++/Python (train) "
          "| C++ sampling, batch 64 (ms) | Python sampling (ms) | ratio (sampling) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in ("paper", "small"):
        ct, pt = figure("c++", size, "train_step_ms"), figure("python", size, "train_step_ms")
        cs, ps = figure("c++", size, "sample_ms"), figure("python", size, "sample_ms")
        print(f"| {size} | {ct:.1f} | {pt:.1f} | {1000 / ct:.2f} | {1000 / pt:.2f} | {pt / ct:.2f}x "
              f"| {cs:.1f} | {ps:.1f} | {ps / cs:.2f}x |")
    peak = {k: max(r["peak_rss_mb"] for r in v) for k, v in reports.items()}
    print(f"\nPeak resident memory (whole process, both sizes): C++ {peak['c++']:.0f} MB, Python {peak['python']:.0f} MB.")


if __name__ == "__main__":
    main()
