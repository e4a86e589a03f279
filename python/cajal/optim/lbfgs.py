import struct

from .. import autograd
from .._creation import zeros
from .._dtype import float32
from .optimizer import Optimizer, _check_options


def _float32(value):
    return struct.unpack("f", struct.pack("f", value))[0]


class LBFGS(Optimizer):
    """torch.optim.LBFGS without a line search (line_search_fn=None), one parameter group.

    Every vector operation runs on the flattened gradient of all parameters
    at once; the Python loop is over the (at most history_size) curvature pairs.
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        _check_options(lr=lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        if line_search_fn is not None:
            raise NotImplementedError(f"LBFGS line_search_fn={line_search_fn!r} is not supported by cajal yet; "
                                      "use line_search_fn=None")
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _gather_flat_grad(self):
        from .. import cat

        views = []
        for p in self._params:
            grad = p.grad
            views.append(zeros(p.numel(), dtype=p.dtype) if grad is None else grad.reshape(-1))
        return cat(views, 0)

    def _add_grad(self, step_size, direction):
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(direction[offset:offset + n].view_as(p), alpha=step_size)
            offset += n

    def step(self, closure):
        """Runs up to max_iter L-BFGS iterations; `closure` must return the loss."""
        if closure is None:
            raise RuntimeError("LBFGS requires a closure that reevaluates the model and returns the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]

        def evaluate():
            with autograd.enable_grad():
                return closure()

        # torch keeps the scalars (ys, rho, alpha, H_diag, the first t) as 0-dim
        # tensors of the parameters' dtype: round them the same way.
        rnd = _float32 if self._params[0].dtype is float32 else float
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        with autograd.no_grad():
            flat_grad = self._gather_flat_grad()
            if flat_grad.abs().max().item() <= tolerance_grad:
                return orig_loss
            d, t = state.get("d"), state.get("t")
            old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
            h_diag, prev_flat_grad, prev_loss = state.get("H_diag"), state.get("prev_flat_grad"), state.get("prev_loss")
            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:
                    d = flat_grad.neg()
                    old_dirs, old_stps, ro = [], [], []
                    h_diag = 1.0
                else:
                    # The curvature pair of the last move, kept when it is positive.
                    y = flat_grad.sub(prev_flat_grad)
                    s = d.mul(t)
                    ys = rnd(y.dot(s).item())
                    if ys > 1e-10:
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(rnd(1.0 / ys))
                        h_diag = rnd(ys / y.dot(y).item())
                    # Two-loop recursion: d = -H grad.
                    al = [0.0] * len(old_dirs)
                    q = flat_grad.neg()
                    for i in range(len(old_dirs) - 1, -1, -1):
                        al[i] = rnd(old_stps[i].dot(q).item() * ro[i])
                        q.add_(old_dirs[i], alpha=-al[i])
                    d = r = q.mul(h_diag)
                    for i in range(len(old_dirs)):
                        be_i = rnd(old_dirs[i].dot(r).item() * ro[i])
                        r.add_(old_stps[i], alpha=rnd(al[i] - be_i))
                prev_flat_grad = flat_grad.clone()
                prev_loss = loss
                if state["n_iter"] == 1:
                    inverse = rnd(1.0 / flat_grad.abs().sum().item())
                    t = rnd(inverse * lr) if inverse < 1.0 else lr
                else:
                    t = lr
                gtd = flat_grad.dot(d).item()
                if gtd > -tolerance_change:
                    break
                evals = 0
                self._add_grad(t, d)
                if n_iter != max_iter:
                    loss = float(evaluate())
                    flat_grad = self._gather_flat_grad()
                    evals = 1
                current_evals += evals
                state["func_evals"] += evals
                if n_iter == max_iter or current_evals >= max_eval:
                    break
                if flat_grad.abs().max().item() <= tolerance_grad:
                    break
                if d.mul(t).abs().max().item() <= tolerance_change:
                    break
                if abs(loss - prev_loss) < tolerance_change:
                    break
            state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                         prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss


