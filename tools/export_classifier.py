#!/usr/bin/python3
"""Export a PyTorch classifier for Invariances: a TorchScript file plus its model card.

Invariances loads any classifier saved as TorchScript (a module mapping an image batch to logits)
and finds its layers by itself. This helper writes MODEL.pt and MODEL.pt.card.json (input shape,
channel order, value range, mean/std normalisation, class names), so that the app feeds the model
exactly what it was trained on. It runs with Debian's python3-torch (and python3-torchvision for
--torchvision); the application itself needs no Python.

Examples:
  # any nn.Module: a Python file and the class (or factory function) in it, with saved weights
  tools/export_classifier.py --source my_net.py:Net --weights net.pth --input-shape 3 32 32 \\
      --value-range 0 1 --mean 0.49 0.48 0.45 --std 0.25 0.24 0.26 --class-names classes.txt --out net.pt
  # a torchvision architecture (weights from a local file: nothing is downloaded)
  tools/export_classifier.py --torchvision resnet18 --weights resnet18.pth --input-shape 3 224 224 \\
      --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225 --out resnet18.pt
"""
import argparse
import importlib.util
import json
import os
import sys

import torch


def load_module(args):
    if args.torchvision:
        try:
            import torchvision.models as models
        except ImportError:
            sys.exit("--torchvision needs torchvision (Debian: python3-torchvision); use --source for other modules.")
        if not hasattr(models, args.torchvision):
            sys.exit("torchvision has no model named %r." % args.torchvision)
        module = getattr(models, args.torchvision)()
    else:
        path, _, name = args.source.partition(":")
        if not name or not os.path.exists(path):
            sys.exit("--source wants FILE.py:NAME (a class or a function returning the module); got %r." % args.source)
        spec = importlib.util.spec_from_file_location("user_model", path)
        code = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(code)
        if not hasattr(code, name):
            sys.exit("%s defines no %r." % (path, name))
        module = getattr(code, name)()
    if args.weights:
        state = torch.load(args.weights, map_location="cpu")
        if isinstance(state, dict) and "state_dict" in state:
            state = state["state_dict"]
        module.load_state_dict(state)
    return module.eval()


def class_names(arg):
    if not arg:
        return []
    if os.path.exists(arg):
        with open(arg) as names:
            return [line.strip() for line in names if line.strip()]
    return [name.strip() for name in arg.split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--source", help="FILE.py:NAME, a class or factory of the nn.Module")
    which.add_argument("--torchvision", help="a torchvision.models architecture, e.g. resnet18")
    parser.add_argument("--weights", help="a state_dict saved with torch.save (optional)")
    parser.add_argument("--input-shape", type=int, nargs=3, metavar=("C", "H", "W"), required=True)
    parser.add_argument("--channel-order", choices=["RGB", "BGR"], default="RGB")
    parser.add_argument("--value-range", type=float, nargs=2, metavar=("LOW", "HIGH"), default=[0.0, 1.0],
                        help="pixel values the model expects before normalisation (default 0 1)")
    parser.add_argument("--mean", type=float, nargs="*", default=[], help="per channel, subtracted after scaling")
    parser.add_argument("--std", type=float, nargs="*", default=[], help="per channel, divided by after the mean")
    parser.add_argument("--class-names", help="comma-separated, or a text file with one name per line")
    parser.add_argument("--script", action="store_true",
                        help="torch.jit.script instead of torch.jit.trace (for models with data-dependent control flow)")
    parser.add_argument("--out", required=True, help="the TorchScript file to write (the card goes beside it)")
    args = parser.parse_args()

    module = load_module(args)
    example = torch.zeros(2, *args.input_shape)
    with torch.no_grad():
        logits = module(example)
    if not isinstance(logits, torch.Tensor) or logits.dim() != 2:
        sys.exit("the module should return logits of shape [batch, classes]; it returned %r." % (type(logits),))
    exported = torch.jit.script(module) if args.script else torch.jit.trace(module, example)
    names = class_names(args.class_names)
    if names and len(names) != logits.shape[1]:
        sys.exit("%d class names for %d logits." % (len(names), logits.shape[1]))
    card = {"input_shape": list(args.input_shape), "channel_order": args.channel_order,
            "value_range": list(args.value_range), "mean": args.mean, "std": args.std, "class_names": names}
    # Written next to each other, each through a temporary name: a half-written model never appears.
    exported.save(args.out + ".tmp")
    with open(args.out + ".card.json.tmp", "w") as out:
        json.dump(card, out, indent=2)
    os.replace(args.out + ".tmp", args.out)
    os.replace(args.out + ".card.json.tmp", args.out + ".card.json")
    print("wrote %s and %s (%d classes); list its layers with: invariances-cli layers --model %s"
          % (args.out, args.out + ".card.json", logits.shape[1], args.out))


if __name__ == "__main__":
    main()
