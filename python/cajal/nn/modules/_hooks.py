"""Module hooks (torch.nn.Module.register_forward_hook and friends).

Forward hooks wrap the call to forward. Backward hooks use two identity
autograd Functions, as torch's BackwardHook does: one over the outputs, whose
backward sees the gradients of the outputs (grad_output), and one over the
tensor inputs that require grad, whose backward sees their gradients
(grad_input) and calls the hooks with both."""

import itertools
from collections import OrderedDict

_next_id = itertools.count(1)


class RemovableHandle:
    def __init__(self, table, key):
        self._table, self.id = table, key

    def remove(self):
        self._table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class ModuleHooks:
    KINDS = ("forward_pre", "forward", "backward_pre", "backward")

    def __init__(self):
        self.tables = {kind: OrderedDict() for kind in self.KINDS}

    def __bool__(self):
        return any(self.tables.values())

    def add(self, kind, hook, prepend, with_kwargs):
        if not callable(hook):
            raise TypeError(f"hook must be callable, got {type(hook).__name__}")
        table, key = self.tables[kind], next(_next_id)
        table[key] = (hook, with_kwargs)
        if prepend:
            table.move_to_end(key, last=False)
        return RemovableHandle(table, key)

    def call(self, module, args, kwargs):
        for hook, with_kwargs in list(self.tables["forward_pre"].values()):
            if with_kwargs:
                result = hook(module, args, kwargs)
                if result is not None:
                    args, kwargs = result
            else:
                result = hook(module, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward = bool(self.tables["backward"] or self.tables["backward_pre"])
        if backward:
            state = {"grad_output": None}
            args = _wrap_inputs(module, self, args, state)
        output = module.forward(*args, **kwargs)
        for hook, with_kwargs in list(self.tables["forward"].values()):
            result = hook(module, args, kwargs, output) if with_kwargs else hook(module, args, output)
            if result is not None:
                output = result
        if backward:
            output = _wrap_outputs(module, self, output, state, args)
        return output


def _differentiable(values):
    from ..._tensor import Tensor

    return [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]


def _spread(grads, positions, count):
    """The gradients of the tensors at `positions`, as a tuple of `count` with None elsewhere."""
    spread = [None] * count
    for i, g in zip(positions, grads):
        spread[i] = g
    return tuple(spread)


def _identity_function(name, on_backward):
    """An identity Function over some tensors whose backward calls on_backward(grads) -> grads."""
    from ...autograd import Function

    class Hook(Function):
        @staticmethod
        def forward(ctx, *tensors):
            return tuple(t.view_as(t) for t in tensors)

        @staticmethod
        def backward(ctx, *grads):
            return tuple(on_backward(grads))

    Hook.__name__ = name
    return Hook


def _wrap_inputs(module, hooks, args, state):
    from ...autograd import is_grad_enabled

    positions = _differentiable(args)
    state["inputs"] = len(positions)
    if not positions or not is_grad_enabled():
        return args

    def on_backward(grads):
        grad_input = _spread(grads, positions, len(args))
        for hook, _ in list(hooks.tables["backward"].values()):
            result = hook(module, grad_input, state["grad_output"])
            if result is not None:
                grad_input = tuple(result) if isinstance(result, (tuple, list)) else (result,)
                if len(grad_input) != len(args):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(grad_input)}, "
                                       f"but expected {len(args)}")
        return [grad_input[i] for i in positions]

    wrapped = _identity_function("BackwardHookFunction", on_backward).apply(*[args[i] for i in positions])
    args = list(args)
    for i, value in zip(positions, wrapped):
        args[i] = value
    return tuple(args)


def _wrap_outputs(module, hooks, output, state, args):
    from ..._tensor import Tensor
    from ...autograd import is_grad_enabled

    single = isinstance(output, Tensor)
    outputs = (output,) if single else output
    if not isinstance(outputs, tuple) or not is_grad_enabled():
        return output
    positions = _differentiable(outputs)
    if not positions:
        return output

    def on_backward(grads):
        grad_output = _spread(grads, positions, len(outputs))
        for hook, _ in list(hooks.tables["backward_pre"].values()):
            result = hook(module, grad_output)
            if result is not None:
                grad_output = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        state["grad_output"] = grad_output
        if not state["inputs"]:  # nothing upstream requires grad: the hook runs now, as torch's does
            for hook, _ in list(hooks.tables["backward"].values()):
                hook(module, (None,) * len(args), grad_output)
        return [grad_output[i] for i in positions]

    wrapped = _identity_function("BackwardHookFunction", on_backward).apply(*[outputs[i] for i in positions])
    result = list(outputs)
    for i, value in zip(positions, wrapped):
        result[i] = value
    return result[0] if single else tuple(result)
