"""nn.Parameter: a tensor that a Module registers as one of its parameters."""

from .._tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and shares `data`'s memory
    (torch.nn.Parameter). Ops on it return plain tensors."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        from .._creation import empty

        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, not {type(data).__name__}")
        param = data.detach()  # same memory, no history
        param.__class__ = cls
        param.requires_grad_(requires_grad)
        return param

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (Parameter, (self.detach(), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = Parameter(self.detach().clone(), self.requires_grad)
        return memo[id(self)]
