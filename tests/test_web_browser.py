"""The web page at / driven in a real browser (Debian chromium via Playwright) against the real app.

The app runs under uvicorn in a thread on a free loopback port, with records in a temporary SQLite file. Every
state a test reaches is checked with axe-core (vendored in tests/data/axe, MPL-2.0; nothing is fetched) and
screenshots go to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import base64
import io
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
pypdf = pytest.importorskip("pypdf")

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
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "tests" / "data" / "axe" / "axe.min.js"
TIMEOUT_MS = 15_000
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DEVICES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
MIN_TARGET_PX = 24


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


def _page(browser: Any, server: Server, device: dict[str, Any], audience: str = "patient") -> Any:
    ctx = browser.new_context(base_url=server.url, accept_downloads=True, **device)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    if audience == "clinician":
        page.check('input[name=audience][value="clinician"]')
    return page


def _shot(page: Any, name: str, full: bool = False) -> None:
    """Save the screen (or the whole page) to test-artifacts/ for a human to review."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full)


def _axe(page: Any, state: str) -> None:
    """axe-core on the page as it is now: no violations of any rule axe runs by default."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script> tag: the page's CSP forbids inline scripts
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result]
    assert not found, f"axe violations in state {state!r}: {found}"


def _settled(page: Any) -> str:
    """Wait until the interview shows a question, its end or a stop; return which."""
    page.wait_for_selector("#interview[data-state]:not([data-state=loading])")
    return str(page.get_attribute("#interview", "data-state"))


def _question(page: Any) -> str:
    assert _settled(page) == "question"
    return str(page.get_attribute("#interview .question", "data-question"))


def _answer(page: Any, answer: str) -> None:
    """Answer the question on screen and wait for the next step (a new question, the end, or a stop)."""
    page.click(f'#interview button[data-answer="{answer}"]')
    _settled(page)


def _no_to_all_screens(page: Any) -> None:
    while _settled(page) == "question":
        _answer(page, "no to all" if page.locator('button[data-answer="no to all"]').count() else "no")
    assert _settled(page) == "done"


def _in_viewport(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= height


def _region(page: Any, region: str, side: str, view: str = "front") -> Any:
    return page.locator(f'#bodymap polygon[data-region="{region}"][data-side="{side}"][data-view="{view}"]')


def _zoom(page: Any, view: str, side: str) -> None:
    page.click(f'#map-zoom button[data-zoom="{view}-{side}"]')


def _errors(page: Any) -> list[str]:
    return list(page.errors)


@pytest.mark.parametrize("device", DEVICES)
def test_cauda_equina_yes_on_first_screen_shows_999_at_once(browser: Any, server: Server, device: Any) -> None:
    page = _page(browser, server, device)
    name = "phone" if device is PHONE else "desktop"
    assert _question(page) == "rfs_cauda_equina", "cauda equina must be the first screen"
    _axe(page, f"first question ({name})")
    _shot(page, f"web_{name}_first_question.png")
    _answer(page, "yes")
    instruction = page.locator("#emergency-instruction")
    instruction.wait_for()
    assert "999" in instruction.inner_text() and "A&E" in instruction.inner_text()
    assert _in_viewport(page, "#emergency-instruction"), "the 999 instruction must be on screen without scrolling"
    assert page.evaluate("document.activeElement.id") == "emergency"
    assert page.get_attribute("#emergency", "role") == "alert"
    assert "cauda equina" in page.inner_text("#emergency").lower()
    assert page.locator("#interview .question").count() == 0, "the interview stops at the first emergency answer"
    assert not page.is_visible("#case-form")
    _axe(page, f"emergency ({name})")
    _shot(page, f"web_{name}_ces_emergency.png")
    if device is DESKTOP:
        page.select_option("#locale", "eu")
        assert "112" in page.inner_text("#emergency-instruction")
        page.select_option("#locale", "uk")
        # A slip of the finger can be taken back; the emergency instruction goes with it.
        page.click("text=I answered by mistake")
        assert _question(page) == "rfs_cauda_equina"
        assert not page.is_visible("#emergency")
    assert not _errors(page)


@pytest.mark.parametrize("device", DEVICES)
def test_not_sure_on_cauda_equina_means_same_day(browser: Any, server: Server, device: Any) -> None:
    page = _page(browser, server, device)
    name = "phone" if device is PHONE else "desktop"
    _answer(page, "not sure")
    same_day = page.locator("#same-day-instruction")
    same_day.wait_for()
    assert "NHS 111" in same_day.inner_text() and "today" in same_day.inner_text().lower()
    _shot(page, f"web_{name}_ces_not_sure.png")
    assert _in_viewport(page, "#same-day-instruction")
    assert not page.is_visible("#emergency")
    _axe(page, f"same-day ({name})")
    _shot(page, f"web_{name}_ces_not_sure.png")
    # The follow-up items of the screen come next, one at a time; "don't know" keeps the same-day advice.
    assert _question(page) == "rf_saddle"
    assert _in_viewport(page, '#interview button[data-answer="yes"]'), "the next question's answers are on screen"
    assert "cauda equina" in page.inner_text("#same-day")
    _shot(page, f"web_{name}_ces_not_sure_next.png")
    while _settled(page) == "question":
        has_dont_know = page.locator('button[data-answer="don\'t know"]').count()
        is_screen = page.locator('button[data-answer="no to all"]').count()
        _answer(page, "no to all" if is_screen else "don't know" if has_dont_know else "no")
    assert _settled(page) == "done"
    assert page.is_visible("#same-day")
    page.click("#assess-btn")
    action = page.locator("#patient-action")
    action.wait_for()
    assert "NHS 111" in action.inner_text(), "an unresolved 'not sure' on cauda equina gives a same-day action"
    assert "self" not in action.inner_text().lower()
    _axe(page, f"same-day result ({name})")
    _shot(page, f"web_{name}_same_day_result.png")
    assert not _errors(page)


def _mark_l4(page: Any, phone: bool) -> None:
    if phone:
        _zoom(page, "front", "left")
    _region(page, "anterior_thigh", "left").click()
    _region(page, "medial_leg", "left").click()
    page.check('input[name=mark-mode][value="numb"]')
    _region(page, "medial_leg", "left").click()
    page.check('input[name=mark-mode][value="pain"]')


@pytest.mark.parametrize("device", DEVICES)
def test_l4_patient_handout_fits_two_pages_with_their_marks(browser: Any, server: Server, device: Any) -> None:
    page = _page(browser, server, device)
    phone = device is PHONE
    name = "phone" if phone else "desktop"
    _no_to_all_screens(page)
    assert page.is_visible("#case-form")
    if phone:
        # Zoomed to one leg by default on a phone: every area is a target of at least 24 px each way.
        sizes = page.eval_on_selector_all(
            "#bodymap polygon.region",
            "els => els.map(e => [e.dataset.region, ...['width', 'height'].map(k => e.getBoundingClientRect()[k])])",
        )
        assert sizes and all(w >= MIN_TARGET_PX and h >= MIN_TARGET_PX for _, w, h in sizes), [
            s for s in sizes if min(s[1], s[2]) < MIN_TARGET_PX
        ]
        assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]
    _mark_l4(page, phone)
    marked = page.inner_text("#marked-list")
    assert "Left front of thigh (pain)" in marked and "Left inner shin and calf (pain and numbness)" in marked
    # Arrow keys move between areas; Enter marks.
    _region(page, "medial_leg", "left").focus()
    page.keyboard.press("ArrowUp")
    focused = page.evaluate("document.activeElement.dataset.region")
    assert focused and focused != "medial_leg"
    page.fill("#age", "38")
    page.select_option("#onset", "sudden")
    page.fill("#duration", "9")
    page.locator("#map").scroll_into_view_if_needed()
    _axe(page, f"details form ({name})")
    _shot(page, f"web_{name}_bodymap.png")
    page.click("#assess-btn")
    page.locator("#patient-action").wait_for()
    assert "L4" in page.inner_text("#patient-root")
    assert 1 <= page.locator("#self-care li").count() <= 4
    assert "Advice and information" not in page.inner_text("#self-care"), "self-care steps are the person's own steps"
    assert page.locator("code").count() == 0, "no ICD codes in the patient's view"
    assert "%" not in page.inner_text("#view-patient")
    seek = page.inner_text("#seek-help")
    assert "back passage or genitals" in seek and "doctor finding" not in seek and "blood test" not in seek
    _axe(page, f"patient result ({name})")
    _shot(page, f"web_{name}_l4_patient_result.png")
    page.emulate_media(media="print")
    assert page.is_visible("#handout") and not page.is_visible("#case-form")
    _shot(page, f"web_{name}_handout_print.png", full=True)
    if not phone:
        pdf = page.pdf(format="A4")
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "web_handout.pdf").write_bytes(pdf)
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert 1 <= len(reader.pages) <= 2, f"handout is {len(reader.pages)} printed pages"
        text = " ".join(p.extract_text() for p in reader.pages)
        assert "Left front of thigh" in text and "Left inner shin and calf" in text, "the handout shows their marks"
        assert "No, none of these" in text, "the handout shows their answers"
        assert "Date:" in text
    assert not _errors(page)


@pytest.mark.parametrize("device", DEVICES)
def test_nothing_marked_names_no_root(browser: Any, server: Server, device: Any) -> None:
    page = _page(browser, server, device)
    name = "phone" if device is PHONE else "desktop"
    _no_to_all_screens(page)
    page.click("#assess-btn")
    page.locator("#patient-action").wait_for()
    assert "cannot tell which nerve" in page.inner_text("#patient-root")
    page.check('input[name=audience][value="clinician"]')
    page.wait_for_selector("#clin-root")
    assert "Cannot localise" in page.inner_text("#clin-root")
    assert "Root: cannot localise" in page.input_value("#notes-text")
    page.eval_on_selector_all("#view-clinician details", "els => els.forEach(d => { d.open = true; })")
    assert page.locator("#dermatome-map polygon").count() == 0, "no dermatome without a localised root"
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]
    _axe(page, f"clinician view, nothing marked ({name})")
    page.locator("#clin-summary").scroll_into_view_if_needed()
    _shot(page, f"web_{name}_clinician_nothing_marked.png")
    assert not _errors(page)


@pytest.mark.parametrize("device", DEVICES)
def test_gp_encounter_egfr_25_apixaban_no_nsaid_saved_and_reopened(browser: Any, server: Server, device: Any) -> None:
    page = _page(browser, server, device, audience="clinician")
    phone = device is PHONE
    name = "phone" if phone else "desktop"
    nsaids = {d["id"] for d in server.get_json("/api/kb/drugs") if "NSAID" in d["drug_class"]}
    assert page.is_visible("#case-form"), "a clinician can record the encounter while the screens are open"
    _no_to_all_screens(page)
    page.fill(
        "#note-text",
        "45 year old man, 3 weeks of left anterior thigh and medial shin pain after lifting, "
        "knee jerk reduced on the left, no saddle anaesthesia, bladder and bowels normal.",
    )
    page.select_option('select[name="str-knee_extension-left"]', "4")
    page.select_option('select[name="prov-femoral_stretch-left"]', "positive")
    page.select_option('select[name="prov-slr-left"]', "negative")
    page.fill("#slr-angle-left", "80")
    page.select_option('select[name="gait-heel_walk-left"]', "normal")
    page.select_option("#saddle-exam", "normal")
    if phone:
        _zoom(page, "front", "left")
    _region(page, "medial_leg", "left").click()
    page.check('input[name=mark-mode][value="numb"]')
    _region(page, "medial_leg", "left").click()
    page.fill("#ds-egfr", "25")
    page.select_option("#anticoagulant", "apixaban")
    page.click("#questionnaires summary")
    for i in range(8):
        page.select_option(f'select[name="sb-{i}"]', "1" if i < 2 else "0")
    page.select_option('select[name="sb-8"]', "1")
    for i in range(10):
        page.select_option(f'select[name="odi-{i}"]', "2")
    _axe(page, f"encounter form ({name})")
    _shot(page, f"web_gp_{name}_encounter_form.png", full=True)
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    assert "L4" in page.inner_text("#clin-root")
    offered = page.eval_on_selector_all("#offer-drugs [data-drug]", "els => els.map(e => e.dataset.drug)")
    assert offered, "some medicine is still offered"
    assert not nsaids & set(offered), f"NSAID offered with eGFR 25 and apixaban: {nsaids & set(offered)}"
    assert "Ibuprofen" in page.inner_text("#unsuitable-drugs")
    notes = page.input_value("#notes-text")
    assert "eGFR 25" in notes and "anticoagulant yes" in notes and "STarT Back" in notes and "ODI 40%" in notes
    assert "Root: L4" in notes
    assert "femoral stretch positive (L)" in notes and "SLR negative (L, 80°)" in notes
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"], "no sideways scroll"
    _axe(page, f"clinician result ({name})")
    _shot(page, f"web_gp_{name}_clinician_summary.png")
    page.eval_on_selector_all("#view-clinician details", "els => els.forEach(d => { d.open = true; })")
    refs = page.eval_on_selector_all("#view-clinician a.cite", "els => els.map(e => e.textContent)")
    assert refs and all(r.count("[") == 1 for r in refs)
    runs = page.eval_on_selector_all(
        "#view-clinician .cites",
        "els => els.map(e => [...e.querySelectorAll('a')].map(a => Number(a.textContent.slice(1, -1))))",
    )
    assert all(run == sorted(set(run)) for run in runs), "citation runs are deduplicated and in order"
    assert (
        page.locator("#view-clinician .references .grade").count()
        == page.locator("#view-clinician .references li").count()
    )
    # A treatment shown as advised against keeps any other recorded position beside it (never dropped silently).
    positions = {t["id"]: {p["stance"] for p in t.get("positions", [])} for t in server.get_json("/api/kb/treatments")}
    for line in page.locator('#view-clinician li[data-stance="not_recommended"]').all():
        ids = (line.get_attribute("data-treatments") or "").split()
        if any(positions.get(i, set()) - {"not_recommended"} for i in ids):
            assert "Sources differ" in line.inner_text(), ids
    _axe(page, f"clinician details open ({name})")
    for title, part in (("Care plan by stage", "plan"), ("Sources", "sources")):
        fold = page.locator("#view-clinician details.fold", has=page.locator(f"summary:text-is('{title}')"))
        fold.evaluate("e => e.scrollIntoView()")
        _shot(page, f"web_gp_{name}_clinician_{part}.png")
    with page.expect_download() as download:
        page.click("#export-md")
    assert download.value.suggested_filename.endswith(".md")
    with page.expect_download() as download:
        page.click("#export-fhir")
    assert json.loads(Path(download.value.path()).read_text())["resourceType"] == "Bundle"

    # Save to an episode with the existing token mechanism, then reopen it in a fresh page.
    page.fill("#token-input", server.token)
    page.click("#token-form button")
    page.wait_for_selector("#patient-select")
    page.click("text=Add a patient")
    page.fill("#new-patient-ref", f"GP-{name}")
    page.fill("#new-patient-year", "1980")
    page.click("#new-patient-form button")
    page.wait_for_selector("#new-episode-form")
    page.fill("#new-episode-title", "Left leg pain")
    page.click("#new-episode-form button")
    page.wait_for_selector("#save-assessment")
    page.click("#save-assessment")
    page.wait_for_selector("#saved-assessments li")
    _axe(page, f"saved ({name})")
    assert page.evaluate("localStorage.getItem('nerveroot.apiToken')") is None
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.check('input[name=audience][value="clinician"]')
    page.wait_for_selector("#patient-select")
    page.select_option("#patient-select", label=f"GP-{name}, born 1980")
    page.select_option("#episode-select", label=page.locator("#episode-select option").nth(1).inner_text())
    page.click("#saved-assessments button.reopen")
    page.locator("#clin-summary").wait_for()
    assert page.input_value("#ds-egfr") == "25"
    assert page.input_value('select[name="prov-femoral_stretch-left"]') == "positive"
    offered = page.eval_on_selector_all("#offer-drugs [data-drug]", "els => els.map(e => e.dataset.drug)")
    assert not nsaids & set(offered)
    _axe(page, f"reopened ({name})")
    _shot(page, f"web_gp_{name}_reopened.png")
    assert not _errors(page)


def test_ehr_launch_fragment_opens_the_encounter(browser: Any, server: Server) -> None:
    """A SMART launch opens /#case=<base64url Case JSON>: the encounter is filled in and the fragment removed."""
    case = {
        "age": 70,
        "red_flags": {"saddle_anaesthesia": "absent", "bladder_dysfunction": "absent"},
        "drug_safety": {"egfr": 22, "anticoagulant": "present"},
        "reflexes": [{"reflex": "patellar", "side": "left", "result": "reduced"}],
    }
    encoded = base64.urlsafe_b64encode(json.dumps(case).encode()).decode().rstrip("=")
    ctx = browser.new_context(base_url=server.url, **DESKTOP)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    page.goto(f"/#case={encoded}")
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("location.hash") == "", "the case must not stay in the address bar"
    assert page.get_attribute("body", "data-audience") == "clinician"
    assert page.input_value("#ds-egfr") == "22" and page.input_value("#age") == "70"
    assert page.input_value('select[name="ref-patellar-left"]') == "reduced"
    assert page.is_visible("#case-form")
    _axe(page, "EHR launch")


def test_errors_are_plain_words(browser: Any, server: Server) -> None:
    page = _page(browser, server, DESKTOP, audience="clinician")
    page.fill("#age", "200")
    page.click("#assess-btn")
    error = page.locator("#assess-error")
    error.wait_for()
    assert error.inner_text() == "Age must be 120 or less."
    _axe(page, "error")
    assert [e for e in page.errors if "422" not in e] == []


def test_ask_and_episode_charts(browser: Any, server: Server) -> None:
    page = _page(browser, server, DESKTOP, audience="clinician")
    page.fill("#ask-input", "Is gabapentin recommended for sciatica?")
    page.click("#ask-form button")
    page.locator("#ask-result .references li").first.wait_for()
    assert "gabapentin" in page.inner_text("#ask-result .answer-direct").lower()
    page.fill("#token-input", server.token)
    page.click("#token-form button")
    page.wait_for_selector("#patient-select")
    page.click("text=Add a patient")
    page.fill("#new-patient-ref", "WEB-CHART")
    page.click("#new-patient-form button")
    page.wait_for_selector("#new-episode-form")
    page.fill("#new-episode-title", "Charts")
    page.click("#new-episode-form button")
    page.wait_for_selector("#score-form")
    for when, pain in (("2026-01-05", "7"), ("2026-02-02", "4")):
        page.fill("#score-date", when)
        page.fill("#score-value", pain)
        page.click("#score-form button")
        page.locator("#chart-nrs circle").nth(0 if pain == "7" else 1).wait_for()
    assert page.get_attribute("#chart-nrs .mcid", "data-passes") == "true"
    _axe(page, "ask and charts")
    page.locator("#records").scroll_into_view_if_needed()
    _shot(page, "web_records.png")
    assert not _errors(page)


def test_no_external_requests(browser: Any, server: Server) -> None:
    page = _page(browser, server, DESKTOP)
    urls: list[str] = []
    page.on("request", lambda req: urls.append(req.url))
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert len(urls) > 3, urls
    assert all(u.startswith(server.url) for u in urls), [u for u in urls if not u.startswith(server.url)]


GP_NOTE = "52M LBP 3/52 radiating down L leg to medial shin, KJ ↓ L, SLR +ve L 40°, no B/B sx, on apixaban, eGFR 28"
PHYSIO_NOTE = (
    "S/O: 34F runner, 2/52 R buttock and posterolateral thigh/lateral calf pain into dorsum of foot. O/E: EHL 4/5 R, "
    "ankle jerk normal, SLR R 50° reproduces leg pain, slump +ve R. No saddle anaesthesia, B&B normal."
)
RAW_ID = r"(?m)\b[a-z]+_[a-z_]+\b|^(?:drug|pain|sensory|observation|procedure):|: (?:present|absent|unknown)\b"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("note", [pytest.param(GP_NOTE, id="gp"), pytest.param(PHYSIO_NOTE, id="physio")])
def test_a_typed_note_reads_in_words_and_the_summary_stays_short(
    browser: Any, server: Server, device: Any, note: str
) -> None:
    """A clinician's shorthand note, assessed before the screens are answered: what was read is listed in words
    (no finding ids or status codes), the unasked warning signs are counted by group with the list folded, the
    medicines lead with those a guideline supports (no strong opioid first), and the exercise advice is stated once."""

    page = _page(browser, server, device, audience="clinician")
    name = ("phone" if device is PHONE else "desktop") + ("_gp" if note is GP_NOTE else "_physio")
    page.fill("#note-text", note)
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    summary = page.locator("#not-assessed-summary")
    counted = r"Not assessed: \d+ warning signs?, \d+ of which could make this an emergency"
    assert re.search(counted, summary.inner_text())
    assert not page.locator("#not-assessed-summary details").evaluate("d => d.open"), "the list of signs is folded"
    box = summary.bounding_box()
    assert box and box["height"] < device["viewport"]["height"] / 3, "the unasked signs leave room for the rest"
    _axe(page, f"clinician summary from a note ({name})")
    _shot(page, f"web_{name}_note_summary.png")
    offered = page.eval_on_selector_all("#offer-drugs [data-drug]", "els => els.map(e => e.dataset.drug)")
    assert offered and offered[0] not in ("morphine", "tramadol", "codeine_paracetamol", "hydrocodone_paracetamol")
    page.eval_on_selector_all("#view-clinician details", "els => els.forEach(d => { d.open = true; })")
    read = page.inner_text("#note-findings")
    assert not re.search(RAW_ID, read), read
    if note is GP_NOTE:
        assert "Reduced patellar reflex (left): yes" in read and "Duration: 21 days" in read
        assert "Medicine: apixaban" in read
        assert "eGFR: 28.0 mL/min/1.73 m²" in read, "a measure is named and given its unit"
    plan = page.locator("#view-clinician .plan-step li").all_inner_texts()
    assert sum("group exercise programme" in line for line in plan) == 1, "one statement, one line"
    exercise = page.locator("#view-clinician li[data-treatments~=pilates]")
    assert exercise.locator("strong").inner_text().count(",") <= 2, "a few names shown, the rest folded"
    assert "Pilates" in exercise.locator("details.more-names").inner_text()
    # Acute sciatica (3 and 2 weeks): NICE advises against opioids only once sciatica is chronic.
    against = page.eval_on_selector_all("#view-clinician [data-drug]", "els => els.map(e => e.textContent)")
    assert not [t for t in against if t.startswith("Tramadol") and "Advised against" in t]
    page.locator("#note-findings").scroll_into_view_if_needed()
    _axe(page, f"note findings ({name})")
    _shot(page, f"web_{name}_note_findings.png")
    assert not _errors(page)


def test_patient_is_told_what_to_do_about_unasked_questions(browser: Any, server: Server) -> None:
    """Questions the page could not ask come with what to do about them, and self-care steps are the person's own
    first-days steps even though the plan states the exercise advice once, in weeks 2 to 6."""
    page = _page(browser, server, PHONE)
    _no_to_all_screens(page)
    _mark_l4(page, phone=True)
    page.fill("#duration", "9")
    page.click("#assess-btn")
    page.locator("#patient-action").wait_for()
    steps = page.inner_text("#self-care")
    assert "Aerobic exercise" in steps and "Pilates" not in steps and "Physiotherapy" not in steps
    if page.locator("#not-assessed").count():
        advice = page.inner_text("#not-assessed-advice")
        assert "speak to a clinician today" in advice and "NHS 111" in advice
        page.locator("#not-assessed").scroll_into_view_if_needed()
    _axe(page, "patient result with unasked questions (phone)")
    _shot(page, "web_phone_patient_unasked.png")
    assert not _errors(page)


CES_NOTE = "48F 2/7 severe LBP and bilateral sciatica, new saddle anaesthesia and urinary retention, PR tone reduced."


@pytest.mark.parametrize("device", DEVICES)
def test_an_emergency_from_a_note_puts_the_instruction_on_top(browser: Any, server: Server, device: Any) -> None:
    """An emergency read from a clinician's note shows the same top-of-page instruction as an emergency answer
    in the interview, worded for the clinician, with the warning-sign screens put away (they cannot change it); a
    corrected note that is no emergency takes it away and brings the screens back, in the clinician's words. The
    medicine options are folded under 'emergency first'."""
    page = _page(browser, server, device, audience="clinician")
    name = "phone" if device is PHONE else "desktop"
    page.locator("#interview .question").wait_for()
    assert "Cauda equina screen" in page.inner_text("#interview"), "the screen is reworded when the audience changes"
    page.fill("#note-text", CES_NOTE)
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    assert page.get_attribute("#clin-summary dd[data-level]", "data-level") == "emergency"
    assert page.is_visible("#emergency") and page.get_attribute("#emergency", "role") == "alert"
    assert not page.is_visible("#safety")
    instruction = page.inner_text("#emergency-instruction")
    assert "999" in instruction and instruction.startswith("Send the person")
    assert "cauda equina" in page.inner_text("#emergency").lower()
    assert page.is_visible("#emergency-drugs") and not page.is_visible("#offer-drugs"), "medicines folded"
    page.evaluate("window.scrollTo(0, 0)")
    assert _in_viewport(page, "#emergency-instruction")
    _axe(page, f"emergency from a note ({name})")
    _shot(page, f"web_{name}_note_emergency_top.png")
    page.fill("#note-text", "45M 3/52 L leg pain to the medial shin, no saddle anaesthesia, bladder and bowels normal.")
    page.click("#assess-btn")
    page.wait_for_selector("#clin-summary dd[data-level]:not([data-level=emergency])")
    assert not page.is_visible("#emergency") and page.is_visible("#safety")
    assert not _errors(page)


def test_unasked_warning_signs_are_asked_in_their_own_words(browser: Any, server: Server) -> None:
    """A red flag left unassessed is asked with the catalogue's own question for its one remaining sign, so 'yes'
    means the sign is there ('Are you able to walk, or…?' answered 'yes' once meant 'cannot walk'); one question is
    shown once even when two red flags wait on it; an answer reassesses, and a 'yes' to an emergency sign puts the
    emergency instruction on top."""
    page = _page(browser, server, DESKTOP, audience="clinician")
    page.fill("#note-text", PHYSIO_NOTE)
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    page.check('input[name=audience][value="patient"]')
    walk = page.locator('#not-assessed li[data-red-flag="unable_to_walk_flag"]')
    assert walk.inner_text().startswith("Have your legs become so weak or numb that you cannot stand or walk?")
    questions = page.eval_on_selector_all("#not-assessed li", "els => els.map(e => e.firstChild.textContent)")
    assert len(questions) == len(set(questions)), "each question once"
    _axe(page, "unasked signs with answers (desktop)")
    page.locator("#not-assessed").scroll_into_view_if_needed()
    _shot(page, "web_desktop_unasked_signs.png")
    walk.locator('button[data-answer="no"]').click()
    page.wait_for_selector('#not-assessed li[data-red-flag="unable_to_walk_flag"]', state="detached")
    assert not page.is_visible("#emergency")
    page.locator('#not-assessed li[data-red-flag="acute_limb_ischaemia_flag"] button[data-answer="yes"]').click()
    page.locator("#emergency").wait_for()
    assert "999" in page.inner_text("#emergency-instruction")
    assert page.get_attribute("#patient-action", "data-level") == "emergency"
    assert not _errors(page)


def test_a_red_flag_joining_several_signs_asks_each_sign(browser: Any, server: Server) -> None:
    """A red flag whose open question joins several signs (fever, or injecting drugs, or a recent procedure) lists the
    catalogue's question for each sign with its own answers, and no sign is asked twice across the list."""
    page = _page(browser, server, DESKTOP, audience="clinician")
    page.fill("#note-text", PHYSIO_NOTE)
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    infection = page.locator('#not-assessed li[data-red-flag="suspected_spinal_infection"]')
    signs = infection.locator("li[data-question]")
    assert signs.count() >= 2
    for i in range(signs.count()):
        assert signs.nth(i).locator("button.answer").count() == 3
    yes = "#not-assessed button[data-answer=yes]"
    asked = page.eval_on_selector_all(yes, "els => els.map(e => e.dataset.question)")
    assert len(asked) == len(set(asked)), "each sign asked once"
    fever = page.locator('#not-assessed li[data-question="rf_fever"] button[data-answer="no"]')
    fever.click()
    page.wait_for_selector('#not-assessed li[data-question="rf_fever"]', state="detached")
    assert not _errors(page)


def test_unsure_saddle_sensation_from_the_record_means_today(browser: Any, server: Server) -> None:
    """'Unsure' on a cauda equina sign recorded outside the interview (the EHR, the form or a note) gives the same
    same-day action in the patient's view as 'not sure' in the interview."""
    case = {"age": 40, "duration_days": 10, "red_flags": {"saddle_anaesthesia": "unsure"}}
    encoded = base64.urlsafe_b64encode(json.dumps(case).encode()).decode().rstrip("=")
    ctx = browser.new_context(base_url=server.url, **DESKTOP)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    page.goto(f"/#case={encoded}")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    page.check('input[name=audience][value="patient"]')
    action = page.locator("#patient-action")
    action.wait_for()
    assert "NHS 111" in action.inner_text() and "few days" not in action.inner_text()
    _axe(page, "same-day from the record")


def test_patient_list_pages_with_more_patients(browser: Any, server: Server) -> None:
    """More patients than one page: the list shows the first page and 'More patients' adds the rest, each once.
    (Last in this file: the patients it adds would push those of the tests above off the first page.)"""
    for n in range(120):
        request = urllib.request.Request(
            server.url + "/api/patients",
            data=json.dumps({"reference": f"PAGE-{n:03d}"}).encode(),
            headers={"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()
    page = _page(browser, server, DESKTOP, audience="clinician")
    page.fill("#token-input", server.token)
    page.click("#token-form button")
    page.wait_for_selector("#more-patients")
    assert page.locator("#patient-select option").count() == 101, "one page of 100 and the prompt"
    assert page.locator("#patient-select option", has_text="PAGE-119").count() == 0
    page.click("#more-patients")
    page.locator("#patient-select option", has_text="PAGE-119").wait_for(state="attached")
    labels = page.eval_on_selector_all("#patient-select option", "els => els.map(e => e.textContent)")
    assert len(labels) == len(set(labels)) and sum(label.startswith("PAGE-") for label in labels) == 120
    assert page.locator("#more-patients").count() == 0, "no button once the last page is in"
    page.select_option("#patient-select", label="PAGE-119")
    page.wait_for_selector("#new-episode-form")
    _axe(page, "paged patient list")
    assert not _errors(page)


def test_an_area_a_note_names_without_a_side_is_shown_as_side_not_stated(browser: Any, server: Server) -> None:
    """A note that names an area but not the leg ("numb over the front of the thigh") keeps the area: the record
    says the side was not stated, and assessing again with the form does not fail on the side-less mark."""
    page = _page(browser, server, DESKTOP, audience="clinician")
    note = "52M 2/52 LBP. Numb over the front of the thigh. No saddle anaesthesia, bladder and bowels normal."
    page.fill("#note-text", note)
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    assert "(side not stated)" in page.input_value("#notes-text")
    page.click("#assess-btn")
    page.locator("#clin-summary").wait_for()
    assert not _errors(page)
