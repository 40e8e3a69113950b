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
import zlib  # noqa: E402

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
    ihdr[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr[12:29])) & 0xFFFFFFFF)
    return bytes(ihdr) + full[33:]


def jpeg_scan_table(which, value):
    # The first scan's first component selects Huffman tables that no DHT segment defined
    # ("ac": AC table `value`), or the frame's first component a quantization table that no DQT did.
    j = bytearray(JPEG_RGB)
    if which == "ac":
        p = j.index(b"\xff\xda")
        j[p + 6] = (j[p + 6] & 0xF0) | value
    else:
        p = j.index(b"\xff\xc0")
        j[p + 12] = value
    return bytes(j)


def png_bad_crc():
    # One byte of the IDAT data flipped; its CRC no longer matches (stb ignores CRCs).
    p = bytearray(png(3, 2, 2, [bytes(9), bytes(9)]))
    p[p.index(b"IDAT") + 6] ^= 0x01
    return bytes(p)


def bmp8(width, height, palette, indices, offset_extra=0):
    # An 8-bit palette BMP (BITMAPINFOHEADER); `palette` is a list of (b, g, r).
    row_len = (width + 3) // 4 * 4
    data = b"".join(bytes(indices[y * width:(y + 1) * width]) + bytes(row_len - width) for y in range(height))
    pal = b"".join(bytes(c) + b"\x00" for c in palette)
    offset = 14 + 40 + len(pal) + offset_extra
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 0, len(data), 2835, 2835, len(palette), 0)
    return b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + pal + bytes(offset_extra) + data


def bmp_with_compression(code):
    b = bytearray(bmp24(2, 2, (1, 2, 3)))
    b[30:34] = struct.pack("<I", code)
    return bytes(b)


def tga_rgb(width, height):
    # Uncompressed true-colour TGA: there is no signature, so lamina cannot tell it from noise.
    return struct.pack("<BBBHHBHHHHBB", 0, 0, 2, 0, 0, 0, 0, 0, width, height, 24, 0) + bytes(3 * width * height)


def st_raw(header, data=b""):
    # A safetensors file from a raw header (bytes), for headers json.dumps would not write.
    return struct.pack("<Q", len(header)) + header + data


W8 = b'{"dtype":"F32","shape":[2],"data_offsets":[0,8]}'


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
        "npy/leading_zero.npy": body("{'descr': '<f4', 'fortran_order': False, 'shape': (06,), }"),
        "npy/dim_over_64_bits.npy": body("{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551616,), }"),
        "npy/cut_in_length_v2.npy": npy("<f4", (6,), F4, version=(2, 0))[:11],
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
        # Formats stb pads or accepts silently: each is refused with the format's own reason.
        "image/huge_65535.png": png_header_only(65535, 65535),
        "image/bad_crc.png": png_bad_crc(),
        "image/no_iend.png": png(3, 2, 2, [bytes(9), bytes(9)])[:-12],
        "image/ihdr_bad_depth.png": png(1, 1, 2, [bytes(3)], bit_depth=4),
        "image/truncated_scan.jpg": JPEG_RGB[:-40],
        "image/no_eoi.jpg": JPEG_RGB[:-2],
        "image/undefined_huffman_table.jpg": jpeg_scan_table("ac", 2),
        "image/undefined_quant_table.jpg": jpeg_scan_table("dqt", 2),
        "image/truncated.bmp": bmp24(4, 4, (9, 9, 9))[:-10],
        "image/bmp_palette_index.bmp": bmp8(2, 2, [(0, 0, 0), (255, 255, 255)], [0, 1, 5, 0]),
        "image/bmp_rle.bmp": bmp_with_compression(1),
        "image/sos_too_short.jpg": bytes.fromhex("FFD8" "FFC0000B08000100010101 1100".replace(" ", "") + "FFDA0002"),
        "image/bmp_bad_offset.bmp": bmp24(2, 2, (1, 2, 3))[:10] + struct.pack("<I", 60) + bmp24(2, 2, (1, 2, 3))[14:],
        "image/pgm_maxval_0.pgm": b"P5\n2 2\n0\n" + bytes(4),
        "image/truncated.pgm": b"P5\n3 2\n255\n" + bytes(4),
        "image/truncated16.ppm": b"P6\n2 1\n65535\n" + bytes(10),
        "image/pgm_sample_over_maxval.pgm": b"P5\n2 1\n15\n" + bytes([3, 200]),
        "image/pgm_header_cut.pgm": b"P5\n3 ",
        "image/pgm_trailing.pgm": b"P5\n2 1\n255\n" + bytes(2) + b"P5\n2 1\n255\n" + bytes(2),
        "image/ascii.pgm": b"P2\n2 1\n255\n0 255\n",
        "image/psd.psd": b"8BPS\x00\x01" + bytes(20),
        "image/radiance.hdr": b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 1\n" + bytes(4),
        "image/softimage.pic": b"\x53\x80\xf6\x34" + bytes(100),
        "image/uncompressed.tga": tga_rgb(2, 2),
        # --- safetensors ---------------------------------------------------------------------
        "safetensors/short.safetensors": b"\x08\x00\x00\x00",
        "safetensors/header_too_long.safetensors": struct.pack("<Q", 1 << 40) + b"{}",
        "safetensors/bad_json.safetensors": struct.pack("<Q", 8) + b'{"w": [1',
        "safetensors/unknown_dtype.safetensors": safetensors({"w": ("Q8", [6], F4[:6])}),
        "safetensors/offsets_outside.safetensors": safetensors({"w": ("F32", [6], F4)})[:-8],
        "safetensors/size_mismatch.safetensors": safetensors({"w": ("F32", [2, 2], F4)}),
        # Strings that are not UTF-8: overlong, surrogate, above U+10FFFF, truncated, stray byte.
        "safetensors/name_overlong.safetensors": st_raw(b'{"\xc0\xaf":' + W8 + b"}", bytes(8)),
        "safetensors/name_surrogate.safetensors": st_raw(b'{"\xed\xa0\x80":' + W8 + b"}", bytes(8)),
        "safetensors/name_above_max.safetensors": st_raw(b'{"\xf4\x90\x80\x80":' + W8 + b"}", bytes(8)),
        "safetensors/metadata_key.safetensors": st_raw(b'{"__metadata__":{"\xff":"x"},"w":' + W8 + b"}", bytes(8)),
        "safetensors/metadata_value.safetensors": st_raw(b'{"__metadata__":{"k":"a\xe2\x82"},"w":' + W8 + b"}", bytes(8)),
        "safetensors/lone_surrogate_escape.safetensors": st_raw(b'{"\\ud800":' + W8 + b"}", bytes(8)),
        # The rest of the header: JSON, keys, offsets, shapes.
        "safetensors/duplicate_key.safetensors": st_raw(b'{"w":' + W8 + b',"w":' + W8 + b"}", bytes(8)),
        "safetensors/trailing_json.safetensors": st_raw(b'{"w":' + W8 + b"}x", bytes(8)),
        "safetensors/not_object.safetensors": st_raw(b"[1, 2]   "),
        "safetensors/leading_zero.safetensors": st_raw(b'{"w":{"dtype":"F32","shape":[02],"data_offsets":[0,8]}}', bytes(8)),
        "safetensors/float_shape.safetensors": st_raw(b'{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', bytes(8)),
        "safetensors/unknown_field.safetensors": st_raw(b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}', bytes(8)),
        "safetensors/reversed_offsets.safetensors": st_raw(b'{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}', bytes(8)),
        "safetensors/overlap.safetensors": st_raw(
            b'{"a":' + W8 + b',"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', bytes(8)),
        "safetensors/gap.safetensors": st_raw(
            b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}',
            bytes(12)),
        "safetensors/trailing_data.safetensors": st_raw(b'{"w":' + W8 + b"}", bytes(16)),
        "safetensors/shape_overflow.safetensors": st_raw(
            b'{"w":{"dtype":"F64","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}', bytes(8)),
        "safetensors/deep.safetensors": st_raw(b'{"w":' + b"[" * 100 + b"]" * 100 + b"}"),
        # --- idx -----------------------------------------------------------------------------
        "idx/bad_magic.idx": b"\x01\x02\x08\x01" + struct.pack(">I", 1) + b"\x00",
        "idx/unknown_type.idx": idx(0x0A, [2], b"\x00\x00"),
        "idx/zero_dim.idx": idx(0x08, [2, 0], b""),
        "idx/truncated.idx": idx(0x08, [2, 3], bytes(5)),
        "idx/trailing.idx": idx(0x08, [2], bytes(3)),
        "idx/huge_dims.idx": idx(0x0D, [65536, 65536, 65536], b""),
        "idx/corrupt_gzip.idx.gz": gzip.compress(idx(0x08, [4], bytes(4)), mtime=0)[:10] + b"\xff" * 16,
        "idx/truncated_gzip.idx.gz": gzip.compress(idx(0x08, [64], bytes(range(64))), mtime=0)[:-12],
        "idx/gzip_trailing_garbage.idx.gz": gzip.compress(idx(0x08, [4], bytes(4)), mtime=0) + b"junk",
        "idx/rank_0.idx": bytes([0, 0, 0x08, 0]),
        "idx/rank_9.idx": bytes([0, 0, 0x08, 9]) + bytes(36),
        "idx/cut_in_dims.idx": idx(0x08, [2, 3], b"")[:9],
    }


# --- checkpoints (tests/runtime/train/hardening_test.cpp loads them into its Dropout network,
#     Linear<6, 16>, ReLU, Dropout, Linear<16, 3> with Adam): valid safetensors whose counters,
#     lr, history or generator state are wrong, or whose optimizer state is missing.
def checkpoint(changes=None, drop=()):
    import json
    params = {"0.weight": [16, 6], "0.bias": [16], "3.weight": [3, 16], "3.bias": [3],
              "optimizer.exp_avg": [163], "optimizer.exp_avg_sq": [163]}
    meta = {"epoch": "2", "optimizer.steps": "12", "optimizer.lr": "0.01",
            "generator": "0123456789abcdef 0123456789abcdef 0123456789abcdef 0123456789abcdef 00000000 0",
            "history": "1 0.5 100 loss=1.1 lr=0.01\n2 0.5 100 loss=1 lr=0.01\n"}
    for k, v in (changes or {}).items():
        if v is None:
            meta.pop(k)
        else:
            meta[k] = v
    header, data = {"__metadata__": meta}, b""
    for name, shape in params.items():
        if name in drop:
            continue
        n = 1
        for d in shape:
            n *= d
        payload = struct.pack("<%df" % n, *[0.01 * (i % 7) for i in range(n)])
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


def checkpoint_files():
    return {
        "checkpoint/epoch_huge.safetensors": checkpoint({"epoch": "18446744073709551615"}),
        "checkpoint/epoch_negative.safetensors": checkpoint({"epoch": "-5"}),
        "checkpoint/epoch_nan.safetensors": checkpoint({"epoch": "nan"}),
        "checkpoint/epoch_1e300.safetensors": checkpoint({"epoch": "1e300"}),
        "checkpoint/epoch_missing.safetensors": checkpoint({"epoch": None}),
        "checkpoint/epoch_after_history.safetensors": checkpoint({"epoch": "3"}),
        "checkpoint/steps_negative.safetensors": checkpoint({"optimizer.steps": "-5"}),
        "checkpoint/steps_1e300.safetensors": checkpoint({"optimizer.steps": "1e300"}),
        "checkpoint/steps_max.safetensors": checkpoint({"optimizer.steps": "18446744073709551615"}),
        "checkpoint/lr_nan.safetensors": checkpoint({"optimizer.lr": "nan"}),
        "checkpoint/lr_inf.safetensors": checkpoint({"optimizer.lr": "inf"}),
        "checkpoint/lr_1e300.safetensors": checkpoint({"optimizer.lr": "1e300"}),
        "checkpoint/lr_trailing.safetensors": checkpoint({"optimizer.lr": "0.1abc"}),
        "checkpoint/history_gap.safetensors": checkpoint({"history": "1 0.5 100 loss=1\n3 0.5 100 loss=1\n"}),
        "checkpoint/history_short.safetensors": checkpoint({"history": "1 0.5 100 loss=1\n"}),
        "checkpoint/history_value.safetensors": checkpoint({"history": "1 0.5 100 loss=oops\n2 1 1 loss=1\n"}),
        "checkpoint/generator_zero.safetensors": checkpoint(
            {"generator": "0000000000000000 0000000000000000 0000000000000000 0000000000000000 00000000 0"}),
        "checkpoint/generator_text.safetensors": checkpoint({"generator": "zz"}),
        "checkpoint/no_optimizer_state.safetensors": checkpoint(drop=("optimizer.exp_avg_sq",)),
        "checkpoint/missing_weight.safetensors": checkpoint(drop=("3.weight",)),
    }


def main():
    every = {**files(), **checkpoint_files()}
    for rel, data in every.items():
        path = os.path.join(HERE, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print("wrote", len(every), "broken files under", os.path.relpath(HERE))


if __name__ == "__main__":
    main()
