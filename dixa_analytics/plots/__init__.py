"""Plotly figures of the metric frames: a metric result in, a ``go.Figure`` out, never shown.

Duration plots (handling, first response, resolution, queue wait) draw the distribution in a
human unit with censored durations told apart and can compare groups (``by="queue_name"``);
the reopen rate and tag trends are lines over periods. Every figure carries the metric's
definition in the hover text of its "definition" note.
"""

from dixa_analytics.plots._backlog import plot_backlog
from dixa_analytics.plots._csat import plot_csat
from dixa_analytics.plots._durations import (
    duration_figure,
    plot_first_response,
    plot_handling_time,
    plot_queue_wait,
    plot_resolution,
)
from dixa_analytics.plots._figure import figure
from dixa_analytics.plots._notebook import setup_notebook
from dixa_analytics.plots._rates import plot_reopen_rate
from dixa_analytics.plots._survival import plot_survival
from dixa_analytics.plots._trends import plot_tag_trends

__all__ = [
    "duration_figure",
    "figure",
    "plot_backlog",
    "plot_csat",
    "plot_first_response",
    "plot_handling_time",
    "plot_queue_wait",
    "plot_reopen_rate",
    "plot_resolution",
    "plot_survival",
    "plot_tag_trends",
    "setup_notebook",
]
