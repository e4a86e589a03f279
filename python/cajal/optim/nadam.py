from .._creation import tensor
from .._ffi import lib
from .optimizer import Optimizer, _check_options, _handle_array, _step_counter


class NAdam(Optimizer):
    """torch.optim.NAdam (momentum_decay, decoupled weight decay, maximize)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_options(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay, momentum_decay=momentum_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _init_state(self, p, group, state):
        state["step"] = _step_counter()
        state["mu_product"] = tensor(1.0)
        state["exp_avg"] = self._zeros(p)
        state["exp_avg_sq"] = self._zeros(p)

    def _update(self, group, params, grads):
        states = self._states(group, params)
        beta1, beta2 = group["betas"]
        self._call(lib.cajal_optim_nadam_step, _handle_array(params), _handle_array(grads),
                   _handle_array([s["step"] for s in states]), _handle_array([s["mu_product"] for s in states]),
                   _handle_array([s["exp_avg"] for s in states]), _handle_array([s["exp_avg_sq"] for s in states]),
                   len(params), float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                   float(group["weight_decay"]), float(group["momentum_decay"]),
                   int(bool(group["decoupled_weight_decay"])), int(bool(group["maximize"])))
