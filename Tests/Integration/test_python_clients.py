"""Apache Thrift's Python clients (generated code) against Sluice's own server side: `sluice demo --backend-only`.

The reverse direction of the other tests: Sluice decodes what Apache Thrift writes, on every transport it
detects (THeader with and without the ZLIB transform, Framed, Buffered; Binary and Compact).
"""

import uuid

import pytest
from thrift.Thrift import TApplicationException
from thrift.protocol import TBinaryProtocol, TCompactProtocol
from thrift.protocol.THeaderProtocol import THeaderProtocol
from thrift.transport import TSocket, TTransport
from thrift.transport.THeaderTransport import THeaderClientType, THeaderSubprotocolID, THeaderTransformID

CLIENTS = ["theader-binary", "theader-compact", "theader-zlib", "framed-binary", "framed-compact",
           "buffered-binary", "buffered-compact"]


@pytest.fixture(params=CLIENTS)
def client(request, gen_py, demo_backend):
    from store import StoreService

    transport_name, protocol_name = request.param.split("-")
    sock = TSocket.TSocket("127.0.0.1", demo_backend.port)
    sock.setTimeout(5000)
    if transport_name == "theader":
        subprotocol = THeaderSubprotocolID.COMPACT if protocol_name == "compact" else THeaderSubprotocolID.BINARY
        protocol = THeaderProtocol(sock, (THeaderClientType.HEADERS,), subprotocol)
        transport = protocol.trans
        if protocol_name == "zlib":
            transport.add_transform(THeaderTransformID.ZLIB)
    else:
        transport = (TTransport.TFramedTransport(sock) if transport_name == "framed"
                     else TTransport.TBufferedTransport(sock))
        protocol = (TCompactProtocol.TCompactProtocol(transport) if protocol_name == "compact"
                    else TBinaryProtocol.TBinaryProtocol(transport))
    transport.open()
    yield StoreService.Client(protocol)
    transport.close()


def test_calls_and_results(client):
    from store.ttypes import GetItemRequest

    assert client.ping() == "pong"
    item = client.getItem(GetItemRequest(id=1))
    assert item.name == "Widget" and item.price.units == 12 and item.stock == {"berlin": 3, "paris": 0}


def test_every_type_round_trips(client):
    from common.ttypes import Money, Status
    from store.ttypes import Color, Dimensions, Item

    item = Item(id=2 ** 62 + 1, name="ünï ☃ 😀", description="d", price=Money(units=-5, nanos=1, currency="JPY"),
                status=Status.DRAFT, tags=["a", ""], colors={Color.RED, Color.BLUE},
                stock={"x": -2 ** 31}, history=[{"k": [1, 2]}, {}], thumbnail=bytes(range(256)),
                sku=uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
                dims=Dimensions(width=1.5, height=-2.25, depth=1e300), featured=True, rating=-128, shelf=32767,
                weight=0.1, labels={-7: "minus"}, boxes={Color.GREEN: [Dimensions(width=1.0, height=2.0)]},
                created_at=-2 ** 63, flags={True: "yes"}, digests={b"\x00\x01": 1})
    assert client.echoItem(item) == item


def test_declared_exceptions(client):
    from common.ttypes import Invalid, NotFound
    from store.ttypes import GetItemRequest, Selector

    with pytest.raises(NotFound) as not_found:
        client.getItem(GetItemRequest(id=99))
    assert (not_found.value.id, not_found.value.message) == ("99", "no item 99")
    with pytest.raises(Invalid) as invalid:
        client.find(Selector(tags=[]))
    assert invalid.value.field == "selector.tags"


def test_oneway_then_call_on_the_same_connection(client):
    marker = "python-client-%s" % uuid.uuid4()
    client.logEvent(marker, {"k": "v"})
    assert marker in client.events()


def test_application_exception(client):
    with pytest.raises(TApplicationException) as failure:
        client.fail(6, "boom")
    assert (failure.value.type, failure.value.message) == (6, "boom")
    assert client.ping() == "pong"  # the connection survives it
