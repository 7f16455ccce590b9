"""The pickle-free wire format between the grader and the sandboxed worker.

A *frame* is an 8-byte big-endian length followed by that many bytes of payload. A payload
is a 4-byte big-endian header length, a UTF-8 JSON header, then ``.npy`` blobs back to back
(``np.save``; read back with ``allow_pickle=False``). The header is ``{"v": tree, "b":
[blob lengths]}`` where ``tree`` encodes one value:

- ``null``, ``true``/``false``, JSON numbers (``NaN``/``Infinity`` allowed) and strings as such;
- ``{"L": [...]}`` list, ``{"T": [...]}`` tuple, ``{"D": {...}}`` dict with string keys;
- ``{"A": i}`` the i-th blob, a plain ndarray of dtype kind b/i/u/f;
- ``{"H": id}`` a :class:`~dnn_checks.values.Handle`;
- ``{"G": {...}}`` a ``numpy.random.Generator``, as its bit generator's state dict.

These are exactly the base values of :mod:`dnn_checks.values` plus Generators. Decoding
validates everything (message size, header size, depth, string length, array elements,
dtype kind, byte order, blob length against the ``.npy`` header) and raises
:class:`ProtocolError` for anything else: a malformed frame means a broken or hostile
worker, which the grader treats as a crash. A frame or a message over a size limit raises
its subclass :class:`TooLarge` before its data is read or its arrays are made (the
grader's limits for one call come from the call's inputs, ``autograder.sandbox.sizes``).
Nothing is ever unpickled.

This module imports only numpy and ``dnn_checks.values`` (which imports only numpy), so
the worker can load it inside the sandbox from a directory that holds nothing else.
"""

from __future__ import annotations

import functools
import json
import math
import re
import socket
import struct
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
from dnn_checks.values import ARRAY_KINDS, MAX_DEPTH, Handle

#: Bit generators a Generator may be rebuilt from.
BIT_GENERATORS = {name: getattr(np.random, name) for name in ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")}
_TAGS = frozenset("LTDAHG")
_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_HEADER = re.compile(rb"\{'descr': '([<>|][biuf]\d{1,2})', 'fortran_order': False, "
                         rb"'shape': \(((?:\d+, )*(?:\d+,?)?)\), \} *\n")


class ProtocolError(Exception):
    """A frame or message that breaks the wire format (the peer is broken or hostile)."""


class TooLarge(ProtocolError):
    """A frame (within the wire's own limit), header, array or string over the limits of this message:
    ``size`` against ``limit`` (in ``unit``)."""

    def __init__(self, what: str, size: int, limit: int, unit: str) -> None:
        super().__init__(f"{what} of {size} {unit} exceeds the limit of {limit}")
        self.what, self.size, self.limit, self.unit = what, size, limit, unit


class WireLimits(NamedTuple):
    """Bounds checked while decoding. Depth counts containers (the message dict is one);
    ``total_elements`` counts the elements of all the message's arrays together."""

    message_bytes: int = 512 << 20
    header_bytes: int = 16 << 20
    array_elements: int = 50_000_000
    depth: int = MAX_DEPTH + 4
    string_chars: int = 1 << 20
    generators: bool = True
    total_elements: int = 64_000_000


def pack(message: dict[str, Any]) -> bytes:
    """The payload of ``message`` (a str-keyed dict of wire values), without the frame length."""
    blobs: list[bytes] = []
    tree = _encode(message, blobs, 0)
    header = json.dumps({"v": tree, "b": [len(b) for b in blobs]}, separators=(",", ":")).encode()
    return b"".join([struct.pack(">I", len(header)), header, *blobs])


def unpack(payload: bytes | memoryview, limits: WireLimits = WireLimits()) -> dict[str, Any]:
    """The message packed in ``payload``; ProtocolError if anything is off."""
    try:
        return _unpack(memoryview(payload), limits)
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a hostile payload provokes is a protocol error
        raise ProtocolError(f"undecodable payload ({type(exc).__name__}: {exc})") from None


def _unpack(view: memoryview, limits: WireLimits) -> dict[str, Any]:
    if len(view) < 4:
        raise ProtocolError("payload shorter than its header length")
    (size,) = struct.unpack(">I", view[:4])
    if size > limits.header_bytes:
        raise TooLarge("a header", size, limits.header_bytes, "bytes")
    if 4 + size > len(view):
        raise ProtocolError(f"header of {size} bytes does not fit the payload")
    header = _json(bytes(view[4:4 + size]))
    if not isinstance(header, dict) or set(header) != {"v", "b"} or not isinstance(header["b"], list):
        raise ProtocolError("header is not {'v': ..., 'b': [...]}")
    blobs = list(_split(view[4 + size:], header["b"]))
    message = _Decoder(blobs, limits).value(header["v"], 0)
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a dict")
    return message


def frame(message: dict[str, Any]) -> bytes:
    """The whole frame of ``message``: length, then payload. TypeError for a non-wire value."""
    payload = pack(message)
    return struct.pack(">Q", len(payload)) + payload


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    """Write one frame holding ``message``."""
    sock.sendall(frame(message))


def recv(sock: socket.socket, limits: WireLimits = WireLimits()) -> dict[str, Any]:
    """Read one frame; EOFError when the peer closed; ProtocolError when malformed.

    The socket's own timeout applies (``socket.timeout`` escapes: the caller decides).
    """
    return unpack(read_exact(sock, frame_size(read_exact(sock, 8), limits)), limits)


def frame_size(head: bytes | memoryview, limits: WireLimits = WireLimits()) -> int:
    """The payload size announced by the 8 bytes that start a frame, checked against the limit."""
    (size,) = struct.unpack(">Q", head)
    if size > WireLimits().message_bytes:
        raise ProtocolError(f"a frame of {size} bytes exceeds the wire's limit of {WireLimits().message_bytes}")
    if size > limits.message_bytes:
        raise TooLarge("a frame", size, limits.message_bytes, "bytes")
    return size


def read_exact(sock: socket.socket, size: int) -> memoryview:
    """Exactly ``size`` bytes from ``sock``; EOFError if it closes first."""
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:], min(size - got, 1 << 20))
        if n == 0:
            raise EOFError("the peer closed the connection")
        got += n
    return view


def _json(text: bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"header is not valid JSON: {exc}") from None


def _split(data: memoryview, lengths: list[Any]) -> Iterator[memoryview]:
    if not all(type(n) is int and n >= 0 for n in lengths) or sum(lengths) != len(data):
        raise ProtocolError("blob lengths do not match the payload")
    start = 0
    for n in lengths:
        yield data[start:start + n]
        start += n


def _encode(value: Any, blobs: list[bytes], depth: int) -> Any:
    """The JSON tree of a wire value; TypeError for anything else (a bug on the sending side)."""
    if depth > MAX_DEPTH + 4:
        raise TypeError("value nested too deeply for the wire")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is Handle:
        return {"H": value.id}
    if isinstance(value, np.random.Generator):
        return {"G": _encode(value.bit_generator.state, blobs, depth + 1)}
    if isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS:
        blobs.append(_npy(value))
        return {"A": len(blobs) - 1}
    if type(value) in (list, tuple):
        return {"L" if type(value) is list else "T": [_encode(v, blobs, depth + 1) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"D": {k: _encode(v, blobs, depth + 1) for k, v in value.items()}}
    raise TypeError(f"a {type(value).__name__} cannot cross the wire")


def _npy(array: np.ndarray) -> bytes:
    """``.npy`` format 1.0 bytes in C order, exactly what ``np.save`` writes, without its overhead."""
    return _npy_prefix(array.dtype, array.shape) + array.tobytes(order="C")


@functools.lru_cache(maxsize=4096)
def _npy_prefix(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    """The magic string, header length and header of an array of ``dtype`` and ``shape`` (the same few recur)."""
    header = f"{{'descr': {np.lib.format.dtype_to_descr(dtype)!r}, 'fortran_order': False, " \
             f"'shape': {tuple(int(n) for n in shape)!r}, }}"
    header += " " * (-(len(_NPY_MAGIC) + 2 + len(header) + 1) % 64) + "\n"
    return b"".join([_NPY_MAGIC, struct.pack("<H", len(header)), header.encode("latin1")])


class _Decoder:
    """Rebuild values from a JSON tree and its blobs, checking every limit on the way."""

    def __init__(self, blobs: list[memoryview], limits: WireLimits) -> None:
        self.blobs, self.limits, self.used, self.elements = blobs, limits, set(), 0

    def value(self, tree: Any, depth: int) -> Any:
        if depth > self.limits.depth:
            raise ProtocolError(f"value nested deeper than {self.limits.depth}")
        if tree is None or type(tree) in (bool, int):
            return tree
        if type(tree) is float:
            return tree
        if type(tree) is str:
            if len(tree) > self.limits.string_chars:
                raise TooLarge("a string", len(tree), self.limits.string_chars, "characters")
            return tree
        if type(tree) is not dict or len(tree) != 1 or next(iter(tree)) not in _TAGS:
            raise ProtocolError(f"unknown tree node {str(tree)[:60]!r}")
        ((tag, body),) = tree.items()
        return _TAG_READERS[tag](self, body, depth + 1)

    def _tag_L(self, body: Any, depth: int) -> list:
        if type(body) is not list:
            raise ProtocolError("list body is not a JSON array")
        return [self.value(item, depth) for item in body]

    def _tag_T(self, body: Any, depth: int) -> tuple:
        return tuple(self._tag_L(body, depth))

    def _tag_D(self, body: Any, depth: int) -> dict:
        if type(body) is not dict:
            raise ProtocolError("dict body is not a JSON object")
        for key in body:
            self.value(key, depth)
        return {key: self.value(item, depth) for key, item in body.items()}

    def _tag_H(self, body: Any, depth: int) -> Handle:
        if type(body) is not int:
            raise ProtocolError("handle id is not an int")
        return Handle(body)

    def _tag_A(self, body: Any, depth: int) -> np.ndarray:
        if type(body) is not int or not 0 <= body < len(self.blobs) or body in self.used:
            raise ProtocolError(f"array reference {body!r} is not a fresh blob index")
        self.used.add(body)
        dtype, shape, offset = _npy_header(self.blobs[body], self.limits.array_elements)
        self.elements += math.prod(shape)
        if self.elements > self.limits.total_elements:
            raise TooLarge("arrays", self.elements, self.limits.total_elements, "elements in all")
        return _npy_data(self.blobs[body], dtype, shape, offset)

    def _tag_G(self, body: Any, depth: int) -> np.random.Generator:
        if not self.limits.generators:
            raise ProtocolError("a Generator is not allowed in this message")
        state = self.value(body, depth)
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if type(name) is not str or name not in BIT_GENERATORS:
            raise ProtocolError(f"unknown bit generator {name!r}")
        bit_generator = BIT_GENERATORS[name]()
        try:
            bit_generator.state = state
        except Exception as exc:  # noqa: BLE001 - numpy's setter raises several kinds
            raise ProtocolError(f"invalid {name} state: {exc}") from None
        return np.random.Generator(bit_generator)


#: How the decoder reads each tag's body.
_TAG_READERS = {tag: getattr(_Decoder, f"_tag_{tag}") for tag in _TAGS}


def _load_npy(blob: memoryview, max_elements: int) -> np.ndarray:
    """A plain array from ``.npy`` 1.0 bytes in C order; the header is matched strictly before any data is read."""
    return _npy_data(blob, *_npy_header(blob, max_elements))


def _npy_header(blob: memoryview, max_elements: int) -> tuple[np.dtype, tuple[int, ...], int]:
    """The dtype, shape and data offset of ``.npy`` 1.0 bytes, checked against ``max_elements`` and the blob's length."""
    if bytes(blob[:8]) != _NPY_MAGIC:
        raise ProtocolError("an array blob is not .npy version 1.0")
    (size,) = struct.unpack("<H", blob[8:10])
    header = bytes(blob[10:10 + size])
    dtype, shape = _recurring_header(header) if size <= 256 else _parsed_header(header)
    count = math.prod(shape)
    if count > max_elements:
        raise TooLarge(f"an array of shape {shape}", count, max_elements, "elements")
    if 10 + size + count * dtype.itemsize != len(blob):
        raise ProtocolError(f"array of shape {shape} does not match its {len(blob)} bytes")
    return dtype, shape, 10 + size


def _parsed_header(header: bytes) -> tuple[np.dtype, tuple[int, ...]]:
    """The dtype and shape of a ``.npy`` header, matched strictly."""
    match = _NPY_HEADER.fullmatch(header)
    if match is None:
        raise ProtocolError("an array blob has a .npy header of another dtype, order or layout")
    dtype, shape = np.dtype(match[1].decode()), tuple(int(n) for n in re.findall(rb"\d+", match[2]))
    if dtype.kind not in ARRAY_KINDS or len(shape) > 32:
        raise ProtocolError(f"array of dtype {dtype} and shape {shape} is not allowed")
    return dtype, shape


#: ``_parsed_header`` of the short headers, which recur (the same few shapes): parsed once each.
_recurring_header = functools.lru_cache(maxsize=4096)(_parsed_header)


def _npy_data(blob: memoryview, dtype: np.dtype, shape: tuple[int, ...], offset: int) -> np.ndarray:
    array = np.frombuffer(blob, dtype=dtype, count=math.prod(shape), offset=offset).reshape(shape)
    return array.astype(dtype.newbyteorder("="), order="C")
