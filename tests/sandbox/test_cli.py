"""``dixa-analytics sandbox`` as a subprocess: the printed lines and a request against them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sandbox_command_prints_shell_lines_and_serves() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dixa_analytics", "sandbox", "--port", "0",
               "--seed", "3", "--conversations", "40"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(4)]
        assert all(line.startswith("export ") for line in lines[:3])
        settings = dict(line.removeprefix("export ").split("=", 1) for line in lines[:3])
        assert list(settings) == ["DIXA_BASE_URL", "DIXA_EXPORTS_URL", "DIXA_API_KEY"]
        assert settings["DIXA_BASE_URL"].startswith("http://127.0.0.1:")
        assert settings["DIXA_EXPORTS_URL"] == settings["DIXA_BASE_URL"] + "/exports"
        assert settings["DIXA_API_KEY"].startswith("sandbox-")
        assert lines[3].startswith("#")
        request = urllib.request.Request(
            settings["DIXA_BASE_URL"] + "/v1/queues",
            headers={"Authorization": settings["DIXA_API_KEY"]},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert json.load(response)["data"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_sandbox_command_rejects_bad_dates() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dixa_analytics", "sandbox", "--start", "someday"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert "start" in result.stderr
    assert "Traceback" not in result.stderr
