"""Automatic rules: what a new message triggers before anyone else sees it."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from chat.models import Message
from groups.models import Membership, PeerGroup
from moderation import patterns
from moderation.models import WordRule

LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
STRENGTH = {WordRule.Action.FLAG: 1, WordRule.Action.HOLD: 2, WordRule.Action.BLOCK: 3}


@dataclass
class Verdict:
    action: str | None = None  # block, hold or flag; None lets the message through
    rules: list[WordRule] = field(default_factory=list)
    crisis: list[str] = field(default_factory=list)  # crisis categories that matched
    reason: str = ""
    why: dict[int, str] = field(default_factory=dict)  # rule id: the words it matched

    @property
    def blocked(self) -> bool:
        return self.action == WordRule.Action.BLOCK

    @property
    def held(self) -> bool:
        return self.action == WordRule.Action.HOLD

    def add(self, action: str, reason: str) -> None:
        if self.action is None or STRENGTH[action] > STRENGTH[self.action]:
            self.action, self.reason = action, reason


class Regex:
    """A rule written as a regular expression (older rules; still editable as such)."""

    def __init__(self, expression: str):
        self.expression = re.compile(expression, re.IGNORECASE)

    def search(self, body: str) -> str | None:
        found = self.expression.search(body)
        return f"“{found.group(0)}”" if found else None


def _literal(pattern: str) -> str:
    return rf"(?<!\w){re.escape(pattern)}(?!\w)"


def _compiled(rule: WordRule) -> Regex | patterns.Pattern:
    if rule.is_regex:
        return Regex(rule.pattern)
    try:
        return patterns.compile_pattern(rule.pattern, rule.language)
    except patterns.PatternError:
        # Saved before patterns were checked: it keeps its old, literal meaning.
        return Regex(_literal(rule.pattern))


@dataclass
class RuleSet:
    """Active rules, compiled, with an index from each pattern's anchor stems to it: a
    message is matched only against the patterns whose anchor word it contains."""

    rules: list[tuple[WordRule, Regex | patterns.Pattern]] = field(default_factory=list)
    always: list[int] = field(default_factory=list)
    index: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    def add(self, rule: WordRule) -> None:
        number, matcher = len(self.rules), _compiled(rule)
        self.rules.append((rule, matcher))
        anchor = matcher.anchor if isinstance(matcher, patterns.Pattern) else None
        if anchor is None:
            self.always.append(number)
            return
        by_stem = self.index.setdefault(matcher.language, {})
        for stem in anchor:
            by_stem.setdefault(stem, []).append(number)

    def matches(self, body: str, language: str | None = None) -> list[tuple[WordRule, str]]:
        reading = patterns.read(body)
        candidates = set(self.always)
        for rule_language, by_stem in self.index.items():
            for stem in reading.key_set(rule_language) & by_stem.keys():
                candidates.update(by_stem[stem])
        found = []
        for number in sorted(candidates):
            rule, matcher = self.rules[number]
            if language and rule.language != language:
                continue
            why = matcher.search(body if isinstance(matcher, Regex) else reading)
            if why:
                found.append((rule, why))
        return found


# With Redis, the active rules, compiled, are kept per process under a version that lives
# in the shared cache: every message costs one cache read instead of loading and compiling
# every rule. Whatever saves or deletes a rule (the rules services, the admin) calls
# ``rules_changed`` for a new version, so every process reloads at its next message; so
# does a cache that lost the key. Without a shared cache the rules are read per message.
RULES_VERSION_KEY = "moderation:rules:version"
_loaded: tuple[str | None, RuleSet] = (None, RuleSet())


def _load_rules() -> RuleSet:
    rule_set = RuleSet()
    for rule in WordRule.objects.filter(is_active=True):
        rule_set.add(rule)
    return rule_set


def _active_rules() -> RuleSet:
    global _loaded
    if not settings.REDIS_URL:
        return _load_rules()
    version = cache.get(RULES_VERSION_KEY)
    if version is None:
        cache.add(RULES_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(RULES_VERSION_KEY)
    loaded_version, rules = _loaded
    if version is None or version != loaded_version:
        rules = _load_rules()
        _loaded = (version, rules)
    return rules


def rules_changed() -> None:
    """A new rules version at once (this transaction sees its own change) and again at
    commit: a process that reloaded between the two read the rules before the commit."""

    def bump():
        cache.set(RULES_VERSION_KEY, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)


def matching_rules(body: str) -> list[WordRule]:
    return [rule for rule, _why in _active_rules().matches(body)]


def screen(
    *,
    user,
    body: str,
    moderator: bool,
    group: PeerGroup | None = None,
    language: str | None = None,
) -> Verdict:
    """The one verdict on text others will see (a message, an edit, a meetup text): word
    rules for everyone (only those in ``language`` when it is given); the group's holds for
    its new members (not for moderators)."""
    verdict = Verdict()
    for rule, why in _active_rules().matches(body, language):
        verdict.rules.append(rule)
        verdict.why[rule.pk] = why
        verdict.add(rule.action, f"rule:{rule.category}:{rule.pattern}")
        if rule.is_crisis and rule.category not in verdict.crisis:
            verdict.crisis.append(rule.category)
    if group is not None and not moderator:
        _group_holds(verdict, user=user, group=group, body=body)
    return verdict


def _group_holds(verdict: Verdict, *, user, group: PeerGroup, body: str) -> None:
    if group.hold_first_messages:
        membership = Membership.objects.filter(group=group, user=user).first()
        since = membership.joined_at if membership else timezone.now()
        posted = Message.objects.filter(room__group=group, author=user, created_at__gte=since)
        if posted.count() < group.hold_first_messages:
            verdict.add(WordRule.Action.HOLD, "group:first_messages")
    new_member = timezone.now() - user.date_joined < timedelta(days=group.hold_links_days)
    if group.hold_links_days and LINK.search(body) and new_member:
        verdict.add(WordRule.Action.HOLD, "group:new_member_link")
