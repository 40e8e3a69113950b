#!/usr/bin/env python3
"""TensorBoard event files written by lamina, read back by the tensorboard package.

    check_tensorboard.py --program build/tests/tensorboard_run --venv build/tests/tensorboard-venv

Creates (once) a virtual environment with the pinned packages of requirements.txt beside this
script, runs the writer into a temporary folder, then:
  1. checks the framing of every record: the length, and both masked CRC-32Cs (computed by
     tensorboard's own implementation);
  2. loads the run with tensorboard's EventAccumulator and checks every value the writer lists
     in expected.txt: scalars (to float32 precision), histograms (count, min, max, sum), images
     (size, a PNG that decodes), text.
"""
import struct, sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # pinned_venv.py
import pinned_venv  # noqa: E402


def check(folder: Path) -> int:
    import io
    import numpy as np
    from PIL import Image
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

    files = sorted((folder / "run").glob("events.out.tfevents.*"))
    assert len(files) == 1, f"expected one event file, found {files}"
    data = files[0].read_bytes()
    at, records = 0, 0
    while at < len(data):
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[at + 8:at + 12])
        assert header_crc == masked_crc32c(header), f"record {records}: bad length CRC"
        body = data[at + 12:at + 12 + length]
        (body_crc,) = struct.unpack("<I", data[at + 12 + length:at + 16 + length])
        assert len(body) == length and body_crc == masked_crc32c(body), f"record {records}: bad data CRC"
        at += 16 + length
        records += 1
    print(f"{records} records, every length and CRC right")

    ea = EventAccumulator(str(folder / "run"), size_guidance={"scalars": 0, "histograms": 0, "images": 0, "tensors": 0})
    ea.Reload()
    checked = 0
    for line in (folder / "expected.txt").read_text().splitlines():
        kind, tag, step, *rest = line.split()
        step = int(step)
        if kind == "scalar":
            got = {e.step: e.value for e in ea.Scalars(tag)}
            want = float(np.float32(float(rest[0])))
            assert step in got and abs(got[step] - want) <= 1e-6 * max(1.0, abs(want)), f"{tag}@{step}: {got.get(step)} != {want}"
        elif kind == "histogram":
            h = {e.step: e.histogram_value for e in ea.Histograms(tag)}[step]
            num, lo, hi, total = int(rest[0]), float(rest[1]), float(rest[2]), float(rest[3])
            assert h.num == num and sum(h.bucket) == num, f"{tag}: {h.num} values, buckets hold {sum(h.bucket)}"
            assert abs(h.min - lo) <= 1e-6 * max(1.0, abs(lo)) and abs(h.max - hi) <= 1e-6 * max(1.0, abs(hi)), tag
            assert abs(h.sum - total) <= 1e-5 * max(1.0, abs(total)), f"{tag}: sum {h.sum} != {total}"
            assert list(h.bucket_limit) == sorted(h.bucket_limit) and h.bucket_limit[-1] == h.max, tag
        elif kind == "image":
            e = {e.step: e for e in ea.Images(tag)}[step]
            picture = Image.open(io.BytesIO(e.encoded_image_string))
            assert (e.width, e.height) == (int(rest[0]), int(rest[1])) == picture.size, f"{tag}: {picture.size}"
        elif kind == "text":
            t = {e.step: e for e in ea.Tensors(tag)}[step]
            assert t.tensor_proto.string_val and t.tensor_proto.string_val[0], tag
        else:
            raise AssertionError(f"unknown line {line!r}")
        checked += 1
    print(f"{checked} expected values found in the run")
    return 0


if __name__ == "__main__":
    pinned_venv.run(__file__, __doc__, check)
