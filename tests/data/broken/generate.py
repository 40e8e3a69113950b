#!/usr/bin/env python3
# Deliberately broken input files, one per failure a reader must report (the expected messages
# are in tests/runtime/data/broken_files_test.cpp). Small and committed; this script documents
# how each was made and rewrites them all (standard library only):
#     python3 tests/data/broken/generate.py
# The fuzzers (scripts/fuzz.sh) also use these files as seeds.
import gzip
import os
import struct
import sys

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "fuzz"))
from seeds import JPEG_RGB, bmp24, idx, npy, png, safetensors  # noqa: E402

F4 = struct.pack("<6f", *range(6))


def npy_raw(version, header_len_field, header):
    return b"\x93NUMPY" + bytes(version) + header_len_field + header


def jpeg_with_bad_dht():
    # The first DHT segment keeps its length but its 16 counts now sum to 16 * 200 = 3200.
    j = bytearray(JPEG_RGB)
    p = j.index(b"\xff\xc4")
    j[p + 5:p + 21] = bytes([200] * 16)
    return bytes(j)


def png_header_only(width, height):
    full = png(1, 1, 0, [b"\x00"])
    ihdr = bytearray(full[:33])
    ihdr[16:24] = struct.pack(">II", width, height)
    import zlib
    ihdr[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr[12:29])) & 0xFFFFFFFF)
    return bytes(ihdr) + full[33:]


def files():
    good = npy("<f4", (2, 3), F4)
    body = lambda h: npy("<f4", None, F4, header=h)  # noqa: E731
    return {
        # --- npy -----------------------------------------------------------------------------
        "npy/empty.npy": b"",
        "npy/bad_magic.npy": b"\x93NUMPX" + good[6:],
        "npy/version_4.npy": good[:6] + b"\x04\x00" + good[8:],
        "npy/cut_in_length.npy": good[:9],
        "npy/header_too_long.npy": npy_raw((2, 0), struct.pack("<I", 0xFFFFFFF0), b"{}"),
        "npy/missing_shape.npy": body("{'descr': '<f4', 'fortran_order': False, }"),
        "npy/extra_key.npy": body("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}"),
        "npy/duplicate_key.npy": body("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,)}"),
        "npy/complex_dtype.npy": body("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }"),
        "npy/structured_dtype.npy": body("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (6,), }"),
        "npy/shape_not_tuple.npy": body("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }"),
        "npy/negative_dim.npy": body("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }"),
        "npy/fortran_order_string.npy": body("{'descr': '<f4', 'fortran_order': 'no', 'shape': (6,), }"),
        "npy/unterminated_string.npy": body("{'descr': '<f4"),
        "npy/unclosed_dict.npy": body("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)"),
        "npy/truncated_data.npy": good[:-4],
        "npy/trailing_data.npy": good + b"\x00\x00\x00\x00",
        "npy/huge_shape.npy": npy("<f4", (4294967296, 4294967296), F4),
        # --- image ---------------------------------------------------------------------------
        "image/empty.png": b"",
        "image/text.png": b"this is not an image\n",
        "image/gif.gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        "image/truncated.png": png(3, 2, 2, [bytes(9), bytes(9)])[:45],
        "image/huge_dimensions.png": png_header_only(20000, 20000),
        "image/bad_dht.jpg": jpeg_with_bad_dht(),
        "image/truncated_header.jpg": JPEG_RGB[:30],
        "image/pgm_bad_maxval.pgm": b"P5\n2 2\n70000\n" + bytes(8),
        "image/bmp_bad_bits.bmp": bmp24(2, 2, (1, 2, 3))[:28] + struct.pack("<H", 7) + bmp24(2, 2, (1, 2, 3))[30:],
        # --- safetensors ---------------------------------------------------------------------
        "safetensors/short.safetensors": b"\x08\x00\x00\x00",
        "safetensors/header_too_long.safetensors": struct.pack("<Q", 1 << 40) + b"{}",
        "safetensors/bad_json.safetensors": struct.pack("<Q", 8) + b'{"w": [1',
        "safetensors/unknown_dtype.safetensors": safetensors({"w": ("Q8", [6], F4[:6])}),
        "safetensors/offsets_outside.safetensors": safetensors({"w": ("F32", [6], F4)})[:-8],
        "safetensors/size_mismatch.safetensors": safetensors({"w": ("F32", [2, 2], F4)}),
        # --- idx -----------------------------------------------------------------------------
        "idx/bad_magic.idx": b"\x01\x02\x08\x01" + struct.pack(">I", 1) + b"\x00",
        "idx/unknown_type.idx": idx(0x0A, [2], b"\x00\x00"),
        "idx/zero_dim.idx": idx(0x08, [2, 0], b""),
        "idx/truncated.idx": idx(0x08, [2, 3], bytes(5)),
        "idx/trailing.idx": idx(0x08, [2], bytes(3)),
        "idx/huge_dims.idx": idx(0x0D, [65536, 65536, 65536], b""),
        "idx/corrupt_gzip.idx.gz": gzip.compress(idx(0x08, [4], bytes(4)), mtime=0)[:10] + b"\xff" * 16,
    }


def main():
    for rel, data in files().items():
        path = os.path.join(HERE, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print("wrote", len(files()), "broken files under", os.path.relpath(HERE))


if __name__ == "__main__":
    main()
