"""Word rules and crisis contacts (kept by staff), and what a matching message sets off."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import Message, Room
from community.errors import Code, Conflict, Invalid, NotFound, RuleBroken
from moderation import broadcast as moderation_broadcast
from moderation import patterns, policies, room_state, screening
from moderation.models import CrisisCard, CrisisContact, QueueItem, WordRule
from moderation.screening import Verdict
from moderation.services import alerts, audit
from moderation.services.reports import queue_item_upsert


def screen_text(*, user, body: str, moderator: bool, group, target, already_sent=None) -> Verdict:
    """Every path that shows a text to others asks this: a blocked text is refused here
    (logged against ``target``, never stored, with the crisis card if it is one); the caller
    stores the rest, held when ``verdict.held``, and passes the stored message to
    ``after_screening``. ``already_sent`` tells a send's retry, which is not logged again.
    Call it outside the caller's transaction, so the refusal's log line stays."""
    verdict = screening.screen(user=user, body=body, moderator=moderator, group=group)
    if verdict.blocked:
        if already_sent is None or not already_sent():
            blocked(verdict=verdict, author=user, room=target)
        raise RuleBroken(Code.BLOCKED_WORD)
    return verdict


def after_screening(*, message: Message, verdict: Verdict, author) -> None:
    """Queue what a rule caught, log it, and send a crisis card privately and at once."""
    if not verdict.rules and verdict.action is None:
        return
    room = message.room
    if verdict.crisis:
        _crisis_card(author=author, categories=verdict.crisis, room=room)
    if verdict.action in (WordRule.Action.HOLD, WordRule.Action.FLAG) or verdict.crisis:
        item = queue_item_upsert(
            message=message,
            source=QueueItem.Source.CRISIS if verdict.crisis else QueueItem.Source.RULE,
            reasons=[rule.category for rule in verdict.rules] or [verdict.reason],
            rule_note=verdict.reason[:200],
            priority=QueueItem.Priority.URGENT if verdict.crisis else QueueItem.Priority.NORMAL,
        )
        moderation_broadcast.queue_changed(item, alert=alerts.queue_item_alert(item=item))
    audit.record(
        actor=None,
        action=f"rule.{verdict.action or 'match'}",
        target=message,
        reason=verdict.reason,
        details={
            "rules": [r.pk for r in verdict.rules],
            "crisis": verdict.crisis,
            "author": author.pk,
        },
        room_id=room.pk,
        group_id=room.group_id,
    )


def blocked(*, verdict: Verdict, author, room) -> None:
    """A blocked text is never stored; the log keeps that a rule fired, not the text.

    ``room`` is where it was to be shown: a chat room, or a peer group (its meetup texts)."""
    is_room = isinstance(room, Room)
    if verdict.crisis:
        _crisis_card(author=author, categories=verdict.crisis, room=room if is_room else None)
    audit.record(
        actor=None,
        action="rule.block",
        target=room,
        reason=verdict.reason,
        details={"rules": [r.pk for r in verdict.rules], "author": author.pk},
        room_id=room.pk if is_room else None,
        group_id=room.group_id if is_room else room.pk,
    )


def _crisis_card(*, author, categories, room: Room | None) -> None:
    """The author's one crisis card in the room: a second worrying message within the card's
    time updates it (``update``), it never stacks. A text for a group (a meetup's) has no
    room to keep it in, so only the frame goes out."""
    if room is None:
        card = CrisisCard(user=author, categories=list(categories))
        frame = room_state.crisis_card_payload(card, user=author)
        moderation_broadcast.to_member(author.pk, {**frame, "until": None})
        return
    card, update = crisis_card_record(author=author, room=room, categories=categories)
    moderation_broadcast.to_member(
        author.pk, room_state.crisis_card_payload(card, user=author, update=update)
    )


@transaction.atomic
def crisis_card_record(*, author, room: Room, categories) -> tuple[CrisisCard, bool]:
    """Keep that the card was shown (situations and time, no text); True when it updated a
    card still offered in that room."""
    now = timezone.now()
    card, created = CrisisCard.objects.select_for_update().get_or_create(
        user=author, room=room, defaults={"categories": list(categories), "shown_at": now}
    )
    if created:
        return card, False
    current = now - card.updated_at < room_state.CRISIS_CARD_TIME
    if current:  # the writer's own crisis leads the card: it says the most urgent thing
        merged = {*card.categories, *categories}
        card.categories = [c for c in WordRule.Category.values if c in merged]
    else:
        card.categories, card.shown_at = list(categories), now
    card.updated_at = now
    card.save(update_fields=["categories", "shown_at", "updated_at"])
    return card, current


def rule_try(*, user, text: str, language: str | None = None) -> dict:
    """What the active rules would do with ``text``: the one screening, nothing stored,
    nobody told. For those who may edit rules (the editor's "try a sentence")."""
    if not policies.can_edit_rules(user):
        raise NotFound()
    if not text.strip():
        raise Invalid(fields={"text": [_("Write a sentence to try.")]})
    verdict = screening.screen(user=user, body=text, moderator=False, language=language)
    return {
        "action": verdict.action,
        "crisis": verdict.crisis,
        "rules": [
            {"id": rule.pk, "pattern": rule.pattern, "why": verdict.why[rule.pk]}
            for rule in verdict.rules
        ],
    }


def pattern_problem(*, pattern: str, is_regex: bool, language: str) -> str | None:
    """Why a rule's pattern cannot be used, or None: a regex compiles, a pattern reads."""
    if is_regex:
        try:
            re.compile(pattern)
        except re.error:
            return _("That is not a valid regular expression.")
        return None
    try:
        patterns.compile_pattern(pattern, language)
    except patterns.PatternError as error:
        return str(error)
    return None


def _valid_rule(fields: dict) -> dict:
    pattern = (fields.get("pattern") or "").strip()
    errors = {}
    if not pattern or len(pattern) > 200:
        errors["pattern"] = [_("Give a word or pattern of at most 200 characters.")]
    else:
        problem = pattern_problem(
            pattern=pattern,
            is_regex=bool(fields.get("is_regex")),
            language=fields.get("language") or "sv",
        )
        if problem:
            errors["pattern"] = [problem]
    if fields.get("action") not in WordRule.Action.values:
        errors["action"] = [_("Choose block, hold or flag.")]
    if fields.get("category") not in WordRule.Category.values:
        errors["category"] = [_("Choose a category.")]
    if errors:
        raise Invalid(fields=errors)
    return {**fields, "pattern": pattern}


@transaction.atomic
def rule_save(*, user, fields: dict, rule_id=None) -> WordRule:
    if not policies.can_edit_rules(user):
        raise NotFound()
    fields = _valid_rule(fields)
    rule = WordRule() if rule_id is None else WordRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    before = {"pattern": rule.pattern, "action": rule.action, "is_active": rule.is_active}
    for name in ("pattern", "is_regex", "language", "category", "action", "is_active"):
        if name in fields:
            setattr(rule, name, fields[name])
    rule.created_by = rule.created_by or user
    rule.updated_at = timezone.now()
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as error:
        raise Conflict(_("That rule already exists.")) from error
    screening.rules_changed()
    audit.record(
        actor=user,
        action="rule.create" if rule_id is None else "rule.update",
        target=rule,
        details={
            "before": before if rule_id else None,
            "pattern": rule.pattern,
            "action": rule.action,
        },
    )
    return rule


@transaction.atomic
def rule_delete(*, user, rule_id) -> None:
    rule = WordRule.objects.filter(pk=rule_id).first() if policies.can_edit_rules(user) else None
    if rule is None:
        raise NotFound()
    audit.record(
        actor=user,
        action="rule.delete",
        target=rule,
        details={"pattern": rule.pattern, "action": rule.action},
    )
    rule.delete()
    screening.rules_changed()


@transaction.atomic
def crisis_contact_save(*, user, fields: dict, contact_id=None) -> CrisisContact:
    if not policies.can_edit_crisis_contacts(user):
        raise NotFound()
    contact = (
        CrisisContact()
        if contact_id is None
        else CrisisContact.objects.filter(pk=contact_id).first()
    )
    if contact is None:
        raise NotFound()
    for name, value in fields.items():
        setattr(contact, name, value)
    if not contact.name or not (contact.phone or contact.url):
        raise Invalid(fields={"phone": [_("Give a name and a phone number or web address.")]})
    contact.save()
    audit.record(
        actor=user,
        action="crisis_contact.save",
        target=contact,
        details={"name": contact.name, "phone": contact.phone},
    )
    return contact
