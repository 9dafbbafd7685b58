"""What an outage looks like to callers, in process: the error shape of ``unavailable``, and
a committed send whose broadcast cannot reach the channel layer."""

import pytest
from channels.layers import channel_layers
from django.db import InterfaceError, OperationalError

from chat.models import Message
from community.errors import Code, Unavailable, as_bredvid_error
from tests.ops.processes import free_port


@pytest.mark.parametrize("error", [OperationalError, InterfaceError], ids=lambda e: e.__name__)
def test_a_lost_database_connection_is_the_stable_code_unavailable(error):
    answer = as_bredvid_error(error("server closed the connection unexpectedly"))

    assert isinstance(answer, Unavailable)
    assert (answer.status, answer.code, answer.retry_after) == (503, Code.UNAVAILABLE, 5)
    assert answer.as_dict()["code"] == "unavailable"


@pytest.fixture
def unreachable_layer(settings):
    """The real Redis pub/sub layer, pointed at a port where nothing listens."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{free_port()}/0"]},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_a_send_whose_broadcast_cannot_reach_redis_is_committed_and_answered(
    unreachable_layer, send, member, topic_room
):
    sent = send(member, topic_room, "Hej, är det någon här?", client_id="x1")
    again = send(member, topic_room, "Hej, är det någon här?", client_id="x1")

    assert (sent.message["seq"], again.message["id"]) == (1, sent.message["id"])
    assert list(Message.objects.values_list("client_id", "seq")) == [("x1", 1)]
