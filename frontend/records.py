"""The records of processing: what Bredvid keeps about people, why, on what legal basis,
for how long and who sees it. The periods come from ``settings.RETENTION`` (the same values
``manage.py purge_expired`` uses), so the page never disagrees with what is deleted."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from community.retention import period_days

PUBLIC_TASK = _(
    "Public task (GDPR article 6.1 e): the municipality's duty under the Social Services "
    "Act to support people who care for someone close to them."
)
HEALTH_BY_CONSENT = _(
    "What you tell about health, yours or your family's: your explicit consent (GDPR "
    "article 9.2 a), which you can take back by removing it."
)


def period_text(days: int) -> str:
    """A period as people say it: whole years in months (12, 24), anything else in days."""
    if days % 365 == 0:
        months = days // 365 * 12
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _filled(template: str, periods: dict[str, str]) -> str:
    values = {placeholder: period_text(period_days(name)) for placeholder, name in periods.items()}
    values["tokens"] = period_text(settings.REST_KNOX["TOKEN_TTL"].days)
    return gettext(template) % values


def _kept(template: str, name: str, **others: str):
    """``template`` with ``%(period)s`` (and any ``others``: placeholder=period name) filled
    from the configured periods, in the reader's language when shown."""
    return lazy(_filled, str)(template, {"period": name, **others})


@dataclass(frozen=True)
class Processing:
    key: str
    title: str
    data: str
    purpose: str
    basis: tuple[str, ...]
    kept: str
    seen_by: str


RECORDS = (
    Processing(
        key="account",
        title=_("Your account and profile"),
        data=_(
            "E-mail address, password (kept only as a one-way hash), display name, birth "
            "year, municipality and language; if you choose, whom you care for and what your "
            "situation is like. A sign-up waiting for its code keeps the same until the code "
            "expires."
        ),
        purpose=_(
            "To let you sign in, to keep groups for your age safe, and to show you groups, "
            "meetups and support near you."
        ),
        basis=(PUBLIC_TASK, HEALTH_BY_CONSENT),
        kept=_("Until you delete your account."),
        seen_by=_(
            "You. Other members see only your display name. Staff see what they need to "
            "keep groups safe."
        ),
    ),
    Processing(
        key="consents",
        title=_("What you accepted"),
        data=_("Which version of the code of conduct and the privacy notice you accepted, when."),
        purpose=_("To show what you agreed to, and to ask again when a text changes."),
        basis=(_("Accountability for consent (GDPR article 7.1)."),),
        kept=_("Until you delete your account."),
        seen_by=_("You, and administrators when asked to show it."),
    ),
    Processing(
        key="chat_messages",
        title=_("Chat messages and reactions"),
        data=_("What you write in rooms and group rooms, replies and reactions, and when."),
        purpose=_("Peer support: to talk with others who know what it is like."),
        basis=(PUBLIC_TASK, HEALTH_BY_CONSENT),
        kept=_kept(
            gettext_noop(
                "%(period)s after it was written. A message pinned in a room stays while it is "
                "pinned, and one a moderator is looking at stays until that is settled."
            ),
            "chat_messages",
        ),
        seen_by=_("Those who may read the room, and its moderators."),
    ),
    Processing(
        key="rsvp_needs",
        title=_("Meetup sign-ups and what you need to come"),
        data=_(
            "Your answer (going, waiting list, not going), check-in, and what you need to be "
            "able to come: respite, company at the door, accessibility, a note."
        ),
        purpose=_("To plan each meetup so that you can come."),
        basis=(PUBLIC_TASK, HEALTH_BY_CONSENT),
        kept=_kept(
            gettext_noop(
                "What you need: %(period)s after the meetup. Your answer: until you delete your "
                "account."
            ),
            "rsvp_needs",
        ),
        seen_by=_("The group's hosts and coordinators."),
    ),
    Processing(
        key="join_requests",
        title=_("Requests to join a group"),
        data=_("Your message with the request, and the answer; invitation links to a group."),
        purpose=_("To let the group's leaders decide who joins."),
        basis=(PUBLIC_TASK,),
        kept=_kept(
            gettext_noop(
                "%(period)s after the answer. An invitation link: %(invitations)s after it "
                "expired or was withdrawn."
            ),
            "join_requests",
            invitations="invitations",
        ),
        seen_by=_("You, the group's leaders and coordinators."),
    ),
    Processing(
        key="talk_requests",
        title=_("Requests to talk to someone"),
        data=_(
            "How and when we may reach you (a phone number if you give one), what it is "
            "about, the times staff propose and your replies, and staff's notes."
        ),
        purpose=_("To arrange a conversation with carer-support staff."),
        basis=(PUBLIC_TASK, HEALTH_BY_CONSENT),
        kept=_kept(
            gettext_noop("%(period)s after the request was closed."),
            "talk_requests",
        ),
        seen_by=_("You and the carer-support staff of your municipality."),
    ),
    Processing(
        key="support_conversations",
        title=_("Support conversations with staff"),
        data=_("What you and staff write in your private conversation, and when."),
        purpose=_("Support from carer-support staff, in writing."),
        basis=(PUBLIC_TASK, HEALTH_BY_CONSENT),
        kept=_kept(
            gettext_noop("%(period)s after its last message."),
            "support_conversations",
        ),
        seen_by=_("You, the carer-support staff of your municipality, and platform moderators."),
    ),
    Processing(
        key="queue_items",
        title=_("Reports and moderation"),
        data=_(
            "Reports of messages (nobody is told who reported), what moderators decided, "
            "sanctions, when the crisis card was shown to someone, and the log of what "
            "staff did."
        ),
        purpose=_("To keep the community safe, and to help someone who may be in danger."),
        basis=(PUBLIC_TASK,),
        kept=_kept(
            gettext_noop(
                "A settled case: %(period)s after it was settled. Sanctions and the staff log: "
                "as long as the rules on public records require."
            ),
            "queue_items",
        ),
        seen_by=_("Moderators and coordinators."),
    ),
    Processing(
        key="notifications",
        title=_("Notifications"),
        data=_("What happened for you: new meetups, answers, messages from staff."),
        purpose=_("To tell you in the app, and by e-mail or push if you choose."),
        basis=(PUBLIC_TASK,),
        kept=_kept(
            gettext_noop("%(period)s after they were made."),
            "notifications",
        ),
        seen_by=_("Only you. E-mail and push never say what it is about."),
    ),
    Processing(
        key="devices",
        title=_("Signed-in devices and push"),
        data=_(
            "Sign-in sessions, app keys (stored only as a hash) and, if you turn on push, "
            "your browser's push address."
        ),
        purpose=_("To keep you signed in, and to reach your phone if you asked for it."),
        basis=(PUBLIC_TASK,),
        kept=_kept(
            gettext_noop(
                "Until you sign out; an app key ends when it has not been used for "
                "%(tokens)s. Push: until you turn it off, or %(period)s after your browser's "
                "push service stopped taking it."
            ),
            "push_failing",
        ),
        seen_by=_("Nobody reads them."),
    ),
)
