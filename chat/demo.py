"""Demo topic rooms and a short conversation, the same however often it runs."""

from chat import services
from chat.models import Room
from community import demo

TOPIC_ROOMS = [
    (
        "att-vara-ung-anhorig",
        "Att vara ung anhörig",
        "Om vardagen när någon du bryr dig om är sjuk, har ett beroende eller en "
        "funktionsnedsättning.",
    ),
    (
        "skola-och-studier",
        "Skola och studier",
        "Läxor, frånvaro, att orka plugga och vad skolan kan hjälpa till med.",
    ),
    (
        "ekonomi",
        "Ekonomi",
        "Pengar, bidrag och att få det att gå ihop när man hjälper någon hemma.",
    ),
]

CONVERSATION = [
    (
        "medlem2@example.se",
        "Hej allihop! Första gången jag skriver här. Min sambo blev sjuk i "
        "våras och jag försöker få ihop jobb och allt hemma.",
    ),
    (
        "medlem@example.se",
        "Välkommen! Jag känner igen mig, fast för mig är det mamma. Det "
        "hjälper att veta att man inte är ensam.",
    ),
    (
        "ung@example.se",
        "Hej! Jag hjälper min lillebror mycket efter skolan. Ibland är jag bara så trött.",
    ),
    (
        "medlem@example.se",
        "Det är helt okej att vara trött. Har du någon vuxen på skolan du kan prata med?",
    ),
    ("ung@example.se", "Kanske kuratorn. Jag har inte vågat än."),
    (
        "moderator@example.se",
        "Fint att ni stöttar varandra här. Kom ihåg att anhörigstödet "
        "också finns att prata med, och på torsdag är det träff på "
        "biblioteket.",
    ),
    ("medlem2@example.se", "Tack! Jag tror jag kommer på torsdag 🙂"),
]


def adopt() -> None:
    """Record the rooms an earlier, record-less seed_demo made."""
    for slug, _, _ in TOPIC_ROOMS:
        demo.demo_adopt(f"room:{slug}", Room.objects.filter(slug=slug))


def seed() -> list[Room]:
    rooms = [
        demo.demo_row(f"room:{slug}", Room, create=lambda s=slug, n=name, t=topic: _room(s, n, t))
        for slug, name, topic in TOPIC_ROOMS
    ]
    people = demo.people()
    for n, (email, body) in enumerate(CONVERSATION):
        # the client_id makes a second run a retry, which changes nothing
        services.message_send(
            user=people[email], room_id=rooms[0].pk, body=body, client_id=f"demo-{n}"
        )
    return rooms


def _room(slug: str, name: str, topic: str) -> Room:
    free = demo.free_value(Room, "slug", demo.numbered(slug, "{}-{}"))
    return services.room_create(name=name, slug=free, topic=topic)
