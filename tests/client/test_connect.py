"""connect() says which organisation its client talks to, once."""

from __future__ import annotations

import dixa_analytics as dxa
from dixa_analytics.sandbox import Sandbox


def test_without_secrets_connect_says_it_falls_back_to_the_sandbox(monkeypatch, capsys):
    monkeypatch.delenv("DIXA_API_KEY", raising=False)
    monkeypatch.delenv("DIXA_API_TOKEN", raising=False)
    with Sandbox(seed=3, conversations=5) as sb:
        with dxa.connect(sandbox=None, conversations=5, cache=False, progress=False) as client:
            assert "dixa-api" in client.sources
        err = capsys.readouterr().err
        # connect(sandbox=None) starts its own sandbox; the message names it and why.
        assert "the embedded sandbox (neither DIXA_API_TOKEN nor DIXA_API_KEY is set)" in err
        assert "synthetic organisation" in err
        with dxa.connect(sandbox=sb, cache=False, progress=False) as client:
            pass
        err = capsys.readouterr().err
        assert f"synthetic organisation {sb.organisation.name!r}" in err
        assert sb.base_url in err
        assert "neither" not in err  # asked for explicitly
        with dxa.connect(sandbox=sb, cache=False, progress=False) as client:
            pass
        assert capsys.readouterr().err == ""  # once per process
        with dxa.connect(sandbox=sb, cache=False, progress=False, announce=False):
            pass
        assert capsys.readouterr().err == ""


def test_with_a_secret_connect_names_the_hosts(monkeypatch, capsys):
    monkeypatch.setenv("DIXA_API_TOKEN", "secret-token")
    monkeypatch.delenv("DIXA_API_KEY", raising=False)
    monkeypatch.setenv("DIXA_API_URL", "https://api.example.test")
    with dxa.connect(cache=False, progress=False) as client:
        assert client.sources == ("dixa-api",)
    err = capsys.readouterr().err
    assert err.startswith("dixa-analytics talks to your organisation, through https://api.example")
    assert "secret-token" not in err
