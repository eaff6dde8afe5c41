"""Every analyst notebook runs top to bottom with no account (embedded sandbox)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
# The banner at the top of plotly.js: one per page means the library is inlined once.
PLOTLY_JS = re.compile(r"^\* plotly\.js v\d", flags=re.MULTILINE)


def test_notebooks_are_found() -> None:
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} has stored outputs; clear them"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_metric_is_said_plainly_before_its_exact_definition(path: Path) -> None:
    for cell in nbformat.read(path, as_version=4).cells:
        for name in re.findall(r"(?<!PLAIN_)DEFINITIONS\[(\"\w+\")\]", cell.source):
            plain = cell.source.find(f"PLAIN_DEFINITIONS[{name}]")
            assert 0 <= plain < cell.source.find(f"dxa.DEFINITIONS[{name}]"), name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No key in the kernel's environment: the notebook must fall back to the sandbox.
    monkeypatch.delenv("DIXA_API_KEY", raising=False)
    monkeypatch.delenv("DIXA_API_TOKEN", raising=False)
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "cache.sqlite"))
    book = nbformat.read(path, as_version=4)
    NotebookClient(
        book,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute(env=dict(os.environ))
    errors = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []
    _assert_exports_with_its_figures(book)


def _assert_exports_with_its_figures(book: nbformat.NotebookNode) -> None:
    """The executed notebook, exported to HTML, draws every figure offline; JupyterLab still
    gets plotly's mimetype."""
    figures = [
        out.data
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type in ("display_data", "execute_result")
        and (PLOTLY_MIMETYPE in out.data or "plotly-graph-div" in out.data.get("text/html", ""))
    ]
    assert figures, "every analyst notebook draws a figure"
    for data in figures:
        assert PLOTLY_MIMETYPE in data  # JupyterLab's own renderer
        assert "Plotly.newPlot" in data["text/html"]  # the classic notebook and nbconvert
        assert not re.search(r"src=[\"']?https?:", data["text/html"])  # nothing from the network
    # pytest turns nbconvert's warning about an output it cannot show into an error.
    page, _ = HTMLExporter().from_notebook_node(book)
    assert len(PLOTLY_JS.findall(page)) == 1
    assert page.count('class="plotly-graph-div"') == len(figures)
