#!/usr/bin/env python3
"""The reference workloads (W1..W7 of workloads.md) in PyTorch, timed like lamina_train_bench.

Pinned: torch==2.15.0, numpy (bench/requirements.txt). The nets, inputs, batch sizes, losses
and optimizers must stay identical to bench/workloads.hpp; W2..W6 are defined here already so
that lamina only has to add its side (run.py compares the workloads both sides list).

    python bench/pytorch_workloads.py [--workloads W1,W7] [--mode train|infer|both]
        [--rounds R] [--steps T] [--round-ms MS] [--warmup-ms MS] [--seed S]
        [--threads N|keep] [--device cpu|cuda] [--precision fp32|bf16|fp16] [--quick] [--list]
        [--serve]

--threads N calls torch.set_num_threads(N) (which sets both the OpenMP pool and MKL's);
--threads keep leaves PyTorch's own choice (from OMP_NUM_THREADS / MKL_NUM_THREADS / cores).
Output: the same JSON lines as lamina_train_bench, with "impl":"pytorch"; --serve speaks the
same stdin protocol (prepare / round / quit), see bench/train_step_bench.cpp.
--device cuda runs the workloads on the GPU (rounds end with torch.cuda.synchronize()), to be
compared with `lamina_train_bench_cuda --backend cuda` on the same machine (docs/cuda.md).
--precision bf16|fp16 runs forward and loss under torch.autocast (fp16 with a GradScaler), the
counterpart of lamina_train_bench --precision.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn


# ---- workloads ---------------------------------------------------------------------------

class FourierFeatures(nn.Module):
    """(x, y) -> [sin(2 pi x B), cos(2 pi x B)] with a fixed Gaussian B (2 x m), sigma."""

    def __init__(self, in_features=2, m=256, sigma=5.0):
        super().__init__()
        self.register_buffer("B", torch.randn(in_features, m) * sigma)

    def forward(self, x):
        p = 2 * math.pi * x @ self.B
        return torch.cat([torch.sin(p), torch.cos(p)], dim=-1)


def _conv_ae(n=64, m=96):
    def enc(ci, co):
        return nn.Conv2d(ci, co, 5, stride=2, padding=2)

    def dec(ci, co):
        return nn.ConvTranspose2d(ci, co, 5, stride=2, padding=2, output_padding=1)

    return nn.Sequential(enc(3, n), nn.ReLU(), enc(n, n), nn.ReLU(), enc(n, n), nn.ReLU(), enc(n, m),
                         dec(m, n), nn.ReLU(), dec(n, n), nn.ReLU(), dec(n, n), nn.ReLU(), dec(n, 3),
                         nn.Sigmoid())


def _sgd(**kw):
    return lambda params: torch.optim.SGD(params, **kw)


def _adam(**kw):
    return lambda params: torch.optim.Adam(params, **kw)


# id -> definition. "targets": ("classes", C) for cross-entropy, "dense" for MSE.
WORKLOADS = {
    "W1": dict(name="fmnist-mlp", input=(1, 28, 28), batch=64, params=669_706,
               net=lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(),
                                         nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)),
               loss=nn.CrossEntropyLoss, targets=("classes", 10), opt=_sgd(lr=1e-3)),
    "W2": dict(name="fmnist-cnn", input=(1, 28, 28), batch=64, params=663_724,
               net=lambda: nn.Sequential(
                   nn.Conv2d(1, 9, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, stride=1),
                   nn.Conv2d(9, 9, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, stride=1),
                   nn.Conv2d(9, 9, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, stride=1),
                   nn.Flatten(), nn.Linear(5625, 117), nn.ReLU(), nn.Linear(117, 10)),
               loss=nn.CrossEntropyLoss, targets=("classes", 10), opt=_sgd(lr=1e-3)),
    "W3": dict(name="balls-cnn", input=(1, 32, 32), batch=32, params=77_539,
               net=lambda: nn.Sequential(
                   nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                   nn.MaxPool2d(2),
                   nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
                   nn.MaxPool2d(2),
                   nn.Flatten(), nn.Linear(1024, 64), nn.ReLU(), nn.Linear(64, 3)),
               loss=nn.CrossEntropyLoss, targets=("classes", 3), opt=_adam(lr=1e-3)),
    "W4": dict(name="conv-ae", input=(3, 64, 64), batch=16, params=726_883,
               net=_conv_ae, loss=nn.MSELoss, targets="dense", opt=_adam(lr=1e-4)),
    "W5": dict(name="face-ae", input=(4096,), batch=64, params=528_448,
               net=lambda: nn.Sequential(nn.Linear(4096, 64), nn.ReLU(), nn.Linear(64, 4096)),
               loss=nn.MSELoss, targets="dense", opt=_sgd(lr=1e-2)),
    "W6": dict(name="inr-ffn", input=(2,), batch=65536, params=263_683,
               net=lambda: nn.Sequential(
                   FourierFeatures(2, 256, 5.0), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 256),
                   nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 3), nn.Sigmoid()),
               loss=nn.MSELoss, targets="dense", opt=_adam(lr=1e-3)),
    "W7": dict(name="deep-mlp", input=(784,), batch=128, params=29_642,
               net=lambda: nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 64), nn.ReLU(),
                                         nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)),
               loss=nn.CrossEntropyLoss, targets=("classes", 10),
               opt=_sgd(lr=1e-3, momentum=0.9, weight_decay=1e-4)),
}


DEVICE = torch.device("cpu")
PRECISION = "fp32"  # --precision: torch.autocast's dtype for forward and loss (fp32: off)
DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


def synchronize():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


class Runner:
    """One workload: model, optimizer and a fixed random batch (inputs uniform in [0, 1))."""

    def __init__(self, wid, seed):
        w = WORKLOADS[wid]
        self.id, self.name, self.batch = wid, w["name"], w["batch"]
        torch.manual_seed(seed)
        self.model = w["net"]().to(DEVICE)
        n = sum(p.numel() for p in self.model.parameters())
        if n != w["params"]:
            raise RuntimeError(f"{wid}: {n} parameters, workloads.md says {w['params']}")
        self.params = n
        self.opt = w["opt"](self.model.parameters())
        self.loss_fn = w["loss"]()
        g = torch.Generator().manual_seed(seed + 1)
        self.x = torch.rand((self.batch,) + tuple(w["input"]), generator=g)
        if w["targets"] == "dense":
            with torch.no_grad():
                shape = self.model(self.x[:1].to(DEVICE)).shape[1:]
            self.t = torch.rand((self.batch,) + tuple(shape), generator=g)
        else:
            self.t = torch.randint(0, w["targets"][1], (self.batch,), generator=g)
        self.x, self.t = self.x.to(DEVICE), self.t.to(DEVICE)
        # Mixed precision as PyTorch's AMP recipe: autocast, and a GradScaler for fp16.
        self.scaler = torch.amp.GradScaler(DEVICE.type) if PRECISION == "fp16" else None

    def autocast(self):
        return torch.autocast(DEVICE.type, dtype=DTYPES[PRECISION] or torch.bfloat16,
                              enabled=PRECISION != "fp32")

    def train_step(self):
        self.model.train()
        self.opt.zero_grad(set_to_none=True)
        with self.autocast():
            loss = self.loss_fn(self.model(self.x), self.t)
        if self.scaler:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.opt)
            self.scaler.update()
        else:
            loss.backward()
            self.opt.step()
        return loss

    def infer_step(self):
        self.model.eval()
        with torch.inference_mode(), self.autocast():
            return self.model(self.x)

    def step(self, mode):
        return self.train_step() if mode == "train" else self.infer_step()

    def value(self, mode, out):
        return float(out.detach()) if mode == "train" else float(out.reshape(-1)[0])


# ---- timing ------------------------------------------------------------------------------

def warm_up(r, mode, warmup_ms, round_ms):
    r.step(mode)
    n, t0 = 0, time.perf_counter()
    while True:
        r.step(mode)
        n += 1
        synchronize()
        s = time.perf_counter() - t0
        if n >= 2 and s * 1e3 >= warmup_ms:
            break
    return max(1, round(round_ms * 1e-3 / (s / n)))


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Bench:
    def __init__(self, seed, config):
        self.seed, self.config, self.runners = seed, config, {}

    def runner(self, wid):
        if wid not in self.runners:
            self.runners[wid] = Runner(wid, self.seed)
        return self.runners[wid]

    def head(self, r, mode, event):
        return {"event": event, "impl": "pytorch", "workload": r.id, "name": r.name, "mode": mode,
                "threads": torch.get_num_threads(), "config": self.config, "batch": r.batch}

    def round(self, r, mode, steps, index, max_ms=0.0):
        t0 = time.perf_counter()
        done = 0
        while done < steps:
            out = r.step(mode)
            done += 1
            if max_ms > 0 and (time.perf_counter() - t0) * 1e3 > max_ms:
                break
        steps = done
        synchronize()
        s = time.perf_counter() - t0
        sps = steps * r.batch / s
        d = self.head(r, mode, "round")
        d.update({"round": index, "steps": steps, "seconds": s, "samples_per_s": sps,
                  ("loss" if mode == "train" else "out0"): r.value(mode, out)})
        emit(d)
        return sps

    def hello(self):
        return {"event": "hello", "impl": "pytorch", "version": torch.__version__,
                "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
                "config": self.config, "precision": PRECISION, "workloads": list(WORKLOADS),
                "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                                    "OMP_WAIT_POLICY", "KMP_BLOCKTIME")
                        if k in os.environ}}

    def serve(self):
        emit(self.hello())
        for line in sys.stdin:
            a = line.split()
            if not a:
                continue
            if a[0] == "quit":
                break
            try:
                if a[0] == "prepare":
                    r = self.runner(a[1])
                    steps = warm_up(r, a[2], float(a[3]), float(a[4]))
                    d = self.head(r, a[2], "ready")
                    d.update({"params": r.params, "steps": steps})
                    emit(d)
                elif a[0] == "round":
                    self.round(self.runner(a[1]), a[2], int(a[3]), int(a[4]),
                               float(a[5]) if len(a) > 5 else 0.0)
                else:
                    raise ValueError("unknown command")
            except Exception as e:  # report, keep serving
                emit({"event": "error", "impl": "pytorch", "message": f"{line.strip()}: {e!r}"})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", default="W1,W7")
    p.add_argument("--mode", choices=["train", "infer", "both"], default="train")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--round-ms", type=float, default=500)
    p.add_argument("--warmup-ms", type=float, default=300)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", default="keep", help="N for torch.set_num_threads(N), or 'keep'")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--precision", choices=list(DTYPES), default="fp32",
                   help="autocast dtype (with a GradScaler for fp16); fp32: no autocast")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--list", action="store_true")
    p.add_argument("--serve", action="store_true")
    a = p.parse_args()
    global DEVICE, PRECISION
    DEVICE = torch.device(a.device)
    PRECISION = a.precision
    if a.threads != "keep":
        torch.set_num_threads(int(a.threads))
    config = f"set_num_threads({a.threads})" if a.threads != "keep" else "default"
    b = Bench(a.seed, config)
    if a.list:
        emit(b.hello())
        return
    if a.serve:
        b.serve()
        return
    if a.quick:
        a.rounds, a.round_ms, a.warmup_ms = 2, 40, 20
    modes = ["train", "infer"] if a.mode == "both" else [a.mode]
    for wid in a.workloads.split(","):
        r = b.runner(wid)
        for mode in modes:
            steps = a.steps or warm_up(r, mode, a.warmup_ms, a.round_ms)
            sps = [b.round(r, mode, steps, k) for k in range(a.rounds)]
            d = b.head(r, mode, "summary")
            d.update({"rounds": a.rounds, "steps": steps, "median": statistics.median(sps),
                      "min": min(sps), "max": max(sps)})
            emit(d)


if __name__ == "__main__":
    main()
