"""The wire format: every base value survives a round trip; every malformed frame is a ProtocolError."""

from __future__ import annotations

import io
import json
import socket
import struct

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from dnn_checks.values import Handle
from hypothesis import given
from hypothesis import strategies as st

from autograder.sandbox import wire
from autograder.sandbox.sizes import FACTOR, FLOOR, Sizes

_dtypes = st.one_of(hnp.boolean_dtypes(), hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(), hnp.floating_dtypes())
_arrays = hnp.arrays(_dtypes, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), _arrays,
                    st.integers(0, 10**6).map(Handle))
_values = st.recursive(_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
    st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)


def same(a: object, b: object) -> bool:
    """Equal values of equal types; arrays by shape, native dtype and bytes (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        a, b = (x.astype(x.dtype.newbyteorder("=")) for x in (a, b))
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return a == b or (a != a and b != b)
    return a == b


@given(_values)
def test_every_base_value_round_trips(value: object) -> None:
    assert same(wire.unpack(wire.pack({"v": value}))["v"], value)


@pytest.mark.parametrize("name", sorted(wire.BIT_GENERATORS))
def test_a_generator_is_rebuilt_with_its_state(name: str) -> None:
    rng = np.random.Generator(wire.BIT_GENERATORS[name](7))
    rng.random(3)
    copy = wire.unpack(wire.pack({"rng": rng}))["rng"]
    assert type(copy.bit_generator) is type(rng.bit_generator)
    np.testing.assert_array_equal(copy.random(5), rng.random(5))


def test_arrays_arrive_plain_contiguous_and_native() -> None:
    class Sub(np.ndarray):
        pass

    source = np.arange(12, dtype=">f8").reshape(3, 4).T.view(Sub)
    array = wire.unpack(wire.pack({"a": source}))["a"]
    assert type(array) is np.ndarray and array.flags.c_contiguous and array.flags.writeable
    assert array.dtype == np.float64 and array.dtype.isnative
    np.testing.assert_array_equal(array, np.arange(12.0).reshape(3, 4).T)


@pytest.mark.parametrize("value", [object(), np.array([1, None], dtype=object), {1: 2}, np.float64(1.0),
                                   np.array(["a"]), {"k": {1, 2}}])
def test_pack_refuses_what_is_not_a_wire_value(value: object) -> None:
    with pytest.raises(TypeError):
        wire.pack({"v": value})


def payload(header: object, *blobs: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack(">I", len(text)) + text + b"".join(blobs)


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


MALFORMED = {
    "empty": b"",
    "header length past the end": struct.pack(">I", 99) + b"{}",
    "header not JSON": struct.pack(">I", 3) + b"{x]",
    "header not the envelope": payload({"v": {"D": {}}}),
    "message not a dict": payload({"v": [1], "b": []}),
    "unknown tag": payload({"v": {"D": {"x": {"P": "os.system"}}}, "b": []}),
    "two tags": payload({"v": {"D": {"x": {"L": [], "T": []}}}, "b": []}),
    "blob lengths off": payload({"v": {"D": {}}, "b": [5]}, b"abc"),
    "array index out of range": payload({"v": {"D": {"a": {"A": 1}}}, "b": []}),
    "blob used twice": payload({"v": {"D": {"a": {"A": 0}, "b": {"A": 0}}}, "b": [len(npy(np.ones(2)))]},
                               npy(np.ones(2))),
    "object array": payload({"v": {"D": {"a": {"A": 0}}}, "b": [len(npy(np.array([1, None], dtype=object)))]},
                            npy(np.array([1, None], dtype=object))),
    "string array": payload({"v": {"D": {"a": {"A": 0}}}, "b": [len(npy(np.array(["ab"])))]}, npy(np.array(["ab"]))),
    "structured array": payload({"v": {"D": {"a": {"A": 0}}}, "b": [len(npy(np.zeros(2, "i4,f8")))]},
                                npy(np.zeros(2, "i4,f8"))),
    "truncated array data": payload({"v": {"D": {"a": {"A": 0}}}, "b": [len(npy(np.ones(4))) - 8]},
                                    npy(np.ones(4))[:-8]),
    "not npy": payload({"v": {"D": {"a": {"A": 0}}}, "b": [6]}, b"\x93NUMPX"),
    "handle not int": payload({"v": {"D": {"h": {"H": "1"}}}, "b": []}),
    "unknown bit generator": payload({"v": {"D": {"g": {"G": {"D": {"bit_generator": {"L": []}}}}}}, "b": []}),
    "bad generator state": payload({"v": {"D": {"g": {"G": {"D": {"bit_generator": "PCG64", "state": 3}}}}}, "b": []}),
    "too deep": payload({"v": {"D": {"x": json.loads('{"L": [' * 60 + ']}' * 60)}}, "b": []}),
    "json recursion bomb": struct.pack(">I", 200_000) + b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_payload_is_a_protocol_error(name: str) -> None:
    with pytest.raises(wire.ProtocolError):
        wire.unpack(MALFORMED[name])


def test_limits_are_enforced_while_decoding() -> None:
    message = wire.pack({"a": np.zeros(1000), "s": "x" * 100})
    with pytest.raises(wire.ProtocolError, match="1000"):
        wire.unpack(message, wire.WireLimits(array_elements=999))
    with pytest.raises(wire.ProtocolError, match="string"):
        wire.unpack(message, wire.WireLimits(string_chars=99))
    with pytest.raises(wire.ProtocolError, match="Generator"):
        wire.unpack(wire.pack({"g": np.random.default_rng()}), wire.WireLimits(generators=False))
    with pytest.raises(wire.TooLarge, match="arrays of 1500 elements in all"):
        wire.unpack(wire.pack({"a": [np.zeros(1000), np.zeros(500)]}), wire.WireLimits(total_elements=1499))
    assert wire.unpack(message, wire.WireLimits(total_elements=1000))["a"].shape == (1000,)


def test_the_sizes_of_a_call_come_from_its_inputs() -> None:
    sizes = Sizes.of(((np.ones((3, 5)), [4, 7], {"W1": np.ones((2, 3, 1))}, 0.5, 10**9), {"seed": 10**6}))
    assert sizes == Sizes(side=7, ndim=3, elements=15 + 2 + 6 + 3)
    assert sizes.budget == FACTOR * (sizes.elements + 49) + FLOOR
    limits = sizes.wire_limits()
    assert limits.total_elements == limits.array_elements == sizes.budget
    assert Sizes.of(((), {})) == Sizes(side=1, ndim=2, elements=0)


@pytest.mark.parametrize(("arguments", "refused"), [
    ((np.ones((7, 1)), np.ones((1, 7))), None),
    ((np.ones((8, 1)),), "an array of shape (8, 1)"),
    (({"cache": [(np.ones((1, 2, 3, 4)),)]},), "an array of shape (1, 2, 3, 4)"),
])
def test_a_callback_is_refused_for_arrays_its_call_does_not_imply(arguments: tuple, refused: str | None) -> None:
    why = Sizes.of(((np.ones((3, 5)), [4, 7]), {})).refusal((arguments, {}))
    assert why == refused or why.startswith(refused)


def test_a_huge_array_header_is_refused_before_allocation() -> None:
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }"
    blob = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header) + 1) + header + b"\n"
    with pytest.raises(wire.TooLarge, match=r"shape \(100000, 100000\)"):
        wire.unpack(payload({"v": {"D": {"a": {"A": 0}}}, "b": [len(blob)]}, blob))


def test_frames_over_a_socket_and_an_announced_giant_frame() -> None:
    left, right = socket.socketpair()
    with left, right:
        wire.send(left, {"x": [np.eye(3), "ok"]})
        received = wire.recv(right)
        assert same(received, {"x": [np.eye(3), "ok"]})
        left.sendall(struct.pack(">Q", 1 << 40))
        with pytest.raises(wire.ProtocolError, match="exceeds"):
            wire.recv(right)
        left.close()
        with pytest.raises(EOFError):
            wire.recv(right)


@given(_arrays)
def test_blobs_are_npy_files_both_ways(array: np.ndarray) -> None:
    ours = wire._npy(array)
    assert same(np.load(io.BytesIO(ours), allow_pickle=False), array)
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array) if array.ndim else array, allow_pickle=False)
    assert same(wire._load_npy(memoryview(buffer.getvalue()), 10**6), array)


def test_a_fortran_order_npy_is_refused() -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.asfortranarray(np.ones((2, 3))), allow_pickle=False)
    with pytest.raises(wire.ProtocolError, match="order"):
        wire._load_npy(memoryview(buffer.getvalue()), 10**6)
