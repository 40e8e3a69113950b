#!/usr/bin/env python3
"""PyTorch side of bench/conv_bench.cpp: forward and forward+backward of each conv layer of the
reference workloads W2, W3, W4 (no input gradient for the layer itself, like a first layer).

    python bench/conv_bench.py [reps] [threads] [dx|nets]
"""
import sys
import time

import torch
from torch import nn


INPUT_GRAD = len(sys.argv) > 3 and sys.argv[3] == "dx"


def time_layer(label, layer, shape, batch, reps):
    torch.manual_seed(1)
    x = torch.rand((batch,) + shape).requires_grad_(INPUT_GRAD)
    for _ in range(3):
        y = layer(x)
        y.backward(y.detach() * 1e-3)
    fw, allt = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        with torch.no_grad():
            layer(x)
        x.grad = None
        t1 = time.perf_counter()
        layer.zero_grad(set_to_none=True)
        y = layer(x)
        y.backward(y.detach() * 1e-3)
        t2 = time.perf_counter()
        fw.append((t1 - t0) * 1e3)
        allt.append((t2 - t1) * 1e3)
    fw.sort()
    allt.sort()
    m = allt[len(allt) // 2]
    print("%-34s batch %3d  forward %8.3f ms  fwd+bwd %8.3f ms  %9.1f samples/s"
          % (label, batch, fw[len(fw) // 2], m, batch / m * 1e3))


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    C, T = nn.Conv2d, nn.ConvTranspose2d
    R = nn.ReLU
    time_layer("W3 network", nn.Sequential(C(1, 16, 3, padding=1), R(), C(16, 32, 3, padding=1), R(), nn.MaxPool2d(2),
                                           C(32, 16, 3, padding=1), R(), C(16, 16, 3, padding=1), R(), nn.MaxPool2d(2),
                                           nn.Flatten(), nn.Linear(1024, 64), R(), nn.Linear(64, 3)), (1, 32, 32), 32, reps)
    enc = [C(3, 64, 5, 2, 2), R(), C(64, 64, 5, 2, 2), R(), C(64, 64, 5, 2, 2), R(), C(64, 96, 5, 2, 2)]
    dec = [T(96, 64, 5, 2, 2, 1), R(), T(64, 64, 5, 2, 2, 1), R(), T(64, 64, 5, 2, 2, 1), R(), T(64, 3, 5, 2, 2, 1),
           nn.Sigmoid()]
    time_layer("W4 network", nn.Sequential(*enc, *dec), (3, 64, 64), 16, reps)
    if len(sys.argv) > 3 and sys.argv[3] == "nets":
        return
    time_layer("W3 conv1 1->16 k3 32x32", C(1, 16, 3, padding=1), (1, 32, 32), 32, reps)
    time_layer("W3 conv2 16->32 k3 32x32", C(16, 32, 3, padding=1), (16, 32, 32), 32, reps)
    time_layer("W3 conv3 32->16 k3 16x16", C(32, 16, 3, padding=1), (32, 16, 16), 32, reps)
    time_layer("W3 conv4 16->16 k3 16x16", C(16, 16, 3, padding=1), (16, 16, 16), 32, reps)
    time_layer("W2 conv1 1->9 k5 28x28", C(1, 9, 5, padding=2), (1, 28, 28), 64, reps)
    time_layer("W2 conv2 9->9 k5 27x27", C(9, 9, 5, padding=2), (9, 27, 27), 64, reps)
    time_layer("W2 conv3 9->9 k5 26x26", C(9, 9, 5, padding=2), (9, 26, 26), 64, reps)
    time_layer("W4 enc1 3->64 k5s2 64x64", C(3, 64, 5, 2, 2), (3, 64, 64), 16, reps)
    time_layer("W4 enc2 64->64 k5s2 32x32", C(64, 64, 5, 2, 2), (64, 32, 32), 16, reps)
    time_layer("W4 enc3 64->64 k5s2 16x16", C(64, 64, 5, 2, 2), (64, 16, 16), 16, reps)
    time_layer("W4 enc4 64->96 k5s2 8x8", C(64, 96, 5, 2, 2), (64, 8, 8), 16, reps)
    time_layer("W4 dec1 96->64 k5s2 4x4", T(96, 64, 5, 2, 2, 1), (96, 4, 4), 16, reps)
    time_layer("W4 dec2 64->64 k5s2 8x8", T(64, 64, 5, 2, 2, 1), (64, 8, 8), 16, reps)
    time_layer("W4 dec3 64->64 k5s2 16x16", T(64, 64, 5, 2, 2, 1), (64, 16, 16), 16, reps)
    time_layer("W4 dec4 64->3 k5s2 32x32", T(64, 3, 5, 2, 2, 1), (64, 32, 32), 16, reps)


if __name__ == "__main__":
    main()
