#!/usr/bin/env python3
"""Seeds for tests/fuzz/fuzz_capture.c from the capture fixtures.

For each tests/fixtures/capture file: b'F' + the file (read as a capture),
and, for plain pcaps, its packets re-framed as a packet sequence
([link selector][len hi][len lo][bytes]...).  Run from the source root:
    python3 tests/fuzz/capture_corpus.py
The fz-* files beside them are inputs libFuzzer found (make fuzz), kept
after `-merge=1` when they were at most 3000 bytes.
"""
import glob
import os
import struct

SELECTOR = {1: 0, 101: 1, 12: 1, 113: 2, 276: 3, 0: 4, 108: 5, 228: 6, 229: 7}
out_dir = "tests/fuzz/corpus/capture"
os.makedirs(out_dir, exist_ok=True)


def packets(raw):
    magic = struct.unpack("<I", raw[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        return None, []
    link = struct.unpack("<I", raw[20:24])[0]
    off, pkts = 24, []
    while off + 16 <= len(raw):
        incl = struct.unpack("<I", raw[off + 8:off + 12])[0]
        pkts.append(raw[off + 16:off + 16 + incl])
        off += 16 + incl
    return link, pkts


for path in sorted(glob.glob("tests/fixtures/capture/*")):
    name = os.path.basename(path)
    raw = open(path, "rb").read()
    if len(raw) < 65000:
        open(os.path.join(out_dir, "file-" + name), "wb").write(b"F" + raw)
    link, pkts = packets(raw)
    if link is None or link not in SELECTOR:
        continue
    seq = bytearray(b"S")
    for i, p in enumerate(pkts):
        p = p[:65535]
        # every 8th packet a few seconds later: windows move
        sel = SELECTOR[link] | ((1 if i % 8 == 7 else 0) << 3)
        seq += bytes([sel]) + struct.pack(">H", len(p)) + p
    open(os.path.join(out_dir, "seq-" + name), "wb").write(bytes(seq[:65536]))
