"""Articles are written in Markdown and shown sanitised: nothing that runs gets through."""

import pytest

from support.content import render_markdown
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOSTILE = """# Hej

<script>alert("script")</script>

[Klicka här](javascript:alert('link'))

<img src="x" onerror="alert('img')">

<a href="https://1177.se" onclick="alert('click')" style="color:red">1177</a>

<iframe src="https://evil.example/"></iframe>

<p onmouseover="alert('hover')">Text</p>

[Bris](https://www.bris.se/ "Bris")
"""


def test_markdown_becomes_plain_safe_html():
    html = render_markdown(
        "## Rubrik\n\nEn **fet** text och en [länk](https://1177.se).\n\n- ett\n- två"
    )

    assert html == (
        "<h2>Rubrik</h2>\n"
        '<p>En <strong>fet</strong> text och en <a href="https://1177.se" '
        'rel="noopener noreferrer nofollow">länk</a>.</p>\n'
        "<ul>\n<li>ett</li>\n<li>två</li>\n</ul>"
    )


def test_scripts_handlers_and_javascript_links_are_removed():
    html = render_markdown(HOSTILE)

    assert "<script" not in html
    assert "alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "onmouseover" not in html
    assert "style=" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "<h2>Hej</h2>" in html  # the page's title is the only h1
    assert '<a href="https://1177.se" rel="noopener noreferrer nofollow">1177</a>' in html
    assert (
        '<a href="https://www.bris.se/" title="Bris" rel="noopener noreferrer nofollow">Bris</a>'
        in html
    )
    assert '<a title="link" rel="noopener noreferrer nofollow">Klicka här</a>' in html  # no href


def test_the_article_page_and_api_show_only_the_sanitised_text(client, api, municipalities):
    article = ArticleFactory(body_markdown=HOSTILE)

    page = client.get(f"/kunskap/{article.slug}/").content.decode()
    body = api.get(f"/api/v1/articles/{article.slug}/").json()

    assert "alert" not in page
    assert "javascript:" not in page
    assert "alert" not in body["body_html"]
    assert body["body_markdown"] == HOSTILE  # the source stays as written, for editing
