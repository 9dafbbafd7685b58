"""What a bench run prints and writes: tables, targets, baseline comparison, chart, profile."""

import json
import re
from collections import Counter
from pathlib import Path

# Targets of the brief; each is (label, summary key, comparison, limit, unit).
TARGETS = [
    ("p99 at the default load (PostgreSQL + Redis pub/sub)", "pubsub.p99_ms", "<=", 50, "ms"),
    (
        "server CPU per delivery vs the ceiling's (default load)",
        "pubsub.cpu_per_delivery_vs_ceiling",
        "<=",
        3,
        "x",
    ),
    ("saturation vs the ceiling's deliveries/s", "saturation.pubsub_vs_ceiling", ">=", 0.25, "x"),
    ("RSS per 1,000 idle authenticated sockets", "memory.mb_per_1000", "<=", 35, "MB"),
    ("resume of 1,000 missed messages (median)", "resume.median_ms", "<=", 150, "ms"),
    ("RSS growth over the soak", "soak.rss_growth_percent", "<=", 5, "%"),
    ("screening a message at 200 active word rules (mean)", "screening.mean_ms", "<=", 1, "ms"),
]


def flat_summary(results: dict) -> dict:
    """The headline numbers as one flat dict: what baseline.json keeps and compares."""
    out: dict = {}
    for name, result in results.get("latency", {}).items():
        latency = result.get("latency", {})
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            out[f"{name}.{key}"] = latency.get(key)
        out[f"{name}.deliveries_per_s"] = result.get("deliveries_per_s")
        out[f"{name}.loss_ratio"] = result.get("loss_ratio")
        out[f"{name}.server_cpu_percent"] = result.get("server_cpu_percent")
        out[f"{name}.server_cpu_ms_per_delivery"] = result.get("server_cpu_ms_per_delivery")
        # what else ran on the machine meanwhile (PostgreSQL included): read figures with it
        out[f"{name}.other_cpu_percent"] = result.get("other_cpu_percent")
    ceiling_cpu = out.get("ceiling.server_cpu_ms_per_delivery")
    for name in ("pubsub", "core"):
        ours = out.get(f"{name}.server_cpu_ms_per_delivery")
        if ours and ceiling_cpu:
            out[f"{name}.cpu_per_delivery_vs_ceiling"] = round(ours / ceiling_cpu, 1)
    soak = results.get("soak") or {}
    for key in ("rss_growth_percent", "rss_last_mb", "lost", "worst_p99_ms"):
        if soak.get(key) is not None:
            out[f"soak.{key}"] = soak[key]
    for name, ramp in results.get("saturation", {}).items():
        out[f"saturation.{name}.deliveries_per_s"] = ramp.get("max_deliveries_per_s")
        out[f"saturation.{name}.rate_msg_s"] = ramp.get("max_rate_msg_s")
    sat = results.get("saturation", {})
    ceiling = sat.get("ceiling", {}).get("max_deliveries_per_s")
    for name in ("pubsub", "core"):
        ours = sat.get(name, {}).get("max_deliveries_per_s")
        if ours and ceiling:
            out[f"saturation.{name}_vs_ceiling"] = round(ours / ceiling, 3)
    memory = results.get("memory") or {}
    if memory.get("mb_per_1000") is not None:
        out["memory.mb_per_1000"] = memory["mb_per_1000"]
    resume = results.get("resume") or {}
    if resume.get("median_ms") is not None:
        out["resume.median_ms"] = resume["median_ms"]
        out["resume.cold_ms"] = resume.get("cold_ms")
    screened = results.get("screening") or {}
    for key in ("mean_ms", "p99_ms"):
        out[f"screening.{key}"] = screened.get(key)
    return {k: v for k, v in out.items() if v is not None}


def ratios(results: dict) -> dict:
    """Ours divided by the ceiling, for the same load."""
    out = {}
    lat = results.get("latency", {})
    ceiling = lat.get("ceiling")
    for name in ("pubsub", "core"):
        ours = lat.get(name)
        if not ours or not ceiling:
            continue
        for key in ("p50_ms", "p99_ms"):
            a, b = ours["latency"].get(key), ceiling["latency"].get(key)
            if a is not None and b:
                out[f"{name}/ceiling latency {key}"] = round(a / b, 2)
    sat = results.get("saturation", {})
    for name in ("pubsub", "core"):
        a = sat.get(name, {}).get("max_deliveries_per_s")
        b = sat.get("ceiling", {}).get("max_deliveries_per_s")
        if a is not None and b:
            out[f"{name}/ceiling saturation deliveries/s"] = round(a / b, 3)
    return out


def check_targets(summary: dict) -> list[dict]:
    rows = []
    for label, key, op, limit, unit in TARGETS:
        value = summary.get(key)
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        rows.append(
            {
                "target": label,
                "key": key,
                "value": value,
                "limit": f"{op} {limit} {unit}",
                "met": met,
            }
        )
    return rows


def compare(summary: dict, baseline: dict) -> list[tuple]:
    rows = []
    for key in sorted(set(summary) | set(baseline)):
        now, before = summary.get(key), baseline.get(key)
        ratio = round(now / before, 2) if isinstance(now, int | float) and before else None
        rows.append((key, now, before, ratio))
    return rows


def table(rows: list[list], header: list[str]) -> str:
    cells = [[("" if c is None else str(c)) for c in row] for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- profile -----------------------------------------------------------------------------

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

_BUCKETS = [  # first match on the file path of the innermost (leaf) frame wins
    ("psycopg (PostgreSQL driver)", ("psycopg/",)),
    ("django.db (ORM, SQL compiler)", ("django/db/",)),
    ("channels_redis", ("channels_redis/",)),
    ("redis-py", ("redis/",)),
    ("msgpack", ("msgpack/",)),
    ("twisted", ("twisted/",)),
    ("autobahn (WebSocket framing)", ("autobahn/",)),
    ("daphne", ("daphne/", "daphne")),
    ("channels", ("channels/",)),
    ("asgiref (sync<->async)", ("asgiref/",)),
    ("pydantic", ("pydantic/", "pydantic_core/")),
    ("rest_framework", ("rest_framework/",)),
    ("django (other)", ("django/",)),
    ("json", ("json/",)),
    ("asyncio", ("asyncio/", "selectors.py")),
    ("threading/concurrent", ("threading.py", "concurrent/", "queue.py")),
    ("logging", ("logging/",)),
]


def _within(path: str, needle: str) -> bool:
    """py-spy names files relative to site-packages or daphne's cwd, absolute otherwise."""
    return path.startswith(needle) or f"/{needle}" in path


def _bucket(path: str) -> str:
    if _is_app(path):
        return "bredvid app code (chat/, community/, ...)"
    for name, needles in _BUCKETS:
        if any(_within(path, n) for n in needles):
            return name
    return "other (" + path.rsplit("/", 2)[-2] + ")" if "/" in path else f"other ({path})"


def _short(frame: str) -> tuple[str, str]:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), ""
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            short = path.split(marker, 1)[1]
            break
    else:
        short = path
    return f"{match['func']} ({short})", path


IDLE_LEAVES = ("EpollSelector.select", "select (selectors.py)", "_worker (concurrent/futures")
APP_DIRS = ("chat/", "community/", "moderation/", "groups/")
# Library functions that say where time goes (with the app's own, they make the list).
INTERESTING = (
    "aclose_old_connections",
    "close_old_connections",
    "BaseDatabaseWrapper.connect (",
    "Connection.wait (psycopg",
    "Atomic.__exit__",
    "SQLCompiler.as_sql",
    "RedisCache.",
    "AsyncToSync.__call__",
    "RedisChannelLayer.",
    "RedisPubSubLoopLayer.",
    "RedisSingleShardConnection.",
    "WebSocketProtocol.sendMessage",
    "AsyncWebsocketConsumer.send",
    "SyncToAsync.__call__ (",
    "msgpack",
    "dumps (json",
    "loads (json",
)


def _is_app(path: str) -> bool:
    return "site-packages" not in path and any(_within(path, d) for d in APP_DIRS)


def _interesting(name: str, path: str) -> bool:
    if name.startswith("WebSocketAuthMiddleware.__call__"):
        return False  # middleware around each consumer's whole life, not auth work
    if _is_app(path):
        return True
    return any(i in name for i in INTERESTING)


def summarise_profile(raw: Path, top: int = 15) -> dict:
    """Where daphne's samples go: per thread, by package of the running frame, by function.

    ``py-spy --nonblocking`` still records the event loop waiting in epoll; those samples
    are counted as ``idle`` and left out of the shares. For the one sync_to_async thread,
    waiting on PostgreSQL or Redis is kept in: that thread is a queue every socket waits
    behind, so its wall time is what matters.
    """
    per_thread: dict[str, dict] = {}
    total = idle = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        thread = frames[0] if frames and frames[0].startswith("thread ") else "thread (?): ?"
        body = [f for f in frames if not f.startswith("thread ")]
        if not body:
            continue
        total += n
        leaf_name, leaf_path = _short(body[-1])
        if any(leaf_name.startswith(i) for i in IDLE_LEAVES):
            idle += n
            continue
        label = _thread_label(thread, body)
        t = per_thread.setdefault(
            label, {"samples": 0, "pkg": Counter(), "self": Counter(), "incl": Counter()}
        )
        t["samples"] += n
        t["pkg"][_bucket(leaf_path)] += n
        t["self"][leaf_name] += n
        for fn, path in {_short(f) for f in body}:
            if _interesting(fn, path):
                t["incl"][fn] += n
    busy = total - idle

    def shares(counter: Counter, base: int, limit: int, skip_above: float = 1.01) -> list:
        rows = []
        for name, v in counter.most_common():
            if v / base > skip_above:
                continue  # scaffolding that every sample of the thread passes through
            rows.append({"name": name, "share": round(v / base, 3), "samples": v})
            if len(rows) >= limit:
                break
        return rows

    threads = []
    packages, functions = Counter(), Counter()
    for label, t in sorted(per_thread.items(), key=lambda kv: -kv[1]["samples"]):
        packages.update(t["pkg"])
        functions.update(t["self"])
        threads.append(
            {
                "name": label,
                "share": round(t["samples"] / busy, 3) if busy else 0,
                "samples": t["samples"],
                "by_package_self": shares(t["pkg"], t["samples"], 10),
                "by_function_self": shares(t["self"], t["samples"], 10),
                "by_function_inclusive": shares(t["incl"], t["samples"], top + 5),
            }
        )
    return {
        "samples": total,
        "idle_samples": idle,
        "threads": threads,
        "by_package_self": shares(packages, busy, top) if busy else [],
        "by_function_self": shares(functions, busy, top) if busy else [],
    }


def _thread_label(thread: str, body: list[str]) -> str:
    """py-spy names threads ``thread (tid): Name``; say what each of daphne's threads does."""
    name = thread.split(": ", 1)[-1]
    if name == "MainThread":
        return "MainThread: twisted/asyncio event loop (sockets, channel layer, consumers)"
    if name.startswith("ThreadPoolExecutor"):
        return f"{name}: sync_to_async executor (ORM, services, close_old_connections)"
    return name


# --- chart -------------------------------------------------------------------------------


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(17, 5.2))
    lat = results.get("latency", {})
    names = list(lat)
    quantiles = ("p50_ms", "p95_ms", "p99_ms")
    width = 0.25
    for i, q in enumerate(quantiles):
        values = [lat[n]["latency"].get(q) or 0 for n in names]
        bars = ax1.bar([x + (i - 1) * width for x in range(len(names))], values, width, label=q)
        ax1.bar_label(bars, fmt="%.1f", fontsize=7)
    ax1.set_xticks(range(len(names)), names)
    ax1.set_yscale("log")
    ax1.set_ylabel("delivery latency (ms, log scale)")
    params = results.get("params", {})
    ax1.set_title(
        f"Latency at {params.get('clients')} clients, {params.get('rooms')} rooms, "
        f"{params.get('rate')} msg/s"
    )
    ax1.axhline(50, color="grey", linestyle=":", linewidth=1, label="target p99 50 ms")
    ax1.legend()

    for name, ramp in results.get("saturation", {}).items():
        steps = sorted(ramp.get("steps", []), key=lambda s: s["rate_msg_s"])
        xs = [s["offered_deliveries_per_s"] for s in steps]
        ax2.plot(xs, [s["latency"]["p99_ms"] or 0 for s in steps], marker="o", label=name)
        ax3.plot(xs, [s["deliveries_per_s"] for s in steps], marker="o", label=name)
    limit = params.get("p99_limit_ms", 250)
    ax2.axhline(limit, color="red", linestyle="--", linewidth=1, label=f"p99 {limit} ms")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("offered deliveries/s")
    ax2.set_ylabel("p99 latency (ms)")
    ax2.set_title("Saturation: p99 vs offered load")
    ax2.legend()
    ax3.plot([1, 1e6], [1, 1e6], color="grey", linestyle=":", linewidth=1)
    ax3.set_xscale("log")
    ax3.set_yscale("log")
    ax3.set_xlabel("offered deliveries/s")
    ax3.set_ylabel("received deliveries/s")
    ax3.set_title("Saturation: throughput held")
    if results.get("saturation"):
        all_x = [
            s["offered_deliveries_per_s"]
            for r in results["saturation"].values()
            for s in r.get("steps", [])
        ]
        if all_x:
            ax3.set_xlim(min(all_x) / 1.5, max(all_x) * 1.5)
            ax3.set_ylim(min(all_x) / 1.5, max(all_x) * 1.5)
    ax3.legend()
    fig.suptitle(
        "Bredvid bench (2 cores shared by server and load generator) — "
        + results.get("generated_at", "")
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def load_json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None
