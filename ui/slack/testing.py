"""A local stand-in for Slack, for the bot's tests and benchmark: a stub of the Web API
(the SDK's ``base_url`` points at it) that records every call and serves file downloads,
and signed requests to the bot as Slack would send them."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

from slack_sdk.signature import SignatureVerifier

__all__ = ["Call", "SlackStub", "event_body", "form_body", "serve_bot", "signed_post"]


@dataclass(frozen=True)
class Call:
    method: str  # e.g. "chat.postMessage"
    params: dict
    authorization: str


@dataclass
class SlackStub:
    """Record Web API calls; ``files`` maps a file id to (name, bytes) for files.info and
    downloads. ``base_url`` is what a WebClient needs."""

    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    downloads: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ts = 1_700_000_000
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                    for key in ("blocks",):
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                method = self.path.rsplit("/", 1)[-1]
                auth = self.headers.get("Authorization", "")
                self._json(stub._answer(Call(method, params, auth)))

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path.startswith("/api/"):  # files.info and other GET methods
                    call = Call(
                        path.rsplit("/", 1)[-1],
                        dict(parse_qsl(query)),
                        self.headers.get("Authorization", ""),
                    )
                    self._json(stub._answer(call))
                    return
                file_id = path.rsplit("/", 1)[-1]
                with stub._lock:
                    stub.downloads.append(
                        Call("download", {"id": file_id}, self.headers.get("Authorization", ""))
                    )
                if file_id not in stub.files:
                    self.send_error(404)
                    return
                data = stub.files[file_id][1]
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _json(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.base_url = f"{self.url}/api/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _answer(self, call: Call) -> dict:
        with self._lock:
            self.calls.append(call)
            self._ts += 1
            ts = f"{self._ts}.000100"
        if call.method == "files.info":
            file_id = call.params.get("file", "")
            if file_id not in self.files:
                return {"ok": False, "error": "file_not_found"}
            name, data = self.files[file_id]
            return {
                "ok": True,
                "file": {
                    "id": file_id,
                    "name": name,
                    "size": len(data),
                    "url_private_download": f"{self.url}/files/{file_id}",
                },
            }
        if call.method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1"}
        return {"ok": True, "ts": ts, "channel": call.params.get("channel"), "message": {"ts": ts}}

    def posted(self, method: str = "chat.postMessage") -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, count: int, method: str = "chat.postMessage", timeout: float = 300
    ) -> list[Call]:
        """Wait until at least ``count`` calls of ``method`` were made; return them all."""
        deadline = time.monotonic() + timeout
        while len(self.posted(method)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.posted(method))} {method} calls, waited for {count}")
            time.sleep(0.05)
        return self.posted(method)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def signed_post(
    url: str,
    body: str,
    secret: str,
    *,
    content_type: str = "application/json",
    timestamp: int | None = None,
    signature: str | None = None,
    timeout: float = 30,
) -> tuple[int, str, float]:
    """POST ``body`` signed with ``secret`` as Slack does; (status, text, seconds)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = signature or SignatureVerifier(secret).generate_signature(
        timestamp=str(timestamp), body=body
    )
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature,
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), time.perf_counter() - started
    except urllib.error.HTTPError as err:
        with err:  # an HTTPError holds the response open
            return err.code, err.read().decode(), time.perf_counter() - started


def event_body(event: dict, event_id: str, team: str = "T1") -> str:
    """An Events API callback carrying ``event``."""
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": team,
            "api_app_id": "A1",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
        }
    )


def form_body(fields: dict) -> str:
    """A slash command's or an interaction's form body (``payload`` is JSON-encoded)."""
    return urlencode({k: json.dumps(v) if isinstance(v, dict) else v for k, v in fields.items()})


@contextmanager
def serve_bot(app) -> Iterator[str]:
    """Serve a Bolt app over HTTP on a free loopback port, in this process; yields the
    events URL."""
    import uvicorn

    from ui.slack.server import EVENTS_PATH, http_app
    from ui.web.testing import free_port

    port = free_port()
    config = uvicorn.Config(http_app(app), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the bot's HTTP server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}{EVENTS_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
