"""Find support over REST: organisations, the support directory, the finder, talk requests
and knowledge articles.

Views parse with a serializer, call one service or selector, and answer the payload the
selectors build; every refusal is a ``community.errors`` error the one handler renders.
"""

from dataclasses import replace

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community import rest
from community.rest import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, NOT_SIGNED_IN
from support import policies, selectors, services
from support import serializers as s
from support.finder import Answers
from support.services import ArticleFields, Hours

# --- organisations ------------------------------------------------------------------------


class OrganisationListView(APIView):
    """Municipal units, associations, regions and national bodies; anyone may read."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="v1_organisations_list",
        parameters=[s.OrganisationQuerySerializer],
        responses={200: s.OrganisationListSerializer, 400: INVALID},
    )
    def get(self, request):
        query = rest.query(s.OrganisationQuerySerializer, request)
        found, has_more = selectors.organisation_list(
            municipality=query.get("municipality"),
            kind=query.get("kind"),
            after_id=query.get("after"),
        )
        now = timezone.now()
        results = [selectors.organisation_payload(o, now=now) for o in found]
        following = (
            rest.next_query(request, after=found[-1].pk if found else 0) if has_more else None
        )
        return Response({"results": results, "next": following})


class OrganisationDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def _detail(self, request, organisation_id: int) -> dict:
        organisation = policies.organisation_for_user(
            user=request.user, organisation_id=organisation_id
        )
        return selectors.organisation_detail_payload(
            organisation=organisation, user=request.user, now=timezone.now()
        )

    @extend_schema(responses={200: s.OrganisationDetailSerializer, 404: NOT_FOUND})
    def get(self, request, organisation_id: int):
        return Response(self._detail(request, organisation_id))

    @extend_schema(
        request=s.OrganisationUpdateSerializer,
        responses={
            200: s.OrganisationDetailSerializer,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def patch(self, request, organisation_id: int):
        data = dict(rest.valid(s.OrganisationUpdateSerializer, request.data))
        hours = data.pop("opening_hours", None)
        services.organisation_update(
            user=request.user,
            organisation_id=organisation_id,
            changes=data,
            hours=None if hours is None else [Hours(**h) for h in hours],
        )
        return Response(self._detail(request, organisation_id))


# --- the support directory ----------------------------------------------------------------


class EntryListView(APIView):
    """Search the directory (anyone); coordinators add entries for their organisation."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="v1_support_entries_list",
        parameters=[s.EntryQuerySerializer],
        responses={200: s.EntryListSerializer, 400: INVALID},
    )
    def get(self, request):
        query = rest.query(s.EntryQuerySerializer, request)
        filters = selectors.EntryFilters(
            q=query.get("q", ""),
            category=query.get("category"),
            municipality=query.get("municipality"),
            age=query.get("age"),
            cares_for=query.get("cares_for"),
        )
        found, has_more = selectors.entry_search(
            user=request.user, filters=filters, after_id=query.get("after")
        )
        following = (
            rest.next_query(request, after=found[-1].pk if found else 0) if has_more else None
        )
        return Response({"results": [selectors.entry_payload(e) for e in found], "next": following})

    @extend_schema(
        request=s.EntryWriteSerializer,
        responses={201: s.EntrySerializer, 400: INVALID, 401: NOT_SIGNED_IN, 403: FORBIDDEN},
    )
    def post(self, request):
        data = rest.valid(s.EntryWriteSerializer, request.data)
        entry = services.support_entry_create(user=request.user, data=services.EntryFields(**data))
        return Response(selectors.entry_payload(entry), status=status.HTTP_201_CREATED)


class EntryDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: s.EntrySerializer, 404: NOT_FOUND})
    def get(self, request, entry_id: int):
        entry = policies.entry_for_user(user=request.user, entry_id=entry_id)
        return Response(selectors.entry_payload(entry))

    @extend_schema(
        request=s.EntryWriteSerializer(partial=True),
        responses={200: s.EntrySerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request, entry_id: int):
        data = rest.valid(s.EntryWriteSerializer, request.data, partial=True)
        current = policies.entry_for_user(user=request.user, entry_id=entry_id)
        merged = replace(services.entry_fields_of(current), **data)
        entry = services.support_entry_update(user=request.user, entry_id=entry_id, data=merged)
        return Response(selectors.entry_payload(entry))

    @extend_schema(request=None, responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def delete(self, request, entry_id: int):
        services.support_entry_delete(user=request.user, entry_id=entry_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the finder ---------------------------------------------------------------------------


class FinderView(APIView):
    """A few answers, no account needed; nothing is stored."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="v1_finder",
        parameters=[s.FinderQuerySerializer],
        responses={200: s.FinderSerializer, 400: INVALID},
    )
    def get(self, request):
        query = rest.query(s.FinderQuerySerializer, request)
        answers = Answers(
            need=query["need"],
            cares_for=query["cares_for"],
            age=query["age"],
            municipality=query.get("municipality"),
            situation=query.get("situation"),
        )
        return Response(
            selectors.finder_answer(answers=answers, user=request.user, now=timezone.now())
        )


class FinderSaveView(APIView):
    """Keep finder answers in my profile, only when I ask."""

    @extend_schema(
        request=s.FinderSaveSerializer,
        responses={200: s.FinderSavedSerializer, 400: INVALID, 401: NOT_SIGNED_IN},
    )
    def post(self, request):
        data = rest.valid(s.FinderSaveSerializer, request.data)
        user = services.finder_answers_save(user=request.user, **data)
        municipality = user.municipality
        return Response(
            {
                "cares_for": user.cares_for,
                "situation_tags": user.situation_tags,
                "municipality": (
                    {
                        "code": municipality.code,
                        "name": municipality.name,
                        "county": municipality.county,
                    }
                    if municipality
                    else None
                ),
            }
        )


# --- talk to someone ----------------------------------------------------------------------


def _talk(talk_request, *, user) -> dict:
    if policies.can_handle_talk_request(user=user, talk_request=talk_request):
        return selectors.talk_request_staff_payload(talk_request)
    return selectors.talk_request_payload(talk_request)


class TalkRequestListView(APIView):
    """Members: their own requests. The municipality's coordinators: its queue."""

    @extend_schema(
        operation_id="v1_talk_requests_list",
        parameters=[s.TalkRequestQuerySerializer],
        responses={200: s.TalkRequestListSerializer, 400: INVALID, 401: NOT_SIGNED_IN},
    )
    def get(self, request):
        query = rest.query(s.TalkRequestQuerySerializer, request)
        found, has_more = selectors.talk_requests_for_user(
            user=request.user, status=query.get("status"), after_id=query.get("after")
        )
        services.talk_requests_read(user=request.user, talk_requests=found)
        following = (
            rest.next_query(request, after=found[-1].pk if found else 0) if has_more else None
        )
        return Response(
            {"results": [_talk(t, user=request.user) for t in found], "next": following}
        )

    @extend_schema(
        request=s.TalkRequestCreateSerializer,
        responses={201: s.TalkRequestSerializer, 400: INVALID, 401: NOT_SIGNED_IN, 409: CONFLICT},
    )
    def post(self, request):
        data = rest.valid(s.TalkRequestCreateSerializer, request.data)
        talk_request = services.talk_request_create(user=request.user, **data)
        return Response(
            selectors.talk_request_payload(talk_request), status=status.HTTP_201_CREATED
        )


class TalkRequestDetailView(APIView):
    @extend_schema(responses={200: s.TalkRequestSerializer, 401: NOT_SIGNED_IN, 404: NOT_FOUND})
    def get(self, request, request_id: int):
        talk_request = policies.talk_request_for_user(user=request.user, request_id=request_id)
        services.talk_requests_read(user=request.user, talk_requests=[talk_request])
        return Response(_talk(talk_request, user=request.user))

    @extend_schema(
        request=s.TalkRequestUpdateSerializer,
        responses={
            200: s.TalkRequestSerializer,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request, request_id: int):
        data = rest.valid(s.TalkRequestUpdateSerializer, request.data)
        talk_request = services.talk_request_update(
            user=request.user, request_id=request_id, **data
        )
        return Response(_talk(talk_request, user=request.user))


class TalkProposalListView(APIView):
    """Times staff suggest for a request; the member and the municipality's staff read them."""

    @extend_schema(
        operation_id="v1_talk_request_proposals_list",
        responses={200: s.TalkProposalListSerializer, 401: NOT_SIGNED_IN, 404: NOT_FOUND},
    )
    def get(self, request, request_id: int):
        talk_request = policies.talk_request_for_user(user=request.user, request_id=request_id)
        services.talk_requests_read(user=request.user, talk_requests=[talk_request])
        found = selectors.talk_proposals(talk_request=talk_request)
        return Response(
            {"results": [selectors.talk_proposal_payload(p) for p in found], "next": None}
        )

    @extend_schema(
        request=s.TalkProposalCreateSerializer,
        responses={
            201: s.TalkProposalSerializer,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, request_id: int):
        data = rest.valid(s.TalkProposalCreateSerializer, request.data)
        proposal = services.talk_proposal_create(user=request.user, request_id=request_id, **data)
        return Response(selectors.talk_proposal_payload(proposal), status=status.HTTP_201_CREATED)


ANSWER_RESPONSES = {
    200: s.TalkProposalSerializer,
    400: INVALID,
    401: NOT_SIGNED_IN,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


class TalkProposalAcceptView(APIView):
    @extend_schema(request=None, responses=ANSWER_RESPONSES)
    def post(self, request, request_id: int, proposal_id: int):
        proposal = services.talk_proposal_accept(
            user=request.user, request_id=request_id, proposal_id=proposal_id
        )
        return Response(selectors.talk_proposal_payload(proposal))


class TalkProposalDeclineView(APIView):
    @extend_schema(request=s.TalkProposalDeclineSerializer, responses=ANSWER_RESPONSES)
    def post(self, request, request_id: int, proposal_id: int):
        data = rest.valid(s.TalkProposalDeclineSerializer, request.data)
        proposal = services.talk_proposal_decline(
            user=request.user, request_id=request_id, proposal_id=proposal_id, **data
        )
        return Response(selectors.talk_proposal_payload(proposal))


# --- knowledge articles -------------------------------------------------------------------


def _article_fields(data: dict) -> ArticleFields:
    data = dict(data)
    return ArticleFields(meetup_ids=tuple(data.pop("meetups", ())), **data)


class ArticleListView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="v1_articles_list",
        parameters=[s.ArticleQuerySerializer],
        responses={200: s.ArticleListSerializer, 400: INVALID},
    )
    def get(self, request):
        query = rest.query(s.ArticleQuerySerializer, request)
        found, has_more = selectors.article_list(
            user=request.user, category=query.get("category"), before_id=query.get("before")
        )
        following = (
            rest.next_query(request, before=found[-1].pk if found else 0) if has_more else None
        )
        return Response({"results": [selectors.article_ref(a) for a in found], "next": following})

    @extend_schema(
        request=s.ArticleWriteSerializer,
        responses={201: s.ArticleSerializer, 400: INVALID, 401: NOT_SIGNED_IN, 403: FORBIDDEN},
    )
    def post(self, request):
        data = rest.valid(s.ArticleWriteSerializer, request.data)
        article = services.article_create(user=request.user, data=_article_fields(data))
        return Response(
            selectors.article_payload(article, user=request.user), status=status.HTTP_201_CREATED
        )


class ArticleDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses={200: s.ArticleSerializer, 404: NOT_FOUND})
    def get(self, request, slug: str):
        article = policies.article_for_user(user=request.user, slug=slug)
        return Response(selectors.article_payload(article, user=request.user))

    @extend_schema(
        request=s.ArticleWriteSerializer(partial=True),
        responses={200: s.ArticleSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request, slug: str):
        data = rest.valid(s.ArticleWriteSerializer, request.data, partial=True)
        current = policies.article_for_user(user=request.user, slug=slug)
        fields = services.article_fields_of(current)
        changes = dict(data)
        if "meetups" in changes:
            changes["meetup_ids"] = tuple(changes.pop("meetups"))
        merged = replace(fields, **changes)
        article = services.article_update(user=request.user, article_id=current.pk, data=merged)
        return Response(selectors.article_payload(article, user=request.user))
