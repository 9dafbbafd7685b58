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

# Crisis patterns in the pattern language (moderation/patterns.py): words are stemmed,
# `a|b` alternatives, `...` up to three words between, `~N` up to N, `x*` a prefix, `[x]`
# optional, `!x` a guard that keeps the rule quiet. Written for how teenagers write:
# slang, missing diacritics, words in between; guards for idioms and grief.
FAMILY_SV = "mamm*|mam|morsan|papp*|farsan|styv*|bror*|lillebror|syst*|syrr*|lillasyst*"
OLDER_SV = "mormor|morfar|farmor|farfar|mormo*|farmo*|moffa|faffa"
FAMILY_EN = "mum|mom|mother|mommy|dad|daddy|father|stepdad|stepmom|brother|sister|bro|sis"
OLDER_EN = "grandma|grandpa|granddad|grandad|gran|nan|nana|granny|grandmother|grandfather"
CRISIS_PATTERNS = [
    *[
        (p, "sv", C.CRISIS_SELF, A.HOLD)
        for p in (
            "vill|vil|ska|tänker|kommer|önskar ... dö|död|dööd !skratt*|av",
            "vill|orkar|borde|vågar inte|int|ej|inge ... leva|finnas|existera|lev "
            "!insta*|tiktok|snap*|facebook|sociala|utan",
            "sluta leva",
            "om jag inte fanns|funnits|fans",
            "varför ... jag ... leva",
            "ta|tar|tog ~1 livet|liv av mig|mej|mig",
            "ta|tar mitt liv",
            "döda|dödar mig|mej själv|sjalv",
            "skär|skar|skurit|skära|skärt mig|mej|sig "
            "!lagade|laga*|matlagning|fingr*|tumme*|papper*",
            "skada|skadar|skadat|skadade mig|mej själv",
            "självskad*|sjalvskad*|självsk*",
            "självmord*|sjalvmord*|självmord* !biologi*|lektion*|bok|boken|film*|serie*",
            "vill ... försvinna !strand*|semester*|resa|haha*|hah*|lol",
            "försvinna för alltid",
            "vill|skönt|somna ... inte|aldrig vakna",
            "avskedsbrev*|självmordsbrev*",
            "bättre utan mig|mej",
            "ingen ~3 märka|märker|sakna|saknar ~2 om jag dog|dö|försvann",
            "rakblad*",
            "hoppa|hoppar ~2 från|framför|ner ~2 bro*|tåg*|tak*|balkong*",
            "tagit|tog|svalt|svalde ~2 många|massa|alla|hela|burk* ~2 tablett*|piller|sömn*",
            "orkar int|inte|inge ~1 mer ... hejdå|farväl|adjö",
            "orkar int|inte|inge ~1 mer ... hej då",
            "orkar int|inte|inge ~1 mer|längre ~2 livet|leva",
        )
    ],
    *[
        (p, "en", C.CRISIS_SELF, A.HOLD)
        for p in (
            "want|wanna|wish|going|gonna|wanted ... die|dead|dieee !laugh*|embarrass*|lol",
            "kill|killing|kil ... myself|meself|myslf",
            "kms|kmsl",
            "dont|not|never ~1 want|wanna ~2 live|exist|alive",
            "dont|not|never ~1 want|wanna ~1 be here anymore",
            "cut|cutting|hurt|hurting|harm|harming ~2 myself|meself",
            "been|started|keep|still|stop cutting",
            "cutting again",
            "self harm*",
            "selfharm*",
            "suicid* !prevention|awareness|class|school|lesson|lecture|documentary",
            "end|ending ~1 my life",
            "end|ending it all",
            "want ... all|everything to end|stop !week|term|day|school|semester",
            "better off without me",
            "no reason ~1 live|living",
            "done with life|living",
            "goodbye letter|note",
            "never ~1 wake|wakeup",
            "disappear forever",
            "took|taken|swallowed ~3 pills|tablets|bottle",
        )
    ],
    *[
        (p, "sv", C.CRISIS_OTHER, A.FLAG)
        for p in (
            "slå|slår|slog|slagit|sparka*|misshandla* ~2 mamma|mamman|pappa|mig|mej|henne|"
            "honom|oss|bror*|syst*|lillebror|lillasyster !rekord|fifa|vad|spel*|match*",
            "han|hon|pappa|mamma|styvpappa ~2 slår|slog !vad|rekord|sig",
            "slåss|våldsam*|misshandl* !film|spel*|serie*",
            "hota|hotar|hotade ~3 ta|döda|skada|skjuta|kniv*",
            "hota|hotar|hotade oss|mig|mej|mamma|pappa|familj*",
            "ta|tar|tog ~1 livet|liv av sig !bok|boken|film*|serie*|läste",
            "ta|tar sitt liv",
            "döda|dödar sig själv",
            "skär|skar|skurit sig",
            f"{FAMILY_SV} ... självmord*",
            "överdos*|overdos*",
            "återfall* !förra|bättre|nykter !år sedan !sedan dess",
            "tagit|tog ~1 för många|massa|alla|hela ~2 tablett*|piller",
            "medvetslös*|medvetlös*",
            "andas ~1 inte|konstigt|knappt",
            "vaknar inte !imorgon",
            "blöder ... huvud*|mycket|massor",
            f"{OLDER_SV} ~4 försvunn*|försvinn*|borta|rymt|vilse|hemifrån !ibland|brukar",
            "mamma|pappa|han|hon ~4 försvunn*|försvann|borta|rymt !ibland|brukar|jobb*|resa",
            "gått hemifrån",
            "rädd ~6 göra ~2 illa",
            f"{FAMILY_SV}|pojkvän|flickvän|kompis ~3 vill ~2 dö",
        )
    ],
    *[
        (p, "en", C.CRISIS_OTHER, A.FLAG)
        for p in (
            "hit|hits|hitting|beat|beats|beating|punch|punched|punches ~3 me|mom|mum|mother|"
            "her|him|brother|sister|us !ball|record|chess|game|pillow|lol|gym !beat|beats me at",
            "kill|killing|hurt|hurting|cut|cutting|harm|harming ~1 himself|herself|themselves",
            "threat*|threaten* ~3 kill|hurt|end|knife|gun|us|me",
            f"{FAMILY_EN}|he|she ~3 hurt|hurts ~1 my|me|her|him !feelings",
            "overdos*",
            "relaps* !ago|better|great|sober|recovered|year*",
            "wandered off",
            "got|gets|get lost !supermarket|shop|store|sometimes|game",
            "went|gone|is ~1 missing !missing her|his|him|you|them|out",
            f"{OLDER_EN} ~4 missing*|lost|wandered|disappeared !sometimes|supermarket|shop|store",
            "cant|can't|cannot find ~1 her|him",
            "unconscious",
            "passed out !drunk|party|tired|sofa|couch",
            "barely|not breathing",
            "wont|won't|not ~1 wake up",
            "violent|violence !game*|movie*|film*|show",
            "end|ending his|her|their life",
        )
    ],
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


# Starter rules of the first release that patterns now cover with guards: a rule still as
# shipped takes the pattern (an edited one is the moderators' and stays as it is).
REPLACED = [
    ("skära mig", C.CRISIS_SELF, "skär|skar|skurit"),
    ("självmord", C.CRISIS_SELF, "självmord*|"),
    ("suicide", C.CRISIS_SELF, "suicid*"),
    ("hits me", C.CRISIS_OTHER, "hit|hits|"),
    ("återfall", C.CRISIS_OTHER, "återfall*"),
    ("relapse", C.CRISIS_OTHER, "relaps*"),
]


def _pattern_of(category, start: str) -> str:
    (pattern,) = [p for p, _l, c, _a in CRISIS_PATTERNS if c == category and p.startswith(start)]
    return pattern


def load_patterns(rule_model) -> None:
    for old, category, start in REPLACED:
        new = _pattern_of(category, start)
        if not rule_model.objects.filter(pattern=new, category=category).exists():
            rule_model.objects.filter(pattern=old, category=category).update(pattern=new)
    for pattern, language, category, action in CRISIS_PATTERNS:
        rule_model.objects.get_or_create(
            pattern=pattern,
            category=category,
            defaults={"language": language, "action": action, "is_regex": False},
        )


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


def load_all(rule_model, contact_model) -> None:
    """What a fresh install has: the first release's rules and contacts, then the crisis
    patterns, as the migrations load them one after the other (for reference data that
    transactional tests flush)."""
    load(rule_model, contact_model)
    load_patterns(rule_model)
