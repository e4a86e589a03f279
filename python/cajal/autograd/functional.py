"""torch.autograd.functional: vjp, jvp, jacobian, hessian, hvp and vhp of a
Python function, built on autograd.grad as torch builds them (reverse mode;
jvp and hvp by the double-backward trick, so they need the function's ops to
be twice differentiable)."""

from .._tensor import Tensor


def _as_inputs(inputs, name):
    is_tuple = isinstance(inputs, (tuple, list))
    items = tuple(inputs) if is_tuple else (inputs,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise TypeError(f"The {name} given to the function must be either a Tensor or a tuple of Tensors "
                            f"but the value at index {i} has type {type(item).__name__}.")
    return is_tuple, items


def _prepare(inputs, create_graph, need_graph):
    """torch's _grad_preprocess: inputs that can be differentiated, connected
    to their own history only when a graph is being created."""
    prepared = []
    for value in inputs:
        if create_graph and value.requires_grad:
            prepared.append(value.view_as(value))
        else:
            prepared.append(value.detach().requires_grad_(need_graph))
    return tuple(prepared)


def _finish(values, create_graph):
    """torch's _grad_postprocess: detached unless a graph was asked for."""
    if create_graph:
        return values
    return tuple(v.detach() if isinstance(v, Tensor) else v for v in values)


def _as_result(is_tuple, values):
    return tuple(values) if is_tuple else values[0]


def _grads(outputs, inputs, grad_outputs, create_graph, strict, what):
    from . import grad

    outputs_needing = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not outputs_needing:
        if strict:
            raise RuntimeError(f"The output of the user-provided function is independent of input 0. This is not "
                               f"allowed in strict mode ({what}).")
        return tuple(None for _ in inputs)
    results = grad([o for o, _ in outputs_needing], inputs, [g for _, g in outputs_needing],
                   retain_graph=True, create_graph=create_graph, allow_unused=True)
    if strict:
        for i, r in enumerate(results):
            if r is None:
                raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                                   f"allowed in strict mode ({what}).")
    return results


def _fill_zeros(grads, like):
    return tuple(g if g is not None else x.new_zeros(x.shape) for g, x in zip(grads, like))


def _check_v(v, outputs, name):
    _, vs = _as_inputs(v, "v")
    if len(vs) != len(outputs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(outputs)} but got {len(vs)}.")
    for i, (a, b) in enumerate(zip(vs, outputs)):
        if a.shape != b.shape:
            raise RuntimeError(f"Entry {i} in v has invalid size: should be {tuple(b.shape)} but got {tuple(a.shape)}.")
    return vs


def _input_directions(v, inputs):
    """The directions v (one per input); None only for one single-element input (then 1)."""
    if v is None:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        return (inputs[0].new_ones(inputs[0].shape),)
    return _check_v(v, inputs, "v")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), the vector-Jacobian product v^T J)."""
    from . import enable_grad

    with enable_grad():
        is_tuple, inputs = _as_inputs(inputs, "inputs")
        inputs = _prepare(inputs, create_graph, True)
        out_tuple, outputs = _as_inputs(func(*inputs), "outputs of the user-provided function")
        if v is None:
            if any(o.numel() != 1 for o in outputs):
                raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                                   "Tensor with a single element.")
            vs = tuple(o.new_ones(o.shape) for o in outputs)
        else:
            vs = _check_v(v, outputs, "v")
        grads = _fill_zeros(_grads(outputs, inputs, vs, create_graph, strict, "vjp"), inputs)
    return _as_result(out_tuple, _finish(outputs, create_graph)), _as_result(is_tuple, _finish(grads, create_graph))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), the Jacobian-vector product J v), by differentiating a
    vector-Jacobian product once more with respect to its vector."""
    from . import enable_grad, grad

    with enable_grad():
        is_tuple, inputs = _as_inputs(inputs, "inputs")
        inputs = _prepare(inputs, create_graph, True)
        vs = _input_directions(v, inputs)
        out_tuple, outputs = _as_inputs(func(*inputs), "outputs of the user-provided function")
        dummies = tuple(o.new_zeros(o.shape).requires_grad_(True) for o in outputs)
        grads = _grads(outputs, inputs, dummies, True, strict, "jvp")
        pairs = [(g, w) for g, w in zip(grads, vs) if g is not None and g.requires_grad]
        if pairs:
            products = grad([g for g, _ in pairs], dummies, [w for _, w in pairs], create_graph=create_graph,
                            allow_unused=True)
        else:
            products = (None,) * len(dummies)
        products = _fill_zeros(products, outputs)
    return _as_result(out_tuple, _finish(outputs, create_graph)), _as_result(out_tuple, _finish(products, create_graph))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: for one input and one output, a tensor
    of shape output.shape + input.shape; tuples of them otherwise, indexed
    [output][input] as torch does."""
    from . import enable_grad

    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    with enable_grad():
        is_tuple, inputs = _as_inputs(inputs, "inputs")
        inputs = _prepare(inputs, create_graph, True)
        out_tuple, outputs = _as_inputs(func(*inputs), "outputs of the user-provided function")
        from .. import stack

        table = []
        for i, output in enumerate(outputs):
            flat = output.reshape(-1)
            rows = [[] for _ in inputs]
            for j in range(flat.numel()):
                if output.requires_grad:
                    grads = _grads((flat[j],), inputs, (None,), create_graph, strict, "jacobian")
                else:
                    grads = _grads((), inputs, (), create_graph, strict, "jacobian")
                for k, (g, x) in enumerate(zip(grads, inputs)):
                    rows[k].append(g if g is not None else x.new_zeros(x.shape))
            per_input = []
            for k, x in enumerate(inputs):
                if rows[k]:
                    block = stack(rows[k]).reshape(tuple(output.shape) + tuple(x.shape))
                else:
                    block = x.new_zeros(tuple(output.shape) + tuple(x.shape))
                per_input.append(block)
            table.append(_as_result(is_tuple, _finish(per_input, create_graph)))
    return _as_result(out_tuple, table)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function with one scalar output: the Jacobian of its gradient."""
    is_tuple, items = _as_inputs(inputs, "inputs")

    def gradient(*xs):
        out_tuple, outputs = _as_inputs(func(*xs), "outputs of the user-provided function")
        if out_tuple or outputs[0].numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor with a single element")
        from . import grad

        grads = grad(outputs[0].reshape(()), xs, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else x.new_zeros(x.shape) for g, x in zip(grads, xs))

    # jacobian of a function returning one gradient per input: [gradient i][input j].
    result = jacobian(gradient, items, create_graph=create_graph, strict=strict)
    return result if is_tuple else result[0][0]


def _second_order(func, inputs, v, create_graph, strict, what):
    from . import enable_grad, grad

    with enable_grad():
        is_tuple, inputs = _as_inputs(inputs, "inputs")
        inputs = _prepare(inputs, create_graph, True)
        out_tuple, outputs = _as_inputs(func(*inputs), "outputs of the user-provided function")
        if out_tuple or outputs[0].numel() != 1:
            raise RuntimeError(f"The function given to {what} should return a single Tensor with a single element")
        output = outputs[0]
        vs = _input_directions(v, inputs)
        firsts = _grads((output,), inputs, (None,), True, strict, what)
        pairs = [(g, w) for g, w in zip(firsts, vs) if g is not None and g.requires_grad]
        if pairs:
            seconds = grad([g for g, _ in pairs], inputs, [w for _, w in pairs], retain_graph=True,
                           create_graph=create_graph, allow_unused=True)
        else:
            seconds = (None,) * len(inputs)
        seconds = _fill_zeros(seconds, inputs)
    return _finish((output,), create_graph)[0], _as_result(is_tuple, _finish(seconds, create_graph))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a scalar function."""
    return _second_order(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) for a scalar function; H is symmetric for the
    twice continuously differentiable functions this is used on, so this is
    the same product as vhp, as torch computes it for such functions."""
    return _second_order(func, inputs, v, create_graph, strict, "hvp")


__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]
