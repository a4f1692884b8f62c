"""Plain data on a socket: what the checker and a student's process may send each other.

The trusted checker never receives an object of the student's: only the
values below, rebuilt by this module from bytes. Everything else stays in the
process that owns it and crosses the socket as a :class:`Handle`, a number the
owner looks up in its own table.

==========================  ==============================================
Python value                on the wire
==========================  ==============================================
None, bool, int, float, str JSON
list                        JSON array
tuple, dict, complex        ``{"$": "tuple" | "dict" | "complex", "v": ...}``
bytes                       a buffer
NumPy array                 ``{"$": "array", "dtype", "shape", "b"}`` and a buffer
NumPy scalar                ``{"$": "scalar", "dtype", "b"}`` and a buffer
TensorFlow tensor           ``{"$": "tensor", "v": <array>}``
TensorFlow variable         ``{"$": "variable", "v": <array>, "id"}`` (a copy; see below)
anything else               ``{"$": "handle", "id", "type", "callable", "back"}``
==========================  ==============================================

Arrays cross as their raw bytes, and only arrays of a base numeric dtype
(booleans, integers, floats, complex numbers) are rebuilt: never an object,
string or structured array. A frame is an 8-byte header (the length of its
JSON part and the number of its buffers), the JSON, then each buffer after its
8-byte length.

A variable crosses as a copy with a number: the receiver makes its own
variable of that value, and sends the copy's final value back with its answer
to the request that carried it; the sender's peer decides what to do with it
(:mod:`mlkit.grading.channel`).

Example:
    >>> import socket
    >>> a, b = socket.socketpair()
    >>> send(a, encode({"x": np.arange(3.0), "n": (1, 2)}, None))
    >>> decode(*recv(b), None)
    {'x': array([0., 1., 2.]), 'n': (1, 2)}
    >>> a.close(); b.close()
"""

import json
import struct
from dataclasses import dataclass

import numpy as np

__all__ = ["Handle", "WireError", "decode", "encode", "recv", "send"]

MAX_JSON_BYTES = 64 * 2**20
MAX_BUFFER_BYTES = 4 * 2**30
MAX_DEPTH = 64
_HEADER = struct.Struct("<II")
_LENGTH = struct.Struct("<Q")
_BASE_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex


class WireError(ValueError):
    """A frame that is not plain data as this module writes it (or a closed socket)."""


@dataclass(frozen=True)
class Handle:
    """An object that stays in the process that owns it, named by a number.

    Attributes:
        id: the owner's number for the object.
        type: the object's ``module.qualname``, as the owner reports it.
        callable: whether the owner says it can be called.
        back: True when the object is the receiver's own, sent back to it.
    """

    id: int
    type: str = ""
    callable: bool = False
    back: bool = False


def _dtype(text):
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise WireError(f"`dtype` must name a NumPy dtype. Received: {text!r}") from None
    if dtype.kind not in _BASE_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise WireError(f"only arrays of booleans, integers, floats or complex numbers cross; "
                        f"received dtype {text!r}")
    return dtype


def _is_tensor(value):
    module = type(value).__module__ or ""
    return module.startswith(("tensorflow", "keras")) and hasattr(value, "numpy") \
        and hasattr(value, "dtype") and hasattr(value, "shape") and not hasattr(value, "assign")


def is_variable(value):
    """True for a TensorFlow variable (a tensor whose value can be assigned)."""
    module = type(value).__module__ or ""
    return module.startswith(("tensorflow", "keras")) and hasattr(value, "assign") \
        and hasattr(value, "numpy") and hasattr(value, "dtype")


def encode(value, to_handle, variables=None):
    """``(json_bytes, buffers)`` for ``value``.

    Args:
        value: plain data, possibly holding other objects.
        to_handle: ``to_handle(obj) -> Handle`` for an object that is not plain
            data (it stays with its owner); None to refuse such objects.
        variables: a list to which each TensorFlow variable in ``value`` is
            appended, to cross as a copy numbered by its place in the list; None
            to send variables as handles.

    Raises:
        TypeError: when ``to_handle`` is None and ``value`` holds an object
            that is not plain data.
    """
    buffers = []
    seen = set()

    def array(a):
        a = a if a.flags.c_contiguous else a.copy(order="C")  # (ascontiguousarray makes 0-d 1-d)
        _dtype(a.dtype.str)
        buffers.append(a.tobytes())
        return {"$": "array", "dtype": a.dtype.str, "shape": list(a.shape), "b": len(buffers) - 1}

    def walk(v):
        if v is None or isinstance(v, bool | str):
            return v
        if isinstance(v, int) and type(v) in (int, bool):
            return v
        if type(v) is float:
            return v if v == v and v not in (float("inf"), float("-inf")) else \
                {"$": "float", "v": repr(v)}
        if type(v) is complex:
            return {"$": "complex", "v": [walk(v.real), walk(v.imag)]}
        if type(v) is bytes:
            buffers.append(v)
            return {"$": "bytes", "b": len(buffers) - 1}
        if isinstance(v, np.ndarray) and type(v) is np.ndarray and v.dtype.kind in _BASE_KINDS:
            return array(v)
        if isinstance(v, np.generic) and v.dtype.kind in _BASE_KINDS:
            buffers.append(np.asarray(v).tobytes())
            return {"$": "scalar", "dtype": v.dtype.str, "b": len(buffers) - 1}
        if type(v) in (list, tuple, dict):
            if id(v) in seen:
                raise TypeError("a value that contains itself cannot be sent")
            seen.add(id(v))
            try:
                if type(v) is list:
                    return [walk(x) for x in v]
                if type(v) is tuple:
                    return {"$": "tuple", "v": [walk(x) for x in v]}
                return {"$": "dict", "v": [[walk(k), walk(x)] for k, x in v.items()]}
            finally:
                seen.discard(id(v))
        if variables is not None and is_variable(v):
            value = v.numpy()
            if isinstance(value, np.ndarray | np.generic) and value.dtype.kind in _BASE_KINDS:
                variables.append(v)
                return {"$": "variable", "v": array(np.asarray(value)), "id": len(variables) - 1}
        if _is_tensor(v):
            value = v.numpy()
            if isinstance(value, np.ndarray | np.generic) and value.dtype.kind in _BASE_KINDS:
                return {"$": "tensor", "v": array(value)}
        if isinstance(v, Handle):
            handle = v
        elif to_handle is None:
            raise TypeError(f"only plain data can be sent; {type(v).__name__} is not")
        else:
            handle = to_handle(v)
        return {"$": "handle", "id": handle.id, "type": handle.type,
                "callable": handle.callable, "back": handle.back}

    data = json.dumps(walk(value), allow_nan=False, separators=(",", ":")).encode()
    return data, buffers


def decode(data, buffers, from_handle, *, tensor=None, variable=None):
    """The value that :func:`encode` wrote, rebuilt from plain data only.

    Args:
        data: the JSON bytes.
        buffers: the frame's buffers (bytes or bytearray).
        from_handle: ``from_handle(Handle) -> object`` for the handles in the
            value; None to refuse handles.
        tensor: ``tensor(array) -> object`` to rebuild a tensor (default: the array).
        variable: ``variable(array, number) -> object`` to make the copy of a
            variable (default: the array).

    Raises:
        WireError: for anything that is not plain data as :func:`encode` writes it.
    """
    try:
        tree = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise WireError(f"the frame's JSON part is not valid JSON: {error}") from None

    def buffer(node):
        index = node.get("b")
        if type(index) is not int or not 0 <= index < len(buffers):
            raise WireError(f"a reference to buffer {index!r}, of {len(buffers)}")
        return buffers[index]

    def array(node):
        dtype = _dtype(node.get("dtype"))
        shape = node.get("shape")
        if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape) \
                or len(shape) > 32:
            raise WireError(f"`shape` must be a list of sizes. Received: {shape!r}")
        raw = buffer(node)
        if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
            raise WireError(f"an array of shape {tuple(shape)} and dtype {dtype} needs "
                            f"{int(np.prod(shape)) * dtype.itemsize} bytes; received {len(raw)}")
        return np.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)

    def walk(node, depth):
        if depth > MAX_DEPTH:
            raise WireError(f"values nested deeper than {MAX_DEPTH} levels are refused")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [walk(x, depth + 1) for x in node]
        if type(node) is not dict:
            raise WireError(f"unexpected JSON value {node!r}")
        kind = node.get("$")
        if kind == "tuple":
            return tuple(walk(x, depth + 1) for x in _list(node))
        if kind == "dict":
            pairs = _list(node)
            if not all(type(p) is list and len(p) == 2 for p in pairs):
                raise WireError("a dict must be sent as [key, value] pairs")
            result = {}
            for key, value in pairs:
                key = walk(key, depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise WireError(f"a dict key must be hashable; got {type(key).__name__}") \
                        from None
                result[key] = walk(value, depth + 1)
            return result
        if kind == "float":
            text = node.get("v")
            if text not in ("nan", "inf", "-inf"):
                raise WireError(f"a special float is 'nan', 'inf' or '-inf'. Received: {text!r}")
            return float(text)
        if kind == "complex":
            parts = [walk(x, depth + 1) for x in _list(node)]
            if len(parts) != 2 or not all(type(p) in (int, float) for p in parts):
                raise WireError("a complex number is sent as [real, imag]")
            return complex(*parts)
        if kind == "bytes":
            return bytes(buffer(node))
        if kind == "array":
            return array(node)
        if kind == "scalar":
            dtype = _dtype(node.get("dtype"))
            raw = buffer(node)
            if len(raw) != dtype.itemsize:
                raise WireError(f"a {dtype} scalar needs {dtype.itemsize} bytes; got {len(raw)}")
            return np.frombuffer(bytes(raw), dtype=dtype)[0]
        if kind == "tensor":
            inner = node.get("v")
            if type(inner) is not dict or inner.get("$") != "array":
                raise WireError("a tensor is sent as an array")
            value = array(inner)
            return tensor(value) if tensor is not None else value
        if kind == "variable":
            inner, number = node.get("v"), node.get("id")
            if type(inner) is not dict or inner.get("$") != "array" or type(number) is not int:
                raise WireError("a variable is sent as an array and a number")
            value = array(inner)
            return variable(value, number) if variable is not None else value
        if kind == "handle":
            number, type_name = node.get("id"), node.get("type", "")
            is_callable, back = node.get("callable", False), node.get("back", False)
            if type(number) is not int or type(type_name) is not str \
                    or type(is_callable) is not bool or type(back) is not bool:
                raise WireError(f"a malformed handle: {node!r}"[:300])
            if from_handle is None:
                raise WireError("an object handle where only plain data is accepted")
            return from_handle(Handle(number, type_name[:300], is_callable, back))
        raise WireError(f"unknown kind of value {kind!r}")

    return walk(tree, 0)


def _list(node):
    value = node.get("v")
    if type(value) is not list:
        raise WireError(f"{node.get('$')} must carry a list. Received: {value!r}")
    return value


def _read_exactly(sock, size):
    data = bytearray(size)
    view = memoryview(data)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            raise EOFError("the other side closed the connection")
        got += n
    return data


def send(sock, frame):
    """Write ``frame``, a ``(json_bytes, buffers)`` pair from :func:`encode`, to ``sock``."""
    data, buffers = frame
    parts = [_HEADER.pack(len(data), len(buffers)), data]
    for buffer in buffers:
        parts += [_LENGTH.pack(len(buffer)), buffer]
    if sum(map(len, parts)) < 2**20:  # one system call for small frames
        sock.sendall(b"".join(parts))
    else:  # no copy of large arrays
        for part in parts:
            sock.sendall(part)


def recv(sock, *, max_bytes=MAX_BUFFER_BYTES):
    """Read one frame from ``sock``: ``(json_bytes, buffers)``.

    Raises:
        EOFError: when the other side closed the connection.
        WireError: when the frame announces more than the limits allow.
    """
    size, count = _HEADER.unpack(_read_exactly(sock, _HEADER.size))
    if size > MAX_JSON_BYTES:
        raise WireError(f"a frame's JSON part may hold {MAX_JSON_BYTES} bytes; "
                        f"this one announces {size}")
    if count > 100_000:
        raise WireError(f"a frame may hold 100000 buffers; this one announces {count}")
    data = bytes(_read_exactly(sock, size))
    buffers = []
    total = 0
    for _ in range(count):
        (length,) = _LENGTH.unpack(_read_exactly(sock, _LENGTH.size))
        total += length
        if total > max_bytes:
            raise WireError(f"a frame may carry {max_bytes} bytes of data; this one carries more")
        buffers.append(_read_exactly(sock, length))
    return data, buffers
