"""No traffic beyond the addresses the user names: a flight connects to nothing off 127.0.0.1, telemetry is off."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Loaded by every Python process of the flight (the trainer too, through PYTHONPATH): records each socket
# address that is not loopback or a Unix socket, and the telemetry switch as onnxruntime is imported.
AUDIT = textwrap.dedent(
    """
    import json, os, sys

    REPORT = os.environ["NET_AUDIT_REPORT"]

    def _loopback(address):
        if not isinstance(address, tuple):
            return True  # a Unix socket path
        host = str(address[0])
        return host in ("127.0.0.1", "::1", "localhost", "", "0.0.0.0") or host.startswith("127.")

    def _write(record):
        with open(REPORT, "a") as f:
            f.write(json.dumps(record) + "\\n")

    def _hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.bind") and not _loopback(args[1]):
            _write({"pid": os.getpid(), "event": event, "address": repr(args[1])})
        elif event == "socket.getaddrinfo" and not _loopback((args[0],)):
            _write({"pid": os.getpid(), "event": event, "address": repr(args[0])})
        elif event == "import" and args[0] == "onnxruntime":
            switch = os.environ.get("ORT_DISABLE_TELEMETRY")
            _write({"pid": os.getpid(), "event": "onnxruntime", "telemetry_off": switch})

    sys.addaudithook(_hook)
    """
)


def test_a_flight_opens_no_connection_off_loopback_and_loads_onnxruntime_without_telemetry(tmp_path: Path) -> None:
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(AUDIT)
    report = tmp_path / "network.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}  # the package must set it itself
    env.update(PYTHONPATH=os.pathsep.join([str(hook_dir), str(ROOT)]), NET_AUDIT_REPORT=str(report))
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fly.py"), "--sim", "--duration", "2", "--out", str(out),
         "--set", "sim.obstacles.count=1"],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in report.read_text().splitlines()]
    off_host = [r for r in records if r["event"] != "onnxruntime"]
    assert off_host == [], off_host
    loads = [r for r in records if r["event"] == "onnxruntime"]
    assert len({r["pid"] for r in loads}) >= 2, records  # the flight and its trainer both ran onnxruntime
    assert all(r["telemetry_off"] == "1" for r in loads), loads


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace to see the C++ side's DNS queries")
def test_onnxruntime_sends_no_dns_query_while_a_session_runs(tmp_path: Path) -> None:
    """onnxruntime's telemetry lives in C++ (audit hooks cannot see it): watch the system calls for 25 s."""
    script = textwrap.dedent(
        """
        import time, numpy as np
        from drone_ssl.config.perception import CnnConfig
        from drone_ssl.mono.cnn_model import MonoDepthNet
        from drone_ssl.mono.onnx_export import export_onnx, open_session
        session = open_session(export_onnx(MonoDepthNet.from_config(CnnConfig(channels=[8, 16, 32]), 128, 96)))
        start = time.time()
        while time.time() - start < 25:
            session.run(None, {"image": np.zeros((1, 1, 96, 128), np.float32)})
            time.sleep(0.05)
        """
    )
    trace = tmp_path / "strace.txt"
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        ["strace", "-f", "-e", "trace=connect,sendto", "-o", str(trace), sys.executable, "-c", script],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    calls = [line for line in trace.read_text().splitlines() if "AF_INET" in line]
    assert calls == [], calls[:5]
