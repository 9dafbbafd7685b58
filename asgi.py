"""ASGI entry point: HTTP goes to Django, WebSockets to the chat routing.

Serve with ``daphne asgi:application``.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()  # loads the apps before anything imports models

from channels.routing import ProtocolTypeRouter  # noqa: E402

from chat.admission import AdmitWhileKeepingUp  # noqa: E402
from chat.auth import WebSocketAuthMiddleware  # noqa: E402
from chat.consumers import ChatConsumer  # noqa: E402
from chat.routing import KnownPathsOnly  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": KnownPathsOnly(
            AdmitWhileKeepingUp(WebSocketAuthMiddleware(ChatConsumer.as_asgi()))
        ),
    }
)
