"""The web dashboard in a real browser: headless Chromium driven by playwright over a live server.

One uvicorn server (a background thread, a free loopback port) serves a temporary SQLite
store filled the way a user fills it: ``examples/reports.jsonl`` and ``examples/report.txt``
ingested through :class:`App`, plus two hand-written reports of one air strike from two
outlets (merged by the store, so that unmerge has something to undo; the first opens with an
emoji, so that evidence offsets in code points differ from JavaScript's UTF-16 indices).

Every assertion compares what the page shows with what the API returns, so the tests hold
whatever the extractor finds in the examples. Each page records its console errors and every
request it makes: a request outside the loopback server is aborted and fails the test.

Chromium is Debian's ``/usr/bin/chromium`` (``scripts/chromium.sh`` installs it; ``MARSAD_CHROMIUM``
names another); playwright never downloads a browser. Without Chromium or playwright the tests
skip, saying why, except under ``CI``, where they fail.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from marsad.api import create_app
from marsad.app import App, Config
from marsad.model import Actor, Document, Event, Evidence, Place

try:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Route, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "examples" / "reports.jsonl", ROOT / "examples" / "report.txt"]
CHROMIUM = Path(os.environ.get("MARSAD_CHROMIUM") or "/usr/bin/chromium")
#: a fresh profile per launch comes from playwright itself (a new temporary user-data-dir)
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 10_000

# two reports of one (invented) air strike on Saraqib, written for these tests
STRIKE_A = "🔴 عاجل | قُتل ستة مدنيين بينهم طفلان في غارة جوية استهدفت سوقاً شعبياً في مدينة سراقب شرقي إدلب مساء السبت."
STRIKE_B = "ذكرت مصادر طبية أن سبعة مدنيين لقوا حتفهم إثر قصف جوي طال سوق مدينة سراقب مساء السبت الماضي."
SARAQIB = Place(name="Saraqib", name_ar="سراقب", latitude=35.8647, longitude=36.8006, country="SY", admin1="Idlib",
                geo_precision=1, id="t-saraqib")
AIR_FORCE = Actor(name="Military Forces of Syria", name_ar="الطيران الحربي", category=1, id="t-syaf")
CIVILIANS = Actor(name="Civilians", name_ar="مدنيين", category=7, id="t-civ")
STRIKE_DAY = date(2026, 11, 21)


def strike_doc(doc_id: str, outlet: str, text: str, killed: int) -> Document:
    """A document with one hand-built event whose evidence points into its text (code point offsets)."""
    spans = []
    for role, words in (("trigger", ("غارة جوية", "قصف جوي")), ("location", ("سراقب",)),
                        ("fatalities", ("ستة مدنيين", "سبعة مدنيين")), ("actor2", ("مدنيين",)),
                        ("date", ("مساء السبت",))):
        word = next(w for w in words if w in text)
        start = text.index(word)
        spans.append(Evidence(role, start, start + len(word), word))
    ev = Event(doc_id=doc_id, event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
               date=STRIKE_DAY, time_precision=1, actor1=AIR_FORCE, actor2=CIVILIANS, location=SARAQIB,
               fatalities=killed, source=outlet, notes=f"{killed} civilians killed in Saraqib", evidence=spans)
    return Document(id=doc_id, text=text, published=STRIKE_DAY, outlet=outlet, events=[ev],
                    title="غارة على سوق سراقب")


def unavailable(reason: str) -> None:
    """Skip without a browser, but fail under CI, where scripts/test.sh must have installed one."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI needs the browser tests: run scripts/test.sh, which installs Chromium)")
    pytest.skip(reason)


# --------------------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, _shared_cache: Path) -> Iterator[App]:
    """The application over a temporary SQLite store with the examples and one merged event.

    The session's index cache (conftest) is shared: the gazetteer index built by other tests is reused.
    """
    home = tmp_path_factory.mktemp("browser-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MARSAD_HOME", str(home))
        mp.setenv("MARSAD_CACHE", str(_shared_cache))
        with App(Config(db=str(home / "dashboard.sqlite"))) as app:
            report = app.ingest([str(p) for p in EXAMPLES])
            assert report.stored == 4 and not report.errors, report
            app.store.add_document(strike_doc("strike-a", "Outlet A", STRIKE_A, 6))
            assert app.store.add_document(strike_doc("strike-b", "Outlet B", STRIKE_B, 7)).merged == 1
            yield app


@contextmanager
def serving(app: App) -> Iterator[str]:
    """The base URL of the real server (uvicorn in a thread) for ``app`` on a free loopback port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(app), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, name="marsad-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def server(store: App) -> Iterator[str]:
    """The server over the filled store."""
    with serving(store) as base:
        yield base


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over a new, empty store (what a user sees before ingesting anything)."""
    home = tmp_path_factory.mktemp("browser-empty")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MARSAD_HOME", str(home))
        with App(Config(db=str(home / "empty.sqlite"))) as app, serving(app) as base:
            yield base


def get(base: str, path: str, **params: Any) -> Any:
    """The JSON body of ``GET base+path?params`` (the API itself, not through the page)."""
    query = "?" + urlencode(params) if params else ""
    with urllib.request.urlopen(base + path + query, timeout=10) as res:
        return json.loads(res.read().decode("utf-8"))


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium (one per module), never a downloaded browser."""
    if sync_playwright is None:
        unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"Chromium not found at {CHROMIUM} (run scripts/chromium.sh, or set MARSAD_CHROMIUM)")
    pw: Playwright = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
    except Exception as e:
        pw.stop()
        unavailable(f"Chromium at {CHROMIUM} does not start: {str(e).splitlines()[0]}")
    try:
        yield b
    finally:
        b.close()
        pw.stop()


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Watch:
    """What a page did: console errors, uncaught exceptions, every request URL, refused outside requests."""

    errors: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error" and not any(a in msg.text for a in self.allowed):
            self.errors.append(f"console: {msg.text} at {msg.location.get('url')}")

    def on_route(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or (parts.scheme == "http" and parts.hostname in LOOPBACK):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def check(self) -> None:
        assert not self.outside, f"the page asked for something outside the server: {self.outside}"
        assert not self.errors, f"the page logged errors: {self.errors}"


@pytest.fixture
def watched(browser: Browser, server: str) -> Iterator[tuple[Page, Watch]]:
    """A fresh page (its own context) on the server, with its errors and requests recorded and checked."""
    context: BrowserContext = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    watch = Watch()
    context.route("**/*", watch.on_route)
    page = context.new_page()
    page.on("console", watch.on_console)
    page.on("pageerror", lambda exc: watch.errors.append(f"uncaught: {exc}"))
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        yield page, watch
        watch.check()
    finally:
        context.close()


def open_dashboard(page: Page, base: str, hash_: str = "") -> None:
    """Load the dashboard and wait until the table shows the events."""
    page.goto(base + "/" + hash_)
    page.wait_for_selector("#events tbody tr[data-id]")


def table_ids(page: Page) -> list[int]:
    return [int(x) for x in page.eval_on_selector_all("#events tbody tr[data-id]", "rs => rs.map(r => r.dataset.id)")]


def api_ids(base: str, **params: Any) -> list[int]:
    return [e["id"] for e in get(base, "/api/events", limit=5000, **params)]


def wait_for_table(page: Page, expected: list[int]) -> None:
    """Wait until the table lists exactly ``expected`` (in the API's order)."""
    page.wait_for_function("ids => JSON.stringify([...document.querySelectorAll('#events tbody tr[data-id]')]"
                           ".map(r => Number(r.dataset.id))) === JSON.stringify(ids)", arg=expected)


def open_event(page: Page, event_id: int) -> None:
    """Click the event's row and wait for its detail with every article loaded."""
    page.click(f"#events tbody tr[data-id='{event_id}']")
    wait_for_detail(page, event_id)


def wait_for_detail(page: Page, event_id: int) -> None:
    page.wait_for_function("id => { const d = document.querySelector('#detail');"
                           " return d.textContent.includes('event #' + id + ' ') && d.querySelector('.article')"
                           " && !d.textContent.includes('loading the article'); }", arg=event_id)


# --------------------------------------------------------------------------- the tests


def test_page_loads_clean_and_only_talks_to_its_server(watched: tuple[Page, Watch], server: str) -> None:
    page, watch = watched
    open_dashboard(page, server)
    stats = get(server, "/api/stats")
    page.wait_for_function("() => document.querySelector('#stats').textContent.includes('articles')")
    header = page.text_content("#stats") or ""
    for key, label in (("documents", "articles"), ("events", "events"), ("merged_events", "merged")):
        assert f"{stats[key]}{label}" in header, (key, header)
    paths = {urlsplit(u).path for u in watch.requests}
    assert {"/", "/static/app.js", "/static/app.css", "/api/stats", "/api/events"} <= paths
    assert all(u.startswith(server + "/") for u in watch.requests), watch.requests
    # nothing sticks out of the window sideways
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    # the brand's Arabic name is laid out right to left
    assert page.eval_on_selector(".brand .ar", "e => getComputedStyle(e).direction") == "rtl"
    # the endpoint list loads too
    page.goto(server + "/docs")
    page.wait_for_selector("#docs .endpoint")
    assert page.locator("#docs .endpoint").count() >= 10


LAYOUT = """() => {
    const box = (sel) => document.querySelector(sel).getBoundingClientRect();
    const center = ['.map-card', '.timeline-card', '.table-card'].map(box);
    const filters = box('.filters'), detail = box('.detail');
    const tl = document.querySelector('#timeline'), vb = tl.viewBox.baseVal, r = tl.getBoundingClientRect();
    const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    return {
        overlaps: center.flatMap((c, i) => [filters, detail].filter(o => overlap(c, o)).map(() => i)),
        timelineScale: [vb.width / r.width, vb.height / r.height],
        sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
}"""


@pytest.mark.parametrize("width", [1400, 1100, 800])
def test_layout_holds_at_common_widths(watched: tuple[Page, Watch], server: str, width: int) -> None:
    page, _ = watched
    page.set_viewport_size({"width": width, "height": 800})
    merged = get(server, "/api/events", merged="true")[0]["id"]
    open_dashboard(page, server, f"#event={merged}")
    wait_for_detail(page, merged)
    layout = page.evaluate(LAYOUT)
    assert layout["overlaps"] == [], f"the map, timeline or table run under a side panel at {width} px"
    assert layout["sideways"] <= 0
    # the timeline is drawn at its own size: one unit a pixel, not squeezed into a letterbox
    assert all(abs(s - 1) < 0.02 for s in layout["timelineScale"]), layout["timelineScale"]
    page.set_viewport_size({"width": width - 150, "height": 700})  # drawn again on resize
    page.wait_for_function("() => { const t = document.querySelector('#timeline');"
                           " return Math.abs(t.viewBox.baseVal.width - t.getBoundingClientRect().width) < 2; }")


def test_map_draws_one_marker_per_located_event(watched: tuple[Page, Watch], server: str) -> None:
    page, _ = watched
    open_dashboard(page, server)
    events = get(server, "/api/events", limit=5000)
    located = {e["id"] for e in events if e["location"]}
    assert located and len(located) >= 5
    titles = page.eval_on_selector_all("#map circle.ev", "cs => cs.map(c => c.querySelector('title').textContent)")
    assert len(titles) == len(located)
    assert page.locator("#map image").count() == 0  # background tiles are off unless the user sets them
    # no marker hides another: events at one place are spread around it
    centres = page.eval_on_selector_all("#map circle.ev", "cs => cs.map(c => [c.cx.baseVal.value, c.cy.baseVal.value])")
    assert len({(round(x, 1), round(y, 1)) for x, y in centres}) == len(centres)
    assert {int(t.split()[0].lstrip("#")) for t in titles} == located
    missing = len(events) - len(located)
    assert page.inner_text("#map-note").startswith(f"{len(located)} events on the map")
    assert (f"{missing} without a place" in page.inner_text("#map-note")) == bool(missing)
    # every marker lies inside the map and a click on one opens its event
    box = page.locator("#map").bounding_box()
    assert box is not None
    inside = page.eval_on_selector_all(
        "#map circle.ev", "(cs, b) => cs.every(c => { const r = c.getBoundingClientRect();"
        " const x = r.x + r.width / 2, y = r.y + r.height / 2;"
        " return x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height; })", box)
    assert inside
    merged = get(server, "/api/events", merged="true")[0]["id"]
    page.locator("#map circle.ev", has=page.locator(f"title:text-matches('^#{merged} ')")).dispatch_event("click")
    wait_for_detail(page, merged)
    assert page.locator(f"#map circle.ev.sel >> title:text-matches('^#{merged} ')").count() == 1


def test_timeline_bars_count_days_and_a_click_filters(watched: tuple[Page, Watch], server: str) -> None:
    page, _ = watched
    open_dashboard(page, server)
    events = get(server, "/api/events", limit=5000)
    per_day: dict[str, int] = {}
    for e in events:
        if e["date"]:
            per_day[e["date"]] = per_day.get(e["date"], 0) + 1
    assert len(per_day) >= 3
    assert page.inner_text("#timeline-title").lower() == "events per day"
    bars = page.eval_on_selector_all("#timeline rect.bar", "bs => bs.map(b => b.querySelector('title').textContent)")
    shown = {t.split(":")[0]: int(t.split(":")[1].split()[0]) for t in bars}
    assert shown == per_day
    # a taller bar for more events
    heights = {t.split(":")[0]: h for t, h in zip(bars, page.eval_on_selector_all(
        "#timeline rect.bar", "bs => bs.map(b => b.getBBox().height)"), strict=True)}
    busiest, quietest = max(per_day, key=per_day.__getitem__), min(per_day, key=per_day.__getitem__)
    assert per_day[busiest] == per_day[quietest] or heights[busiest] > heights[quietest]

    bar = page.locator("#timeline rect.bar", has=page.locator(f"title:text-matches('^{STRIKE_DAY}:')"))
    bar.click()
    on_day = [e["id"] for e in events if e["date"] == str(STRIKE_DAY)]
    wait_for_table(page, on_day)
    assert page.locator("#timeline rect.bar.sel").count() == 1
    assert "showing" in page.inner_text("#day-note")
    assert page.locator("#map circle.ev").count() == len(on_day)
    page.locator("#timeline rect.bar.sel").click()  # again: every day
    wait_for_table(page, [e["id"] for e in events])
    assert page.locator("#timeline rect.bar.sel").count() == 0


@pytest.mark.parametrize("fill", [
    {"type": "Battles"},
    {"type": "Explosions/Remote violence"},
    {"since": "2026-11-22", "until": "2026-11-23"},
    {"text": "سراقب"},
    {"actor": "Syria", "until": "2026-11-23"},
])
def test_filters_change_the_table(watched: tuple[Page, Watch], server: str, fill: dict[str, str]) -> None:
    page, _ = watched
    open_dashboard(page, server)
    everything = api_ids(server)
    expected = api_ids(server, **fill)
    assert expected and len(expected) < len(everything), f"{fill} should select some events, not all"
    for name, value in fill.items():
        if name == "type":
            page.select_option(f"#filters [name={name}]", value)
        else:
            page.fill(f"#filters [name={name}]", value)
    page.click("#filters button[type=submit]")
    wait_for_table(page, expected)
    assert page.inner_text("#count").startswith(f"{len(expected)} shown")
    # the export links carry the same filters
    href = page.get_attribute("#exp-jsonl", "href") or ""
    assert all(f"{k}=" in href for k in fill)
    page.click("#clear-filters")
    wait_for_table(page, everything)


def article_pieces(page: Page, source_index: int) -> dict[str, Any]:
    """The article of one source card: its text and its pieces with code point offsets and mark roles."""
    return page.eval_on_selector_all("#detail .source .article", """(arts, i) => {
        const art = arts[i];
        const pieces = [];
        let at = 0;
        for (const node of art.childNodes) {
            if (node.nodeType === 1 && node.classList.contains('title')) continue;
            const text = node.textContent, n = [...text].length;
            const mark = node.nodeType === 1 && node.tagName === 'MARK';
            pieces.push({start: at, end: at + n, text, roles: mark ? node.title.split(', ') : []});
            at += n;
        }
        const style = getComputedStyle(art);
        const title = art.querySelector('.title');
        return {text: pieces.map(p => p.text).join(''), pieces, direction: style.direction, lang: art.lang,
                align: style.textAlign, title: title ? title.textContent : null};
    }""", source_index)


def check_highlights(page: Page, server: str, event_id: int) -> int:
    """Every evidence span of every source is highlighted at exactly its offsets; returns the spans checked."""
    detail = get(server, f"/api/events/{event_id}")
    checked = 0
    for i, source in enumerate(detail["sources"]):
        doc = get(server, f"/api/documents/{source['document_id']}")
        art = article_pieces(page, i)
        assert art["text"] == doc["text"]
        assert art["direction"] == "rtl" and art["lang"] == "ar"
        assert art["title"] == (doc.get("title") or None)
        for ev in source["evidence"]:
            start, end, role = ev["start"], ev["end"], ev["role"]
            inside = [p for p in art["pieces"] if p["start"] >= start and p["end"] <= end]
            assert inside and inside[0]["start"] == start and inside[-1]["end"] == end, (role, start, end)
            assert all(role in p["roles"] for p in inside), (role, inside)
            assert "".join(p["text"] for p in inside) == doc["text"][start:end]
            if ev.get("text"):
                assert ev["text"] == doc["text"][start:end]
            checked += 1
        # nothing outside the evidence is marked
        covered = {k for ev in source["evidence"] for k in range(ev["start"], ev["end"])}
        for p in art["pieces"]:
            if p["roles"]:
                assert set(range(p["start"], p["end"])) <= covered
    return checked


def test_detail_highlights_every_evidence_span_at_its_offsets(watched: tuple[Page, Watch], server: str) -> None:
    page, _ = watched
    open_dashboard(page, server)
    checked = 0
    for event_id in table_ids(page):
        open_event(page, event_id)
        checked += check_highlights(page, server, event_id)
        assert page.locator(f"#events tbody tr.sel[data-id='{event_id}']").count() == 1
        assert page.url.endswith(f"#event={event_id}")
    assert checked >= 20


def test_arabic_article_is_laid_out_right_to_left(watched: tuple[Page, Watch], server: str) -> None:
    page, _ = watched
    merged = get(server, "/api/events", merged="true")[0]["id"]
    open_dashboard(page, server, f"#event={merged}")  # a deep link opens the event
    wait_for_detail(page, merged)
    # the emoji before the evidence must not shift the highlights (offsets are code points)
    check_highlights(page, server, merged)
    first = page.eval_on_selector("#detail .source .article", """art => {
        const title = art.querySelector('.title');
        const node = title.firstChild, range = document.createRange();
        const rect = (i) => { range.setStart(node, i); range.setEnd(node, i + 1); return range.getBoundingClientRect(); };
        const box = art.getBoundingClientRect();
        return {first: rect(0).right, second: rect(1).right, left: box.left, right: box.right};
    }""")
    # the first letter of the title sits at the right edge, the next one to its left
    assert first["first"] > first["second"]
    assert first["right"] - first["first"] < (first["right"] - first["left"]) / 4
    assert page.locator("#detail mark.ev.r-location", has_text="سراقب").count() >= 1


def test_keyboard_moves_through_the_table_and_opens_rows(watched: tuple[Page, Watch], server: str) -> None:
    page, _ = watched
    open_dashboard(page, server)
    ids = table_ids(page)
    assert len(ids) >= 3
    page.focus(f"#events tbody tr[data-id='{ids[0]}']")
    focused = "() => Number(document.activeElement.dataset.id)"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == ids[1]
    page.keyboard.press("Enter")
    wait_for_detail(page, ids[1])
    page.keyboard.press("End")
    assert page.evaluate(focused) == ids[-1]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == ids[-2]
    page.keyboard.press(" ")
    wait_for_detail(page, ids[-2])
    page.keyboard.press("Home")
    assert page.evaluate(focused) == ids[0]
    assert page.get_attribute(f"#events tbody tr[data-id='{ids[-2]}']", "aria-current") == "true"
    # the rows are reached with Tab from the page, like any control
    assert page.get_attribute(f"#events tbody tr[data-id='{ids[0]}']", "tabindex") == "0"


def review_badge(page: Page, event_id: int) -> str:
    return page.inner_text(f"#events tbody tr[data-id='{event_id}'] .badge")


def test_review_buttons_persist(watched: tuple[Page, Watch], server: str) -> None:
    page, _ = watched
    open_dashboard(page, server)
    event_id = next(e["id"] for e in get(server, "/api/events", limit=5000) if e["n_sources"] == 1)
    open_event(page, event_id)
    page.fill("#detail .review input", "checked against the article")
    page.click("#detail .review button.accept")
    page.wait_for_function("id => document.querySelector(`#events tbody tr[data-id='${id}'] .badge`)"
                           ".textContent === 'accepted'", arg=event_id)
    assert get(server, f"/api/events/{event_id}")["review_state"] == "accepted"
    page.wait_for_selector("#detail .badge.accepted")  # the detail is drawn again with the new state

    page.reload()  # the page keeps the event in its address and reads the state back from the server
    page.wait_for_selector("#events tbody tr[data-id]")
    wait_for_detail(page, event_id)
    assert review_badge(page, event_id) == "accepted"
    page.select_option("#filters [name=review]", "accepted")
    page.click("#filters button[type=submit]")
    wait_for_table(page, [event_id])

    page.click("#clear-filters")
    wait_for_table(page, api_ids(server))
    page.click("#detail .review button.reject")
    page.wait_for_function("id => document.querySelector(`#events tbody tr[data-id='${id}'] .badge`)"
                           ".textContent === 'rejected'", arg=event_id)
    assert get(server, f"/api/events/{event_id}")["review_state"] == "rejected"
    page.wait_for_selector("#detail .badge.rejected")
    page.click("#detail .review button:text('Needs review')")
    page.wait_for_function("id => document.querySelector(`#events tbody tr[data-id='${id}'] .badge`)"
                           ".textContent === 'to review'", arg=event_id)
    assert get(server, f"/api/events/{event_id}")["review_state"] == "unreviewed"


def test_unmerge_splits_a_merged_event(watched: tuple[Page, Watch], server: str) -> None:
    page, _ = watched
    open_dashboard(page, server)
    merged = get(server, "/api/events", merged="true")
    assert len(merged) == 1 and merged[0]["n_sources"] == 2
    event_id = merged[0]["id"]
    before = api_ids(server)
    page.wait_for_function("() => document.querySelector('#stats').textContent.includes('1merged')")
    open_event(page, event_id)
    assert page.locator("#detail .source").count() == 2
    assert "merged because" in page.inner_text("#detail .source >> nth=1")
    page.click("#detail .review button:text('Unmerge')")  # the confirmation dialog is accepted
    page.wait_for_function("() => !document.querySelector('#toast').hidden && "
                           "document.querySelector('#toast').textContent.includes('split into')")
    after = api_ids(server)
    assert len(after) == len(before) + 1 and set(before) < set(after)
    assert get(server, "/api/events", merged="true") == []
    wait_for_table(page, after)
    page.wait_for_function("() => document.querySelectorAll('#detail .source').length === 1")  # drawn again
    wait_for_detail(page, event_id)
    assert page.locator("#detail .review button:text('Unmerge')").count() == 0
    page.wait_for_function("() => document.querySelector('#stats').textContent.includes('0merged')")
    (new_id,) = set(after) - set(before)
    assert get(server, f"/api/events/{new_id}")["n_sources"] == 1
    open_event(page, new_id)
    check_highlights(page, server, new_id)


def test_bad_input_is_told_in_a_toast(watched: tuple[Page, Watch], server: str) -> None:
    page, watch = watched
    open_dashboard(page, server)
    everything = api_ids(server)
    page.fill("#filters [name=since]", "2026-11-24")
    page.fill("#filters [name=until]", "2026-11-20")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#toast.error:not([hidden])")
    assert page.inner_text("#toast") == '"From" (2026-11-24) is after "To" (2026-11-20); swap them'
    assert table_ids(page) == everything  # nothing was asked of the server, the table stays
    # a link to an event that does not exist says so (the browser logs the 404 itself)
    watch.allowed.append("status of 404")
    missing = max(everything) + 1000
    page.goto(f"{server}/#event={missing}")
    page.wait_for_function("() => document.querySelector('#toast').textContent.includes('E310')")
    assert f"event {missing} does not exist" in page.inner_text("#toast")
    assert page.locator("#detail .empty").count() == 1 and "#event=" not in page.url
    # a link followed on the open page opens that event
    page.goto(f"{server}/#event={everything[1]}")
    wait_for_detail(page, everything[1])
    page.goto(f"{server}/#event={missing}")  # and a bad one empties the panel again
    page.wait_for_selector("#detail .empty")


@pytest.mark.parametrize(("first", "last", "width", "unit", "bins"), [
    ("2026-11-01", "2026-11-30", 600, "day", 30),
    ("2026-01-01", "2026-06-30", 300, "week", 27),  # Monday 2025-12-29 to Monday 2026-06-29
    ("2024-03-15", "2026-11-02", 200, "month", 33),
])
def test_timeline_bins_by_day_week_or_month(watched: tuple[Page, Watch], server: str, first: str, last: str,
                                            width: int, unit: str, bins: int) -> None:
    page, _ = watched
    open_dashboard(page, server)
    got = page.evaluate("""([first, last, width]) => {
        const b = binning([first, last], width);
        const keys = [first, last].map(b.key);
        return {unit: b.unit, n: b.n, keys, index: keys.map(b.index), ends: keys.map(b.end)};
    }""", [first, last, width])
    assert (got["unit"], got["n"]) == (unit, bins)
    assert got["index"] == [0, bins - 1]
    d0, d1 = date.fromisoformat(first), date.fromisoformat(last)
    k0, k1 = (date.fromisoformat(k) for k in got["keys"])
    e0, e1 = (date.fromisoformat(k) for k in got["ends"])
    assert k0 <= d0 <= e0 and k1 <= d1 <= e1  # each day lies in its bin
    if unit == "week":
        assert k0.weekday() == 0 and (e0 - k0).days == 6
    if unit == "month":
        assert k0.day == 1 and date.fromordinal(e0.toordinal() + 1).day == 1  # the bin ends on the month's last day


def test_an_empty_store_says_how_to_fill_it(watched: tuple[Page, Watch], empty_server: str) -> None:
    page, _ = watched
    page.goto(empty_server + "/")
    page.wait_for_function("() => document.querySelector('#events tbody').textContent.includes('No events yet')")
    assert "marsad ingest" in page.inner_text("#events tbody")
    assert page.locator("#map circle.ev").count() == 0
    assert page.inner_text("#map-note").startswith("0 events on the map")
    assert page.text_content("#timeline") == "no dated events"
    page.wait_for_function("() => document.querySelector('#stats').textContent.includes('0articles')")
