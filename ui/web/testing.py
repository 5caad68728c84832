"""Serve the page and drive it in headless Chromium: shared by the browser test and the
page benchmark. Needs the dev extra (selenium) and Debian's chromium and chromedriver."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CHROMEDRIVER",
    "CHROMIUM",
    "Served",
    "ask",
    "chromium",
    "free_port",
    "serve",
    "settled",
    "wait_still",
]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# The flags a closed network needs: without the background-networking ones Chromium
# keeps dialling Google's hosts.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1800",
)
CHAT_BOX = '[data-testid="stChatInputTextArea"]'
TOP_CARD = '//p[starts-with(normalize-space(), "1.")]//code'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Served:
    url: str
    process: subprocess.Popen


@contextmanager
def serve(home: Path, log: Path, startup: float = 600) -> Iterator[Served]:
    """``sherlog page`` on a free loopback port with ``SHERLOG_HOME=home``, until healthy."""
    port = free_port()
    env = {**os.environ, "SHERLOG_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "page", "--address", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + startup
            while not _healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the page did not start:\n{log.read_text()}")
                time.sleep(0.5)
            yield Served(url, server)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def chromium(profile: Path):
    """A headless Chromium under Selenium, with its own empty profile folder."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        raise RuntimeError("Chromium and ChromeDriver are missing: `make test` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def ask(driver, text: str, timeout: float) -> float:
    """Type ``text`` in the chat box, press Enter, and wait until one more answer's top
    card is on the page; return the seconds from Enter to that."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, timeout, poll_frequency=0.05)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, CHAT_BOX)))
    answers = len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]'))
    box.send_keys(text)
    started = time.perf_counter()
    box.send_keys(Keys.ENTER)
    wait.until(
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')) >= answers + 2
            and settled(d)
        )
    )
    wait_still(driver, timeout)
    return time.perf_counter() - started


def wait_still(driver, timeout: float, interval: float = 0.1) -> None:
    """Wait until the page stops growing: the browser draws the last elements of a run
    a moment after the server says the run is over."""
    from selenium.webdriver.common.by import By

    def count() -> int:
        return len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stElementContainer"]'))

    deadline = time.monotonic() + timeout
    before = count()
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = count()
        if now == before and settled(driver):
            return
        before = now
    raise TimeoutError(f"the page was still changing after {timeout} s")


def settled(driver) -> bool:
    """The script run is over (Streamlit marks its app root) and the newest assistant
    message shows a diagnosis or an "I don't know"."""
    from selenium.webdriver.common.by import By

    app = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stApp"]')
    if not app or app[0].get_attribute("data-test-script-state") != "notRunning":
        return False
    if driver.find_elements(By.CSS_SELECTOR, '[data-stale="true"]'):
        return False
    messages = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')
    last = messages[-1].text if messages else ""
    return "Likely causes" in last or "I don't know" in last
