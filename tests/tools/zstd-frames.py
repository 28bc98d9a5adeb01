#!/usr/bin/env python3
"""zstd-frames.py - list the frames of a zstd file, for tests.

    zstd-frames.py list FILE        one line per frame: "<kind> <compressed
                                    bytes> <content size or -> <sha256 of
                                    the compressed bytes>"
    zstd-frames.py split FILE DIR   each frame into DIR/NNNNN.zst
    zstd-frames.py join DIR OUT     the frames of DIR, in name order, into OUT

Walks the frame and block headers of RFC 8878 only (no decompression), so
that a test can compare compressed frames byte for byte.  Exit 2 with a
message on anything it does not understand.
"""
import hashlib
import os
import struct
import sys


def frames(data):
    pos = 0
    while pos < len(data):
        start = pos
        if len(data) - pos < 8:
            raise ValueError(f"offset {pos}: truncated frame")
        magic = struct.unpack_from("<I", data, pos)[0]
        pos += 4
        if magic & 0xFFFFFFF0 == 0x184D2A50:
            size = struct.unpack_from("<I", data, pos)[0]
            pos += 4 + size
            yield "skippable", data[start:pos], None
            continue
        if magic != 0xFD2FB528:
            raise ValueError(f"offset {start}: not a zstd frame")
        fhd = data[pos]
        pos += 1
        fcs_flag, single, checksum, did = fhd >> 6, (fhd >> 5) & 1, (fhd >> 2) & 1, fhd & 3
        if not single:
            pos += 1
        pos += (0, 1, 2, 4)[did]
        fcs_len = (1 if single else 0, 2, 4, 8)[fcs_flag]
        fcs = None
        if fcs_len:
            fcs = int.from_bytes(data[pos:pos + fcs_len], "little")
            if fcs_len == 2:
                fcs += 256
        pos += fcs_len
        while True:
            if pos + 3 > len(data):
                raise ValueError(f"offset {start}: truncated block")
            bh = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
            pos += 3
            last, btype, bsize = bh & 1, (bh >> 1) & 3, bh >> 3
            pos += 1 if btype == 1 else bsize
            if last:
                break
        pos += 4 if checksum else 0
        if pos > len(data):
            raise ValueError(f"offset {start}: truncated frame")
        yield "frame", data[start:pos], fcs


def main(argv):
    if len(argv) < 3 or argv[1] not in ("list", "split", "join"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        if argv[1] == "join":
            with open(argv[3], "wb") as out:
                for name in sorted(os.listdir(argv[2])):
                    with open(os.path.join(argv[2], name), "rb") as f:
                        out.write(f.read())
            return 0
        with open(argv[2], "rb") as f:
            data = f.read()
        for i, (kind, raw, fcs) in enumerate(frames(data)):
            if argv[1] == "list":
                print(kind, len(raw), "-" if fcs is None else fcs,
                      hashlib.sha256(raw).hexdigest())
            else:
                with open(os.path.join(argv[3], "%05d.zst" % i), "wb") as f:
                    f.write(raw)
    except (OSError, ValueError, IndexError) as e:
        print(f"zstd-frames.py: {argv[2]}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
