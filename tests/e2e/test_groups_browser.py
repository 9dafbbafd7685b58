"""Young carers on phones find a peer group, join it and sign up for a meetup; hosts run it.

The pages' own texts are matched in Swedish or English, so these tests hold both before
and after the Swedish catalogue gets the new entries.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import Meetup, Membership, Rsvp
from groups.services import membership as membership_services
from groups.services import rsvps
from tests.factories import GroupRoomFactory, MembershipFactory, PeerGroupFactory, UserFactory
from tests.live import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS_LINK = re.compile(r"^(Grupper|Groups)$")
MEETUPS_LINK = re.compile(r"^(Träffar|Meetups)$")
FILTERS = re.compile(r"^(Filtrera grupper|Filter groups)$")
THEME = re.compile(r"^(Tema|Theme)$")
SHOW_GROUPS = re.compile(r"^(Visa grupper|Show groups)$")
JOIN = re.compile(r"^(Gå med|Join)$")
MEMBER_NOW = re.compile(r"^(Du är medlem|You are a member)$")
FULL = re.compile(r"(Fullt – väntelista|Full – waiting list)")
RESPITE = re.compile(r"^(Jag behöver avlösning|I need respite)")
SEND_ANSWER = re.compile(r"^(Skicka mitt svar|Send my answer)$")
COMING = re.compile(r"^(Ja, jag kommer|Yes, I am coming)$")
WAITLIST_1 = re.compile(r"^(Du står på väntelistan, plats 1|You are on the waiting list, place 1)$")
WAITLIST_BADGE_1 = re.compile(r"(Väntelista, plats 1|Waiting list, place 1)")
HERE = re.compile(r"(Här|Here)")
CHECK_IN_CODE = re.compile(r"^(Incheckningskod|Check-in code)$")
CHECK_IN_WITH_CODE = re.compile(r"^(Checka in med koden|Check in with the code)$")
TITLE = re.compile(r"^(Rubrik|Titel|Title)$")
STARTS = re.compile(r"^(Börjar|Starts)$")
ENDS = re.compile(r"^(Slutar|Ends)$")
PLACE = re.compile(r"^(Plats|Place)$")
PLACES = re.compile(r"^(Antal platser|Platser|Places)$")
SCHEDULE = re.compile(r"^(Planera träffen|Schedule the meetup)$")
MESSAGE = re.compile(r"^(Meddelande till värdarna|Message to the hosts)")
ASK_TO_JOIN = re.compile(r"^(Be om att få gå med|Ask to join)$")
REQUEST_SENT = re.compile(r"^(Din förfrågan är skickad|Your request is sent)$")
LET_IN = re.compile(r"^(Släpp in|Let them in)$")
INVITATION_ONLY = re.compile(r"^(Bara med inbjudan|By invitation only)$")
EXPIRED = re.compile(r"(gått ut eller återkallats|expired or been withdrawn)")


def in_days(days: int, hour: int = 18):
    """An aware time ``days`` from now at ``hour`` o'clock Stockholm time."""
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def full_meetup(group, host, going):
    """A meetup with one place, already taken by ``going``."""
    starts = in_days(3)
    meetup = Meetup(
        group=group,
        title="Fika och prat",
        description="Vi ses och fikar. Ingen behöver säga något.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_name="Träffpunkten",
        venue_address="Storgatan 5, Halmstad",
        accessibility_notes="Ingång utan trappsteg. Hörslinga finns.",
        directions_url="https://example.se/karta",
        capacity=1,
        rsvp_deadline=starts - timedelta(days=1),
        created_by=host,
    )
    meetup.save()
    rsvps.rsvp_set(user=going, meetup_id=meetup.pk, status=Rsvp.Status.GOING)
    return meetup


@pytest.fixture
def groups_with_a_full_meetup(member):
    """Two groups in the directory; the one for the member has a full meetup coming up."""
    group = PeerGroupFactory(
        name="Unga anhöriga Halmstad",
        min_age=18,
        max_age=30,
        themes=["gemenskap", "motesplatser"],
        description="För dig som är 18–30 och tar hand om någon i din familj.",
        rules="Det som sägs i gruppen stannar i gruppen.",
    )
    PeerGroupFactory(
        name="Syskon på nätet",
        municipality=None,
        min_age=13,
        max_age=17,
        themes=["samtalsstod"],
        joining="request",
    )
    GroupRoomFactory(group=group, name="Unga anhöriga Halmstad", slug="unga-anhoriga-halmstad")
    host = MembershipFactory(group=group, role="host", user__display_name="Värden Vera").user
    going = MembershipFactory(group=group, user__display_name="Tranan").user
    return group, full_meetup(group, host, going), host


def test_member_finds_joins_and_lands_on_the_waitlist(
    new_phone, member, password, groups_with_a_full_meetup
):
    group, meetup, _host = groups_with_a_full_meetup
    page = new_phone()
    log_in(page, member, password)

    # The directory, filtered by theme.
    page.get_by_role("link", name=GROUPS_LINK).click()
    page.wait_for_url("**/grupper/")
    expect(page.get_by_role("link", name="Syskon på nätet")).to_be_visible()
    assert_accessible(page)
    page.get_by_text(FILTERS).click()
    page.get_by_label(THEME).select_option("gemenskap")
    page.get_by_role("button", name=SHOW_GROUPS).click()
    expect(page.get_by_role("link", name="Syskon på nätet")).to_have_count(0)
    card = page.locator(".group-card", has_text="Unga anhöriga Halmstad")
    expect(card).to_contain_text("18–30")
    expect(card).to_contain_text("Halmstad")
    screenshot(page, "groups-directory-phone")

    # The group page before joining: no member list, a button to join.
    card.get_by_role("link", name="Unga anhöriga Halmstad").click()
    page.wait_for_url(f"**/grupper/{group.pk}/")
    expect(page.get_by_text("Tranan")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name=JOIN).click()

    # A member now: the member list and the group's meetups.
    expect(page.get_by_role("heading", name=MEMBER_NOW)).to_be_visible()
    expect(page.locator(".member-list")).to_contain_text("Tranan")
    assert Membership.objects.get(group=group, user=member).status == Membership.Status.ACTIVE
    chat = page.get_by_role("link", name=re.compile("Unga anhöriga Halmstad$"))
    expect(chat).to_have_attribute("href", re.compile(r"^/rum/\d+/$"))
    assert_accessible(page)
    screenshot(page, "group-page-phone")

    # The meetup is full: answering going puts the member first on the waiting list.
    item = page.locator(".meetup-item", has_text="Fika och prat")
    expect(item).to_contain_text(FULL)
    item.get_by_role("link", name="Fika och prat").click()
    page.wait_for_url(f"**/traffar/{meetup.pk}/")
    assert_accessible(page)
    page.get_by_label(COMING).check()
    page.get_by_label(RESPITE).check()
    page.get_by_role("button", name=SEND_ANSWER).click()

    expect(page.locator(".rsvp-status__title")).to_have_text(WAITLIST_1)
    assert_accessible(page)
    screenshot(page, "meetup-detail-phone")
    rsvp = Rsvp.objects.get(meetup=meetup, user=member)
    assert (rsvp.status, rsvp.needs_respite, rsvp.needs_company) == ("waitlisted", True, False)

    # The meetup list shows the answer too.
    page.get_by_role("link", name=MEETUPS_LINK).click()
    page.wait_for_url("**/traffar/")
    expect(page.locator(".meetup-item", has_text="Fika och prat")).to_contain_text(WAITLIST_BADGE_1)
    assert_accessible(page)


def test_signed_out_visitors_see_groups_but_not_who_is_in_them(
    new_phone, groups_with_a_full_meetup
):
    group, meetup, _host = groups_with_a_full_meetup
    page = new_phone()

    page.goto("/grupper/")
    assert_accessible(page)
    page.goto(f"/grupper/{group.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unga anhöriga Halmstad")
    expect(page.get_by_text("Tranan")).to_have_count(0)
    expect(page.get_by_text("Värden Vera")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"/traffar/{meetup.pk}/")
    page.wait_for_url("**/konto/login/**")


def test_host_schedules_sees_needs_and_checks_people_in(
    new_phone, member, password, groups_with_a_full_meetup
):
    group, meetup, host = groups_with_a_full_meetup
    Meetup.objects.filter(pk=meetup.pk).update(capacity=2)
    MembershipFactory(group=group, user=member)
    mine = rsvps.rsvp_set(
        user=member,
        meetup_id=meetup.pk,
        status=Rsvp.Status.GOING,
        needs=rsvps.Needs(company=True, accessibility="Rullstol"),
    )
    asker = UserFactory(display_name="Nattugglan")
    group.joining = "request"
    group.save(update_fields=["joining"])
    membership_services.group_join(user=asker, group_id=group.pk, message="Hej! Jag är 19.")
    membership_services.invitation_create(user=host, group_id=group.pk)
    page = new_phone()
    log_in(page, host, password)

    # The group page as its host: requests to answer and invitation links.
    page.goto(f"/grupper/{group.pk}/")
    expect(page.locator(".request")).to_contain_text("Hej! Jag är 19.")
    expect(page.locator(".invitation__url")).to_have_value(re.compile(r"/inbjudan/"))
    assert_accessible(page)
    screenshot(page, "group-page-host-phone")

    # Schedule a new meetup.
    page.goto(f"/grupper/{group.pk}/traffar/ny/")
    assert_accessible(page)
    screenshot(page, "meetup-create-phone")
    page.get_by_label(TITLE).fill("Bowling")
    page.get_by_label(STARTS).fill(in_days(10).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(ENDS).fill(in_days(10, hour=20).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(PLACE).fill("Bowlinghallen")
    page.get_by_label(PLACES).fill("8")
    page.get_by_role("button", name=SCHEDULE).click()
    page.wait_for_url(re.compile(r"/traffar/\d+/$"))
    created = Meetup.objects.get(title="Bowling")
    assert timezone.localtime(created.starts_at).hour == 18
    assert created.capacity == 8

    # What people need, for the hosts' eyes only.
    page.goto(f"/traffar/{meetup.pk}/behov/")
    expect(page.locator(".person", has_text="Solros")).to_contain_text("Rullstol")
    assert_accessible(page)
    screenshot(page, "meetup-needs-phone")

    # Check-in at the door: one from the list, one by the code they show.
    page.goto(f"/traffar/{meetup.pk}/incheckning/")
    assert_accessible(page)
    page.locator(".checkin-list__item", has_text="Tranan").get_by_role("button").click()
    expect(page.locator(".checkin-list__item", has_text="Tranan")).to_contain_text(HERE)
    page.get_by_label(CHECK_IN_CODE).fill(mine.rsvp.checkin_code.lower())
    page.get_by_role("button", name=CHECK_IN_WITH_CODE).click()
    expect(page.locator(".checkin-list__item", has_text="Solros")).to_contain_text(HERE)
    assert_accessible(page)
    screenshot(page, "checkin-phone")
    checked_in = Rsvp.objects.filter(meetup=meetup, checked_in_at__isnull=False)
    assert sorted(r.user.display_name for r in checked_in) == ["Solros", "Tranan"]


def test_needs_and_host_pages_are_not_found_for_members(
    new_phone, member, password, groups_with_a_full_meetup
):
    group, meetup, _host = groups_with_a_full_meetup
    MembershipFactory(group=group, user=member)
    page = new_phone()
    log_in(page, member, password)

    for path in [
        f"/traffar/{meetup.pk}/behov/",
        f"/traffar/{meetup.pk}/incheckning/",
        f"/grupper/{group.pk}/traffar/ny/",
    ]:
        response = page.goto(path)
        assert response.status == 404, path


def test_ask_to_join_get_let_in_and_join_by_invitation(
    new_phone, member, other_member, password, groups_with_a_full_meetup
):
    group, _meetup, host = groups_with_a_full_meetup
    group.joining = "invitation"
    group.save(update_fields=["joining"])
    asking_group = PeerGroupFactory(name="Kvällsgruppen", joining="request", max_age=30)
    MembershipFactory(group=asking_group, user=host, role="host")

    # A member asks to join, with a few words.
    page = new_phone()
    log_in(page, member, password)
    page.goto(f"/grupper/{asking_group.pk}/")
    page.get_by_label(MESSAGE).fill("Hej! Jag tar hand om min mamma.")
    page.get_by_role("button", name=ASK_TO_JOIN).click()
    expect(page.get_by_role("heading", name=REQUEST_SENT)).to_be_visible()
    assert_accessible(page)

    # The host lets them in from the group page.
    host_page = new_phone()
    log_in(host_page, host, password)
    host_page.goto(f"/grupper/{asking_group.pk}/")
    request = host_page.locator(".request", has_text="Solros")
    expect(request).to_contain_text("Hej! Jag tar hand om min mamma.")
    request.get_by_role("button", name=LET_IN).click()
    expect(host_page.locator(".member-list")).to_contain_text("Solros")
    assert Membership.objects.get(group=asking_group, user=member).status == "active"

    # An invitation link lets someone into a group that is by invitation only.
    invitation = membership_services.invitation_create(user=host, group_id=group.pk)
    invited = new_phone()
    log_in(invited, other_member, password)
    invited.goto(f"/grupper/{group.pk}/")
    expect(invited.get_by_role("heading", name=INVITATION_ONLY)).to_be_visible()
    invited.goto(f"/grupper/{group.pk}/inbjudan/{invitation.token}/")
    assert_accessible(invited)
    invited.get_by_role("button", name=JOIN).click()
    expect(invited.get_by_role("heading", name=MEMBER_NOW)).to_be_visible()

    # A withdrawn link says so.
    membership_services.invitation_revoke(user=host, invitation_id=invitation.pk)
    page.goto(f"/grupper/{group.pk}/inbjudan/{invitation.token}/")
    expect(page.locator(".refusal")).to_contain_text(EXPIRED)
