"""torch.optim.Optimizer: parameter groups, per-parameter state and state dicts.

Each subclass's step hands a whole parameter group to one engine call
(`cajal_optim_*_step`); no per-element or per-op Python loop runs here.
"""

import copy
from collections import defaultdict
from ctypes import c_char_p, c_double, c_int32, c_void_p

from .. import autograd
from .._creation import tensor, zeros_like
from .._ffi import check, lib
from .. import _compile
from .._tensor import Tensor


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _handle_array(tensors):
    """A C array of the tensors' handles (None becomes NULL)."""
    return (c_void_p * max(len(tensors), 1))(*[None if t is None else t._handle for t in tensors])


def _check_options(**options):
    """torch's checks of an optimizer's options, in the order given, by the engine
    (cajal_optim_check_options): betas count as beta1 and beta2, flags as 1 or 0."""
    names, values = [], []
    for name, value in options.items():
        if name == "betas":
            names += ["beta1", "beta2"]
            values += list(value)
        else:
            names.append(name)
            values.append(value)
    count = len(names)
    integral = [isinstance(v, (bool, int)) or (isinstance(v, Tensor) and not v.is_floating_point()) for v in values]
    check(lib.cajal_optim_check_options((c_char_p * count)(*[n.encode() for n in names]),
                                        (c_double * count)(*[float(v) for v in values]),
                                        (c_int32 * count)(*integral), count))


def _step_counter():
    # torch keeps state['step'] as a float32 0-dim tensor; the engine increments it.
    return tensor(0.0)


class Optimizer:
    """Base class: subclasses define `_update(group, params, grads)` and, when they keep state, `_init_state`."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key not in ("params", "param_names"):
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def add_param_group(self, param_group):
        """Adds a group of parameters with its own options (torch.optim.Optimizer.add_param_group)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        names = []
        for i, p in enumerate(params):
            if isinstance(p, tuple) and len(p) == 2:  # named_parameters()
                names.append(p[0])
                params[i] = p = p[1]
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group, params=params)
        if names:
            group["param_names"] = names
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params):
            import warnings

            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error", stacklevel=3)
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Resets the gradients of every parameter: to None by default, to zeros otherwise."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                else:
                    grad = p.grad
                    if grad is not None:
                        grad.zero_()

    # ---------------------------------------------------------------- step

    def step(self, closure=None):
        """One optimization step over every group; `closure` re-evaluates the loss when given."""
        loss = None
        if closure is not None:
            with autograd.enable_grad():
                loss = closure()
        with autograd.no_grad():
            for group in self.param_groups:
                if _compile._guards is not None:  # a cajal.compile trace: its plan holds for these hyperparameters
                    for name in group:
                        if name not in ("params", "param_names"):
                            _compile.guard(group, name)
                params, grads = [], []
                for p in group["params"]:
                    grad = p.grad
                    if grad is not None:
                        params.append(p)
                        grads.append(grad)
                if params:
                    self._update(group, params, grads)
        return loss

    def _states(self, group, params):
        """Each parameter's state, made by `_init_state` on its first step."""
        states = []
        for p in params:
            state = self.state[p]
            if not state:
                self._init_state(p, group, state)
            states.append(state)
        return states

    def _init_state(self, p, group, state):
        raise NotImplementedError

    def _update(self, group, params, grads):
        """One engine call updating the group's parameters that have gradients."""
        raise NotImplementedError

    @staticmethod
    def _call(function, *args):
        check(function(*args))

    @staticmethod
    def _zeros(p):
        return zeros_like(p)

    # ---------------------------------------------------------- state dicts

    def state_dict(self):
        """{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}, as torch's."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restores options and state saved by state_dict(); tensors are copied, and
        floating state takes its parameter's dtype (the step counters stay as saved)."""
        state_dict = copy.deepcopy(state_dict)
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, saved in zip(self.param_groups, saved_groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
        by_index = {}
        for mine, saved in zip(self.param_groups, saved_groups):
            for index, p in zip(saved["params"], mine["params"]):
                by_index[index] = p
        state = defaultdict(dict)
        for index, values in state_dict["state"].items():
            key = int(index) if isinstance(index, str) and index.isdigit() else index
            if key not in by_index:
                continue
            p = by_index[key]
            state[p] = {k: self._cast_state(p, k, v) for k, v in values.items()}
        self.state = state
        self.param_groups = [dict(saved, params=mine["params"]) for mine, saved in zip(self.param_groups, saved_groups)]

    @staticmethod
    def _cast_state(p, key, value):
        if isinstance(value, Tensor):
            if key != "step" and value.is_floating_point():
                return value.to(p.dtype).contiguous()
            return value.contiguous()
        return value
