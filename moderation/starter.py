"""Starter word rules and crisis contacts. They ship with the project as data; moderators
and coordinators edit them afterwards. Verify the contacts before production."""

from moderation.models import CrisisContact, WordRule

C, A = WordRule.Category, WordRule.Action

RULES = [
    # The member's own crisis: held, and the author gets a crisis card at once.
    *[
        (p, "sv", C.CRISIS_SELF, A.HOLD)
        for p in (
            "vill inte leva",
            "ta livet av mig",
            "ta mitt liv",
            "vill dö",
            "orkar inte leva",
            "skada mig själv",
            "skära mig",
            "självmord",
        )
    ],
    *[
        (p, "en", C.CRISIS_SELF, A.HOLD)
        for p in (
            "kill myself",
            "want to die",
            "end my life",
            "hurt myself",
            "suicide",
        )
    ],
    # A crisis of the person cared for: posted for support, queued, card to the author.
    *[
        (p, "sv", C.CRISIS_OTHER, A.FLAG)
        for p in (
            "överdos",
            "tagit för många tabletter",
            "återfall",
            "gått vilse",
            "hittar inte hem",
            "slår mig",
            "slår mamma",
            "slår pappa",
            "hotar oss",
        )
    ],
    *[
        (p, "en", C.CRISIS_OTHER, A.FLAG)
        for p in (
            "overdose",
            "relapse",
            "wandered off",
            "hits me",
            "threatens us",
        )
    ],
    # Abuse: not posted.
    *[(p, "sv", C.ABUSE, A.BLOCK) for p in ("dö i helvete", "hora", "fitta", "cp-unge")],
    *[(p, "en", C.ABUSE, A.BLOCK) for p in ("kill yourself", "kys", "retard")],
    # Spam: posted and queued.
    *[(p, "sv", C.SPAM, A.FLAG) for p in ("köp nu", "tjäna pengar snabbt")],
    *[(p, "en", C.SPAM, A.FLAG) for p in ("onlyfans", "free iphone")],
]

# Personal data is held for a moderator: identity numbers, mobile numbers, e-mail addresses.
PATTERNS = [
    (r"\b(19|20)?\d{6}[-+]?\d{4}\b", "sv", C.PRIVATE_INFO, A.HOLD),
    (r"\b07\d[- ]?\d{3}[- ]?\d{2}[- ]?\d{2}\b", "sv", C.PRIVATE_INFO, A.HOLD),
    (r"[\w.+-]+@[\w-]+\.[\w.]+", "sv", C.PRIVATE_INFO, A.HOLD),
]

CONTACTS = [
    {
        "name": "112",
        "phone": "112",
        "hours": "Dygnet runt",
        "order": 1,
        "situations": [],
        "on_call": True,
        "url": "https://www.112.se/",
    },
    {
        "name": "Självmordslinjen",
        "phone": "90101",
        "hours": "Dygnet runt",
        "order": 2,
        "situations": [C.CRISIS_SELF],
        "on_call": True,
        "url": "https://mind.se/hitta-hjalp/sjalvmordslinjen/",
    },
    {
        "name": "BRIS",
        "phone": "116 111",
        "hours": "Dygnet runt",
        "order": 3,
        "audience": CrisisContact.Audience.UNDER_18,
        "situations": [],
        "on_call": True,
        "url": "https://www.bris.se/",
    },
    {
        "name": "1177 Vårdguiden",
        "phone": "1177",
        "hours": "Dygnet runt",
        "order": 4,
        "situations": [],
        "on_call": True,
        "url": "https://www.1177.se/",
    },
    {
        "name": "Giftinformationscentralen",
        "phone": "010-456 67 00",
        "hours": "Dygnet runt. Vid akut förgiftning: ring 112",
        "order": 5,
        "situations": [C.CRISIS_OTHER],
        "url": "https://giftinformation.se/",
    },
    {
        "name": "Kvinnofridslinjen",
        "phone": "020-50 50 50",
        "hours": "Dygnet runt",
        "order": 6,
        "situations": [C.CRISIS_OTHER],
        "url": "https://kvinnofridslinjen.se/",
    },
]


def load(rule_model, contact_model) -> None:
    for pattern, language, category, action in RULES:
        rule_model.objects.get_or_create(
            pattern=pattern,
            category=category,
            defaults={"language": language, "action": action, "is_regex": False},
        )
    for pattern, language, category, action in PATTERNS:
        rule_model.objects.get_or_create(
            pattern=pattern,
            category=category,
            defaults={"language": language, "action": action, "is_regex": True},
        )
    for contact in CONTACTS:
        contact_model.objects.get_or_create(name=contact["name"], defaults=contact)
