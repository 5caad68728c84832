"""Benchmark the Slack bot: N mentions at once over signed HTTP, acknowledgement times,
every one answered once, and how many diagnoses ran at the same time.

Run: ``.venv/bin/python benchmarks/slack.py [--mentions 50] [--workers 4]``.
The bot runs in this process on 127.0.0.1 with the real model and an embedded Chroma in a
fresh temporary SHERLOG_HOME; Slack's Web API is the local recording stub of
``ui.slack.testing``. Nothing is asserted; figures are printed and written to
``benchmarks/results/slack.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_bolt.authorization import AuthorizeResult  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from assistant.engine import Sherlog  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import ConversationStore  # noqa: E402
from evals.cases import load_cases  # noqa: E402
from ui.slack.app import build_app  # noqa: E402
from ui.slack.bot import SlackBot  # noqa: E402
from ui.slack.testing import SlackStub, event_body, serve_bot, signed_post  # noqa: E402

SECRET = "bench-signing-secret"


class Counting:
    """Wraps Sherlog.reply to count the diagnoses running at once."""

    def __init__(self, sherlog: Sherlog) -> None:
        self._reply = sherlog.reply
        self.lock = threading.Lock()
        self.now = self.most = 0
        sherlog.reply = self.reply  # type: ignore[method-assign]

    def reply(self, *args, **kwargs):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return self._reply(*args, **kwargs)
        finally:
            with self.lock:
                self.now -= 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    cases = [
        c for c in load_cases([ROOT / "evals" / "cases"])
        if Path(c.source).name.startswith("dev") and not c.turns[0].attachments
    ]  # fmt: skip
    texts = [c.turns[0].message for c in cases][: args.mentions]
    with tempfile.TemporaryDirectory(prefix="sherlog-slack-bench-") as tmp:
        settings = Settings.from_env({"SHERLOG_HOME": tmp})
        sherlog = Sherlog.open(settings)
        sherlog.embedder.embed_query("warm up")
        counting = Counting(sherlog)
        store = ConversationStore.open(settings)
        stub = SlackStub()
        bot = SlackBot(sherlog, store, settings.max_attachment_bytes, workers=args.workers)
        app = build_app(
            bot,
            signing_secret=SECRET,
            authorize=lambda **_: AuthorizeResult(
                enterprise_id=None, team_id="T1", bot_token="xoxb-bench", bot_user_id="UBOT"
            ),
            client=WebClient(base_url=stub.base_url),
        )
        with serve_bot(app) as url:

            def mention(n: int) -> tuple[int, float]:
                event = {
                    "type": "app_mention",
                    "user": "U1",
                    "channel": "C1",
                    "ts": f"{1000 + n}.0001",
                    "text": f"<@UBOT> {texts[n % len(texts)]}",
                }
                status, _, seconds = signed_post(url, event_body(event, f"Ev{n}"), SECRET)
                return status, seconds

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.mentions) as senders:
                acks = list(senders.map(mention, range(args.mentions)))
            acked = time.perf_counter() - started
            posts = stub.wait_for(args.mentions, timeout=1800)
            answered = time.perf_counter() - started
            time.sleep(2)  # anything extra (a duplicate) would arrive now
            posts = stub.posted()
        bot.shutdown()
        store.close()
        stub.close()
    threads = Counter(p.params["thread_ts"] for p in posts)
    seconds = sorted(s for _, s in acks)
    results = {
        "mentions": args.mentions,
        "workers": args.workers,
        "ack_status": dict(Counter(status for status, _ in acks)),
        "ack_s": {
            "median": round(statistics.median(seconds), 3),
            "p95": round(seconds[int(0.95 * (len(seconds) - 1))], 3),
            "max": round(seconds[-1], 3),
        },
        "all_acknowledged_after_s": round(acked, 2),
        "all_answered_after_s": round(answered, 1),
        "answered_threads": len(threads),
        "lost": args.mentions - len(threads),
        "duplicated": sum(n - 1 for n in threads.values() if n > 1),
        "most_diagnoses_at_once": counting.most,
    }
    out = ROOT / "benchmarks" / "results" / "slack.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
