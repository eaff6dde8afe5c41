"""The organisation's secrets, and which APIs they open.

Dixa has two kinds of token: an Integrations API token (``DIXA_API_KEY``), for
``integrations.dixa.io``, and a Dixa API token (``DIXA_API_TOKEN``), for ``dev.dixa.io``, the
successor API. The Exports API takes either. A client needs at least one; each request
carries the one its API takes. Secrets never reach a message: :meth:`Credentials.redact`
removes them from any text that leaves the client.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from dixa_analytics._errors import AuthenticationError

__all__ = ["DIXA_API", "EXPORTS", "INTEGRATIONS", "Credentials"]

#: The APIs a client talks to.
INTEGRATIONS, DIXA_API, EXPORTS = "integrations", "dixa-api", "exports"
# Secrets at least this long are redacted wherever they occur (real Dixa tokens are far
# longer); shorter ones, test keys, only as whole words.
_LONG_SECRET = 16


def _secret(value: object, *, argument: str, env: str) -> str | None:
    text = value if value is not None else os.environ.get(env, "")
    if not isinstance(text, str):
        raise TypeError(f"{argument} must be a string, not {type(text).__name__}")
    text = text.strip()
    if text and not (text.isascii() and text.isprintable()):
        # requests would reject such a header with an error quoting the whole value, and
        # the secret must never reach a message; it also cannot be a real token.
        raise ValueError(
            f"{argument} holds a line break, control or non-ASCII character; pass the token "
            f"exactly as Dixa shows it (check {env} for a stray newline)"
        )
    return text or None


@dataclass(frozen=True, repr=False)
class Credentials:
    """An Integrations API key and/or a Dixa API token (at least one).

    Examples
    --------
    >>> credentials = Credentials.of("key-1", None)
    >>> credentials.sources, credentials.header("exports")
    (('integrations',), {'Authorization': 'Bearer key-1'})
    """

    key: str | None
    token: str | None

    @classmethod
    def of(cls, api_key: str | None, api_token: str | None) -> Credentials:
        """The secrets given, else those in ``DIXA_API_KEY`` / ``DIXA_API_TOKEN``.

        Raises
        ------
        AuthenticationError
            If there is neither.
        ValueError
            If one holds a line break, control or non-ASCII character (never quoted).
        """
        key = _secret(api_key, argument="api_key", env="DIXA_API_KEY")
        token = _secret(api_token, argument="api_token", env="DIXA_API_TOKEN")
        if key is None and token is None:
            raise AuthenticationError(
                "No Dixa API key: set DIXA_API_TOKEN (a Dixa API token) or DIXA_API_KEY (an "
                "Integrations API token), or pass api_token= / api_key= to DixaClient; create "
                "a token in Dixa under Settings → Integrations → API tokens"
            )
        return cls(key, token)

    def __repr__(self) -> str:
        return f"Credentials(sources={list(self.sources)})"

    @property
    def sources(self) -> tuple[str, ...]:
        """The APIs whose activity log these secrets open, cheapest first."""
        return tuple(
            api for api, secret in ((DIXA_API, self.token), (INTEGRATIONS, self.key)) if secret
        )

    def header(self, api: str) -> dict[str, str]:
        """The ``Authorization`` header of a request to ``api``.

        Raises
        ------
        AuthenticationError
            If there is no secret for that API; the message says which variable to set.
        """
        if api == EXPORTS:
            return {"Authorization": f"Bearer {self.key or self.token}"}
        secret = self.token if api == DIXA_API else self.key
        if secret is None:
            env, name = (
                ("DIXA_API_TOKEN", "a Dixa API token")
                if api == DIXA_API
                else ("DIXA_API_KEY", "an Integrations API token")
            )
            raise AuthenticationError(f"the {api} API needs {name}: set {env}")
        return {"Authorization": secret}

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``.

        Examples
        --------
        >>> Credentials("s3cr3t", None).redact("unknown token s3cr3t; s3cr3ts")
        'unknown token ***; s3cr3ts'
        """
        for secret in (self.key, self.token):
            if not secret:
                continue
            if len(secret) >= _LONG_SECRET:
                # Every occurrence: a server may echo it glued to other text ("key…is unknown").
                text = text.replace(secret, "***")
            else:
                # Too short to be a real token (a test key): only whole occurrences, so that it
                # does not garble every word that holds its letters.
                text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "***", text)
        return text
