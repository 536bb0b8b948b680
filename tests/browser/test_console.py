#!/usr/bin/python3
"""test_console: the web console (enlace web) end to end, in a real browser.

Run by meson (suite 'browser') with /usr/bin/python3, Debian's selenium,
chromium and chromedriver, against a real hub on a free loopback port and
real `enlace web` processes, one per officer:

  1. Mexico's consular focal point raises an urgent alert (MX, GT) in its
     browser; Guatemala's console shows the banner (desktop notification
     and sound recorded) and acknowledges it with a note; the ST's board
     shows GT acknowledged and MX pending.
  2. A TLP:RED message to Guatemala's focal point appears in its console and
     in no other: not the ST's, not another Guatemalan officer's.
  3. Hostile bodies, headlines and names (<script>, <img onerror>,
     javascript: links, a right-to-left override) render as inert text:
     no element, no script run, no dialog, no CSP violation.
  4. A request without the session cookie, with a foreign Host, with a
     used or wrong token, or a cross-origin POST gets 403 and changes
     nothing (the hub's history is checked).
  5. The Spanish page is in Spanish; a case form's error (the hub's, naming
     the field) appears beside that field.
  6. A hub that goes away shows "reconnecting" and a stale bar; back, it
     shows "connected".
  7. The PPT's written consultation: Honduras's focal point (the PPT)
     opens one in its console; Mexico (the Troika) answers `agree` in its
     own, and the PPT's board shows it at once; Guatemala's focal point
     (not in the Troika) has no list entry, and asking for it by URL or by
     the API gets exactly the answer for a consultation that does not
     exist; round 1 shows each country's deadline in the reader's time and
     in the country's zone; round 2's revised text with what changed; the
     close with its reason and report. The hub counts a business day as
     2 s (--business-day 2s), so that round 1's deadlines pass in seconds.
  8. Measured and printed, never asserted: from the hub's storing of an
     alert to its banner on screen; a console holding 10,000 messages
     scrolled from top to bottom (frame times, long tasks).

Every page is photographed (1280x800 PNG) into ENLACE_SCREENSHOTS (default:
a temporary directory, removed); `ENLACE_SCREENSHOTS=$PWD/docs meson test
-C build test_console` refreshes the set committed under docs/.

Every product process it starts (enlace-hub, enlace, enlace web, the flood
helper) has its exit status checked, and writes its sanitizer reports
(ASan/UBSan builds) into a directory of the test's own: any report fails
the test. Everything started is stopped by its PID.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    webdriver = None

FAILURES = []
T0 = time.monotonic()


def log(msg):
    print("[%6.1fs] %s" % (time.monotonic() - T0, msg), flush=True)


def check(cond, what):
    if cond:
        log("ok   " + what)
    else:
        log("FAIL " + what)
        FAILURES.append(what)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Env:
    """The temporary directory, the binaries and every process started."""

    def __init__(self):
        self.hub_bin = os.environ["ENLACE_HUB_BIN"]
        self.keygen = os.environ["ENLACE_KEYGEN_BIN"]
        self.cli = os.environ["ENLACE_CLI_BIN"]
        self.flood = os.environ["ENLACE_FLOOD_BIN"]
        self.web_dir = os.environ["ENLACE_WEB_DIR"]
        self.tmp = tempfile.mkdtemp(prefix="enlace-browser-")
        self.san = os.path.join(self.tmp, "sanitizer")
        os.makedirs(self.san)
        shots = os.environ.get("ENLACE_SCREENSHOTS", "")
        self.shots = shots or os.path.join(self.tmp, "screenshots")
        os.makedirs(self.shots, exist_ok=True)
        self.env = dict(os.environ)
        for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            old = self.env.get(var, "")
            self.env[var] = (old + ":" if old else "") + "log_path=%s/report" % self.san
        for var in ("ENLACE_PROFILE", "ENLACE_HUB", "ENLACE_HUB_KEY", "ENLACE_KEY", "LANGUAGE",
                    "LC_ALL", "ENLACE_CHARTJS_DIR"):
            self.env.pop(var, None)
        self.env["LANG"] = "C.UTF-8"
        self.env["ENLACE_WEB_DIR"] = self.web_dir
        self.procs = {}  # name -> Popen
        self.data = os.path.join(self.tmp, "hub")
        self.port = free_port()
        self.endpoint = "tcp://127.0.0.1:%d" % self.port

    def run(self, args, want=0, timeout=60, stdin=None):
        r = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=timeout,
                           input=stdin)
        if r.returncode != want:
            raise RuntimeError("%s exited %d (wanted %d): %s %s" % (
                " ".join(args[:3]), r.returncode, want, r.stdout[-2000:], r.stderr[-2000:]))
        return r.stdout

    def start(self, name, args, stdout=None):
        out = open(stdout or os.path.join(self.tmp, name + ".out"), "w")
        err = open(os.path.join(self.tmp, name + ".err"), "w")
        p = subprocess.Popen(args, env=self.env, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL)
        out.close()
        err.close()
        self.procs[name] = p
        return p

    def stop(self, name, want=0, sig=signal.SIGTERM, timeout=30):
        p = self.procs.pop(name)
        if p.poll() is None:
            p.send_signal(sig)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
            check(False, "%s stops within %d s of SIGTERM" % (name, timeout))
        if not check(rc == want, "%s exits %d (got %d)" % (name, want, rc)):
            with open(os.path.join(self.tmp, name + ".err")) as f:
                log("%s's stderr:\n%s" % (name, f.read()[-3000:]))
        return rc

    def sanitizer_reports(self):
        reports = []
        for f in sorted(os.listdir(self.san)):
            with open(os.path.join(self.san, f), errors="replace") as fh:
                reports.append((f, fh.read()))
        return reports

    def cleanup(self):
        for name in list(self.procs):
            p = self.procs.pop(name)
            if p.poll() is None:
                p.kill()
                p.wait()
        if not os.environ.get("ENLACE_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)


class Officer:
    def __init__(self, env, short, name, args):
        self.short = short
        self.name = name
        base = os.path.join(env.tmp, "keys", short)
        os.makedirs(os.path.dirname(base), mode=0o700, exist_ok=True)
        env.run([env.keygen, base])
        env.run([env.hub_bin, "officer", "add", env.data, "--key", base + ".public"] + args
                + ["--name", name])
        self.secret = base + ".secret"
        self.public = base + ".public"
        self.fingerprint = env.run([env.keygen, "--fingerprint", self.public]).strip()
        self.profile = base + ".profile"
        with open(self.profile, "w") as f:
            f.write("hub = %s\nhub_key = %s\nkey = %s\n" % (
                env.endpoint, os.path.join(env.data, "hub.public"), self.secret))

    def cli(self, env, *args, want=0):
        return env.run([env.cli, "--profile", self.profile] + list(args), want=want)


class Console:
    """One `enlace web` process: its port and login link."""

    def __init__(self, env, officer, extra=()):
        self.officer = officer
        self.name = "web-" + officer.short
        self.out = os.path.join(env.tmp, self.name + ".out")
        env.start(self.name, [env.cli, "--profile", officer.profile, "web"] + list(extra),
                  stdout=self.out)
        deadline = time.monotonic() + 30
        self.url = None
        while time.monotonic() < deadline:
            with open(self.out) as f:
                m = re.search(r"http://127\.0\.0\.1:(\d+)/login#([0-9a-f]{64})", f.read())
            if m:
                self.port = int(m.group(1))
                self.token = m.group(2)
                self.url = m.group(0)
                break
            if env.procs[self.name].poll() is not None:
                break
            time.sleep(0.05)
        if not self.url:
            with open(os.path.join(env.tmp, self.name + ".err")) as f:
                raise RuntimeError("%s printed no link: %s" % (self.name, f.read()))
        self.origin = "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, headers=None, host=None):
        """A raw HTTP request (not a browser): status, headers, body."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        c.putheader("Host", host or "127.0.0.1:%d" % self.port)
        data = body.encode() if isinstance(body, str) else body
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        if data is not None:
            c.putheader("Content-Length", str(len(data)))
        c.endheaders(data)
        r = c.getresponse()
        out = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read())
        c.close()
        return out


# ---------------------------------------------------------------- the browser

# Runs before every page's own scripts (DevTools, which CSP does not
# block): records what a test cannot see otherwise. Notifications and tones
# are recorded, then really made; banners are timed when inserted and when
# the next frame is drawn; CSP violations, dialogs and long tasks counted.
INIT_SCRIPT = r"""
(() => {
  const rec = window.__test = {notifications: [], tones: 0, banners: {}, painted: {},
    arrived: {}, csp: [], dialogs: 0, longtasks: []};
  // When each alert's event reached the page, and the console's own stamp.
  const add = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (type, fn, ...rest) {
    if (type === 'message') {
      const orig = fn;
      fn = function (ev) {
        try {
          const m = JSON.parse(ev.data);
          if (m.alert) rec.arrived[m.seq] = {page: performance.timeOrigin + performance.now(),
            console: m.received_ms, stored: m.stored_ms};
        } catch (e) {}
        return orig.call(this, ev);
      };
    }
    return add.call(this, type, fn, ...rest);
  };
  const N = window.Notification;
  if (N) {
    const Fake = function (title, opts) {
      rec.notifications.push({title: title, body: opts && opts.body, tag: opts && opts.tag});
      try { return new N(title, opts); } catch (e) { return {close() {}}; }
    };
    Object.defineProperty(Fake, 'permission', {get: () => N.permission});
    Fake.requestPermission = (...a) => N.requestPermission(...a);
    window.Notification = Fake;
  }
  if (window.OscillatorNode) {
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...a) { rec.tones++; return start.apply(this, a); };
  }
  for (const f of ['alert', 'prompt']) {
    window[f] = function () { rec.dialogs++; return undefined; };
  }
  document.addEventListener('securitypolicyviolation',
    (e) => rec.csp.push(e.violatedDirective + ' ' + e.blockedURI));
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) rec.longtasks.push(e.duration); })
      .observe({entryTypes: ['longtask']});
  } catch (e) {}
  new MutationObserver((muts) => {
    const now = performance.timeOrigin + performance.now();
    for (const m of muts) for (const n of m.addedNodes) {
      if (n.nodeType === 1 && n.matches('section.banner[data-alert]')) {
        const id = n.dataset.alert;
        if (!(id in rec.banners)) {
          rec.banners[id] = now;
          requestAnimationFrame(() => { rec.painted[id] = performance.timeOrigin + performance.now(); });
        }
      }
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""


class Browser:
    def __init__(self, env, name, lang):
        self.name = name
        self.env = env
        self.profile_dir = tempfile.mkdtemp(prefix="chromium-", dir=env.tmp)
        o = webdriver.ChromeOptions()
        o.binary_location = CHROMIUM
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--window-size=1280,800", "--user-data-dir=" + self.profile_dir,
                  "--autoplay-policy=no-user-gesture-required", "--no-first-run",
                  "--disable-extensions", "--disable-background-networking",
                  "--disable-background-timer-throttling", "--disable-renderer-backgrounding"]:
            o.add_argument(a)
        o.add_experimental_option("prefs", {
            "intl.accept_languages": lang,
            "profile.default_content_setting_values.notifications": 1,
        })
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(CHROMEDRIVER, env={**os.environ, "TZ": "America/Guatemala"})
        self.d = webdriver.Chrome(service=service, options=o)
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        self.d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INIT_SCRIPT})
        self.logs = []

    def wait(self, fn, what, timeout=20):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.05).until(lambda d: fn())
        except TimeoutException:
            check(False, "%s: %s (within %d s)" % (self.name, what, timeout))
            return None

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def login(self, console):
        self.console = console
        # Notifications allowed for this origin from the start (as if the
        # officer had said yes once); the page's button then stays hidden.
        self.d.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": console.origin, "permissions": ["notifications"]})
        self.d.get(console.url)
        ok = self.wait(lambda: self.js(
            "const c = document.getElementById('conn'); return c && c.dataset.state"),
            "the console opens after the one-time link")
        return ok == "connected"

    def go(self, route):
        self.js("location.hash = arguments[0]", route)

    def find(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def present(self, css):
        return len(self.finds(css)) > 0

    def shot(self, name, top=True):
        path = os.path.join(self.env.shots, name + ".png")
        if top:
            self.js("document.getElementById('main').scrollTop = 0; window.scrollTo(0, 0);"
                    "document.activeElement && document.activeElement.blur && document.activeElement.blur()")
        self.d.save_screenshot(path)
        log("screenshot %s (%s)" % (name, self.name))

    def drain_log(self):
        self.logs += self.d.get_log("browser")
        return self.logs

    def quit(self):
        try:
            self.drain_log()
            self.d.quit()
        finally:
            shutil.rmtree(self.profile_dir, ignore_errors=True)


# Form controls of the page that a screen reader could not name: no
# <label for>, no wrapping <label>, no aria-label(ledby).
UNLABELLED = r"""
return [...document.querySelectorAll('#main input, #main select, #main textarea, #banners input')]
  .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length)
    && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.id || el.name || el.outerHTML.slice(0, 60));
"""


def check_labels(b, page):
    missing = b.js(UNLABELLED)
    check(not missing, "%s: every form control on %s has a label %r" % (b.name, page, missing))


def start_browsers(env, specs):
    """Starts browsers in parallel (each takes seconds): {name: Browser}."""
    out, errors = {}, []

    def one(name, lang):
        try:
            out[name] = Browser(env, name, lang)
        except Exception as e:  # reported below
            errors.append("%s: %s" % (name, e))
    threads = [threading.Thread(target=one, args=s) for s in specs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        for b in out.values():
            b.quit()
        raise RuntimeError("chromium did not start: " + "; ".join(errors))
    return out


def set_value(b, css, value):
    el = b.find(css)
    el.clear()
    if value:
        el.send_keys(value)
    else:  # clearing alone may fire no input event
        b.js("arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", el)


def check_box(b, css, on=True):
    el = b.find(css)
    if el.is_selected() != on:
        el.click()


# ---------------------------------------------------------------- the steps

def hub_args(env):
    # A business day of 2 s: a consultation's round ends in 10 s.
    return [env.hub_bin, "run", env.data, "--bind", env.endpoint, "--business-day", "2s"]


def setup_hub(env):
    env.run([env.hub_bin, "init", env.data])
    people = {
        "mx": Officer(env, "mx", "Ana Morales", ["--country", "MX", "--network", "consular,crm",
                                                 "--role", "focal"]),
        "gt": Officer(env, "gt", "Luis Pérez", ["--country", "GT", "--network", "consular,crm",
                                                "--role", "focal"]),
        "gt2": Officer(env, "gt2", "Carla Gómez", ["--country", "GT", "--network", "consular",
                                                   "--role", "officer"]),
        "st": Officer(env, "st", "Secretaría Técnica", ["--org", "ST", "--role", "st"]),
        # The PPT: Honduras holds it this year (below), and its focal point
        # in crm acts for it; Mexico, next year's PPT, completes the Troika.
        "hn": Officer(env, "hn", "Sofía Reyes", ["--country", "HN", "--network", "crm",
                                                 "--role", "focal"]),
        # A name that is markup: it must show as these characters.
        "evil": Officer(env, "evil", '<img src=x onerror="window.__pwned=\'name\'">',
                        ["--country", "CR", "--network", "consular", "--role", "officer"]),
    }
    env.run([env.hub_bin, "ppt", "set", env.data, "--country", "HN"])
    env.run([env.hub_bin, "ppt", "set", env.data, "--country", "MX", "--year",
             str(time.gmtime().tm_year + 1)])
    env.start("hub", hub_args(env))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        r = subprocess.run([env.cli, "--profile", people["st"].profile, "--timeout", "500",
                            "whoami"], env=env.env, capture_output=True)
        if r.returncode == 0:
            return people
        if env.procs["hub"].poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError("the hub did not start on %s" % env.endpoint)


def security_checks(env, gt, browser, people):
    """Forged Host, no cookie, cross-origin and token misuse: 403, nothing changes."""
    cookie_name = "enlace_%d" % gt.port
    c = browser.d.get_cookie(cookie_name)
    check(c is not None and c.get("httpOnly") and c.get("sameSite") == "Strict",
          "the session cookie is HttpOnly and SameSite=Strict")
    good = {"Cookie": "%s=%s" % (cookie_name, c["value"])}
    marker = "forged-%d" % os.getpid()
    body = json.dumps({"topic": "consular/death/GT", "body": marker, "tlp": "CLEAR"})
    post_ok = {**good, "Origin": gt.origin, "Content-Type": "application/json"}

    st, hdr, _ = gt.request("GET", "/api/me", headers=good)
    check(st == 200, "GET /api/me with the cookie: 200 (got %d)" % st)
    check("script-src 'self'" in hdr.get("content-security-policy", "")
          and "frame-ancestors 'none'" in hdr.get("content-security-policy", ""),
          "responses carry the Content-Security-Policy")
    check(hdr.get("x-content-type-options") == "nosniff"
          and hdr.get("referrer-policy") == "no-referrer"
          and hdr.get("cache-control") == "no-store", "nosniff, no-referrer, no-store on the API")
    st, _, _ = gt.request("GET", "/api/me", headers=good, host="localhost:%d" % gt.port)
    check(st == 200, "Host localhost:PORT is this console too (got %d)" % st)

    refusals = [
        ("no cookie", "GET", "/api/me", None, {}, None),
        ("no cookie on the page itself", "GET", "/", None, {}, None),
        ("no cookie on an asset", "GET", "/js/main.js", None, {}, None),
        ("no cookie on the live feed", "GET", "/api/events", None, {}, None),
        ("a wrong cookie", "GET", "/api/me", None, {"Cookie": cookie_name + "=" + "ab" * 32}, None),
        ("a foreign Host (DNS rebinding)", "GET", "/api/me", None, good,
         "rebind.example:%d" % gt.port),
        ("a Host with another port", "GET", "/api/me", None, good, "127.0.0.1:%d" % (gt.port + 1)),
        ("a foreign Host on a POST", "POST", "/api/publish", body, post_ok, "evil.example"),
        ("a cross-origin POST", "POST", "/api/publish", body,
         {**good, "Origin": "http://evil.example", "Content-Type": "application/json"}, None),
        ("a POST from another port of this machine", "POST", "/api/publish", body,
         {**good, "Origin": "http://127.0.0.1:%d" % (gt.port + 1),
          "Content-Type": "application/json"}, None),
        ("a POST without Origin", "POST", "/api/publish", body,
         {**good, "Content-Type": "application/json"}, None),
        ("a POST with Origin null", "POST", "/api/publish", body,
         {**good, "Origin": "null", "Content-Type": "application/json"}, None),
        ("a POST without the cookie", "POST", "/api/publish", body,
         {"Origin": gt.origin, "Content-Type": "application/json"}, None),
        ("a cross-site fetch (Sec-Fetch-Site)", "GET", "/api/me", None,
         {**good, "Sec-Fetch-Site": "cross-site"}, None),
        ("a page of another port of this machine (Sec-Fetch-Site: same-site)", "GET",
         "/api/events", None, {**good, "Sec-Fetch-Site": "same-site"}, None),
        ("the used token again", "POST", "/api/session", json.dumps({"token": gt.token}),
         {"Origin": gt.origin, "Content-Type": "application/json"}, None),
        ("a wrong token", "POST", "/api/session", json.dumps({"token": "0" * 64}),
         {"Origin": gt.origin, "Content-Type": "application/json"}, None),
        ("a cross-origin token exchange", "POST", "/api/session",
         json.dumps({"token": "0" * 64}),
         {"Origin": "http://evil.example", "Content-Type": "application/json"}, None),
    ]
    for what, method, path, data, headers, host in refusals:
        st, _, _ = gt.request(method, path, body=data, headers=headers, host=host)
        check(st == 403, "%s: 403 (got %d)" % (what, st))
    st, _, _ = gt.request("POST", "/api/publish", body=body,
                          headers={**good, "Origin": gt.origin, "Content-Type": "text/plain"})
    check(st == 415, "a POST body that is not JSON: 415 (got %d)" % st)
    st, _, _ = gt.request("PUT", "/api/publish", body=body, headers=post_ok)
    check(st == 405, "PUT: 405 (got %d)" % st)
    st, _, page = gt.request("GET", "/login", headers={})
    check(st == 200 and b"login.js" in page, "the login page itself needs no session")
    # Nothing was stored: the marker is nowhere in Guatemala's history.
    hist = people["gt"].cli(env, "history", "consular/#", "--all")
    check(marker not in hist, "none of the refused POSTs was published")


def alert_flow(env, mx, gt, st, people):
    """MX raises an urgent alert; GT's banner; GT acknowledges; the ST's board."""
    mx.go("#/compose?alert=1")
    mx.wait(lambda: mx.present("#c-headline"), "the alert form")
    set_value(mx, "#c-topic", "death/MX")
    Select(mx.find("#c-priority")).select_by_value("urgent")
    Select(mx.find("#c-category")).select_by_value("death")
    check_box(mx, '#c-countries input[value="MX"]')
    check_box(mx, '#c-countries input[value="GT"]')
    set_value(mx, "#c-headline", "Fallecimiento en Tapachula")
    Select(mx.find("#c-severity")).select_by_value("severe")
    set_value(mx, "#c-area", "Tapachula, Chiapas")
    set_value(mx, "#c-body", "Se solicita apoyo consular para la repatriación.")
    mx.find("summary").click()
    Select(mx.find("#c-tr-language")).select_by_value("en")
    set_value(mx, "#c-tr-headline", "Death in Tapachula")
    set_value(mx, "#c-tr-description", "Consular support is requested for the repatriation.")
    check_labels(mx, "the alert form")
    mx.shot("console-compose-alert")
    mx.find("#c-send").click()
    ok = mx.wait(lambda: mx.find("#c-ok").text, "the alert is raised")
    m = re.search(r"(\d+)", ok or "")
    if not check(m is not None, "the page names the new alert (%r)" % ok):
        return None
    alert_id = int(m.group(1))

    # Guatemala: the banner, the tone, the notification.
    shown = gt.wait(lambda: gt.present('#banners section.banner[data-alert="%d"]' % alert_id),
                    "GT's console opens the banner for alert %d" % alert_id)
    if shown:
        text = gt.find('#banners section.banner[data-alert="%d"]' % alert_id).text
        check("Fallecimiento en Tapachula" in text and "URGENTE" in text,
              "the banner shows the headline and URGENTE in Spanish")
        gt.wait(lambda: gt.js("return window.__test.notifications.length") > 0,
                "a desktop notification is raised")
        notes = gt.js("return window.__test.notifications")
        check(any(str(alert_id) in n["title"] for n in notes),
              "the notification names the alert (%r)" % notes)
        check(gt.js("return window.__test.tones") >= 3, "the alarm sounds (three tones)")
        gt.wait(lambda: "quedan" in gt.find('[data-left="%d"]' % alert_id).text,
                "the banner counts down to the deadline")
    gt.wait(lambda: gt.js("return window.__test.painted[arguments[0]]", str(alert_id)),
            "the banner is drawn")
    check_labels(gt, "the inbox with a banner")
    gt.shot("console-banner-es")

    # Acknowledge from the banner, with a note.
    set_value(gt, "#banner-%d-note" % alert_id, "Recibido, se contacta a la familia")
    gt.find('#banners section[data-alert="%d"] .b-ack-btn' % alert_id).click()
    gt.wait(lambda: not gt.present('#banners section[data-alert="%d"]' % alert_id),
            "the banner closes once acknowledged")

    # The ST's board: GT acknowledged, MX pending.
    st.go("#/alerts")
    card = '#board article[data-alert="%d"]' % alert_id
    got = st.wait(lambda: st.present(card + ' li[data-country="GT"][data-state="acknowledged"]')
                  and st.present(card + ' li[data-country="MX"][data-state="pending"]'),
                  "the ST's board shows GT acknowledged and MX pending")
    if got:
        check("Recibido, se contacta a la familia" in st.find(card).text,
              "the board shows GT's note")
    st.shot("console-board")
    # Mexico's own console: its banner is still there (MX has not acknowledged).
    mx.wait(lambda: mx.present('#banners section[data-alert="%d"]' % alert_id),
            "MX's console shows the banner too (MX is concerned, still pending)")
    return alert_id


def banner_latency(env, gt, people, samples=5):
    """Measured, not asserted: from the hub storing an alert to its banner
    drawn on GT's screen, over a few alerts raised with the CLI."""
    rows = []
    for i in range(samples):
        out = people["mx"].cli(env, "alert", "consular/death/MX", "--priority", "flash",
                               "--category", "death", "--countries", "GT", "--headline",
                               "Prueba de latencia %d" % (i + 1), "--status", "exercise",
                               "Medición de latencia (simulacro).")
        aid = int(out.strip())
        if not gt.wait(lambda: gt.js("return window.__test.painted[arguments[0]]", str(aid)),
                       "the banner of drill %d is drawn" % aid):
            continue
        t = gt.js("return [window.__test.arrived[arguments[0]], window.__test.banners[arguments[0]],"
                  " window.__test.painted[arguments[0]]]", str(aid))
        arrived, inserted, painted = t
        if arrived:
            rows.append((arrived["console"] - arrived["stored"], arrived["page"] - arrived["console"],
                         inserted - arrived["page"], painted - inserted, painted - arrived["stored"]))
        gt.find('#banners section[data-alert="%d"] .b-ack-btn' % aid).click()
        gt.wait(lambda: not gt.present('#banners section[data-alert="%d"]' % aid),
                "drill %d acknowledged from its banner" % aid)
    if rows:
        med = lambda k: sorted(r[k] for r in rows)[len(rows) // 2]
        log("MEASURED delivery-to-banner over %d alerts (median; max): hub stored -> console got "
            "it %.0f ms; console -> page event %.0f ms; event -> banner in the DOM %.0f ms; "
            "DOM -> drawn %.0f ms; in all %.0f ms (max %.0f ms)" % (
                len(rows), med(0), med(1), med(2), med(3), med(4), max(r[4] for r in rows)))
        RESULTS["banner_ms"] = med(4)


def feed_events(console, cookie, until_seq, timeout=20):
    """Reads a console's live feed (Server-Sent Events) as a page would, until
    the message until_seq arrives: the seqs it carried."""
    c = http.client.HTTPConnection("127.0.0.1", console.port, timeout=timeout)
    c.request("GET", "/api/events", headers={"Host": "127.0.0.1:%d" % console.port,
                                             "Cookie": cookie})
    r = c.getresponse()
    seqs = []
    deadline = time.monotonic() + timeout
    buf = b""
    try:
        while time.monotonic() < deadline and until_seq not in seqs:
            chunk = r.fp.read1(65536) if hasattr(r.fp, "read1") else r.read(1)
            if not chunk:
                break
            buf += chunk
            while b"\n\n" in buf:
                event, buf = buf.split(b"\n\n", 1)
                for line in event.split(b"\n"):
                    if line.startswith(b"data: {\"seq\""):
                        seqs.append(json.loads(line[6:])["seq"])
    finally:
        c.close()
    return r.status, seqs


def login_cookie(console):
    """A session for a console without a browser: exchanges its token."""
    st, hdr, _ = console.request("POST", "/api/session", body=json.dumps({"token": console.token}),
                                 headers={"Origin": console.origin,
                                          "Content-Type": "application/json"})
    check(st == 200, "%s: the token opens a session (got %d)" % (console.name, st))
    return hdr.get("set-cookie", "").split(";")[0]


def red_flow(env, mx, gt, st, people, consoles):
    """A TLP:RED message reaches its named recipient's console only."""
    mx.go("#/compose")
    mx.wait(lambda: mx.present("#c-body"), "the compose form")
    set_value(mx, "#c-topic", "death/MX")
    Select(mx.find("#c-tlp")).select_by_value("RED")
    set_value(mx, "#c-recipient-fp", people["gt"].fingerprint)
    mx.find("#c-recipients button").click()
    mx.wait(lambda: mx.present('#c-recipient-list input[value="%s"]:checked'
                               % people["gt"].fingerprint), "the recipient is picked")
    Select(mx.find("#c-handling")).select_by_value("H2")
    Select(mx.find("#c-reliability")).select_by_value("B")
    Select(mx.find("#c-accuracy")).select_by_value("2")
    check_box(mx, "#c-personal")
    set_value(mx, "#c-body", "Pasaporte de la persona fallecida: G1234567")
    mx.wait(lambda: "TLP:RED" in mx.find("#c-recipients legend").text, "RED asks for recipients")
    mx.shot("console-compose-red")
    mx.find("#c-send").click()
    ok = mx.wait(lambda: mx.find("#c-ok").text, "the RED message is stored")
    m = re.search(r"(\d+)", ok or "")
    if not check(m is not None, "the page gives the RED message's number (%r)" % ok):
        return None
    red = int(m.group(1))
    # A CLEAR message after it: when a console has this one, it would have
    # had the RED one before it (deliveries come in sequence order).
    out = people["mx"].cli(env, "publish", "consular/death/MX", "--tlp", "CLEAR",
                           "Comunicado: se coordina la repatriación con el consulado.")
    sentinel = int(re.search(r"(\d+)", out).group(1))

    row = '.vrow[data-seq="%d"]' % red
    gt.go("#/inbox")
    if gt.wait(lambda: gt.present(row), "the RED message is in GT focal's inbox"):
        gt.find(row).click()
        gt.wait(lambda: gt.present('#inbox-detail article[data-seq="%d"]' % red), "its detail")
        detail = gt.find("#inbox-detail").text
        check("TLP:RED" in detail and "H2" in detail and "B2" in detail
              and "DATOS PERSONALES" in detail, "labels come before the content (es)")
        check(people["gt"].fingerprint in detail, "the RED message shows its named recipient")
        check("firma verificada" in detail, "the signature-verified mark")
    # The ST's console (its browser) and another Guatemalan officer's.
    st.go("#/inbox")
    st.wait(lambda: st.present('.vrow[data-seq="%d"]' % sentinel),
            "the ST's console got the message after the RED one")
    check(not st.js("return [...document.querySelectorAll('.vrow')].some(r => r.dataset.seq == arguments[0])", str(red))
          and not st.present('.vrow[data-seq="%d"]' % red),
          "the RED message is not in the ST's console")
    status, seqs = feed_events(consoles["gt2"], consoles["gt2_cookie"], sentinel)
    check(status == 200 and sentinel in seqs and red not in seqs,
          "the RED message is not in another GT officer's console (feed: %s)" % seqs[-5:])
    return red


HOSTILE = [
    ("script", "<script>window.__pwned='script'</script>Fin del mensaje."),
    ("img", '<img src=x onerror="window.__pwned=\'img\'"> foto adjunta'),
    ("javascript", "javascript:window.__pwned='link'"),
    ("anchor", '<a href="javascript:window.__pwned=\'anchor\'">abrir expediente</a>'),
    ("rlo", "Pasaporte adjunto: \u202egpj.exe"),
]


def hostile_flow(env, gt, people):
    """Hostile bodies, a hostile headline and a hostile name render inert."""
    evil = people["evil"]
    seqs = {}
    for key, body in HOSTILE:
        out = evil.cli(env, "publish", "consular/death/CR", "--tlp", "GREEN", body)
        seqs[key] = int(re.search(r"(\d+)", out).group(1))
    out = evil.cli(env, "alert", "consular/death/CR", "--priority", "urgent", "--category",
                   "other", "--countries", "CR,GT", "--headline",
                   '<svg onload="window.__pwned=\'svg\'">\u202eTRELA', "alerta de prueba")
    hostile_alert = int(out.strip())
    gt.go("#/inbox")
    for key, body in HOSTILE:
        row = '.vrow[data-seq="%d"]' % seqs[key]
        if not gt.wait(lambda: gt.present(row), "hostile message %s arrives" % key):
            continue
        gt.find(row).click()
        gt.wait(lambda: gt.present('#inbox-detail article[data-seq="%d"]' % seqs[key]),
                "its detail")
        shown = gt.js("return document.querySelector('#inbox-detail .msg-body').textContent")
        want = body.replace("\u202e", "\u27e8U+202E\u27e9")
        check(shown == want, "hostile %s: the body is shown as its characters (%r)" % (key, shown))
        if key == "rlo":
            check(gt.present("#inbox-detail .msg-body .ctl"),
                  "the right-to-left override is a visible mark")
            gt.shot("console-hostile-es")
    gt.wait(lambda: gt.present('#banners section[data-alert="%d"]' % hostile_alert),
            "the hostile alert's banner")
    banner = gt.js("return document.querySelector('#banners section[data-alert=\"%d\"] .b-title').textContent" % hostile_alert)
    check('<svg onload="window.__pwned=\'svg\'">' in (banner or ""),
          "a hostile headline is text in the banner")
    name = gt.js("return [...document.querySelectorAll('.vrow .who')].map(e => e.textContent)")
    check(any(n == evil.name for n in name), "a hostile officer name is text")
    check(gt.js("return window.__pwned === undefined"), "no hostile script ran")
    check(not gt.present("#main img, #banners img, #main svg, #banners svg, #main script, "
                         "#banners script, #main iframe, a[href^='javascript']"),
          "no element came from a message")
    check(gt.js("return window.__test.dialogs") == 0, "no dialog was opened")
    check(gt.js("return window.__test.csp") == [],
          "no Content-Security-Policy violation (%r)" % gt.js("return window.__test.csp"))
    # Acknowledge it, so the banner goes (and the screenshots stay clean).
    gt.find('#banners section[data-alert="%d"] .b-ack-btn' % hostile_alert).click()
    gt.wait(lambda: not gt.present('#banners section[data-alert="%d"]' % hostile_alert),
            "the hostile alert is acknowledged")
    return seqs


def case_flow(env, mx):
    """A case with the death form: the hub's refusal beside the field."""
    mx.go("#/cases/new")
    mx.wait(lambda: mx.present("#f-deceased_name"), "the case form")
    set_value(mx, "#n-title", "Fallecimiento en Tapachula")
    check_box(mx, 'input[name="n-countries"][value="GT"]')
    set_value(mx, "#f-deceased_name", "J. P.")
    set_value(mx, "#f-nationality", "GT")
    # The date of death left out: the hub refuses, naming the field.
    mx.find("#n-send").click()
    got = mx.wait(lambda: mx.find("#f-date_of_death-err").text, "the hub's refusal of a field")
    check(got and "date_of_death" in got
          and mx.find("#f-date_of_death").get_attribute("aria-invalid") == "true"
          and mx.js("return document.activeElement.id") == "f-date_of_death",
          "the hub's error (%r) is beside the field it names, which has the focus" % got)
    check_labels(mx, "the case form")
    mx.shot("console-case-form-error", top=False)
    mx.js("document.getElementById('f-date_of_death').value = '2026-11-20'")
    set_value(mx, "#f-place_of_death", "Tapachula")
    mx.find("#n-send").click()
    mx.wait(lambda: mx.present("#case-view h1"), "the case opens")
    check("J. P." in mx.find("#case-form").text, "the case shows its form's fields")
    out = mx.js("return location.hash")
    m = re.search(r"#/cases/(\d+)", out or "")
    case_id = int(m.group(1)) if m else 0
    # A message in the case, then the case's thread.
    mx.go("#/compose?case=%d" % case_id)
    mx.wait(lambda: mx.present('#c-case option[value="%d"]:checked' % case_id), "the case preset")
    set_value(mx, "#c-body", "La familia llega el lunes al consulado.")
    mx.find("#c-send").click()
    mx.wait(lambda: mx.find("#c-ok").text, "the message in the case is stored")
    mx.go("#/cases/%d" % case_id)
    mx.wait(lambda: "La familia llega" in mx.find("#case-view").text, "the case's thread")
    mx.shot("console-case")
    mx.go("#/cases")
    mx.wait(lambda: mx.present('#cases-list tr[data-case="%d"]' % case_id), "the case list")
    mx.shot("console-cases")
    return case_id


def history_flow(mx):
    mx.go("#/history")
    mx.wait(lambda: mx.present("#h-results article"), "history shows messages")
    check_labels(mx, "history")
    mx.shot("console-history")
    mx.go("#/search?q=tapachula")
    mx.wait(lambda: mx.present("#h-results article"), "search finds 'tapachula' (accents folded)")
    check("Tapachula" in mx.find("#h-results").text, "the search result is the right one")
    mx.shot("console-search")


def st_flow(st):
    st.go("#/st/stats")
    st.wait(lambda: st.present('figure[data-chart="chart-weekly"] canvas'), "the weekly chart")
    st.wait(lambda: st.js("const c = document.getElementById('chart-weekly'); return c && c.width > 0"),
            "chart.js draws")
    check("libjs-chart.js" not in st.find("#main").text, "charts come from Debian's chart.js")
    st.shot("console-stats")
    st.go("#/st/directory")
    st.wait(lambda: len(st.finds("#dir-list tbody tr")) >= 5, "the directory lists the officers")
    check_labels(st, "the directory")
    st.shot("console-directory")
    st.go("#/st/invitations")
    st.wait(lambda: st.present("#ppt-show dd"), "the PPT and Troika")
    set_value(st, "#ig-grantee", "UNICEF")
    Select(st.find("#ig-network")).select_by_value("child")
    set_value(st, "#ig-topics", "child/#")
    st.find("#inv-grant button[type=submit]").click()
    st.wait(lambda: st.present("#inv-list tr[data-invitation]"), "an invitation is granted")
    check("HN" in st.find("#ppt-show").text, "the current PPT is shown (HN)")
    check_labels(st, "invitations and PPT")
    st.shot("console-invitations")
    st.go("#/st/audit")
    st.wait(lambda: len(st.finds("#audit-list tbody tr")) > 0, "the audit log")
    check("invite.grant" in st.find("#audit-list").text, "the audit log shows the grant")
    st.shot("console-audit")


def api_get(console, cookie, path):
    st, _, body = console.request("GET", path, headers={"Cookie": cookie})
    return st, body


def consult_flow(env, hn, mx, gt, people, consoles):
    """The PPT opens a consultation; the Troika answers; the board; who may not see it."""
    hn.go("#/consult")
    if not hn.wait(lambda: hn.present("#consult-new #co-title"), "the PPT is offered the form"):
        return
    check("HN" in hn.find("#consult-new").text and "MX" in hn.find("#consult-new").text,
          "the form names the Troika (HN, MX)")
    set_value(hn, "#co-title", "Protocolo regional de retorno asistido")
    set_value(hn, "#co-text", "Se propone adoptar el protocolo regional.\n"
              "Artículo 1: alcance.\nArtículo 2: plazos de 30 días.")
    check_labels(hn, "the consultation form")
    hn.find("#co-send").click()
    if not hn.wait(lambda: hn.present("#consult-view h1"), "the new consultation opens"):
        return
    m = re.search(r"#/consult/(\d+)", hn.js("return location.hash") or "")
    cid = int(m.group(1)) if m else 0
    check(cid > 0, "the page goes to the new consultation (#%d)" % cid)
    check(hn.present('#consult-board-0 tr[data-country="MX"][data-state="pending"]'),
          "the PPT's board: Mexico pending in the Troika")

    # Mexico, in the Troika, answers agree with the keyboard.
    mx.go("#/consult")
    row = '#consult-list tr[data-consult="%d"]' % cid
    if mx.wait(lambda: mx.present(row), "the consultation is in Mexico's list"):
        mx.find(row + " a").click()
    mx.wait(lambda: mx.present("#consult-answer"), "Mexico is offered the answer for MX")
    check(mx.js("return [...document.querySelectorAll('input[name=\"ca-answer\"]')]"
                ".map(e => e.value).join(',')") == "agree,object",
          "the Troika answers agree or object")
    check_labels(mx, "the answer form")
    mx.find('input[name="ca-answer"][value="agree"]').send_keys(Keys.SPACE)
    mx.find("#consult-answer-send").send_keys(Keys.ENTER)
    mx.wait(lambda: mx.find("#consult-answer-ok").text, "Mexico's answer is stored")
    # The PPT's board shows it without a reload (the answer reaches the opener).
    mx_row = '#consult-board-0 tr[data-country="MX"][data-answer="agree"]'
    if hn.wait(lambda: hn.present(mx_row), "the PPT's board shows Mexico's agree"):
        check(people["mx"].name in hn.find(mx_row).text, "answered by Mexico's focal point, by name")

    # Guatemala's focal point (crm, not the Troika): nothing, as for none.
    gt.go("#/consult")
    gt.wait(lambda: gt.present("#consult-list p.muted, #consult-list table"), "GT's list")
    check(not gt.present('#consult-list tr[data-consult="%d"]' % cid),
          "GT (not in the Troika) has no list entry for it")
    gt.go("#/consult/%d" % cid)
    mine = gt.wait(lambda: gt.find("#consult-error").text, "GT's page for it by URL")
    gt.go("#/consult/999999")
    gt.wait(lambda: gt.find("#consult-error").text and gt.js(
        "return document.getElementById('consult-view').dataset.consult") == "999999", "none")
    none = gt.find("#consult-error").text
    check(mine and mine == none and not gt.present("#consult-board table"),
          "by URL: the answer for a consultation that does not exist (%r)" % mine)
    gt_cookie = "enlace_%d=%s" % (consoles["gt"].port,
                                  gt.d.get_cookie("enlace_%d" % consoles["gt"].port)["value"])
    for who, console, cookie in (("GT focal", consoles["gt"], gt_cookie),
                                 ("GT officer outside crm", consoles["gt2"],
                                  consoles["gt2_cookie"])):
        a = api_get(console, cookie, "/api/consult/%d" % cid)
        b = api_get(console, cookie, "/api/consult/999999")
        check(a[0] == 404 and a == b, "%s: GET /api/consult/%d is the answer for none: %r"
              % (who, cid, a))
        lst = api_get(console, cookie, "/api/consult")
        check(lst[0] == 200 and b'"id":%d,' % cid not in lst[1],
              "%s: the API's list has no entry for it" % who)
    body = json.dumps({"answer": "agree", "stage": 0})
    post = {"Cookie": gt_cookie, "Origin": consoles["gt"].origin,
            "Content-Type": "application/json"}
    a = consoles["gt"].request("POST", "/api/consult/%d/answer" % cid, body=body, headers=post)
    b = consoles["gt"].request("POST", "/api/consult/999999/answer", body=body, headers=post)
    check(a[0] == b[0] and a[2] == b[2] and a[0] == 404,
          "GT answering it: the answer for none (%d %r)" % (a[0], a[2][:120]))
    for what, hdrs in (("without Origin", {"Cookie": gt_cookie,
                                           "Content-Type": "application/json"}),
                       ("from another origin", {**post, "Origin": "http://evil.example"}),
                       ("without the cookie", {"Origin": consoles["gt"].origin,
                                               "Content-Type": "application/json"})):
        st_, _, _ = consoles["gt"].request("POST", "/api/consult/%d/answer" % cid, body=body,
                                           headers=hdrs)
        check(st_ == 403, "a consultation's step %s: 403 (got %d)" % (what, st_))

    # Round 1: Honduras agrees too, the PPT advances it in its console.
    people["hn"].cli(env, "consult", "answer", str(cid), "agree")
    if not hn.wait(lambda: hn.present("#consult-advance-send"), "the PPT is offered round 1"):
        return
    hn.wait(lambda: hn.present('#consult-board-0 tr[data-country="HN"][data-answer="agree"]'),
            "the board shows Honduras's agree")
    hn.find("#consult-advance-send").click()
    if not hn.wait(lambda: hn.present('#consult-board-1 tr[data-country="CR"]'),
                   "round 1's board: every member country"):
        return
    cr = hn.find('#consult-board-1 tr[data-country="CR"]').text
    check("America/Costa_Rica" in cr and "America/Guatemala" in cr,
          "a deadline in the country's zone and the reader's own (%r)" % cr)
    check(hn.present('#consult-board-1 tr[data-country="CR"] [data-deadline]'),
          "the time left counts down")
    # Guatemala is addressed now: its list has it, and it answers.
    gt.go("#/consult")
    if gt.wait(lambda: gt.present('#consult-list tr[data-consult="%d"]' % cid),
               "GT's list shows it once it reaches round 1"):
        gt.go("#/consult/%d" % cid)
        gt.wait(lambda: gt.present('#consult-answer input[value="comments"]'),
                "GT is offered the round's answers")
        gt.find('#consult-answer input[value="comments"]').click()
        set_value(gt, "#ca-text", "Proponemos precisar los plazos del artículo 2.")
        gt.find("#consult-answer-send").click()
        gt.wait(lambda: gt.find("#consult-answer-ok").text, "GT's comments are stored")
    people["mx"].cli(env, "consult", "answer", str(cid), "no-objection")
    hn.wait(lambda: hn.present('#consult-board-1 tr[data-country="GT"][data-answer="comments"]')
            and hn.present('#consult-board-1 tr[data-country="MX"][data-answer="no-objection"]'),
            "the PPT's board: GT comments, MX no objection")
    check("Proponemos precisar" in hn.find('#consult-board-1 tr[data-country="GT"]').text,
          "the board shows GT's comment")
    hn.js("document.activeElement && document.activeElement.blur && document.activeElement.blur();"
          "document.getElementById('consult-board-1').scrollIntoView()")
    hn.shot("console-consult", top=False)

    # Round 1 ends at its deadlines (5 business days of 2 s); the PPT
    # revises the text, and the page shows what changed.
    hn.wait(lambda: hn.present("#consult-revise-send"), "the PPT is offered round 2")
    deadline = time.monotonic() + 40
    revised = None
    while time.monotonic() < deadline:
        set_value(hn, "#cr-text", "Se propone adoptar el protocolo regional.\n"
                  "Artículo 1: alcance.\nArtículo 2: plazos de 15 días hábiles.")
        hn.find("#consult-revise-send").click()
        revised = hn.wait(lambda: hn.js(
            "if (document.getElementById('consult-view').dataset.stage === '2') return 'ok';"
            "const e = document.getElementById('consult-revise-error');"
            "return e && e.textContent ? 'refused' : null"), "the revision is answered")
        if revised != "refused":
            break
        time.sleep(1)  # round 1 still runs: the hub said so beside the form
    check(revised == "ok", "the PPT revises the text once round 1 is over")
    if not hn.wait(lambda: hn.present("#consult-diff"), "round 2: what changed"):
        return
    dels = hn.js("return [...document.querySelectorAll('#consult-diff .diff-del')].map(e => e.textContent)")
    adds = hn.js("return [...document.querySelectorAll('#consult-diff .diff-add')].map(e => e.textContent)")
    check(dels == ["- Artículo 2: plazos de 30 días."] and adds == ["+ Artículo 2: plazos de 15 días hábiles."],
          "the diff shows the changed line only (%r, %r)" % (dels, adds))
    check(hn.present('#consult-board-1 tr[data-country="CR"][data-state="no-answer"]'),
          "a silent country is recorded as no answer")
    # Closed without consensus: the reason, then the report.
    Select(hn.find("#cc-outcome")).select_by_value("no-consensus")
    set_value(hn, "#cc-report", "Se cierra sin consenso; se retomará en la reunión anual.")
    hn.find("#consult-close-send").click()
    got = hn.wait(lambda: hn.find("#cc-reason-err").text, "closing without a reason is refused")
    check(got and hn.js("return document.activeElement.id") == "cc-reason",
          "the refusal is beside the reason, which has the focus (%r)" % got)
    set_value(hn, "#cc-reason", "Dos países piden más tiempo")
    hn.find("#consult-close-send").click()
    hn.wait(lambda: hn.js("return document.getElementById('consult-view').dataset.state") == "closed"
            and hn.present("#consult-report"), "the consultation is closed, with its report")
    check("Dos países piden más tiempo" in hn.find("#consult-outcome").text,
          "the outcome shows the reason")


def reconnect_flow(env, gt, people):
    env.stop("hub")
    gt.wait(lambda: gt.js("return document.getElementById('conn').dataset.state") == "reconnecting",
            "the page says reconnecting when the hub goes away")
    check(gt.js("return !document.getElementById('stale-bar').hidden"),
          "the stale bar shows: the screen is not live")
    check("Reconectando" in gt.find("#conn").text, "in Spanish")
    gt.go("#/inbox")
    time.sleep(0.3)  # let the list draw under the bar before the photograph
    gt.shot("console-reconnecting-es")
    env.start("hub", hub_args(env))
    gt.wait(lambda: gt.js("return document.getElementById('conn').dataset.state") == "connected",
            "the page is live again once the hub is back", timeout=30)
    check(gt.js("return document.getElementById('stale-bar').hidden"), "the stale bar goes")


def scroll_measure(env, gt, people):
    """10,000 messages in one console, scrolled top to bottom: measured."""
    before = gt.js("return document.querySelectorAll('.vrow').length")
    t0 = time.monotonic()
    out = env.run([env.flood, "--hub", env.endpoint, "--hub-key",
                   os.path.join(env.data, "hub.public"), "--key", people["mx"].secret,
                   "--topic", "consular/bulk/MX", "--count", "10000"], timeout=180)
    log("flood: " + out.strip())
    last = int(re.search(r"last seq (\d+)", out).group(1))
    gt.go("#/inbox")
    # The newest is on top (the list keeps what the officer looks at in
    # place while messages arrive, so go to the top to see it).
    got = gt.wait(lambda: gt.js("const l = document.querySelector('.vlist'); l.scrollTop = 0;"
                                "return !!document.querySelector('.vrow[data-seq=\"%d\"]')" % last),
                  "the console's inbox holds the 10,000 messages", timeout=120)
    elapsed = time.monotonic() - t0
    total = gt.js("return document.getElementById('inbox-count').textContent")
    log("MEASURED 10,000 messages published, delivered, verified and shown in %.1f s (%s)"
        % (elapsed, total))
    if not got:
        return
    check(gt.js("return document.querySelectorAll('.vrow').length") < 200,
          "only the rows in view are in the page (%d)" % gt.js("return document.querySelectorAll('.vrow').length"))
    gt.shot("console-inbox-10000")
    stats = gt.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const list = document.querySelector('.vlist');
        const t = window.__test;
        const tasks0 = t.longtasks.length;
        const frames = [];
        let last = performance.now();
        let steps = 0;
        list.scrollTop = 0;
        const step = () => {
          const now = performance.now();
          frames.push(now - last);
          last = now;
          list.scrollTop += 1000;
          steps++;
          if (list.scrollTop + list.clientHeight < list.scrollHeight - 1 && steps < 3000)
            requestAnimationFrame(step);
          else requestAnimationFrame(() => {
            const f = frames.slice(1).sort((a, b) => a - b);
            const q = (p) => f[Math.min(f.length - 1, Math.floor(p * f.length))];
            done({frames: f.length, rows: Math.round(list.scrollHeight / 64),
                  median: q(0.5), p95: q(0.95), p99: q(0.99), max: f[f.length - 1],
                  over50: f.filter(x => x > 50).length,
                  longtasks: t.longtasks.length - tasks0,
                  longest: Math.max(0, ...t.longtasks.slice(tasks0))});
          });
        };
        requestAnimationFrame(step);""")
    log("MEASURED scrolling %(rows)d rows top to bottom, 1000 px a frame: %(frames)d frames, "
        "frame time median %(median).1f ms, p95 %(p95).1f ms, p99 %(p99).1f ms, max %(max).1f ms, "
        "%(over50)d frames over 50 ms, %(longtasks)d long tasks (longest %(longest).0f ms)" % stats)
    RESULTS["scroll"] = stats


RESULTS = {}


def main():
    if webdriver is None or not os.access(CHROMIUM, os.X_OK) or not os.access(CHROMEDRIVER, os.X_OK):
        print("test_console: FAILED: needs chromium, chromium-driver and python3-selenium "
              "(run: bash contrib/deps.sh --browser-tests)", file=sys.stderr)
        return 1
    env = Env()
    browsers = {}
    try:
        people = setup_hub(env)
        log("hub on %s; officers registered" % env.endpoint)
        consoles = {k: Console(env, people[k]) for k in ("mx", "gt", "gt2", "st", "hn")}
        consoles["gt2_cookie"] = login_cookie(consoles["gt2"])
        log("consoles on ports %s" % ", ".join("%s=%d" % (k, c.port) for k, c in consoles.items()
                                               if isinstance(c, Console)))
        browsers = start_browsers(env, [("mx", "en-US,en"), ("gt", "es-GT,es"), ("st", "en-GB,en")])
        mx, gt, st = browsers["mx"], browsers["gt"], browsers["st"]
        for name, b in browsers.items():
            check(b.login(consoles[name]), "%s: the one-time link opens a live console" % name)
        check(gt.js("return document.documentElement.lang") == "es"
              and gt.find('#nav a[data-route="inbox"]').text == "Bandeja de entrada"
              and "Conectado" in gt.find("#conn").text, "the Spanish page is in Spanish")
        check(mx.js("return document.documentElement.lang") == "en"
              and mx.find('#nav a[data-route="inbox"]').text == "Inbox", "the English page")
        check(not gt.find("#notify-btn").is_displayed(),
              "the notifications button hides once they are allowed")
        check(st.js("return !document.getElementById('nav-st').hidden")
              and mx.js("return document.getElementById('nav-st').hidden"),
              "the ST's pages show for the ST only")
        security_checks(env, consoles["gt"], gt, people)
        alert_flow(env, mx, gt, st, people)
        banner_latency(env, gt, people)
        red_flow(env, mx, gt, st, people, consoles)
        hostile_flow(env, gt, people)
        case_flow(env, mx)
        history_flow(mx)
        st_flow(st)
        # The inbox, with a message selected, as officers see it.
        gt.go("#/inbox")
        gt.wait(lambda: gt.present("#inbox-filter"), "GT's inbox")
        set_value(gt, "#inbox-filter", "Tapachula")
        gt.wait(lambda: gt.present('.vrow.is-alert[data-seq="1"]'), "the filter finds the alert")
        gt.find('.vrow.is-alert[data-seq="1"]').click()
        gt.shot("console-inbox-es")
        set_value(gt, "#inbox-filter", "")
        # The list by keyboard alone: Home, then Down, reads the second.
        lst = gt.find(".vlist")
        lst.send_keys(Keys.HOME)
        first = gt.js("return document.querySelector('#inbox-detail article').dataset.seq")
        lst.send_keys(Keys.ARROW_DOWN)
        second = gt.js("return document.querySelector('#inbox-detail article').dataset.seq")
        active = gt.js("return document.querySelector('.vlist').getAttribute('aria-activedescendant')")
        check(first and second and first != second and active == "vrow-1",
              "the inbox is keyboard operable (Home, Down: #%s then #%s)" % (first, second))
        mx.go("#/inbox")
        mx.wait(lambda: mx.present('.vrow.is-alert[data-seq="1"]'), "MX's inbox")
        mx.find('.vrow.is-alert[data-seq="1"]').click()
        mx.shot("console-inbox")
        # The ST's browser becomes the PPT's: Honduras's console.
        st.name = "hn"
        check(st.login(consoles["hn"]), "hn: the one-time link opens a live console")
        consult_flow(env, st, mx, gt, people, consoles)
        reconnect_flow(env, gt, people)
        scroll_measure(env, gt, people)
        for name, b in browsers.items():
            violations = [e for e in b.drain_log() if "Content Security Policy" in e.get("message", "")]
            check(not violations, "%s: no CSP violation in the browser log %r" % (name, violations[:2]))
    except Exception:
        traceback.print_exc()
        FAILURES.append("the test stopped on an exception")
    finally:
        for b in browsers.values():
            try:
                b.quit()
            except Exception:
                pass
        for name in [n for n in env.procs if n.startswith("web-")]:
            env.stop(name)
        if "hub" in env.procs:
            env.stop("hub")
        for name, text in env.sanitizer_reports():
            check(False, "no sanitizer report from a product process (%s)" % name)
            log(text[-4000:])
        env.cleanup()
    log("%d failed checks" % len(FAILURES))
    for f in FAILURES:
        log("  failed: " + f)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
