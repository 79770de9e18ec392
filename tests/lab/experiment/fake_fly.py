"""Stands in for scripts/fly.py in the runner tests: takes its arguments, writes a run folder in no time.

Environment: FAKE_FLY_LOG (append one JSON line per call), FAKE_FLY_FAIL (a run folder name that exits 1
without a summary), FAKE_FLY_SWITCH (switch_time_s, or "none"), FAKE_FLY_RUNNING (a folder where each flight
marks itself while it runs, to count how many run at once), FAKE_FLY_HANG (fly until interrupted).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sim", action="store_true")
    for name in ("--seed", "--duration", "--strategy", "--estimator", "--out", "--model", "--cut-stereo-at",
                 "--config"):  # fmt: skip
        parser.add_argument(name)
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()
    out = Path(args.out)
    running = os.environ.get("FAKE_FLY_RUNNING")
    at_once = 1
    if running:
        marker = Path(running) / out.name
        marker.touch()
        time.sleep(0.3)
        at_once = len(list(Path(running).iterdir()))
        marker.unlink()
    with open(os.environ["FAKE_FLY_LOG"], "a") as log:
        log.write(json.dumps({"run": out.name, "argv": sys.argv[1:], "at_once": at_once,
                              "stale": sorted(p.name for p in out.iterdir())}) + "\n")  # fmt: skip
    if os.environ.get("FAKE_FLY_HANG"):  # until interrupted: then it leaves a note, as fly.py lands and closes
        try:
            time.sleep(60)
        except KeyboardInterrupt:
            (out / "interrupted").touch()
            return 130
    if os.environ.get("FAKE_FLY_FAIL") == out.name:
        print("error: the simulated drone caught fire", file=sys.stderr)
        return 1
    switch = os.environ.get("FAKE_FLY_SWITCH", "5.0")
    (out / "mono_model.bin").write_bytes(b"weights")
    summary = {"sim_time_s": float(args.duration), "switch_time_s": None if switch == "none" else float(switch),
               "model": "mono_model.bin", "cut_stereo_at_s": args.cut_stereo_at}  # fmt: skip
    (out / "summary.json").write_text(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
