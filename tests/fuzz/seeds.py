#!/usr/bin/env python3
# Tiny valid files of every format lamina reads, built with the standard library only (struct,
# zlib): the seed corpora of the fuzzers (tests/fuzz/corpus/<reader>/) and the base that
# tests/data/broken/generate.py corrupts. Run from anywhere; it rewrites tests/fuzz/corpus/.
#     python3 tests/fuzz/seeds.py
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# 8x6 RGB and 4x4 gray baseline JPEGs written by stb_image_write (stbi_write_jpg, quality 90).
JPEG_RGB = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0084000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f1718161418121415140103040405040509050509140d0b0d1414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414ffc00011080006000803012200021101031101ffc401a20000010501010101010100000000000000000102030405060708090a0b100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa0100030101010101010101010000000000000102030405060708090a0b1100020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c03010002110311003f00adad5941a4689a7e9569a7dbdb0962492e23c87493f736bb94e15415d97d0c61768508ce9b7624a97b83ff0008969fff0042be83ff0080b69ffc875d4f8bff00e3f74fff00af61ff00a27c3f51d7bd9651f6b85a4f99abc232767bb95db6fb9cb1cc3ead87fac4a842a4a739a7cf1e6b28a8592d745ef33fffd9")
JPEG_GRAY = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0084000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f1718161418121415140103040405040509050509140d0b0d1414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414ffc00011080004000403012200021101031101ffc401a20000010501010101010100000000000000000102030405060708090a0b100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa0100030101010101010101010000000000000102030405060708090a0b1100020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c03010002110311003f00fa2fc0bfb0afc20ff846edff00e29dff00c797d07fb35d07fc30afc20ffa177ff1e5ff00e26bd83c0bff0022ddbff9ec2ba0a00fffd9")

# Made with libjpeg-turbo (quality 90, a gradient): progressive RGB 16x8 and gray 8x8
# (jpeg_simple_progression), and baseline RGB 16x16 with a restart marker every MCU row.
JPEG_PROGRESSIVE_RGB = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffdb00430103040405040509050509140d0b0d1414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414ffc20011080008001003012200021101031101ffc400160001010100000000000000000000000000000405ffc40014010100000000000000000000000000000001ffda000c03010002100310000001875c1fffc40017100101010100000000000000000000000002030411ffda000801010001050200c3348f767fffc4001e110001010900000000000000000000000001020003111223417192d1ffda0008010301013f014d47299ae08d444730dfffc4001d1100010207000000000000000000000000010211000312213181b1ffda0008010201013f019e4a495a72d56c375ef1ffc40020100002010304030000000000000000000001020300111321224163a1b3d1ffda0008010100063f0268182aa98ad7e49c200f653c2e74cbb142f7fc8fc57fffc4001d1001000104030100000000000000000000011100214151316181a1ffda0008010100013f21b840e4b63d18983e71400a2dd177ef2bf55fffda000c0301000200030000001083ffc4001b11000201050000000000000000000000000111410021315171ffda0008010301013f10090758dcf40b8cb4975fffc400191101010100030000000000000000000000011121416191ffda0008010201013f10cd2f1cb9d081c80616ff00ffc4001810010101010100000000000000000000000111213100ffda0008010100013f1024569233870b78636a2f8b3995772b8ed580398c3fffd9")
JPEG_PROGRESSIVE_GRAY = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffc2000b080008000801011100ffc40014000100000000000000000000000000000005ffda00080101000000013fffc40017100003010000000000000000000000000002030506ffda00080101000105029aa0958fffc4001e10000201030500000000000000000000000102030004111421227181ffda0008010100063f02bc76552d2c7a7452d8c97e3b74093e57ffc400191000030003000000000000000000000000011131005191ffda0008010100013f2146a598fb0283a3973fffda00080101000000107fffc400161001010100000000000000000000000000011121ffda0008010100013f1042c30ab56859025748a3ffd9")
JPEG_RESTART_RGB = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0043000302020302020303030304030304050805050404050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f171816141812141514ffdb00430103040405040509050509140d0b0d1414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414ffc00011080010001003012200021101031101ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc4001f0100030101010101010101010000000000000102030405060708090a0bffc400b51100020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffdd00040001ffda000c03010002110311003f00c4b2b3b7d0bc3371a1dcc76d6f693e9222f31833cb24dfd890411850bd14bea3b1b20e0ec24a8cd75ba55ba4be30bcd12f675589f5606ced23b63f3bb6bc727763ab45a6e7e660018b8c16c1823b693c43a84da7869a7bfb2bf36ed39b7458fc93aae9d64b18e012552c5d09c7f7482492466adcdc5ff816d3c416726a6ba869d631dccd753dc18e6966fb06ad7aa448189c937119dc790ea4f3804988949db1117c9272b3fee5556b3ff0cd5a2efbc5c6fcab987251f673c3621abc546326b54e1ff2eea46cbecdd45e977092b6adb3ffd9")

def npy(descr, shape, payload, fortran=False, version=(1, 0), header=None):
    if header is None:
        shape_s = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
        header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_s)
    pre = 10 if version[0] == 1 else 12
    h = header.encode("utf8" if version[0] == 3 else "latin1")
    h += b" " * ((63 - (pre + len(h)) % 64) % 64) + b"\n"
    lenfield = struct.pack("<H", len(h)) if version[0] == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes(version) + lenfield + h + payload


def idx(type_code, dims, payload):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def png(width, height, color_type, rows, bit_depth=8):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def bmp24(width, height, pixel):
    row = bytes(pixel) * width
    row += b"\x00" * ((4 - len(row) % 4) % 4)
    data = row * height
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(data), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(data), 0, 0, 54) + info + data


def bmp_indexed(width, height, bpp, palette, rows):
    # A palette BMP (1, 4 or 8 bits); `rows` are the stored rows, each padded to 4 bytes.
    pal = b"".join(bytes(c) + b"\x00" for c in palette)
    data = b"".join(rows)
    offset = 14 + 40 + len(pal)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bpp, 0, len(data), 2835, 2835, len(palette), 0)
    return b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + pal + data


def bmp32(width, height, pixel, top_down=False):
    data = bytes(pixel) * width * height
    info = struct.pack("<IiiHHIIiiII", 40, width, -height if top_down else height, 1, 32, 0, len(data), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(data), 0, 0, 54) + info + data


def safetensors(tensors):
    import json
    header, data = {}, b""
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


def valid_files():
    f4 = struct.pack("<6f", 0.0, 1.0, -2.5, 3.25, 1e-3, 7.0)
    out = {
        "idx/u8_2x3.idx": idx(0x08, [2, 3], bytes(range(6))),
        "idx/f32_3.idx": idx(0x0D, [3], struct.pack(">3f", 1.0, -2.0, 0.5)),
        "idx/i16_2x2.idx": idx(0x0B, [2, 2], struct.pack(">4h", 1, -2, 300, -400)),
        "idx/u8_4.idx.gz": zlib.compress(idx(0x08, [4], b"\x01\x02\x03\x04"), wbits=31),
        "npy/f4_2x3_v1.npy": npy("<f4", (2, 3), f4),
        "npy/f4_2x3_fortran.npy": npy("<f4", (2, 3), f4, fortran=True),
        "npy/f8_be_3_v2.npy": npy(">f8", (3,), struct.pack(">3d", 1.0, 2.0, 3.0), version=(2, 0)),
        "npy/u1_0d_v3.npy": npy("|u1", (), b"\x07", version=(3, 0)),
        "npy/i4_2x2.npy": npy("<i4", (2, 2), struct.pack("<4i", 1, -2, 3, -4)),
        "npy/i8_be_2.npy": npy(">i8", (2,), struct.pack(">2q", 5, -6)),
        "npy/u1_empty.npy": npy("|u1", (0, 3), b""),
        "image/rgb_3x2.png": png(3, 2, 2, [bytes([255, 0, 0, 0, 255, 0, 0, 0, 255]), bytes([9, 9, 9, 200, 200, 200, 0, 0, 0])]),
        "image/gray_2x2.png": png(2, 2, 0, [b"\x00\xff", b"\x80\x40"]),
        "image/gray16_2x1.png": png(2, 1, 0, [b"\x00\x00\xff\xff"], bit_depth=16),
        "image/rgba_1x1.png": png(1, 1, 6, [b"\x10\x20\x30\x40"]),
        "image/rgb_8x6.jpg": JPEG_RGB,
        "image/gray_4x4.jpg": JPEG_GRAY,
        "image/rgb_16x8_progressive.jpg": JPEG_PROGRESSIVE_RGB,
        "image/gray_8x8_progressive.jpg": JPEG_PROGRESSIVE_GRAY,
        "image/rgb_16x16_restart.jpg": JPEG_RESTART_RGB,
        "image/rgb_2x2.bmp": bmp24(2, 2, (10, 20, 30)),
        "image/gray_3x2.pgm": b"P5\n3 2\n255\n" + bytes([0, 50, 100, 150, 200, 250]),
        "image/rgb_2x1.ppm": b"P6\n2 1\n255\n" + bytes([255, 0, 0, 0, 0, 255]),
        "image/rgb16_1x2.ppm": b"P6 1 2 65535\n" + struct.pack(">6H", 65535, 0, 1, 2, 3, 40000),
        "image/gray15_comment.pgm": b"P5\n# maxval 15\n3 1\n15\n" + bytes([0, 7, 15]),
        "image/pal8_2x2.bmp": bmp_indexed(2, 2, 8, [(0, 0, 0), (255, 255, 255)], [b"\x01\x00\x00\x00", b"\x00\x01\x00\x00"]),
        "image/pal1_3x1.bmp": bmp_indexed(3, 1, 1, [(0, 0, 0), (9, 99, 199)], [b"\xa0\x00\x00\x00"]),
        "image/pal4_3x1.bmp": bmp_indexed(3, 1, 4, [(0, 0, 0), (1, 2, 3), (4, 5, 6)], [b"\x12\x00\x00\x00"]),
        "image/bgra_2x1_topdown.bmp": bmp32(2, 1, (10, 20, 30, 40), top_down=True),
        "image/gray_alpha_1x1.png": png(1, 1, 4, [b"\x80\x40"]),
        "image/pal_2x1.png": b"",
        "safetensors/two.safetensors": safetensors({"w": ("F32", [2, 3], f4), "b": ("I64", [1], struct.pack("<q", 3))}),
        "safetensors/meta.safetensors": b"",
    }
    meta = b'{"__metadata__":{"format":"pt"},"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}'
    out["safetensors/meta.safetensors"] = struct.pack("<Q", len(meta)) + meta + b"\x01\x02"
    uni = ('{"__metadata__":{"caf\\u00e9":"\u20ac \\ud83d\\ude00"},"\u00e9t\u00e9":{"dtype":"F32","shape":[1],'
           '"data_offsets":[0,4]},"z":{"dtype":"I64","shape":[0,2],"data_offsets":[4,4]}}').encode()
    out["safetensors/unicode.safetensors"] = struct.pack("<Q", len(uni)) + uni + struct.pack("<f", 1.5)
    # A palette PNG (colour type 3) with PLTE and tRNS.
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 2, 1, 8, 3, 0, 0, 0)
    out["image/pal_2x1.png"] = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"PLTE", bytes([255, 0, 0, 0, 0, 255])) +
                                chunk(b"tRNS", b"\x80") + chunk(b"IDAT", zlib.compress(b"\x00\x00\x01")) + chunk(b"IEND", b""))
    return out


def main():
    for rel, data in valid_files().items():
        path = os.path.join(HERE, "corpus", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print("wrote", len(valid_files()), "seed files under", os.path.relpath(os.path.join(HERE, "corpus")))


if __name__ == "__main__":
    main()
