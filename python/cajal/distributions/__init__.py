"""torch.distributions: the distributions VAEs, policy-gradient agents and
Bayesian models use, with torch's formulas (so log_prob, entropy, mean,
variance and kl_divergence give torch's numbers) and torch's draws (sample
and rsample take the same random numbers from the same generator calls).

Each distribution is a composition of engine ops, so gradients flow through
log_prob and rsample as in torch. Gamma, Beta and Dirichlet sample with the
engine's standard_gamma and sample_dirichlet (torch's Marsaglia-Tsang
sampler, with its draws); differentiating their samples with respect to the
concentration (torch's reparameterised gamma) raises NotImplementedError.
"""

import math
import numbers

from .. import _dtype as D
from .._tensor import Tensor


def _tensor_of(value, like=None):
    from .._creation import tensor

    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if isinstance(like, Tensor) and like.is_floating_point() else D.float32
    return tensor(float(value), dtype=dtype)


def broadcast_all(*values):
    """The values as tensors of one broadcast shape (numbers take the tensors' dtype)."""
    from .. import broadcast_tensors

    like = next((v for v in values if isinstance(v, Tensor)), None)
    if like is None:
        from .._creation import tensor

        return tuple(tensor(float(v)) for v in values)
    return broadcast_tensors(*[_tensor_of(v, like) for v in values])


def _size(sample_shape):
    return D.Size(tuple(sample_shape))


def _sum_rightmost(value, dims):
    return value.reshape(value.shape[:value.dim() - dims] + (-1,)).sum(-1) if dims > 0 else value


def clamp_probs(probs):
    eps = D.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    clamped = clamp_probs(probs)
    return clamped.log() - (-clamped).log1p() if is_binary else clamped.log()


def logits_to_probs(logits, is_binary=False):
    from ..nn import functional as F

    return logits.sigmoid() if is_binary else F.softmax(logits, dim=-1)


def _probs_or_logits(distribution, name, is_binary):
    """The parameter a distribution was not given (probs from logits or the
    other way round), computed once on first use, as torch's lazy_property."""
    if name == "probs":
        value = logits_to_probs(distribution.__dict__["logits"], is_binary=is_binary)
    elif name == "logits":
        value = probs_to_logits(distribution.__dict__["probs"], is_binary=is_binary)
    else:
        raise AttributeError(name)
    distribution.__dict__[name] = value
    return value


class Distribution:
    """The base class: batch_shape, event_shape, sample_shape conventions and
    the argument checks (validate_args, on by default as in torch)."""

    has_rsample = False
    has_enumerate_support = False
    _validate_default = True
    arg_constraints = {}

    @staticmethod
    def set_default_validate_args(value):
        Distribution._validate_default = bool(value)

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = _size(batch_shape)
        self._event_shape = _size(event_shape)
        self._validate_args = Distribution._validate_default if validate_args is None else bool(validate_args)
        if self._validate_args:
            for name, check in self.arg_constraints.items():
                value = self.__dict__.get(name)
                if value is None:
                    continue
                if not bool(check(value).all()):
                    raise ValueError(f"Expected parameter {name} ({type(value).__name__} of shape {tuple(value.shape)}) "
                                     f"of distribution {self!r} to satisfy the constraint {check.__name__}, "
                                     f"but found invalid values:\n{value}")

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    def _extended_shape(self, sample_shape=()):
        return _size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def sample(self, sample_shape=()):
        from ..autograd import no_grad

        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        raise NotImplementedError(f"{type(self).__name__} has no rsample (reparameterised samples)")

    def sample_n(self, n):
        return self.sample((n,))

    @property
    def stddev(self):
        return self.variance.sqrt()

    def perplexity(self):
        return self.entropy().exp()

    def _check_support(self, value, support, name):
        if self._validate_args and not bool(support(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                             f"within the support ({name}) of the distribution {self!r}, but found invalid values:\n{value}")

    def __repr__(self):
        params = ", ".join(f"{name}: {tuple(getattr(self, name).shape) if getattr(self, name).numel() > 1 else getattr(self, name)}"
                           for name in self.arg_constraints if name in self.__dict__)
        return f"{type(self).__name__}({params})"


# Constraints as predicates on tensors (their names are torch's).
def _real(value):
    return value == value


def _positive(value):
    return value > 0


def _unit_interval(value):
    return (value >= 0) & (value <= 1)


def _simplex(value):
    return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


_real.__name__, _positive.__name__, _unit_interval.__name__ = "Real()", "GreaterThan(lower_bound=0.0)", "Interval(lower_bound=0.0, upper_bound=1.0)"
_simplex.__name__ = "Simplex()"


def _positive_nonneg_vector(value):
    return (value >= 0).all(-1) & (value.sum(-1) > 0)


_positive_nonneg_vector.__name__ = "IndependentConstraint(GreaterThanEq(lower_bound=0.0), 1)"


class Normal(Distribution):
    """Normal(loc, scale)."""

    has_rsample = True
    arg_constraints = {"loc": _real, "scale": _positive}

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def rsample(self, sample_shape=()):
        from .._creation import empty

        eps = empty(self._extended_shape(sample_shape), dtype=self.loc.dtype).normal_()
        return self.loc + eps * self.scale

    def sample(self, sample_shape=()):
        from ..autograd import no_grad

        shape = self._extended_shape(sample_shape)
        with no_grad():
            from .._creation import empty

            eps = empty(shape, dtype=self.loc.dtype).normal_()
            return eps * self.scale.expand(shape) + self.loc.expand(shape)

    def log_prob(self, value):
        value = _tensor_of(value, self.loc)
        self._check_support(value, _real, "Real()")
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        value = _tensor_of(value, self.loc)
        return 0.5 * (1 + ((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)).erf())

    def icdf(self, value):
        value = _tensor_of(value, self.loc)
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


class Bernoulli(Distribution):
    """Bernoulli(probs=...) or Bernoulli(logits=...)."""

    has_enumerate_support = True
    arg_constraints = {"probs": _unit_interval, "logits": _real}

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        param = self.__dict__.get("probs", self.__dict__.get("logits"))
        super().__init__(param.shape, validate_args=validate_args)

    def __getattr__(self, name):
        return _probs_or_logits(self, name, is_binary=True)

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        from .. import where

        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return where(self.probs == 0.5, mode.new_full(mode.shape, float("nan")), mode)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        from .. import bernoulli
        from ..autograd import no_grad

        with no_grad():
            return bernoulli(self.probs.expand(self._extended_shape(sample_shape)))

    def log_prob(self, value):
        from .. import broadcast_tensors
        from ..nn import functional as F

        value = _tensor_of(value, self.logits)
        self._check_support(value, lambda v: (v == 0) | (v == 1), "Boolean()")
        logits, value = broadcast_tensors(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self):
        from ..nn import functional as F

        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand=True):
        from .._creation import arange

        values = arange(2, dtype=self.probs.dtype).reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values


class Categorical(Distribution):
    """Categorical(probs=...) or Categorical(logits=...) over the last dim."""

    has_enumerate_support = True
    arg_constraints = {"probs": _simplex, "logits": _real}

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        param = self.__dict__.get("probs", self.__dict__.get("logits"))
        self._num_events = param.shape[-1]
        super().__init__(param.shape[:-1], validate_args=validate_args)

    def __getattr__(self, name):
        return _probs_or_logits(self, name, is_binary=False)

    @property
    def param_shape(self):
        return self.__dict__.get("probs", self.__dict__.get("logits")).shape

    @property
    def mean(self):
        return self.probs.new_full(self._extended_shape(), float("nan"))

    @property
    def mode(self):
        return self.probs.argmax(dim=-1)

    @property
    def variance(self):
        return self.probs.new_full(self._extended_shape(), float("nan"))

    def sample(self, sample_shape=()):
        from .. import multinomial
        from ..autograd import no_grad

        sample_shape = _size(sample_shape)
        with no_grad():
            probs_2d = self.probs.reshape(-1, self._num_events)
            samples_2d = multinomial(probs_2d, sample_shape.numel(), True).T
            return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        from .. import broadcast_tensors

        value = _tensor_of(value)
        self._check_support(value, lambda v: (v >= 0) & (v < self._num_events) & (v == v.round()),
                            f"IntegerInterval(lower_bound=0, upper_bound={self._num_events - 1})")
        value = value.long().unsqueeze(-1)
        value, log_pmf = broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self):
        min_real = D.finfo(self.logits.dtype).min
        logits = self.logits.clamp(min=min_real)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        from .._creation import arange

        values = arange(self._num_events).reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values


class OneHotCategorical(Distribution):
    """A Categorical whose samples are one-hot vectors."""

    has_enumerate_support = True
    arg_constraints = {"probs": _simplex, "logits": _real}

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        super().__init__(self._categorical.batch_shape, (self._categorical.param_shape[-1],),
                         validate_args=validate_args)

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        from ..nn import functional as F

        return F.one_hot(self.probs.argmax(dim=-1), self.probs.shape[-1]).to(self.probs.dtype)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        from ..nn import functional as F

        indices = self._categorical.sample(sample_shape)
        return F.one_hot(indices, self.probs.shape[-1]).to(self.probs.dtype)

    def log_prob(self, value):
        indices = value.max(-1)[1]
        return self._categorical.log_prob(indices)

    def entropy(self):
        return self._categorical.entropy()


class Uniform(Distribution):
    """Uniform(low, high) on [low, high)."""

    has_rsample = True
    arg_constraints = {"low": _real, "high": _real}

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, validate_args=validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            raise ValueError(f"Expected parameter low ({type(self.low).__name__} of shape {tuple(self.low.shape)}) of "
                             f"distribution {self!r} to satisfy the constraint LessThan(upper_bound=high), "
                             f"but found invalid values:\n{self.low}")

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return self.high.new_full(self.high.shape, float("nan"))

    @property
    def stddev(self):
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self):
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=()):
        from .._creation import rand

        r = rand(self._extended_shape(sample_shape), dtype=self.low.dtype)
        return self.low + r * (self.high - self.low)

    def log_prob(self, value):
        value = _tensor_of(value, self.low)
        self._check_support(value, lambda v: (v >= self.low) & (v < self.high), "Interval(low, high)")
        lb = self.low.le(value).to(self.low.dtype)
        ub = self.high.gt(value).to(self.low.dtype)
        return (lb * ub).log() - (self.high - self.low).log()

    def cdf(self, value):
        value = _tensor_of(value, self.low)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        return value * (self.high - self.low) + self.low

    def entropy(self):
        return (self.high - self.low).log()


class Independent(Distribution):
    """Reinterprets the rightmost batch dims of a distribution as event dims."""

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        shape = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        event_dim = reinterpreted_batch_ndims + len(base_distribution.event_shape)
        if reinterpreted_batch_ndims > len(base_distribution.batch_shape):
            raise ValueError("Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), "
                             f"actual {reinterpreted_batch_ndims} vs {len(base_distribution.batch_shape)}")
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        super().__init__(shape[:len(shape) - event_dim], shape[len(shape) - event_dim:], validate_args=False)

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def mode(self):
        return self.base_dist.mode

    @property
    def variance(self):
        return self.base_dist.variance

    def sample(self, sample_shape=()):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        return _sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        return _sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self):
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"


def _standard_gamma(concentration):
    from .._ffi import lib
    from .._tensor import _call

    return _call(lib.cajal_tensor_standard_gamma, concentration, None)


class Gamma(Distribution):
    """Gamma(concentration, rate)."""

    arg_constraints = {"concentration": _positive, "rate": _positive}

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    has_rsample = True

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return value.clamp(min=D.finfo(value.dtype).tiny)

    def log_prob(self, value):
        from .. import xlogy

        value = _tensor_of(value, self.concentration)
        self._check_support(value, _positive, "GreaterThanEq(lower_bound=0.0)")
        return (xlogy(self.concentration, self.rate) + xlogy(self.concentration - 1, value) - self.rate * value
                - self.concentration.lgamma())

    def entropy(self):
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1.0 - c) * c.digamma()


class Dirichlet(Distribution):
    """Dirichlet(concentration) over the last dim."""

    arg_constraints = {"concentration": _positive}

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:], validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        from .. import where

        c = self.concentration
        concentrationm1 = (c - 1).clamp(min=0.0)
        mode = concentrationm1 / concentrationm1.sum(-1, keepdim=True)
        mask = (c < 1).all(dim=-1)
        from ..nn import functional as F

        one_hot = F.one_hot(c.argmax(dim=-1), c.shape[-1]).to(mode.dtype)
        return where(mask.unsqueeze(-1), one_hot, mode)

    @property
    def variance(self):
        c0 = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (c0 - self.concentration) / (c0.pow(2) * (c0 + 1))

    has_rsample = True

    def rsample(self, sample_shape=()):
        from .._ffi import lib
        from .._tensor import _call

        shape = self._extended_shape(sample_shape)
        return _call(lib.cajal_tensor_sample_dirichlet, self.concentration.expand(shape), None)

    def log_prob(self, value):
        from .. import xlogy

        self._check_support(value, _simplex, "Simplex()")
        return ((xlogy(self.concentration - 1.0, value)).sum(-1) + self.concentration.sum(-1).lgamma()
                - self.concentration.lgamma().sum(-1))

    def entropy(self):
        c = self.concentration
        k = c.shape[-1]
        a0 = c.sum(-1)
        return c.lgamma().sum(-1) - a0.lgamma() - (k - a0) * a0.digamma() - ((c - 1.0) * c.digamma()).sum(-1)


class Beta(Distribution):
    """Beta(concentration1, concentration0), through a two-category Dirichlet."""

    arg_constraints = {"concentration1": _positive, "concentration0": _positive}

    def __init__(self, concentration1, concentration0, validate_args=None):
        from .. import stack

        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(stack([self.concentration1, self.concentration0], -1), validate_args=validate_args)
        super().__init__(self._dirichlet.batch_shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    has_rsample = True

    def rsample(self, sample_shape=()):
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        from .. import stack

        value = _tensor_of(value, self.concentration1)
        self._check_support(value, _unit_interval, "Interval(lower_bound=0.0, upper_bound=1.0)")
        heads_tails = stack([value, 1.0 - value], -1)
        return self._dirichlet.log_prob(heads_tails)

    def entropy(self):
        return self._dirichlet.entropy()


def _batch_mahalanobis(scale_tril, difference):
    """|L^-1 x|^2 for the lower Cholesky factor L of a covariance, batched."""
    from .. import linalg

    solution = linalg.solve_triangular(scale_tril, difference.unsqueeze(-1), upper=False).squeeze(-1)
    return solution.pow(2).sum(-1)


class MultivariateNormal(Distribution):
    """MultivariateNormal(loc, covariance_matrix= | precision_matrix= | scale_tril=)."""

    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        from .. import broadcast_shapes, linalg

        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        matrix = next(m for m in (scale_tril, covariance_matrix, precision_matrix) if m is not None)
        if matrix.dim() < 2:
            raise ValueError("scale_tril, covariance_matrix or precision_matrix must be at least two-dimensional, "
                             "with optional leading batch dimensions")
        batch_shape = broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = linalg.cholesky(covariance_matrix)
        else:
            flipped = linalg.cholesky(precision_matrix.flip(-2, -1))
            inverse = flipped.flip(-2, -1).transpose(-2, -1)
            from .._creation import eye

            identity = eye(precision_matrix.shape[-1], dtype=precision_matrix.dtype)
            self._unbroadcasted_scale_tril = linalg.solve_triangular(inverse, identity, upper=False)
        super().__init__(batch_shape, loc.shape[-1:], validate_args=validate_args)

    @property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(tuple(self._batch_shape) + tuple(self._event_shape) * 2)

    @property
    def covariance_matrix(self):
        tril = self._unbroadcasted_scale_tril
        return tril.matmul(tril.transpose(-1, -2)).expand(tuple(self._batch_shape) + tuple(self._event_shape) * 2)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(tuple(self._batch_shape) + tuple(self._event_shape))

    def rsample(self, sample_shape=()):
        from .._creation import empty

        eps = empty(self._extended_shape(sample_shape), dtype=self.loc.dtype).normal_()
        return self.loc + self._unbroadcasted_scale_tril.matmul(eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        difference = value - self.loc
        mahalanobis = _batch_mahalanobis(self._unbroadcasted_scale_tril, difference)
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + mahalanobis) - half_log_det

    def entropy(self):
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        entropy = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + half_log_det
        return entropy if len(self._batch_shape) == 0 else entropy.expand(self._batch_shape)


from .kl import kl_divergence, register_kl  # noqa: E402

__all__ = ["Distribution", "Normal", "Bernoulli", "Categorical", "OneHotCategorical", "Uniform", "Independent",
           "Gamma", "Beta", "Dirichlet", "MultivariateNormal", "kl_divergence", "register_kl"]
