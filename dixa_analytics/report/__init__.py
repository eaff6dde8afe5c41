"""The offline HTML report: every metric, its figure and definition, in one file.

:func:`build_report` returns the document, :func:`write_report` writes it, and
:func:`summarize_report` returns the same headline numbers as a dict (for a command line).
"""

from dixa_analytics.report._build import build_report, write_report
from dixa_analytics.report._compute import sla_targets, summarize_report

__all__ = ["build_report", "sla_targets", "summarize_report", "write_report"]
