from .._creation import full_like
from .._ffi import lib
from .optimizer import Optimizer, _check_options, _handle_array, _step_counter


class Adagrad(Optimizer):
    """torch.optim.Adagrad (lr_decay, initial_accumulator_value, weight decay, maximize)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_options(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                       initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        # torch makes Adagrad's state up front, with the accumulator at its initial value.
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group, self.state[p])

    def _init_state(self, p, group, state):
        state["step"] = _step_counter()
        state["sum"] = full_like(p, group["initial_accumulator_value"])

    def _update(self, group, params, grads):
        states = self._states(group, params)
        self._call(lib.cajal_optim_adagrad_step, _handle_array(params), _handle_array(grads),
                   _handle_array([s["step"] for s in states]), _handle_array([s["sum"] for s in states]),
                   len(params), float(group["lr"]), float(group["lr_decay"]), float(group["weight_decay"]),
                   float(group["eps"]), int(bool(group["maximize"])))
