"""A sandbox's identity for HTTP cache keys: the same from run to run while it answers the same.

A sandbox listens on a new port each run, so cache keys built from its URLs are never met
again and a repeated query starts cold. Its answers depend only on what it serves (the
organisations as generated, the wire switches) and on the code that generates and serves
them, so a hash of those stands in for the host and port (see ``DixaClient(cache_identity=)``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from dixa_analytics.sandbox._organisation import Organisation
from dixa_analytics.sandbox._switches import Switches

__all__ = ["sandbox_identity"]


def sandbox_identity(organisations: Iterable[Organisation], switches: Switches) -> str:
    """A name that changes whenever what a sandbox answers may change.

    It covers the sandbox's code (a change to the generator or the wire format gives a new
    name), the switches, and each organisation: its secrets (derived from every generation
    parameter: seed, size, window, rates...), name, window and sizes. Secrets are hashed,
    never shown.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Switches, generate_organisation
    >>> small = generate_organisation(seed=1, conversations=5)
    >>> same = sandbox_identity([small], Switches())
    >>> same == sandbox_identity([generate_organisation(seed=1, conversations=5)], Switches())
    True
    >>> same != sandbox_identity([generate_organisation(seed=2, conversations=5)], Switches())
    True
    >>> same.startswith("sandbox-") and small.api_key not in same
    True
    """
    digest = hashlib.sha256(b"dixa-analytics/sandbox-identity/v1\n")
    digest.update(_code_fingerprint().encode())
    digest.update(repr(switches).encode())
    for org in organisations:
        last = org.events[-1]["id"] if org.events else ""
        digest.update(
            "\n".join(
                (
                    org.api_key,
                    org.api_token,
                    org.name,
                    str(org.seed),
                    org.start.isoformat(),
                    org.end.isoformat(),
                    str(len(org.users)),
                    str(len(org.conversations)),
                    str(len(org.events)),
                    str(last),
                )
            ).encode()
        )
    return "sandbox-" + digest.hexdigest()[:24]


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the sandbox package's source files, read once per process."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
