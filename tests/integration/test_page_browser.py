"""The chat page in a real browser: Streamlit serves it on 127.0.0.1, headless Debian
Chromium driven by Selenium asks a question, reads the answer and clicks a follow-up."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

selenium = pytest.importorskip("selenium", reason="selenium is a dev dependency")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
APP = Path(__file__).resolve().parents[2] / "ui" / "web" / "app.py"
VAGUE = "vCenter shows one of our ESXi hosts as not responding"
WAIT = 240  # seconds; the server's first question loads the model


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(real_home, sherlog, tmp_path):
    """``sherlog``'s own way of serving the page, on a free loopback port."""
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    env = {**os.environ, "SHERLOG_HOME": str(real_home), "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "page", "--address", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"the page did not start:\n{(tmp_path / 'streamlit.log').read_text()}")
        time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture
def browser(tmp_path):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Chromium and ChromeDriver are missing: `make test` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1800",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def test_ask_read_the_diagnosis_and_answer_the_follow_up(served, browser, tmp_path):
    wait = WebDriverWait(browser, WAIT)
    browser.get(served)
    box = wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'))
    )
    box.send_keys(VAGUE)
    box.send_keys(Keys.ENTER)

    # the ranked answer: a card for the top cause, and a fix step's citation
    wait.until(
        EC.presence_of_element_located((By.XPATH, '//code[text()="esxi-vpxa-not-responding"]'))
    )
    wait.until(
        EC.presence_of_element_located(
            (By.XPATH, '//code[text()="esxi-management-agents#fix-restart-vpxa"]')
        )
    )
    first_card = browser.find_elements(By.XPATH, '//p[starts-with(normalize-space(), "1.")]//code')
    assert first_card[0].text == "esxi-vpxa-not-responding"

    # the follow-up question's Yes button moves hostd to the top
    yes = wait.until(EC.element_to_be_clickable((By.XPATH, '//button[normalize-space()="Yes"]')))
    yes.click()
    wait.until(
        lambda d: (
            [
                e.text
                for e in d.find_elements(
                    By.XPATH, '//p[starts-with(normalize-space(), "1.")]//code'
                )
            ][-1:]
            == ["esxi-hostd-not-responding"]
        )
    )
    shot = tmp_path / "chat-page.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
