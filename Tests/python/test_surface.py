"""The everyday surface's errors, as torch raises them (the values are checked
against torch in test_reference.py, real_functions.json and declared_unary.json,
and in test_autograd_programs.py, surface_programs.json)."""

import pytest

import cajal as torch


def test_real_functions_refuse_what_torch_refuses():
    ints = torch.tensor([1, 2])
    with pytest.raises(NotImplementedError, match=r"\[hypot\] \"hypot_cpu\" not implemented for 'Long'"):
        torch.hypot(ints, ints)
    with pytest.raises(NotImplementedError, match=r"\[logaddexp\] \"logaddexp_cpu\" not implemented for 'Bool'"):
        torch.logaddexp(ints > 1, ints > 0)
    with pytest.raises(NotImplementedError, match=r"\"frac_cpu\" not implemented for 'Long'"):
        ints.frac()
    with pytest.raises(TypeError):
        torch.atan2(torch.ones(2), 2.0)  # torch takes tensors only
    with pytest.raises(RuntimeError, match="size"):
        torch.atan2(torch.ones(2), torch.ones(3))
    assert torch.atan2(ints, ints).dtype is torch.float32  # integers compute in the default float dtype
    assert torch.float_power(ints, 2).dtype is torch.float64
    assert torch.xlogy(0.0 * torch.ones(1), torch.zeros(1)).tolist() == [0.0]


def test_digamma_and_lgamma_poles():
    x = torch.tensor([0.0, -0.0, -1.0, -2.5, 1.0], dtype=torch.float64)
    psi = x.digamma().tolist()
    assert psi[0] == float("-inf") and psi[1] == float("inf") and psi[2] != psi[2]  # -inf, +inf, NaN
    assert abs(psi[4] + 0.5772156649015329) < 1e-15  # psi(1) = -Euler's gamma
    assert x.lgamma().tolist()[:3] == [float("inf")] * 3
    assert torch.tensor([1.0, -1.0, 2.0]).erfinv().tolist()[:2] == [float("inf"), float("-inf")]
    x = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(x.digamma().sum(), x, create_graph=True)
    # torch.polygamma(1, 2.0) in float64, bit for bit: its series (and cajal's) is within 4e-10 of pi^2 / 6 - 1.
    assert first.item() == 0.6449340670881899
    with pytest.raises(NotImplementedError, match=r"\[polygamma\] the derivative of polygamma\(1, x\)"):
        first.backward()


def test_compositions_refuse_bad_arguments():
    m = torch.ones(2, 3)
    with pytest.raises(RuntimeError, match="trace: expected a matrix"):
        torch.trace(torch.ones(2))
    with pytest.raises(RuntimeError, match="must be batches of square matrices"):
        torch.matrix_power(m, 2)
    with pytest.raises(TypeError, match="argument 'n' must be int"):
        torch.matrix_power(torch.eye(2), 1.5)
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        torch.tensordot(m, m, dims=1)
    with pytest.raises(RuntimeError, match="tensordot expects dims >= 0"):
        torch.tensordot(m, m, dims=-1)
    with pytest.raises(RuntimeError, match="no dimension of size 3"):
        torch.cross(torch.ones(2, 2), torch.ones(2, 2))
    with pytest.raises(RuntimeError, match="dimension -1 must have length 3"):
        torch.linalg.cross(torch.ones(3, 2), torch.ones(3, 2))
    with pytest.raises(RuntimeError, match="cdist only supports at least 2D tensors"):
        torch.cdist(torch.ones(3), torch.ones(3))
    with pytest.raises(RuntimeError, match="same number of columns"):
        torch.cdist(m, torch.ones(2, 4))
    with pytest.raises(RuntimeError, match="expected rotation dims to be different"):
        torch.rot90(m, 1, (1, 1))
    with pytest.raises(RuntimeError, match="diff expects input to be at least one-dimensional"):
        torch.diff(torch.tensor(1.0))
    with pytest.raises(RuntimeError, match="Input tensors must have 2 or fewer dimensions"):
        torch.block_diag(torch.ones(1, 1, 1))
    with pytest.raises(ValueError, match="indexing must be one of"):
        torch.meshgrid(torch.ones(2), indexing="ab")
    with pytest.raises(RuntimeError, match="Expect a 1D vector"):
        torch.combinations(m)
    with pytest.raises(RuntimeError, match="repeats can not be negative"):
        torch.repeat_interleave(torch.ones(2), torch.tensor([1, -1]))
    with pytest.raises(RuntimeError, match="repeats must have the same size as input along dim"):
        torch.repeat_interleave(torch.ones(2), torch.tensor([1, 2, 3]))
    with pytest.raises(RuntimeError, match="must be non-negative"):
        torch.tril_indices(-1, 2)
    with pytest.raises(RuntimeError, match="Shape mismatch"):
        torch.broadcast_shapes((2, 3), (4,))
    with pytest.raises(TypeError, match="finfo\\(\\) requires a floating point input type"):
        torch.finfo(torch.int64)
    with pytest.raises(TypeError, match="where\\(\\) takes a condition and both"):
        torch.where(m > 0, m)
    with pytest.raises(IndexError):
        torch.take(m, torch.tensor([6]))


def test_distributions_refuse_what_torch_refuses():
    D = torch.distributions
    with pytest.raises(ValueError, match=r"Expected parameter scale .* to satisfy the constraint GreaterThan"):
        D.Normal(torch.zeros(2), torch.tensor([1.0, -1.0]))
    assert D.Normal(torch.zeros(2), torch.tensor([1.0, -1.0]), validate_args=False).scale.tolist() == [1.0, -1.0]
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
        D.Categorical()
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified"):
        D.Bernoulli(probs=torch.ones(1) * 0.5, logits=torch.zeros(1))
    with pytest.raises(ValueError, match="to be within the support"):
        D.Bernoulli(probs=torch.tensor([0.3])).log_prob(torch.tensor([0.5]))
    with pytest.raises(ValueError, match="Expected parameter low"):
        D.Uniform(torch.ones(1), torch.zeros(1))
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p type Normal and q type Gamma"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Gamma(1.0, 1.0))
    concentration = torch.tensor([2.0, 3.0], requires_grad=True)
    sample = D.Gamma(concentration, 1.0).rsample()
    with pytest.raises(NotImplementedError, match="reparameterised gamma"):
        sample.sum().backward()
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch._standard_gamma(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix or precision_matrix or scale_tril"):
        D.MultivariateNormal(torch.zeros(2))
    with pytest.raises(RuntimeError, match="not positive-definite"):
        D.MultivariateNormal(torch.zeros(2), covariance_matrix=-torch.eye(2))
    # Normal's rsample is reparameterised: d/dloc = 1, d/dscale = the noise.
    loc = torch.zeros(3, requires_grad=True)
    scale = torch.ones(3, requires_grad=True)
    torch.manual_seed(0)
    draw = D.Normal(loc, scale).rsample()
    draw.sum().backward()
    assert loc.grad.tolist() == [1.0] * 3 and scale.grad.tolist() == draw.detach().tolist()


def test_reductions_refuse_what_torch_refuses():
    x = torch.ones(2, 3)
    with pytest.raises(RuntimeError, match="kthvalue\\(\\): selected number k out of range"):
        x.kthvalue(4, 1)
    with pytest.raises(RuntimeError, match="q values must be in the range \\[0, 1\\]"):
        x.quantile(1.5)
    with pytest.raises(ValueError, match="interpolation must be one of"):
        x.quantile(0.5, interpolation="cubic")
    with pytest.raises(RuntimeError, match="quantile\\(\\) input tensor must be either float or double"):
        torch.tensor([1, 2]).quantile(0.5)
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs"):
        torch.bincount(torch.tensor([1, -1]))
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs"):
        torch.bincount(torch.tensor([1.0]))
    with pytest.raises(RuntimeError, match="bins must be > 0"):
        torch.histc(x, bins=0)
    with pytest.raises(RuntimeError, match="max must be larger than min"):
        torch.histc(x, bins=3, min=2, max=1)
    with pytest.raises(RuntimeError, match="nanmean\\(\\): expected input to have floating point"):
        torch.nanmean(torch.tensor([1, 2]))
    with pytest.raises(IndexError, match="Expected reduction dim 1 to have non-zero size"):
        torch.ones(2, 0).median(1)
    assert torch.bincount(torch.tensor([], dtype=torch.int64), minlength=3).tolist() == [0, 0, 0]
    assert torch.unique(torch.tensor([], dtype=torch.int64)).tolist() == []


def test_default_dtype_refuses_integers_and_is_restored():
    with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
        torch.set_default_dtype(torch.int64)
    assert torch.get_default_dtype() is torch.float32
    torch.set_default_dtype(torch.float64)
    try:
        assert (torch.ones(1) + 0.5).dtype is torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.ones(1).dtype is torch.float32
    with pytest.raises(RuntimeError, match="expected source to have at least as many elements"):
        torch.zeros(3).masked_scatter(torch.ones(3, dtype=torch.bool), torch.ones(2))


def test_decompositions_refuse_what_torch_refuses():
    with pytest.raises(RuntimeError, match=r"linalg.cholesky: The factorization could not be completed because the input "
                                           r"is not positive-definite \(the leading minor of order 2 is not positive-definite\)"):
        torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(RuntimeError, match=r"\(Batch element 1\): The factorization could not be completed"):
        torch.linalg.cholesky(torch.stack([torch.eye(2), -torch.eye(2)]))
    with pytest.raises(RuntimeError, match="A must be batches of square matrices"):
        torch.linalg.eigh(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match="Expected UPLO argument to be 'L' or 'U'"):
        torch.linalg.eigh(torch.eye(2), UPLO="X")
    with pytest.raises(RuntimeError, match="Incompatible shapes of A and B"):
        torch.linalg.solve_triangular(torch.eye(3), torch.ones(2, 1), upper=True)
    with pytest.raises(RuntimeError, match="the triangular matrix is singular"):
        torch.linalg.solve_triangular(torch.zeros(2, 2), torch.ones(2, 1), upper=True)
    with pytest.raises(NotImplementedError, match="Expected a floating point tensor"):
        torch.linalg.eigvalsh(torch.eye(2, dtype=torch.int64))


def test_searchsorted_refuses_what_torch_refuses():
    with pytest.raises(RuntimeError, match="side can only be 'left' or 'right'"):
        torch.searchsorted(torch.tensor([1, 2]), torch.tensor([1]), side="middle")
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites"):
        torch.searchsorted(torch.tensor([1, 2]), torch.tensor([1]), side="left", right=True)
    with pytest.raises(RuntimeError, match="first N-1 dimensions of boundaries tensor and input value tensor must match"):
        torch.searchsorted(torch.ones(2, 3), torch.ones(3, 1))
    with pytest.raises(RuntimeError, match="boundaries tensor must be 1 dimension"):
        torch.bucketize(torch.ones(2), torch.ones(2, 2))
    assert torch.searchsorted(torch.tensor([1, 2]), torch.tensor([2]), out_int32=True).dtype is torch.int32


def test_svd_gradients_need_the_reduced_form():
    a = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    u, s, vh = torch.linalg.svd(a)  # full_matrices=True: U is 4 x 4
    assert u.shape == (4, 4) and vh.shape == (3, 3)
    s.sum().backward()  # through S alone it works, as in torch
    with pytest.raises(NotImplementedError, match="full_matrices=True\\) is not supported"):
        u.sum().backward()
    with pytest.raises(RuntimeError, match="must have at least 2 dimensions"):
        torch.linalg.svd(torch.ones(3))
    assert torch.linalg.svd(torch.ones(0, 3)).Vh.tolist() == torch.eye(3).tolist()


def test_qr_lstsq_and_as_strided_refuse_what_torch_refuses():
    with pytest.raises(RuntimeError, match="unrecognized mode 'full'"):
        torch.linalg.qr(torch.eye(2), mode="full")
    with pytest.raises(RuntimeError, match="must have at least 2 dimensions"):
        torch.linalg.qr(torch.ones(3))
    with pytest.raises(NotImplementedError, match="Expected a floating point tensor"):
        torch.linalg.qr(torch.eye(2, dtype=torch.int64))
    a = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="not computed when mode='r'"):
        torch.linalg.qr(a, mode="r").R.sum().backward()
    with pytest.raises(NotImplementedError, match="mode='complete' and nrows > ncols"):
        torch.linalg.qr(a, mode="complete").Q.sum().backward()
    with pytest.raises(RuntimeError, match="input.size\\(-2\\) should match other.size\\(-2\\)"):
        torch.linalg.lstsq(torch.ones(4, 2), torch.ones(3, 1))
    with pytest.raises(RuntimeError, match="parameter `driver` should be one of"):
        torch.linalg.lstsq(torch.ones(4, 2), torch.ones(4, 1), driver="fast")
    with pytest.raises(RuntimeError, match="rank-deficient"):
        torch.linalg.lstsq(torch.ones(4, 2), torch.ones(4, 1))
    x = torch.arange(6.0)
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 24"):
        x.as_strided((3, 3), (2, 1))
    with pytest.raises(RuntimeError, match="Negative strides"):
        torch.as_strided(x, (2,), (-1,))
    with pytest.raises(RuntimeError, match="mismatch in length of strides and shape"):
        x.as_strided((2, 2), (1,))
    with pytest.raises(ValueError, match="too large"):
        x.as_strided((2, 2), (1 << 62, 1))
    assert x[2:].as_strided((2,), (1,)).tolist() == [2.0, 3.0]  # from the view's own offset, as torch's
    assert x.as_strided((2,), (1,), 4).tolist() == [4.0, 5.0]
    with pytest.raises(IndexError, match="out of range"):
        torch.unique(torch.ones(2, 2), dim=2)


def test_eig_is_forward_only_and_refuses_what_torch_refuses():
    a = torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64, requires_grad=True)
    values, vectors = torch.linalg.eig(a)  # a rotation: eigenvalues ±i
    assert sorted(v.imag for v in values.tolist()) == [-1.0, 1.0] and values.dtype is torch.complex128
    with pytest.raises(NotImplementedError, match="gradient of linalg.eig is not supported"):
        values.abs().sum().backward()
    with pytest.raises(RuntimeError, match="square matrices"):
        torch.linalg.eigvals(torch.ones(2, 3))
    with pytest.raises(NotImplementedError, match="Expected a floating point tensor"):
        torch.linalg.eig(torch.eye(2, dtype=torch.int64))


def test_eig_refuses_nan_and_inf_as_torch_does():
    """LAPACK's geev balancing loops forever on a NaN (found by the C fuzzer); torch refuses them first."""
    for bad in (float("nan"), float("inf")):
        with pytest.raises(RuntimeError, match="should not contain infs or NaNs"):
            torch.linalg.eigvals(torch.tensor([[1.0, bad], [0.0, 2.0]]))


def test_svd_refuses_nan_and_inf_as_torch_does():
    """LAPACK's gesdd can loop forever on a NaN (found by the C fuzzer); torch refuses non-finite input
    with this message, and eigh (which does not loop) returns NaNs as torch's does."""
    for bad in (float("nan"), float("inf")):
        a = torch.tensor([[1.0, bad], [0.0, 2.0]])
        for svd in (torch.linalg.svd, torch.linalg.svdvals):
            with pytest.raises(RuntimeError, match="failed to converge because the input matrix contained non-finite"):
                svd(a)
    assert torch.linalg.eigh(torch.tensor([[float("nan"), 1.0], [1.0, 2.0]])).eigenvectors.isnan().all()


def test_a_huge_batch_of_empty_matrices_is_done_at_once():
    """2^31 x 7 matrices of size 0 x 0 hold no work; looping over them took hours (found by the C fuzzer)."""
    empty = torch.empty(0, 0).expand(2147483647, 7, 0, 0)
    assert torch.linalg.eigvalsh(empty).shape == (2147483647, 7, 0)
    assert torch.linalg.eigh(empty).eigenvectors.shape == (2147483647, 7, 0, 0)
    assert torch.linalg.eigvals(empty).shape == (2147483647, 7, 0)


def test_adaptive_max_pool_refuses_output_sizes_whose_product_overflows():
    """An output plane of (2^31 - 1) x 2^51 overflowed Int and trapped (found by the Python fuzzer)."""
    with pytest.raises(ValueError, match="too large"):
        torch.nn.functional.adaptive_max_pool3d(torch.ones(1, 2, 3, 4), (2147483648, 2147483647, 2251799813685248))


def test_triangle_indices_of_huge_matrices_refuse_or_skip_at_once():
    """tril_indices(2^51, 1) looped over every row in Python (found by the fuzzer): now the result is
    reserved first, and rows that hold no entries are never visited."""
    with pytest.raises(torch.OutOfMemoryError, match="tril_indices"):
        torch.tril_indices(2 ** 51, 1)
    assert torch.triu_indices(2 ** 40, 5, 100).shape == (2, 0)
    assert torch.tril_indices(2 ** 40, 5, -(2 ** 41)).shape == (2, 0)
    assert torch.tril_indices(4, 3, -1).tolist() == [[1, 2, 2, 3, 3, 3], [0, 0, 1, 0, 1, 2]]  # torch's


def test_gamma_samplers_end_on_bad_concentrations():
    """torch's Marsaglia-Tsang loop never accepts for a negative or NaN concentration (found by the C
    fuzzer); cajal's ends, at the dtype's smallest normal number as torch clamps its samples."""
    samples = torch._standard_gamma(torch.tensor([-1.0, float("nan"), 0.0, 2.0]))
    assert samples.shape == (4,) and samples[3].item() > 0
    rows = torch._sample_dirichlet(torch.tensor([[-1.0, 1.0], [float("nan"), 2.0]], dtype=torch.float64))
    assert rows.shape == (2, 2)
    # A generator whose state is all zeros draws 0 forever: the rejection loop gives up (found by the C fuzzer).
    stuck = torch.Generator().set_state(torch.zeros(628, dtype=torch.int64))
    assert torch._standard_gamma(torch.tensor([2.0, 0.5]), generator=stuck).shape == (2,)
