"""Pages of peer groups and meetups, in the ``frontend`` namespace (included by its urls)."""

from django.urls import path

from frontend import group_views as views

urlpatterns = [
    path("grupper/", views.group_list, name="groups"),
    path("grupper/<id:group_id>/", views.group_detail, name="group"),
    path("grupper/<id:group_id>/ga-med/", views.group_join, name="group_join"),
    path("grupper/<id:group_id>/lamna/", views.group_leave, name="group_leave"),
    path(
        "grupper/<id:group_id>/forfragningar/<id:request_id>/",
        views.group_request_decide,
        name="group_request_decide",
    ),
    path(
        "grupper/<id:group_id>/inbjudningar/",
        views.group_invitation_create,
        name="group_invitation_create",
    ),
    path(
        "grupper/<id:group_id>/inbjudningar/<id:invitation_id>/aterkalla/",
        views.group_invitation_revoke,
        name="group_invitation_revoke",
    ),
    path(
        "grupper/<id:group_id>/inbjudan/<str:token>/",
        views.group_invitation,
        name="group_invitation",
    ),
    path("grupper/<id:group_id>/traffar/ny/", views.meetup_create, name="meetup_create"),
    path("traffar/", views.meetup_list, name="meetups"),
    path("traffar/<id:meetup_id>/", views.meetup_detail, name="meetup"),
    path("traffar/<id:meetup_id>/svar/", views.meetup_rsvp, name="meetup_rsvp"),
    path("traffar/<id:meetup_id>/andra/", views.meetup_edit, name="meetup_edit"),
    path("traffar/<id:meetup_id>/stall-in/", views.meetup_cancel, name="meetup_cancel"),
    path("traffar/<id:meetup_id>/behov/", views.meetup_needs, name="meetup_needs"),
    path("traffar/<id:meetup_id>/incheckning/", views.meetup_checkin, name="meetup_checkin"),
]
