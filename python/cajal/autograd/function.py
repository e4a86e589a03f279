"""torch.autograd.Function: a forward written by the user with its own
backward, recorded by the engine as one node (cajal_autograd_function).

The engine calls back into Python for the backward through one ctypes
callback; each live node or hook holds an integer context that names its
Python callable in `_callbacks`, and the engine's release callback drops it
when the node or hook is freed. An exception raised inside a callback fails
the backward in the engine and is re-raised as itself by the Python call
that ran the backward (`raising_callback_errors`).
"""

import contextlib
import functools
import itertools
import threading
from ctypes import byref, c_int64, c_void_p

from .._ffi import GRADIENT_FN, RELEASE_FN, check, lib

_callbacks = {}  # context id -> callable(grad Tensor) -> list of Tensor or None
_next_id = itertools.count(1)
_pending = threading.local()  # the exception a callback raised on this thread


def register_callback(function):
    """Keeps `function` for the engine; the returned id is its context."""
    ident = next(_next_id)
    _callbacks[ident] = function
    return ident


def forget_callback(ident):
    _callbacks.pop(ident, None)


def _new_handle(tensor):
    out = c_void_p()
    check(lib.cajal_tensor_share(tensor._handle, byref(out)))
    return out.value


@GRADIENT_FN
def _run_callback(context, grad, results):
    from .._tensor import _wrap

    try:
        gradient = _wrap(grad)  # the engine hands a new handle, which this wrapper frees
        outputs = _callbacks[context](gradient)
        for i, value in enumerate(outputs):
            results[i] = None if value is None else _new_handle(value)
        return 0
    except BaseException as error:  # noqa: BLE001 (re-raised by the caller of backward)
        _pending.error = error
        return 1


@RELEASE_FN
def _release_callback(context):
    _callbacks.pop(context, None)


GRADIENT_CALLBACK, RELEASE_CALLBACK = _run_callback, _release_callback


@contextlib.contextmanager
def raising_callback_errors():
    """Around an engine call that runs a backward: the exception a Python
    callback raised replaces the engine's 'callback failed' error."""
    _pending.error = None
    try:
        yield
    except Exception:
        error, _pending.error = getattr(_pending, "error", None), None
        if error is not None:
            raise error.with_traceback(error.__traceback__) from None
        raise


class RemovableHandle:
    """What register_hook returns: remove() takes the hook off again."""

    def __init__(self, tensor, ident):
        self._tensor, self.id = tensor, ident

    def remove(self):
        if self._tensor is not None:
            check(lib.cajal_tensor_remove_hook(self._tensor._handle, self.id))
            self._tensor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_tensor_hook(tensor, hook):
    """Tensor.register_hook: hook(grad) may return a replacement gradient."""
    from .._tensor import Tensor

    if not callable(hook):
        raise TypeError(f"register_hook expects a callable, got {type(hook).__name__}")

    def call(grad):
        value = hook(grad)
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"hook {getattr(hook, '__name__', hook)!r} returned {type(value).__name__}; "
                            "a hook returns a Tensor or None")
        return [value]

    ident = register_callback(call)
    hook_id = c_int64()
    try:
        check(lib.cajal_tensor_register_hook(tensor._handle, GRADIENT_CALLBACK, ident, RELEASE_CALLBACK, byref(hook_id)))
    except Exception:
        forget_callback(ident)
        raise
    return RemovableHandle(tensor, hook_id.value)


class FunctionCtx:
    """The `ctx` of a Function: what forward leaves for backward."""

    def __init__(self):
        self._saved = ()
        self._non_differentiable = set()
        self.materialize_grads = True
        self.needs_input_grad = ()

    def save_for_backward(self, *tensors):
        from .._tensor import Tensor

        for i, value in enumerate(tensors):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is not a Variable "
                                f"(got {type(value).__name__})")
        self._saved = tensors

    @property
    def saved_tensors(self):
        return self._saved

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        """Accepted: cajal's Functions always return new tensors, so an input
        written in place by forward needs no extra bookkeeping here."""

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


def once_differentiable(backward):
    """Marks a backward that is not itself differentiable: it runs without
    recording, and differentiating its result (create_graph) fails."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        from . import no_grad

        with no_grad():
            return backward(ctx, *grads)

    wrapper._once_differentiable = True
    return wrapper


class Function:
    """Subclass with static forward(ctx, *args) and backward(ctx, *grads), and
    call Subclass.apply(*args). torch 2's style (forward without ctx, plus a
    static setup_context(ctx, inputs, output)) works too."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                           "Please use new-style autograd function with static forward method.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        from . import is_grad_enabled, no_grad

        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        separate_setup = cls.setup_context is not Function.setup_context
        with no_grad():
            output = cls.forward(*args, **kwargs) if separate_setup else cls.forward(ctx, *args, **kwargs)
        if separate_setup:
            cls.setup_context(ctx, args, output)
        tensor_inputs = [a for a in args if isinstance(a, Tensor)]
        if not (is_grad_enabled() and any(t.requires_grad for t in tensor_inputs)):
            return output
        outputs = output if isinstance(output, tuple) else (output,)
        differentiable = [i for i, o in enumerate(outputs) if isinstance(o, Tensor) and o.is_floating_point()
                          and id(o) not in ctx._non_differentiable]
        if not differentiable:
            return output
        recorded = _record(cls, ctx, args, tensor_inputs, outputs, differentiable)
        return recorded if isinstance(output, tuple) else recorded[0]


def _record(cls, ctx, args, tensor_inputs, outputs, differentiable):
    """Records one node for the differentiable outputs. Several outputs are
    recorded as one flat tensor, of which each returned output is a view, so
    that the node sees one gradient, which is split again for backward."""
    from .._tensor import Tensor, _wrap

    name = f"{cls.__name__}Backward"
    shapes = [outputs[i].shape for i in differentiable]
    dtypes = {outputs[i].dtype for i in differentiable}
    if len(dtypes) > 1:
        raise NotImplementedError(f"{cls.__name__}: the differentiable outputs of a custom Function must share one dtype "
                                  f"in cajal (got {sorted(str(d) for d in dtypes)})")
    flat = outputs[differentiable[0]] if len(differentiable) == 1 else None
    if flat is None:
        from .. import cat

        flat = cat([outputs[i].detach().reshape(-1) for i in differentiable])
    counts = [s.numel() for s in shapes]
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    once = getattr(cls.backward, "_once_differentiable", False)

    def backward(grad):
        if len(differentiable) == 1:
            pieces = [grad]
        else:
            pieces = [part.reshape(shape) for part, shape in zip(grad.split(counts), shapes)]
        grads = []
        for i, o in enumerate(outputs):
            if i in differentiable:
                grads.append(pieces[differentiable.index(i)])
            elif isinstance(o, Tensor) and ctx.materialize_grads:
                grads.append(o.new_zeros(o.shape))
            else:
                grads.append(None)
        result = cls.backward(ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        if len(result) < len(args) or any(g is not None for g in result[len(args):]):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {len(args)}, "
                               f"got {len(result)})")
        for i, g in enumerate(result[:len(args)]):
            if g is not None and not isinstance(args[i], Tensor):
                raise RuntimeError(f"function {name} returned a gradient different than None at position {i + 1}, "
                                   "but the corresponding forward input was not a Variable")
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"function {name} returned a gradient of type {type(g).__name__} at position {i + 1}; "
                                "expected a Tensor or None")
        return [result[i] for i in positions]

    ident = register_callback(backward)
    handles = (c_void_p * max(len(tensor_inputs), 1))(*[t._handle for t in tensor_inputs])
    out = c_void_p()
    try:
        check(lib.cajal_autograd_function(flat._handle, handles, len(tensor_inputs), name.encode(), GRADIENT_CALLBACK,
                                          ident, RELEASE_CALLBACK, 1 if once else 0, byref(out)))
    except Exception:
        forget_callback(ident)
        raise
    node_output = _wrap(out.value)
    if len(differentiable) == 1:
        views = [node_output]
    else:
        views, start = [], 0
        for count, shape in zip(counts, shapes):
            views.append(node_output[start:start + count].view(shape))
            start += count
    result = list(outputs)
    for i, view in zip(differentiable, views):
        result[i] = view
    return tuple(result)


__all__ = ["Function", "FunctionCtx", "once_differentiable"]
