"""Find support ("Hitta stöd"): organisations' pages, the support directory, the guided
finder ("Lotsen"), talk-to-someone requests and knowledge articles.

Models live in ``community.models``; this package keeps the usual inner shape:
``policies`` (who may), ``services`` (every change), ``selectors`` (reads and payloads),
``finder`` (the pure, explainable ranking), ``content`` (Markdown made safe), ``api`` and
``serializers`` (REST), ``demo`` (seed data).
"""
