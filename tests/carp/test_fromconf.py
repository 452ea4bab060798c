"""Arrays from the squid.conf model (hand-built and read) and from a plain description."""

from __future__ import annotations

import pytest

from squidcarp.carp.fromconf import (
    NoCarpMembers,
    accel_from_config,
    accel_of_port,
    array_from_config,
    array_from_description,
    listening_address,
)
from squidcarp.carp.url import Accel
from squidcarp.conf import read_bytes
from squidcarp.conf.model import (
    CachePeer,
    CarpKey,
    CarpKeyPart,
    Directive,
    HttpPort,
    PeerKind,
    PeerSettings,
    PeerType,
    Position,
    SquidConfig,
    Token,
)

POS = Position("squid.conf", 1, 1)
DIRECTIVE = Directive.of(Token("cache_peer", POS), (), "cache_peer ...")


def peer(name: str, weight: int = 1, carp: bool = True, type_: PeerType = PeerType.PARENT,
         key: frozenset[CarpKeyPart] | None = None) -> CachePeer:
    carp_key = CarpKey(key, ("x",), Token("carp-key=x", POS)) if key else None
    return CachePeer(DIRECTIVE, "127.0.0.1", PeerKind(type_.value, type_, 3128, 0), name,
                     settings=PeerSettings(weight=weight, carp=carp, carp_key=carp_key))


def test_hand_built_model() -> None:
    config = SquidConfig((), (
        peer("a", 2),
        peer("not-carp", carp=False),
        peer("sib", type_=PeerType.SIBLING),
        peer("b", 1, key=frozenset({CarpKeyPart.PATH, CarpKeyPart.HOST})),
    ))
    array = array_from_config(config)
    assert [(m.label, m.weight, m.carp_key) for m in array.members] == [
        ("a", 2, None), ("b", 1, (CarpKeyPart.HOST, CarpKeyPart.PATH))]


def test_no_carp_members() -> None:
    with pytest.raises(NoCarpMembers):
        array_from_config(SquidConfig((), (peer("x", carp=False),)))


def test_read_config_names_weights_and_raw_bytes() -> None:
    conf = (b"cache_peer Proxy.Example parent 3128 0 carp weight=0\n"
            b"cache_peer 10.0.0.2 parent 3128 0 carp name=cach\xc3\xa9-1 weight=3\n"
            b"http_port 80 accel defaultsite=www.example.com vhost\n")
    result = read_bytes(conf)
    array = array_from_config(result.config)
    assert [(m.name_bytes, m.weight) for m in array.members] == [
        (b"Proxy.Example", 1), ("caché-1".encode(), 3)]
    assert accel_from_config(result.config, b"h") == Accel(b"h", b"www.example.com")


def test_accel_without_accel_port() -> None:
    config = SquidConfig((), (), http_ports=(HttpPort(DIRECTIVE, None, 3128),))
    assert accel_from_config(config) is None
    assert accel_from_config(config, b"h") == Accel(b"h", None)


def test_description() -> None:
    array = array_from_description({
        "members": [{"name": "c1", "weight": 2, "carp_key": ["path", "host"]},
                    {"name": "c2"}],
        "signed_char": False,
    })
    assert [(m.label, m.weight, m.carp_key) for m in array.members] == [
        ("c1", 2, (CarpKeyPart.PATH, CarpKeyPart.HOST)), ("c2", 1, None)]
    assert array.signed_char is False


@pytest.mark.parametrize("bad", [
    {}, {"members": "x"}, {"members": [1]}, {"members": [{"name": ""}]},
    {"members": [{"name": "a", "weight": "2"}]}, {"members": [{"name": "a", "carp_key": "host"}]},
    {"members": [{"name": "a", "carp_key": ["hostname"]}]},
    {"members": [{"name": "a"}], "signed_char": "yes"},
])
def test_bad_descriptions(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        array_from_description(bad)


def test_empty_description() -> None:
    with pytest.raises(NoCarpMembers):
        array_from_description({"members": []})


def test_accel_of_the_first_accel_port() -> None:
    conf = (b"http_port 3128\n"
            b"https_port 127.0.0.8:8443 accel vport tls-cert=/c.pem tls-key=/k.pem\n"
            b"http_port 80 accel defaultsite=www.example.com\n")
    config = read_bytes(conf).config
    assert accel_from_config(config, b"h") == Accel(b"h", None, b"https", True, 8443,
                                                    b"127.0.0.8")
    assert accel_from_config(config, None, b"[::1]") == Accel(None, None, b"https", True, 8443,
                                                              b"[::1]")
    second = config.http_ports[2]
    assert accel_of_port(second) == Accel(None, b"www.example.com")


@pytest.mark.parametrize(("address", "printed"), [
    (None, None), ("127.0.0.5", b"127.0.0.5"), ("127.1", b"127.0.0.1"), ("::1", b"[::1]"),
    ("[0:0::1]", b"[::1]"), ("::ffff:127.0.0.1", b"127.0.0.1"), ("0.0.0.0", None), ("::", None),
    ("localhost", None),
])
def test_listening_address_as_squid_prints_it(address: str | None, printed: bytes | None) -> None:
    assert listening_address(address) == printed
