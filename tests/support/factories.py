"""Factories for find-support: directory entries, articles, talk requests."""

import factory

from community.models import Article, Organisation, SupportEntry, TalkRequest
from tests.factories import OrganisationFactory, UserFactory


class NationalOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Riksorganisation {n}")
    slug = factory.Sequence(lambda n: f"riks-{n}")
    kind = Organisation.Kind.NATIONAL
    municipality = None


class SupportEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportEntry

    title = factory.Sequence(lambda n: f"Stöd {n}")
    slug = factory.Sequence(lambda n: f"stod-{n}")
    organisation = factory.SubFactory(NationalOrganisationFactory)
    summary = "Ett stöd för anhöriga."
    category = "information"
    municipality = None


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Artikel {n}")
    slug = factory.Sequence(lambda n: f"artikel-{n}")
    body_markdown = "Text."
    organisation = factory.SubFactory(OrganisationFactory)
    is_published = True


class TalkRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkRequest

    user = factory.SubFactory(UserFactory)
    municipality = factory.LazyAttribute(lambda o: o.user.municipality)
    channel = TalkRequest.Channel.VIDEO
    preferred_times = "Vardagar efter 15"
