from .._ffi import lib
from .optimizer import Optimizer, _check_options, _handle_array, _step_counter


class RMSprop(Optimizer):
    """torch.optim.RMSprop (centered, momentum, weight decay, maximize)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_options(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, capturable=capturable, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable))

    def _init_state(self, p, group, state):
        state["step"] = _step_counter()
        state["square_avg"] = self._zeros(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = self._zeros(p)
        if group["centered"]:
            state["grad_avg"] = self._zeros(p)

    def _update(self, group, params, grads):
        states = self._states(group, params)
        centered, momentum = bool(group["centered"]), float(group["momentum"])
        self._call(lib.cajal_optim_rmsprop_step, _handle_array(params), _handle_array(grads),
                   _handle_array([s["step"] for s in states]), _handle_array([s["square_avg"] for s in states]),
                   _handle_array([s["grad_avg"] for s in states]) if centered else None,
                   _handle_array([s["momentum_buffer"] for s in states]) if momentum > 0 else None,
                   len(params), float(group["lr"]), float(group["alpha"]), float(group["eps"]),
                   float(group["weight_decay"]), momentum, int(centered), int(bool(group["maximize"])))
