"""Builds a layer from its specification (nn/_layer_specs.py, generated from
api/layers.py, which the Swift modules read too): registers its parameters and
buffers in order, draws their starting values in torch's order, and makes its
submodules in torch's construction order."""

import math

from .. import _creation
from .. import _dtype as D
from ..autograd import no_grad
from . import init
from ._layer_specs import CHILDREN
from .parameter import Parameter


def register(module, tensors, dtype, suffix="", skip_absent=False):
    """Registers each tensor under name + suffix: a Parameter, or a buffer; an
    absent one as None, as torch registers a missing bias (or not at all with
    skip_absent, as torch's multi-layer RNN). Values are set by `initialize`
    (ones and zeros here already)."""
    for spec in tensors:
        name = spec.name + suffix
        add = module.register_buffer if spec.buffer else module.register_parameter
        if not spec.present:
            if not skip_absent:
                add(name, None)
            continue
        dtype_of = D.int64 if spec.dtype == "int64" else dtype
        make = {"ones": _creation.ones, "zeros": _creation.zeros}.get(spec.init[0], _creation.empty)
        value = make(*spec.shape, dtype=dtype_of) if spec.shape else make((), dtype=dtype_of)
        add(name, value if spec.buffer else Parameter(value))


def initialize(module, tensors, suffix=""):
    """Sets every present tensor's starting value in declaration order (torch's
    reset_parameters); the random draws come from the default generator."""
    weight = next((s for s in tensors if s.name == "weight"), None)
    fan_in = init._calculate_fan_in_and_fan_out(getattr(module, "weight" + suffix))[0] \
        if weight is not None and weight.present and len(weight.shape) >= 2 else 0
    with no_grad():
        for spec in tensors:
            tensor = getattr(module, spec.name + suffix, None) if spec.present else None
            if tensor is None:
                continue
            kind = spec.init[0]
            if kind == "fan_in_uniform":
                if spec.name == "weight":
                    init.kaiming_uniform_(tensor, a=math.sqrt(5))  # U(±1/√fan_in), torch's own arithmetic
                elif fan_in > 0:
                    init.uniform_(tensor, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))
            elif kind == "inverse_sqrt_uniform":
                bound = 1.0 / math.sqrt(spec.init[1])
                init.uniform_(tensor, -bound, bound)
            elif kind == "xavier_uniform":
                init.xavier_uniform_(tensor)
            elif kind == "normal":
                init.normal_(tensor)
            elif kind == "ones":
                tensor.fill_(1)
            else:
                tensor.zero_()


def make_children(module, layer, factories):
    """Makes and registers the layer's submodules in the declared order (the
    order torch constructs them in, so their random draws match); `factories`
    maps each declared name to a function that makes it."""
    names = [name for name, _ in CHILDREN[layer]]
    if sorted(names) != sorted(factories):
        raise AssertionError(f"{layer}: submodules {sorted(factories)} differ from the declared {names}")
    for name in names:
        setattr(module, name, factories[name]())
