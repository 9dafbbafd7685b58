"""``--only soak``: the app's server at the nominal load for ``--soak-minutes`` (30), its RSS
read after every ``--soak-step`` seconds of load.

What leaks shows as RSS that keeps growing while the load stays the same. The first
``--soak-settle`` seconds (60) are left out of the growth: caches, pools and the
allocator's arenas fill there. The goal is growth below 5% from the end of that settling to
the end, with nothing lost.
"""

import os
import time

from bench import asgi_servers, loadgen

SOAK_GOAL_PERCENT = 5.0


def add_arguments(p) -> None:
    p.add_argument("--soak-minutes", type=float, default=30, help="soak length (30)")
    p.add_argument("--soak-step", type=float, default=30, help="seconds per RSS reading (30)")
    p.add_argument(
        "--soak-settle", type=float, default=60, help="seconds before the first reading (60)"
    )


async def soak(data: dict, args, results: dict, *, start_server, stop_server, say) -> None:
    process, port = start_server("pubsub", args)
    load = loadgen.Load(f"ws://127.0.0.1:{port}/ws/", run_id=f"soak{os.getpid()}")
    readings = []
    phases = []
    try:
        connected = await load.connect_all(
            data["users"],
            data["rooms"],
            args.clients,
            senders_per_room=args.senders,
            concurrency=args.concurrency,
        )
        say(f"soak: {connected['opened']} sockets open in {connected['seconds']} s")
        total = args.soak_minutes * 60
        settle = min(args.soak_settle, total / 4)
        started = time.monotonic()
        await load.run_phase("soak-settle", args.rate, warmup=0, duration=settle, drain=args.drain)
        step = 0
        while time.monotonic() - started < total:  # bounded by --soak-minutes
            rss = asgi_servers.session_rss_kb(process.pid)
            readings.append({"at_s": round(time.monotonic() - started, 1), "rss_kb": rss})
            step += 1
            result = await load.run_phase(
                f"soak-{step}",
                args.rate,
                warmup=0,
                duration=args.soak_step,
                drain=args.drain,
                give_up_behind=max(5.0, args.soak_step),  # a slow stretch is a figure too
            )
            phases.append(
                {
                    "deliveries_per_s": result["deliveries_per_s"],
                    "p99_ms": result["latency"]["p99_ms"],
                    "lost": result["lost"],
                }
            )
            load.settle_accounts()
            say(
                f"  soak {readings[-1]['at_s']:>6.0f} s: RSS {rss / 1024:.1f} MB, "
                f"p99 {result['latency']['p99_ms']} ms, lost {result['lost']}"
            )
        await load.quiet(limit=10)
        readings.append(
            {
                "at_s": round(time.monotonic() - started, 1),
                "rss_kb": asgi_servers.session_rss_kb(process.pid),
            }
        )
    finally:
        stop_server("soak", process, results)
        await load.close_all()
    first, last = readings[0]["rss_kb"], readings[-1]["rss_kb"]
    growth = round(100 * (last - first) / first, 2)
    p99s = [p["p99_ms"] for p in phases if p["p99_ms"] is not None]
    results["soak"] = {
        "minutes": args.soak_minutes,
        "rate_msg_s": args.rate,
        "sockets": len(load.clients),
        "settle_s": settle,
        "rss_first_mb": round(first / 1024, 1),
        "rss_last_mb": round(last / 1024, 1),
        "rss_max_mb": round(max(r["rss_kb"] for r in readings) / 1024, 1),
        "rss_growth_percent": growth,
        "goal_percent": SOAK_GOAL_PERCENT,
        "lost": sum(p["lost"] for p in phases),  # not arrived within --drain of their step
        "worst_p99_ms": max(p99s) if p99s else None,
        "readings": readings,
    }
    say(
        f"soak: RSS {first / 1024:.1f} -> {last / 1024:.1f} MB over "
        f"{args.soak_minutes:g} min ({growth:+.2f}%, goal < {SOAK_GOAL_PERCENT:g}%), "
        f"lost {results['soak']['lost']}"
    )
