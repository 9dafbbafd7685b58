"""The processes a bench run starts (daphne, the ceiling server, py-spy), and /proc readings.

Every process is started in its own session and stopped by its process group, on success
and on failure alike (``stop_all`` runs from ``finally`` and from signal handlers).
"""

import os
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
APP_ROOT = ROOT  # the checkout whose code the servers run (--app-root)
CLK_TCK = os.sysconf("SC_CLK_TCK")

_started: list["Process"] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


def pids_named(names: tuple[str, ...]) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def pid_of(name: str) -> int | None:
    """The oldest process whose command name is ``name`` (e.g. redis-server), if any."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return min(found) if found else None


class Process:
    def __init__(
        self, name: str, argv: list[str], *, env: dict, log: Path, cwd: Path | None = None
    ):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log
        self.cwd = cwd or APP_ROOT
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def start(self) -> "Process":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.proc = subprocess.Popen(  # noqa: S603 - our own argv
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        _started.append(self)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_port(self, port: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited: see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not listen on {port} within {timeout}s")

    def wait(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 5.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.proc.pid, sig)  # its own session: only what it started
                except ProcessLookupError:
                    break
                if self.wait(wait) is not None:
                    break
        if self in _started:
            _started.remove(self)


def stop_all() -> None:
    for process in list(reversed(_started)):
        process.stop(grace=2.0)


def daphne(name: str, port: int, *, settings: str, env: dict, log: Path) -> Process:
    env = {**env, "DJANGO_SETTINGS_MODULE": settings}
    flags = shlex.split(env.get("BENCH_DAPHNE_FLAGS", ""))  # `make bench`: those of `make run`
    argv = [str(BIN / "daphne"), *flags, "-b", "127.0.0.1", "-p", str(port), "asgi:application"]
    return Process(name, argv, env=env, log=log)


def ceiling(port: int, *, env: dict, log: Path) -> Process:
    argv = [str(BIN / "python"), str(ROOT / "bench" / "ceiling_server.py"), "--port", str(port)]
    return Process("ceiling", argv, env=env, log=log, cwd=ROOT)


def py_spy(pid: int, *, seconds: int, out: Path, env: dict, log: Path) -> Process:
    argv = [
        str(BIN / "py-spy"),
        "record",
        "--nonblocking",
        "--subprocesses",
        "--threads",
        "--rate",
        "100",
        "--format",
        "raw",
        "--duration",
        str(seconds),
        "--pid",
        str(pid),
        "--output",
        str(out),
    ]
    return Process("py-spy", argv, env=env, log=log, cwd=ROOT)
