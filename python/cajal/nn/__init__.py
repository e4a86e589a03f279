"""cajal.nn, as torch.nn: Module and its layers, losses, functional and init."""

from . import functional, init, parallel, utils
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules
from .parameter import Parameter

__all__ = ["functional", "init", "utils", "Parameter", *_modules]
