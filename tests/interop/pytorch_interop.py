#!/usr/bin/env python3
"""PyTorch <-> lamina checkpoint interoperability, both ways.

    pytorch_interop.py --lamina-bin build/tests/interop_model [--dir DIR]
    pytorch_interop.py --write-fixture tests/fixtures/interop    # PyTorch's side only, committed

1. lamina trains a few steps, saves lamina_model.safetensors and (x, y) in eval mode; PyTorch
   loads the file into the same nn.Sequential (strict) and must reproduce y within 1e-5.
2. PyTorch saves torch_model.safetensors and (x, y); lamina loads it and must reproduce y.
Needs only torch and numpy (any version >= 1.13: Debian's python3-torch works); safetensors
files are read and written here directly. Exits 77 (CTest's "skipped") when torch is missing.
"""
import argparse, json, os, struct, subprocess, sys, tempfile

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:  # pragma: no cover
    print(f"skipped: {e}")
    sys.exit(77)

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        arr = np.frombuffer(data[b:end], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[a.dtype]
        raw = a.tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def interop_net():
    return nn.Sequential(nn.Flatten(), nn.Linear(48, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 5))


def torch_side(out_dir):
    torch.manual_seed(11)
    net = interop_net()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):  # non-default BatchNorm statistics
        x = torch.rand(6, 3, 4, 4) * 2 - 1
        loss = nn.functional.cross_entropy(net(x), torch.randint(0, 5, (6,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    x = torch.rand(6, 3, 4, 4) * 2 - 1
    with torch.no_grad():
        y = net(x)
    write_safetensors(os.path.join(out_dir, "torch_model.safetensors"), net.state_dict())
    write_safetensors(os.path.join(out_dir, "torch_io.safetensors"), {"x": x, "y": y})
    return y


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lamina-bin")
    p.add_argument("--dir")
    p.add_argument("--write-fixture")
    a = p.parse_args()
    torch.set_num_threads(1)
    if a.write_fixture:
        os.makedirs(a.write_fixture, exist_ok=True)
        torch_side(a.write_fixture)
        print(f"wrote {a.write_fixture} with torch {torch.__version__}")
        return 0
    work = a.dir or tempfile.mkdtemp(prefix="lamina_interop_")
    # 1. lamina -> PyTorch
    subprocess.run([a.lamina_bin, "write", work], check=True)
    net = interop_net()
    net.load_state_dict(read_safetensors(os.path.join(work, "lamina_model.safetensors")), strict=True)
    net.eval()
    io = read_safetensors(os.path.join(work, "lamina_io.safetensors"))
    with torch.no_grad():
        y = net(io["x"])
    err1 = (y - io["y"]).abs().max().item()
    print(f"lamina -> PyTorch: max |dy| = {err1:.3g}")
    # 2. PyTorch -> lamina
    y_torch = torch_side(work)
    subprocess.run([a.lamina_bin, "read", work], check=True)
    y_lamina = read_safetensors(os.path.join(work, "lamina_out.safetensors"))["y"]
    err2 = (y_torch - y_lamina).abs().max().item()
    print(f"PyTorch -> lamina: max |dy| = {err2:.3g}")
    ok = err1 <= 1e-5 and err2 <= 1e-5
    print("interop:", "ok" if ok else "MISMATCH (tolerance 1e-5)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
