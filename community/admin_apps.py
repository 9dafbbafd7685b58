"""Django's admin app with Bredvid's site (``community.admin_site``): a second factor for all."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "community.admin_site.AdminSite"
