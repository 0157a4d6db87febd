"""Starting a published app on a free loopback port, watching its memory, and stopping it."""

import collections
import http.client
import os
import socket
import subprocess
import threading
import time

HOST = "127.0.0.1"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def first_ok(port, path="/"):
    """One GET; True on a 200."""
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        connection.close()


class App:
    """A published app run with `dotnet App.dll` in Production, its console drained into a short tail."""

    def __init__(self, name, directory, assembly, arguments=(), environment=None, drain=True, port=None):
        self.name = name
        self.directory = os.path.abspath(directory)
        self.assembly = assembly
        self.arguments = list(arguments)
        self.environment = environment or {}
        # False leaves the console pipe unread, as a stalled log collector would: the app's writes block once it is full.
        self.drain = drain
        # A port given here is kept (an app whose settings name its own address); otherwise a free one each start.
        self.fixed_port = port
        self.port = port
        self.process = None
        self.tail = collections.deque(maxlen=200)
        self.started_at = None

    def start(self):
        self.port = self.fixed_port or free_port()
        environment = {
            **os.environ,
            "ASPNETCORE_ENVIRONMENT": "Production",
            "DOTNET_NOLOGO": "1",
            **self.environment,
        }
        command = ["dotnet", os.path.join(self.directory, self.assembly), "--urls", f"http://{HOST}:{self.port}"]
        self.started_at = time.perf_counter()
        # The console goes to a pipe we drain (as a container runtime would), not to a file that grows with load.
        self.process = subprocess.Popen(
            command + self.arguments,
            cwd=self.directory,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        if self.drain:
            threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self):
        # Read in large chunks, as a container runtime does, and keep only the last lines: splitting every line of a
        # busy app here would cost this process a share of the same cores the app is measured on.
        pending = b""
        stream = self.process.stdout.fileno()
        while True:
            chunk = os.read(stream, 1 << 16)
            if not chunk:
                break
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines[-self.tail.maxlen:]:
                self.tail.append(line.decode("utf-8", "replace").rstrip())
        if pending:
            self.tail.append(pending.decode("utf-8", "replace").rstrip())

    def wait_ready(self, path="/", timeout=60):
        """Polls until the first 200; returns seconds from process start."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n" + self.console(40))
            if first_ok(self.port, path):
                return time.perf_counter() - self.started_at
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} gave no 200 on {path} within {timeout}s:\n" + self.console(40))

    def console(self, lines):
        return "\n".join(list(self.tail)[-lines:])

    def rss_mb(self):
        """Resident set size (the working set) from /proc, in MB."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {self.name}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()
