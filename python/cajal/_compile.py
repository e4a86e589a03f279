"""cajal.compile: torch.compile's name and calling convention over the
engine's captured plans (cajal_plan_* in include/cajal.h).

The first call with a new input signature runs eagerly (lazy state such as an
optimizer's moments is made then); the second runs eagerly while the engine
records every call it makes — forward, backward, optimizer step, zero_grad —
into a plan; later calls replay the plan in one C call, without running the
Python function. What decides whether a plan fits a call:

- the engine checks each input tensor's shape, strides, dtype and
  requires_grad, and the grad mode; the autocast dtype is part of the key;
- the non-tensor arguments (numbers, strings, flags) must equal the traced ones;
- Python state the trace read is guarded: the `training` flag of every module
  called, and the hyperparameters of every optimizer group stepped.

A mismatch traces again (at most `_RETRACE_LIMIT` plans per function, then
eager). A function the engine cannot capture — one that reads tensor values
(`.item()`, `.tolist()`, printing), registers hooks, runs a custom autograd
Function, or keeps a tensor it made in Python state — runs eagerly from then
on, with one warning naming the reason. A plan repeats the engine calls; it
does not repeat Python side effects (appending to a list, printing).
"""

import functools
import gc
import operator
import warnings
from ctypes import byref, c_size_t, c_void_p

from ._ffi import ERRORS, check, last_error, lib
from ._tensor import Tensor, _wrap

_RETRACE_LIMIT = 8

# The guards of the trace in progress, {(id(owner), name): (owner, name, value)},
# or None when no trace runs. Module.__call__ and Optimizer.step add theirs.
_guards = None


def guard(owner, name):
    """While a trace runs, makes its plan depend on owner's `name` (an attribute,
    or a key when owner is a dict) keeping the value it has now."""
    if _guards is not None:
        _guards.setdefault((id(owner), name), (owner, name, _read(owner, name)))


def _read(owner, name):
    return owner[name] if isinstance(owner, dict) else getattr(owner, name)


def _holds(guards):
    for owner, read, value in guards:
        if read(owner) != value:
            return False
    return True


def _flatten(value, leaves):
    """The structure of nested tuples, lists and dicts with their leaves
    appended to `leaves`; a leaf stands as None in the structure."""
    if isinstance(value, (tuple, list)) and not hasattr(value, "_fields"):
        return (type(value), tuple(_flatten(v, leaves) for v in value))
    if isinstance(value, dict):
        return (dict, tuple((k, _flatten(v, leaves)) for k, v in value.items()))
    leaves.append(value)
    return None


def _rebuild(spec, leaves):
    if spec is None:
        return next(leaves)
    kind, parts = spec
    if kind is dict:
        return {k: _rebuild(s, leaves) for k, s in parts}
    return kind(_rebuild(s, leaves) for s in parts)


def _constant_key(value):
    """A non-tensor argument as part of the cache key: numbers and strings by
    value, other objects by identity."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return (type(value), value)
    return (type(value), id(value))


def _signature(tensor):
    return (tuple(tensor.shape), tuple(tensor.stride()), tensor.dtype, tensor.requires_grad)


class _Plan:
    """One engine plan with the Python guards and output structure of its trace."""

    __slots__ = ("handle", "guards", "outputs", "constants", "inputs", "__weakref__")

    def __init__(self, handle, guards, outputs, constants, inputs):
        self.handle, self.guards, self.outputs, self.constants, self.inputs = handle, guards, outputs, constants, inputs

    def __del__(self):
        if lib is not None and self.handle:
            lib.cajal_plan_free(self.handle)
            self.handle = None

    def steps(self):
        count = c_size_t()
        check(lib.cajal_plan_step_count(self.handle, byref(count)))
        return count.value


class _Mismatch(Exception):
    """The plan's input checks refused the call."""


class _Key:
    """What the cache knows about one call structure: its plans, most recent
    first, and the input signatures seen, traced, or left to eager."""

    __slots__ = ("plans", "seen", "eager", "traces")

    def __init__(self):
        self.plans, self.seen, self.eager, self.traces = [], set(), set(), 0


class CompiledFunction:
    """What cajal.compile(fn) returns: fn's behaviour, replayed from plans."""

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._cache = {}
        self._warned = False

    def __get__(self, instance, owner):  # a compiled method binds like a function
        return self if instance is None else functools.partial(self, instance)

    def __call__(self, *args, **kwargs):
        if _guards is not None:  # inside another function's trace: its plan records these calls
            return self._fn(*args, **kwargs)
        if not kwargs and all(type(a) is Tensor for a in args):  # the common call: tensors only
            tensors = args
            key = (len(args), lib.cajal_grad_enabled(), lib.cajal_get_default_dtype(), lib.cajal_autocast_dtype())
        else:
            leaves = []
            spec = _flatten((args, kwargs), leaves)
            tensors = [leaf for leaf in leaves if isinstance(leaf, Tensor)]
            key = (spec, tuple(None if isinstance(leaf, Tensor) else _constant_key(leaf) for leaf in leaves),
                   lib.cajal_grad_enabled(), lib.cajal_get_default_dtype(), lib.cajal_autocast_dtype())
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = _Key()
        handles = (c_void_p * max(len(tensors), 1))(*[t._handle for t in tensors])
        stale = []
        for plan in entry.plans:
            if not _holds(plan.guards):
                stale.append(plan)  # Python state it was traced under changed (a flag, a learning rate)
                continue
            try:
                return self._run(plan, handles, len(tensors))
            except _Mismatch:
                continue
        signature = tuple(_signature(t) for t in tensors)
        for plan in stale:
            if plan.inputs == signature:
                entry.plans.remove(plan)
        if signature not in entry.seen or signature in entry.eager:
            entry.seen.add(signature)
            return self._fn(*args, **kwargs)
        if entry.traces >= _RETRACE_LIMIT:
            self._fallback(entry, signature, f"traced {_RETRACE_LIMIT} times (the guarded Python state keeps changing)")
            return self._fn(*args, **kwargs)
        entry.traces += 1
        return self._trace(entry, signature, handles, len(tensors), args, kwargs)

    def _run(self, plan, handles, count):
        outputs = (c_void_p * max(plan.outputs[1], 1))()
        status = lib.cajal_plan_run(plan.handle, handles, count, outputs, plan.outputs[1])
        if status:
            message = last_error()
            if message.startswith("[cajal_plan_run] guard: "):
                raise _Mismatch(message)
            raise ERRORS.get(status, RuntimeError)(message)
        spec, count = plan.outputs
        if spec is None and count == 1:  # one tensor returned
            return _wrap(outputs[0]) if outputs[0] else None
        made = iter([_wrap(outputs[i]) if outputs[i] else None for i in range(count)])
        constants = iter(plan.constants)
        return _rebuild(spec, (next(made) if c is _TENSOR else c for c in constants))

    def _trace(self, entry, signature, handles, count, args, kwargs):
        global _guards
        check(lib.cajal_plan_begin(handles, count))
        outer, _guards = _guards, {}
        try:
            result = self._fn(*args, **kwargs)
        except BaseException:
            lib.cajal_plan_abort()
            raise
        finally:
            guards, _guards = _guards, outer
        del args, kwargs
        gc.collect()  # tensors the function left in reference cycles are gone, not "kept"
        leaves = []
        spec = _flatten(result, leaves)
        outputs = [leaf for leaf in leaves if isinstance(leaf, Tensor)]
        out_handles = (c_void_p * max(len(outputs), 1))(*[t._handle for t in outputs])
        handle = c_void_p()
        if lib.cajal_plan_end(out_handles, len(outputs), byref(handle)):
            self._fallback(entry, signature, last_error().removeprefix("[cajal_plan_end] cannot capture: "), 4)
            return result
        constants = [_TENSOR if isinstance(leaf, Tensor) else leaf for leaf in leaves]
        checks = [(owner, operator.itemgetter(name) if isinstance(owner, dict) else operator.attrgetter(name), value)
                  for owner, name, value in guards.values()]
        entry.plans.insert(0, _Plan(handle.value, checks, (spec, len(outputs)), constants, signature))
        return result

    def _fallback(self, entry, signature, reason, stacklevel=3):
        entry.eager.add(signature)
        if not self._warned:
            self._warned = True
            name = getattr(self._fn, "__qualname__", repr(self._fn))
            warnings.warn(f"cajal.compile: {name} runs eagerly: {reason}", stacklevel=stacklevel)


_TENSOR = object()  # marks where a plan output goes in the returned structure


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,  # noqa: A001
            disable=False):
    """torch.compile: a function (or module) that replays engine plans of `model`.
    `backend`, `mode`, `options`, `fullgraph` and `dynamic` are accepted and ignored:
    there is one backend, and a trace never breaks into pieces (it falls back whole)."""
    if model is None:  # @compile(mode=...) as a decorator
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                  options=options, disable=disable)
    if disable:
        return model
    from .nn import Module

    if isinstance(model, Module):
        return _optimized_module(model)
    if not callable(model):
        raise TypeError(f"compile(): {type(model).__name__} is not callable")
    return CompiledFunction(model)


def _optimized_module(mod):
    """What compile(module) returns: a Module (torch's OptimizedModule) whose
    calls replay plans of mod's __call__; its state_dict keys carry torch's
    "_orig_mod." prefix. The class is made on first use (nn imports this module)."""
    global _OptimizedModule
    if _OptimizedModule is None:
        from .nn import Module

        class OptimizedModule(Module):
            def __init__(self, mod):
                super().__init__()
                self._orig_mod = mod
                object.__setattr__(self, "_compiled_call", CompiledFunction(mod.__call__))

            def forward(self, *args, **kwargs):
                return self._compiled_call(*args, **kwargs)

            def __getattr__(self, name):
                try:
                    return super().__getattr__(name)
                except AttributeError:
                    return getattr(self.__dict__["_modules"]["_orig_mod"], name)

        _OptimizedModule = OptimizedModule
    return _OptimizedModule(mod)


_OptimizedModule = None
