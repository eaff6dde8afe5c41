"""One call that gives a notebook a client: your organisation, or the embedded sandbox.

Notebooks and examples start with ``client = dxa.connect()`` so they run top to bottom with
no account: when ``DIXA_API_TOKEN`` or ``DIXA_API_KEY`` is set the client talks to that
organisation, otherwise an embedded sandbox (a local fake Dixa with a seeded synthetic
organisation) is started for the life of the Python process. It says once which of the two
it is, since a Jupyter started from a launcher may not see the shell's variables.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
from pathlib import Path

from dixa_analytics.client import DixaClient
from dixa_analytics.sandbox import Sandbox

__all__ = ["connect"]

# The sandbox enforces no rate limit unless a test switches one on, so a client bound to it
# need not pace itself at Dixa's documented rates (10/s, and 10/min for exports).
_SANDBOX_LIMITS = {
    "rate_limit": 500.0,
    "burst": 50,
    "export_rate_limit": 100.0,
    "export_burst": 10,
    "api_rate_limit": 500.0,
    "api_burst": 50,
}


def connect(
    *,
    sandbox: bool | Sandbox | None = None,
    seed: int = 42,
    conversations: int = 2000,
    cache: str | Path | bool | None = None,
    progress: bool = True,
    refresh: bool = False,
    announce: bool = True,
) -> DixaClient:
    """Return a :class:`DixaClient` for your organisation, or for the embedded sandbox.

    Parameters
    ----------
    sandbox : bool, Sandbox or None
        ``None`` (default) uses the embedded sandbox only when neither ``DIXA_API_TOKEN`` nor
        ``DIXA_API_KEY`` is set; ``True`` always starts one (serving until the process
        exits); ``False`` always uses the environment's secrets; a running
        :class:`~dixa_analytics.sandbox.Sandbox` is used as it is.
    seed, conversations : int
        The organisation a started sandbox generates (ignored otherwise).
    cache : str, Path, False or None
        HTTP cache file, as for :class:`DixaClient`. For a sandbox, ``None`` means a temporary
        file removed when the process exits.
    progress : bool
        Show progress bars on long fetches.
    refresh : bool
        Ask the API again even for what the cache holds as final, and store the new answers
        (see :class:`DixaClient`).
    announce : bool
        Say on standard error, once per process, which organisation the client talks to: the
        sandbox and its synthetic organisation, or the API hosts of yours.

    Returns
    -------
    DixaClient
        A client for a sandbox holds both of its secrets (so it reads either API) and does
        not throttle itself to Dixa's rates, as the sandbox does not limit by default.

    Examples
    --------
    >>> import dixa_analytics as dxa
    >>> client = dxa.connect(sandbox=True, conversations=50, progress=False, announce=False)
    >>> dxa.fetch_queues(client=client).columns[:2].tolist()
    ['queue_id', 'queue_name']
    """
    fallback = sandbox is None and not (
        os.environ.get("DIXA_API_KEY") or os.environ.get("DIXA_API_TOKEN")
    )
    if sandbox is None:
        sandbox = fallback
    if sandbox is False:
        client = DixaClient(cache=cache, progress=progress, refresh=refresh)
        if announce:
            hosts = ", ".join(client.root(api) for api in (*client.sources, "exports"))
            _say(f"your organisation, through {hosts}")
        return client
    if sandbox is True:
        sandbox = Sandbox(seed=seed, conversations=conversations)
        sandbox.start()
        atexit.register(sandbox.stop)
    if cache is None:
        # Keep the sandbox's synthetic answers out of the default cache, which belongs to
        # real data (a cache named by the caller keeps them across runs: see cache_identity).
        tmp = tempfile.TemporaryDirectory(prefix="dixa-sandbox-cache-")
        atexit.register(tmp.cleanup)
        cache = Path(tmp.name) / "cache.sqlite"
    org = sandbox.organisation
    name = f"the embedded sandbox, synthetic organisation {org.name!r}"
    if announce:
        why = " (neither DIXA_API_TOKEN nor DIXA_API_KEY is set)" if fallback else ""
        _say(
            f"the embedded sandbox{why}: synthetic organisation {org.name!r}, conversations "
            f"{org.start:%Y-%m-%d} to {org.end:%Y-%m-%d}, at {sandbox.base_url}"
        )
    return DixaClient(
        sandbox.api_key,
        api_token=sandbox.api_token,
        base_url=sandbox.base_url,
        exports_url=sandbox.exports_url,
        api_url=sandbox.api_url,
        clock=lambda: sandbox.now,
        cache=cache,
        # The same organisation answers the same on any port: its cached answers serve again.
        cache_identity=sandbox.cache_identity,
        name=name,
        progress=progress,
        refresh=refresh,
        **_SANDBOX_LIMITS,
    )


_said: set[str] = set()


def _say(text: str) -> None:
    """Print ``text`` on standard error, unless this process printed it already."""
    if text not in _said:
        _said.add(text)
        print(f"dixa-analytics talks to {text}", file=sys.stderr)
