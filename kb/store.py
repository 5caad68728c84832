"""Open the Chroma client, telemetry off: embedded in one folder (one process), or a
Chroma server (``chroma run``) that several processes share."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import IndexError_
from assistant.settings import Settings, parse_http_url

__all__ = ["HEARTBEAT_TIMEOUT", "chroma_client", "connect_chroma", "open_chroma"]

HEARTBEAT_TIMEOUT = 5.0  # seconds; a server slower than this to say it is alive is down


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


def open_chroma(path: Path):
    """A persistent, embedded Chroma client in ``path`` (created if missing)."""
    import chromadb

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def connect_chroma(url: str, server_path: Path | None = None):
    """A client of the Chroma server at ``url`` (``http(s)://HOST:PORT``), once it answers.

    Parameters
    ----------
    url
        The server's address, as in ``SHERLOG_CHROMA_URL``.
    server_path
        Only for the error message: the folder to suggest for ``chroma run --path``.

    Raises
    ------
    IndexError_
        When the URL is malformed or nothing there answers a Chroma heartbeat within
        ``HEARTBEAT_TIMEOUT``; the message names the URL and how to start a server.
    """
    import chromadb
    import httpx

    try:
        address = parse_http_url(url)
    except ValueError as err:
        raise IndexError_(f"Chroma server {url!r}: {err}") from err
    try:
        # Chroma's client waits forever on a server that accepts but never answers.
        httpx.get(
            f"{url.rstrip('/')}/api/v2/heartbeat", timeout=HEARTBEAT_TIMEOUT
        ).raise_for_status()
        client = chromadb.HttpClient(
            host=address.host, port=address.port, ssl=address.ssl, settings=_chroma_settings()
        )
        client.heartbeat()
    # The client raises ValueError when it cannot connect, httpx errors after that.
    except (ValueError, httpx.HTTPError) as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise IndexError_(
            f"no Chroma server answers at {url} ({reason}): start one with `chroma run "
            f"--path {server_path or 'DIR'} --host {address.host} --port {address.port}`, "
            "or unset SHERLOG_CHROMA_URL to use the embedded index"
        ) from err
    return client


def chroma_client(settings: Settings):
    """The Chroma server at ``settings.chroma_url`` when set, else the embedded index in
    ``settings.chroma_path``."""
    if settings.chroma_url:
        return connect_chroma(settings.chroma_url, settings.chroma_server_path)
    return open_chroma(settings.chroma_path)
