"""The chat's JavaScript writes times and dates in the one format per language the pages use
("17.05", "tisdag 1 december, 17.05" / "Tuesday 1 December, 17.05"), never "5:05 PM"."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

TEXT_JS = Path(__file__).resolve().parents[2] / "frontend/static/js/chat/text.js"
WHEN = "2026-12-01T16:05:00Z"  # 17.05 in Stockholm, a Tuesday
OTHER_DAY = "2026-11-03T22:30:00Z"  # 23.30 in Stockholm, the third of November

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


def run(language: str) -> dict:
    script = f"""
import {{ timeFormatter, meetupFormatter }} from {json.dumps(TEXT_JS.as_uri())};
const now = new Date({json.dumps(WHEN)});
const time = timeFormatter({json.dumps(language)}, "Europe/Stockholm", () => now);
const meetup = meetupFormatter({json.dumps(language)}, "Europe/Stockholm");
console.log(JSON.stringify({{
  today: time(now),
  other: time(new Date({json.dumps(OTHER_DAY)})),
  meetup: meetup(now),
}}));
"""
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(out.stdout)


def test_swedish_times_match_the_pages():
    assert run("sv") == {
        "today": "17.05",
        "other": "3 november 23.30",
        "meetup": "tisdag 1 december, 17.05",
    }


def test_english_times_use_the_same_24_hour_clock():
    assert run("en") == {
        "today": "17.05",
        "other": "3 November 23.30",
        "meetup": "Tuesday 1 December, 17.05",
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_meetup_line_reads_the_same_from_the_server_and_after_a_live_update(language):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import dateformat, translation

    when = datetime.fromisoformat(WHEN).astimezone(ZoneInfo("Europe/Stockholm"))
    with translation.override(language):
        server = dateformat.format(when, "l j F, H.i")  # the room page's template

    assert run(language)["meetup"] == server
