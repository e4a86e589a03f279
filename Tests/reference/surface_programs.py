"""torch's everyday tensor surface, written once against a `torch` module:
generate.py runs these programs with real PyTorch
(fixtures/python/surface_programs.json) and Tests/python/test_autograd_programs.py
runs the same text with cajal. Each program takes (torch, inputs) and returns
its results and the gradients of a weighted sum of them, so forward and
backward are both torch's. Inputs are float64 unless a program converts.
"""


def _grads(torch, outputs, inputs):
    """Gradients of sum_k <outputs[k], w_k> for fixed weights w_k (a cosine
    pattern: no random numbers, so both libraries see the same)."""
    total = None
    for out in outputs:
        if not out.requires_grad:
            continue
        weights = (torch.arange(out.numel(), dtype=out.dtype).reshape(out.shape) * 0.37).cos()
        term = (out * weights).sum()
        total = term if total is None else total + term
    grads = torch.autograd.grad(total, inputs, allow_unused=True)
    return [g if g is not None else torch.zeros_like(x) for g, x in zip(grads, inputs)]


def _program(body):
    def program(torch, inputs):
        xs = [x.detach().clone().requires_grad_(True) for x in inputs]
        results = body(torch, *xs)
        tensors = [r for r in results.values() if r.is_floating_point()]
        out = {key: value.detach() for key, value in results.items()}
        out["grads"] = _grads(torch, [r for r in results.values() if r.is_floating_point() and r.requires_grad], xs) \
            if any(r.requires_grad for r in tensors) else [torch.zeros_like(x) for x in xs]
        return out

    return program


def linear_algebra(torch, m, v, b, c):
    a = m[:3, :3]
    rows = torch.cat([m.reshape(-1, 2), c.reshape(-1, 2), b.reshape(-1, 2)])  # 32 points in the plane
    return {
        "trace": torch.trace(m),
        "addmm": torch.addmm(c[:, :4], m, m.t(), beta=0.5, alpha=2.0),
        "addmm_default": c[:, :4].addmm(m, m.t()),
        "addmv": torch.addmv(v[:4], m, v, beta=2, alpha=0.25),
        "baddbmm": torch.baddbmm(b[:, 2:, :], b[:, :2, :], b[:, 2:, :], alpha=0.5),
        "addbmm": torch.addbmm(c[:2, :2], b.transpose(1, 2), b),
        "matrix_power_3": torch.matrix_power(a, 3),
        "matrix_power_5": torch.linalg.matrix_power(a, 5),
        "matrix_power_0": torch.matrix_power(a, 0),
        "matrix_power_-2": torch.linalg.matrix_power(a + 3 * torch.eye(3, dtype=a.dtype), -2),
        "chain_matmul": torch.chain_matmul(m, m.t(), m),
        "multi_dot": torch.linalg.multi_dot([v[:4], m, m.t(), v[:4]]),
        "kron": torch.kron(a, m[:2, :2]),
        "kron_mixed_rank": torch.kron(v[:3], a),
        "tensordot_2": torch.tensordot(b, b, dims=([1, 2], [1, 2])),
        "tensordot_int": torch.tensordot(m, m.t(), dims=1),
        "cross": torch.cross(m[:, :3], c[:, :3], dim=1),
        "linalg_cross": torch.linalg.cross(m[:, :3], c[:1, 2:]),
        "cdist_small": torch.cdist(m, c),
        "cdist_p1": torch.cdist(m, c, p=1),
        "cdist_large": torch.cdist(rows, rows[:7] * 0.5),
    }


def elementwise(torch, x, y, w):
    probabilities = x.sigmoid()
    return {
        "addcmul": torch.addcmul(x, y, w, value=0.5),
        "addcdiv": x.addcdiv(y, w.exp(), value=-2),
        "lerp_scalar": torch.lerp(x, y, 0.3),
        "lerp_tensor": x.lerp(y, w.sigmoid()),
        "lerp_far": torch.lerp(x, y, 0.8),
        "logit": torch.logit(probabilities),
        "logit_eps": probabilities.logit(eps=0.3),
        # Made from x outside the graph: the infinities' own gradients would be NaN in both libraries.
        "nan_to_num": torch.nan_to_num(torch.where(x > 1, x / 0.0, torch.where(x < -1, -x / 0.0, x)).detach(),
                                       posinf=9.0) * y,
        "nan_to_num_nan": torch.nan_to_num((x - x.abs()).sqrt().detach(), nan=-1.5) * y,
    }


def shapes(torch, x, v, t):
    grids = torch.meshgrid(v[:3], v[:2], indexing="ij")
    xy = torch.meshgrid(v[:3], v[:2], indexing="xy")
    return {
        "rot90_1": torch.rot90(x, 1, (0, 1)),
        "rot90_3": x.rot90(3, [1, 0]),
        "rot90_-2": torch.rot90(t, -2, (1, 2)),
        "diff": torch.diff(x),
        "diff_2_dim0": torch.diff(x, n=2, dim=0),
        "diff_prepend": torch.diff(v, prepend=v[:2], append=v[-1:]),
        "block_diag": torch.block_diag(x, v[:2], v[0], t[0]),
        "meshgrid_ij_0": grids[0], "meshgrid_ij_1": grids[1],
        "meshgrid_xy_0": xy[0], "meshgrid_xy_1": xy[1],
        "cartesian_prod": torch.cartesian_prod(v[:2], v[2:5], v[:2]),
        "combinations": torch.combinations(v[:4]),
        "combinations_3_replace": torch.combinations(v[:3], r=3, with_replacement=True),
        "take": torch.take(x, torch.tensor([[0, 5], [11, 3]])),
        "take_along_dim": torch.take_along_dim(x, x.argsort(dim=1), dim=1),
        "take_along_dim_flat": torch.take_along_dim(x, torch.tensor([2, 7, 7])),
        "take_along_broadcast": torch.take_along_dim(t, torch.tensor([[[1], [0], [1]]]), dim=2),
        "repeat_interleave_int": torch.repeat_interleave(x, 2, dim=0),
        "repeat_interleave_flat": x.repeat_interleave(3),
        "repeat_interleave_counts": torch.repeat_interleave(v[:3], torch.tensor([2, 0, 3])),
        "diag_embed": torch.diag_embed(x),
        "diag_embed_offset": torch.diag_embed(x[:2], offset=-1, dim1=0, dim2=2),
        "diag_embed_batched": x[:2, :3].diag_embed(offset=2),
        "masked_scatter": x.masked_scatter(x > 0, t.reshape(-1) * 3),
        "masked_scatter_inplace": (x * 1).masked_scatter_(v[:4] < 0, -x.reshape(-1)),
        "lerp_inplace": (x * 1).lerp_(x.flip(0), 0.25),
        "addcmul_inplace": (x * 1).addcmul_(x, x, value=0.5),
    }


def indices(torch):
    """Programs without inputs: index builders and predicates."""
    v = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])
    return {
        "tril_indices": torch.tril_indices(4, 3),
        "tril_indices_offset": torch.tril_indices(3, 5, offset=1),
        "triu_indices": torch.triu_indices(4, 4, offset=-1),
        "triu_indices_empty": torch.triu_indices(2, 2, offset=3),
        "isin": torch.isin(v, torch.tensor([1, 9, 7])),
        "isin_invert": torch.isin(v.reshape(2, 4), torch.tensor([4, 2]), invert=True),
        "where_one": torch.stack(torch.where(v.reshape(2, 4) > 3)),
        "repeat_interleave_indices": torch.repeat_interleave(torch.tensor([1, 3, 0, 2])),
        "combinations_int": torch.combinations(torch.tensor([7, 8, 9])),
        "rot90_int": torch.rot90(v.reshape(2, 4)),
        "diff_bool": torch.diff(v > 3),
        "nan_to_num_int": torch.nan_to_num(v),
        "promote": torch.tensor([float(torch.promote_types(torch.int64, torch.float32) == torch.float32),
                                 float(torch.promote_types(torch.bool, torch.int64) == torch.int64)]),
        "finfo": torch.tensor([torch.finfo(torch.float32).eps, torch.finfo(torch.float64).max,
                               torch.finfo(torch.float32).tiny, float(torch.iinfo(torch.int64).max)],
                              dtype=torch.float64),
        "broadcast_shapes": torch.tensor(list(torch.broadcast_shapes((3, 1), (1, 4), (4,)))),
        "range_index": torch.arange(12).reshape(3, 4)[range(0, 3, 2), [1, 3]],
        "masked_scatter": torch.arange(12).reshape(3, 4).masked_scatter(torch.arange(4) % 3 == 0, -torch.arange(9)),
        "default_dtype": _default_dtype_effects(torch),
        "searchsorted": torch.searchsorted(torch.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]]),
                                           torch.tensor([[3, 6, 9], [3, 6, 11]])),
        "searchsorted_right": torch.searchsorted(torch.tensor([1.0, 2.5, 2.5, 4.0]), torch.tensor([[2.5, 0.0], [5.0, 3.0]]),
                                                 right=True),
        "searchsorted_side": torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([3, 5]), side="right"),
        "searchsorted_sorter": torch.searchsorted(torch.tensor([5, 1, 3]), torch.tensor([2, 4]),
                                                  sorter=torch.tensor([1, 2, 0])),
        "searchsorted_scalar": torch.searchsorted(torch.tensor([1, 3, 5, 7]), 4).reshape(1),
        "bucketize": torch.bucketize(torch.tensor([[1, 5], [9, 10]]), torch.tensor([1, 5, 9])),
        "bucketize_right": torch.bucketize(torch.tensor([[1, 5], [9, 10]]), torch.tensor([1, 5, 9]), right=True),
    }


def _default_dtype_effects(torch):
    """What set_default_dtype(float64) changes (as 1 for float64, 0 otherwise), restored after."""
    torch.set_default_dtype(torch.float64)
    try:
        made = [torch.tensor([1.5]), torch.zeros(2), torch.rand(2), torch.arange(0.0, 1.0), torch.tensor([1, 2]) / 2,
                torch.tensor([1, 4]).sqrt(), torch.full((1,), 2.5), torch.linspace(0, 1, 3), torch.nn.Linear(2, 3).weight,
                torch.tensor([1.5]).float(), torch.ones(1, dtype=torch.float32) * 2.5]
        flags = [float(t.dtype == torch.float64) for t in made] + [float(torch.get_default_dtype() == torch.float64)]
    finally:
        torch.set_default_dtype(torch.float32)
    return torch.tensor(flags + [float(torch.get_default_dtype() == torch.float32)])


def distributions(torch, loc, raw_scale, logits, raw_concentration, values):
    """torch.distributions: statistics, log_prob, entropy, kl_divergence and
    their gradients, and samples drawn after fixed seeds."""
    D = torch.distributions
    scale = raw_scale.exp()
    concentration = raw_concentration.exp() + 0.2
    probs = logits.softmax(-1)
    normal, other_normal = D.Normal(loc, scale), D.Normal(loc * 0.5, scale + 1)
    bernoulli, other_bernoulli = D.Bernoulli(logits=logits), D.Bernoulli(probs=probs)
    categorical, other_categorical = D.Categorical(logits=logits), D.Categorical(probs=probs.flip(-1))
    onehot = D.OneHotCategorical(probs=probs)
    uniform, wide = D.Uniform(loc - 3, loc + scale + 3), D.Uniform(loc - 4, loc + scale + 5)
    gamma, other_gamma = D.Gamma(concentration, scale), D.Gamma(concentration + 1, scale * 2)
    beta, other_beta = D.Beta(concentration, scale + 0.5), D.Beta(scale + 0.3, concentration)
    dirichlet, other_dirichlet = D.Dirichlet(concentration), D.Dirichlet(concentration.flip(-1) + 0.5)
    independent = D.Independent(D.Normal(loc, scale), 1)
    unit = values.sigmoid() * 0.98 + 0.01
    out = {
        "normal_log_prob": normal.log_prob(values), "normal_entropy": normal.entropy(),
        "normal_cdf": normal.cdf(values), "normal_icdf": normal.icdf(unit), "normal_stats": torch.stack([normal.mean, normal.variance, normal.stddev]),
        "normal_kl": D.kl_divergence(normal, other_normal),
        "bernoulli_log_prob": bernoulli.log_prob((values > 0).to(values.dtype)), "bernoulli_entropy": bernoulli.entropy(),
        "bernoulli_stats": torch.stack([bernoulli.mean, bernoulli.variance]), "bernoulli_kl": D.kl_divergence(bernoulli, other_bernoulli),
        "categorical_log_prob": categorical.log_prob(torch.tensor([0, 3, 1])), "categorical_entropy": categorical.entropy(),
        "categorical_kl": D.kl_divergence(categorical, other_categorical), "categorical_mode": categorical.mode,
        "onehot_log_prob": onehot.log_prob(torch.eye(4, dtype=values.dtype)[[2, 0, 3]]), "onehot_entropy": onehot.entropy(),
        "uniform_log_prob": uniform.log_prob(values), "uniform_entropy": uniform.entropy(), "uniform_cdf": uniform.cdf(values),
        "uniform_kl": D.kl_divergence(uniform, wide),
        "gamma_log_prob": gamma.log_prob(unit * 3), "gamma_entropy": gamma.entropy(),
        "gamma_stats": torch.stack([gamma.mean, gamma.variance, gamma.mode]), "gamma_kl": D.kl_divergence(gamma, other_gamma),
        "beta_log_prob": beta.log_prob(unit), "beta_entropy": beta.entropy(), "beta_stats": torch.stack([beta.mean, beta.variance]),
        "beta_kl": D.kl_divergence(beta, other_beta),
        "dirichlet_log_prob": dirichlet.log_prob(probs), "dirichlet_entropy": dirichlet.entropy(),
        "dirichlet_stats": torch.stack([dirichlet.mean, dirichlet.variance]), "dirichlet_kl": D.kl_divergence(dirichlet, other_dirichlet),
        "independent_log_prob": independent.log_prob(values), "independent_entropy": independent.entropy(),
        "independent_kl": D.kl_divergence(independent, D.Independent(other_normal, 1)),
    }
    covariance = raw_scale[:, :3].T @ raw_scale[:, :3] + torch.eye(3, dtype=loc.dtype)
    mvn = D.MultivariateNormal(loc[:, :3], covariance_matrix=covariance)
    mvn_tril = D.MultivariateNormal(loc[0, :3], scale_tril=torch.linalg.cholesky(covariance) * 0.5)
    mvn_precision = D.MultivariateNormal(loc[1, :3], precision_matrix=covariance)
    out.update({
        "mvn_log_prob": mvn.log_prob(values[:, :3]), "mvn_entropy": mvn.entropy(), "mvn_variance": mvn.variance,
        "mvn_tril_log_prob": mvn_tril.log_prob(values[:, 1:]), "mvn_precision_log_prob": mvn_precision.log_prob(values[0, :3]),
        "mvn_precision_covariance": mvn_precision.covariance_matrix, "mvn_kl": D.kl_divergence(mvn, mvn_tril),
    })
    torch.manual_seed(4)
    out["mvn_rsample"] = mvn.rsample((2,))
    out["normal_rsample"] = normal.rsample((2,))
    out["normal_sample"] = normal.sample()
    out["uniform_rsample"] = uniform.rsample((3,))
    torch.manual_seed(5)
    out["bernoulli_sample"] = bernoulli.sample((2,))
    out["categorical_sample"] = categorical.sample((5,))
    out["onehot_sample"] = onehot.sample((2,))
    torch.manual_seed(6)
    out["gamma_sample"] = gamma.sample((2,))
    out["dirichlet_sample"] = dirichlet.sample((3,))
    out["beta_sample"] = beta.sample()
    out["after"] = torch.rand(3)
    return out


def reductions(torch, x, y):
    """Reductions beyond sum and mean: NaN-aware ones, order statistics,
    quantiles, scans, unique and counting."""
    holes = torch.where(y > 1.2, y / 0.0 * 0.0, x)  # NaNs where y > 1.2, x elsewhere
    ties = (x * 2).round().detach()  # repeated values, for mode and unique (torch has no unique gradient)
    q = torch.tensor([0.1, 0.5, 0.75], dtype=x.dtype)
    low_high = torch.aminmax(x, dim=1)
    return {
        "nansum": torch.nansum(holes), "nansum_dim": holes.nansum(1), "nanmean_dim": torch.nanmean(holes, dim=0),
        "var_mean": torch.stack(torch.var_mean(x, dim=1)), "std_mean": torch.stack(torch.std_mean(x, dim=0, correction=0)),
        "aminmax_min": low_high.min, "aminmax_max": low_high.max, "aminmax_all": torch.stack(list(torch.aminmax(x))),
        "cummax": torch.cummax(ties, 1).values, "cummax_indices": torch.cummax(ties, 1).indices,
        "cummin": x.cummin(0).values, "cummin_indices": x.cummin(0).indices,
        "logcumsumexp": torch.logcumsumexp(x * 30, dim=1),
        "median_all": x.median(), "median_dim": x.median(1).values, "median_indices": x.median(1).indices,
        "median_nan_rows": holes.median(0).values,
        "nanmedian_dim": holes.nanmedian(1).values, "nanmedian_all": holes.nanmedian(),
        "kthvalue": torch.kthvalue(x, 3, 1).values, "kthvalue_indices": x.kthvalue(2, 0, keepdim=True).indices,
        "quantile": torch.quantile(x, q, dim=1), "quantile_scalar": x.quantile(0.3),
        "quantile_keepdim": torch.quantile(x, q, dim=0, keepdim=True),
        "quantile_lower": torch.quantile(x, 0.4, dim=1, interpolation="lower"),
        "quantile_higher": torch.quantile(x, 0.4, dim=1, interpolation="higher"),
        "quantile_midpoint": torch.quantile(x, 0.4, dim=1, interpolation="midpoint"),
        "quantile_nearest": torch.quantile(x, q, dim=1, interpolation="nearest"),
        "nanquantile": torch.nanquantile(holes, q, dim=1),
        "mode": torch.mode(ties, 1).values, "mode_indices": torch.mode(ties, 1).indices,
        "unique": torch.unique(ties), "unique_inverse": torch.unique(ties, return_inverse=True)[1],
        "unique_counts": torch.unique(ties, return_counts=True)[1],
        "unique_consecutive": torch.unique_consecutive(ties.reshape(-1)),
        "unique_consecutive_counts": torch.unique_consecutive(ties.reshape(-1), return_counts=True)[1],
        "bincount": torch.bincount((ties.reshape(-1) + 4).long()),
        "bincount_weights": torch.bincount((ties.reshape(-1) + 4).long(), weights=x.reshape(-1).detach(), minlength=12),
        "histc": torch.histc(x.detach(), bins=5), "histc_range": torch.histc(x.detach().float(), bins=4, min=-1, max=1),
    }


def decompositions(torch, m, b):
    """cholesky, solve_triangular, eigh and eigvalsh with their gradients.
    Eigenvectors enter only through sign-free expressions (LAPACKs may pick
    either sign for each)."""
    spd = m @ m.transpose(-1, -2) + 4 * torch.eye(4, dtype=m.dtype)  # symmetric positive definite, batched
    lower = torch.linalg.cholesky(spd)
    values, vectors = torch.linalg.eigh(spd)
    weights = torch.arange(4, dtype=m.dtype)
    return {
        "cholesky": lower,
        "cholesky_upper": torch.linalg.cholesky(spd[0], upper=True),
        "solve_lower": torch.linalg.solve_triangular(lower, b, upper=False),
        "solve_upper_right": torch.linalg.solve_triangular(lower.transpose(-1, -2), b.transpose(-1, -2), upper=True,
                                                           left=False),
        "solve_unit": torch.linalg.solve_triangular(m[0].tril(), b[0], upper=False, unitriangular=True),
        "eigenvalues": values,
        "eigvalsh": torch.linalg.eigvalsh(spd, UPLO="U"),
        "projector": vectors @ torch.diag_embed(weights.expand(2, 4)) @ vectors.transpose(-1, -2),
        "squares": (vectors ** 2 * weights).sum(-1),
    }


def singular_values(torch, tall, wide):
    """svd, svdvals, pinv and matrix_rank with gradients; U and Vh enter only
    through sign-free products, as PCA uses them (projections, reconstructions)."""
    centered = tall - tall.mean(0)
    u, s, vh = torch.linalg.svd(centered, full_matrices=False)
    wu, ws, wvh = torch.linalg.svd(wide, full_matrices=False)
    weights = torch.arange(1, 5, dtype=tall.dtype)
    return {
        "singular_values": s, "svdvals_wide": torch.linalg.svdvals(wide),
        "projection": (u[:, :2] * s[:2]) @ (vh[:2] * weights[:3]),
        "components_squared": (vh ** 2 * weights[:3]).sum(-1),
        "u_squared": (u ** 2).sum(0) * s,
        "wide_reconstruction": (wu * ws) @ wvh,
        "wide_rows": (wvh ** 2 * weights).sum(0),
        "full_s": torch.linalg.svd(tall, full_matrices=True).S,
        "full_u_shape": torch.tensor(list(torch.linalg.svd(tall).U.shape)),
        "pinv": torch.linalg.pinv(tall),
        "rank": torch.linalg.matrix_rank(torch.cat([tall[:, :2], tall[:, :1] * 2], 1)).reshape(1),
    }


# name: (program, [(shape, domain)])
PROGRAMS = {
    "decompositions": (_program(decompositions), [((2, 4, 4), "any"), ((2, 4, 3), "any")]),
    "reductions": (_program(reductions), [((5, 7), "any"), ((5, 7), "any")]),
    "distributions": (_program(distributions), [((3, 4), "any"), ((3, 4), "any"), ((3, 4), "any"), ((3, 4), "any"),
                                                ((3, 4), "any")]),
    "linear_algebra": (_program(linear_algebra), [((4, 5), "any"), ((5,), "any"), ((3, 4, 2), "any"), ((4, 5), "any")]),
    "elementwise": (_program(elementwise), [((3, 4), "any"), ((3, 4), "any"), ((3, 4), "any")]),
    "shapes": (_program(shapes), [((3, 4), "any"), ((6,), "any"), ((2, 3, 2), "any")]),
    "indices": (lambda torch, inputs: indices(torch), []),
}
def determinants(torch, a):
    """slogdet (with the gradient of logabsdet) and cond."""
    sign, logabsdet = torch.linalg.slogdet(a)
    singular = torch.linalg.slogdet(torch.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=a.dtype))
    return {"sign": sign, "logabsdet": logabsdet, "singular": torch.stack(list(singular)),
            "cond": torch.linalg.cond(a), "cond_fro": torch.linalg.cond(a.detach(), "fro"), "cond_1": torch.linalg.cond(a.detach(), 1),  # torch: no gradient there
            "cond_-2": torch.linalg.cond(a, -2)}


# Added last: the generator draws every program's inputs from one RNG in this order.
PROGRAMS["singular_values"] = (_program(singular_values), [((6, 3), "any"), ((3, 4), "any")])
PROGRAMS["determinants"] = (_program(determinants), [((3, 4, 4), "any")])


def factorizations(torch, tall, wide, rhs, square):
    """QR in its three modes (sign-free forms: LAPACK may flip a column and
    its row of R together), lstsq for tall and wide systems with its drivers'
    extra outputs, as_strided windows (overlapping, so gradients add up) and
    unique over slices."""
    q, r = torch.linalg.qr(tall)
    signs = torch.sign(torch.diagonal(r, dim1=-2, dim2=-1))
    qc, rc = torch.linalg.qr(square, mode="complete")
    wq, wr = torch.linalg.qr(wide)
    solution = torch.linalg.lstsq(tall, rhs)
    wide_solution = torch.linalg.lstsq(wide, rhs[0, :3, :])
    gelsd = torch.linalg.lstsq(tall.detach(), rhs.detach(), driver="gelsd")
    flat = square.reshape(-1)
    windows = torch.as_strided(flat, (5, 4), (2, 1), 1)
    labels = torch.tensor([[1, 0, 2], [0, 1, 1], [1, 0, 2], [0, 0, 0], [0, 1, 1]])
    values, inverse, counts = torch.unique(labels, dim=0, return_inverse=True, return_counts=True)
    columns = torch.unique(labels, dim=1)
    runs, run_inverse, run_counts = torch.unique_consecutive(labels, dim=0, return_inverse=True, return_counts=True)
    return {
        "q_signed": q * signs.unsqueeze(-2), "r_signed": r * signs.unsqueeze(-1), "qr_product": q @ r,
        "r_only": torch.linalg.qr(tall.detach(), mode="r")[1].abs(),
        "complete_product": qc @ rc, "complete_r_abs": rc.abs(), "complete_q_gram": qc.transpose(-2, -1) @ qc,
        "wide_product": wq @ wr, "wide_r_abs": wr.abs(),
        "lstsq": solution.solution, "lstsq_rank": solution.rank, "lstsq_wide": wide_solution.solution,
        "lstsq_vector_rhs": torch.linalg.lstsq(tall[0], rhs[0, :, :1]).solution,
        "gelsd_residuals": gelsd.residuals, "gelsd_singular_values": gelsd.singular_values,
        "as_strided": windows * 1.0, "as_strided_squared": (torch.as_strided(square, (3, 3), (5, 1)) ** 2),
        "unique_dim0": values, "unique_inverse": inverse, "unique_counts": counts, "unique_dim1": columns,
        "consecutive": runs, "consecutive_inverse": run_inverse, "consecutive_counts": run_counts,
    }


PROGRAMS["factorizations"] = (_program(factorizations), [((2, 6, 3), "any"), ((3, 5), "any"), ((2, 6, 2), "any"),
                                                          ((4, 4), "any")])


def spectra(torch, signal):
    """torch.fft's sample frequencies and centring shifts (the transforms need complex tensors)."""
    return {
        "fftfreq_odd": torch.fft.fftfreq(7), "fftfreq_even": torch.fft.fftfreq(8, d=0.004),
        "fftfreq_float64": torch.fft.fftfreq(250, 1 / 360, dtype=torch.float64),
        "rfftfreq": torch.fft.rfftfreq(9, d=0.1), "rfftfreq_ecg": torch.fft.rfftfreq(500, 1 / 250),
        "fftshift_all": torch.fft.fftshift(signal), "fftshift_dim": torch.fft.fftshift(signal, dim=1),
        "ifftshift_dims": torch.fft.ifftshift(signal * 2, dim=(0, 1)),
        "round_trip": torch.fft.ifftshift(torch.fft.fftshift(signal)),
    }


PROGRAMS["spectra"] = (_program(spectra), [((3, 5), "any")])


def fourier(torch, signal, image, spectrum_re, spectrum_im):
    """torch.fft's transforms with their norms, padding and gradients, and the
    complex arithmetic a spectrum goes through (each complex result compared
    as its view_as_real pairs)."""
    pairs = torch.view_as_real
    spectrum = torch.complex(spectrum_re, spectrum_im)
    power = torch.fft.rfft(signal).abs() ** 2
    return {
        "fft": pairs(torch.fft.fft(signal)), "fft_n_pad": pairs(torch.fft.fft(signal, n=12)),
        "fft_n_trim_ortho": pairs(torch.fft.fft(signal, n=6, norm="ortho")),
        "ifft_forward": pairs(torch.fft.ifft(spectrum, norm="forward")),
        "fft_dim0": pairs(torch.fft.fft(image, dim=0)),
        "rfft": pairs(torch.fft.rfft(signal)), "rfft_odd_n": pairs(torch.fft.rfft(signal, n=7)),
        "rfft_forward": pairs(torch.fft.rfft(image, dim=0, norm="forward")),
        "irfft": torch.fft.irfft(spectrum), "irfft_n_odd": torch.fft.irfft(spectrum, n=9),
        "irfft_ortho_n": torch.fft.irfft(spectrum, n=6, norm="ortho"),
        "round_trip": torch.fft.irfft(torch.fft.rfft(signal), n=signal.shape[-1]),
        "power": power, "log_power": torch.log(power + 1e-3),
        "phase": torch.fft.rfft(signal).angle(),
        "fft2": pairs(torch.fft.fft2(image)), "ifft2": pairs(torch.fft.ifft2(image)),
        "rfft2": pairs(torch.fft.rfft2(image)), "irfft2": torch.fft.irfft2(torch.fft.rfft2(image), s=image.shape),
        "fftn_dims": pairs(torch.fft.fftn(image, dim=(1,))),
        "complex_mul": pairs(spectrum * spectrum.conj() + spectrum * (2 - 1j)),
        "complex_div": pairs(spectrum / (spectrum + 3)), "complex_real_imag": spectrum.real * spectrum.imag,
        "complex_sum": pairs(spectrum.sum(-1)), "complex_mean": pairs(spectrum.mean()),
        "abs": spectrum.abs(), "neg": pairs(-spectrum),
    }


PROGRAMS["fourier"] = (_program(fourier), [((2, 8), "any"), ((4, 6), "any"), ((2, 5), "any"), ((2, 5), "any")])


def eigen(torch, general, symmetric):
    """linalg.eig and eigvals (forward only, as cajal has them): eigenvalues in
    a fixed order (by real part, conjugates by imaginary), the residual
    A V - V diag(L) and the unit norms of the vectors."""
    a = general.detach()
    values, vectors = torch.linalg.eig(a)
    order = (values.real + 1e-6 * values.imag).argsort()
    av = torch.complex(a @ vectors.real, a @ vectors.imag)
    sym = (symmetric + symmetric.mT).detach()
    sym_values = torch.linalg.eigvals(sym)
    return {
        "values": torch.stack([values.real[order], values.imag[order]]),
        "residual": (av - vectors * values.unsqueeze(-2)).abs().amax().reshape(1),
        "vector_norms": (vectors.abs() ** 2).sum(-2),
        "eigvals_match": (torch.linalg.eigvals(a).real.sort().values - values.real.sort().values).abs().amax().reshape(1),
        "symmetric": sym_values.real.sort().values, "symmetric_imag": sym_values.imag.abs().amax().reshape(1),
    }


PROGRAMS["eigen"] = (_program(eigen), [((5, 5), "any"), ((4, 4), "any")])


def spectral_norms(torch, a, batch):
    """The SVD-based matrix norms (2, -2, nuc) with their gradients, over two dims, batched and kept."""
    return {
        "two": torch.linalg.matrix_norm(a, 2), "minus_two": torch.linalg.matrix_norm(a, -2),
        "nuclear": torch.linalg.matrix_norm(a, "nuc"), "norm_nuc": torch.linalg.norm(a, "nuc"),
        "norm_two": torch.linalg.norm(a, 2), "batched": torch.linalg.matrix_norm(batch, 2),
        "dims_keep": torch.linalg.matrix_norm(batch, "nuc", dim=(0, 2), keepdim=True),
        "cond_2": torch.linalg.cond(a.detach()),
    }


PROGRAMS["spectral_norms"] = (_program(spectral_norms), [((4, 3), "any"), ((2, 3, 5), "any")])
