from django.urls import path, re_path

from groups import api

urlpatterns = [
    path("groups/", api.GroupListView.as_view(), name="groups"),
    path("groups/<id:group_id>/", api.GroupDetailView.as_view(), name="group-detail"),
    path("groups/<id:group_id>/join/", api.GroupJoinView.as_view(), name="group-join"),
    path("groups/<id:group_id>/leave/", api.GroupLeaveView.as_view(), name="group-leave"),
    path("groups/<id:group_id>/members/", api.GroupMembersView.as_view(), name="group-members"),
    path("groups/<id:group_id>/requests/", api.GroupRequestsView.as_view(), name="group-requests"),
    path(
        "groups/<id:group_id>/invitations/",
        api.InvitationCreateView.as_view(),
        name="group-invitations",
    ),
    path(
        "join-requests/<id:request_id>/approve/",
        api.JoinRequestDecisionView.as_view(approve=True),
        name="join-request-approve",
    ),
    path(
        "join-requests/<id:request_id>/decline/",
        api.JoinRequestDecisionView.as_view(approve=False),
        name="join-request-decline",
    ),
    path(
        "invitations/<id:invitation_id>/",
        api.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
    path("meetups/", api.MeetupListView.as_view(), name="meetups"),
    path("meetups/<id:meetup_id>/", api.MeetupDetailView.as_view(), name="meetup-detail"),
    path("meetups/<id:meetup_id>/cancel/", api.MeetupCancelView.as_view(), name="meetup-cancel"),
    path("meetups/<id:meetup_id>/rsvp/", api.RsvpView.as_view(), name="meetup-rsvp"),
    path("meetups/<id:meetup_id>/needs/", api.MeetupNeedsView.as_view(), name="meetup-needs"),
    path("meetups/<id:meetup_id>/checkin/", api.CheckinView.as_view(), name="meetup-checkin"),
    path("meetups/<id:meetup_id>/ics/", api.MeetupIcsView.as_view(), name="meetup-ics"),
    path("me/calendar/", api.CalendarFeedView.as_view(), name="my-calendar"),
    path("me/calendar/rotate/", api.CalendarFeedRotateView.as_view(), name="my-calendar-rotate"),
    path("me/notifications/", api.NotificationListView.as_view(), name="my-notifications"),
    path(
        "me/notifications/read/",
        api.NotificationReadView.as_view(),
        name="my-notifications-read",
    ),
    path(
        "organisations/<id:organisation_id>/attendance/",
        api.AttendanceView.as_view(),
        name="organisation-attendance",
    ),
]

# Mounted at the site root by config/urls.py: calendar apps fetch it without a session.
feed_urlpatterns = [
    re_path(
        r"^kalender/(?P<token>[A-Za-z0-9_-]{16,64})\.ics$",
        api.calendar_feed,
        name="calendar-feed",
    ),
]
