"""An embedded fake Dixa: a seeded synthetic organisation served over HTTP on loopback.

>>> from dixa_analytics.sandbox import Sandbox
>>> with Sandbox(seed=1, conversations=20) as sb:
...     sb.base_url.startswith("http://127.0.0.1:")
True
"""

from dixa_analytics.sandbox._generator import (
    DEFAULT_END,
    DEFAULT_START,
    Rates,
    generate_organisation,
)
from dixa_analytics.sandbox._organisation import Organisation
from dixa_analytics.sandbox._server import Sandbox, ServedRequest
from dixa_analytics.sandbox._switches import Switches

__all__ = [
    "DEFAULT_END",
    "DEFAULT_START",
    "Organisation",
    "Rates",
    "Sandbox",
    "ServedRequest",
    "Switches",
    "generate_organisation",
]
