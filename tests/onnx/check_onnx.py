#!/usr/bin/env python3
"""ONNX round trip: lamina's export_onnx checked by onnx and reproduced by onnxruntime.

    check_onnx.py --program build/tests/export_networks --venv build/tests/onnx-venv

Creates (once) a virtual environment with the pinned packages of requirements.txt beside this
script, runs the exporter into a temporary folder and, for every NAME.onnx it wrote:
  1. onnx.checker.check_model(full_check=True) accepts the file (shape inference included) and
     the inferred output shape is [batch, ...] with the batch symbolic (fixed for the files
     named *_fixed_batch);
  2. onnxruntime, given NAME.x.npy, reproduces lamina's output NAME.y.npy within 1e-5 (absolute,
     plus 1e-5 relative to the value), for the whole batch and, where the batch is dynamic, for
     its first sample alone.
"""
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # pinned_venv.py
import pinned_venv  # noqa: E402

TOLERANCE = 1e-5


def check(folder: Path) -> int:
    import numpy as np
    import onnx
    import onnxruntime as ort

    names = sorted(p.name[:-5] for p in folder.glob("*.onnx"))
    if not names:
        print("no .onnx file was written")
        return 1
    failures = 0
    for name in names:
        model = onnx.load(str(folder / f"{name}.onnx"))
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        out_dims = inferred.graph.output[0].type.tensor_type.shape.dim
        x = np.load(folder / f"{name}.x.npy")
        y = np.load(folder / f"{name}.y.npy")
        fixed = name.endswith("_fixed_batch")
        if fixed:
            assert out_dims[0].dim_value == len(x), f"{name}: the output's batch is not {len(x)}"
        else:
            assert out_dims[0].dim_param == "batch", f"{name}: the output's batch is not dynamic"
        assert [d.dim_value for d in out_dims[1:]] == list(y.shape[1:]), f"{name}: output shape {out_dims}"
        session = ort.InferenceSession(str(folder / f"{name}.onnx"), providers=["CPUExecutionProvider"])
        (full,) = session.run(None, {"input": x})
        runs = [(full, y)]
        if not fixed:
            runs.append((session.run(None, {"input": x[:1]})[0], y[:1]))
        worst = 0.0
        for got, want in runs:
            if got.shape != want.shape:
                print(f"FAIL {name}: onnxruntime gives shape {got.shape}, lamina {want.shape}")
                failures += 1
                break
            excess = np.abs(got - want) - TOLERANCE * (1 + np.abs(want))
            worst = max(worst, float(np.abs(got - want).max()))
            if (excess > 0).any():
                print(f"FAIL {name}: max |onnxruntime - lamina| = {np.abs(got - want).max():.3g} "
                      f"(tolerance {TOLERANCE:g} + {TOLERANCE:g} |y|)")
                failures += 1
                break
        else:
            print(f"ok   {name:44s} {len(model.graph.node):3d} nodes  max |diff| {worst:.2e}")
    print(f"{len(names) - failures} of {len(names)} networks round-trip through ONNX")
    return 1 if failures else 0


if __name__ == "__main__":
    pinned_venv.run(__file__, __doc__, check)
