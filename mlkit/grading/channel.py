"""The narrow channel between the trusted checker and a student's process.

The checker runs the test cells; the student's cells run in another process,
in the sandbox. They talk over one socket, in frames of plain data
(:mod:`mlkit.grading.wire`), by requests and replies:

==============================  =============================================
request (checker to student)    reply
==============================  =============================================
``run(source)``                 the cell's outputs, as nbformat dicts
``get(name)``                   the value the student's namespace binds
``call(f, args, kwargs)``       what ``f(*args, **kwargs)`` returns
``getattr(obj, name)``          ``getattr(obj, name)``
``operator(op, args)``          ``len``, ``repr``, ``getitem``, ``add``... of objects
``bind(name, value)``           none; ``unbind(name)`` puts the old value back
==============================  =============================================

The only request a student's process may make of the checker is ``call`` of a
function the checker lent it for the duration of one request or one
:meth:`CheckerPeer.lend` block: the correct ``sigmoid`` that a student's
``sigmoid_grad`` may use, or a function a test passes as an argument. The
checker's reply to a finished request makes every such loan void.

A value that is not plain data stays where it is and crosses as a handle: the
checker sees a student's function, model or object as a :class:`Remote`,
whose attributes, calls and operators are requests, and whose answers are
plain data again. Nothing the student's process sends can run code in the
checker.

Arguments cross as copies, and what a student's function does to its copies
stays in its process: the checker's arrays and variables keep their values
after the call, except those the checker says the call may update
(:class:`CheckerPeer`'s ``may_update``). A test's expected value computed from
an input after the call is therefore computed from the input the test chose.

On the checker's side, :class:`StudentNamespace` is the namespace the test
cells run in: a name a test cell has not bound, and that is not a builtin,
is looked up in the student's process.
"""

import builtins
import contextlib
import functools
import io
import itertools
import operator
import socket
import sys
import traceback
import warnings
from types import MappingProxyType

import numpy as np

from mlkit.grading import wire

__all__ = ["CheckerPeer", "ChannelError", "Remote", "RemoteError", "StudentNamespace",
           "StudentPeer"]

_OPERATORS = MappingProxyType({
    "len": len, "bool": bool, "int": int, "float": float, "complex": complex,
    "index": operator.index,
    "repr": repr, "str": str, "format": format, "hash": hash, "dir": dir,
    "list": lambda obj: list(_limited(obj)), "array": np.asarray,
    "getitem": operator.getitem, "contains": operator.contains,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
    "gt": operator.gt, "ge": operator.ge, "add": operator.add, "sub": operator.sub,
    "mul": operator.mul, "truediv": operator.truediv, "floordiv": operator.floordiv,
    "mod": operator.mod, "pow": operator.pow, "matmul": operator.matmul, "neg": operator.neg,
    "pos": operator.pos, "abs": abs, "radd": lambda a, b: b + a, "rsub": lambda a, b: b - a,
    "rmul": lambda a, b: b * a, "rtruediv": lambda a, b: b / a, "rmatmul": lambda a, b: b @ a,
})
MAX_ITEMS = 1_000_000


def _limited(iterable):
    for count, item in enumerate(iterable):
        if count >= MAX_ITEMS:
            raise ValueError(f"an iterable of more than {MAX_ITEMS} items cannot be sent")
        yield item


class ChannelError(RuntimeError):
    """The other side broke the protocol, closed the channel or did not answer in time.

    Attributes:
        timed_out: the other side did not answer in time.
        earlier: the channel was already broken before this request was made.
    """

    def __init__(self, message, *, timed_out=False, earlier=False):
        super().__init__(message)
        self.timed_out = timed_out
        self.earlier = earlier


class RemoteError(Exception):
    """An exception raised in the other process, which is not one of Python's builtin ones.

    Attributes:
        type_name: the name of the exception's class in the other process.
        remote_traceback: its traceback there, as text.
    """

    def __init__(self, type_name, message, remote_traceback=""):
        super().__init__(message)
        self.type_name = type_name
        self.remote_traceback = remote_traceback


def _builtin_exception(name):
    """The builtin exception class called ``name`` (not BaseException's others), or None."""
    cls = getattr(builtins, name, None) if isinstance(name, str) else None
    if isinstance(cls, type) and issubclass(cls, Exception) and cls.__module__ == "builtins":
        return cls
    return None


def _remote_type(name, bases):
    """A RemoteError class called ``name`` that is also each builtin exception of ``bases``
    which is none of the others' ancestors (numpy's AxisError: a ValueError and an
    IndexError), so that ``except ValueError`` catches it as in one process."""
    classes = {cls for cls in map(_builtin_exception, bases[:20] if isinstance(bases, list)
                                  else []) if cls is not None and cls is not Exception}
    direct = tuple(sorted((cls for cls in classes
                           if not any(other is not cls and issubclass(other, cls)
                                      for other in classes)), key=lambda cls: cls.__name__))
    name = name if name.isidentifier() else "RemoteError"
    try:
        return type(name, (RemoteError, *direct), {})
    except TypeError:  # builtin exceptions whose layouts cannot be combined
        return type(name, (RemoteError,), {})


def _rebuild_error(info):
    """The exception ``info`` describes: a builtin exception type by its name, else a
    RemoteError that is also the builtin exceptions its type derives from."""
    name, message = str(info.get("type", "Exception"))[:200], str(info.get("message", ""))
    cls = _builtin_exception(name)
    if cls is not None:
        try:
            error = cls(message)
        except Exception:  # an exception type whose constructor wants other arguments
            error = RemoteError(name, message)
    else:
        error = _remote_type(name, info.get("bases"))(name, message)
    error.remote_traceback = str(info.get("traceback", ""))[-20000:]
    return error


def _describe(error):
    """Plain data describing an exception: its type's name, the builtin exceptions it derives
    from, its message and traceback."""
    message = error.args[0] if isinstance(error, KeyError) and error.args else error
    bases = [cls.__name__ for cls in type(error).__mro__[1:] if cls.__module__ == "builtins"]
    return {"type": type(error).__name__, "bases": bases, "message": str(message),
            "traceback": "".join(traceback.format_exception(error))[-20000:]}


def _type_name(obj):
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


class _Peer:
    """Requests and replies on one socket; while waiting for a reply, serves the other side.

    Subclasses say how values that are not plain data cross (``_to_handle``,
    ``_from_handle``) and which requests they serve (``_serve``).
    """

    def __init__(self, sock, *, timeout=None):
        self.sock = sock
        self.timeout = timeout
        self.seq = 0
        self.broken = None  # why the channel can no longer be used, once it cannot
        self.timed_out = False
        self._variables = []  # per request being answered or awaited: the variables it carried
        self.last_gradients = None

    def _send(self, message, variables=None):
        wire.send(self.sock, wire.encode(message, self._to_handle, variables))

    def _receive(self):
        data, buffers = wire.recv(self.sock)
        return wire.decode(data, buffers, self._from_handle, tensor=self._tensor,
                           variable=self._variable)

    _tensor = None
    _variable = None
    _sends_variables = False  # the checker's variables cross as copies (see _variables_back)

    def request(self, op, *args):
        """Send the request ``op(*args)`` and return the other side's answer.

        While waiting, requests the other side makes are served. An exception
        the other side raised is raised here (builtin types keep their type;
        others become :class:`RemoteError` s that are also the builtin types they derive from).

        Raises:
            ChannelError: the channel is closed, timed out or carries a malformed frame.
        """
        if self.broken:
            raise ChannelError(self.broken, timed_out=self.timed_out, earlier=True)
        self.seq += 1
        seq = self.seq
        variables = [] if self._sends_variables else None
        self._variables.append(variables)
        request = {"seq": seq, "op": op, "args": list(args)}
        if (context := self._context()) is not None:
            request["ctx"] = context
        sent = []
        try:
            self._send(request, variables)
            sent = [np.array(v.numpy()) for v in variables] if variables else []
            while True:
                message = self._receive()
                if not isinstance(message, dict):
                    raise wire.WireError("a message must be a dict")
                if "re" in message:
                    if message["re"] != seq:
                        raise wire.WireError(f"a reply to request {message['re']!r} arrived "
                                             f"while request {seq} was waiting")
                    break
                self._answer(message)
        except (OSError, EOFError, wire.WireError) as error:
            if sent:  # as they were sent: nothing of the broken call is taken in
                self._variables_back(args, variables, sent, None)
            self.broken = self._why_broken(error)
            self.timed_out = isinstance(error, TimeoutError | socket.timeout)
            raise ChannelError(self.broken, timed_out=self.timed_out) from None
        finally:
            self._variables.pop()
        if variables:
            self._variables_back(args, variables, sent, message.get("vars"))
        self.last_gradients = message.get("grads")
        self._received(op, args, message)
        if "err" in message:
            raise _rebuild_error(message["err"] if isinstance(message["err"], dict) else {})
        return message.get("ok")

    def _context(self):
        """What the other side must know of this one's state to answer a request, or None."""
        return None

    def _received(self, op, args, reply):
        """Apply what a reply says besides its value (warnings, changed arguments)."""

    def _variables_back(self, args, variables, sent, values):
        """Take in the values the other side's copies of ``variables`` ended with."""
        _copy_back(variables, values)

    def _why_broken(self, error):
        if isinstance(error, TimeoutError | socket.timeout):
            return f"the other process did not answer within {self.timeout} s"
        if isinstance(error, EOFError | ConnectionError):
            return "the other process closed the channel (it stopped or was killed)"
        return f"the other process sent a malformed message: {error}"

    def _answer(self, message):
        seq, op, args = message.get("seq"), message.get("op"), message.get("args")
        if type(seq) is not int or type(op) is not str or type(args) is not list:
            raise wire.WireError(f"a malformed request: {message!r}"[:500])
        try:
            value = self._serve(op, args)
            reply = {"re": seq, **value.fields} if isinstance(value, _Reply) else \
                {"re": seq, "ok": value}
        except BaseException as error:  # the request failed: the other side gets the error
            if isinstance(error, KeyboardInterrupt | SystemExit) and not self._is_student:
                raise
            reply = {"re": seq, "err": _describe(error)}
        try:
            self._send(reply)
        except TypeError as error:  # an answer that cannot be sent
            self._send({"re": seq, "err": _describe(error)})

    _is_student = False


class _Reply:
    """An answer with more than its value: the fields of the reply message."""

    def __init__(self, **fields):
        self.fields = fields


def _copy_back(variables, values):
    """Assign to the checker's variables the values their copies ended with."""
    for number, value in values if isinstance(values, list) else []:
        if type(number) is int and 0 <= number < len(variables):
            variable = variables[number]
            if tuple(np.shape(value)) != tuple(variable.shape):
                raise ValueError(f"the student's copy of a variable of shape "
                                 f"{tuple(variable.shape)} came back with shape {np.shape(value)}")
            variable.assign(np.asarray(value).astype(variable.dtype.as_numpy_dtype))


class StudentPeer(_Peer):
    """The student's end: serves the checker's requests on the student's namespace.

    Args:
        sock: the connected socket.
        namespace: the notebook's namespace (the IPython shell's ``user_ns``).
        run_cell: ``run_cell(source) -> (outputs, execution_count)``, for ``run``.
        time_limit: a context manager factory that bounds the time of one request
            (the cell's time limit), or None.
    """

    _is_student = True
    _ctx = None

    def __init__(self, sock, namespace, run_cell, time_limit=None):
        super().__init__(sock)
        self.namespace = namespace
        self.run_cell = run_cell
        self.time_limit = time_limit or contextlib.nullcontext
        self.objects = {}  # handle id -> the student's object the checker holds a handle to
        self.saved = {}  # name -> the values ``bind`` replaced, most recent last
        self._incoming = {}  # number -> the copy of a checker's variable in the last message
        tensorflow = sys.modules.get("tensorflow")
        if tensorflow is not None:
            self._tensor = tensorflow.constant

    def _variable(self, value, number):
        tensorflow = sys.modules.get("tensorflow")
        if tensorflow is None:
            return value
        self._incoming[number] = tensorflow.Variable(value)
        return self._incoming[number]

    def _receive(self):
        self._incoming = {}
        return super()._receive()

    def _answer(self, message):
        self._variables.append(self._incoming)
        self._ctx = message.get("ctx") if isinstance(message, dict) else None
        try:
            super()._answer(message)
        finally:
            self._variables.pop()

    def _to_handle(self, obj):
        key = id(obj)
        self.objects[key] = obj
        return wire.Handle(key, _type_name(obj)[:300], callable(obj))

    def _from_handle(self, handle):
        if handle.back:  # one of ours, sent back
            if handle.id not in self.objects:
                raise wire.WireError(f"no object of this process has handle {handle.id}")
            return self.objects[handle.id]
        peer = self

        def lent(*args, **kwargs):
            copies = peer._variables[-1] if peer._variables else {}
            value = peer.request("call", wire.Handle(handle.id, back=True), list(args), kwargs,
                                 [[n, v.numpy()] for n, v in copies.items()])
            return _with_gradients(value, peer.last_gradients, copies)

        lent.__name__ = lent.__qualname__ = handle.type.rsplit(".", 1)[-1] or "lent"
        return lent

    def serve(self):
        """Answer the checker's requests until it closes the channel."""
        while True:
            try:
                message = self._receive()
            except (EOFError, OSError):
                return
            self._answer(message)

    def _serve(self, op, args):
        if op == "run":
            outputs, count = self.run_cell(*args)
            return {"outputs": outputs, "execution_count": count}
        before = _arrays(args[1], args[2]) if op == "call" and len(args) == 3 else {}
        with _quiet(), self.time_limit(), _as_checker_asks(self._ctx) as caught:
            value = self._serve_quietly(op, args)
        fields = {"ok": value}
        if copies := self._variables[-1]:  # the copies of the checker's variables go back
            fields["vars"] = [[n, v.numpy()] for n, v in copies.items()]
        if caught:
            fields["warns"] = [[type(w.message).__name__, str(w.message)[:2000]]
                               for w in caught[:20]]
        if changed := _changed(before, args):
            fields["changed"] = changed
        return _Reply(**fields)

    def _serve_quietly(self, op, args):
        if op == "get":
            (name,) = args
            if name not in self.namespace:
                raise NameError(f"name {name!r} is not defined")
            return self.namespace[name]
        if op == "call":
            function, call_args, kwargs = args
            return function(*call_args, **kwargs)
        if op == "getattr":
            obj, name = args
            return getattr(obj, name)
        if op == "operator":
            name, *operands = args
            return _OPERATORS[name](*operands)
        if op == "bind":
            name, value = args
            self.saved.setdefault(name, []).append(self.namespace.get(name, _MISSING))
            self.namespace[name] = value
            return None
        if op == "unbind":
            (name,) = args
            previous = self.saved[name].pop()
            if previous is _MISSING:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = previous
            return None
        raise ValueError(f"unknown request {op!r}")


def _with_gradients(value, gradients, copies):
    """``value`` with the gradients the checker computed attached, for the student's tape.

    A function the checker lent returns a plain value; when it was computed
    from variables the checker passed (and the student's process holds copies
    of), the checker also sends the value's gradient with respect to each. The
    value is then given back as the output of an operation on those copies
    whose gradient is that one, so that a ``tf.GradientTape`` in the student's
    code differentiates through the checker's function as if it had run here.
    """
    pairs = [(copies[n], g) for n, g in gradients or [] if n in copies and g is not None]
    tensorflow = sys.modules.get("tensorflow")
    if not pairs or tensorflow is None:
        return value
    result = tensorflow.constant(value)

    @tensorflow.custom_gradient
    def attached(*variables):
        def gradient(upstream):
            return [upstream * tensorflow.constant(g, dtype=upstream.dtype) for _, g in pairs]

        return tensorflow.identity(result), gradient

    return attached(*[variable for variable, _ in pairs])


_MISSING = object()
_NUMPY_ERROR_MODES = frozenset({"ignore", "warn", "raise", "call", "print", "log"})


@contextlib.contextmanager
def _as_checker_asks(context):
    """NumPy's floating-point error handling as the checker has it; the warnings, recorded.

    A check such as ``no_overflow`` sets ``np.errstate(over="raise")`` in the
    checker; the student's function, called from it, must run under the same
    state, and the warnings it issues go back to the checker, which issues them
    again under its own filters (where a check may turn them into errors).
    """
    state = context.get("np") if isinstance(context, dict) else None
    if not isinstance(state, dict):
        state = {}
    state = {key: value for key, value in state.items()
             if key in ("divide", "over", "under", "invalid") and value in _NUMPY_ERROR_MODES}
    with np.errstate(**state), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def _arrays(call_args, kwargs):
    """Copies of the NumPy arrays among a call's arguments, by position or name."""
    items = [*enumerate(call_args if type(call_args) is list else []),
             *(kwargs.items() if type(kwargs) is dict else [])]
    return {key: value.copy() for key, value in items if isinstance(value, np.ndarray)}


def _changed(before, args):
    """``[[position or name, new value]]`` of the array arguments the call changed in place."""
    if not before:
        return []
    call_args, kwargs = args[1], args[2]
    changed = []
    for key, copy in before.items():
        now = call_args[key] if isinstance(key, int) else kwargs[key]
        if now.shape != copy.shape or now.dtype != copy.dtype or not np.array_equal(
                np.ascontiguousarray(now).view(np.uint8), copy.view(np.uint8)):
            changed.append([key, now])
    return changed


@contextlib.contextmanager
def _quiet():
    """What a student's function prints while the checker calls it goes nowhere."""
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = io.StringIO()
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


class CheckerPeer(_Peer):
    """The checker's end: requests of the student's process, and the functions it lends.

    A student's call gets copies of the checker's arrays and variables; what
    it does to them stays in the student's process. The checker's own keep
    their values, so that nothing a test computes from its inputs after the
    call can be steered by the call, except the ones ``may_update`` names: a
    variable an optimizer's step is meant to update takes the value the
    student's copy ended with. Each change kept out is handed to ``kept``.

    Args:
        sock: the connected socket.
        timeout: seconds to wait for any one answer (None: forever).
        tensor: ``tensor(array) -> object`` to rebuild tensors (default: NumPy arrays).
        may_update: ``may_update(array) -> bool``: whether the student's call may
            change the checker's ``array`` (an argument or variable it was passed)
            in place (default: never).
        kept: ``kept(array, value, function, argument)``, told of each change
            a call made to its copy of an ``array`` the checker kept as it was:
            the value the copy ended with, the function's name and the argument's
            position or keyword (default: nobody is told).
    """

    _sends_variables = True

    def __init__(self, sock, *, timeout=None, tensor=None, may_update=None, kept=None):
        super().__init__(sock, timeout=timeout)
        sock.settimeout(timeout)
        self._tensor = tensor
        self.may_update = may_update or (lambda array: False)
        self.kept = kept or (lambda array, value, function, argument: None)
        self.lent = {}  # number -> a function of the checker the student's process may call now
        self._numbers = itertools.count(1)
        self._scopes = [[]]

    def _to_handle(self, obj):
        if isinstance(obj, Remote):
            return wire.Handle(object.__getattribute__(obj, "_handle").id, back=True)
        if not callable(obj):
            raise TypeError(f"only plain data, functions and the student's own objects can be "
                            f"passed to the student's code; {type(obj).__name__} cannot")
        key = next(self._numbers)
        self.lent[key] = obj
        self._scopes[-1].append(key)
        return wire.Handle(key, str(getattr(obj, "__name__", "lent")), True)

    def _from_handle(self, handle):
        if handle.back:  # a function the checker lent: checked when called
            return _Lent(handle.id)
        return Remote(self, handle)

    @contextlib.contextmanager
    def lend(self):
        """Functions passed to the student's process in the block may be called until it ends."""
        self._scopes.append([])
        try:
            yield
        finally:
            for key in self._scopes.pop():
                self.lent.pop(key, None)

    def request(self, op, *args):
        with self.lend():  # functions passed as arguments live as long as the request
            return super().request(op, *args)

    def _context(self):
        return {"np": np.geterr()}

    def _received(self, op, args, reply):
        """Take in the changes a student's call may make to its arguments; issue its warnings.

        A NumPy warning is issued here, as if the call had run in this process
        (the check's filters may turn it into an error). An array argument the
        call changed in place takes the new value only if ``may_update`` says
        so; otherwise the change is handed to ``kept``.
        """
        if op == "call" and isinstance(reply.get("changed"), list):
            for original, value, argument in _changes(args[1], args[2], reply["changed"]):
                if self.may_update(original):
                    np.copyto(original, value, casting="unsafe")
                else:
                    self.kept(original, value, _function_name(args[0]), argument)
        for entry in reply.get("warns") or []:
            if isinstance(entry, list) and len(entry) == 2:
                category = getattr(builtins, str(entry[0]), None)
                if not (isinstance(category, type) and issubclass(category, Warning)):
                    category = UserWarning
                warnings.warn(str(entry[1]), category, stacklevel=4)

    def _variables_back(self, args, variables, sent, values):
        """The variables ``may_update`` names take their copies' values; the others are kept.

        A function lent to the student's process may have set them to the
        copies' values while it ran (:meth:`_serve`); they are given back the
        values they were sent with.
        """
        returned = dict(value for value in values if isinstance(value, list)
                        and len(value) == 2 and type(value[0]) is int) \
            if isinstance(values, list) else {}
        for number, (variable, before) in enumerate(zip(variables, sent, strict=True)):
            value = returned.get(number)
            if value is not None and self.may_update(variable):
                _copy_back(variables, [[number, value]])
                continue
            if not np.array_equal(variable.numpy(), before, equal_nan=True):
                variable.assign(before)
            if isinstance(value, np.ndarray) and not (
                    value.shape == before.shape and np.array_equal(value, before, equal_nan=True)):
                call_args = args[1] if len(args) > 1 and type(args[1]) is list else []
                argument = next((i for i, a in enumerate(call_args) if a is variable), "variable")
                self.kept(variable, value, _function_name(args[0]), argument)

    def _serve(self, op, args):
        if op != "call" or len(args) not in (3, 4):
            raise PermissionError(f"the student's process may only call the functions it was "
                                  f"lent; it asked for {op!r}")
        target, call_args, kwargs, *copies = args
        if not isinstance(target, _Lent) or target.key not in self.lent:
            raise PermissionError("this function was lent for a check that has ended")
        function = self.lent[target.key]
        if type(call_args) is not list or type(kwargs) is not dict \
                or not all(type(k) is str for k in kwargs):
            raise TypeError("a call's arguments must be a list and a dict of names")
        variables = next((v for v in reversed(self._variables) if v), None)
        tensorflow = sys.modules.get("tensorflow")
        if not variables or tensorflow is None:
            return function(*call_args, **kwargs)
        # The student's copies of the variables, as they are now; the value and its gradients
        _copy_back(variables, copies[0] if copies else [])
        with tensorflow.GradientTape() as tape:
            tape.watch(variables)
            value = function(*call_args, **kwargs)
        gradients = None
        if tensorflow.is_tensor(value) and value.shape.rank == 0 and value.dtype.is_floating:
            gradients = [[n, None if g is None else g.numpy()]
                         for n, g in enumerate(tape.gradient(value, variables))]
        return _Reply(ok=value, grads=gradients)

    def bind(self, name, value):
        """Bind ``name`` in the student's namespace (until :meth:`unbind`).

        A function bound this way may be called by the student's process until
        the caller's :meth:`lend` block ends.
        """
        _Peer.request(self, "bind", name, value)

    def unbind(self, name):
        """Give ``name`` back its value from before :meth:`bind`."""
        self.request("unbind", name)


def _changes(call_args, kwargs, changes):
    """``(array, value, position or keyword)`` of each array argument a call reports changed."""
    found = []
    for entry in changes:
        if not (isinstance(entry, list) and len(entry) == 2):
            continue
        key, value = entry
        if type(key) is int and 0 <= key < len(call_args):
            original = call_args[key]
        elif type(key) is str and key in kwargs:
            original = kwargs[key]
        else:
            continue
        if isinstance(original, np.ndarray) and original.flags.writeable \
                and isinstance(value, np.ndarray) and value.shape == original.shape:
            found.append((original, value, key))
    return found


def _function_name(target):
    """The name of the student's function ``target``, for a message; never fails."""
    if not isinstance(target, Remote):
        return "the function"
    try:
        name = target.__name__
    except Exception:  # the student's process may refuse or be gone
        return "the function"
    return name if isinstance(name, str) and name.isidentifier() and len(name) <= 100 \
        else "the function"


class _Lent:
    """A function of the checker's that the student's process names in a request."""

    def __init__(self, key):
        self.key = key


def _forward(name):
    def method(self, *args):
        return object.__getattribute__(self, "_op")(name, *args)

    method.__name__ = f"__{name}__"
    return method


class Remote:
    """An object of the student's process, seen from the checker.

    Attribute access, calls and operators are requests to the student's
    process; their answers are plain data or other :class:`Remote` objects.
    ``isinstance`` sees the class the student's process reports when the
    checker has the same class (a Keras model is an instance of
    ``keras.Model`` here too); its methods still run in the student's process.
    """

    __slots__ = ("_handle", "_peer")

    def __init__(self, peer, handle):
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_handle", handle)

    def _op(self, name, *args):
        return object.__getattribute__(self, "_peer").request("operator", name, self, *args)

    def __getattribute__(self, name):
        if name in ("_op", "_peer", "_handle", "__class__"):
            if name == "__class__":
                qualified = object.__getattribute__(self, "_handle").type
                return _local_class(qualified) or _remote_class(qualified)
            return object.__getattribute__(self, name)
        return object.__getattribute__(self, "_peer").request("getattr", self, name)

    def __setattr__(self, name, value):
        raise AttributeError("the checker does not change the student's objects")

    def __call__(self, *args, **kwargs):
        return object.__getattribute__(self, "_peer").request("call", self, list(args), kwargs)

    def __iter__(self):
        return iter(self._op("list"))

    def __array__(self, dtype=None, copy=None):
        array = np.asarray(self._op("array"))
        return array.astype(dtype) if dtype is not None else array

    def __repr__(self):
        return str(self._op("repr"))[:10000]

    def __str__(self):
        return str(self._op("str"))[:10000]

    def __format__(self, spec):
        return str(self._op("format", spec))[:10000]

    def __hash__(self):
        return hash(object.__getattribute__(self, "_handle").id)

    # Truth is decided here, never by the student's code: an object of the student's whose
    # __eq__ or __bool__ always says yes must not pass a check. Equality is identity,
    # truth is Python's default for objects, and order is undefined, as for any object
    # whose class defines none of them; membership compares the items, here.
    def __bool__(self):
        return True

    def __eq__(self, other):
        return isinstance(other, Remote) and \
            object.__getattribute__(self, "_handle").id == object.__getattribute__(other,
                                                                                   "_handle").id

    def __ne__(self, other):
        return not self == other

    def __contains__(self, item):
        return any(element is item or (not isinstance(element, Remote) and element == item)
                   for element in self)

    def __len__(self):
        return int(self._op("len"))

    def __int__(self):
        return int(self._op("int"))

    def __float__(self):
        return float(self._op("float"))

    def __index__(self):
        return operator.index(self._op("index"))

    for _name in ("getitem", "add", "sub", "mul",
                  "truediv", "floordiv", "mod", "pow", "matmul", "neg", "pos", "abs", "radd",
                  "rsub", "rmul", "rtruediv", "rmatmul", "complex"):
        locals()[f"__{_name}__"] = _forward(_name)
    del _name


_ALLOWED_CLASS_MODULES = ("keras", "tensorflow", "numpy", "builtins")


@functools.lru_cache(maxsize=256)
def _remote_class(qualified):
    """A stand-in class named like the student's class, for messages (``x.__class__.__name__``)."""
    name = qualified.rpartition(".")[2][:100]
    return type(name if name.isidentifier() else "Remote", (Remote,), {"__slots__": ()})


def _local_class(qualified):
    """The checker's own class of that name, if its module is loaded and trusted; else None."""
    module_name, _, qualname = qualified.rpartition(".")
    if not module_name.startswith(_ALLOWED_CLASS_MODULES):
        return None
    module = sys.modules.get(module_name)
    obj = module
    for part in qualname.split(".") if module is not None else ():
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, type) else None


class StudentNamespace(dict):
    """The namespace test cells run in: a name they did not bind is the student's.

    A name that a test cell or a trusted set-up cell bound is the checker's
    own; builtins are the checker's, whatever the student defined; any other
    name is looked up in the student's process and comes back as plain data or
    as a :class:`Remote`.

    Args:
        peer: the :class:`CheckerPeer` of the student's process.
    """

    def __init__(self, peer):
        super().__init__()
        self.student = peer

    def __missing__(self, name):
        if hasattr(builtins, name) or name.startswith("__"):
            raise KeyError(name)
        try:
            return self.student.request("get", name)
        except NameError:
            raise KeyError(name) from None
