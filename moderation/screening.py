"""Automatic rules: what a new message triggers before anyone else sees it."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from chat.models import Message, Room
from groups.models import Membership
from moderation.models import WordRule

LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
STRENGTH = {WordRule.Action.FLAG: 1, WordRule.Action.HOLD: 2, WordRule.Action.BLOCK: 3}


@dataclass
class Verdict:
    action: str | None = None  # block, hold or flag; None lets the message through
    rules: list[WordRule] = field(default_factory=list)
    crisis: list[str] = field(default_factory=list)  # crisis categories that matched
    reason: str = ""

    def add(self, action: str, reason: str) -> None:
        if self.action is None or STRENGTH[action] > STRENGTH[self.action]:
            self.action, self.reason = action, reason


def _compiled(rule: WordRule) -> re.Pattern:
    if rule.is_regex:
        return re.compile(rule.pattern, re.IGNORECASE)
    return re.compile(rf"(?<!\w){re.escape(rule.pattern)}(?!\w)", re.IGNORECASE)


def matching_rules(body: str) -> list[WordRule]:
    rules = WordRule.objects.filter(is_active=True)
    return [rule for rule in rules if _compiled(rule).search(body)]


def screen(*, user, room: Room, body: str, moderator: bool) -> Verdict:
    """Word rules for everyone; a group's holds for its new members (not for moderators)."""
    verdict = Verdict()
    for rule in matching_rules(body):
        verdict.rules.append(rule)
        verdict.add(rule.action, f"rule:{rule.category}:{rule.pattern}")
        if rule.is_crisis and rule.category not in verdict.crisis:
            verdict.crisis.append(rule.category)
    if room.group_id is not None and not moderator:
        _group_holds(verdict, user=user, room=room, body=body)
    return verdict


def _group_holds(verdict: Verdict, *, user, room: Room, body: str) -> None:
    group = room.group
    if group.hold_first_messages:
        membership = Membership.objects.filter(group=group, user=user).first()
        since = membership.joined_at if membership else timezone.now()
        posted = Message.objects.filter(room__group=group, author=user, created_at__gte=since)
        if posted.count() < group.hold_first_messages:
            verdict.add(WordRule.Action.HOLD, "group:first_messages")
    new_member = timezone.now() - user.date_joined < timedelta(days=group.hold_links_days)
    if group.hold_links_days and LINK.search(body) and new_member:
        verdict.add(WordRule.Action.HOLD, "group:new_member_link")
