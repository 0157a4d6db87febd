"""Every benchmark figure of issue #8 and the many-sessions load of #6, each against a baseline of the same run.

Run through bench/run.sh, which publishes the apps first. Prints a table and writes bench/results.json.
"""

import datetime
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from apps import HOST, App, free_port
from browser import BROWSER_ACCEPT_ENCODING, Browser, parse_page
from flows import CLIENT_ID, CLIENT_SECRET, FlowError, obtain_token, sign_in, sign_in_across
from loadgen import Series, wrk
import scale

BENCH = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(BENCH, "out")
API = "/sandbox/api/v1"
# Every request here comes from one loopback address: the sandbox's per-address limits are lifted so the
# figures measure the pages, not the limiter (which still runs on every request).
UNLIMITED = [
    f"--Sandbox:RateLimits:{limit}=2147483647"
    for limit in ("SignInPerMinute", "TokenPerMinute", "ApiPerMinute", "ApiPerMinutePerAddress")
]


class Settings:
    def __init__(self):
        number = lambda key, default: int(os.environ.get(key, default))
        self.mode = os.environ.get("BENCH_MODE", "full")
        self.runs = number("BENCH_RUNS", 5)
        self.duration = number("BENCH_DURATION", 3)
        self.warmup = number("BENCH_WARMUP", 2)
        # A process started for one figure JITs its hot paths again, on the same two cores as the load: minutes of it.
        self.fresh_warmup = number("BENCH_FRESH_WARMUP", 120)
        self.memory_seconds = number("BENCH_MEMORY_SECONDS", 60)
        self.load_seconds = number("BENCH_LOAD_SECONDS", 30)
        self.sessions = number("BENCH_SESSIONS", 64)
        self.cold_starts = number("BENCH_COLD_STARTS", 5)
        self.signins = number("BENCH_SIGNINS", 10)
        # Issue 16: the two-instance topology's figures (BENCH_SCALE=0 leaves them out).
        self.scale = os.environ.get("BENCH_SCALE", "1") != "0"
        self.race_seconds = number("BENCH_RACE_SECONDS", 60)
        self.race_sessions = number("BENCH_RACE_SESSIONS", 64)
        self.started = float(os.environ.get("BENCH_STARTED", time.time()))

    def to_json(self):
        return {k: v for k, v in vars(self).items() if k != "started"}


class Results:
    """What was measured, what could not be and why, and each target's verdict."""

    def __init__(self):
        self.figures = {}
        self.missing = {}
        self.targets = []

    def target(self, name, value, limit, met, unit=""):
        self.targets.append({"target": name, "value": value, "limit": limit, "unit": unit, "met": bool(met)})

    def attempt(self, figure, measure):
        try:
            measure()
        except (FlowError, RuntimeError, OSError, KeyError, ValueError) as failure:
            self.missing[figure] = f"{type(failure).__name__}: {failure}"
            print(f"  ! {figure}: not measured: {self.missing[figure]}", flush=True)
            if os.environ.get("BENCH_DEBUG"):
                traceback.print_exc()


def ratio(measured, baseline):
    return measured / baseline if baseline else float("nan")


def median(values):
    return statistics.median(values) if values else float("nan")


class Bench:
    def __init__(self, settings):
        self.settings = settings
        self.results = Results()
        self.data = tempfile.mkdtemp(prefix="agileplanner-bench-")
        self.webapp = None
        self.template = None
        self.session = None
        self.token = None
        self.project_id = None
        self.stories_query = ""

    def new_webapp(self, data=None):
        return App(
            "web app",
            os.path.join(OUT, "webapp"),
            "AgilePlanner.WebApp.dll",
            [f"--DataDirectory={data or self.data}", "--Sandbox:Enabled=true", *UNLIMITED, *os.environ.get("BENCH_APP_ARGS", "").split()],
        )

    def new_template(self):
        return App("template", os.path.join(OUT, "template"), "TemplateApp.dll")

    def new_webapp_without_sandbox(self, data):
        # The app alone, as it runs against the real service: the provider's endpoints point at a loopback port
        # nothing listens on, which `/` never calls.
        provider = "http://127.0.0.1:9"
        return App(
            "web app, sandbox off",
            os.path.join(OUT, "webapp"),
            "AgilePlanner.WebApp.dll",
            [
                f"--DataDirectory={data}", "--Sandbox:Enabled=false", "--AgilePlanner:ClientId=bench",
                "--AgilePlanner:ClientSecret=bench-secret", f"--AgilePlanner:AuthorizationEndpoint={provider}/authorize",
                f"--AgilePlanner:TokenEndpoint={provider}/token", f"--AgilePlanner:ApiBaseUrl={provider}/api/v1/",
                *os.environ.get("BENCH_APP_ARGS", "").split(),
            ],
        )

    # 4. Cold start -------------------------------------------------------------------------------------

    def cold_start(self):
        print("4. cold start: process start to first 200 on /", flush=True)
        first = self.new_webapp().start()
        try:
            first_seconds = first.wait_ready()
        finally:
            first.stop()
        ours, theirs = [], []
        for _ in range(self.settings.cold_starts):
            for app, times in ((self.new_webapp(), ours), (self.new_template(), theirs)):
                app.start()
                try:
                    times.append(app.wait_ready())
                finally:
                    app.stop()
                time.sleep(0.3)
        figure = {
            "web_app_ms": round(median(ours) * 1000, 1),
            "template_ms": round(median(theirs) * 1000, 1),
            "first_start_empty_data_directory_ms": round(first_seconds * 1000, 1),
            "runs_web_app_ms": [round(t * 1000, 1) for t in ours],
            "runs_template_ms": [round(t * 1000, 1) for t in theirs],
        }
        figure["ratio"] = round(ratio(figure["web_app_ms"], figure["template_ms"]), 2)
        self.results.figures["cold_start"] = figure
        self.results.target("cold start, ours / template", figure["ratio"], 1.5, figure["ratio"] <= 1.5, "x")

    # Sign-in and the raw token ------------------------------------------------------------------------

    def connect(self):
        print("signing in through the web app and obtaining a raw access token", flush=True)
        self.results.attempt("session", self._session)
        self.results.attempt("access token", self._token)

    def _session(self):
        self.session = sign_in(HOST, self.webapp.port)

    def _token(self):
        self.token = obtain_token(HOST, self.webapp.port)
        projects = self.api_get(f"{API}/projects")
        items = json.loads(projects)["items"]
        if not items:
            raise RuntimeError("the demo account has no projects")
        self.project_id = items[0]["id"]
        # The stories call exactly as the project page makes it: the current iteration, one page of 25.
        iterations = json.loads(self.api_get(f"{API}/projects/{self.project_id}/iterations?limit=100"))["items"]
        current = next((i for i in iterations if i["state"] == "current"), iterations[0] if iterations else None)
        self.stories_query = f"?iteration={current['id']}&limit=25" if current else "?limit=25"

    def api_get(self, path):
        return self._api_get_on(self.webapp.port, self.token, path)

    @property
    def cookie_header(self):
        return f"Cookie: {self.session.cookie_header}"

    @property
    def bearer_header(self):
        return f"Authorization: Bearer {self.token}"

    @property
    def project_page(self):
        return f"/projects/{self.project_id}"

    @property
    def stories_call(self):
        return f"{API}/projects/{self.project_id}/stories{self.stories_query}"

    # 5. Bytes ------------------------------------------------------------------------------------------

    def bytes(self):
        print("5. bytes: session cookie, page weight", flush=True)
        self.results.attempt("bytes: page weight of /", self._home_weight)
        if self.session is None:
            self.results.missing["bytes: session cookie and /account"] = "no signed-in session (see session)"
            return
        self.results.attempt("bytes: session cookie and /account", self._session_bytes)

    def _home_weight(self):
        self.results.figures["page_weight_home"] = {
            "web_app": page_weight(Browser(HOST, self.webapp.port), "/"),
            "template": page_weight(Browser(HOST, self.template.port), "/"),
        }

    def _session_bytes(self):
        cookies = self.session.session_cookies
        size = sum(c.size for c in cookies)
        self.results.figures["session_cookie"] = {
            "names": [c.name for c in cookies],
            "count": len(cookies),
            "bytes": size,
            "cookie_header_bytes_to_pages": len(self.session.cookie_header),
        }
        self.results.target("session cookie bytes", size, 2048, size <= 2048 and len(cookies) == 1, "B")
        self.results.target("session cookie count", len(cookies), 1, len(cookies) == 1)
        weight = page_weight(self.session.browser, "/account")
        weight["template_home"] = self.results.figures.get("page_weight_home", {}).get("template")
        self.results.figures["page_weight_account"] = weight

    # 2. Sign-in round trip -----------------------------------------------------------------------------

    def signins(self):
        print("2. sign-in round trip", flush=True)
        if self.session is None or self.token is None:
            self.results.missing["sign-in round trip"] = "needs the sign-in flow and a token (see above)"
            return
        self.results.attempt("sign-in round trip", self._signins)

    def _signins(self):
        per_run_rate, per_run_ms, unit_ms, steps = [], [], [], {}
        for _ in range(self.settings.runs):
            started = time.perf_counter()
            times = []
            for _ in range(self.settings.signins):
                done = sign_in(HOST, self.webapp.port)
                times.append(done.seconds)
                for method, path, _, seconds in done.browser.log:
                    steps.setdefault(f"{method} {path}", []).append(seconds)
            per_run_rate.append(len(times) / (time.perf_counter() - started))
            per_run_ms.append(median(times) * 1000)
            unit_ms.append(self._me_ms(50))
        figure = {
            "signins_per_second": round(median(per_run_rate), 2),
            "median_ms": round(median(per_run_ms), 1),
            "get_me_ms": round(median(unit_ms), 3),
            "steps_median_ms": {k: round(median(v) * 1000, 2) for k, v in steps.items()},
            "runs_median_ms": [round(t, 1) for t in per_run_ms],
        }
        figure["signin_in_get_me_units"] = round(ratio(figure["median_ms"], figure["get_me_ms"]), 1)
        self.results.figures["signin"] = figure

    def _me_ms(self, count):
        """Median of sequential GET /me on one kept-alive connection, as the same Python client sees it."""
        connection = http.client.HTTPConnection(HOST, self.webapp.port, timeout=10)
        times = []
        try:
            for _ in range(count):
                started = time.perf_counter()
                connection.request("GET", f"{API}/me", headers={"Authorization": f"Bearer {self.token}"})
                response = connection.getresponse()
                response.read()
                times.append(time.perf_counter() - started)
                if response.status != 200:
                    raise RuntimeError(f"GET /me answered {response.status}")
        finally:
            connection.close()
        return median(times) * 1000

    # 1 and 3. Throughput and latency -------------------------------------------------------------------

    def throughput(self):
        print("1, 3. pages against their API calls and baselines (wrk)", flush=True)
        web = f"http://{HOST}:{self.webapp.port}"
        # Pages are asked for as a browser asks (compression included); the API as the web app calls it.
        browser = f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"
        targets = [("home", web + "/", [browser]), ("template home", f"http://{HOST}:{self.template.port}/", [browser])]
        if self.session is not None:
            targets.append(("account", web + "/account", [self.cookie_header, browser]))
        if self.token is not None:
            targets.append(("api me", web + f"{API}/me", [self.bearer_header]))
            targets.append(("api stories", web + self.stories_call, [self.bearer_header]))
            if self.session is not None:
                targets.append(("project", web + self.project_page, [self.cookie_header, browser]))
        for name, url, headers in targets:
            verify(url, headers)
        series = {}
        for connections in (1, 32):
            for name, url, headers in targets:
                wrk(url, connections, self.settings.warmup, headers)
                series[(name, connections)] = Series(f"{name} c={connections}")
            # Runs interleaved, so drift on this shared machine hits every target alike.
            for run in range(self.settings.runs):
                for name, url, headers in targets:
                    series[(name, connections)].add(wrk(url, connections, self.settings.duration, headers))
                print(f"   c={connections} run {run + 1}/{self.settings.runs}", flush=True)
        self.results.figures["throughput"] = {f"{n} c={c}": s.to_json() for (n, c), s in series.items()}
        self.series = series
        self.results.figures["template_rss_mb_after_load"] = round(self.template.rss_mb(), 1)
        pairs = [
            ("page_over_api", "account", "api me"),
            ("page_over_api", "project", "api stories"),
            ("framework", "account", "home"),
            ("framework", "home", "template home"),
        ]
        for group, page, base in pairs:
            for connections in (1, 32):
                if (page, connections) not in series or (base, connections) not in series:
                    self.results.missing[f"{group}: {page} vs {base}"] = "a page or its baseline was not measurable"
                    continue
                measured, baseline = series[(page, connections)], series[(base, connections)]
                value = round(ratio(measured.rps, baseline.rps), 2)
                self.results.figures.setdefault(group, []).append(
                    {
                        "page": page,
                        "baseline": base,
                        "connections": connections,
                        "rps_ratio": value,
                        "p50_ratio": round(ratio(measured.p50_ms, baseline.p50_ms), 2),
                        "p99_ratio": round(ratio(measured.p99_ms, baseline.p99_ms), 2),
                    }
                )
                if group == "page_over_api":
                    self.results.target(f"{page} / {base} req/s at {connections}", value, 0.5, value >= 0.5)
                if (page, base) == ("home", "template home"):
                    # Issue 19: the pipeline's own cost, with request logging on as it ships.
                    self.results.target(f"our / over template / req/s at {connections}", value, 0.7, value >= 0.7)
        failures = sum(s.failures for s in series.values())
        self.results.figures["throughput_failures"] = failures

    # 6. Memory and the many-sessions load --------------------------------------------------------------

    def memory(self):
        if self.session is None or self.token is None:
            self.results.missing["memory under load"] = "needs signed-in pages (see session)"
            self.results.missing["many sessions"] = "needs signed-in pages (see session)"
            return
        print(f"6. memory: {self.settings.memory_seconds}s at 32 connections on the pages", flush=True)
        self.results.attempt("memory under load", self._memory)
        print(f"6. memory, fresh processes: the web app with its sandbox, and the client alone (its sandbox off) "
              f"against a sandbox in a process of its own, {self.settings.memory_seconds}s each on the pages", flush=True)
        self.results.attempt("memory, the client alone", self._client_alone_memory)
        print(f"6. many sessions: {self.settings.sessions} signed-in sessions for {self.settings.load_seconds}s",
              flush=True)
        self.results.attempt("many sessions", self._many_sessions)

    def home_memory(self):
        seconds = max(self.settings.warmup * 2, self.settings.memory_seconds // 2)
        print(f"6. memory like for like: fresh template, web app and web app without its sandbox, {seconds}s of / "
              "at 32 connections each", flush=True)
        self.results.attempt("memory on / alone", lambda: self._home_memory(seconds))

    def _home_memory(self, seconds):
        """RSS after the same load on `/` for the template and the web app with and without its sandbox."""
        data = tempfile.mkdtemp(prefix="sandbox-off-", dir=self.data)
        figure = {"seconds": seconds}
        for key, app in (
            ("template", self.new_template()),
            ("web_app", self.new_webapp()),
            ("web_app_sandbox_off", self.new_webapp_without_sandbox(data)),
        ):
            with app:
                app.wait_ready()
                url = f"http://{HOST}:{app.port}/"
                headers = [f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"]
                wrk(url, 32, self.settings.warmup, headers)
                run = wrk(url, 32, seconds, headers)
                time.sleep(1)
                figure[f"{key}_rss_mb"] = round(app.rss_mb(), 1)
                figure[f"{key}_rps"] = round(run.rps, 1)
                figure[f"{key}_failures"] = run.socket_errors + run.not_200
        figure["web_app_over_template"] = round(ratio(figure["web_app_rss_mb"], figure["template_rss_mb"]), 2)
        figure["sandbox_off_over_template"] = round(
            ratio(figure["web_app_sandbox_off_rss_mb"], figure["template_rss_mb"]), 2)
        figure["sandbox_mb"] = round(figure["web_app_rss_mb"] - figure["web_app_sandbox_off_rss_mb"], 1)
        self.results.figures["memory_home"] = figure

    def _pages_load(self, cookies, connections, seconds, samples, app=None, project_page=None):
        app = app or self.webapp
        cookie_file = os.path.join(self.data, f"cookies-{app.port}-{len(cookies)}.txt")
        with open(cookie_file, "w") as listing:
            listing.write("\n".join(cookies) + "\n")
        stop = threading.Event()

        def sample():
            while not stop.wait(max(1, seconds // 12)):
                samples.append(round(app.rss_mb(), 1))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            return wrk(
                f"http://{HOST}:{app.port}/account",
                connections,
                seconds,
                headers=[f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"],
                script="sessions.lua",
                script_args=[cookie_file, "/account", project_page or self.project_page],
            )
        finally:
            stop.set()
            sampler.join()

    def _memory(self):
        cookies = [self.session.cookie_header]
        self._pages_load(cookies, 32, self.settings.warmup * 2, [])
        warm = self.webapp.rss_mb()
        samples = []
        run = self._pages_load(cookies, 32, self.settings.memory_seconds, samples)
        end = self.webapp.rss_mb()
        figure = {
            "rss_after_warmup_mb": round(warm, 1),
            "rss_after_load_mb": round(end, 1),
            "growth_mb": round(end - warm, 1),
            "growth_ratio": round(end / warm, 3),
            "peak_mb": max(samples + [end]),
            "samples_mb": samples,
            "load_rps": round(run.rps, 1),
            "load_not_200": run.not_200,
            "load_socket_errors": run.socket_errors,
            "template_rss_mb": self.results.figures.get("template_rss_mb_after_load"),
        }
        template = figure["template_rss_mb"]
        figure["over_template_ratio"] = round(ratio(end, template), 2) if template else None
        self.results.figures["memory"] = figure
        self.results.target("memory growth after warm-up", figure["growth_ratio"], 1.10,
                            figure["growth_ratio"] <= 1.10, "x")
        if template:
            # Issue 19: our RSS after its load against the bare template's after its own.
            self.results.target("RSS after load, ours / template", figure["over_template_ratio"], 1.5,
                                figure["over_template_ratio"] <= 1.5, "x")

    def _client_alone_memory(self):
        """RSS after the pages' load of two fresh processes on one schedule: the web app as it runs by default, its
        sandbox in the same process, and the client alone (`Sandbox:Enabled=false`, configured by issuer as against
        the real service) with the sandbox in a process of its own, whose memory is not counted."""
        figure = {"seconds": self.settings.memory_seconds}
        provider = App("sandbox for the client", os.path.join(OUT, "webapp"), "AgilePlanner.WebApp.dll",
                       [f"--DataDirectory={tempfile.mkdtemp(prefix='provider-', dir=self.data)}", *UNLIMITED])
        with provider:
            provider.wait_ready()
            issuer = f"http://{HOST}:{provider.port}/sandbox/"
            # The client answers as localhost, the sandbox as 127.0.0.1: two hosts, so their cookies stay apart.
            client_host, client_port = "localhost", free_port()
            client = App("web app, the client alone", os.path.join(OUT, "webapp"), "AgilePlanner.WebApp.dll", [
                f"--DataDirectory={tempfile.mkdtemp(prefix='client-', dir=self.data)}", "--Sandbox:Enabled=false",
                f"--AgilePlanner:Issuer={issuer}", f"--AgilePlanner:ApiBaseUrl={issuer}api/v1/",
                f"--AgilePlanner:ClientId={CLIENT_ID}", f"--AgilePlanner:ClientSecret={CLIENT_SECRET}",
                f"--AgilePlanner:PublicBaseUrl=http://{client_host}:{client_port}",
                *os.environ.get("BENCH_APP_ARGS", "").split(),
            ], port=client_port)
            for key, app, sandbox, signing_in in (
                ("default", self.new_webapp(tempfile.mkdtemp(prefix="fresh-", dir=self.data)), None, lambda a: sign_in(HOST, a.port)),
                ("client_alone", client, provider, lambda a: sign_in_across(client_host, a.port, HOST, provider.port)),
            ):
                with app:
                    app.wait_ready()
                    page = self._first_project_page((sandbox or app).port)
                    cookies = [signing_in(app).cookie_header]
                    self._pages_load(cookies, 32, self.settings.warmup * 2, [], app, page)
                    run = self._pages_load(cookies, 32, self.settings.memory_seconds, [], app, page)
                    time.sleep(1)
                    figure[f"{key}_rss_mb"] = round(app.rss_mb(), 1)
                    figure[f"{key}_rps"] = round(run.rps, 1)
                    figure[f"{key}_failures"] = run.socket_errors + run.not_200
        template = self.results.figures.get("template_rss_mb_after_load")
        figure["template_rss_mb"] = template
        figure["sandbox_share_mb"] = round(figure["default_rss_mb"] - figure["client_alone_rss_mb"], 1)
        if template:
            figure["default_over_template"] = round(ratio(figure["default_rss_mb"], template), 2)
            figure["client_alone_over_template"] = round(ratio(figure["client_alone_rss_mb"], template), 2)
            # Issue 19: the client's own memory, as it runs against the real service.
            self.results.target("RSS after load, the client alone / template", figure["client_alone_over_template"],
                                1.5, figure["client_alone_over_template"] <= 1.5, "x")
        failures = figure["default_failures"] + figure["client_alone_failures"]
        self.results.target("memory, fresh processes: failed requests", failures, 0, failures == 0)
        self.results.figures["memory_client_alone"] = figure

    def _first_project_page(self, port):
        """A sandbox's demo data has ids of its own: its first project, found through its API."""
        token = obtain_token(HOST, port)
        projects = self._api_get_on(port, token, f"{API}/projects")
        return f"/projects/{json.loads(projects)['items'][0]['id']}"

    def _api_get_on(self, port, token, path):
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            return body
        finally:
            connection.close()

    def _many_sessions(self):
        started = time.perf_counter()
        cookies = [sign_in(HOST, self.webapp.port).cookie_header for _ in range(self.settings.sessions)]
        signing_seconds = time.perf_counter() - started
        # 64 new sessions take the heap to a new size: the warm-up lasts until it has settled (seen in the samples).
        self._pages_load(cookies, self.settings.sessions, max(10, self.settings.warmup * 2), [])
        warm = self.webapp.rss_mb()
        samples = []
        run = self._pages_load(cookies, self.settings.sessions, self.settings.load_seconds, samples)
        end = self.webapp.rss_mb()
        errors = run.socket_errors + run.not_200
        figure = {
            "sessions": len(set(cookies)),
            "connections": self.settings.sessions,
            "seconds": self.settings.load_seconds,
            "sign_in_seconds": round(signing_seconds, 1),
            "requests": run.requests,
            "rps": round(run.rps, 1),
            "p50_ms": round(run.p50_ms, 2),
            "p99_ms": round(run.p99_ms, 2),
            "non_2xx_3xx": run.non_2xx_3xx,
            "not_200": run.not_200,
            "socket_errors": run.socket_errors,
            "rss_after_warmup_mb": round(warm, 1),
            "rss_after_load_mb": round(end, 1),
            "growth_ratio": round(end / warm, 3),
            "samples_mb": samples,
        }
        self.results.figures["many_sessions"] = figure
        self.results.target(f"{figure['sessions']} sessions: errors", errors, 0, errors == 0)
        self.results.target(f"{figure['sessions']} sessions: memory growth", figure["growth_ratio"], 1.10,
                            figure["growth_ratio"] <= 1.10, "x")

    # Issue 16: two instances behind the balancer, and the page without its cache ----------------------

    def scale_figures(self):
        if not self.settings.scale:
            return
        if self.session is None or self.token is None:
            self.results.missing["scale"] = "needs signed-in pages (see session)"
            return
        print("16. /projects/{id} with AgilePlanner:ApiCacheDuration=00:00:00 against the API calls it makes", flush=True)
        self.results.attempt("project page without its cache", self._uncached_project)
        absent = scale.missing_servers()
        if absent:
            self.results.missing["two instances behind the balancer"] = f"missing {absent} (apt-get install {absent})"
            return
        print("16. two instances behind HAProxy on Redis and PostgreSQL against this one in memory (c=32)", flush=True)
        self.results.attempt("two instances behind the balancer", self._balanced_pages)
        print(f"16. refresh race load: {self.settings.race_sessions} sessions, 15 s access tokens, "
              f"{self.settings.race_seconds} s through the balancer", flush=True)
        self.results.attempt("refresh race load", self._race_load)

    def _uncached_project(self):
        app = App("web app, no API cache", os.path.join(OUT, "webapp"), "AgilePlanner.WebApp.dll",
                  [f"--DataDirectory={tempfile.mkdtemp(prefix='nocache-', dir=self.data)}", "--Sandbox:Enabled=true",
                   "--AgilePlanner:ApiCacheDuration=00:00:00", *UNLIMITED])
        with app:
            app.wait_ready()
            session = sign_in(HOST, app.port)
            token = obtain_token(HOST, app.port)
            web = f"http://{HOST}:{app.port}"
            page = (web + self.project_page, [f"Cookie: {session.cookie_header}", f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"])
            # The page's own calls, as it makes them: the project, its iterations, the current iteration's stories.
            calls = [f"{API}/projects/{self.project_id}", f"{API}/projects/{self.project_id}/iterations?limit=100",
                     self.stories_call]
            bearer = [f"Authorization: Bearer {token}"]
            verify(*page)
            for call in calls:
                verify(web + call, bearer)
            self._settle([page, (web + calls[0], bearer, calls)])
            # The same browser once its flow record has gone: the page without recording its three calls.
            unrecorded = [f"Cookie: {without_flow_record(session.cookie_header)}", page[1][1]]
            figure = {"calls": calls}
            for connections in (1, 32):
                pages, trios = Series(f"project, no cache c={connections}"), Series(f"its calls c={connections}")
                bare = Series(f"project, no cache, no flow record c={connections}")
                wrk(page[0], connections, self.settings.warmup, page[1])
                wrk(web + calls[0], connections, self.settings.warmup, bearer, script="paths.lua", script_args=calls)
                for _ in range(self.settings.runs):
                    pages.add(wrk(page[0], connections, self.settings.duration, page[1]))
                    bare.add(wrk(page[0], connections, self.settings.duration, unrecorded))
                    trios.add(wrk(web + calls[0], connections, self.settings.duration, bearer, script="paths.lua",
                                  script_args=calls))
                # Three calls make one page's worth: the baseline is the rate of whole sets of the page's calls.
                sets = trios.rps / len(calls)
                value = round(ratio(pages.rps, sets), 2)
                figure[f"c={connections}"] = {"page": pages.to_json(), "calls": trios.to_json(),
                                              "call_sets_per_second": round(sets, 1), "ratio": value,
                                              "page_no_flow_record": bare.to_json(),
                                              "ratio_no_flow_record": round(ratio(bare.rps, sets), 2),
                                              "failures": pages.failures + trios.failures + bare.failures}
                self.results.target(f"/projects/{{id}} without cache / its API calls at {connections}", value, 0.8,
                                    value >= 0.8)
        self.results.figures["project_without_cache"] = figure

    def _settle(self, targets):
        """Load a process started for this figure for BENCH_FRESH_WARMUP seconds before its runs, so that it is
        compared warm with the long-running app.

        Measured on this machine: a new instance spends more than half its CPU in the JIT for about its first two
        minutes under load (dotnet-counters' dotnet.jit.compilation.time), and its CPU per request falls by half or
        more before it is steady. The seconds are shared among the targets (URL, headers[, paths for paths.lua]), at
        32 connections.
        """
        share = max(1, self.settings.fresh_warmup // len(targets))
        for url, headers, *paths in targets:
            if paths:
                wrk(url, 32, share, headers, script="paths.lua", script_args=paths[0])
            else:
                wrk(url, 32, share, headers)

    def _balanced_pages(self):
        connections = 32
        with scale.Topology(os.path.join(OUT, "webapp"), scale_settings()) as topology:
            browser, project = scale.first_project(topology.port)
            balanced = scale.local_origin(topology.port)
            host = f"Host: localhost:{topology.port}"
            cookie = f"Cookie: {browser.cookie_header('/account')}"
            encoding = f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"
            single = f"http://{HOST}:{self.webapp.port}"
            # The same browsers once their flow record has gone (it lasts 30 minutes): pages that record nothing.
            unrecorded = f"Cookie: {without_flow_record(browser.cookie_header('/account'))}"
            single_unrecorded = f"Cookie: {without_flow_record(self.session.cookie_header)}"
            targets = {
                ("account", "balanced"): (balanced + "/account", [host, cookie, encoding]),
                ("account", "single"): (single + "/account", [self.cookie_header, encoding]),
                ("account", "balanced, no flow record"): (balanced + "/account", [host, unrecorded, encoding]),
                ("account", "single, no flow record"): (single + "/account", [single_unrecorded, encoding]),
                ("project", "balanced"): (balanced + project, [host, cookie, encoding]),
                ("project", "single"): (single + self.project_page, [self.cookie_header, encoding]),
            }
            for url, headers in targets.values():
                verify(url, headers)
            # The topology's instances are new; the one in memory has served every figure before this one.
            self._settle([target for key, target in targets.items() if key[1].startswith("balanced")])
            for url, headers in targets.values():
                wrk(url, connections, self.settings.warmup, headers)
            series = {key: Series(f"{key[0]} {key[1]} c={connections}") for key in targets}
            # Where the CPU goes: each process's CPU time during each target's runs, per request served.
            processes = {"single": {"instance": [self.webapp.process.pid]}, "balanced": topology.processes()}
            roles = {key: processes[key[1].split(",")[0]] for key in targets}
            cpu = {key: {role: 0.0 for role in roles[key]} for key in targets}
            requests = {key: 0 for key in targets}
            for _ in range(self.settings.runs):
                for key, (url, headers) in targets.items():
                    before = {role: scale.cpu_seconds(pids) for role, pids in roles[key].items()}
                    run = wrk(url, connections, self.settings.duration, headers)
                    series[key].add(run)
                    for role, pids in roles[key].items():
                        cpu[key][role] += scale.cpu_seconds(pids) - before[role]
                    requests[key] += run.requests
            figure = {"connections": connections, "instances": 2, "rss_mb": [round(r, 1) for r in topology.rss_mb()]}
            figure["cpu_ms_per_request"] = {
                f"{page} {where}": {role: round(1000 * seconds / max(requests[(page, where)], 1), 2)
                                    for role, seconds in cpu[(page, where)].items()}
                for (page, where) in targets}
            for page in ("account", "project"):
                value = round(ratio(series[(page, "balanced")].rps, series[(page, "single")].rps), 2)
                figure[page] = {"balanced": series[(page, "balanced")].to_json(),
                                "single": series[(page, "single")].to_json(), "ratio": value}
                if (page, "balanced, no flow record") in series:
                    figure[page]["balanced_no_flow_record"] = series[(page, "balanced, no flow record")].to_json()
                    figure[page]["single_no_flow_record"] = series[(page, "single, no flow record")].to_json()
                    figure[page]["ratio_no_flow_record"] = round(ratio(
                        series[(page, "balanced, no flow record")].rps, series[(page, "single, no flow record")].rps), 2)
                self.results.target(f"{page}: two instances + Redis / one in memory at {connections}", value, 0.8,
                                    value >= 0.8)
            figure["failures"] = sum(s.failures for s in series.values())
        self.results.figures["balanced"] = figure

    def _race_load(self):
        lifetime = 15
        settings = {**scale_settings(), "Sandbox__AccessTokenLifetime": f"00:00:{lifetime:02d}"}
        with scale.Topology(os.path.join(OUT, "webapp"), settings) as topology:
            started = time.perf_counter()
            _, project = scale.first_project(topology.port)
            load = scale.RaceLoad(topology.port, self.settings.race_sessions, ["/account", project])
            signing = time.perf_counter() - started
            # Every session's first token expires during the warm-up; the load then starts from refreshed tokens.
            load.run(lifetime + 5)
            warm = topology.rss_mb()
            before = topology.refresh_tokens()
            load.statuses.clear(), load.reconnects.clear(), load.served_by.clear()
            requests = load.run(self.settings.race_seconds)
            end = topology.rss_mb()
            refreshes = topology.refresh_tokens() - before
            # Half a life apart at least: two refreshes closer than that are one token refreshed twice.
            doubled = topology.double_refreshes(lifetime / 2)
        sessions = len(load.browsers)
        # The client refreshes a token in the last tenth of its life (SessionTokenNames.RefreshMargin), so under a
        # steady load each session's token lives 0.9 of its lifetime: one refresh per life is what the provider should see.
        expiries = sessions * self.settings.race_seconds / (lifetime * 0.9)
        figure = {
            "sessions": sessions, "seconds": self.settings.race_seconds, "access_token_seconds": lifetime,
            "sign_in_seconds": round(signing, 1), "requests": requests, "rps": round(requests / self.settings.race_seconds, 1),
            "statuses": dict(load.statuses), "reconnects": dict(load.reconnects), "errors": load.errors[:20],
            "served_by": dict(load.served_by), "refreshes": refreshes, "expiries": round(expiries, 1),
            "refreshes_per_expiry": round(refreshes / expiries, 2), "double_refreshes": doubled,
            "rss_after_warmup_mb": [round(r, 1) for r in warm], "rss_after_load_mb": [round(r, 1) for r in end],
            "rss_growth": [round(e / w, 3) for w, e in zip(warm, end)],
        }
        self.results.figures["refresh_race"] = figure
        reconnects = sum(load.reconnects.values()) + len(load.errors)
        self.results.target("refresh race: reconnects and errors", reconnects, 0, reconnects == 0)
        # The mean over the window depends on where each session's token lives fall in it (the sessions signed in
        # together, so their lives are in step: 4 or 5 lives fit in 60 s); the count of tokens refreshed twice does not.
        self.results.target("refresh race: tokens refreshed twice in one life", doubled, 0, doubled == 0)
        growth = max(figure["rss_growth"])
        self.results.target("refresh race: RSS growth of each instance", growth, 1.10, growth <= 1.10, "x")

    # The whole run -------------------------------------------------------------------------------------

    def run(self):
        try:
            self.cold_start()
            self.webapp = self.new_webapp().start()
            self.template = self.new_template().start()
            self.webapp.wait_ready()
            self.template.wait_ready()
            self.connect()
            self.bytes()
            self.signins()
            self.throughput()
            self.memory()
            self.home_memory()
            self.scale_figures()
        except BaseException:
            for app in (self.webapp, self.template):
                if app is not None and app.process is not None:
                    print(f"--- last lines of {app.name}'s console ---\n{app.console(30)}", file=sys.stderr)
            raise
        finally:
            for app in (self.webapp, self.template):
                if app is not None:
                    app.stop()
            shutil.rmtree(self.data, ignore_errors=True)


def scale_settings():
    """UNLIMITED as the environment of scripts/scale-out.sh's instances."""
    return {f"Sandbox__RateLimits__{arg.split(':')[2].split('=')[0]}": "2147483647" for arg in UNLIMITED}


def without_flow_record(cookie_header):
    """A Cookie header without the flow inspector's cookie: the same session, with no record to append to."""
    kept = [c for c in cookie_header.split("; ") if not c.split("=", 1)[0].endswith("AgilePlanner.Flow")]
    return "; ".join(kept)


def verify(url, headers):
    """One request before any load, so a target that fails is named instead of measured."""
    parts = url.split("/", 3)
    host, port = parts[2].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        sent = dict(h.split(": ", 1) for h in headers)
        connection.request("GET", "/" + parts[3], headers=sent)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {url} answered {response.status} before the load")
    finally:
        connection.close()


def page_weight(browser, path):
    """Bytes a browser downloads for a page: HTML plus its same-origin CSS and JS, compressed and not."""
    page = browser.get(path, headers={"Accept-Encoding": BROWSER_ACCEPT_ENCODING})
    if page.status != 200:
        raise RuntimeError(f"GET {path} answered {page.status}")
    plain_page = browser.get(path)
    _, assets = parse_page(plain_page.text)
    weight = {
        "html": len(page.body),
        "html_identity": len(plain_page.body),
        "html_encoding": page.header("Content-Encoding") or "identity",
        "css": 0,
        "js": 0,
        "assets": [],
    }
    identity = len(plain_page.body)
    for asset in assets:
        try:
            target = browser.local_path(asset)
        except ValueError:
            continue
        packed = browser.get(target, headers={"Accept-Encoding": BROWSER_ACCEPT_ENCODING})
        plain = browser.get(target)
        kind = "css" if ".css" in target.split("?", 1)[0] else "js"
        weight[kind] += len(packed.body)
        identity += len(plain.body)
        weight["assets"].append(
            {"path": target.split("?", 1)[0], "bytes": len(packed.body), "identity_bytes": len(plain.body),
             "encoding": packed.header("Content-Encoding") or "identity"}
        )
    weight["total"] = weight["html"] + weight["css"] + weight["js"]
    weight["total_identity"] = identity
    return weight


# The report ---------------------------------------------------------------------------------------------

NAMES = {
    "home": "/",
    "template home": "template /",
    "account": "/account",
    "project": "/projects/{id}",
    "api me": "API GET /me",
    "api stories": "API GET stories",
}


def print_table(results, settings, seconds):
    figures = results.figures
    rows = []

    def row(*cells):
        rows.append(cells)

    def series_cell(key):
        s = figures.get("throughput", {}).get(key)
        return f"{s['rps']:>8.0f} req/s  {s['p50_ms']:.2f}/{s['p99_ms']:.2f} ms" if s else "n/a"

    print()
    print(f"Agile Planner Connect benchmarks ({settings.mode}: {settings.runs} runs x {settings.duration}s, "
          f"medians; latency p50/p99)")
    header = ("figure", "measured", "baseline", "ratio")
    row("1. page over API", "", "", "")
    for item in figures.get("page_over_api", []):
        c = item["connections"]
        row(f"   {NAMES[item['page']]} vs {NAMES[item['baseline']]} c={c}", series_cell(f"{item['page']} c={c}"),
            series_cell(f"{item['baseline']} c={c}"), f"{item['rps_ratio']:.2f} (target >= 0.5)")
    if "signin" in figures:
        s = figures["signin"]
        row("2. sign-in round trip", f"{s['median_ms']:.1f} ms, {s['signins_per_second']:.1f}/s",
            f"GET /me {s['get_me_ms']:.2f} ms", f"{s['signin_in_get_me_units']:.0f} x GET /me")
    row("3. framework baseline", "", "", "")
    for item in figures.get("framework", []):
        c = item["connections"]
        row(f"   {NAMES[item['page']]} vs {NAMES[item['baseline']]} c={c}", series_cell(f"{item['page']} c={c}"),
            series_cell(f"{item['baseline']} c={c}"),
            f"{item['rps_ratio']:.2f}" + (" (target >= 0.7)" if item["page"] == "home" else ""))
    if "cold_start" in figures:
        s = figures["cold_start"]
        row("4. cold start to first 200", f"{s['web_app_ms']:.0f} ms", f"template {s['template_ms']:.0f} ms",
            f"{s['ratio']:.2f} (target <= 1.5)")
        row("   first start, empty data dir", f"{s['first_start_empty_data_directory_ms']:.0f} ms", "", "")
    if "session_cookie" in figures:
        s = figures["session_cookie"]
        row("5. session cookie", f"{s['bytes']} B in {s['count']} cookie(s)", "target 2048 B, 1 cookie",
            f"{s['bytes'] / 2048:.2f}")
    if "page_weight_account" in figures:
        w = figures["page_weight_account"]
        template = w.get("template_home") or {}
        row("   /account weight, compressed", f"{w['total']} B ({w['html_encoding']} html)",
            f"uncompressed {w['total_identity']} B", f"{ratio(w['total'], w['total_identity']):.2f}")
        if template:
            row("   vs template / compressed", f"{w['total']} B", f"{template['total']} B",
                f"{ratio(w['total'], template['total']):.2f}")
    elif "page_weight_home" in figures:
        w = figures["page_weight_home"]
        row("5. / weight, compressed", f"{w['web_app']['total']} B", f"template {w['template']['total']} B",
            f"{ratio(w['web_app']['total'], w['template']['total']):.2f}")
    if "memory" in figures:
        m = figures["memory"]
        row(f"6. RSS, {settings.memory_seconds}s at c=32", f"{m['rss_after_load_mb']:.0f} MB",
            f"after warm-up {m['rss_after_warmup_mb']:.0f} MB", f"{m['growth_ratio']:.2f} (target <= 1.10)")
        if m.get("template_rss_mb"):
            row("   vs template after its load", f"{m['rss_after_load_mb']:.0f} MB", f"{m['template_rss_mb']:.0f} MB",
                f"{ratio(m['rss_after_load_mb'], m['template_rss_mb']):.2f} (target <= 1.5)")
    if figures.get("memory_client_alone", {}).get("template_rss_mb"):
        m = figures["memory_client_alone"]
        row(f"   fresh, {m['seconds']}s of the pages, default (sandbox inside)", f"{m['default_rss_mb']:.0f} MB",
            f"template {m['template_rss_mb']:.0f} MB", f"{m['default_over_template']:.2f}")
        row("   the same, the client alone (sandbox in its own process)", f"{m['client_alone_rss_mb']:.0f} MB",
            f"template {m['template_rss_mb']:.0f} MB",
            f"{m['client_alone_over_template']:.2f} (target <= 1.5; the sandbox: {m['sandbox_share_mb']:.0f} MB)")
    if "memory_home" in figures:
        m = figures["memory_home"]
        row(f"   RSS after {m['seconds']}s of / alone", f"{m['web_app_rss_mb']:.0f} MB",
            f"template {m['template_rss_mb']:.0f} MB", f"{m['web_app_over_template']:.2f}")
        row("   the same, sandbox off", f"{m['web_app_sandbox_off_rss_mb']:.0f} MB",
            f"template {m['template_rss_mb']:.0f} MB",
            f"{m['sandbox_off_over_template']:.2f} (the sandbox: {m['sandbox_mb']:.0f} MB)")
    if "many_sessions" in figures:
        m = figures["many_sessions"]
        row(f"#6 {m['sessions']} sessions, {m['seconds']}s",
            f"{m['rps']:.0f} req/s, {m['non_2xx_3xx']} non-2xx/3xx, {m['not_200'] + m['socket_errors']} errors",
            f"RSS {m['rss_after_warmup_mb']:.0f} -> {m['rss_after_load_mb']:.0f} MB",
            f"{m['growth_ratio']:.2f} (target <= 1.10)")
    if "project_without_cache" in figures:
        f = figures["project_without_cache"]
        row("16. /projects/{id}, ApiCacheDuration=0", "", "", "")
        for connections in (1, 32):
            item = f.get(f"c={connections}")
            if item:
                row(f"   vs its 3 API calls c={connections}", f"{item['page']['rps']:>8.0f} req/s",
                    f"{item['call_sets_per_second']:.0f} sets of calls/s", f"{item['ratio']:.2f} (target >= 0.8)")
                if "page_no_flow_record" in item:
                    row("     the same page, no flow record", f"{item['page_no_flow_record']['rps']:>8.0f} req/s",
                        f"{item['call_sets_per_second']:.0f} sets of calls/s", f"{item['ratio_no_flow_record']:.2f}")
    if "balanced" in figures:
        f = figures["balanced"]
        row(f"16. 2 instances + Redis + PostgreSQL vs 1 in memory, c={f['connections']}", "", "", "")
        for page in ("account", "project"):
            row(f"   {NAMES[page]}", f"{f[page]['balanced']['rps']:>8.0f} req/s", f"{f[page]['single']['rps']:.0f} req/s",
                f"{f[page]['ratio']:.2f} (target >= 0.8)")
            if "ratio_no_flow_record" in f[page]:
                row("     the same, no flow record", f"{f[page]['balanced_no_flow_record']['rps']:>8.0f} req/s",
                    f"{f[page]['single_no_flow_record']['rps']:.0f} req/s", f"{f[page]['ratio_no_flow_record']:.2f}")
        for target, roles in f.get("cpu_ms_per_request", {}).items():
            row(f"   CPU ms a request, {target}", ", ".join(f"{r} {ms:.2f}" for r, ms in roles.items()), "",
                f"{sum(roles.values()):.2f} in all")
    if "refresh_race" in figures:
        f = figures["refresh_race"]
        row(f"16. refresh race, {f['sessions']} sessions, {f['seconds']}s, {f['access_token_seconds']}s tokens",
            f"{f['rps']:.0f} req/s, {sum(f['reconnects'].values())} reconnects, {len(f['errors'])} errors",
            f"{f['refreshes']} refreshes for {f['expiries']:.0f} token lives",
            f"{f['refreshes_per_expiry']:.2f}; {f.get('double_refreshes', '?')} refreshed twice (target 0)")
        row("   RSS of each instance", " / ".join(f"{w:.0f} -> {e:.0f} MB" for w, e in
                                                  zip(f["rss_after_warmup_mb"], f["rss_after_load_mb"])), "",
            f"{max(f['rss_growth']):.2f} (target <= 1.10)")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(4)]
    for cells in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip())
    if results.missing:
        print("\nnot measured:")
        for figure, reason in results.missing.items():
            print(f"  {figure}: {reason}")
    met = sum(t["met"] for t in results.targets)
    print(f"\ntargets met: {met}/{len(results.targets)}")
    for t in results.targets:
        print(f"  [{'x' if t['met'] else ' '}] {t['target']}: {t['value']}{t['unit']} (limit {t['limit']}{t['unit']})")
    print(f"\ntotal time: {seconds:.0f} s (from bench/run.sh start, publishing included)")


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "dotnet": subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip(),
        "commit": commit.stdout.strip(),
        # Other work on this shared machine skews every figure; ratios of interleaved runs much less.
        "load_average_at_end": os.getloadavg(),
    }


def runtime_settings(path):
    """The configProperties an app was published with (both apps get the generic ones alike, bench/same_settings.py)."""
    try:
        with open(path) as config:
            return json.load(config)["runtimeOptions"].get("configProperties", {})
    except (OSError, ValueError, KeyError):
        return None


def main():
    settings = Settings()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    bench = Bench(settings)
    bench.run()
    seconds = time.time() - settings.started
    results = bench.results
    document = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": settings.to_json(),
        "runtime_settings": {
            "web_app": runtime_settings(os.path.join(OUT, "webapp", "AgilePlanner.WebApp.runtimeconfig.json")),
            "template": runtime_settings(os.path.join(OUT, "template", "TemplateApp.runtimeconfig.json")),
            "environment": {k: v for k, v in os.environ.items() if k.startswith("DOTNET_") and "TELEMETRY" not in k
                            and k not in ("DOTNET_NOLOGO", "DOTNET_SKIP_FIRST_TIME_EXPERIENCE")},
        },
        "total_seconds": round(seconds, 1),
        "targets": results.targets,
        "not_measured": results.missing,
        "figures": results.figures,
    }
    # A quick run is for development: it never overwrites the recorded figures.
    path = os.path.join(BENCH, "results.json") if settings.mode == "full" else os.path.join(OUT, "results-quick.json")
    with open(path, "w") as output:
        json.dump(document, output, indent=2)
        output.write("\n")
    print_table(results, settings, seconds)
    print(f"written: {os.path.relpath(path, os.path.dirname(BENCH))}")
    return 1 if results.missing else 0


if __name__ == "__main__":
    sys.exit(main())
