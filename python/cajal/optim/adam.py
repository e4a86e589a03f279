from .._ffi import lib
from .optimizer import Optimizer, _check_options, _handle_array, _step_counter


class Adam(Optimizer):
    """torch.optim.Adam (amsgrad, weight decay, maximize, decoupled_weight_decay)."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_options(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay or self._decoupled))

    def _init_state(self, p, group, state):
        state["step"] = _step_counter()
        state["exp_avg"] = self._zeros(p)
        state["exp_avg_sq"] = self._zeros(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = self._zeros(p)

    def _update(self, group, params, grads):
        states = self._states(group, params)
        amsgrad = bool(group["amsgrad"])
        beta1, beta2 = group["betas"]
        self._call(lib.cajal_optim_adam_step, _handle_array(params), _handle_array(grads),
                   _handle_array([s["step"] for s in states]), _handle_array([s["exp_avg"] for s in states]),
                   _handle_array([s["exp_avg_sq"] for s in states]),
                   _handle_array([s["max_exp_avg_sq"] for s in states]) if amsgrad else None,
                   len(params), float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                   float(group["weight_decay"]), int(amsgrad), int(bool(group["maximize"])),
                   int(bool(group["decoupled_weight_decay"])))


class AdamW(Adam):
    """torch.optim.AdamW: Adam with decoupled weight decay (default 0.01)."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused)
