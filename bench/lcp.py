"""First load and LCP (issue 14): every main page cold, in Chromium on a throttled phone.

Run with ``.venv/bin/python bench/lcp.py`` (SQLite unless DATABASE_URL is set). It builds a
throw-away instance the way ``bench/run.py`` does (temporary MAILLON_DATA_DIR,
``MAILLON_ENV=development``: ``collectstatic`` with WhiteNoise's hashed and compressed files, as in
production; the demo data plus 40 notifications), starts ``maillon serve --port 8161`` on it,
opens one session per demo person in-process (``maillon.testing.allauth_login``, as
``bench/load.py`` does) and sets its cookie into each browser context. Then, with Playwright and
Debian's Chromium and a DevTools protocol session on the page:

- ``Network.emulateNetworkConditions``: Lighthouse's « Slow 4G » as it names it (150 ms RTT,
  1.6 Mbps down, 750 kbps up; ``--profile slow4g``, the default) or as its DevTools throttling
  applies it (latency × 3.75 = 562.5 ms, throughput × 0.9: ``--profile devtools``);
- ``Emulation.setCPUThrottlingRate`` 4 and ``Network.setCacheDisabled``, in a fresh browser
  context for every load (an empty cache).

For each page of ``bench/pages.py`` (``PAGES``), and the login page (anonymous), it loads the page
``--runs`` times (the dashboard
at least 5) and keeps the median of:
- **requests**: every request the browser sent for the page (CDP ``Network.requestWillBeSent``,
  ``data:`` URLs excepted), and the requests the server saw meanwhile (uvicorn's access log: it
  also sees what DevTools does not show, such as a favicon fetched by the browser itself);
- **bytes**: the transferred bytes, ``encodedDataLength`` of ``Network.loadingFinished``
  (compressed bodies plus response headers);
- **FCP** and **LCP** (``PerformanceObserver``, ``largest-contentful-paint``, buffered).

Prints a table, writes bench/results/lcp.json and exits 1 over budget: every page ≤ 30 KB
transferred and ≤ 6 requests, LCP ≤ 650 ms on the dashboard.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PAGES, fill  # noqa: E402
from run import RESULTS, ROOT, prepare, setup_django  # noqa: E402

PORT = 8161
BUDGET_BYTES = 30 * 1024
BUDGET_REQUESTS = 6
BUDGET_LCP_MS = {"dashboard": 650.0}
# Besides bench/pages.py's main pages: the login page, every person's first page (anonymous).
LOGIN = ("login", "/comptes/login/", None)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

KBPS = 1024 / 8  # Lighthouse's « Mbps » and « kbps » are 1024-based; CDP wants bytes per second
PROFILES = {
    # Lighthouse's mobileSlow4G constants (core/config/constants.js): rttMs 150,
    # throughputKbps 1.6 × 1024, uploadThroughputKbps 750.
    "slow4g": {"latency": 150.0, "downloadThroughput": 1.6 * 1024 * KBPS, "uploadThroughput": 750 * KBPS},
    # The same as Lighthouse's DevTools throttling applies it: requestLatencyMs = rtt × 3.75,
    # downloadThroughputKbps and uploadThroughputKbps × 0.9.
    "devtools": {"latency": 150.0 * 3.75, "downloadThroughput": 1.6 * 1024 * 0.9 * KBPS, "uploadThroughput": 750 * 0.9 * KBPS},
}
CPU_SLOWDOWN = 4
QUIET_LOAD = 0.5  # load average per core under which FCP and LCP are worth comparing

# Read once the page has loaded: FCP from the paint timeline, LCP from a buffered observer (its
# entries arrive in a later task, hence the two animation frames and the short wait).
PAINTS_JS = """() => new Promise(resolve => {
  let lcp = null;
  try {
    new PerformanceObserver(list => { for (const e of list.getEntries()) lcp = e.startTime; })
      .observe({type: 'largest-contentful-paint', buffered: true});
  } catch (e) {}
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  const timeline = [['html', Math.round(nav.responseStart), Math.round(nav.responseEnd)]].concat(
    performance.getEntriesByType('resource').map(r => [r.name.split('/').pop().split('?')[0],
                                                       Math.round(r.startTime), Math.round(r.responseEnd)]));
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve({
    lcp: lcp, fcp: fcp ? fcp.startTime : null, timeline: timeline,
  }), 50)));
})"""
LCP_ELEMENT_JS = """() => new Promise(resolve => {
  new PerformanceObserver(list => {
    const e = list.getEntries().at(-1);
    const el = e && e.element;
    resolve(el ? el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '') + ' ' + Math.round(e.size) + 'px²' : null);
  }).observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve(null), 500);
})"""


# ---------------------------------------------------------------- the server

class Server:
    """``maillon serve`` in a child process, with uvicorn's access log read in a thread."""

    ACCESS = re.compile(r'"(GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3})')

    def __init__(self, port: int):
        env = dict(os.environ, LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
        self.port = port
        self.lines: list[tuple[float, str, int]] = []
        self.output: list[str] = []  # the other lines, shown if the server stops
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "maillon.cli", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
                return
            except OSError:
                if self.process.poll() is not None:
                    time.sleep(0.5)
                    raise SystemExit(f"maillon serve stopped (exit {self.process.returncode}):\n" + "".join(self.output[-30:])) from None
                time.sleep(0.3)
        raise SystemExit("maillon serve did not answer within 60 s")

    def _read(self) -> None:
        for line in self.process.stdout:
            if match := self.ACCESS.search(line):
                self.lines.append((time.monotonic(), match.group(2), int(match.group(3))))
            else:
                self.output.append(line)

    def requests_since(self, since: float) -> list[str]:
        return [path for at, path, _ in self.lines if at >= since and path not in {"/healthz"}]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------- one cold load

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # checked again where it is needed
    PlaywrightTimeout = TimeoutError

def load_once(browser, base: str, cookie: dict, url: str, conditions: dict, server: Server, after_login: bool = False) -> dict:
    """One load of ``url`` in a fresh browser context: cold (cache disabled), or with ``after_login``
    as a person's real first visit goes: the login page first, anonymous and cold, then ``url``
    with the session, the login page's static files in the browser's cache (only ``url`` counted)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
                                  has_touch=True, locale="fr-FR")
    page = context.new_page()
    if after_login:
        login = context.new_cdp_session(page)
        login.send("Network.enable")
        login.send("Network.emulateNetworkConditions", dict(conditions, offline=False))
        login.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(base + LOGIN[1], wait_until="load", timeout=60_000)
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_load_state("networkidle", timeout=5_000)
        login.detach()
        page.close()
        page = context.new_page()
    if cookie:
        context.add_cookies([dict(cookie, url=base)])
    cdp = context.new_cdp_session(page)
    requests: dict[str, str] = {}
    finished: dict[str, int] = {}
    failed: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    cdp.on("Network.requestWillBeSent", lambda e: requests.setdefault(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: finished.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    cdp.on("Network.loadingFailed", lambda e: failed.append(requests.get(e["requestId"], "?") + " " + e.get("errorText", "")))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not after_login})
    cdp.send("Network.emulateNetworkConditions", dict(conditions, offline=False))
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    time.sleep(0.05)
    started = time.monotonic()
    response = page.goto(url, wait_until="load", timeout=60_000)
    if response is None or response.status != 200:
        raise SystemExit(f"{url} answered {response.status if response else 'nothing'}")
    if page.url != url:
        raise SystemExit(f"{url} ended on {page.url} (session refused?)")
    with contextlib.suppress(PlaywrightTimeout):  # a page that keeps a connection open still gets measured
        page.wait_for_load_state("networkidle", timeout=5_000)
    paints = page.evaluate(PAINTS_JS)
    element = page.evaluate(LCP_ELEMENT_JS)
    time.sleep(0.3)  # the access log line of the last request
    server_seen = server.requests_since(started)
    context.close()
    fetched = [u for u in requests.values() if not u.startswith("data:")]
    return {
        "requests": len(fetched),
        "server_requests": len(server_seen),
        "bytes": sum(size for rid, size in finished.items() if not requests.get(rid, "").startswith("data:")),
        "fcp_ms": paints["fcp"],
        "lcp_ms": paints["lcp"],
        "lcp_element": element,
        "timeline": paints["timeline"],
        "urls": [u.removeprefix(base) for u in fetched],
        "server_urls": server_seen,
        "failed": failed + [f"script error: {e}" for e in errors],
    }


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def measure_page(browser, base, cookie, name, url, runs, conditions, server, after_login=False) -> dict:
    loads = [load_once(browser, base, cookie, url, conditions, server, after_login) for _ in range(runs)]
    requests = median([max(x["requests"], x["server_requests"]) for x in loads])
    result = {
        "page": name, "path": url.removeprefix(base), "runs": runs,
        "requests": requests,
        "devtools_requests": median([x["requests"] for x in loads]),
        "server_requests": median([x["server_requests"] for x in loads]),
        "bytes": median([x["bytes"] for x in loads]),
        "fcp_ms": median([x["fcp_ms"] for x in loads]),
        "lcp_ms": median([x["lcp_ms"] for x in loads]),
        "lcp_all_ms": [None if x["lcp_ms"] is None else round(x["lcp_ms"], 1) for x in loads],
        "lcp_element": loads[-1]["lcp_element"],
        "timeline": loads[-1]["timeline"],
        "urls": loads[-1]["urls"],
        "server_urls": loads[-1]["server_urls"],
        "failed": sorted({f for x in loads for f in x["failed"]}),
    }
    over = []
    if after_login:  # the cold-load budgets are for an empty cache
        pass
    elif result["bytes"] > BUDGET_BYTES:
        over.append(f"{result['bytes'] / 1024:.1f} KB > {BUDGET_BYTES / 1024:.0f} KB")
    if requests > BUDGET_REQUESTS and not after_login:
        over.append(f"{requests:.0f} requests > {BUDGET_REQUESTS}")
    if name in BUDGET_LCP_MS and (result["lcp_ms"] is None or result["lcp_ms"] > BUDGET_LCP_MS[name]):
        over.append(f"LCP {result['lcp_ms']} ms > {BUDGET_LCP_MS[name]:.0f} ms")
    result["over_budget"] = over
    return result


# ---------------------------------------------------------------- the run

def sessions(usernames: set[str]) -> dict[str, dict]:
    from django.conf import settings
    from django.test import Client

    from maillon.accounts.models import User
    from maillon.testing import allauth_login

    cookies = {}
    for username in usernames:
        client = Client()
        allauth_login(client, User.objects.get(username=username))
        cookies[username] = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    return cookies


def run(args, data_dir: str) -> int:
    from django.db import connection
    from playwright.sync_api import sync_playwright

    from maillon.organisations.models import Organisation

    org = Organisation.objects.get(slug=args.org)
    pages = [(n, fill(p, org), u) for n, p, u in PAGES if not args.pages or n in args.pages.split(",")]
    if not args.pages or "login" in args.pages.split(","):
        pages.append(LOGIN)
    cookies = sessions({u for *_, u in pages if u})
    cookies[None] = None
    database = connection.vendor
    connection.close()  # SQLite: leave the file to the server
    base = f"http://127.0.0.1:{args.port}"
    conditions = PROFILES[args.profile]
    load_average = os.getloadavg()
    server = Server(args.port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for _name, path, user in pages:  # warm the server (imports, caches); not measured
                load_once(browser, base, cookies[user], base + path, {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}, server)
            results = [
                measure_page(browser, base, cookies[user], name, base + path,
                             max(args.runs, 5) if name in BUDGET_LCP_MS else args.runs, conditions, server,
                             after_login=args.after_login and user is not None)
                for name, path, user in pages
            ]
            version = browser.version
            browser.close()
    finally:
        server.stop()

    how = "after the login page (its static files cached)" if args.after_login else "cold"
    print(f"\nFirst load, {how}, {args.profile} ({conditions['latency']:.1f} ms, "
          f"{conditions['downloadThroughput'] * 8 / 1e6:.2f} Mbit/s down), CPU ×{CPU_SLOWDOWN}, Chromium {version}, {database}; "
          f"load average {load_average[0]:.2f} at start\n")
    print(f"{'page':<15}{'requests':>9}{'KB':>8}{'FCP ms':>9}{'LCP ms':>9}  budget")
    for r in results:
        flag = "OVER: " + ", ".join(r["over_budget"]) if r["over_budget"] else "ok"
        print(f"{r['page']:<15}{r['requests']:>9.0f}{r['bytes'] / 1024:>8.1f}{r['fcp_ms'] or 0:>9.0f}{r['lcp_ms'] or 0:>9.0f}  {flag}")
        if args.verbose:
            print("     devtools:", " ".join(r["urls"]))
            print("     server:  ", " ".join(r["server_urls"]))
            print("     LCP:", r["lcp_element"], r["lcp_all_ms"])
            print("     last load (file, start, end ms):", " ".join(f"{n} {a}–{b}" for n, a, b in r["timeline"]))
        for failure in r["failed"]:
            print("     failed:", failure)
    print(f"(median of {args.runs} loads, dashboard {max(args.runs, 5)}; KB = transferred, headers included; "
          f"budgets: ≤ {BUDGET_BYTES // 1024} KB and ≤ {BUDGET_REQUESTS} requests every page, LCP ≤ 650 ms dashboard)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if max(load_average[0], os.getloadavg()[0]) > QUIET_LOAD * (os.cpu_count() or 1):
        print(f"The machine was busy (load average above {QUIET_LOAD} per core): the CPU-throttled renderer waited for "
              "a core, so FCP and LCP are too high; bytes and requests do not depend on it.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps({
        "profile": args.profile, "after_login": args.after_login, "conditions": conditions, "cpu_slowdown": CPU_SLOWDOWN, "chromium": version,
        "database": database, "runs": args.runs, "load_average_start": load_average, "load_average_end": os.getloadavg(),
        "budgets": {"bytes": BUDGET_BYTES, "requests": BUDGET_REQUESTS, "lcp_ms": BUDGET_LCP_MS}, "pages": results,
    }, indent=2, ensure_ascii=False))
    print(f"Results: {RESULTS / args.output}")
    return 1 if any(r["over_budget"] for r in results) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold loads per page (the dashboard: at least 5)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="slow4g")
    parser.add_argument("--pages", help="comma-separated page names (default: all of bench/pages.py)")
    parser.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--output", default="lcp.json")
    parser.add_argument("--verbose", action="store_true", help="list each page's requests and its LCP element")
    parser.add_argument("--after-login", action="store_true",
                        help="a person's real first visit: the login page cold, then each page with its static files cached "
                             "(LCP budget only; bytes and requests are the page's own)")
    parser.add_argument("--data-dir", help="keep the instance in this directory and reuse it next time (to iterate)")
    args = parser.parse_args()
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        fresh = not (Path(args.data_dir) / "ready").exists()
        setup_django(str(Path(args.data_dir).resolve()))
        if fresh:
            prepare(40)
            (Path(args.data_dir) / "ready").touch()
        return run(args, args.data_dir)
    with tempfile.TemporaryDirectory(prefix="maillon-lcp-") as data_dir:
        setup_django(data_dir)
        prepare(40)
        return run(args, data_dir)


if __name__ == "__main__":
    sys.exit(main())
