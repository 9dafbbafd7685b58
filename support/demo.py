"""Demo and starter data for find-support: national resources, Halmstad's entries, staffed
hours and a few articles. The same result however often it runs.

Every entry is marked ``verify_before_production``: numbers, hours and links were written
from public sources for the demo and must be checked by a person before real use.
"""

from dataclasses import dataclass
from datetime import time

from community import demo
from community.models import Article, Municipality, Organisation, StaffedHours, SupportEntry, User

HALMSTAD = "1380"

NATIONAL_ORGANISATIONS = [
    {
        "slug": "sos-alarm",
        "name": "SOS Alarm",
        "description": "Tar emot samtal till 112, Sveriges nödnummer.",
        "website": "https://www.sosalarm.se/",
    },
    {
        "slug": "bris",
        "name": "Bris – Barnens rätt i samhället",
        "description": "Stöd till barn och unga under 18 år, i telefon, chatt och mejl.",
        "phone": "116 111",
        "website": "https://www.bris.se/",
    },
    {
        "slug": "mind",
        "name": "Mind",
        "description": "Ideell förening för psykisk hälsa. Driver Självmordslinjen.",
        "website": "https://mind.se/",
    },
    {
        "slug": "1177-vardguiden",
        "name": "1177 Vårdguiden",
        "description": "Regionernas tjänst för råd om vård och hälsa.",
        "phone": "1177",
        "website": "https://www.1177.se/",
    },
    {
        "slug": "anhorigas-riksforbund",
        "name": "Anhörigas Riksförbund",
        "description": "Riksförbund för anhöriga. Driver Anhöriglinjen.",
        "website": "https://anhorigasriksforbund.se/",
    },
    {
        "slug": "nka",
        "name": "Nationellt kompetenscentrum anhöriga (Nka)",
        "description": "Samlar och sprider kunskap om anhöriga och anhörigstöd.",
        "website": "https://anhoriga.se/",
    },
]

STAFFED_HOURS = {
    "halmstad-anhorigstod": [(day, time(8, 0), time(16, 30)) for day in range(5)],
    "anhorigforeningen-halland": [(1, time(17, 0), time(20, 0)), (3, time(17, 0), time(20, 0))],
}


@dataclass(frozen=True)
class Entry:
    slug: str
    organisation: str
    title: str
    summary: str
    category: str
    body: str = ""
    extra_categories: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    local: bool = False  # Halmstad, or the whole country
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    opening_hours: str = ""
    languages: tuple[str, ...] = ("sv",)
    is_municipal_service: bool = False
    how_to_apply: str = ""
    is_crisis_line: bool = False


ENTRIES = [
    Entry(
        "112",
        "sos-alarm",
        "112 – när det är akut",
        "Ring 112 när någons liv eller hälsa är i fara just nu.",
        "trygghet",
        phone="112",
        website="https://www.112.se/",
        opening_hours="Dygnet runt",
        languages=("sv", "en"),
        is_crisis_line=True,
    ),
    Entry(
        "bris",
        "bris",
        "Bris – för dig under 18",
        "Prata med en kurator. Det är gratis och du behöver inte säga vem du är.",
        "samtalsstod",
        body="Du kan ringa, chatta eller mejla. Kuratorerna vet mycket om hur det är att "
        "ta hand om någon i familjen.",
        extra_categories=("trygghet",),
        max_age=17,
        phone="116 111",
        website="https://www.bris.se/",
        opening_hours="Telefon dygnet runt",
        is_crisis_line=True,
    ),
    Entry(
        "sjalvmordslinjen",
        "mind",
        "Självmordslinjen",
        "Om du har tankar på att ta ditt liv. Du kan vara anonym.",
        "samtalsstod",
        extra_categories=("trygghet",),
        phone="90101",
        website="https://mind.se/hitta-hjalp/sjalvmordslinjen/",
        opening_hours="Dygnet runt",
        is_crisis_line=True,
    ),
    Entry(
        "1177-vardguiden",
        "1177-vardguiden",
        "1177 Vårdguiden",
        "Råd om vård och hälsa dygnet runt, och information om stöd till anhöriga.",
        "information",
        extra_categories=("friskvard",),
        phone="1177",
        website="https://www.1177.se/",
        opening_hours="Dygnet runt",
        languages=("sv", "en", "ar", "fa", "so"),
    ),
    Entry(
        "anhoriglinjen",
        "anhorigas-riksforbund",
        "Anhöriglinjen – Anhörigas Riksförbund",
        "Ring och prata med någon som vet hur det är att vara anhörig.",
        "samtalsstod",
        body="Anhörigas Riksförbund ger råd om stöd, rättigheter och medlemskap.",
        extra_categories=("information", "gemenskap"),
        phone="0200-239 500",
        website="https://anhorigasriksforbund.se/",
        opening_hours="Se webbplatsen för aktuella tider.",
    ),
    Entry(
        "nka",
        "nka",
        "Nka – kunskap om anhöriga",
        "Texter, filmer och stöd om att vara anhörig, också för unga anhöriga.",
        "kunskap",
        extra_categories=("information",),
        website="https://anhoriga.se/",
    ),
    Entry(
        "halmstad-avlosning",
        "halmstad-anhorigstod",
        "Avlösning i hemmet",
        "Någon tar över hemma några timmar, så att du kan vila eller gå på en träff.",
        "avlastning",
        body="Avlösningen är till för dig som hjälper någon i hemmet. Personalen känner "
        "till hur det fungerar hos er innan du går.",
        local=True,
        phone="035-13 70 00",
        email="anhorigstod@example.se",
        opening_hours="Vardagar 08.00–16.30",
        languages=("sv", "en"),
        is_municipal_service=True,
        how_to_apply="1. Ring kommunens kontaktcenter och be om biståndshandläggare för "
        "avlösning.\n2. Berätta vem du hjälper och när du behöver avlösning.\n3. Du får ett "
        "skriftligt beslut. Anhörigstödet hjälper dig gärna att ansöka.",
    ),
    Entry(
        "halmstad-samtalsstod",
        "halmstad-anhorigstod",
        "Samtalsstöd hos anhörigstödet",
        "Prata enskilt med en anhörigkonsulent, i telefon, på video eller på plats.",
        "samtalsstod",
        body="Samtalen är gratis. Du bestämmer vad ni pratar om, och personalen har tystnadsplikt.",
        extra_categories=("information",),
        local=True,
        phone="035-13 70 00",
        email="anhorigstod@example.se",
        opening_hours="Vardagar 08.00–16.30",
        languages=("sv", "en"),
        is_municipal_service=True,
    ),
    Entry(
        "halmstad-budget-och-skuldradgivning",
        "halmstad-anhorigstod",
        "Budget- och skuldrådgivning",
        "Gratis hjälp att få ihop ekonomin när någon i familjen är sjuk.",
        "ekonomi",
        local=True,
        phone="035-13 70 00",
        opening_hours="Vardagar 08.00–16.30",
        is_municipal_service=True,
    ),
    Entry(
        "anhorigforeningen-traffar",
        "anhorigforeningen-halland",
        "Anhörigföreningens träffar",
        "Fika, prat och aktiviteter för anhöriga i alla åldrar, varje vecka.",
        "motesplatser",
        extra_categories=("gemenskap", "anhoriggrupper"),
        local=True,
        phone="035-12 34 56",
        address="Storgatan 12, Halmstad",
        opening_hours="Tisdagar och torsdagar 17.00–20.00",
    ),
]

ARTICLES = [
    {
        "slug": "att-vara-ung-anhorig",
        "title": "Att vara ung anhörig",
        "summary": "Många unga hjälper någon hemma. Här är några saker som är bra att veta.",
        "categories": ["kunskap", "information", "gemenskap"],
        "body_markdown": "Du är **inte ensam**. Många unga hjälper någon i familjen, "
        "fast det sällan syns utåt.\n\n## Det här kan hjälpa\n\n"
        "- Prata med någon du litar på\n- Träffa andra i samma situation\n"
        "- Fråga kommunens anhörigstöd vad som finns\n\n"
        "Läs mer hos [Nka](https://anhoriga.se/).",
    },
    {
        "slug": "sa-ansoker-du-om-avlosning",
        "title": "Så ansöker du om avlösning",
        "summary": "Avlösning ger dig tid för dig själv. Så här går en ansökan till.",
        "categories": ["avlastning", "information"],
        "body_markdown": "## Steg för steg\n\n1. Ring kommunen och be om en "
        "biståndshandläggare.\n2. Berätta vem du hjälper och hur ofta.\n3. Du får ett "
        "beslut. Är du inte nöjd kan du överklaga.\n\nAnhörigstödet hjälper dig gärna.",
    },
    {
        "slug": "ta-hand-om-dig-sjalv",
        "title": "Ta hand om dig själv också",
        "summary": "Sömn, rörelse och någon att prata med: små saker som gör skillnad.",
        "categories": ["friskvard", "kunskap"],
        "body_markdown": "Det är lätt att glömma sig själv när man hjälper någon annan.\n\n"
        "- Sov och ät ordentligt när du kan\n- Gör något roligt varje vecka\n- Säg till "
        "när det blir för mycket: det är ett styrkebesked.",
    },
]


def adopt() -> None:
    """Record the organisations, entries and articles an earlier, record-less seed_demo made."""
    for fields in NATIONAL_ORGANISATIONS:
        slug = fields["slug"]
        demo.demo_adopt(f"organisation:{slug}", Organisation.objects.filter(slug=slug))
    for spec in ENTRIES:
        demo.demo_adopt(f"entry:{spec.slug}", SupportEntry.objects.filter(slug=spec.slug))
    for spec in ARTICLES:
        demo.demo_adopt(f"article:{spec['slug']}", Article.objects.filter(slug=spec["slug"]))


def seed() -> dict:
    halmstad = Municipality.objects.get(code=HALMSTAD)
    for fields in NATIONAL_ORGANISATIONS:
        slug = fields["slug"]
        own = {name: value for name, value in fields.items() if name != "slug"}
        demo.demo_upsert(
            f"organisation:{slug}",
            Organisation,
            slug=slug,
            fields={**own, "kind": Organisation.Kind.NATIONAL, "municipality": None},
        )
    for slug, stretches in STAFFED_HOURS.items():
        _hours(demo.organisation(slug), stretches)
    entries = [_entry(spec, halmstad) for spec in ENTRIES]
    author = demo.people().get(demo.COORDINATOR_EMAIL)
    articles = [_article(spec, author) for spec in ARTICLES]
    return {"entries": entries, "articles": articles}


def _hours(organisation: Organisation, stretches: list[tuple]) -> None:
    current = list(organisation.opening_hours.values_list("weekday", "opens", "closes"))
    if sorted(current) == sorted(stretches):
        return
    organisation.opening_hours.all().delete()
    StaffedHours.objects.bulk_create(
        StaffedHours(organisation=organisation, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in stretches
    )


def _entry(spec: Entry, halmstad: Municipality) -> SupportEntry:
    defaults = {
        "title": spec.title,
        "organisation": demo.organisation(spec.organisation),
        "summary": spec.summary,
        "body": spec.body,
        "category": spec.category,
        "extra_categories": sorted(spec.extra_categories),
        "min_age": spec.min_age,
        "max_age": spec.max_age,
        "municipality": halmstad if spec.local else None,
        "phone": spec.phone,
        "email": spec.email,
        "website": spec.website,
        "address": spec.address,
        "opening_hours": spec.opening_hours,
        "languages": list(spec.languages),
        "is_municipal_service": spec.is_municipal_service,
        "how_to_apply": spec.how_to_apply,
        "is_crisis_line": spec.is_crisis_line,
        "verify_before_production": True,
        "is_published": True,
    }
    return demo.demo_upsert(f"entry:{spec.slug}", SupportEntry, slug=spec.slug, fields=defaults)


def _article(spec: dict, author: User | None) -> Article:
    organisation = demo.organisation("halmstad-anhorigstod")
    defaults = {
        **{key: value for key, value in spec.items() if key != "slug"},
        "organisation": organisation,
        "author": author,
        "is_published": True,
    }
    slug = spec["slug"]
    return demo.demo_upsert(f"article:{slug}", Article, slug=slug, fields=defaults)
