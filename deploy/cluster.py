"""``make cluster``: the production topology on one machine, in the foreground.

nginx on 127.0.0.1:8080 balances HTTP and ``/ws/`` over N daphne processes on
127.0.0.1:8101, 8102, ..., serves the collected static files itself, and a small supervisor
(this process) restarts an app process that dies. Ctrl-C or SIGTERM stops everything it
started. Each app process's id is in ``.cluster/app-<port>.pid``.

    .venv/bin/python deploy/cluster.py --processes 2
"""

import argparse
import contextlib
import ctypes
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bredvid"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
RESTART_BACKOFF_SECONDS = (0.0, 0.5, 1.0, 2.0, 5.0)  # after successive early deaths
SETTLED_SECONDS = 5.0  # a process that ran this long and dies is restarted at once
PR_SET_PDEATHSIG = 1

# Upstream failures: a killed process refuses connections at once, so nginx passes the
# request (a WebSocket handshake included) to the next process (proxy_next_upstream).
# Failure accounting is off (max_fails=0): with it on, a process that failed once is let
# back in with one request per fail_timeout until a request to it *ends* well, and a
# WebSocket ends only when it closes, so after a kill the restarted process took about one
# reconnect a second and the others saw "no live upstreams" for 20 s (measured with
# `make bench BENCH_ARGS="--only faults"`). A refused connect on loopback costs nothing.
NGINX_CONF = """\
# Written by deploy/cluster.py for `make cluster`; deploy/nginx/bredvid.conf is production's.
daemon off;
worker_processes 1;
{user}
pid {state}/nginx.pid;
error_log {state}/nginx-error.log warn;
events {{ worker_connections 4096; }}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {state}/nginx-body;
    proxy_temp_path {state}/nginx-proxy;
    fastcgi_temp_path {state}/nginx-fastcgi;
    uwsgi_temp_path {state}/nginx-uwsgi;
    scgi_temp_path {state}/nginx-scgi;
    sendfile on;
    client_max_body_size 2m;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      '';
    }}

    upstream bredvid_app {{
{servers}
        keepalive 32;
    }}

    server {{
        listen {host}:{port};
        server_name _;

        location /static/ {{
            alias {static}/;
            expires 1h;
            access_log off;
        }}

        location / {{
            proxy_pass http://bredvid_app;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries {tries};
            proxy_read_timeout 120s;  # daphne pings every socket each 20 s
            proxy_send_timeout 120s;
            proxy_buffering off;
        }}
    }}
}}
"""
UPSTREAM_SERVER = "        server 127.0.0.1:{port} max_fails=0;"


def say(text: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _die_with_parent() -> None:
    """In a child: receive SIGTERM when the supervisor goes, however it goes."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Child:
    """One process the supervisor keeps running (an app process, or nginx)."""

    def __init__(self, name: str, argv: list[str], *, env: dict, log: Path, pid_file: Path | None):
        self.name, self.argv, self.env, self.log, self.pid_file = name, argv, env, log, pid_file
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.early_deaths = 0

    def start(self) -> None:
        with self.log.open("a") as log:  # kept across restarts: why did it die?
            self.proc = subprocess.Popen(  # noqa: S603 - our own argv
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the supervisor, which stops it
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, async-signal-safe
            )
        self.started_at = time.monotonic()
        if self.pid_file is not None:
            self.pid_file.write_text(f"{self.proc.pid}\n")

    def exited(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def restart_delay(self) -> float:
        """Back off when it dies right after starting (a broken setting), not after a kill."""
        if time.monotonic() - self.started_at >= SETTLED_SECONDS:
            self.early_deaths = 0
            return 0.0
        self.early_deaths += 1
        return RESTART_BACKOFF_SECONDS[min(self.early_deaths, len(RESTART_BACKOFF_SECONDS) - 1)]

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def wait(self, timeout: float) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(signal.SIGKILL)
            self.proc.wait(timeout=5)
        if self.pid_file is not None:
            self.pid_file.unlink(missing_ok=True)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of DATABASE_URL when it is missing."""
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(*argv: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *argv], cwd=ROOT, env=env, check=True)  # noqa: S603


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        raise SystemExit("nginx is missing: apt-get install nginx (make cluster does it as root)")
    return found


def write_nginx_conf(args, state: Path, ports: list[int]) -> Path:
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (state / f"nginx-{name}").mkdir(exist_ok=True)
    conf = state / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            user="user root;" if os.geteuid() == 0 else "",  # workers read the work tree
            state=state,
            host=args.host,
            port=args.port,
            static=ROOT / "staticfiles",
            servers="\n".join(UPSTREAM_SERVER.format(port=p) for p in ports),
            tries=len(ports),
        )
    )
    return conf


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def all_healthy(base: str, ports: list[int]) -> bool:
    """Every app process answers /healthz 200 on its own port, and nginx does too."""
    urls = [f"http://127.0.0.1:{port}/healthz" for port in ports] + [f"{base}/healthz"]
    return all(http_status(url) == 200 for url in urls)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--processes", type=int, default=int(os.environ.get("CLUSTER_PROCESSES", 2)))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080, help="nginx's port (8080)")
    p.add_argument("--first-app-port", type=int, default=8101, help="8101, 8102, ...")
    p.add_argument("--state-dir", type=Path, default=ROOT / ".cluster", help="pid files, logs")
    p.add_argument("--daphne-flags", default="", help="as `make run` passes them")
    p.add_argument(
        "--no-setup", action="store_true", help="skip migrate and seed_demo (tests prepare it)"
    )
    p.add_argument("--timeout", type=float, default=120, help="seconds to wait for /healthz")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    _die_with_parent()  # `make` stopped by SIGTERM takes this process along
    state = args.state_dir.resolve()
    state.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env.setdefault("DB_POOL", "true")  # shared connections (config/settings.py)
    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    if not args.no_setup:
        ensure_database(env["DATABASE_URL"])
        manage("migrate", "--noinput", env=env)
        manage("seed_demo", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)

    ports = [args.first_app_port + i for i in range(args.processes)]
    daphne = [PYTHON, "-m", "daphne", "--proxy-headers", *shlex.split(args.daphne_flags)]
    apps = [
        Child(
            f"app {port}",
            [*daphne, "-b", "127.0.0.1", "-p", str(port), "asgi:application"],
            env=env,
            log=state / f"app-{port}.log",
            pid_file=state / f"app-{port}.pid",
        )
        for port in ports
    ]
    conf = write_nginx_conf(args, state, ports)
    nginx = Child(
        "nginx",
        [nginx_binary(), "-p", str(state), "-c", str(conf)],
        env=env,
        log=state / "nginx.log",
        pid_file=None,
    )
    children = [*apps, nginx]
    for child in children:
        child.start()
    base = f"http://{args.host}:{args.port}"
    ready = False
    started = time.monotonic()
    pending: dict[Child, float] = {}  # a dead child -> when to start it again
    try:
        while not stopping:  # the supervisor: until Ctrl-C or SIGTERM
            now = time.monotonic()
            for child in children:
                if child in pending:
                    if now >= pending[child]:
                        del pending[child]
                        child.start()
                        say(f"{child.name} restarted as pid {child.proc.pid}")
                    continue
                code = child.exited()
                if code is not None:
                    say(f"{child.name} (pid {child.proc.pid}) exited with {code}")
                    pending[child] = now + child.restart_delay()
            if not ready and all_healthy(base, ports):
                ready = True
                pids = ", ".join(f"{c.proc.pid} on {p}" for c, p in zip(apps, ports, strict=True))
                say(f"Bredvid runs on {base}/ over {len(apps)} app processes ({pids})")
                say("Ctrl-C stops it")
            elif not ready and now - started > args.timeout:
                say(f"/healthz did not answer 200 within {args.timeout:g} s: see {state}/*.log")
                return 1
            time.sleep(0.1 if ready else 0.5)
    finally:
        say("stopping")
        for child in children:
            child.stop()
        for child in children:
            child.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
