"""``make cluster`` (deploy/cluster.py) started on free ports, for the fault bench and tests.

The cluster runs in its own session and is stopped with SIGTERM, as Ctrl-C stops
``make cluster``; its app processes' ids are read from ``<state>/app-<port>.pid``.
"""

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE_DAPHNE_FLAGS = next(
    line.split(":=", 1)[1].strip()
    for line in (ROOT / "Makefile").read_text().splitlines()
    if line.startswith("DAPHNE_FLAGS")
)


def _free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports."""
    for _ in range(50):  # bounded
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count < 65535 and all(_free(first + i) for i in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Cluster:
    """nginx over ``processes`` daphne processes, as ``make cluster`` runs them."""

    def __init__(self, *, processes: int = 2, env: dict, state_dir: Path, log: Path):
        self.processes = processes
        self.env = {**os.environ, **env}
        self.state = state_dir
        self.log_path = log
        self.port = free_ports(1)
        self.first_app_port = free_ports(processes)
        self.proc: subprocess.Popen | None = None

    @property
    def app_ports(self) -> list[int]:
        return [self.first_app_port + i for i in range(self.processes)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def pid(self, port: int) -> int:
        return int((self.state / f"app-{port}.pid").read_text())

    def start(self, timeout: float = 90) -> "Cluster":
        self.state.mkdir(parents=True, exist_ok=True)
        argv = [
            sys.executable,
            str(ROOT / "deploy" / "cluster.py"),
            "--no-setup",
            "--processes",
            str(self.processes),
            "--port",
            str(self.port),
            "--first-app-port",
            str(self.first_app_port),
            "--state-dir",
            str(self.state),
            "--daphne-flags",
            " ".join(shlex.split(MAKEFILE_DAPHNE_FLAGS)),
            "--timeout",
            str(timeout),
        ]
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - our own argv
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the cluster exited: {self.log_path.read_text()[-3000:]}")
            if "Bredvid runs on" in self.log_path.read_text():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the cluster did not start: {self.log_path.read_text()[-3000:]}")

    def wait_back(self, port: int, old_pid: int, timeout: float = 30) -> float:
        """Seconds until the process on ``port`` is a new one answering /healthz 200."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:  # bounded
            try:
                renewed = self.pid(port) != old_pid
            except (OSError, ValueError):
                renewed = False
            if renewed and http_status(f"http://127.0.0.1:{port}/healthz") == 200:
                return time.monotonic() - started
            time.sleep(0.05)
        raise RuntimeError(f"the app process on {port} was not restarted within {timeout} s")

    def kill(self, port: int) -> int:
        pid = self.pid(port)
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
