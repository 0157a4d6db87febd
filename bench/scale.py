"""Issue 16's figures: the web app on two instances behind HAProxy, sharing Redis and PostgreSQL (scripts/scale-out.sh,
on the app bench/run.sh published), against one instance in memory measured in the same run."""

import collections
import os
import subprocess
import tempfile
import threading
import time

from apps import HOST
from browser import Browser
from flows import sign_in

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_BIN = "/usr/lib/postgresql/15/bin"


def missing_servers():
    """What scripts/scale-out.sh needs that this machine lacks, or None."""
    needed = {"redis-server": "/usr/bin/redis-server", "haproxy": "/usr/sbin/haproxy", "postgresql": f"{PG_BIN}/initdb"}
    absent = [name for name, path in needed.items() if not os.path.exists(path)]
    return ", ".join(absent) or None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Topology:
    """scripts/scale-out.sh run until stopped: HAProxy (round robin) over two instances, Redis, PostgreSQL."""

    def __init__(self, app_directory, settings=None):
        self.app_directory = app_directory
        self.settings = settings or {}
        self.process = None
        self.state = {}
        self.tail = collections.deque(maxlen=80)

    def start(self, timeout=240):
        folder = tempfile.mkdtemp(prefix="agileplanner-scale-")
        state_file = os.path.join(folder, "state")
        environment = {**os.environ, **self.settings, "SCALE_OUT_APP": self.app_directory, "SCALE_OUT_STATE": state_file}
        self.process = subprocess.Popen(
            ["bash", os.path.join(ROOT, "scripts", "scale-out.sh")], cwd=ROOT, env=environment,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not os.path.exists(state_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("scripts/scale-out.sh did not bring the topology up:\n" + "\n".join(self.tail))
            time.sleep(0.5)
        with open(state_file) as state:
            self.state = dict(line.rstrip("\n").split("=", 1) for line in state if "=" in line)
        return self

    def _drain(self):
        for line in self.process.stdout:
            self.tail.append(line.decode("utf-8", "replace").rstrip())

    @property
    def port(self):
        return int(self.state["balancer_port"])

    @property
    def pids(self):
        return [int(pid) for pid in self.state["app_pids"].split()]

    def rss_mb(self):
        """Each instance's resident set, in MB."""
        sizes = []
        for pid in self.pids:
            with open(f"/proc/{pid}/status") as status:
                sizes.append(next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")))
        return sizes

    def processes(self):
        """The topology's processes by role, for their CPU time: each instance, and PostgreSQL's, Redis's and
        HAProxy's processes (found by name: the benchmark runs no others)."""
        roles = {f"instance {n + 1}": [pid] for n, pid in enumerate(self.pids)}
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/comm") as comm:
                        name = comm.read().strip()
                except OSError:
                    continue
                if name in ("postgres", "redis-server", "haproxy"):
                    roles.setdefault(name, []).append(int(pid))
        return roles

    def sql(self, query):
        """One value from the sandbox's PostgreSQL database."""
        answer = subprocess.run(
            ["runuser", "-u", "postgres", "--", f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", self.state["pg_port"],
             "-U", "postgres", "-d", "sandbox", "-tAc", query],
            capture_output=True, text=True, timeout=30, check=True)
        return int(answer.stdout.strip())

    def double_refreshes(self, within_seconds):
        """Refresh tokens issued for the same authorization (one browser's connection) less than `within_seconds`
        after the one before: a token refreshed twice in one life, what one request at the provider per refresh rules out."""
        return self.sql(
            'SELECT count(*) FROM (SELECT "CreationDate" - lag("CreationDate") OVER '
            '(PARTITION BY "AuthorizationId" ORDER BY "CreationDate") AS gap FROM "OpenIddictTokens" '
            f"WHERE \"Type\" LIKE '%refresh_token') AS issued WHERE gap < interval '{within_seconds} seconds'")

    def refresh_tokens(self):
        return self.sql("SELECT count(*) FROM \"OpenIddictTokens\" WHERE \"Type\" LIKE '%refresh_token'")

    def stop(self):
        # The script's trap stops every server and removes its folder.
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()


class RaceLoad:
    """Signed-in sessions, each one browser (its own cookie jar, updated from every answer as a browser does), asking
    for its pages in turn through the balancer as fast as answers come, for a bounded time."""

    def __init__(self, port, sessions, paths):
        self.port = port
        self.paths = paths
        self.browsers = [sign_in("localhost", port).browser for _ in range(sessions)]
        self.statuses = collections.Counter()
        self.reconnects = collections.Counter()
        self.served_by = collections.Counter()
        self.errors = []
        self._lock = threading.Lock()

    def run(self, seconds):
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=self._browse, args=(browser, deadline), daemon=True) for browser in self.browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)
        return sum(self.statuses.values())

    def _browse(self, browser, deadline):
        turn = 0
        while time.monotonic() < deadline:
            path = self.paths[turn % len(self.paths)]
            turn += 1
            try:
                answer = browser.get(path, headers={"Accept-Encoding": "identity"})
            except OSError as failure:
                with self._lock:
                    self.errors.append(f"{path}: {type(failure).__name__}")
                continue
            with self._lock:
                self.statuses[answer.status] += 1
                self.served_by[answer.header("X-Served-By") or "?"] += 1
                location = answer.header("Location") or ""
                if answer.status != 200:
                    # A redirect from a page is the app asking the user to connect again: what the race must never cause.
                    self.reconnects[location.split("?", 1)[0] or str(answer.status)] += 1
        browser.close()


def cpu_seconds(pids):
    """User and system CPU time of these processes so far, in seconds (a process gone since counts nothing)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def first_project(port):
    """The first project's page of the demo account, found as a user finds it: from the projects list."""
    browser = sign_in("localhost", port).browser
    page = browser.get("/projects")
    marker = 'href="/projects/'
    start = page.text.find(marker)
    if page.status != 200 or start < 0:
        raise RuntimeError(f"no project on /projects through the balancer ({page.status})")
    end = page.text.find('"', start + len(marker))
    return browser, "/projects/" + page.text[start + len(marker):end].split("?", 1)[0]


def local_origin(port):
    return f"http://{HOST}:{port}"
