"""Bounds on what arrives from outside, in one place: ids, JSON nesting, valid text.

URL paths take ids through the ``id`` converter, REST queries and bodies through
``community.rest.IdField``, REST bodies and socket frames through ``json_loads``; nothing
past these reaches the database or the parser unchecked.
"""

import json
import re

ID_MAX = 2**63 - 1  # the largest id a 64-bit signed column (BigAutoField) holds
JSON_DEPTH_MAX = 32  # no body or frame of the API nests deeper than a handful of levels

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class IdConverter:
    """``<id:name>`` in a URL: an object id, 1 to 2^63 - 1; anything else matches no route
    (404), so no lookup is made with a number the database cannot hold."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


class TooDeep(ValueError):
    """JSON nested deeper than ``JSON_DEPTH_MAX``."""


class InvalidText(ValueError):
    """JSON whose strings are not all valid Unicode."""


def too_deep(text: str, limit: int = JSON_DEPTH_MAX) -> bool:
    """Whether the JSON text nests arrays and objects deeper than ``limit``, found without
    parsing it (the parser would recurse once per level). Brackets inside strings don't
    count; text with few brackets is answered at once."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_loads(text: str):
    """Strict JSON (no NaN or Infinity), bounded in depth, whose every string is valid
    Unicode (a lone surrogate such as ``"\\ud800"`` can be neither stored nor sent on)."""
    if too_deep(text):
        raise TooDeep(f"nested deeper than {JSON_DEPTH_MAX} levels")
    data = json.loads(text, parse_constant=_refuse_constant)
    if not valid_text(data):
        raise InvalidText("text that is not valid Unicode")
    return data


def valid_text(value) -> bool:
    """Whether every string in a parsed JSON value (keys included) is valid Unicode; the
    caller bounds the depth."""
    if isinstance(value, str):
        return _encodable(value)
    if isinstance(value, dict):
        return all(_encodable(key) and valid_text(item) for key, item in value.items())
    if isinstance(value, list):
        return all(valid_text(item) for item in value)
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
