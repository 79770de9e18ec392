"""scripts/replay.py: retrain, evaluate, report and export from the command line; bad input fails with one line
and exit code 2, leaving what was already written alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drone_ssl" / "replay"))
from replay_logs import write_log  # noqa: E402

from drone_ssl.arbiter import Phase  # noqa: E402
from drone_ssl.mono import CnnTrainer  # noqa: E402
from drone_ssl.mono.checkpoint import load_checkpoint  # noqa: E402
from drone_ssl.mono.onnx_export import export_checkpoint  # noqa: E402
from drone_ssl_app.config import load_config  # noqa: E402
from drone_ssl_app.replay import main as replay_main  # noqa: E402

REPLAY = Path(__file__).resolve().parents[2] / "scripts" / "replay.py"


def replay(*args: object) -> subprocess.CompletedProcess:
    """The real command line, in a fresh process."""
    command = [sys.executable, str(REPLAY), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def replay_here(monkeypatch: pytest.MonkeyPatch, *args: object) -> int:
    """The command's main(argv) in this process (the same exit path, without a fresh interpreter's start-up)."""
    return replay_main([str(a) for a in args])


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("logs")
    paths = [folder / f"{name}.mcap" for name in ("a", "b", "c")]
    for seed, path in enumerate(paths):
        write_log(path, frames=30, seed=seed, phase=Phase.MONO if seed == 2 else Phase.STEREO, overrides_at=(20,))
    return paths


def test_retrain_then_evaluate_report_and_export(logs: list[Path], tmp_path: Path, monkeypatch, capsys) -> None:
    run = tmp_path / "run"
    trained = replay(*logs, "--retrain", "--out", run, "--epochs", "2", "--batch-size", "8", "--workers", "1")
    assert trained.returncode == 0, trained.stderr
    assert "validation at end (vs stereo)" in trained.stdout and "held-out logs                    1" in trained.stdout
    history = json.loads((run / "validation.json").read_text())["history"]
    assert [h["step"] for h in history] == [0, 8, 16]  # 60 samples in batches of 8, per epoch
    evaluated = replay_here(monkeypatch, logs[2], "--evaluate", "--model", run / "mono_cnn.pt", "--out", tmp_path / "e")
    assert evaluated == 0 and "overrides: 1, caught by the new model:" in capsys.readouterr().out
    figures = json.loads((tmp_path / "e" / "evaluation.json").read_text())
    assert figures["frames"] == 30 and (tmp_path / "e" / "changed_decisions.csv").is_file()
    # The checkpoint carries the threshold retraining validated; evaluate scores the held-out log there, so the
    # two agree on the same model and log, and it says which threshold it used.
    validated = history[-1]["vs_stereo"]
    assert load_checkpoint(run / "mono_cnn.pt")[1].obstacle_threshold_m == pytest.approx(validated["threshold_m"])
    assert figures["new_model_threshold_m"] == pytest.approx(validated["threshold_m"])
    assert figures["new_model_threshold_source"] == "the model's validated threshold"
    scored = figures["new_model_vs_stereo"]
    assert (scored["tpr"], scored["fpr"]) == pytest.approx((validated["tpr"], validated["fpr"]))
    # The exported ONNX file, with its metadata, evaluates like the .pt it came from.
    onnx = export_checkpoint(run / "mono_cnn.pt", tmp_path / "mono_cnn.onnx")
    assert replay_here(monkeypatch, logs[2], "--evaluate", "--model", onnx, "--out", tmp_path / "e_onnx") == 0
    from_onnx = json.loads((tmp_path / "e_onnx" / "evaluation.json").read_text())
    assert from_onnx["new_model_threshold_m"] == pytest.approx(validated["threshold_m"])
    numbers = {k: v for k, v in scored.items() if v is not None}
    assert {k: from_onnx["new_model_vs_stereo"][k] for k in numbers} == pytest.approx(numbers, rel=1e-4)
    assert replay_here(monkeypatch, logs[2], "--report") == 0
    assert (logs[2].parent / "c_report" / "summary.md").is_file()
    assert replay_here(monkeypatch, *logs[:2], "--export", "--out", tmp_path / "dataset") == 0
    assert (tmp_path / "dataset" / "dataset.npz").is_file()
    capsys.readouterr()
    assert replay_here(monkeypatch, logs[0], "--export", tmp_path / "old") == 0  # the older spelling, noted
    assert "--export DIR is deprecated" in capsys.readouterr().err and (tmp_path / "old" / "dataset.npz").is_file()


def test_retraining_says_what_each_log_recovered_and_refuses_one_below_the_floor(
    logs: list[Path], tmp_path: Path, monkeypatch, capsys
) -> None:
    cut, stub = tmp_path / "cut.mcap", tmp_path / "stub.mcap"
    data = logs[0].read_bytes()
    cut.write_bytes(data[: len(data) * 3 // 4])
    stub.write_bytes(data[: len(data) // 6])
    args = ("--retrain", "--epochs", "1", "--batch-size", "8", "--workers", "0", "--val", logs[2])
    assert replay_here(monkeypatch, cut, logs[1], *args, "--out", tmp_path / "run") == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("read: ")]
    assert len(lines) == 3 and "cut.mcap: recovered" in lines[0] and "file truncated" in lines[0]
    assert "stereo-labelled frames usable" in lines[0] and "b.mcap: recovered 30 frames" in lines[1]
    read = json.loads((tmp_path / "run" / "validation.json").read_text())["logs_read"]
    assert read[0]["truncated"] and read[0]["read"] == lines[0].removeprefix("read: ")
    assert replay_here(monkeypatch, stub, logs[1], *args, "--out", tmp_path / "refused") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "training log" in err[0] and "fewer than the 20 retraining needs" in err[0], err
    assert not (tmp_path / "refused" / "mono_cnn.pt").exists()


def test_a_truncated_log_is_replayed_up_to_where_it_ends(logs: list[Path], tmp_path: Path, monkeypatch) -> None:
    cut = tmp_path / "cut.mcap"
    cut.write_bytes(logs[0].read_bytes()[: logs[0].stat().st_size * 2 // 3])
    assert replay_here(monkeypatch, cut, "--report", "--out", tmp_path / "report") == 0
    assert "file truncated" in (tmp_path / "report" / "summary.md").read_text()


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda logs, tmp: [tmp / "none.mcap", "--report"], "cannot open flight log"),
        (lambda logs, tmp: [tmp / "junk.mcap", "--report"], "is not an MCAP flight log"),
        (lambda logs, tmp: [tmp / "stub.mcap", "--report"], "no frames could be read"),
        (lambda logs, tmp: [logs[0], "--evaluate", "--model", tmp / "none.pt"], "does not exist"),
        (lambda logs, tmp: [logs[0], "--evaluate", "--model", tmp / "big.pt"], "expects 128x96 images"),
        (lambda logs, tmp: [tmp / "blind.mcap", logs[2], "--retrain", "--out", tmp / "r"], "no stereo-labelled"),
        (lambda logs, tmp: [*logs, "--retrain", "--out", tmp / "r", "--resume"], "nothing to resume"),
        (lambda logs, tmp: [*logs, "--retrain", "--out", tmp / "used"], "already holds a retraining run"),
        (lambda logs, tmp: [logs[0], "--retrain", "--out", tmp / "r"], "needs a held-out flight"),
        (lambda logs, tmp: [*logs[:2], "--report"], "a single LOG"),
        (lambda logs, tmp: [logs[0], "--evaluate"], "--evaluate needs --model"),
    ],
)
def test_bad_input_exits_2_with_one_line(make_args, message: str, logs: list[Path], tmp_path: Path, capsys,
                                        monkeypatch) -> None:  # fmt: skip
    (tmp_path / "junk.mcap").write_bytes(b"not a flight log at all")
    (tmp_path / "stub.mcap").write_bytes(logs[0].read_bytes()[:300])
    write_log(tmp_path / "blind.mcap", frames=5, labels=lambda i, d: None)
    CnnTrainer(load_config().perception, 128, 96).save(tmp_path / "big.pt")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "mono_cnn.pt").write_bytes(b"earlier model")
    assert replay_here(monkeypatch, *make_args(logs, tmp_path)) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert message in lines[-1] and "error:" in lines[-1] and "Traceback" not in "".join(lines)
    assert len(lines) == 1 or lines[0].startswith("usage:")  # argparse's errors come after its usage
    assert (tmp_path / "used" / "mono_cnn.pt").read_bytes() == b"earlier model"


def test_a_format_1_log_is_reported_and_exported(tmp_path: Path, monkeypatch, capsys) -> None:
    """Logs written before Foxglove's protobuf types and wall-clock times still replay (committed fixture)."""
    fixture = Path(__file__).resolve().parents[1] / "drone_ssl" / "flightlog" / "fixtures" / "flight_format1.mcap"
    assert replay_here(monkeypatch, fixture, "--report", "--out", tmp_path / "report") == 0
    assert (tmp_path / "report" / "summary.md").is_file()
    assert replay_here(monkeypatch, fixture, "--export", "--out", tmp_path / "dataset") == 0
    assert "recovered 21 frames and 7 events" in capsys.readouterr().out
