"""What every app's REST API shares: parsing with a serializer, keyset pages with the query
string of the next one, and the error responses the OpenAPI schema documents."""

from urllib.parse import urlencode

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

INVALID = OpenApiResponse(description="invalid: see `fields`")
NOT_SIGNED_IN = OpenApiResponse(description="not_signed_in")
FORBIDDEN = OpenApiResponse(description="forbidden, with the reason in `detail`")
NOT_FOUND = OpenApiResponse(description="not_found: missing or not visible to you")
CONFLICT = OpenApiResponse(description="conflict, with the reason in `detail`")


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
