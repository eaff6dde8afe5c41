"""Any metric's figure from its catalogue entry: how the report draws every section."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dixa_analytics.metrics import Metric
from dixa_analytics.plots._backlog import plot_backlog
from dixa_analytics.plots._csat import plot_csat
from dixa_analytics.plots._durations import duration_figure
from dixa_analytics.plots._rates import plot_reopen_rate
from dixa_analytics.plots._survival import plot_survival
from dixa_analytics.plots._trends import plot_tag_trends

__all__ = ["figure"]

# Rates drawn by their own figure rather than as the reopen rate is.
_OWN_FIGURES = {"csat": plot_csat, "backlog": plot_backlog}


def figure(metric: Metric, result: pd.DataFrame, **options: Any) -> go.Figure:
    """Draw ``result``, a result of ``metric``, as its kind of metric is drawn.

    A duration is drawn as a distribution (:func:`duration_figure`), or with
    ``survival=True`` as the share ended within t (:func:`plot_survival`); the rates and the
    trend each have their own figure (:func:`plot_reopen_rate`, :func:`plot_csat`,
    :func:`plot_backlog`, :func:`plot_tag_trends`).
    ``options`` go to the figure (``by=``, ``seconds=``, ``title=``…).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.metrics import CATALOGUE
    >>> result = pd.DataFrame({"conversation_id": [1], "wait_seconds": [30.0],
    ...                        "observed": [True]})
    >>> figure(CATALOGUE["queue_wait_time"], result).layout.xaxis.title.text
    'Queue wait time (min)'
    """
    if metric.kind == "duration":
        if options.pop("survival", False):
            return plot_survival(result, seconds=options.pop("seconds", metric.seconds), **options)
        return duration_figure(result, metric, **options)
    if metric.name in _OWN_FIGURES:
        return _OWN_FIGURES[metric.name](result, **options)
    if metric.kind == "rate":
        return plot_reopen_rate(result, **options)
    return plot_tag_trends(result, **options)
