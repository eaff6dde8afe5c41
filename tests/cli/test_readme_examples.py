"""The README's shell examples run as written: those on the sandbox succeed, those that read a
snapshot succeed once it is there, and those on a real organisation stop at once, without
secrets, saying how to set one."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from dixa_analytics.cli import main

README = Path(__file__).parents[2] / "README.md"


def _shell_examples() -> list[str]:
    """Every ``dixa-analytics …`` line of the README's ``bash`` blocks (indented ones too)."""
    if not README.exists():
        return []
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"^ *```bash\n(.*?)^ *```", text, re.M | re.S)
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip().startswith("dixa-analytics ")
    ]


EXAMPLES = _shell_examples()
ON_SANDBOX = [line for line in EXAMPLES if "--sandbox" in shlex.split(line)]
ON_A_SNAPSHOT = [line for line in EXAMPLES if "--snapshot" in shlex.split(line)]
ON_AN_ORGANISATION = [line for line in EXAMPLES if line not in ON_SANDBOX + ON_A_SNAPSHOT]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    """A snapshot of the sandbox's last five weeks (growing, as the README's), for the examples
    that read one."""
    path = tmp_path_factory.mktemp("readme") / "snapshot"
    sync = ["sync", str(path), "--sandbox", "--start", "2026-03-01"]
    assert main([*sync, "--no-progress", "--cache", "off"]) == 0
    return path


def test_the_readme_has_shell_examples_of_both_kinds() -> None:
    if not README.exists():
        pytest.skip(f"README not found at {README}")
    assert len(ON_SANDBOX) >= 3
    assert any(line.startswith("dixa-analytics metric ") for line in ON_SANDBOX)
    assert any(line.startswith("dixa-analytics report ") for line in ON_AN_ORGANISATION)
    assert ON_A_SNAPSHOT


@pytest.mark.parametrize("line", ON_A_SNAPSHOT)
def test_a_snapshot_example_runs_as_written(line, snapshot, tmp_path, monkeypatch, capsys) -> None:
    argv = shlex.split(line)[1:]
    shutil.copytree(snapshot, tmp_path / argv[argv.index("--snapshot") + 1])
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0, capsys.readouterr().err
    if "--out" in argv:
        assert (tmp_path / argv[argv.index("--out") + 1]).stat().st_size > 0
    else:
        assert len(capsys.readouterr().out.strip().splitlines()) >= 2


@pytest.mark.parametrize("line", ON_SANDBOX)
def test_a_sandbox_example_runs_as_written(line, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(line)[1:]
    assert main(argv) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    if "--out" in argv:
        written = tmp_path / argv[argv.index("--out") + 1]
        assert written.stat().st_size > 0
    else:
        assert len(out.strip().splitlines()) >= 2  # a header and at least one row


@pytest.mark.parametrize("line", ON_AN_ORGANISATION)
def test_an_organisation_example_without_a_token_says_how_to_set_one(
    line, tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(line)[1:]) == 2
    err = capsys.readouterr().err
    assert "DIXA_API_TOKEN" in err
    assert "--sandbox" in err
    assert not any(tmp_path.iterdir())  # stopped before writing anything
