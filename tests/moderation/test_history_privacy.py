import pytest

from moderation import selectors
from moderation.services import reports
from tests.factories import GroupRoomFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_group_leaders_see_only_their_groups_history_of_a_member(
    member, other_member, moderator, send, municipalities
):
    mine, theirs = GroupRoomFactory(slug="min"), GroupRoomFactory(slug="deras")
    leader = MembershipFactory(group=mine.group, role="moderator").user
    for room in (mine, theirs):
        MembershipFactory(group=room.group, user=member)
        MembershipFactory(group=room.group, user=other_member)
        sent = send(member, room, "något")
        reports.report_create(user=other_member, message_id=sent.message["id"], reason="spam")

    seen_by_leader = selectors.member_history(user_id=member.pk, viewer=leader)
    seen_by_moderator = selectors.member_history(user_id=member.pk, viewer=moderator)

    assert [r["room"] for r in seen_by_leader["reports"]] == [mine.name]
    assert len(seen_by_moderator["reports"]) == 2
    assert "reporter" not in str(seen_by_moderator)
