"""The documents members accept: the privacy notice and the code of conduct.

The first versions are written here (translated like the rest of the site). A municipality
publishes a new version as data, in the admin (``LegalVersion``): from then on it is the
current one, and members accept it at their next visit before they post again."""

from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Consent, LegalVersion


@dataclass(frozen=True)
class LegalDocument:
    document: str
    version: str
    title: str
    text: str
    changes: str = ""


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


def _newest_published(*fields: str) -> dict[str, dict]:
    """Each published document's newest version, as the named fields only (one query)."""
    published = LegalVersion.objects.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-id"
    )
    newest: dict[str, dict] = {}
    for row in published.values("document", *fields):
        newest.setdefault(row.pop("document"), row)
    return newest


def current_documents() -> tuple[LegalDocument, ...]:
    """Each document in its newest published version (one query)."""
    newest = _newest_published("version", "text", "changes")
    return tuple(replace(doc, **newest.get(doc.document, {})) for doc in DOCUMENTS)


def current_document(document: str) -> LegalDocument | None:
    return next((doc for doc in current_documents() if doc.document == document), None)


def current_versions() -> dict[str, str]:
    """Each document's current version name: what every post asks about, so names only,
    never the texts of all versions."""
    newest = _newest_published("version")
    return {
        doc.document: newest.get(doc.document, {}).get("version", doc.version) for doc in DOCUMENTS
    }


def documents_to_accept(*, user) -> list[LegalDocument]:
    """The current documents this person has not accepted in their current version."""
    if not (user and user.is_authenticated):
        return []
    current = current_versions()
    accepted = set(
        Consent.objects.filter(user_id=user.pk, document__in=list(current)).values_list(
            "document", "version"
        )
    )
    waiting = {
        document for document, version in current.items() if (document, version) not in accepted
    }
    if not waiting:
        return []
    return [doc for doc in current_documents() if doc.document in waiting]
