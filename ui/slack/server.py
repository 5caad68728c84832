"""Run the bot: the Events API over HTTP (Starlette on uvicorn), or Socket Mode.

Over HTTP, Bolt checks every request's signature and timestamp (five minutes) before any
listener sees it and answers 401 otherwise; the dispatch runs on a worker thread so one
slow request never holds up another's acknowledgement.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

__all__ = ["EVENTS_PATH", "http_app", "serve_http", "serve_socket"]

EVENTS_PATH = "/slack/events"  # events, commands and interactivity all post here


def http_app(app: App) -> Starlette:
    """An ASGI app: POST ``EVENTS_PATH`` to Bolt, GET ``/healthz`` for monitoring."""

    async def events(request: Request) -> Response:
        body = await request.body()
        response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route(EVENTS_PATH, events, methods=["POST"]), Route("/healthz", health)]
    )


def serve_http(app: App, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(http_app(app), host=host, port=port, log_level="info")


def serve_socket(app: App, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(app, app_token).start()
