"""The chat page in a real browser: ``sherlog page`` serves it on 127.0.0.1, headless
Debian Chromium driven by Selenium asks a question, reads the answer, clicks a follow-up."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

pytest.importorskip("selenium", reason="selenium is a dev dependency")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from ui.web.testing import TOP_CARD, ask, chromium, serve, settled, wait_still  # noqa: E402

VAGUE = "vCenter shows one of our ESXi hosts as not responding"
WAIT = 240  # seconds; the server's first question loads the model


def top_causes(driver) -> list[str]:
    """The cause id on every answer's first card, oldest answer first."""
    return [e.text for e in driver.find_elements(By.XPATH, TOP_CARD)]


def test_ask_read_the_diagnosis_and_answer_the_follow_up(real_home, sherlog, tmp_path):
    with (
        serve(real_home, tmp_path / "page.log") as served,
        chromium(tmp_path / "profile") as browser,
    ):
        browser.get(served.url)
        ask(browser, VAGUE, WAIT)
        assert top_causes(browser) == ["esxi-vpxa-not-responding"]
        citation = '//code[text()="esxi-management-agents#fix-restart-vpxa"]'
        assert browser.find_elements(By.XPATH, citation)

        # the follow-up question's Yes button moves hostd to the top
        wait = WebDriverWait(browser, WAIT)
        yes = wait.until(
            EC.element_to_be_clickable((By.XPATH, '//button[normalize-space()="Yes"]'))
        )
        yes.click()
        wait.until(lambda d: top_causes(d)[-1:] == ["esxi-hostd-not-responding"] and settled(d))
        wait_still(browser, WAIT)
        assert len(browser.find_elements(By.XPATH, '//button[normalize-space()="Yes"]')) <= 1
        messages = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')
        assert messages[2].text.splitlines()[-1] == "yes"  # after the avatar's icon name
        shot = tmp_path / "chat-page.png"
        browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")
