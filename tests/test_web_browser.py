"""The web page at / driven in a real browser (Debian chromium via Playwright) against the real app.

The app runs under uvicorn in a thread on a free loopback port, with records in a temporary SQLite file.
Screenshots go to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from nerveroot.api.app import create_app  # noqa: E402
from nerveroot.api.settings import Settings  # noqa: E402
from nerveroot.records import RecordStore  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
RED_FLAG_COUNT = 14
TIMEOUT_MS = 15_000


class Server:
    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("nerveroot_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NERVEROOT_HOME", str(home))
        mp.delenv("NERVEROOT_DATABASE_URL", raising=False)
        store = RecordStore()
        token = store.create_token("browser-test")
        app = create_app(Settings(access_log=False), store=store)
        port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        uv = uvicorn.Server(config)
        thread = threading.Thread(target=uv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not uv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        try:
            yield Server(f"http://127.0.0.1:{port}", token)
        finally:
            uv.should_exit = True
            thread.join(timeout=10)
            store.close()
    assert Path(home, "records.sqlite3").exists(), "records were not written to the temporary NERVEROOT_HOME"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with playwright_sync.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser: Any, server: Server, **context: Any) -> Any:
    ctx = browser.new_context(base_url=server.url, **context)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    page.goto("/")
    page.wait_for_selector("#redflag-list fieldset.rf")
    page.wait_for_selector("#bodymap polygon.region")
    return page


def _shot(page: Any, name: str, selector: str | None = None) -> None:
    """Save what is on screen (or one element) to test-artifacts/ for a human to review."""
    ARTIFACTS.mkdir(exist_ok=True)
    if selector:
        page.locator(selector).screenshot(path=str(ARTIFACTS / name))
    else:
        page.screenshot(path=str(ARTIFACTS / name))


def _answer_red_flags(page: Any, answers: dict[str, str], default: str = "absent") -> None:
    keys = page.eval_on_selector_all("#redflag-list fieldset.rf", "els => els.map(e => e.id.slice(3))")
    assert len(keys) == RED_FLAG_COUNT
    for key in keys:
        page.check(f'input[name="rf-{key}"][value="{answers.get(key, default)}"]')


def _region(page: Any, region: str, side: str, view: str = "front") -> Any:
    return page.locator(f'polygon[data-region="{region}"][data-side="{side}"][data-view="{view}"]')


def _errors(page: Any) -> list[str]:
    # The API has no /api/kb/sources; the page handles that 404 (citations fall back to source ids).
    return [e for e in page.errors if "404" not in e]


def test_body_map_case_gives_l4_with_citations(browser: Any, server: Server) -> None:
    page = _page(browser, server, viewport={"width": 1280, "height": 900})
    regions = server.get_json("/api/kb/body_regions")
    for region in regions:
        assert page.locator(f'polygon[data-region="{region["id"]}"]').count() >= 2, f"no shape for {region['id']}"
    assert sorted(
        page.eval_on_selector_all("polygon.region", "els => [...new Set(els.map(e => e.dataset.region))]")
    ) == sorted(r["id"] for r in regions)

    page.check('input[name=audience][value="clinician"]')
    assert page.is_visible("#exam")
    button = page.locator("#assess-btn")
    assert button.is_disabled()

    # Every red flag but one answered: the button stays disabled; "don't know" counts as an answer.
    keys = page.eval_on_selector_all("#redflag-list fieldset.rf", "els => els.map(e => e.id.slice(3))")
    for key in keys[:-1]:
        page.check(f'input[name="rf-{key}"][value="absent"]')
    assert button.is_disabled()
    assert "1 remaining" in page.inner_text("#assess-hint")
    page.check(f'input[name="rf-{keys[-1]}"][value="unknown"]')
    assert button.is_enabled()

    # Pain on the left front of thigh by mouse and the left inner shin by keyboard (Enter toggles).
    _region(page, "anterior_thigh", "left").click()
    shin = _region(page, "medial_leg", "left")
    shin.focus()
    page.keyboard.press("Enter")
    assert shin.get_attribute("aria-pressed") == "true"
    assert "pain marked" in (shin.get_attribute("aria-label") or "")
    # Space toggles too: on, then off again.
    knee = _region(page, "medial_knee", "left")
    knee.focus()
    page.keyboard.press("Space")
    assert knee.get_attribute("aria-pressed") == "true"
    page.keyboard.press("Space")
    assert knee.get_attribute("aria-pressed") == "false"
    marked = page.inner_text("#marked-list")
    assert "Left front of thigh (pain)" in marked and "Left inner shin and calf (pain)" in marked
    assert "knee" not in marked

    page.select_option('select[name="ref-patellar-left"]', "reduced")
    page.select_option('select[name="prov-femoral_stretch-left"]', "positive")
    page.select_option('select[name="str-knee_extension-left"]', "4")
    page.fill("#age", "38")

    with page.expect_request("**/api/assess") as sent:
        button.click()
    body = sent.value.post_data_json
    assert len(body["red_flags"]) == RED_FLAG_COUNT
    assert body["red_flags"][keys[-1]] == "unknown"
    assert {"region": "anterior_thigh", "side": "left"} in body["pain_regions"]
    assert {"region": "medial_leg", "side": "left"} in body["pain_regions"]
    assert body["sides"] == ["left"]
    assert {"reflex": "patellar", "side": "left", "result": "reduced"} in body["reflexes"]

    banner = page.locator("#triage-banner")
    banner.wait_for()
    assert banner.get_attribute("data-level") == "urgent"
    assert banner.get_attribute("role") == "status"
    assert "Urgent" in banner.inner_text()
    assert page.evaluate("document.activeElement.id") == "triage-banner"

    first = page.locator("#root-bars li").first
    assert first.get_attribute("data-root") == "l4"
    values = [float(v.lstrip("<").rstrip("%")) for v in page.locator("#root-bars .bar-value").all_inner_texts()]
    assert values[0] == max(values) and values[0] > 50
    assert re.fullmatch(r"\d+%", first.locator(".bar-value").inner_text())

    cite = page.locator("#result-body a.cite").first
    target = cite.get_attribute("href") or ""
    assert target.startswith("#src-")
    assert page.locator(f"li{target}").count() == 1
    cite.click()
    assert page.evaluate("location.hash") == target

    # L4 dermatome drawn beside the marks: inner shin marked and inside the L4 skin area; thigh marked only.
    derm = page.locator("#dermatome-map")
    assert "L4" in derm.inner_text()
    assert "front of thigh" in page.inner_text(".evidence").lower(), "region ids should be shown by name"
    shin_result = derm.locator('polygon[data-region="medial_leg"][data-side="left"]')
    assert "dermatome" in (shin_result.get_attribute("class") or "") and "pain" in (
        shin_result.get_attribute("class") or ""
    )
    thigh_result = derm.locator('polygon[data-region="anterior_thigh"][data-side="left"]')
    assert "dermatome" not in (thigh_result.get_attribute("class") or "")
    assert page.locator(".differential code").count() > 0
    assert page.locator("#handout").count() == 1
    _shot(page, "web_l4_result.png")
    _shot(page, "web_l4_roots_dermatome.png", "#root-bars >> xpath=..")
    page.locator("#map").scroll_into_view_if_needed()
    _shot(page, "web_l4_bodymap.png", "#map")
    assert not _errors(page)


def test_cauda_equina_answer_gives_emergency_alert(browser: Any, server: Server) -> None:
    page = _page(browser, server, viewport={"width": 1280, "height": 900})
    _answer_red_flags(page, {"saddle_anaesthesia": "present"})
    _region(page, "posterior_thigh", "right", "back").click()
    page.click("#assess-btn")
    banner = page.locator("#triage-banner")
    banner.wait_for()
    assert banner.get_attribute("role") == "alert"
    assert banner.get_attribute("data-level") == "emergency"
    assert "Emergency" in banner.inner_text()
    assert banner.locator(".banner-summary").inner_text()[0].isupper()
    assert page.evaluate("document.activeElement.id") == "triage-banner"
    width = page.evaluate("document.getElementById('triage-banner').getBoundingClientRect().width")
    assert width >= page.viewport_size["width"] - 20, "the emergency banner should span the page"
    _shot(page, "web_emergency.png")
    page.emulate_media(media="print")
    assert page.is_visible("#handout") and not page.is_visible("#case-form") and not page.is_visible("#root-bars")
    _shot(page, "web_handout_print.png")
    assert not _errors(page)


def test_phone_viewport(browser: Any, server: Server) -> None:
    page = _page(browser, server, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "horizontal scrolling on a phone"
    _shot(page, "web_phone_top.png")
    _answer_red_flags(page, {})
    _region(page, "lateral_leg", "right").tap()
    page.check('input[name=mark-mode][value="numb"]')
    _region(page, "dorsum_foot", "right").tap()
    assert "Right top of foot (numbness)" in page.inner_text("#marked-list")
    box = _region(page, "dorsum_foot", "right").bounding_box()
    assert box and box["width"] >= 12, "foot region too small to tap"
    page.click("#assess-btn")
    page.locator("#triage-banner").wait_for()
    assert page.locator("#root-bars li").first.get_attribute("data-root") == "l5"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "web_phone_result.png")
    page.locator("#map").scroll_into_view_if_needed()
    _shot(page, "web_phone_bodymap.png", "#map")
    assert not _errors(page)


def test_ask_and_episode_charts(browser: Any, server: Server) -> None:
    page = _page(browser, server, viewport={"width": 1280, "height": 900})
    page.fill("#ask-input", "Is gabapentin recommended for sciatica?")
    page.click("#ask-form button")
    page.locator("#ask-result .references li").first.wait_for()
    assert "gabapentin" in page.inner_text("#ask-result .answer-direct").lower()
    link = page.locator("#ask-result a.cite").first
    assert page.locator(f"#ask-result li{link.get_attribute('href')}").count() == 1

    _answer_red_flags(page, {})
    _region(page, "lateral_leg", "left").click()
    page.click("#assess-btn")
    page.locator("#triage-banner").wait_for()

    page.fill("#token-input", server.token)
    page.click("#token-form button")
    page.wait_for_selector("#patient-select")
    page.click("text=Add a patient")
    page.fill("#new-patient-ref", "WEB-001")
    page.fill("#new-patient-year", "1980")
    page.click("#new-patient-form button")
    page.wait_for_selector("#new-episode-form")
    assert "WEB-001" in page.inner_text("#patient-select")
    assert page.evaluate("sessionStorage.getItem('nerveroot.apiToken')") == server.token
    assert page.evaluate("localStorage.length") == 0
    page.fill("#new-episode-title", "Left leg pain")
    page.click("#new-episode-form button")
    page.wait_for_selector("#save-assessment")
    page.click("#save-assessment")
    page.wait_for_selector("#saved-assessments li")

    for when, pain in (("2026-01-05", "7"), ("2026-02-02", "4")):
        page.fill("#score-date", when)
        page.fill("#score-value", pain)
        page.click("#score-form button")
        page.wait_for_function(f"document.querySelectorAll('#chart-nrs circle').length >= {1 if pain == '7' else 2}")
    # ODI 60% (all sections 3) then 54% (seven sections 3, three sections 2).
    for when, sections in (("2026-01-05", [3] * 10), ("2026-02-02", [3] * 7 + [2] * 3)):
        page.select_option("#score-instrument", "odi")
        page.fill("#score-date", when)
        for i, section in enumerate(sections):
            page.select_option(f'select[data-odi="{i}"]', str(section))
        page.click("#score-form button")
        page.wait_for_selector("#chart-odi")
    page.wait_for_function("document.querySelectorAll('#chart-odi circle').length === 2")
    # Pain 7 -> 4: a 3-point fall passes the 2-point threshold; ODI 60% -> 54%: 6 points does not reach 10.
    assert page.get_attribute("#chart-nrs .mcid", "data-passes") == "true"
    assert page.get_attribute("#chart-odi .mcid", "data-passes") == "false"
    assert "2 points or 30%" in page.inner_text("#chart-nrs .mcid")
    assert "10 points" in page.inner_text("#chart-odi .mcid")
    _shot(page, "web_records.png", "#records")
    _shot(page, "web_ask.png", "#ask")
    assert not _errors(page)


def test_no_external_requests(browser: Any, server: Server) -> None:
    page = _page(browser, server, viewport={"width": 800, "height": 600})
    urls: list[str] = []
    page.on("request", lambda req: urls.append(req.url))
    page.reload()
    page.wait_for_selector("#bodymap polygon.region")
    assert len(urls) > 3, urls
    assert all(u.startswith(server.url) for u in urls), [u for u in urls if not u.startswith(server.url)]
