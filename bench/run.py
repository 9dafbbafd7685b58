"""``make bench``: load, saturation, layers, memory and resume figures for the socket path.

Against real servers on loopback: daphne with PostgreSQL and Redis (channels_redis pub/sub
layer, the app's own, then the core list layer for comparison) and the ``websockets``
ceiling server (bench/ceiling_server.py).
The load generator is this one asyncio process; it shares the 2 cores with the server,
Redis and PostgreSQL, which caps what any server can show here.

Results: bench/results/latest.json and latest.png (git-ignored); bench/baseline.json is the
committed reference, compared on every run (``--write-baseline`` replaces it).

    .venv/bin/python -m bench.run                     # the default run (under 3 minutes here)
    .venv/bin/python -m bench.run --clients 2000 --rooms 40 --duration 60 --idle 5000
    BENCH_ARGS="--only pubsub,resume" make bench
"""

import argparse
import asyncio
import http.client
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

if __package__ in (None, ""):  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import asgi_servers, faults, loadgen, national, report, servers, soak  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BASELINE = HERE / "baseline.json"
SCENARIOS = (
    "core",
    "pubsub",
    "ceiling",
    "saturation",
    "profile",
    "memory",
    "resume",
    "screening",
    "soak",
)
DEFAULT_SCENARIOS = [s for s in SCENARIOS if s != "soak"]  # the soak runs only when asked
# Not in the default run either (they take minutes): --only faults,flood (bench/faults.py).
OPT_IN = ("faults", "flood")
APP = "pubsub"  # the layer config/settings.py uses: measured longest, ramped, profiled
OTHER = "core"  # the core (list) layer, bench/settings_core.py: the comparison


def parse_args(argv=None) -> argparse.Namespace:
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--clients", type=int, default=500, help="sockets in the load (500)")
    p.add_argument("--rooms", type=int, default=10, help="rooms they spread over (10)")
    p.add_argument("--senders", type=int, default=2, help="senders per room (2)")
    p.add_argument("--rate", type=float, default=20, help="messages/s over all senders (20)")
    p.add_argument("--duration", type=float, default=20, help="measured seconds (20)")
    p.add_argument(
        "--compare-duration",
        type=float,
        default=10,
        help="measured seconds for the comparison servers, pub/sub and ceiling (10)",
    )
    p.add_argument("--warmup", type=float, default=2, help="unmeasured seconds first (2)")
    p.add_argument("--drain", type=float, default=3, help="max wait for late deliveries (3)")
    p.add_argument(
        "--rates",
        default="125,300,750,1800,4500",
        help="saturation steps in msg/s above --rate (125,300,...,4500); the --rate run is the\n"
        "first step; the ramp stops at the first failing step, then bisects --refine times",
    )
    p.add_argument("--refine", type=int, default=3, help="bisection steps after a failure (3)")
    p.add_argument("--step-seconds", type=float, default=3, help="measured s per step (3)")
    p.add_argument("--step-warmup", type=float, default=1, help="unmeasured s per step (1)")
    p.add_argument("--step-drain", type=float, default=2, help="drain per step (2)")
    p.add_argument("--p99-limit-ms", type=float, default=250, help="saturation p99 bound (250)")
    p.add_argument(
        "--saturate",
        default="pubsub,ceiling",
        help="servers to ramp (of those in --only): any of pubsub,core,ceiling (pubsub,ceiling)",
    )
    p.add_argument("--profile-seconds", type=int, default=6, help="py-spy at saturation (6)")
    p.add_argument("--idle", type=int, default=1000, help="idle sockets for the RSS figure")
    p.add_argument(
        "--idle-rooms", type=int, default=200, help="rooms the top-up idle sockets use (200)"
    )
    p.add_argument("--resume-messages", type=int, default=1000, help="missed messages (1000)")
    p.add_argument("--resume-repeats", type=int, default=3, help="resume runs (3)")
    p.add_argument(
        "--concurrency", type=int, default=30, help="sockets opening at once per server (30)"
    )
    p.add_argument("--screening-rules", type=int, default=200, help="active rules (200)")
    p.add_argument("--fault-cycles", type=int, default=200, help="faults: app kills (200)")
    p.add_argument("--fault-clients", type=int, default=20, help="faults: sockets (20)")
    p.add_argument("--fault-rate", type=float, default=10, help="faults: msg/s sent (10)")
    p.add_argument("--flood-rate", type=float, default=50, help="flood: connects/s (50)")
    p.add_argument("--slow-readers", type=int, default=50, help="flood: never-reading (50)")
    p.add_argument("--flood-seconds", type=float, default=10, help="flood: s per phase (10)")
    p.add_argument(
        "--flood-from",
        choices=("head", "start"),
        default="head",
        help="flood sockets subscribe from the room's newest seq, as a phone coming back\n"
        "does (head), or from its start, each reading a full backlog (start)",
    )
    p.add_argument(
        "--only",
        default=",".join(DEFAULT_SCENARIOS),
        help="scenarios: " + ",".join(SCENARIOS) + " (all but soak); opt-in: " + ",".join(OPT_IN),
    )
    soak.add_arguments(p)
    national.add_arguments(p)
    p.add_argument(
        "--database-url",
        default=env("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bredvid_bench"),
    )
    p.add_argument(
        "--redis-url",
        default=env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        help="Redis db of the app's daphne (pub/sub layer); the core-layer one uses the next db",
    )
    p.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the servers, e.g. DB_CONN_MAX_AGE=60 (repeatable)",
    )
    p.add_argument(
        "--app-root",
        type=Path,
        default=servers.ROOT,
        help="run the servers from another checkout of Bredvid, e.g. an unpacked\n"
        "`git archive HEAD` (this bench's .venv and scripts are used)",
    )
    p.add_argument(
        "--fresh-db", action="store_true", help="drop and recreate the bench database first"
    )
    p.add_argument(
        "--any-database",
        action="store_true",
        help="allow a --database-url whose name does not start with bredvid_bench",
    )
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be idle (< 25%% CPU busy)",
    )
    p.add_argument(
        "--asgi-server",
        choices=asgi_servers.SERVERS,
        default="daphne",
        help="the app's server (daphne); see bench/asgi_servers.py",
    )
    p.add_argument(
        "--processes", type=int, default=1, help="app server processes sharing its port (1)"
    )
    p.add_argument(
        "--server-path",
        default=env("BENCH_SERVER_PATH"),
        help="a directory with the other ASGI servers (pip install --target DIR ...)",
    )
    p.add_argument("--write-baseline", action="store_true", help="replace bench/baseline.json")
    p.add_argument("--no-chart", action="store_true")
    args = p.parse_args(argv)
    args.app_root = args.app_root.resolve()
    args.only = {s.strip() for s in args.only.split(",") if s.strip()}
    args.saturate = [s.strip() for s in args.saturate.split(",") if s.strip()]
    args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    national.apply(args)
    unknown = args.only - set(SCENARIOS) - set(OPT_IN)
    if unknown:
        p.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


# --- environment ---------------------------------------------------------------------------


def raise_fd_limit(need: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, need)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < need:
        say(f"warning: file descriptor limit {soft} < {need} needed")
    return soft


def redis_url_for(kind: str, args) -> str:
    """pubsub (and the rest): --redis-url; core: the next db, so both run side by side."""
    if kind != OTHER:
        return args.redis_url
    url = urlparse(args.redis_url)
    return url._replace(path=f"/{int(url.path.lstrip('/') or 0) + 1}").geturl()


def server_env(args, kind: str = APP) -> dict:
    """Production-like settings on loopback: DEBUG off, pooled database connections,
    no TLS redirect, no send limit."""
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": redis_url_for(kind, args),
        "CHAT_SEND_LIMIT": "100000",
        "DB_POOL": "true",  # pooled connections, as in production
        "DEBUG": os.environ.get("BENCH_DEBUG", "false"),
        "SECRET_KEY": "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
        **dict(item.split("=", 1) for item in args.server_env),
    }


def code_version(root: Path) -> dict:
    """Which code the servers ran: the commit, and whether the tree had local changes."""

    def git(*argv) -> str | None:
        try:
            out = subprocess.run(  # noqa: S603 - read-only git queries
                ["git", "-C", str(root), *argv],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=20,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "root": str(root),
        "commit": git("rev-parse", "--short", "HEAD"),
        "local_changes": None if status is None else bool(status),
        "label": os.environ.get("BENCH_LABEL", ""),
    }


def wait_idle(limit: float) -> float:
    """Busy % of the machine over the last 3 s once it is below 25% (or ``limit`` is up)."""
    deadline = time.monotonic() + limit
    while True:  # bounded by the deadline
        busy0, total0 = servers.machine_busy()
        time.sleep(3)
        busy1, total1 = servers.machine_busy()
        percent = 100 * (busy1 - busy0) / max(1e-9, total1 - total0)
        if percent < 25 or time.monotonic() >= deadline:
            return round(percent, 1)


def prepare_database(args) -> None:
    """The bench database, migrated by the app's code; recreated if migrating fails.

    ``bench/setup_data.py`` then empties the tables it fills.
    """
    import psycopg

    url = urlparse(args.database_url)
    name = url.path.lstrip("/")
    if not name.startswith("bredvid_bench") and not args.any_database:
        raise SystemExit(f"refusing to use {name!r}: bench databases start with bredvid_bench")
    admin = url._replace(path="/postgres").geturl()

    def recreate(drop: bool) -> None:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() and not drop:
                return
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def migrate() -> bool:
        env = {**server_env(args), "DJANGO_SETTINGS_MODULE": "config.settings"}
        done = subprocess.run(  # noqa: S603
            [str(servers.BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=servers.APP_ROOT,
            env=env,
            timeout=300,
            capture_output=True,
            text=True,
        )
        return done.returncode == 0

    # Another checkout may have older migrations than the schema in the database: start over.
    recreate(drop=args.fresh_db or args.app_root != servers.ROOT)
    if not migrate():  # e.g. migrations of another checkout: start from an empty database
        say(f"migrating {name} failed; recreating it")
        recreate(drop=True)
        if not migrate():
            raise SystemExit(f"manage.py migrate failed on {name}")


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=10)
    client.flushdb()
    client.close()


def setup_data(args) -> dict:
    env = {**server_env(args), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("REDIS_URL")
    env["PYTHONPATH"] = str(servers.APP_ROOT)  # the app's models, this bench's script
    out = subprocess.run(  # noqa: S603
        [
            str(servers.BIN / "python"),
            str(HERE / "setup_data.py"),
            "--users",
            str(max(args.clients, args.idle, 2)),
            "--rooms",
            str(args.rooms),
            "--idle-rooms",
            str(args.idle_rooms),
            "--resume-messages",
            str(args.resume_messages),
        ],
        cwd=servers.APP_ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def screening_scenario(args) -> dict:
    """Word-rule screening per message, in its own process against the bench database."""
    env = {**server_env(args), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["PYTHONPATH"] = str(servers.APP_ROOT)
    out = subprocess.run(  # noqa: S603
        [str(servers.BIN / "python"), str(HERE / "screening.py")]
        + ["--rules", str(args.screening_rules)],
        cwd=servers.APP_ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


# --- servers ---------------------------------------------------------------------------------


def start_server(kind: str, args) -> tuple[servers.Process, int]:
    """kind: core | pubsub | ceiling. Its Redis db is flushed first: no stale groups remain."""
    flush_redis(redis_url_for(kind, args))
    port = servers.free_port()
    log = RESULTS / f"server-{kind}.log"
    env = server_env(args, kind)
    if kind == "ceiling":
        process = servers.ceiling(port, env=env, log=log)
    elif kind == APP and (args.asgi_server != "daphne" or args.processes > 1):
        argv = asgi_servers.launcher_argv(
            args.asgi_server, args.processes, port, env.get("BENCH_DAPHNE_FLAGS", "")
        )
        env = {**asgi_servers.launcher_env(env, args.server_path)}
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
        process = servers.Process(kind, argv, env=env, log=log)
    else:
        settings = "config.settings" if kind == APP else "bench.settings_core"
        process = servers.daphne(kind, port, settings=settings, env=env, log=log)
    process.start()
    process.wait_port(port, timeout=60)
    return process, port


def warm_http(port: int, token: str, room: int) -> None:
    """A few REST calls so that daphne has loaded everything before anything is measured."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(3):
            conn.request(
                "GET",
                f"/api/v1/rooms/{room}/messages/?after_seq=0&limit=5",
                headers={"Authorization": f"Token {token}"},
            )
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"warm-up GET answered {response.status}")
    finally:
        conn.close()


class Meter:
    """CPU over a stretch of wall time, in % of one core: the server, Redis, this generator,
    and the whole machine (other work on the machine shows as machine - the rest)."""

    def __init__(self, server_pid: int):
        self.pids = {"server": server_pid, "redis": servers.pid_of("redis-server")}

    def cpu_seconds(self, key: str) -> float:
        """The server's figure covers every process of its session (--processes)."""
        if key == "server":
            return asgi_servers.session_cpu_seconds(self.pids[key])
        return servers.cpu_seconds(self.pids[key])

    def __enter__(self):
        self.wall = time.perf_counter()
        self.cpu = {k: self.cpu_seconds(k) for k, p in self.pids.items() if p}
        self.own = time.process_time()
        self.machine = servers.machine_busy()[0]
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self.wall
        self.percent = {
            f"{k}_cpu_percent": round(100 * (self.cpu_seconds(k) - v) / wall, 1)
            for k, v in self.cpu.items()
        }
        generator = 100 * (time.process_time() - self.own) / wall
        machine = 100 * (servers.machine_busy()[0] - self.machine) / wall
        ours = generator + sum(self.percent.values())
        self.percent["machine_cpu_percent"] = round(machine, 1)
        # PostgreSQL and anything else that ran on the machine meanwhile:
        self.percent["other_cpu_percent"] = round(max(0.0, machine - ours), 1)
        return False


async def measured_phase(
    load, process, name, rate, *, warmup, duration, drain, give_up_behind=5.0
) -> dict:
    with Meter(process.pid) as meter:
        result = await load.run_phase(
            name,
            rate,
            warmup=warmup,
            duration=duration,
            drain=drain,
            give_up_behind=give_up_behind,
        )
    result.update(meter.percent)
    result["server_alive"] = process.alive()
    if result["deliveries_per_s"] and result.get("server_cpu_percent") is not None:
        # CPU per delivery: steadier than latency on a machine shared with other work
        result["server_cpu_ms_per_delivery"] = round(
            result["server_cpu_percent"] * 10 / result["deliveries_per_s"], 3
        )
    return result


def _passes(step: dict, limit_ms: float) -> bool:
    p99 = step["latency"]["p99_ms"]
    return (
        p99 is not None
        and p99 <= limit_ms
        and step["lost"] == 0
        and step["send_failures"] == 0
        and not step["errors"]
        and not step["gave_up_overloaded"]
    )


async def ramp(load, process, kind: str, args, first: dict | None) -> dict:
    """Raise the rate step by step until p99 > limit or loss; then bisect ``refine`` times.

    ``first`` is the run at ``--rate`` if there was one: it counts as the first step.
    """
    steps: list[dict] = []
    best = failed = None
    if first is not None:
        first["ok"] = _passes(first, args.p99_limit_ms)
        steps.append(first)
        best, failed = (first, None) if first["ok"] else (None, first)

    async def step(rate: float) -> dict:
        await load.quiet(limit=30)
        result = await measured_phase(
            load,
            process,
            f"{kind}@{rate:g}",
            rate,
            warmup=args.step_warmup,
            duration=args.step_seconds,
            drain=args.step_drain,
            give_up_behind=max(1.0, 4 * args.p99_limit_ms / 1000),
        )
        result["ok"] = _passes(result, args.p99_limit_ms)
        steps.append(result)
        lat = result["latency"]
        say(
            f"  {kind} {rate:>6g} msg/s: {result['deliveries_per_s']:>8.0f} deliveries/s  "
            f"p50 {lat['p50_ms']} p99 {lat['p99_ms']} ms  lost {result['lost']}  "
            f"server {result.get('server_cpu_percent')}% gen {result['generator_cpu_percent']}%"
            f" machine {result.get('machine_cpu_percent')}%"
            f"  {'ok' if result['ok'] else 'FAIL'}"
            + (" (gave up: overloaded)" if result["gave_up_overloaded"] else "")
        )
        return result

    for rate in [r for r in args.rates if r > args.rate or first is None]:  # bounded list
        if failed is not None:
            break
        result = await step(rate)
        if result["ok"]:
            best = result
        else:
            failed = result
            break
    for _ in range(2 if failed and not best else 0):  # even --rate fails: go down
        result = await step(max(1, round(failed["rate_msg_s"] * 0.4)))
        if result["ok"]:
            best = result
            break
        failed = result
    for _ in range(args.refine if best and failed else 0):
        rate = round((best["rate_msg_s"] + failed["rate_msg_s"]) / 2)
        if rate in (best["rate_msg_s"], failed["rate_msg_s"]):
            break
        result = await step(rate)
        if result["ok"]:
            best = result
        else:
            failed = result
    generator_bound = bool(failed and (failed["generator_lag_p99_ms"] or 0) > 50) or bool(
        best and best["generator_cpu_percent"] > 90
    )
    return {
        "steps": steps,
        "max_rate_msg_s": best["rate_msg_s"] if best else None,
        "max_deliveries_per_s": best["deliveries_per_s"] if best else None,
        "best_p99_ms": best["latency"]["p99_ms"] if best else None,
        "first_failure": (
            {k: failed[k] for k in ("rate_msg_s", "deliveries_per_s", "lost", "loss_ratio")}
            | {"p99_ms": failed["latency"]["p99_ms"]}
            if failed
            else None
        ),
        "generator_bound": generator_bound,
    }


async def profile_at(load, process, rate: float, args) -> dict:
    out = RESULTS / "profile.txt"
    spy = servers.py_spy(
        process.pid,
        seconds=args.profile_seconds,
        out=out,
        env=dict(os.environ),
        log=RESULTS / "py-spy.log",
    ).start()
    try:
        await asyncio.sleep(0.5)
        result = await measured_phase(
            load,
            process,
            f"profile@{rate:g}",
            rate,
            warmup=0.5,
            duration=args.profile_seconds,
            drain=args.step_drain,
            give_up_behind=args.profile_seconds,
        )
        for _ in range(100):  # py-spy writes its file when its duration ends
            if not spy.alive():
                break
            await asyncio.sleep(0.1)
    finally:
        spy.stop()
    if not out.exists():
        return {"error": f"py-spy wrote nothing: see {RESULTS / 'py-spy.log'}"}
    return {"rate_msg_s": rate, "load": result, **report.summarise_profile(out)}


# --- scenarios -------------------------------------------------------------------------------


def wanted(kind: str, args) -> bool:
    """Does this run put the load on ``kind`` (core, pubsub, ceiling)? It ramps it too when
    ``saturation`` is in --only and the kind in --saturate."""
    return kind in args.only


async def warm_up(kind: str, port: int, data: dict) -> None:
    """Load every code path once (HTTP and socket) before anything is measured."""
    if kind != "ceiling":
        warm_http(port, data["users"][0]["token"], data["resume_room"])
    warm = loadgen.Load(f"ws://127.0.0.1:{port}/ws/", run_id="warm")
    await warm.connect_all(data["users"], data["idle_rooms"], 5, concurrency=5)
    await warm.quiet(limit=10)
    await warm.close_all()


async def measure_server(kind, process, load, connected: dict, args, results: dict) -> None:
    """The load at --rate on one server, then its saturation ramp (and, for the app's, py-spy)."""
    await load.quiet(limit=30)
    if kind in args.only:
        duration = args.duration if kind == APP else args.compare_duration
        result = await measured_phase(
            load,
            process,
            kind,
            args.rate,
            warmup=args.warmup,
            duration=duration,
            drain=args.drain,
        )
        result["connect"] = connected
        results["latency"][kind] = result
        lat = result["latency"]
        say(
            f"{kind}: {args.rate:g} msg/s for {duration:g} s -> "
            f"{result['deliveries_per_s']} deliveries/s, p50 {lat['p50_ms']} "
            f"p95 {lat['p95_ms']} p99 {lat['p99_ms']} ms, "
            f"not arrived in time {result['lost']}/{result['deliveries_expected']}, "
            f"server CPU {result.get('server_cpu_percent')}%"
            + (" (gave up: overloaded)" if result["gave_up_overloaded"] else "")
        )
    if "saturation" in args.only and kind in args.saturate:
        say(f"{kind}: saturation ramp")
        first = results["latency"].get(kind)
        results["saturation"][kind] = await ramp(load, process, kind, args, first)
        sat = results["saturation"][kind]
        rate = (sat["first_failure"] or {}).get("rate_msg_s") or sat["max_rate_msg_s"]
        if kind == APP and "profile" in args.only and rate:
            say(f"{kind}: py-spy for {args.profile_seconds} s at {rate:g} msg/s")
            results["profile"] = await profile_at(load, process, rate, args)
    await load.quiet(limit=10)
    load.settle_accounts()


def stop_server(kind: str, process: servers.Process, results: dict) -> None:
    process.stop()
    errors = server_errors(process)
    if errors:
        results.setdefault("server_errors", {})[kind] = errors
        say(
            f"WARNING: {kind} logged {errors['count']} application errors, e.g. "
            f"{next(iter(errors['messages']))!r}; see {process.log_path}"
        )


async def daphne_scenarios(data: dict, args, results: dict) -> None:
    """Pub/sub and core-layer daphne side by side (each its own Redis db), measured one by
    one.

    Opening sockets is what takes long (each one signs in and subscribes through the
    database). So both servers, and the idle sockets of the memory figure, connect at the
    same time; then the app's (pub/sub) is measured while the other idles, and stopped,
    then the core-layer one.
    """
    kinds = [k for k in (APP, OTHER) if wanted(k, args)]
    if APP not in kinds and {"memory", "resume"} & args.only:
        kinds.insert(0, APP)
    if not kinds:
        return
    started: dict[str, tuple[servers.Process, int]] = {}
    loads: dict[str, loadgen.Load] = {}
    idle = None
    try:
        for kind in kinds:
            started[kind] = start_server(kind, args)
        for kind, (_process, port) in started.items():
            await warm_up(kind, port, data)
        app = started.get(APP)
        if app and "resume" in args.only:
            url = f"ws://127.0.0.1:{app[1]}/ws/"
            results["resume"] = r = await resume(url, app[1], data["users"][1], data, args)
            say(
                f"resume: {data['resume_messages']} missed messages in {r['median_ms']} ms "
                f"median (cold {r['cold_ms']} ms, max {r['max_ms']} ms; complete: {r['complete']})"
            )
        measure_memory = bool(app) and "memory" in args.only
        if measure_memory:
            await asyncio.sleep(1)
            rss_before = asgi_servers.session_rss_kb(app[0].pid)
        for kind, (_process, port) in started.items():
            if wanted(kind, args):
                loads[kind] = loadgen.Load(f"ws://127.0.0.1:{port}/ws/", f"{kind}{os.getpid()}")
        if measure_memory:  # top up the app server's sockets to --idle, in rooms of their own
            idle = loadgen.Load(f"ws://127.0.0.1:{app[1]}/ws/", run_id="idle")
            top_up = max(0, args.idle - (args.clients if APP in loads else 0))

        async def connect(kind: str) -> dict:
            """One server's sockets, one batch after another: a daphne that queues more
            handshakes than it accepts in 5 s drops them (--websocket_connect_timeout)."""
            out = {}
            if kind in loads:
                out[kind] = await loads[kind].connect_all(
                    data["users"],
                    data["rooms"],
                    args.clients,
                    senders_per_room=args.senders,
                    concurrency=args.concurrency,
                )
            if kind == APP and measure_memory:
                out["idle"] = await idle.connect_all(
                    data["users"][::-1], data["idle_rooms"], top_up, concurrency=args.concurrency
                )
            return out

        opened = {}
        for part in await asyncio.gather(*(connect(kind) for kind in started)):
            opened.update(part)
        for name, connected in opened.items():
            say(
                f"{name}: {connected['opened']} sockets open in {connected['seconds']} s"
                " (both daphne servers connecting at once)"
                + (f", failed attempts {connected['failed']}" if connected["failed"] else "")
            )
        for kind, load in loads.items():
            if not load.senders:
                raise RuntimeError(f"{kind}: no sockets opened; see {started[kind][0].log_path}")
        if measure_memory:
            results["memory"] = await memory(
                app[0], idle, loads.get(APP), rss_before, opened["idle"]
            )
        for kind, load in loads.items():
            process = started[kind][0]
            await measure_server(kind, process, load, opened[kind], args, results)
            stop_server(kind, process, results)  # first: 500 disconnects are not measured
            await load.close_all()
    finally:
        for kind, (process, _port) in started.items():
            if process.proc is not None and process.alive():
                stop_server(kind, process, results)
        if idle is not None:
            await idle.close_all()
        for load in loads.values():
            await load.close_all()


async def ceiling_scenario(data: dict, args, results: dict) -> None:
    process, port = start_server("ceiling", args)
    load = loadgen.Load(f"ws://127.0.0.1:{port}/ws/", run_id=f"ceiling{os.getpid()}")
    try:
        connected = await load.connect_all(
            data["users"],
            data["rooms"],
            args.clients,
            senders_per_room=args.senders,
            concurrency=args.concurrency,
        )
        say(f"ceiling: {connected['opened']} sockets open in {connected['seconds']} s")
        await measure_server("ceiling", process, load, connected, args, results)
    finally:
        stop_server("ceiling", process, results)
        await load.close_all()


def server_errors(process: servers.Process) -> dict | None:
    """Exceptions the server logged (an app error closes the socket it happened on)."""
    try:
        text = process.log_path.read_text(errors="replace")
    except OSError:
        return None
    marker = "Exception inside application:"
    found = Counter(
        line.split(marker, 1)[1].strip()[:200] for line in text.splitlines() if marker in line
    )
    if not found:
        return None
    return {"count": sum(found.values()), "messages": dict(found.most_common(3))}


async def memory(process, idle, load, rss_before: int, connected: dict) -> dict:
    """RSS growth per 1,000 authenticated, subscribed, idle sockets.

    The load's sockets (not sending yet) count, topped up to ``--idle`` with sockets in
    rooms of their own; the top-up is closed again before the load starts.
    """
    settle = await idle.quiet(limit=60)
    if load is not None:
        await load.quiet(limit=30)
    await asyncio.sleep(1)
    after = asgi_servers.session_rss_kb(process.pid)
    sockets = (len(load.clients) if load is not None else 0) + connected["opened"]
    # Gently: 500 sockets dropped at once make channels_redis run out of pooled Redis
    # connections in disconnect (redis-py's pool of 100 raises MaxConnectionsError).
    await idle.close_all(batch=20, pause=0.2)
    await idle.quiet(limit=20)
    result = {
        "sockets": sockets,
        "rss_before_mb": round(rss_before / 1024, 1),
        "rss_after_mb": round(after / 1024, 1),
        "mb_per_1000": round((after - rss_before) / 1024 / sockets * 1000, 1) if sockets else None,
        "top_up_sockets": connected["opened"],
        "settle_seconds": settle,
        "failed_attempts": connected["failed"],
    }
    say(
        f"memory: {sockets} idle sockets: RSS {rss_before / 1024:.0f} -> {after / 1024:.0f} MB"
        f" = {result['mb_per_1000']} MB per 1,000"
    )
    return result


async def resume(url: str, port: int, user: dict, data: dict, args) -> dict:
    """Connect, subscribe with after_seq=0, then page REST until every missed message is in."""
    room, expected = data["resume_room"], data["resume_messages"]
    headers = {"Authorization": f"Token {user['token']}"}
    runs = []
    for _ in range(max(1, args.resume_repeats)):  # bounded
        load = loadgen.Load(url, run_id="resume")
        started = time.perf_counter()
        client = loadgen.Client(load, 0, user, room)
        try:
            await client.open(url, 10, after_seq=0)
            frame = json.loads(client.subscribed_frame)
            seqs = [m["seq"] for m in frame["backlog"]]
            backlog = len(seqs)
            has_more = frame["has_more"]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            pages = 0
            try:
                while has_more and pages < expected // 50 + 5:  # bounded
                    after = seqs[-1] if seqs else 0
                    conn.request(
                        "GET",
                        f"/api/v1/rooms/{room}/messages/?after_seq={after}&limit=100",
                        headers=headers,
                    )
                    response = conn.getresponse()
                    page = json.loads(response.read())
                    if response.status != 200:
                        raise RuntimeError(f"REST page answered {response.status}: {page}")
                    seqs.extend(m["seq"] for m in page["results"])
                    has_more = page["has_more"]
                    pages += 1
            finally:
                conn.close()
            took = time.perf_counter() - started
        finally:
            await client.close()
        runs.append(
            {
                "ms": round(took * 1000, 1),
                "backlog": backlog,
                "rest_pages": pages,
                "messages": len(seqs),
                "complete": seqs == list(range(1, expected + 1)),
            }
        )
        await asyncio.sleep(0.2)
    times = [r["ms"] for r in runs]
    return {
        "missed": expected,
        "runs": runs,
        "cold_ms": times[0],
        "median_ms": round(statistics.median(times), 1),
        "max_ms": max(times),
        "complete": all(r["complete"] for r in runs),
    }


async def scenarios(data: dict, args, results: dict) -> None:
    started = time.perf_counter()
    await daphne_scenarios(data, args, results)
    results["timings"]["daphne"] = round(time.perf_counter() - started, 1)
    if wanted("ceiling", args):
        started = time.perf_counter()
        await ceiling_scenario(data, args, results)
        results["timings"]["ceiling"] = round(time.perf_counter() - started, 1)
    if "soak" in args.only:
        started = time.perf_counter()
        await soak.soak(
            data, args, results, start_server=start_server, stop_server=stop_server, say=say
        )
        results["timings"]["soak"] = round(time.perf_counter() - started, 1)
    await faults.scenarios(data, args, results, server_env(args), start_server, measured_phase, say)


def print_report(results: dict, baseline: dict | None) -> None:
    print()
    for kind, errors in results.get("server_errors", {}).items():
        print(f"!! {kind}: {errors['count']} application errors (sockets closed by them):")
        for message, count in errors["messages"].items():
            print(f"!!   {count} x {message}")
    rows = []
    for name, r in results["latency"].items():
        lat = r["latency"]
        rows.append(
            [
                name,
                r["rate_msg_s"],
                r["subscribers"],
                r["deliveries_per_s"],
                lat["p50_ms"],
                lat["p95_ms"],
                lat["p99_ms"],
                r["latency_others"]["p99_ms"],
                r["ack"]["p99_ms"],
                f"{r['lost']}/{r['deliveries_expected']}",
                r.get("server_cpu_percent"),
                r.get("redis_cpu_percent"),
                r["generator_cpu_percent"],
                r.get("other_cpu_percent"),
            ]
        )
    if rows:
        print(
            report.table(
                rows,
                [
                    "server",
                    "msg/s",
                    "sockets",
                    "deliv/s",
                    "p50",
                    "p95",
                    "p99",
                    "p99 others",
                    "ack p99",
                    "lost",
                    "srv cpu%",
                    "redis cpu%",
                    "gen cpu%",
                    "other cpu%",
                ],
            )
        )
        print(
            "  latency in ms: send -> arrival at every subscriber, the sender's echo included;\n"
            "  lost = not arrived within the drain time; cpu% of one core (2 cores = 200%);\n"
            "  other = PostgreSQL and anything else running on the machine"
        )
    screened = results.get("screening")
    if screened:
        print()
        print(
            f"screening: {screened['messages']} messages against {screened['rules']} active "
            f"rules: mean {screened['mean_ms']} ms, p50 {screened['p50_ms']} ms, "
            f"p99 {screened['p99_ms']} ms, max {screened['max_ms']} ms per message; the rules\n"
            f"  alone (no shared-cache version read): mean {screened['rules_only_mean_ms']} ms, "
            f"p99 {screened['rules_only_p99_ms']} ms"
        )
    sat = results["saturation"]
    if sat:
        print()
        print(
            report.table(
                [
                    [
                        k,
                        v["max_rate_msg_s"],
                        v["max_deliveries_per_s"],
                        v["best_p99_ms"],
                        (v["first_failure"] or {}).get("rate_msg_s"),
                        v["generator_bound"],
                    ]
                    for k, v in sat.items()
                ],
                [
                    "saturation",
                    "max msg/s",
                    "max deliv/s (p99<=limit, no loss)",
                    "p99 there",
                    "first failing msg/s",
                    "generator-bound?",
                ],
            )
        )
    if results["ratios"]:
        print()
        print(report.table([[k, v] for k, v in results["ratios"].items()], ["ours/ceiling", ""]))
    profile = results.get("profile")
    if profile and profile.get("threads"):
        print()
        print(
            f"profile: py-spy on daphne at {profile['rate_msg_s']:g} msg/s, "
            f"{profile['samples']} samples ({profile['idle_samples']} idle in epoll left out)"
        )
        for thread in profile["threads"]:
            print()
            print(f"{thread['name']}: {thread['share']:.0%} of busy samples")
            print(
                report.table(
                    [[t["name"], f"{t['share']:.1%}"] for t in thread["by_function_inclusive"]],
                    ["  inclusive (share of this thread)", ""],
                )
            )
            print(
                report.table(
                    [[t["name"], f"{t['share']:.1%}"] for t in thread["by_package_self"][:6]],
                    ["  package of the running frame", ""],
                )
            )
    print()
    print(
        report.table(
            [
                [
                    t["target"],
                    t["value"],
                    t["limit"],
                    {True: "met", False: "MISSED", None: "n/a"}[t["met"]],
                ]
                for t in results["targets"]
            ],
            ["target", "now", "limit", ""],
        )
    )
    if baseline:
        print()
        print(f"against bench/baseline.json ({baseline.get('generated_at', '?')}):")
        print(
            report.table(
                [list(r) for r in report.compare(results["summary"], baseline.get("summary", {}))],
                ["metric", "now", "baseline", "now/baseline"],
            )
        )


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    RESULTS.mkdir(parents=True, exist_ok=True)
    raise_fd_limit(max(args.clients, args.idle) * 2 + 200)

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    servers.APP_ROOT = args.app_root
    if args.app_root != servers.ROOT:  # the core-layer settings module must be importable there
        target = args.app_root / "bench"
        target.mkdir(exist_ok=True)
        for name in ("__init__.py", "settings_core.py"):
            shutil.copyfile(HERE / name, target / name)
    results: dict = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "note": "server, Redis, PostgreSQL and the load generator share these cores",
        },
        "code": code_version(args.app_root),
        "params": {
            k: (sorted(v) if isinstance(v, set) else str(v) if isinstance(v, Path) else v)
            for k, v in vars(args).items()
        },
        "latency": {},
        "saturation": {},
        "timings": {},
    }
    try:
        if args.wait_idle:
            say(f"waiting up to {args.wait_idle:g} s for the machine to be idle")
        results["machine"]["busy_percent_at_start"] = wait_idle(args.wait_idle)
        if results["machine"]["busy_percent_at_start"] >= 25:
            say(
                f"warning: the machine is {results['machine']['busy_percent_at_start']}% busy "
                "with other work; figures will be low and noisy"
            )
        say("preparing the bench database and Redis db")
        prepared = time.perf_counter()
        prepare_database(args)
        data = setup_data(args)
        results["timings"]["setup"] = round(time.perf_counter() - prepared, 1)
        say(
            f"data: {len(data['users'])} users, {len(data['rooms'])} rooms, "
            f"{data['resume_messages']} messages to resume ({data['seconds']} s)"
        )
        if "screening" in args.only:
            say(f"screening messages against {args.screening_rules} active word rules")
            results["screening"] = screening_scenario(args)
        asyncio.run(scenarios(data, args, results))
    except KeyboardInterrupt:
        say("interrupted; stopping servers")
        return 130
    finally:
        servers.stop_all()
    results["ratios"] = report.ratios(results)
    results["summary"] = report.flat_summary(results) | faults.summary(results)
    results["targets"] = report.check_targets(results["summary"])
    results["seconds"] = round(time.perf_counter() - started, 1)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    if not args.no_chart:
        report.chart(results, RESULTS / "latest.png")
    baseline = report.load_json(BASELINE)
    print_report(results, baseline)
    faults.print_report(results)
    if args.write_baseline:
        keep = {
            k: results[k]
            for k in ("generated_at", "code", "machine", "params", "summary", "targets")
        }
        BASELINE.write_text(json.dumps(keep, indent=2) + "\n")
        say("wrote bench/baseline.json")
    stages = ", ".join(f"{k} {v} s" for k, v in results["timings"].items())
    written = "bench/results/latest.json" + ("" if args.no_chart else ", latest.png")
    say(f"done in {results['seconds']} s ({stages}): {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
