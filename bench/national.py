"""``--national N``: one app process's share of the national peak when N processes serve it.

The peak: 10,000 sockets at once and 500 new messages a second over all rooms. A load
balancer spreads sockets evenly, so one of N processes holds 10,000 / N sockets and, on
average, writes 500 / N messages a second (its members' sends) and delivers a 1/N share of
every message's copies. Rooms average ``--national-room-size`` (25) sockets: peer groups
are small, topic rooms larger. With 2x headroom the share must pass (p99 within the limit,
nothing lost) at twice its rate, which is what the saturation ramp starts from.

    make bench BENCH_ARGS="--national 6 --only pubsub,saturation"
"""

import math

PEAK_SOCKETS = 10_000
PEAK_MESSAGES_PER_S = 500
HEADROOM = 2


def add_arguments(p) -> None:
    p.add_argument(
        "--national",
        type=int,
        default=0,
        metavar="N",
        help="load one process's share of 10k sockets / 500 msg/s served by N processes",
    )
    p.add_argument("--national-room-size", type=int, default=25, help="sockets per room in it (25)")


def apply(args) -> None:
    """Replace the load's size with the share (``--rate`` is the peak share; the ramp
    starts at twice it)."""
    if not args.national:
        return
    n = args.national
    args.clients = math.ceil(PEAK_SOCKETS / n)
    args.rooms = max(1, round(args.clients / args.national_room_size))
    args.rate = round(PEAK_MESSAGES_PER_S / n, 1)
    args.rates = [round(args.rate * f, 1) for f in (HEADROOM, 3, 4, 6)]
    args.idle = max(args.idle, args.clients)
