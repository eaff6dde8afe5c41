"""Figures in a notebook that also show in its HTML export, with no network.

In a Jupyter kernel plotly stores a figure only as its JSON mimetype, which JupyterLab draws
and ``jupyter nbconvert --to html`` cannot (the exported page shows empty cells). After
:func:`setup_notebook`, every figure carries an HTML/JS representation as well, drawn by the
copy of plotly.js the call put in its own cell's output: one per notebook, inlined, so the
exported page works offline, and re-running a figure's cell never drops it.
"""

from __future__ import annotations

import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer
from plotly.offline import get_plotlyjs

__all__ = ["NOTEBOOK_RENDERER", "setup_notebook"]

#: The plotly renderer :func:`setup_notebook` registers: the figure as HTML, no script source.
NOTEBOOK_RENDERER = "dixa_analytics_html"
# JupyterLab (and VS Code) draw the mimetype; the classic notebook and nbconvert the HTML.
_DEFAULT = f"plotly_mimetype+{NOTEBOOK_RENDERER}"


class _OfflineHtml(MimetypeRenderer):
    """A figure as an HTML div and its ``Plotly.newPlot`` call; plotly.js is not included.

    plotly's own "notebook" renderer also loads MathJax from a CDN with every figure; these
    figures have no LaTeX, so nothing here reaches for the network.
    """

    def to_mimebundle(self, fig_dict: dict) -> dict[str, str]:
        html = pio.to_html(
            fig_dict,
            config={"responsive": True, "displaylogo": False},
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            default_width="100%",
            default_height=525,
            validate=False,
        )
        return {"text/html": html}


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (not a script, nor the terminal IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel, a dependency, brings IPython
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def setup_notebook() -> None:
    """Make this notebook's figures show in JupyterLab, Jupyter and exported HTML, offline.

    Call it once, in the notebook's first cell. From then on every figure displayed is
    stored twice: as plotly's JSON mimetype (JupyterLab, VS Code) and as HTML with a
    ``Plotly.newPlot`` call (the classic notebook, ``jupyter nbconvert --to html``). The
    call's own output holds plotly.js (about 5 MB), inlined once for the whole notebook,
    so an exported page draws every figure with no network. Outside a Jupyter kernel (a
    script, doctest, the terminal) it changes nothing.

    Examples
    --------
    >>> import dixa_analytics as dxa
    >>> dxa.setup_notebook()  # in a notebook: figures now export with nbconvert
    """
    if not _in_kernel():
        return
    from IPython.display import display

    pio.renderers[NOTEBOOK_RENDERER] = _OfflineHtml()
    pio.renderers.default = _DEFAULT
    display({"text/html": f"<script>{get_plotlyjs()}</script>"}, raw=True)
