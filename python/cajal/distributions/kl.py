"""torch.distributions.kl: kl_divergence(p, q) between two distributions,
by the closed forms torch registers (and register_kl for more)."""

_KL = {}


def register_kl(type_p, type_q):
    """Decorator: registers a function computing KL(p || q) for these types."""

    def decorate(function):
        _KL[type_p, type_q] = function
        return function

    return decorate


def kl_divergence(p, q):
    """KL(p || q), batched; NotImplementedError for a pair with no closed form here."""
    for (type_p, type_q), function in _KL.items():
        if type(p) is type_p and type(q) is type_q:
            return function(p, q)
    for (type_p, type_q), function in _KL.items():
        if isinstance(p, type_p) and isinstance(q, type_q):
            return function(p, q)
    raise NotImplementedError(f"No KL(p || q) is implemented for p type {type(p).__name__} and "
                              f"q type {type(q).__name__}")


def _infinite_where(mask, values):
    from .. import where

    return where(mask, values.new_full(values.shape, float("inf")), values)


def _zero_where(mask, values):
    from .. import where

    return where(mask, values.new_zeros(values.shape), values)


def _register_all():
    from ..nn import functional as F
    from . import (Bernoulli, Beta, Categorical, Dirichlet, Gamma, Independent, MultivariateNormal, Normal,
                   OneHotCategorical, Uniform)
    from . import _sum_rightmost

    @register_kl(Normal, Normal)
    def _normal_normal(p, q):
        var_ratio = (p.scale / q.scale).pow(2)
        t1 = ((p.loc - q.loc) / q.scale).pow(2)
        return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())

    @register_kl(Bernoulli, Bernoulli)
    def _bernoulli_bernoulli(p, q):
        t1 = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
        t1 = _zero_where(p.probs == 0, _infinite_where(q.probs == 0, t1))
        t2 = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
        t2 = _zero_where(p.probs == 1, _infinite_where(q.probs == 1, t2))
        return t1 + t2

    @register_kl(Categorical, Categorical)
    def _categorical_categorical(p, q):
        t = p.probs * (p.logits - q.logits)
        t = _infinite_where((q.probs == 0).expand_as(t), t)
        t = _zero_where((p.probs == 0).expand_as(t), t)
        return t.sum(-1)

    @register_kl(OneHotCategorical, OneHotCategorical)
    def _onehot_onehot(p, q):
        return _categorical_categorical(p._categorical, q._categorical)

    @register_kl(Uniform, Uniform)
    def _uniform_uniform(p, q):
        result = ((q.high - q.low) / (p.high - p.low)).log()
        return _infinite_where((q.low > p.low) | (q.high < p.high), result)

    @register_kl(Beta, Beta)
    def _beta_beta(p, q):
        sum_p = p.concentration1 + p.concentration0
        sum_q = q.concentration1 + q.concentration0
        t1 = q.concentration1.lgamma() + q.concentration0.lgamma() + sum_p.lgamma()
        t2 = p.concentration1.lgamma() + p.concentration0.lgamma() + sum_q.lgamma()
        t3 = (p.concentration1 - q.concentration1) * p.concentration1.digamma()
        t4 = (p.concentration0 - q.concentration0) * p.concentration0.digamma()
        t5 = (sum_q - sum_p) * sum_p.digamma()
        return t1 - t2 + t3 + t4 + t5

    @register_kl(Gamma, Gamma)
    def _gamma_gamma(p, q):
        t1 = q.concentration * (p.rate / q.rate).log()
        t2 = q.concentration.lgamma() - p.concentration.lgamma()
        t3 = (p.concentration - q.concentration) * p.concentration.digamma()
        t4 = (q.rate - p.rate) * (p.concentration / p.rate)
        return t1 + t2 + t3 + t4

    @register_kl(Dirichlet, Dirichlet)
    def _dirichlet_dirichlet(p, q):
        sum_p = p.concentration.sum(-1)
        sum_q = q.concentration.sum(-1)
        t1 = sum_p.lgamma() - sum_q.lgamma()
        t2 = (p.concentration.lgamma() - q.concentration.lgamma()).sum(-1)
        t3 = p.concentration - q.concentration
        t4 = p.concentration.digamma() - sum_p.digamma().unsqueeze(-1)
        return t1 - t2 + (t3 * t4).sum(-1)

    @register_kl(MultivariateNormal, MultivariateNormal)
    def _mvn_mvn(p, q):
        from .. import broadcast_shapes, linalg
        from . import _batch_mahalanobis

        if p.event_shape != q.event_shape:
            raise ValueError("KL-divergence between two Multivariate Normals with different event shapes cannot be computed")
        log_diagonal = lambda d: d._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)  # noqa: E731
        half_term1 = log_diagonal(q) - log_diagonal(p)
        n = p.event_shape[0]
        batch = tuple(broadcast_shapes(q._unbroadcasted_scale_tril.shape[:-2], p._unbroadcasted_scale_tril.shape[:-2]))
        q_tril = q._unbroadcasted_scale_tril.expand(batch + (n, n))
        p_tril = p._unbroadcasted_scale_tril.expand(batch + (n, n))
        term2 = linalg.solve_triangular(q_tril, p_tril, upper=False).pow(2).sum(-1).sum(-1)
        term3 = _batch_mahalanobis(q._unbroadcasted_scale_tril, q.loc - p.loc)
        return half_term1 + 0.5 * (term2 + term3 - n)

    @register_kl(Independent, Independent)
    def _independent_independent(p, q):
        if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
            raise NotImplementedError
        return _sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)


_register_all()
