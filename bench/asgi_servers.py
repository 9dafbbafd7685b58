"""The ASGI server under the app, and how many processes of it share one port.

``--asgi-server`` picks daphne (the server of ``make run`` and the tests), uvicorn (with
uvloop and websockets), granian or hypercorn; ``--processes N`` starts N of them on one
listening socket that this launcher opens and hands down, so the kernel spreads the
connections (each process its own channel layer connection, sharing rooms through Redis
as behind a load balancer). Only daphne is a dependency of the project: the others are
looked for in ``--server-path`` (e.g. ``pip install --target DIR uvicorn uvloop granian
hypercorn``), put first on their ``PYTHONPATH``.

The launcher runs as one process in its own session with its servers below it:
CPU and RSS figures are summed over that session (``session_cpu_seconds``,
``session_rss_kb``), and py-spy follows the children (``--subprocesses``).

    python -m bench.asgi_servers --server uvicorn --processes 2 --port 8101 -- FLAGS
"""

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

SERVERS = ("daphne", "uvicorn", "granian", "hypercorn")
BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"


def argv_for(server: str, fd: int, daphne_flags: list[str]) -> list[str]:
    """The command of one server process listening on the inherited socket ``fd``."""
    python = str(BIN / "python")
    if server == "daphne":
        return [str(BIN / "daphne"), *daphne_flags, "--fd", str(fd), "asgi:application"]
    if server == "uvicorn":
        return [python, "-m", "uvicorn", "--fd", str(fd), "--loop", "uvloop"]
    if server == "hypercorn":
        return [python, "-m", "hypercorn", "--bind", f"fd://{fd}", "asgi:application"]
    raise ValueError(server)


UVICORN_FLAGS = [
    "--ws",
    "websockets-sansio",
    "--ws-max-size",
    "65536",
    "--ws-ping-interval",
    "0",
    "--no-access-log",
    "--log-level",
    "warning",
    "asgi:application",
]


def launcher_argv(server: str, processes: int, port: int, daphne_flags: str) -> list[str]:
    return [
        str(BIN / "python"),
        "-m",
        "bench.asgi_servers",
        "--server",
        server,
        "--processes",
        str(processes),
        "--port",
        str(port),
        "--daphne-flags",
        daphne_flags,
    ]


def launcher_env(env: dict, server_path: str | None) -> dict:
    root = str(Path(__file__).resolve().parent.parent)
    paths = [server_path] if server_path else []
    return {**env, "PYTHONPATH": os.pathsep.join([*paths, root, env.get("PYTHONPATH", "")])}


def session_pids(pid: int) -> list[int]:
    """Every process in the session that ``pid`` leads (the launcher and its servers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == pid:  # field 6 of /proc/PID/stat: the session id
            found.append(int(entry.name))
    return found or [pid]


def session_cpu_seconds(pid: int) -> float:
    from bench import servers

    total = 0.0
    for each in session_pids(pid):
        try:
            total += servers.cpu_seconds(each)
        except OSError:
            continue
    return total


def session_rss_kb(pid: int) -> int:
    from bench import servers

    total = 0
    for each in session_pids(pid):
        try:
            total += servers.rss_kb(each)
        except (OSError, RuntimeError):
            continue
    return total


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--server", choices=SERVERS, default="daphne")
    p.add_argument("--processes", type=int, default=1)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--daphne-flags", default="")
    args = p.parse_args()
    children: list[subprocess.Popen] = []
    if args.server == "granian":  # binds itself; its workers share the port
        argv = [
            str(BIN / "python"),
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--workers",
            str(args.processes),
            "--log-level",
            "warning",
            "asgi:application",
        ]
        children.append(subprocess.Popen(argv))  # noqa: S603 - our own argv
    else:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", args.port))
        listener.listen(4096)
        fd = listener.fileno()
        os.set_inheritable(fd, True)
        argv = argv_for(args.server, fd, shlex.split(args.daphne_flags))
        if args.server == "uvicorn":
            argv += UVICORN_FLAGS
        for _ in range(args.processes):
            children.append(subprocess.Popen(argv, pass_fds=(fd,)))  # noqa: S603

    def stop(signum, _frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    codes = [child.wait() for child in children]
    return max(codes, default=0)


if __name__ == "__main__":
    sys.exit(main())
