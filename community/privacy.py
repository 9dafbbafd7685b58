"""The privacy registry: where one person's data lives, what of it is personal, and what
erasure does with it.

Each app registers the models it owns (``<app>/privacy.py``, imported by its
``AppConfig.ready``); the data export and the erasure both walk this registry, so no list
of models is kept twice. A holding names the rows of one person (``owner`` is the field that
points at them, or ``rows`` a query of its own) and sorts every field of the model:
``exported`` goes into the export, ``not_personal`` is declared not about the person, and
the primary key and the owner link are technical. The tests walk every model that points at
the user model and fail when a field is in neither list, so a new field waits for a decision.

Erasure per holding: ``DELETE`` removes the rows; ``BLANK`` keeps the rows and writes the
values of ``blank`` over the personal fields; ``KEEP`` keeps the rows untouched, for the law
or for others' conversations: they point at the erased account, whose own row then holds no
personal value (``community.erasure``), so the link itself is the pseudonym.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet


class Erase(StrEnum):
    DELETE = "delete"
    BLANK = "blank"
    KEEP = "keep"


@dataclass(frozen=True)
class Holding:
    """One kind of row that holds one person's data."""

    model: type[models.Model]
    section: str | None  # the export's key; None: not exported (``why`` says why)
    title: Any  # what the export page calls the section (lazy text)
    erase: Erase
    owner: str | None = "user"  # the field (path) that points at the person
    exported: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()  # personal, but not shown in the export (``why``)
    not_personal: tuple[str, ...] = ()
    blank: dict[str, Any] = field(default_factory=dict)  # value, or callable(row)
    scope: Q | None = None  # only these of the person's rows
    rows: Callable[..., QuerySet] | None = None  # (*, user) -> rows, instead of ``owner``
    present: Callable[..., dict] | None = None  # (row) -> what the export shows
    # (*, user) -> None: what the rows' own services do first (pass a meetup place on)
    before_erase: Callable[..., None] | None = None
    why: str = ""  # the decision, where it is not obvious
    name: str = ""  # tells two holdings of one model and owner apart

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name or self.owner or self.section}"

    def rows_of(self, *, user) -> QuerySet:
        if self.rows is not None:
            found = self.rows(user=user)
        else:
            found = self.model._default_manager.filter(**{self.owner: user})
        if self.scope is not None:
            found = found.filter(self.scope)
        return found.order_by("pk")

    def technical(self) -> set[str]:
        owner_field = (self.owner or "").split("__")[0]
        return {self.model._meta.pk.name, owner_field} - {""}

    def export_row(self, row) -> dict:
        if self.present is not None:
            return self.present(row)
        return {name: plain(row, name) for name in ("id", *self.exported)}


_holdings: list[Holding] = []
_sections: dict[str, tuple[Any, Callable[..., Any]]] = {}


def register(*holdings: Holding) -> None:
    """Add holdings; registering the same model and owner twice is a mistake."""
    known = {h.label for h in _holdings}
    for holding in holdings:
        if holding.label in known:
            raise ValueError(f"{holding.label} is registered twice")
        known.add(holding.label)
        _holdings.append(holding)


def register_section(key: str, *, title, build: Callable[..., Any]) -> None:
    """A computed part of the export that is no model's rows (counts, summaries):
    ``build(*, user)`` returns what the export shows under ``key``."""
    _sections[key] = (title, build)


def holdings() -> list[Holding]:
    return list(_holdings)


def sections() -> dict[str, tuple[Any, Callable[..., Any]]]:
    return dict(_sections)


def plain(row, name: str):
    """A field's value as JSON carries it: a link as the other row's id, times as ISO."""
    model_field = row._meta.get_field(name)
    value = getattr(row, model_field.attname)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def model_fields(model) -> set[str]:
    return {f.name for f in (*model._meta.concrete_fields, *model._meta.many_to_many)}


def undecided(holding: Holding) -> set[str]:
    """Fields of the holding's model that are neither exported, withheld, declared not
    personal nor technical: each waits for someone to decide."""
    decided = {*holding.exported, *holding.withheld, *holding.not_personal}
    return model_fields(holding.model) - decided - holding.technical()


def unknown(holding: Holding) -> set[str]:
    """Names a holding declares that its model does not have (a renamed field)."""
    declared = {*holding.exported, *holding.withheld, *holding.not_personal, *holding.blank}
    return declared - model_fields(holding.model)


def person_links(model, user_model) -> set[str]:
    """The fields of ``model`` that point at a person."""
    return {
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is user_model
    }


def unregistered_links(models, user_model) -> list[str]:
    """``app.Model.field`` for each link to a person that no holding owns."""
    owned = {
        (h.model, h.owner.split("__")[0]) for h in _holdings if h.owner and "__" not in h.owner
    }
    return sorted(
        f"{model._meta.label}.{name}"
        for model in models
        for name in person_links(model, user_model)
        if (model, name) not in owned
    )
