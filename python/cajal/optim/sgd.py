from .._ffi import lib
from .._tensor import _wrap
from .optimizer import Optimizer, _check_options, _handle_array


class SGD(Optimizer):
    """torch.optim.SGD: momentum, dampening, Nesterov, weight decay, maximize."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        _check_options(lr=lr, momentum=momentum, weight_decay=weight_decay, dampening=dampening, nesterov=bool(nesterov))
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _update(self, group, params, grads):
        # The momentum buffer is made by the first step, from the gradient, so
        # SGD keeps no state at all without momentum (as torch).
        momentum = float(group["momentum"])
        buffers = [self.state[p].get("momentum_buffer") for p in params] if momentum else [None] * len(params)
        created = _handle_array([None] * len(params))
        self._call(lib.cajal_optim_sgd_step, _handle_array(params), _handle_array(grads), _handle_array(buffers),
                   len(params), float(group["lr"]), momentum, float(group["dampening"]), float(group["weight_decay"]),
                   int(bool(group["nesterov"])), int(bool(group["maximize"])), created)
        for i, p in enumerate(params):
            if created[i]:
                self.state[p]["momentum_buffer"] = _wrap(created[i])
