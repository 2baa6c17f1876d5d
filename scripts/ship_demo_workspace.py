#!/usr/bin/env python3
"""Makes assets/demo-workspace from a workspace built by `invariances-cli demo prepare --budget full`.

Keeps what the application shows: every classifier checkpoint (the training-dynamics views read
them) and the last checkpoint of every other network, each with its side-car; leaves out training
states (optimiser moments, for resuming) and earlier checkpoints. Stores the autoencoder, every t
and e with 16-bit weights (`invariances-cli workspace store-half`): measure the shipped folder with
`invariances-cli demo measure`, never the workspace it came from. Writes the SHIPPED marker, which
makes every writing command refuse the folder, and SHA256SUMS over every file. The new folder is
assembled beside the old one, which it replaces only once complete.

Usage: scripts/ship_demo_workspace.py WORKSPACE [--out assets/demo-workspace] [--limit-mb 60] [--cli build/invariances-cli]
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys

KEEP_EVERY_CHECKPOINT = {"classifier"}


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "assets", "demo-workspace"))
    parser.add_argument("--limit-mb", type=float, default=60.0)
    parser.add_argument("--cli", default=os.path.join(os.path.dirname(__file__), "..", "build", "invariances-cli"))
    args = parser.parse_args()

    manifest_path = os.path.join(args.workspace, "workspace.json")
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("dataset", {}).get("settings", {}).get("demo_budget") != "full":
        sys.exit(f"{args.workspace} was not made by `demo prepare --budget full`; ship only the full recipe's result.")

    out = os.path.abspath(args.out)
    staging = out + ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    files = []
    for name, model in manifest["models"].items():
        if not model.get("checkpoints"):
            sys.exit(f"{name} has no checkpoint; finish `demo prepare` first.")
        if name not in KEEP_EVERY_CHECKPOINT:
            model["checkpoints"] = model["checkpoints"][-1:]
        for checkpoint in model["checkpoints"]:
            files += [checkpoint["file"], checkpoint["file"] + ".json"]
    for relative in files:
        target = os.path.join(staging, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(args.workspace, relative), target)
    with open(os.path.join(staging, "workspace.json"), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
    subprocess.run([args.cli, "workspace", "store-half", "--workspace", staging], check=True)
    os.remove(os.path.join(staging, "writer.lock"))
    with open(os.path.join(staging, "SHIPPED"), "w", encoding="utf-8") as handle:
        handle.write("The trained demo workspace shipped with Invariances (scripts/ship_demo_workspace.py).\n"
                     "Never written: the GUI copies it into the data folder, and commands that write refuse it.\n")
    listed = sorted(files + ["workspace.json", "SHIPPED"])
    with open(os.path.join(staging, "SHA256SUMS"), "w", encoding="utf-8") as handle:
        for relative in listed:
            handle.write(f"{sha256(os.path.join(staging, relative))}  {relative}\n")

    total = sum(os.path.getsize(os.path.join(root, f)) for root, _, names in os.walk(staging) for f in names)
    if total > args.limit_mb * 1e6:
        shutil.rmtree(staging)
        sys.exit(f"the shipped workspace would hold {total / 1e6:.1f} MB, over the {args.limit_mb:g} MB limit.")
    shutil.rmtree(out, ignore_errors=True)
    os.rename(staging, out)
    print(f"{out}: {len(listed)} files, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
