"""Coordinators write articles in Markdown; readers get HTML with only safe parts left.

Markdown lets raw HTML through, so its output is never trusted: nh3 (ammonia) keeps an
allow-list of tags, drops every attribute but a link's ``href``/``title``, drops
``javascript:`` and other schemes, removes ``<script>``/``<style>`` with their content,
and marks links ``rel="noopener noreferrer nofollow"``.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer nofollow"


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to show as it is."""
    html = markdown.markdown(text or "", output_format="html")
    # The page's title is its only h1: a "# heading" in the text becomes an h2.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )
