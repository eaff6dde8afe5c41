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
        lines = [process.stdout.readline().strip() for _ in range(6)]
        assert all(line.startswith("export ") for line in lines[:5])
        settings = dict(line.removeprefix("export ").split("=", 1) for line in lines[:5])
        assert list(settings) == [
            "DIXA_API_URL",
            "DIXA_API_TOKEN",
            "DIXA_BASE_URL",
            "DIXA_EXPORTS_URL",
            "DIXA_API_KEY",
        ]
        assert settings["DIXA_BASE_URL"].startswith("http://127.0.0.1:")
        assert settings["DIXA_API_URL"].startswith("http://127.0.0.1:")
        assert settings["DIXA_API_URL"] != settings["DIXA_BASE_URL"]
        assert settings["DIXA_EXPORTS_URL"] == settings["DIXA_BASE_URL"] + "/exports"
        assert settings["DIXA_API_KEY"].startswith("sandbox-")
        assert settings["DIXA_API_TOKEN"].startswith("sandbox-api-")
        assert lines[5].startswith("#")
        for root, secret in (
            (settings["DIXA_BASE_URL"], settings["DIXA_API_KEY"]),
            (settings["DIXA_API_URL"], settings["DIXA_API_TOKEN"]),
        ):
            request = urllib.request.Request(root + "/v1/queues", headers={"Authorization": secret})
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
