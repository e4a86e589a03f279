"""Gradient clipping: the norm and the rescaling run in the engine, in one call."""

from ..._ffi import check, lib
from ..._tensor import Tensor, _call


def _grads(parameters):
    """The parameters' gradients (skipping None) and a C array of their handles."""
    from ... import _handles  # cajal imports nn before defining _handles

    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return _handles([g for g in (p.grad for p in parameters) if g is not None])


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescales the gradients so that their joint norm is at most max_norm; returns the norm they had."""
    grads, handles = _grads(parameters)
    if not grads:
        from ..._creation import tensor

        return tensor(0.0)
    return _call(lib.cajal_optim_clip_grad_norm, handles, len(grads), float(max_norm), float(norm_type),
                 int(bool(error_if_nonfinite)))


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient to [-clip_value, clip_value] in place."""
    grads, handles = _grads(parameters)
    if grads:
        check(lib.cajal_optim_clip_grad_value(handles, len(grads), float(clip_value)))


clip_grad_norm = clip_grad_norm_
