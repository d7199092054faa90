#!/usr/bin/env python3
"""Runs a command and writes its wall time and peak resident memory as JSON (no /usr/bin/time needed).

Usage: bench/measure.py OUT.json -- COMMAND [ARGS...]
Peak RSS is ru_maxrss of the children: the largest resident set of any process the command ran
(bin/sweep execs its JVM, so that is the JVM). The command's exit status is passed through.
"""
import json
import os
import resource
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    out, cmd = sys.argv[1], sys.argv[3:]
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    rc = subprocess.call(cmd)
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as f:
        json.dump({"command": cmd, "exit": rc, "wall_s": wall, "peak_rss_mib": ru.ru_maxrss / 1024.0,
                   "user_s": ru.ru_utime, "sys_s": ru.ru_stime, "load_avg_1min_start": load0,
                   "load_avg_1min_end": os.getloadavg()[0]}, f, indent=2)
    sys.exit(rc)


if __name__ == "__main__":
    main()
