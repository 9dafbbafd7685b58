"""The documents members accept at sign-up. Bump a version when its text changes."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from community.models import Consent


@dataclass(frozen=True)
class LegalDocument:
    document: str
    version: str
    title: str
    text: str


CODE_OF_CONDUCT = LegalDocument(
    document=Consent.Document.CODE_OF_CONDUCT,
    version="2026-11",
    title=_("Code of conduct"),
    text=_(
        "We are here for each other. Be kind and listen. Keep what others share here. "
        "Never share anyone's real name, address, phone number or pictures, yours "
        "included. No harassment, hate, sexual content or advertising. Moderators may "
        "hide messages and pause accounts to keep everyone safe. If you or someone you "
        "care for is in danger, call 112."
    ),
)

PRIVACY_NOTICE = LegalDocument(
    document=Consent.Document.PRIVACY_NOTICE,
    version="2026-11",
    title=_("Privacy notice"),
    text=_(
        "Bredvid keeps as little about you as it can: your e-mail address (to log in and "
        "reset your password), a display name of your choice, your birth year (to keep "
        "age groups safe), your municipality and, if you choose, whom you care for. "
        "Others see only your display name. What you tell staff is seen only by staff. "
        "You can ask us to show or delete your data at any time."
    ),
)

DOCUMENTS = (CODE_OF_CONDUCT, PRIVACY_NOTICE)
