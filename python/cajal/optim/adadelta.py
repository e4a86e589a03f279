from .._ffi import lib
from .optimizer import Optimizer, _check_options, _handle_array, _step_counter


class Adadelta(Optimizer):
    """torch.optim.Adadelta (weight decay, maximize)."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_options(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      capturable=capturable, maximize=maximize, differentiable=differentiable))

    def _init_state(self, p, group, state):
        state["step"] = _step_counter()
        state["square_avg"] = self._zeros(p)
        state["acc_delta"] = self._zeros(p)

    def _update(self, group, params, grads):
        states = self._states(group, params)
        self._call(lib.cajal_optim_adadelta_step, _handle_array(params), _handle_array(grads),
                   _handle_array([s["step"] for s in states]), _handle_array([s["square_avg"] for s in states]),
                   _handle_array([s["acc_delta"] for s in states]), len(params), float(group["lr"]),
                   float(group["rho"]), float(group["eps"]), float(group["weight_decay"]),
                   int(bool(group["maximize"])))
