#!/usr/bin/python3
"""The conditional flow t written in plain PyTorch, timed like bench/flow_bench.cpp.

The network is the same as core/flow: ActNorm -> double affine coupling (separate scale and shift
MLPs, tanh on the scale) -> fixed permutation, a flat condition embedder of Linear + ActNorm +
LeakyReLU(0.2) layers. It runs on Debian's python3-torch, i.e. the same LibTorch as the C++ build.
Only for benchmarking: the project needs no Python at run time.
"""
import argparse
import json
import os
import resource
import time

import torch
from torch import nn

SIZES = {
    "paper": dict(dim=128, blocks=20, width=1024, depth=2, batch=16, condition=256, embedding=128),
    "small": dict(dim=64, blocks=12, width=512, depth=2, batch=64, condition=64, embedding=64),
}
SAMPLE_BATCH = 64


class ActNorm(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.loc = nn.Parameter(torch.zeros(channels))
        self.scale = nn.Parameter(torch.ones(channels))
        self.register_buffer("initialized", torch.zeros(1, dtype=torch.uint8))

    def forward(self, x):
        if self.training and self.initialized.item() == 0:
            with torch.no_grad():
                self.loc.copy_(-x.mean(0))
                self.scale.copy_(1.0 / (x.std(0) + 1e-6))
                self.initialized.fill_(1)
        return self.scale * (x + self.loc), torch.log(torch.abs(self.scale)).sum().expand(x.shape[0])

    def inverse(self, y):
        return y / self.scale - self.loc


def mlp(inp, out, width, depth):
    layers, features = [], inp
    for _ in range(depth):
        layers += [nn.Linear(features, width), nn.LeakyReLU(0.01)]
        features = width
    last = nn.Linear(features, out)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(*layers, last)


class DoubleCoupling(nn.Module):
    def __init__(self, dim, cond, width, depth):
        super().__init__()
        self.first, self.second = dim // 2, dim - dim // 2
        self.scale0 = mlp(self.first + cond, self.second, width, depth)
        self.shift0 = mlp(self.first + cond, self.second, width, depth)
        self.scale1 = mlp(self.second + cond, self.first, width, depth)
        self.shift1 = mlp(self.second + cond, self.first, width, depth)

    def forward(self, x, h):
        a, b = x[:, : self.first], x[:, self.first :]
        ia = torch.cat([a, h], 1)
        s0 = torch.tanh(self.scale0(ia))
        b = b * torch.exp(s0) + self.shift0(ia)
        ib = torch.cat([b, h], 1)
        s1 = torch.tanh(self.scale1(ib))
        a = a * torch.exp(s1) + self.shift1(ib)
        return torch.cat([a, b], 1), s0.sum(1) + s1.sum(1)

    def inverse(self, y, h):
        a, b = y[:, : self.first], y[:, self.first :]
        ib = torch.cat([b, h], 1)
        a = (a - self.shift1(ib)) * torch.exp(-torch.tanh(self.scale1(ib)))
        ia = torch.cat([a, h], 1)
        b = (b - self.shift0(ia)) * torch.exp(-torch.tanh(self.scale0(ia)))
        return torch.cat([a, b], 1)


class Block(nn.Module):
    def __init__(self, dim, cond, width, depth, seed):
        super().__init__()
        self.norm = ActNorm(dim)
        self.coupling = DoubleCoupling(dim, cond, width, depth)
        order = torch.randperm(dim, generator=torch.Generator().manual_seed(seed))
        self.register_buffer("forward_order", order)
        self.register_buffer("backward_order", torch.argsort(order))

    def forward(self, x, h):
        x, ld0 = self.norm(x)
        x, ld1 = self.coupling(x, h)
        return x.index_select(1, self.forward_order), ld0 + ld1

    def inverse(self, y, h):
        return self.norm.inverse(self.coupling.inverse(y.index_select(1, self.backward_order), h))


class FlatEmbedder(nn.Module):
    def __init__(self, features, embedding):
        super().__init__()
        layers, width, inp = [], max(embedding, features // 2), features
        while True:
            layers += [nn.Linear(inp, width), ActNormLayer(width), nn.LeakyReLU(0.2)]
            inp = width
            if width <= embedding:
                break
            width = max(embedding, width // 2)
        self.layers = nn.Sequential(*layers, nn.Linear(inp, embedding))

    def forward(self, z):
        return self.layers(z)


class ActNormLayer(ActNorm):
    def forward(self, x):
        return super().forward(x)[0]


class ConditionalFlow(nn.Module):
    def __init__(self, dim, blocks, width, depth, condition, embedding):
        super().__init__()
        self.embedder = FlatEmbedder(condition, embedding)
        self.blocks = nn.ModuleList(Block(dim, embedding, width, depth, b) for b in range(blocks))

    def forward(self, x, z):
        h = self.embedder(z)
        logdet = torch.zeros(x.shape[0], device=x.device)
        for block in self.blocks:
            x, ld = block(x, h)
            logdet = logdet + ld
        return x, logdet

    def inverse(self, v, z):
        h = self.embedder(z)
        for block in reversed(self.blocks):
            v = block.inverse(v, h)
        return v


def median(values):
    return sorted(values)[len(values) // 2]


def run(name, steps, repeats, device):
    torch.manual_seed(0)
    s = SIZES[name]
    t = ConditionalFlow(s["dim"], s["blocks"], s["width"], s["depth"], s["condition"], s["embedding"]).to(device)
    code = torch.randn(s["batch"], s["dim"], device=device)
    z = torch.randn(s["batch"], s["condition"], device=device)
    optimizer = torch.optim.Adam(t.parameters(), lr=4.5e-6 * s["batch"], betas=(0.5, 0.9))
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def train_step():
        v, logdet = t(code, z)
        loss = (0.5 * v.pow(2).sum(1) - logdet).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    t.train()
    for _ in range(5):
        train_step()
    sync()
    step_ms = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            train_step()
        sync()
        step_ms.append(1000 * (time.perf_counter() - start) / steps)

    t.eval()
    sample_ms = []
    with torch.inference_mode():
        v = torch.randn(SAMPLE_BATCH, s["dim"], device=device)
        zs = torch.randn(SAMPLE_BATCH, s["condition"], device=device)
        for _ in range(5):
            t.inverse(v, zs)
        sync()
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(steps):
                t.inverse(v, zs)
            sync()
            sample_ms.append(1000 * (time.perf_counter() - start) / steps)
    return dict(size=name, train_step_ms=median(step_ms), sample_ms=median(sample_ms),
                steps_per_s=1000 / median(step_ms))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), help="default: both")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cuda", action="store_true")
    args = parser.parse_args()
    # The same thread budget as the C++ side (core/runtime/thread_settings: SmallMlp): one OpenMP thread;
    # OpenBLAS's two come from OPENBLAS_NUM_THREADS, set by the runner before start-up.
    torch.set_num_threads(1)
    device = torch.device("cuda" if args.cuda else "cpu")
    results = [run(name, args.steps, args.repeats, device) for name in SIZES if args.size in (None, name)]
    report = dict(language="python", device=str(device),
                  threads=f"{torch.get_num_threads()} torch thread(s), OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}",
                  peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, results=results)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
