"""What every app's REST API shares: parsing with a serializer, keyset pages with the query
string of the next one, and the error responses the OpenAPI schema documents."""

import codecs
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError

from community import bounds

INVALID = OpenApiResponse(description="invalid: see `fields`")
NOT_SIGNED_IN = OpenApiResponse(description="not_signed_in")
FORBIDDEN = OpenApiResponse(description="forbidden, with the reason in `detail`")
NOT_FOUND = OpenApiResponse(description="not_found: missing or not visible to you")
CONFLICT = OpenApiResponse(description="conflict, with the reason in `detail`")


class IdField(serializers.IntegerField):
    """An id (or id cursor) read from a query string or a body: 1 (or ``min_value``) to
    2^63 - 1, else 400 ``invalid``, so no lookup is made with a number the database
    cannot hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", bounds.ID_MAX)
        super().__init__(**kwargs)


class JSONParser(parsers.JSONParser):
    """Every REST body: strict JSON, bounded in depth, valid Unicode (400 ``invalid``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
            return bounds.json_loads(text)
        except bounds.InvalidText:
            raise ParseError(_("The body has text that is not valid Unicode.")) from None
        except bounds.TooDeep:
            raise ParseError(
                _("The body nests deeper than %(max)s levels.") % {"max": bounds.JSON_DEPTH_MAX}
            ) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None


def valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def query(serializer_class, request) -> dict:
    # A plain dict: DRF reads a missing boolean in a QueryDict as an unticked checkbox.
    return valid(serializer_class, request.query_params.dict())


def next_query(request, drop: tuple[str, ...] = (), **cursor) -> str:
    """The query string of the next page: the same filters (less ``drop``), a new cursor."""
    following = {**request.query_params.dict(), **cursor}
    for name in drop:
        following.pop(name, None)
    return urlencode(following)


def page(request, items: list, limit: int, cursor, drop=()) -> tuple[list, str | None]:
    """Cut a ``limit + 1`` fetch to one page and the query string of the next, if any."""
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, next_query(request, drop, **cursor(items[-1]))


def next_field() -> serializers.CharField:
    return serializers.CharField(
        allow_null=True, help_text="Query string of the next page, or null on the last one."
    )
