"""Grad mode: no_grad, enable_grad, set_grad_enabled (per thread, as in torch)."""

import functools

from .._ffi import lib


def is_grad_enabled():
    return bool(lib.cajal_grad_enabled())


class _GradModeContext:
    """A context manager that is also a decorator, like torch's."""

    enabled = True

    def __enter__(self):
        self._previous = lib.cajal_grad_enabled()
        lib.cajal_set_grad_enabled(1 if self.enabled else 0)
        return self

    def __exit__(self, *exc):
        lib.cajal_set_grad_enabled(self._previous)
        return False

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return function(*args, **kwargs)

        return wrapper


class no_grad(_GradModeContext):
    """Ops inside do not record the graph."""

    enabled = False


class enable_grad(_GradModeContext):
    enabled = True


inference_mode = no_grad


class set_grad_enabled(_GradModeContext):
    """set_grad_enabled(False) switches recording off at once, and restores it on exit when used with `with`."""

    def __init__(self, mode):
        self._previous = lib.cajal_grad_enabled()
        self.enabled = bool(mode)
        lib.cajal_set_grad_enabled(1 if self.enabled else 0)

    def __enter__(self):
        return self

    def __call__(self, function):
        lib.cajal_set_grad_enabled(self._previous)
        mode = self.enabled

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return function(*args, **kwargs)

        return wrapper


__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled"]
