"""torch.autograd: grad and backward over several tensors, and grad mode
(no_grad, enable_grad, set_grad_enabled; per thread, as in torch)."""

import functools
import threading
from ctypes import c_void_p

from .._ffi import check, lib
from . import function as _function
from .function import Function, FunctionCtx, once_differentiable


def _as_tuple(value, what):
    from .._tensor import Tensor

    if isinstance(value, Tensor):
        return (value,)
    if value is None:
        return ()
    items = tuple(value)
    for i, item in enumerate(items):
        if item is not None and not isinstance(item, Tensor):
            raise TypeError(f"{what}[{i}] must be a Tensor or None, not {type(item).__name__}")
    return items


def _handles(tensors):
    """A C array of the tensors' handles (NULL for None); the tensors must outlive the call."""
    return (c_void_p * max(len(tensors), 1))(*[None if t is None else t._handle for t in tensors])


def _gradients_for(outputs, gradients, what):
    gradients = _as_tuple(gradients, what) if gradients is not None else (None,) * len(outputs)
    if len(gradients) != len(outputs):
        raise RuntimeError(f"{what} has {len(gradients)} entries but there are {len(outputs)} outputs")
    return gradients


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of sum(outputs[i] * grad_outputs[i]) with respect to each input, as a tuple;
    unlike backward(), nothing is accumulated into .grad. With create_graph the gradients are
    themselves differentiable (higher-order gradients)."""
    from .._tensor import _wrap

    if is_grads_batched:
        raise NotImplementedError("autograd.grad(is_grads_batched=True) is not supported by cajal yet")
    outputs = _as_tuple(outputs, "outputs")
    inputs = _as_tuple(inputs, "inputs")
    if any(t is None for t in outputs + inputs):
        raise TypeError("autograd.grad: outputs and inputs must be Tensors, not None")
    grad_outputs = _gradients_for(outputs, grad_outputs, "grad_outputs")
    allow_unused = materialize_grads if allow_unused is None else allow_unused
    retain_graph = create_graph if retain_graph is None else retain_graph
    results = (c_void_p * max(len(inputs), 1))()
    with _function.raising_callback_errors():
        check(lib.cajal_autograd_grad_ex(_handles(outputs), len(outputs), _handles(grad_outputs), _handles(inputs),
                                         len(inputs), 1 if retain_graph else 0, 1 if create_graph else 0,
                                         1 if allow_unused else 0, results))
    grads = tuple(_wrap(results[i]) if results[i] else None for i in range(len(inputs)))
    if materialize_grads:
        grads = tuple(g if g is not None else t.new_zeros(t.shape) for g, t in zip(grads, inputs))
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None, grad_variables=None):
    """Accumulates into every leaf's .grad (or only into `inputs`' .grad) the gradient of
    sum(tensors[i] * grad_tensors[i]); with create_graph the accumulated gradients keep a history."""
    tensors = _as_tuple(tensors, "tensors")
    grad_tensors = _gradients_for(tensors, grad_tensors if grad_tensors is not None else grad_variables, "grad_tensors")
    retain_graph = create_graph if retain_graph is None else retain_graph
    if inputs is not None:
        inputs = _as_tuple(inputs, "inputs")
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    inputs = inputs or ()
    _queued_callbacks.list = []
    try:
        with _function.raising_callback_errors():
            check(lib.cajal_autograd_backward_ex(_handles(tensors), len(tensors), _handles(grad_tensors),
                                                 1 if retain_graph else 0, 1 if create_graph else 0,
                                                 _handles(inputs), len(inputs)))
        callbacks = _queued_callbacks.list
    finally:
        _queued_callbacks.list = None
    for callback in callbacks:
        callback()


# Callbacks a hook queued during this thread's backward, run when it has
# finished (Variable._execution_engine.queue_callback: how DDP reduces the
# gradients once they are all accumulated).
_queued_callbacks = threading.local()


class _ExecutionEngine:
    @staticmethod
    def queue_callback(callback):
        queued = getattr(_queued_callbacks, "list", None)
        if queued is None:
            raise RuntimeError("Final callbacks can only be installed during backward pass.")
        queued.append(callback)


def is_grad_enabled():
    return bool(lib.cajal_grad_enabled())


class _GradModeContext:
    """A context manager that is also a decorator, like torch's."""

    enabled = True

    def __enter__(self):
        self._previous = lib.cajal_grad_enabled()
        lib.cajal_set_grad_enabled(1 if self.enabled else 0)
        return self

    def __exit__(self, *exc):
        lib.cajal_set_grad_enabled(self._previous)
        return False

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return function(*args, **kwargs)

        return wrapper


class no_grad(_GradModeContext):
    """Ops inside do not record the graph."""

    enabled = False


class enable_grad(_GradModeContext):
    enabled = True


class inference_mode(_GradModeContext):
    """torch.inference_mode: no graph is recorded inside (cajal has no separate
    inference tensors, so this is no_grad); inference_mode(False) records."""

    def __init__(self, mode=True):
        self.enabled = not mode

    def __enter__(self):
        self._previous = lib.cajal_grad_enabled()
        lib.cajal_set_grad_enabled(1 if self.enabled else 0)
        return self

    def __call__(self, function):
        enabled = self.enabled

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with inference_mode(not enabled):
                return function(*args, **kwargs)

        return wrapper


def Variable(data, requires_grad=False, volatile=False):
    """torch.autograd.Variable, the deprecated alias: a tensor sharing data's
    memory that requires grad when asked."""
    from .._tensor import Tensor
    from .._creation import tensor as _tensor

    value = data.detach() if isinstance(data, Tensor) else _tensor(data)
    return value.requires_grad_(True) if requires_grad else value


Variable._execution_engine = _ExecutionEngine()


class set_grad_enabled(_GradModeContext):
    """set_grad_enabled(False) switches recording off at once, and restores it on exit when used with `with`."""

    def __init__(self, mode):
        self._previous = lib.cajal_grad_enabled()
        self.enabled = bool(mode)
        lib.cajal_set_grad_enabled(1 if self.enabled else 0)

    def __enter__(self):
        return self

    def __call__(self, function):
        lib.cajal_set_grad_enabled(self._previous)
        mode = self.enabled

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return function(*args, **kwargs)

        return wrapper


from . import functional  # noqa: E402

__all__ = ["grad", "backward", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "Function", "FunctionCtx", "once_differentiable", "Variable", "functional"]
