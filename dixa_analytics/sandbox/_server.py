"""The sandbox HTTP server: authentication, rate limits, injected faults and bookkeeping.

Two ``ThreadingHTTPServer`` on loopback serve three APIs: one the Integrations API at the root
(``/v1/...``) and the Exports API under ``/exports`` (``/exports/v1/conversation_export``, and
at the root too, as one proxy for both APIs would),
the other the Dixa API on a port of its own (as ``dev.dixa.io`` is a host of its own).
Requests are handled in this order: authentication (401: the Integrations API takes an
organisation's Integrations key, the Dixa API its Dixa API token, the Exports API either),
rate limit per token and API (429), injected faults (dropped connection, 5xx, slow answer,
truncated body), then the endpoint itself.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from dixa_analytics.sandbox._api_routes import dixa_api
from dixa_analytics.sandbox._generator import generate_organisation
from dixa_analytics.sandbox._identity import sandbox_identity
from dixa_analytics.sandbox._organisation import Organisation
from dixa_analytics.sandbox._routes import ApiError, Request, exports, integrations
from dixa_analytics.sandbox._switches import Switches

__all__ = ["Sandbox", "ServedRequest"]

EXPORTS_PREFIX = "/exports"
# The Exports API's paths, which the Integrations API does not have: served at the root too.
_EXPORT_PATHS = frozenset({"/v1/conversation_export", "/v1/message_export"})
_INTEGRATIONS, _EXPORTS, _DIXA_API = "integrations", "exports", "dixa-api"


class ServedRequest(NamedTuple):
    """One request the sandbox answered; ``status`` is 0 when the connection was dropped."""

    method: str
    path: str
    query: str
    status: int


class _Bucket:
    """Token bucket: ``capacity`` requests at once, refilled at ``rate`` per second."""

    def __init__(self, capacity: int, rate: float) -> None:
        self.capacity, self.rate = capacity, rate
        self.tokens = float(capacity)
        self.updated = time.monotonic()

    def take(self) -> float:
        """Take one token; return 0 on success, else the seconds until one is available."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class _QuietServer(ThreadingHTTPServer):
    """A server that treats a client hanging up mid-response as normal, not as an error.

    Clients time out and retry (and tests make them), so a broken pipe or reset is expected
    here; anything else is still reported the standard way.
    """

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Sandbox:
    """A fake Dixa serving generated organisations over HTTP on 127.0.0.1.

    Parameters
    ----------
    organisation : Organisation, optional
        The first organisation to serve; by default one is generated from ``seed``,
        ``conversations`` and ``generate_kwargs``.
    seed, conversations : int
        Passed to :func:`~dixa_analytics.sandbox.generate_organisation`.
    switches : Switches, optional
        Wire variants and faults; default well-behaved. Replace ``sandbox.switches`` at any
        time; doing so also resets the fault counter and the rate-limit buckets.
    port : int
        Port of the Integrations and Exports APIs; 0 (default) picks a free one.
    api_port : int
        Port of the Dixa API; 0 (default) picks a free one.
    host : str
        Interface to bind; loopback by default.
    clock : str, date or datetime, optional
        Serve the organisations as they stood at this moment (before their ``end``) instead
        of at their end; :meth:`move_to` moves the clock forward, so conversations come in,
        change and reopen between two fetches. :attr:`now` is what clients on the sandbox
        should take for "now".
    **generate_kwargs
        Further arguments of ``generate_organisation`` (``start``, ``end``, rates...).

    Examples
    --------
    >>> import json, urllib.request
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     req = urllib.request.Request(f"{sb.base_url}/v1/queues",
    ...                                  headers={"Authorization": sb.api_key})
    ...     body = json.load(urllib.request.urlopen(req))
    >>> [q["name"] for q in body["data"]][:2]
    ['Support', 'Billing']
    """

    def __init__(
        self,
        organisation: Organisation | None = None,
        *,
        seed: int = 42,
        conversations: int = 2000,
        switches: Switches | None = None,
        port: int = 0,
        api_port: int = 0,
        host: str = "127.0.0.1",
        clock: str | dt.date | None = None,
        **generate_kwargs: Any,
    ) -> None:
        if organisation is None:
            organisation = generate_organisation(seed, conversations, **generate_kwargs)
        self._lock = threading.Lock()
        # The organisations as generated; those served are their views at the clock.
        self._whole: dict[str, Organisation] = {organisation.api_key: organisation}
        self._clock: dt.datetime | None = None
        self._orgs: dict[str, Organisation] = {}
        self._tokens: dict[str, Organisation] = {}
        self._serve_views()
        if clock is not None:
            self.move_to(clock)
        self._host, self._ports = host, {_INTEGRATIONS: port, _DIXA_API: api_port}
        self._served: list[ServedRequest] = []
        self._switches = switches if switches is not None else Switches()
        self._fault_counter = 0
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Bind the sockets and serve in daemon threads; returns ``self``."""
        if self._servers:
            raise RuntimeError("the sandbox is already running")
        try:
            for api, port in self._ports.items():
                server = _QuietServer((self._host, port), _handler_for(self, api))
                server.daemon_threads = True
                self._servers[api] = server
                thread = threading.Thread(
                    target=server.serve_forever, name=f"dixa-sandbox-{api}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets (a stopped sandbox may be started again)."""
        servers, threads = self._servers, self._threads
        self._servers, self._threads = {}, []
        for server in servers.values():
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self._servers else "stopped"
        return f"Sandbox({where}, organisations={len(self._orgs)})"

    # --- public state --------------------------------------------------------------------

    def _root(self, api: str) -> str:
        server = self._servers.get(api)
        if server is None:
            raise RuntimeError("the sandbox is not running; use it in a with block or start()")
        host, port = server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """Root of the Integrations API, ``http://127.0.0.1:<port>`` (paths ``/v1/...``)."""
        return self._root(_INTEGRATIONS)

    @property
    def api_url(self) -> str:
        """Root of the Dixa API, ``http://127.0.0.1:<api port>`` (paths ``/v1/...``)."""
        return self._root(_DIXA_API)

    @property
    def exports_url(self) -> str:
        """Root of the Exports API, ``<base_url>/exports``."""
        return self.base_url + EXPORTS_PREFIX

    @property
    def api_key(self) -> str:
        """Integrations API key of the first organisation."""
        return self.organisation.api_key

    @property
    def api_token(self) -> str:
        """Dixa API token of the first organisation."""
        return self.organisation.api_token

    @property
    def organisation(self) -> Organisation:
        """The first organisation (ground truth), as served at the clock."""
        return next(iter(self._orgs.values()))

    @property
    def organisations(self) -> dict[str, Organisation]:
        """Every served organisation by API key (a copy)."""
        return dict(self._orgs)

    @property
    def now(self) -> dt.datetime:
        """The sandbox's "now": its clock, else the first organisation's ``as_of``."""
        return self._clock if self._clock is not None else self.organisation.as_of

    @property
    def cache_identity(self) -> str | None:
        """A name for what this sandbox answers, the same in every run that serves the same
        organisations with the same switches and code, whatever its ports; None once its clock
        was set (its answers then change as the clock moves).

        Clients of the sandbox pass it as ``DixaClient(cache_identity=...)`` (``connect`` does),
        so that a repeated query finds its cached answers though the sandbox listens on a new
        port. Different seeds, sizes, windows or switches give different names.

        Examples
        --------
        >>> a, b = Sandbox(seed=1, conversations=5), Sandbox(seed=1, conversations=5)
        >>> a.cache_identity == b.cache_identity != Sandbox(seed=1, conversations=6).cache_identity
        True
        >>> Sandbox(seed=1, conversations=5, clock="2026-03-01").cache_identity is None
        True
        """
        if self._clock is not None:
            return None
        return sandbox_identity(self._whole.values(), self._switches)

    def move_to(self, moment: str | dt.date) -> None:
        """Move the clock to ``moment``: every organisation is served as it stood then.

        Raises
        ------
        ValueError
            If ``moment`` is before the clock (time does not go back) or after an
            organisation's ``end`` (it was generated no further).

        Examples
        --------
        >>> sb = Sandbox(seed=1, conversations=30, clock="2026-03-01")
        >>> before = len(sb.organisation.conversations)
        >>> sb.move_to("2026-03-15")
        >>> len(sb.organisation.conversations) > before, sb.now.date().isoformat()
        (True, '2026-03-15')
        """
        when = _moment(moment)
        if self._clock is not None and when < self._clock:
            raise ValueError(f"the clock is at {self._clock}; it does not go back to {when}")
        for org in self._whole.values():
            if when > org.end:
                raise ValueError(
                    f"organisation {org.name!r} was generated up to {org.end}; generate it "
                    "with a later end to move the clock there"
                )
        self._clock = when
        self._serve_views()

    def _serve_views(self) -> None:
        views = [
            org if self._clock is None else org.at(self._clock) for org in self._whole.values()
        ]
        with self._lock:
            self._orgs = {org.api_key: org for org in views}
            self._tokens = {org.api_token: org for org in views}

    @property
    def switches(self) -> Switches:
        """The live switches, read afresh by every request."""
        return self._switches

    @switches.setter
    def switches(self, value: Switches) -> None:
        if not isinstance(value, Switches):
            raise TypeError(f"switches must be a Switches object, not {type(value).__name__}")
        with self._lock:
            self._switches = value
            self._fault_counter = 0
            self._buckets.clear()

    @property
    def request_count(self) -> int:
        """Number of HTTP requests answered (or dropped) so far, over all organisations."""
        with self._lock:
            return len(self._served)

    @property
    def requests(self) -> list[ServedRequest]:
        """The requests answered so far, oldest first (a copy)."""
        with self._lock:
            return list(self._served)

    def reset_counts(self) -> None:
        """Forget the served requests and restart the fault counter."""
        with self._lock:
            self._served.clear()
            self._fault_counter = 0

    def add_organisation(
        self,
        organisation: Organisation | None = None,
        *,
        seed: int = 7,
        conversations: int = 200,
        **generate_kwargs: Any,
    ) -> tuple[str, Organisation]:
        """Serve one more organisation under its own key; return ``(api_key, organisation)``.

        Examples
        --------
        >>> sb = Sandbox(seed=1, conversations=10)
        >>> key, org = sb.add_organisation(seed=2, conversations=10)
        >>> key != sb.api_key and len(sb.organisations)
        2
        """
        if organisation is None:
            organisation = generate_organisation(seed, conversations, **generate_kwargs)
        if organisation.api_key in self._whole:
            raise ValueError("an organisation with this key is already served; pass another seed")
        self._whole[organisation.api_key] = organisation
        self._serve_views()
        return organisation.api_key, self._orgs[organisation.api_key]

    # --- request handling ----------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler, server_api: str) -> None:
        split = urlsplit(handler.path)
        path = unquote(split.path)
        api = server_api
        if api == _INTEGRATIONS and (
            path == EXPORTS_PREFIX or path.startswith(EXPORTS_PREFIX + "/")
        ):
            api = _EXPORTS
        elif api == _INTEGRATIONS and path in _EXPORT_PATHS:
            # Also at the root, as a proxy serving both APIs on one host would.
            api = _EXPORTS
            path = EXPORTS_PREFIX + path
        try:
            if handler.command != "GET":
                handler.close_connection = True
                raise ApiError(
                    405, f"the sandbox serves read endpoints only, not {handler.command}"
                )
            org = self._authenticate(handler.headers.get("Authorization"), api)
            self._throttle(org.api_key, api)
            number, switches = self._next_fault()
            if switches.drop_every and number % switches.drop_every == 0:
                self._record(handler.command, split.path, split.query, 0)
                handler.close_connection = True
                return
            if switches.down == "all" or (
                switches.down == "activitylog" and path.endswith("/activitylog")
            ):
                raise ApiError(switches.error_status, "sandbox: injected outage; it lasts")
            every = switches.error_every
            if every and number >= every and (number - every) % every < switches.error_burst:
                raise ApiError(switches.error_status, "sandbox: injected server error; retry")
            if switches.slow_every and number % switches.slow_every == 0:
                time.sleep(switches.slow_seconds)
            request = Request(
                path=path[len(EXPORTS_PREFIX) :] if api == _EXPORTS else path,
                query=parse_qs(split.query, keep_blank_values=True),
                base_url={
                    _INTEGRATIONS: self.base_url,
                    _EXPORTS: self.exports_url,
                    _DIXA_API: self.api_url,
                }[api],
                org=org,
                switches=switches,
            )
            answer = {_INTEGRATIONS: integrations, _EXPORTS: exports, _DIXA_API: dixa_api}[api]
            body = _encode(answer(request))
            if switches.truncate_every and number % switches.truncate_every == 0:
                body = body[: len(body) // 2]
            status, headers = 200, {}
        except ApiError as exc:
            status, headers, body = exc.status, exc.headers, _encode({"message": exc.message})
        except Exception as exc:  # a bug in the sandbox must still answer, never hang
            status, headers = 500, {}
            body = _encode({"message": f"sandbox internal error: {type(exc).__name__}: {exc}"})
        self._record(handler.command, split.path, split.query, status)
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def _authenticate(self, header: str | None, api: str) -> Organisation:
        key = _key_from(header, api == _EXPORTS)
        by_key = self._orgs.get(key) if key else None
        by_token = self._tokens.get(key) if key else None
        if api == _INTEGRATIONS and by_key is None and by_token is not None:
            raise ApiError(
                401,
                "this is a Dixa API token; the Integrations API takes an Integrations API token",
            )
        if api == _DIXA_API and by_token is None and by_key is not None:
            raise ApiError(
                401,
                "this is an Integrations API token; the Dixa API takes a Dixa API token",
            )
        org = {_INTEGRATIONS: by_key, _DIXA_API: by_token}.get(api, by_key or by_token)
        if org is None:
            scheme = (
                "Bearer <key> or Basic bearer:<key>" if api == _EXPORTS else "<key> or Bearer <key>"
            )
            raise ApiError(401, f"Invalid or missing credentials; send Authorization: {scheme}")
        return org

    def _throttle(self, key: str, api: str) -> None:
        switches = self._switches
        if not switches.rate_limit:
            return
        with self._lock:
            bucket = self._buckets.get((key, api))
            if bucket is None:
                bucket = {
                    _INTEGRATIONS: lambda: _Bucket(
                        switches.integrations_burst, switches.integrations_per_second
                    ),
                    _EXPORTS: lambda: _Bucket(
                        switches.exports_burst, switches.exports_per_minute / 60
                    ),
                    _DIXA_API: lambda: _Bucket(switches.api_burst, switches.api_per_second),
                }[api]()
                self._buckets[(key, api)] = bucket
            wait = bucket.take()
        if wait > 0:
            retry_after = str(max(1, math.ceil(wait)))
            raise ApiError(429, "API limit has been reached", {"Retry-After": retry_after})

    def _next_fault(self) -> tuple[int, Switches]:
        with self._lock:
            self._fault_counter += 1
            return self._fault_counter, self._switches

    def _record(self, method: str, path: str, query: str, status: int) -> None:
        with self._lock:
            self._served.append(ServedRequest(method, path, query, status))


def _moment(value: str | dt.date) -> dt.datetime:
    """A clock reading from an ISO date or date-time (UTC when naive) or a date."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _encode(body: Any) -> bytes:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (Switches.lone_surrogates) has no UTF-8 form; JSON escapes it.
        return json.dumps(body, separators=(",", ":")).encode("ascii")


def _key_from(header: str | None, is_export: bool) -> str | None:
    """Extract the API key from an ``Authorization`` header in an accepted scheme."""
    if not header:
        return None
    value = header.strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip()
    if is_export:
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, _, password = decoded.partition(":")
        return password if user.lower() == "bearer" and password else None
    return value


def _handler_for(sandbox: Sandbox, api: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as clients with sessions expect
        server_version = "DixaSandbox/1.0"
        timeout = 30  # idle keep-alive connections end eventually

        def do_GET(self) -> None:
            sandbox._serve(self, api)

        do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: requests are recorded in ``Sandbox.requests`` instead."""

    return Handler
