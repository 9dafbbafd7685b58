"""Moderation on phones: a member reports, a moderator sees it live and acts, the room
follows without a reload; room controls, word rules and what members see of moderation.

The new texts are matched in Swedish or English, so these tests hold both before and after
the Swedish catalogue gets the moderation entries.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from chat import services
from chat.models import Message, Room
from groups.models import Meetup
from moderation.models import AuditEntry, CrisisContact, QueueItem, Sanction, WordRule
from moderation.services import reports
from tests.factories import GroupRoomFactory, MembershipFactory
from tests.live import MESSAGE_BOX, assert_accessible, log_in, open_room, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = re.compile(r"^(Anmäl|Report)$")
HIDDEN_BY_MODERATOR = re.compile(r"(Dolt av en moderator|Hidden by a moderator)")
REASON = re.compile(r"^(Intern anledning|Internal reason)")
TO_MEMBER = re.compile(r"^(Meddelande till medlemmen|Message to the member)")


def open_dashboard(page):
    page.goto("/moderering/")
    expect(page.locator("#mod-live")).to_have_attribute("data-state", "on")


def message(page, text):
    return page.locator("#chat-messages > li", has=page.locator(".chat-msg__body", has_text=text))


def in_thread(work):
    """Run a service that broadcasts: its async_to_sync cannot run in this thread while
    Playwright's event loop does, so it runs in a thread of its own."""

    def run():
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def post(user, room, body, client_id):
    return in_thread(
        lambda: services.message_send(user=user, room_id=room.pk, body=body, client_id=client_id)
    )


def watch_errors(page) -> list:
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_a_report_reaches_the_moderator_live_and_hiding_it_reaches_the_room(
    new_phone, member, other_member, moderator, topic_room, password
):
    # given: Havsörn wrote something unkind; three people on three phones
    sent = post(other_member, topic_room, "Du är så dum, sluta skriva här", "seed-1")
    reader = new_phone()
    reader_problems = watch_errors(reader)
    log_in(reader, member, password)
    open_room(reader, topic_room)
    mod = new_phone()
    mod_problems = watch_errors(mod)
    log_in(mod, moderator, password)
    open_dashboard(mod)
    expect(mod.locator("#mod-queue-empty")).to_be_visible()
    mod.evaluate("window.sameDocument = true")
    author = new_phone()
    log_in(author, other_member, password)
    open_room(author, topic_room)
    expect(message(author, "Du är så dum").get_by_role("button", name=REPORT)).to_have_count(0)

    # when: Solros reports it, with a reason in plain words
    unkind = message(reader, "Du är så dum")
    unkind.get_by_role("button", name=REPORT).click()
    form = unkind.locator(".chat-report")
    expect(form.get_by_role("radio").first).to_be_focused()
    form.get_by_role("button", name=re.compile("^(Skicka anmälan|Send report)$")).click()
    expect(form.locator(".chat-msg__error")).to_be_visible()  # no reason chosen yet
    form.get_by_label(re.compile("^(Någon är elak|Someone is being mean)")).check()
    form.get_by_role("textbox").fill("Hen är elak mot alla")
    assert_accessible(reader)
    screenshot(reader, "moderation-report-form")
    form.get_by_role("button", name=re.compile("^(Skicka anmälan|Send report)$")).click()

    # then: a thank-you, and nothing about what happens next
    thanks = unkind.locator(".chat-report__thanks")
    expect(thanks).to_have_text(
        re.compile("^(Tack. En moderator tittar på det.|Thank you. A moderator will look at it.)$")
    )
    expect(thanks).to_be_focused()
    expect(unkind.get_by_role("button", name=REPORT)).to_have_count(0)

    # and the moderator's queue shows it without a reload
    item = mod.locator("#mod-queue-list > li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Du är så dum, sluta skriva här")
    expect(item).to_contain_text(topic_room.name)
    expect(item).to_contain_text("Havsörn")
    expect(item.locator(".mod-item__count")).to_contain_text("1")
    expect(mod.locator("#mod-announcer")).to_contain_text(
        re.compile(f"(Ny anmälan i|New report in) {topic_room.name}")
    )
    expect(mod.locator("#mod-queue-empty")).to_be_hidden()
    assert mod.evaluate("window.sameDocument") is True
    assert_accessible(mod)
    screenshot(mod, "moderation-dashboard-phone")
    queued = QueueItem.objects.get()
    assert (queued.message_id, queued.reports_count, queued.reasons) == (
        sent.message["id"],
        1,
        ["harassment"],
    )

    # when: the moderator opens it and hides the message, with a reason
    item.get_by_role("link").click()
    mod.wait_for_url(f"**/moderering/{queued.pk}/")
    reported = mod.locator(".mod-context__msg--reported")
    expect(reported).to_contain_text("Du är så dum, sluta skriva här")
    notes = mod.locator("section[aria-labelledby=mod-notes-title]")
    expect(notes).to_contain_text("Hen är elak mot alla")  # what Solros wrote, not that she did
    expect(notes).not_to_contain_text("Solros")
    hide = mod.get_by_role("button", name=re.compile("^(Dölj meddelandet|Hide the message)$"))
    expect(hide).to_be_disabled()  # no reason yet
    assert_accessible(mod)
    screenshot(mod, "moderation-item-phone")
    mod.get_by_role("textbox", name=REASON).fill("Kränkande mot andra")
    expect(hide).to_be_enabled()
    hide.click()
    mod.wait_for_url(f"**/moderering/{queued.pk}/")
    expect(mod.locator(".messages")).to_contain_text(
        re.compile("(Meddelandet är dolt|The message is hidden)")
    )

    # then: it vanishes for the reader, live
    expect(message(reader, "Du är så dum")).to_have_count(0)
    expect(reader.locator(f"#chat-msg-{sent.message['seq']}")).to_be_hidden()
    # and its author sees it as hidden by a moderator
    own = message(author, "Du är så dum")
    expect(own.locator(".chat-msg__note")).to_have_text(HIDDEN_BY_MODERATOR)
    assert Message.objects.get(pk=sent.message["id"]).state == Message.State.HIDDEN
    entry = AuditEntry.objects.get(action="message.hide")
    assert (entry.actor_id, entry.reason) == (moderator.pk, "Kränkande mot andra")

    # when: the moderator closes the item
    mod.get_by_role("textbox", name=REASON).fill("Dolt")
    mod.get_by_role("button", name=re.compile("^(Stäng: hanterat|Close: handled)$")).click()
    mod.wait_for_url("**/moderering/")
    expect(mod.locator("#mod-queue-list > li")).to_have_count(0)
    assert QueueItem.objects.get().status == QueueItem.Status.ACTIONED
    assert reader_problems == []
    assert mod_problems == []


def test_room_controls_lock_pin_and_slow_mode_reach_the_room_live(
    new_phone, member, other_member, moderator, topic_room, password
):
    # given: someone wrote; nobody is on duty, so the room shows who to call
    CrisisContact.objects.all().delete()  # the shipped contacts, if the database has them
    CrisisContact.objects.create(name="Självmordslinjen", phone="90101", on_call=True, order=2)
    post(other_member, topic_room, "Välkomna hit allihop", "seed-1")
    room_page = new_phone()
    log_in(room_page, member, password)
    open_room(room_page, topic_room)
    duty = room_page.locator("#chat-duty")
    expect(duty).to_contain_text(
        re.compile("(Just nu är ingen moderator i tjänst|No moderator is on duty right now)")
    )
    call = duty.get_by_role("link", name="Självmordslinjen 90101")
    assert call.get_attribute("href") == "tel:90101"
    expect(room_page.locator("#chat-pinned")).to_be_hidden()
    mod = new_phone()
    log_in(mod, moderator, password)
    mod.goto("/moderering/")
    mod.get_by_role("link", name=topic_room.name).click()
    mod.wait_for_url(f"**/moderering/rum/{topic_room.pk}/")
    expect(mod.locator(".mod-duty")).to_contain_text("Självmordslinjen")
    assert_accessible(mod)
    screenshot(mod, "moderation-room-controls-phone")

    # when: the moderator locks the room
    lock_form = mod.locator("form", has=mod.locator("input[name=action][value=lock]"))
    lock_button = lock_form.get_by_role("button")
    expect(lock_button).to_be_disabled()
    lock_form.get_by_role("textbox", name=REASON).fill("Det blev bråkigt")
    lock_button.click()
    mod.wait_for_url(f"**/moderering/rum/{topic_room.pk}/")

    # then: the member's composer closes at once, with the explanation
    box = room_page.get_by_role("textbox", name=MESSAGE_BOX)
    expect(box).to_be_disabled()
    expect(room_page.locator("#chat-composer-note")).to_contain_text(
        re.compile("(låst|locked)", re.IGNORECASE)
    )
    assert Room.objects.get(pk=topic_room.pk).is_locked is True

    # when: unlocked again, and slow mode set
    unlock_form = mod.locator("form", has=mod.locator("input[name=action][value=unlock]"))
    unlock_form.get_by_role("textbox", name=REASON).fill("Lugnt igen")
    unlock_form.get_by_role("button").click()
    expect(box).to_be_enabled()
    slow_form = mod.locator("form", has=mod.locator("input[name=action][value=slow]"))
    slow_form.get_by_role("spinbutton").fill("30")
    slow_form.get_by_role("textbox", name=REASON).fill("Många skriver samtidigt")
    slow_form.get_by_role("button").click()
    expect(room_page.locator("#chat-composer-note")).to_contain_text("30")

    # when: a message is pinned
    pin_form = mod.locator("form", has=mod.locator("input[name=action][value=pin]"))
    pin_form.get_by_label(re.compile("Välkomna hit allihop")).check()
    pin_form.get_by_role("textbox", name=REASON).fill("Välkomstmeddelande")
    pin_form.get_by_role("button").click()
    mod.wait_for_url(f"**/moderering/rum/{topic_room.pk}/")

    # then: it shows at the top of the room
    pinned = room_page.locator("#chat-pinned")
    expect(pinned).to_be_visible()
    expect(pinned).to_contain_text("Havsörn: Välkomna hit allihop")
    assert_accessible(room_page)
    screenshot(room_page, "moderation-room-pinned-phone")

    # and validation errors stay on the page: a reason is required on the server too
    unpin_form = mod.locator("form", has=mod.locator("input[name=action][value=unpin]"))
    unpin_form.evaluate("form => form.querySelector('button').disabled = false")
    unpin_form.get_by_role("button").click()
    expect(mod.locator(".error-summary")).to_be_visible()
    assert_accessible(mod)
    assert Room.objects.get(pk=topic_room.pk).pinned_message_id is not None
    assert list(
        AuditEntry.objects.order_by("created_at", "id").values_list("action", flat=True)
    ) == ["room.lock", "room.unlock", "room.slow_mode", "message.pin"]


def test_a_warning_from_a_moderator_reaches_the_author_privately(
    new_phone, member, other_member, moderator, topic_room, password
):
    sent = post(other_member, topic_room, "Ni är töntar", "seed-1")
    item = in_thread(
        lambda: reports.report_create(
            user=member, message_id=sent.message["id"], reason="harassment"
        )
    )
    author = new_phone()
    log_in(author, other_member, password)
    open_room(author, topic_room)
    mod = new_phone()
    log_in(mod, moderator, password)
    queued = QueueItem.objects.get(message_id=item.message_id)
    mod.goto(f"/moderering/{queued.pk}/")

    mod.get_by_role("textbox", name=REASON).fill("Intern: andra gången i veckan")
    mod.get_by_role("textbox", name=TO_MEMBER).fill("Var snäll mot de andra i rummet.")
    mod.get_by_role(
        "button", name=re.compile("^(Skicka en privat varning|Send a private warning)$")
    ).click()
    mod.wait_for_url(f"**/moderering/{queued.pk}/")

    card = author.locator(".chat-notice--warning")
    expect(card).to_contain_text("Var snäll mot de andra i rummet.")
    expect(card).not_to_contain_text("Intern")
    assert_accessible(author)
    screenshot(author, "moderation-warning-phone")
    assert Sanction.objects.get().kind == Sanction.Kind.WARNING
    # the history on the item page lists it, and never who reported
    mod.reload()
    history = mod.locator("section", has=mod.locator("#mod-history-title"))
    expect(history).to_contain_text(re.compile("(Varning|Warning)"))
    expect(history).not_to_contain_text(member.display_name)


def test_the_rules_editor_adds_checks_edits_turns_off_and_deletes(new_phone, moderator, password):
    page = new_phone()
    log_in(page, moderator, password)
    page.goto("/moderering/regler/")

    # a broken regular expression: the error sits at the field
    page.locator("summary", has_text=re.compile("(Lägg till en regel|Add a rule)")).click()
    page.get_by_label(re.compile("^(Ord eller mönster|Word or pattern)")).fill("(oj")
    page.get_by_label(re.compile("(reguljärt uttryck|regular expression)")).check()
    page.get_by_label(re.compile("^(Kategori|Category)")).select_option("spam")
    page.get_by_label(re.compile("^(Flagga|Flag)")).check()
    page.get_by_role("button", name=re.compile("^(Lägg till regeln|Add the rule)$")).click()
    invalid = page.locator(".field--invalid")
    expect(invalid).to_have_count(1)
    expect(invalid.get_by_role("textbox")).to_have_value("(oj")
    expect(invalid.locator(".field__errors")).not_to_be_empty()
    assert WordRule.objects.count() == 0
    assert_accessible(page)
    screenshot(page, "moderation-rules-error-phone")

    # fixed: added
    page.get_by_label(re.compile("^(Ord eller mönster|Word or pattern)")).fill("gratis pengar")
    page.get_by_label(re.compile("(reguljärt uttryck|regular expression)")).uncheck()
    page.get_by_role("button", name=re.compile("^(Lägg till regeln|Add the rule)$")).click()
    page.wait_for_url("**/moderering/regler/")
    rule = WordRule.objects.get()
    assert (rule.pattern, rule.category, rule.action, rule.is_active) == (
        "gratis pengar",
        "spam",
        "flag",
        True,
    )
    assert_accessible(page)
    screenshot(page, "moderation-rules-phone")

    # tried on a sentence: the rule that fires and the words it matched
    page.get_by_label(re.compile("^(En mening|A sentence)")).fill("Gratis  PENGAR till alla")
    page.get_by_role("button", name=re.compile("^(Prova|Try it)$")).click()
    result = page.locator("[data-try-result]")
    expect(result).to_have_attribute("data-try-result", "flag")
    expect(result.get_by_role("link", name="gratis pengar")).to_be_visible()
    expect(result).to_contain_text("“Gratis PENGAR”")
    assert_accessible(page)
    screenshot(page, "moderation-rules-try-phone")
    page.goto("/moderering/regler/")

    # edited, turned off, deleted
    page.get_by_role("link", name=re.compile("gratis pengar")).click()
    page.get_by_label(re.compile("^(Håll|Hold)")).check()
    page.get_by_role("button", name=re.compile("^(Spara regeln|Save the rule)$")).click()
    page.wait_for_url("**/moderering/regler/")
    assert WordRule.objects.get().action == "hold"
    page.get_by_role("link", name=re.compile("gratis pengar")).click()
    page.get_by_role("button", name=re.compile("^(Stäng av regeln|Turn the rule off)$")).click()
    page.wait_for_url("**/moderering/regler/")
    assert WordRule.objects.get().is_active is False
    page.get_by_role("link", name=re.compile("gratis pengar")).click()
    page.get_by_role("link", name=re.compile("^(Radera regeln|Delete the rule)$")).click()
    page.get_by_role("button", name=re.compile("^(Radera regeln|Delete the rule)$")).click()
    page.wait_for_url("**/moderering/regler/")
    assert WordRule.objects.count() == 0
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "rule.create",
        "rule.update",
        "rule.update",
        "rule.delete",
    ]


def test_members_get_the_normal_404_and_no_moderation_link(
    new_phone, member, other_member, topic_room, password
):
    sent = post(other_member, topic_room, "Hej", "seed-1")
    in_thread(
        lambda: reports.report_create(user=member, message_id=sent.message["id"], reason="spam")
    )
    queued = QueueItem.objects.get()
    page = new_phone()
    log_in(page, member, password)

    expect(page.get_by_role("link", name=re.compile("^(Moderering|Moderation)$"))).to_have_count(0)
    for path in (
        "/moderering/",
        f"/moderering/{queued.pk}/",
        f"/moderering/rum/{topic_room.pk}/",
        "/moderering/regler/",
    ):
        response = page.goto(path)
        assert response.status == 404, path


def test_next_meetup_on_the_rooms_list_and_in_the_room_header_updates_live(
    new_phone, member, password
):
    room = GroupRoomFactory(name="Gruppens rum", slug="gruppens-rum")
    MembershipFactory(group=room.group, user=member)
    starts = timezone.now() + timedelta(days=3)
    meetup = Meetup.objects.create(
        group=room.group,
        title="Fika på biblioteket",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_name="Stadsbiblioteket",
        capacity=10,
        created_by=member,
    )
    page = new_phone()
    sockets = []
    log_in(page, member, password)

    page.goto("/rum/")
    card = page.locator(".room-card", has_text="Gruppens rum")
    link = card.get_by_role("link", name="Fika på biblioteket")
    assert link.get_attribute("href") == f"/traffar/{meetup.pk}/"
    assert_accessible(page)
    screenshot(page, "moderation-rooms-meetup-phone")

    # the room's socket, not the bell's on the pages before
    page.route_web_socket("**/ws/", lambda ws: (ws.connect_to_server(), sockets.append(ws)))
    open_room(page, room)
    header = page.locator("#chat-meetup")
    expect(header.get_by_role("link", name="Fika på biblioteket")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "moderation-room-meetup-phone")

    # when: the server says the next meetup changed (on the room's socket: the room list
    # before it had one of its own) (text only, links inside the site only)
    sockets[-1].send(
        json.dumps(
            {
                "type": "room.updated",
                "room": room.pk,
                "next_meetup": {
                    "id": 99,
                    "title": "Promenad <b>i parken</b>",
                    "starts_at": (starts + timedelta(days=7)).isoformat(),
                    "url": "/traffar/99/",
                    "venue_name": "Parken",
                },
            }
        )
    )
    changed = header.get_by_role("link", name="Promenad <b>i parken</b>")
    expect(changed).to_be_visible()
    assert changed.get_attribute("href") == "/traffar/99/"
    sockets[-1].send(json.dumps({"type": "room.updated", "room": room.pk, "next_meetup": None}))
    expect(header).to_be_hidden()


def test_a_held_message_appears_for_the_room_when_a_moderator_approves_it(
    new_phone, member, other_member, moderator, topic_room, password
):
    # given: a rule holds messages with a word until a moderator looks
    WordRule.objects.create(pattern="hemlisen", category="abuse", action="hold", language="sv")
    post(other_member, topic_room, "Först ett vanligt meddelande", "seed-1")
    post(other_member, topic_room, "Här är hemlisen jag lovade", "seed-2")
    reader = new_phone()
    log_in(reader, member, password)
    open_room(reader, topic_room)
    expect(message(reader, "Först ett vanligt meddelande")).to_have_count(1)
    expect(message(reader, "hemlisen")).to_have_count(0)
    queued = QueueItem.objects.get()
    assert queued.source == QueueItem.Source.RULE

    # when: the moderator approves it from the queue
    mod = new_phone()
    log_in(mod, moderator, password)
    open_dashboard(mod)
    mod.locator(f"#mod-item-{queued.pk}").get_by_role("link").click()
    expect(mod.get_by_role("heading", level=1)).to_have_text(
        re.compile("(Meddelande som en regel fångade|Message caught by a rule)")
    )
    mod.get_by_role("textbox", name=REASON).fill("Ofarligt")
    mod.get_by_role("button", name=re.compile("^(Godkänn|Approve)")).click()
    mod.wait_for_url(f"**/moderering/{queued.pk}/")

    # then: it appears in the room at its place, without a reload
    expect(message(reader, "hemlisen")).to_have_count(1)
    bodies = reader.locator("#chat-messages > li .chat-msg__body").all_inner_texts()
    assert bodies == ["Först ett vanligt meddelande", "Här är hemlisen jag lovade"]
    assert Message.objects.get(seq=2).state == Message.State.VISIBLE
