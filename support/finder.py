"""The guided finder ("Lotsen"): a few answers in, ranked places to turn to out.

Pure and explainable: ``rank`` reads only what it is given (entries, groups with their
``has_upcoming``, meetups with their group, articles, all loaded beforehand) and never the
database. Every point an item gets comes with the sentence that explains it, so ``why``
is exactly the ranking's reasons, in the active language.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import CaresFor, Municipality, SituationTag


class Need(models.TextChoices):
    TALK = "talk", gettext_lazy("Someone to talk to")
    RESPITE = "respite", gettext_lazy("A break (respite)")
    MEET = "meet", gettext_lazy("Meeting others like me")
    INFORMATION = "information", gettext_lazy("Information and my rights")
    MONEY = "money", gettext_lazy("Money")
    OWN_HEALTH = "own_health", gettext_lazy("My own health")


# What each need is, in the carers' keywords (``groups.models.Theme`` values).
NEED_THEMES = {
    Need.TALK: ("samtalsstod",),
    Need.RESPITE: ("avlastning",),
    Need.MEET: ("gemenskap", "anhoriggrupper", "motesplatser"),
    Need.INFORMATION: ("information", "kunskap"),
    Need.MONEY: ("ekonomi",),
    Need.OWN_HEALTH: ("friskvard",),
}

# Groups and articles say whom and what they are for in words; these find them.
CARES_FOR_WORDS = {
    CaresFor.PARENT: r"förälder|föräldr|mamm|papp|parent|mother|father",
    CaresFor.SIBLING: r"syskon|bror\b|bröder|syster|sibling|brother|sister",
    CaresFor.PARTNER: r"partner|sambo|\bmaka?\b|\bfru\b|spouse",
    CaresFor.CHILD: r"\bbarn\b|\bson\b|dotter|\bchild",
    CaresFor.FRIEND: r"\bvän\b|vänner|kompis|friend",
}
SITUATION_WORDS = {
    SituationTag.DEMENTIA: r"demens|alzheimer|dementia",
    SituationTag.MENTAL_ILLNESS: r"psykisk|depression|ångest|mental",
    SituationTag.ADDICTION: r"missbruk|beroende|alkohol|droger|addiction",
    SituationTag.DISABILITY: r"funktionsnedsättning|funktionsvariation|npf|autism|disabilit",
    SituationTag.LONG_TERM_ILLNESS: r"sjukdom|cancer|långvarig|illness",
}

ADULT_AGE = 18
MAX_RESULTS = 10
SOON = timedelta(days=14)
KIND_ORDER = {"entry": 0, "group": 1, "meetup": 2, "article": 3}

# Points, one per reason. Under-18s who want to talk get youth lines first, always.
POINTS = {
    "need": 40,
    "need_also": 25,
    "youth_talk": 100,
    "near": 20,
    "municipal": 10,
    "age_band": 10,
    "cares_for": 15,
    "situation": 15,
    "meets_soon": 5,
    "meetup_need": 40,
    "meetup_of_match": 20,
    "meetup_near": 15,
    "meetup_words": 5,
    "article_need": 30,
    "article_words": 10,
}
YOUTH_BAND_WIDTH = 15  # an age band this narrow is made for that age


@dataclass(frozen=True)
class Answers:
    need: str
    cares_for: str
    age: int
    municipality: Municipality | None = None
    situation: str | None = None


@dataclass
class Candidates:
    entries: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    meetups: list = field(default_factory=list)
    articles: list = field(default_factory=list)


@dataclass
class Result:
    kind: str  # "entry", "group", "meetup" or "article"
    id: int
    title: str
    summary: str
    url: str
    next_step: dict
    why: list[str] = field(default_factory=list)
    score: int = 0

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.why.append(reason)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "why": self.why,
            "next_step": self.next_step,
            "score": self.score,
        }


# --- the sentences ------------------------------------------------------------------------


def _chose(answers: Answers) -> str:
    return _("Because you chose: %(answer)s") % {"answer": Need(answers.need).label.lower()}


def _cares_for(answers: Answers) -> str:
    whom = CaresFor(answers.cares_for).label.lower()
    return _("Because you care for %(whom)s") % {"whom": whom}


def _situation(answers: Answers) -> str:
    what = SituationTag(answers.situation).label.lower()
    return _("Because you told about %(situation)s") % {"situation": what}


def _near(answers: Answers) -> str:
    return _("Near you: in %(municipality)s") % {"municipality": answers.municipality.name}


def _mentions(pattern: str | None, *texts: str) -> bool:
    return bool(pattern) and re.search(pattern, " ".join(texts).casefold()) is not None


def _text_reasons(result: Result, answers: Answers, text: str, points: int) -> None:
    if _mentions(CARES_FOR_WORDS.get(answers.cares_for), text):
        result.add(points, _cares_for(answers))
    if answers.situation and _mentions(SITUATION_WORDS.get(answers.situation), text):
        result.add(points, _situation(answers))


# --- next steps ---------------------------------------------------------------------------


def _step(label: str, url: str) -> dict:
    return {"label": label, "url": url}


def call_step(phone: str) -> dict:
    digits = re.sub(r"[^\d+]", "", phone)
    return _step(_("Call %(number)s") % {"number": phone}, f"tel:{digits}")


def entry_next_step(entry, url: str) -> dict:
    """One clear thing to do: apply, ask for a conversation, call, or read on."""
    if entry.is_municipal_service and entry.how_to_apply:
        return _step(_("How to apply"), f"{url}#how-to-apply")
    if entry.is_municipal_service and entry.category == "samtalsstod":
        return _step(_("Ask for a conversation"), "/prata-med-nagon/")
    if entry.phone:
        return call_step(entry.phone)
    if entry.website:
        return _step(_("Visit their website"), entry.website)
    return _step(_("Read more"), url)


def group_next_step(group) -> dict:
    url = f"/grupper/{group.pk}/"
    if group.joining == "open":
        return _step(_("Join the group"), url)
    if group.joining == "request":
        return _step(_("Ask to join"), url)
    return _step(_("Read about the group"), url)


# --- scoring ------------------------------------------------------------------------------


def _fits(low, high, age: int) -> bool:
    return (low is None or low <= age) and (high is None or age <= high)


def is_for(entry, answers: Answers) -> bool:
    """Whether an entry is for this person: age, whom they care for, situation, place."""
    if not _fits(entry.min_age, entry.max_age, answers.age):
        return False
    if entry.cares_for and answers.cares_for not in entry.cares_for:
        return False
    if answers.situation and entry.situations and answers.situation not in entry.situations:
        return False
    if entry.municipality_id is None:
        return True
    return answers.municipality is not None and entry.municipality_id == answers.municipality.pk


def is_youth_talk(entry, answers: Answers) -> bool:
    """An under-18 who wants to talk, and a talk line made for under-18s (Bris)."""
    talk_line = "samtalsstod" in {entry.category, *entry.extra_categories}
    youth_line = entry.max_age is not None and entry.max_age < ADULT_AGE
    return answers.need == Need.TALK and answers.age < ADULT_AGE and youth_line and talk_line


def _entry_age_reason(result: Result, entry, answers: Answers) -> None:
    if is_youth_talk(entry, answers):
        result.add(
            POINTS["youth_talk"],
            _("Because you are under 18: it is made for young people who want to talk"),
        )
    elif (
        entry.min_age is not None
        and entry.max_age is not None
        and entry.max_age - entry.min_age <= YOUTH_BAND_WIDTH
    ):
        result.add(
            POINTS["age_band"],
            _("Made for your age: %(low)s–%(high)s")
            % {"low": entry.min_age, "high": entry.max_age},
        )


def score_entry(entry, answers: Answers) -> Result | None:
    """A directory entry, or None when it is not for this person or this need."""
    themes = NEED_THEMES[answers.need]
    if not is_for(entry, answers):
        return None
    if entry.is_crisis_line and not is_youth_talk(entry, answers):
        return None  # always in the crisis list beside the results; not repeated here
    url = f"/stod/{entry.slug}/"
    result = Result("entry", entry.pk, entry.title, entry.summary, url, entry_next_step(entry, url))
    if entry.category in themes:
        result.add(POINTS["need"], _chose(answers))
    elif set(entry.extra_categories) & set(themes):
        result.add(POINTS["need_also"], _chose(answers))
    else:
        return None
    _entry_age_reason(result, entry, answers)
    if entry.municipality_id is not None:
        result.add(POINTS["near"], _near(answers))
    if entry.is_municipal_service:
        result.add(POINTS["municipal"], _("Run by your municipality's carer support"))
    if entry.cares_for:
        result.add(POINTS["cares_for"], _cares_for(answers))
    if answers.situation and entry.situations:
        result.add(POINTS["situation"], _situation(answers))
    return result


def score_group(group, answers: Answers) -> Result | None:
    """A peer group the person may join (age and place are checked by the caller's query)."""
    if not set(group.themes) & set(NEED_THEMES[answers.need]):
        return None
    step = group_next_step(group)
    result = Result("group", group.pk, group.name, group.description, step["url"], step)
    result.add(POINTS["need"], _chose(answers))
    if group.municipality_id is not None and answers.municipality is not None:
        result.add(POINTS["near"], _near(answers))
    _text_reasons(result, answers, f"{group.name} {group.description}", POINTS["cares_for"])
    if getattr(group, "has_upcoming", False):
        result.add(POINTS["meets_soon"], _("It has a meetup coming up"))
    return result


def score_meetup(meetup, answers: Answers, *, matched_groups: set[int], now: datetime):
    """An upcoming meetup: for those who want to meet others, or of a group that matches."""
    url = f"/traffar/{meetup.pk}/"
    result = Result(
        "meetup",
        meetup.pk,
        meetup.title,
        meetup.description,
        url,
        _step(_("Sign up for the meetup"), url),
    )
    lecture_for_information = answers.need == Need.INFORMATION and meetup.kind == "lecture"
    if answers.need == Need.MEET or lecture_for_information:
        result.add(POINTS["meetup_need"], _chose(answers))
    elif meetup.group_id in matched_groups:
        result.add(POINTS["meetup_of_match"], _("A meetup of a group that suits what you chose"))
    else:
        return None
    group = meetup.group
    if group.municipality_id is not None and answers.municipality is not None:
        result.add(POINTS["meetup_near"], _near(answers))
    _text_reasons(result, answers, f"{group.name} {group.description}", POINTS["meetup_words"])
    if meetup.starts_at - now <= SOON:
        result.add(POINTS["meets_soon"], _("It is soon"))
    return result


def score_article(article, answers: Answers) -> Result | None:
    if not set(article.categories) & set(NEED_THEMES[answers.need]):
        return None
    url = f"/kunskap/{article.slug}/"
    result = Result(
        "article", article.pk, article.title, article.summary, url, _step(_("Read"), url)
    )
    result.add(POINTS["article_need"], _chose(answers))
    text = f"{article.title} {article.summary} {article.body_markdown}"
    _text_reasons(result, answers, text, POINTS["article_words"])
    return result


def rank(answers: Answers, candidates: Candidates, *, now: datetime) -> list[Result]:
    """The best places to turn to, best first, each with its reasons and next step."""
    groups = [r for r in (score_group(g, answers) for g in candidates.groups) if r]
    matched = {result.id for result in groups}
    results = [
        *(score_entry(entry, answers) for entry in candidates.entries),
        *groups,
        *(score_meetup(m, answers, matched_groups=matched, now=now) for m in candidates.meetups),
        *(score_article(article, answers) for article in candidates.articles),
    ]
    found = [result for result in results if result is not None]
    found.sort(key=lambda r: (-r.score, KIND_ORDER[r.kind], r.title.casefold(), r.id))
    return found[:MAX_RESULTS]
