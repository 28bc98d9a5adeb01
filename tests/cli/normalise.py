#!/usr/bin/env python3
"""The one normaliser of the CLI tests (tests/run-cli.sh): what a golden
file may not pin because it changes from run to run or machine to machine
is replaced by a placeholder, the same way in the expected and the actual
output.  Everything else is compared byte for byte.

  1. Literal values, longest first (from the file $CAIRN_AUX/masks,
     one "NAME<TAB>VALUE" per line): the runner registers the case's
     scratch directory as <SCRATCH> (as given and resolved), CAIRN_BIN as
     <BIN>, CAIRN_TOOLS as <TOOLS>, CAIRN_SRC as <SRC>; a case adds its
     own with `mask VALUE NAME` (tests/cli/lib.sh), for hashes that
     depend on the time a file was made (a snapshot's SHA-256, a store
     commit): they become <NAME>.
  2. This machine's host name, as a whole word: <HOST>.
  3. The tools' version (CAIRN_VERSION) after "cairn", "cairn-snap",
     "cairn-diff", "cairn-capture" or "cairn-report" and a space:
     <VERSION>.
  4. Times of the run: an RFC 3339 time, or "YYYY-MM-DD HH:MM[:SS[.f]]",
     that falls between CAIRN_RUN_START minus 5 minutes and now plus 5
     minutes: <NOW>.  Times from fixtures (captures, caches, file times
     set by the case) lie outside that window and stay pinned.

Bytes are kept as they are (latin-1 round trip): output that holds
control bytes or invalid UTF-8 is compared exactly.

usage: normalise.py FILE  (writes the result on stdout)
"""
import os
import re
import socket
import sys
import time
from datetime import datetime, timezone, timedelta

SLACK = 300

TIME_RE = re.compile(
    r"(?<![0-9])(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})"
    r"(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?(?![0-9])")


def masks():
    out = []
    path = os.path.join(os.environ.get("CAIRN_AUX", "/nonexistent"), "masks")
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            for line in f.read().decode("latin-1").split("\n"):
                name, sep, value = line.partition("\t")
                if sep and value:
                    out.append((value, "<" + name + ">"))
    # longest first: the scratch directory before the source tree it may
    # sit in, a full hash before a prefix of it
    out.sort(key=lambda m: -len(m[0]))
    return out


def time_of(m):
    y, mo, d, h, mi, s, frac, zone = m.groups()
    try:
        t = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0),
                     tzinfo=timezone.utc)
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        z = zone[1:].replace(":", "")
        t -= sign * timedelta(hours=int(z[:2]), minutes=int(z[2:]))
    return t.timestamp()


def main():
    with open(sys.argv[1], "rb") as f:
        text = f.read().decode("latin-1")

    for value, name in masks():
        text = text.replace(value, name)

    host = socket.gethostname()
    if host:
        text = re.sub(r"(?<![A-Za-z0-9.-])" + re.escape(host) +
                      r"(?![A-Za-z0-9-]|\.[A-Za-z0-9])", "<HOST>", text)

    version = os.environ.get("CAIRN_VERSION")
    if version:
        text = re.sub(r"\b(cairn(?:-snap|-diff|-capture|-report)?) " +
                      re.escape(version) + r"(?![0-9A-Za-z.])",
                      r"\1 <VERSION>", text)

    start = float(os.environ.get("CAIRN_RUN_START", time.time())) - SLACK
    end = time.time() + SLACK

    def now(m):
        t = time_of(m)
        return "<NOW>" if t is not None and start <= t <= end else m.group(0)
    text = TIME_RE.sub(now, text)

    sys.stdout.buffer.write(text.encode("latin-1"))


if __name__ == "__main__":
    main()
