"""The rest of everyday torch.nn beyond its fixtures (fixtures/everyday.json
holds them to torch case by case): identities that tie the new ops to
independently tested ones, CTC against a brute-force sum over alignments,
gumbel_softmax's distribution, the modules' bookkeeping, and bad arguments,
which must raise an error naming the op and leave the process alive."""

import itertools
import math

import pytest

import cajal
import cajal.nn as nn
import cajal.nn.functional as F


def test_unfold_is_the_convolution_matrix():
    # conv2d(x, w) = w (O x C·kH·kW) @ unfold(x), reshaped to the output grid.
    cajal.manual_seed(0)
    x, w = cajal.randn(2, 3, 7, 6), cajal.randn(4, 3, 3, 2)
    columns = F.unfold(x, (3, 2), padding=1, stride=(2, 1))
    product = (w.reshape(4, -1) @ columns).reshape(2, 4, 4, 7)
    assert cajal.allclose(product, F.conv2d(x, w, padding=1, stride=(2, 1)), atol=1e-5)


def test_fold_is_the_adjoint_of_unfold_and_inverts_it_without_overlap():
    cajal.manual_seed(1)
    x = cajal.randn(2, 3, 6, 8, dtype=cajal.float64)
    y = cajal.randn(2, 3 * 4, 12, dtype=cajal.float64)
    # <unfold(x), y> = <x, fold(y)> for overlapping blocks (stride 1, padding 1).
    left = (F.unfold(x, 2, padding=1, stride=(2, 3)) * y).sum()
    right = (x * F.fold(y, (6, 8), 2, padding=1, stride=(2, 3))).sum()
    assert abs(left.item() - right.item()) < 1e-10
    # Blocks that tile the image: fold(unfold(x)) is x itself.
    assert cajal.equal(F.fold(F.unfold(x, 2, stride=2), (6, 8), 2, stride=2), x)
    # nn.Fold(nn.Unfold) of overlapping blocks counts each pixel once per block covering it.
    ones = cajal.ones(1, 1, 4, 4)
    counts = nn.Fold((4, 4), 3)(nn.Unfold(3)(ones))
    assert counts[0, 0].tolist() == [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]


def test_pixel_unshuffle_and_channel_shuffle_invert():
    x = cajal.arange(2 * 3 * 4 * 6, dtype=cajal.float32).reshape(2, 3, 4, 6)
    assert cajal.equal(F.pixel_shuffle(F.pixel_unshuffle(x, 2), 2), x)
    assert cajal.equal(nn.ChannelShuffle(2)(nn.ChannelShuffle(3)(cajal.arange(6.0).reshape(1, 6, 1))),
                       cajal.arange(6.0).reshape(1, 6, 1))
    assert nn.ChannelShuffle(2)(cajal.arange(6.0).reshape(1, 6, 1)).flatten().tolist() == [0, 3, 1, 4, 2, 5]


def test_max_unpool_puts_the_maxima_back():
    x = cajal.tensor([[[[1.0, 5, 2, 0], [3, 4, 8, 7], [0, 1, 2, 3], [9, 1, 4, 6]]]])
    pooled, indices = nn.MaxPool2d(2, return_indices=True)(x)
    restored = nn.MaxUnpool2d(2)(pooled, indices)
    assert restored.tolist() == [[[[0, 5, 0, 0], [0, 0, 8, 0], [0, 0, 0, 0], [9, 0, 0, 6]]]]
    # output_size may be up to a stride larger than the default (torch's rule).
    assert F.max_unpool2d(pooled, indices, 2, output_size=[5, 5]).shape == (1, 1, 5, 5)


def test_ctc_is_minus_log_of_the_sum_over_alignments():
    # Brute force over every path of T = 5 steps and 3 classes (blank 0): the
    # paths that collapse (merge repeats, drop blanks) to the target.
    cajal.manual_seed(3)
    log_probs = cajal.randn(5, 1, 3, dtype=cajal.float64).log_softmax(2)
    table = log_probs[:, 0].tolist()
    for target in ([1, 2], [1, 1], [2]):
        total = 0.0
        for path in itertools.product(range(3), repeat=5):
            merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
            if [c for c in merged if c != 0] == target:
                total += math.exp(sum(table[t][c] for t, c in enumerate(path)))
        loss = F.ctc_loss(log_probs, cajal.tensor([target]), [5], [len(target)], reduction="sum")
        assert abs(loss.item() + math.log(total)) < 1e-10, target


def test_ctc_module_trains_towards_the_target():
    # A free (T, 1, C) table of logits learns to spell its target.
    cajal.manual_seed(4)
    logits = cajal.zeros(8, 1, 4, requires_grad=True)
    optimizer = cajal.optim.Adam([logits], lr=0.1)
    loss_fn = nn.CTCLoss()
    for _ in range(100):
        optimizer.zero_grad()
        loss = loss_fn(logits.log_softmax(2), cajal.tensor([[3, 1, 1, 2]]), [8], [4])
        loss.backward()
        optimizer.step()
    best = logits[:, 0].argmax(1).tolist()
    decoded = [c for i, c in enumerate(best) if c != 0 and (i == 0 or c != best[i - 1])]
    assert decoded == [3, 1, 1, 2]
    assert loss.item() < 0.1


def test_gumbel_softmax_samples_the_softmax():
    cajal.manual_seed(5)
    logits = cajal.tensor([1.0, 0.0, -1.0, 2.0])
    probabilities = logits.softmax(0).tolist()
    draws = F.gumbel_softmax(logits.expand(20000, 4), tau=0.5, hard=True)
    assert set(draws.flatten().tolist()) == {0.0, 1.0}
    assert draws.sum(1).tolist() == [1.0] * 20000
    frequencies = (draws.sum(0) / 20000).tolist()
    # Gumbel-max: the argmax of logits + Gumbel noise is distributed as softmax(logits).
    for got, expected in zip(frequencies, probabilities):
        assert abs(got - expected) < 4 * math.sqrt(expected * (1 - expected) / 20000) + 1e-3
    # hard=True passes the soft sample's gradient (straight-through).
    x = logits.clone().requires_grad_(True)
    (F.gumbel_softmax(x, hard=True) * cajal.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert x.grad is not None and abs(x.grad.sum().item()) < 1e-5


def test_new_modules_have_torchs_state_and_behaviour():
    norm = nn.RMSNorm([3, 4])
    assert list(norm.state_dict()) == ["weight"] and norm.weight.shape == (3, 4)
    assert list(nn.RMSNorm(4, elementwise_affine=False).state_dict()) == []
    x = cajal.randn(2, 3, 4)
    rms = x.pow(2).mean((1, 2), keepdim=True).add(1e-6).rsqrt()
    assert cajal.allclose(nn.RMSNorm([3, 4], eps=1e-6)(x), x * rms, atol=1e-6)
    assert cajal.allclose(nn.Softmax2d()(x).sum(0), cajal.ones(3, 4))
    assert cajal.allclose(nn.CosineSimilarity(dim=0)(x, 2 * x), cajal.ones(3, 4), atol=1e-6)
    assert cajal.allclose(nn.PairwiseDistance()(x[0], x[0]), cajal.full((3,), 4 ** 0.5 * 1e-6), atol=1e-9)
    dropout = nn.AlphaDropout(0.2).eval()
    assert dropout(x) is x
    assert cajal.allclose(nn.GLU()(cajal.ones(2, 4)), cajal.full((2, 2), 1 / (1 + math.exp(-1))))
    layer = nn.RReLU().eval()
    assert cajal.allclose(layer(cajal.tensor([-1.0, 2.0])), cajal.tensor([-(1 / 8 + 1 / 3) / 2, 2.0]))
    assert cajal.allclose(nn.LPPool2d(2, 2)(cajal.ones(1, 1, 2, 2)), cajal.full((1, 1, 1, 1), 2.0))
    assert nn.TripletMarginWithDistanceLoss(margin=0.5)(x[0], x[0], x[0]).item() == pytest.approx(0.5)


def test_alpha_dropout_keeps_zero_mean_and_unit_variance():
    cajal.manual_seed(6)
    x = cajal.randn(200000)
    y = F.alpha_dropout(F.selu(x), 0.3, training=True)
    assert abs(y.mean().item()) < 0.02
    assert abs(y.var().item() - 1) < 0.03


def test_rrelu_slopes_lie_in_their_range():
    cajal.manual_seed(7)
    x = -cajal.rand(10000) - 0.5
    slopes = F.rrelu(x, 0.2, 0.3, training=True) / x
    assert slopes.min().item() >= 0.2 and slopes.max().item() < 0.3
    assert abs(slopes.mean().item() - 0.25) < 0.002


BAD_CALLS = [
    ("unfold", lambda: F.unfold(cajal.randn(1, 1, 2, 2, 2), 2), r"\[unfold\] Input Error: Only 3D or 4D"),
    ("unfold", lambda: F.unfold(cajal.randn(1, 1, 4, 4), 0), r"\[unfold\] kernel size should be greater than zero"),
    ("unfold", lambda: F.unfold(cajal.randn(1, 1, 4, 4), 5), r"\[unfold\] .*sliding blocks .* must be at least one"),
    ("unfold", lambda: F.unfold(cajal.randn(1, 1, 4, 4), 2, padding=2**62), r"\[unfold\] padding .* too large"),
    ("unfold", lambda: F.unfold(cajal.randn(1, 1, 4, 4), [2, 2, 2]), r"\[unfold\] kernel_size must be an int or a tuple of two"),
    ("fold", lambda: F.fold(cajal.randn(1, 8, 5), (4, 4), 2), r"\[fold\] .*calculated number of sliding blocks 3 \* 3 = 9"),
    ("fold", lambda: F.fold(cajal.randn(1, 7, 9), (4, 4), 2), r"\[fold\] Expected size of input's dimension 1 to be divisible"),
    ("fold", lambda: F.fold(cajal.randn(1, 4, 9), (2**40, 2**40), 2), r"\[fold\]"),
    ("pixel_unshuffle", lambda: F.pixel_unshuffle(cajal.randn(1, 1, 5, 4), 2), r"\[pixel_unshuffle\] .*height to be divisible"),
    ("pixel_unshuffle", lambda: F.pixel_unshuffle(cajal.randn(1, 1, 4, 4), 0), r"\[pixel_unshuffle\] .*positive"),
    ("channel_shuffle", lambda: F.channel_shuffle(cajal.randn(1, 5, 2), 2), r"\[channel_shuffle\] Number of channels must be"),
    ("channel_shuffle", lambda: F.channel_shuffle(cajal.randn(1, 4, 2), 0), r"\[channel_shuffle\] Number of groups .* positive"),
    ("max_unpool2d", lambda: F.max_unpool2d(cajal.ones(1, 1, 2, 2), cajal.full((1, 1, 2, 2), 99, dtype=cajal.int64), 2),
     r"\[max_unpooling2d\] Found an invalid max index"),
    ("max_unpool2d", lambda: F.max_unpool2d(cajal.ones(1, 1, 2, 2), cajal.zeros(1, 1, 2, 2, dtype=cajal.int64), 2,
                                            output_size=[2**40, 2**40]), r"invalid output_size"),
    ("max_unpool2d", lambda: F.max_unpool2d(cajal.ones(1, 1, 2, 2), cajal.zeros(1, 1, 2, dtype=cajal.int64), 2),
     r"\[max_unpooling2d\] Expected shape of indices"),
    ("pdist", lambda: F.pdist(cajal.randn(2, 3, 4)), r"\[pdist\] pdist only supports 2D tensors, got: 3D"),
    ("pdist", lambda: F.pdist(cajal.randn(3, 4), -1), r"\[pdist\] pdist only supports non-negative p"),
    ("cosine_similarity", lambda: F.cosine_similarity(cajal.randn(3, 4), cajal.randn(2, 4)), r"\[cosine_similarity\]"),
    ("glu", lambda: F.glu(cajal.randn(3, 5)), r"\[glu\] Halving dimension must be even, but dimension 1 is size 5"),
    ("glu", lambda: F.glu(cajal.randn(3, 4), 2), r"\[glu\] Dimension out of range"),
    ("softshrink", lambda: F.softshrink(cajal.randn(3), -0.5), r"\[softshrink\] lambda must be greater or equal to 0"),
    ("rrelu", lambda: F.rrelu(cajal.randn(3), 0.5, 0.1, training=True), r"\[rrelu\] Lower bound should be less than"),
    ("alpha_dropout", lambda: F.alpha_dropout(cajal.randn(3), 1.5, training=True), r"dropout probability has to be between"),
    ("rms_norm", lambda: F.rms_norm(cajal.randn(2, 3), [4]), r"\[rms_norm\] Given normalized_shape=\[4\]"),
    ("rms_norm", lambda: F.rms_norm(cajal.randn(2, 3), [3], cajal.ones(2)), r"\[rms_norm\] Expected weight"),
    ("local_response_norm", lambda: F.local_response_norm(cajal.randn(2, 3), 2), r"Expected 3D or higher dimensionality"),
    ("local_response_norm", lambda: F.local_response_norm(cajal.randn(2, 3, 4), 2**62), r"\[local_response_norm\] size"),
    ("lp_pool2d", lambda: F.lp_pool2d(cajal.randn(1, 1, 4, 4), 2, [2, 2, 2]), r"\[lp_pool2d\] kernel_size"),
    ("multi_margin_loss", lambda: F.multi_margin_loss(cajal.randn(2, 3), cajal.tensor([0, 3])), r"\[multi_margin_loss\] target out of range"),
    ("multi_margin_loss", lambda: F.multi_margin_loss(cajal.randn(2, 3), cajal.tensor([0])), r"\[multi_margin_loss\] inconsistent target size"),
    ("multi_margin_loss", lambda: F.multi_margin_loss(cajal.randn(2, 3), cajal.tensor([0, 1]), p=3), r"only p == 1 and p == 2"),
    ("multilabel_margin_loss", lambda: F.multilabel_margin_loss(cajal.randn(2, 3), cajal.tensor([[0, 3, -1], [1, -1, 0]])),
     r"\[multilabel_margin_loss\] target out of range"),
    ("multilabel_margin_loss", lambda: F.multilabel_margin_loss(cajal.randn(2, 3), cajal.tensor([0, 1])),
     r"\[multilabel_margin_loss\] inconsistent target size"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 2, 3), cajal.tensor([[1, 2], [1, 1]]), [5, 5], [2, 2], blank=3),
     r"\[ctc_loss\] blank must be in label range"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 2, 3), cajal.tensor([[1, 2], [1, 1]]), [6, 5], [2, 2]),
     r"\[ctc_loss\] Expected input_lengths to have value at most 5"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 2, 3), cajal.tensor([[1, 2], [1, 1]]), [5, 5], [2, -1]),
     r"\[ctc_loss\] Expected target_lengths to be non-negative"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 2, 3), cajal.tensor([[1, 7], [1, 1]]), [5, 5], [2, 2]),
     r"\[ctc_loss\] target 7 of sample 0 is not a class"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 2, 3), cajal.tensor([[1, 2], [1, 1]]), [5], [2, 2]),
     r"\[ctc_loss\] input_lengths must be of size batch_size"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 2, 3), cajal.tensor([[1, 2], [1, 1]]), [5, 5], [3, 2]),
     r"\[ctc_loss\] Expected tensor to have size at least 3 at dimension 1"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 2, 3), cajal.tensor([1, 2, 1]), [5, 5], [2, 2]),
     r"\[ctc_loss\] Expected tensor to have size 4 at dimension 0"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 1, 3), cajal.tensor([[1, 2]]), [5], [2**62]),
     r"\[ctc_loss\]"),
    ("ctc_loss", lambda: F.ctc_loss(cajal.randn(5, 1, 3), cajal.tensor([[1.0, 2.0]]), [5], [2]),
     r"\[ctc_loss\] expected integer targets"),
]


@pytest.mark.parametrize("op, call, message", BAD_CALLS, ids=[f"{op}-{i}" for i, (op, _, _) in enumerate(BAD_CALLS)])
def test_bad_arguments_raise_and_the_process_lives(op, call, message):
    with pytest.raises((RuntimeError, ValueError, IndexError, NotImplementedError, MemoryError), match=message):
        call()
    assert F.ctc_loss(cajal.zeros(2, 1, 2).log_softmax(2), cajal.tensor([[1]]), [2], [1]).item() == pytest.approx(
        -math.log(0.75), abs=1e-6)


def test_parameter_list_and_dict_register_their_parameters():
    params = nn.ParameterList([nn.Parameter(cajal.ones(2)), cajal.zeros(3)])
    params.append(cajal.randn(4))
    assert len(params) == 3 and all(isinstance(p, nn.Parameter) for p in params)
    assert [name for name, _ in params.named_parameters()] == ["0", "1", "2"]
    assert params[-1].shape == (4,) and len(params[1:]) == 2
    table = nn.ParameterDict({"scale": cajal.ones(1), "shift": nn.Parameter(cajal.zeros(1))})
    table["gain"] = cajal.full((2,), 3.0)
    assert list(table.keys()) == ["scale", "shift", "gain"] and "gain" in table
    assert sorted(table.state_dict()) == ["gain", "scale", "shift"]
    del table["shift"]
    assert [name for name, _ in table.named_parameters()] == ["scale", "gain"]

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.ParameterList([cajal.ones(2, 2) for _ in range(2)])

    assert list(Model().state_dict()) == ["weights.0", "weights.1"]


def test_parametrizations_change_names_and_survive_a_state_dict_round_trip():
    P = nn.utils.parametrizations
    layer = P.weight_norm(nn.Linear(4, 3))
    assert type(layer).__name__ == "ParametrizedLinear"
    assert [n for n, _ in layer.named_parameters()] == ["bias", "parametrizations.weight.original0",
                                                         "parametrizations.weight.original1"]
    g = layer.parametrizations.weight.original0
    assert g.shape == (3, 1)
    assert cajal.allclose(layer.weight.norm(dim=1), g.flatten(), atol=1e-6)
    copy = P.weight_norm(nn.Linear(4, 3))
    copy.load_state_dict(layer.state_dict())
    assert cajal.equal(copy.weight, layer.weight)
    # Setting the weight goes through right_inverse.
    layer.weight = cajal.ones(3, 4)
    assert cajal.allclose(layer.weight, cajal.ones(3, 4)) and cajal.allclose(g.flatten(), cajal.full((3,), 2.0))
    nn.utils.parametrize.remove_parametrizations(layer, "weight")
    assert type(layer).__name__ == "Linear" and sorted(layer.state_dict()) == ["bias", "weight"]

    # spectral_norm bounds the largest singular value by 1 (power iteration converges in training).
    cajal.manual_seed(8)
    critic = P.spectral_norm(nn.Linear(8, 8))
    with cajal.no_grad():
        critic.parametrizations.weight.original.mul_(10.0)
    for _ in range(30):
        critic(cajal.randn(2, 8))
    singular = cajal.linalg.svdvals(critic.weight.detach())
    assert abs(singular[0].item() - 1.0) < 1e-3
    with pytest.raises(ValueError, match="n_power_iterations to be positive"):
        P.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)


def test_grouped_query_attention_repeats_the_key_value_heads():
    cajal.manual_seed(9)
    q, k, v = cajal.randn(2, 6, 5, 4), cajal.randn(2, 2, 7, 4), cajal.randn(2, 2, 7, 3)
    out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    expected = F.scaled_dot_product_attention(q, k.repeat_interleave(3, 1), v.repeat_interleave(3, 1))
    assert cajal.allclose(out, expected, atol=1e-6)
    with pytest.raises(RuntimeError, match="must be a multiple of the number of key/value heads"):
        F.scaled_dot_product_attention(cajal.randn(1, 5, 2, 4), cajal.randn(1, 2, 2, 4), cajal.randn(1, 2, 2, 4),
                                       enable_gqa=True)


def test_transformer_layers_take_a_callable_activation():
    cajal.manual_seed(10)
    named = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu")
    for activation in (F.gelu, nn.GELU(), lambda x: F.gelu(x)):
        layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=activation)
        layer.load_state_dict(named.state_dict())
        x = cajal.randn(3, 2, 8)
        assert cajal.allclose(layer(x), named(x), atol=1e-6)


def _dice_per_class(p, t, smooth):
    """numpy: 1 - Dice per (sample, channel) over the spatial dims."""
    import numpy as np
    axes = tuple(range(2, p.ndim))
    return 1 - (2 * (p * t).sum(axes) + smooth) / (p.sum(axes) + t.sum(axes) + smooth)


def test_dice_loss_multi_class_options_follow_their_formula():
    import numpy as np
    rng = np.random.default_rng(11)
    logits = rng.normal(size=(2, 3, 4, 5)).astype(np.float32)
    classes = rng.integers(0, 3, size=(2, 4, 5))
    probabilities = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    one_hot = np.eye(3, dtype=np.float32)[classes].transpose(0, 3, 1, 2)
    per_class = _dice_per_class(probabilities, one_hot, 1.0)
    x, y = cajal.tensor(logits), cajal.tensor(classes)
    # softmax + class targets: the mean over channels, then over the batch.
    assert abs(F.dice_loss(x, y, softmax=True).item() - per_class.mean()) < 1e-6
    # without the background channel, and weighted.
    assert abs(nn.DiceLoss(softmax=True, include_background=False)(x, y).item() - per_class[:, 1:].mean()) < 1e-6
    w = np.array([0.2, 1.0, 3.0], dtype=np.float32)
    weighted = (per_class * w).sum(1) / w.sum()
    got = F.dice_loss(x, cajal.tensor(one_hot), softmax=True, weight=cajal.tensor(w), reduction="none")
    np.testing.assert_allclose(got.numpy(), weighted, rtol=1e-5)
    # sigmoid per channel on one-hot float masks, chosen explicitly.
    sig = 1 / (1 + np.exp(-logits))
    got = F.dice_loss(x, cajal.tensor(one_hot), sigmoid=True, per_class=True, smooth=0.5)
    assert abs(got.item() - _dice_per_class(sig, one_hot, 0.5).mean()) < 1e-6
    # The default is unchanged: per sample over every dim but the batch.
    flat = 1 - (2 * (sig * one_hot).sum((1, 2, 3)) + 1) / (sig.sum((1, 2, 3)) + one_hot.sum((1, 2, 3)) + 1)
    assert abs(F.dice_loss(x.sigmoid(), cajal.tensor(one_hot)).item() - flat.mean()) < 1e-6
    # The gradient flows to the logits.
    z = x.clone().requires_grad_(True)
    F.dice_loss(z, y, softmax=True).backward()
    assert z.grad.abs().sum().item() > 0


def test_multihead_attention_with_bias_kv_and_zero_attention_registers_torchs_names():
    cajal.manual_seed(12)
    attention = nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True)
    assert list(attention.state_dict()) == ["in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "out_proj.weight",
                                            "out_proj.bias"]
    q, kv = cajal.randn(4, 3, 8), cajal.randn(6, 3, 8)
    out, weights = attention(q, kv, kv)
    assert out.shape == (4, 3, 8) and weights.shape == (3, 4, 8)  # 6 keys + bias_k + the zero key
    assert cajal.allclose(weights.sum(-1), cajal.ones(3, 4), atol=1e-6)
    out.sum().backward()
    assert attention.bias_k.grad is not None and attention.bias_v.grad is not None


def test_embedding_bag_module():
    cajal.manual_seed(13)
    bag = nn.EmbeddingBag(10, 3, mode="sum", padding_idx=0)
    assert bag.weight[0].tolist() == [0.0, 0.0, 0.0]
    out = bag(cajal.tensor([1, 2, 0, 3]), cajal.tensor([0, 2]))
    assert cajal.allclose(out[0], bag.weight[1] + bag.weight[2]) and cajal.allclose(out[1], bag.weight[3])
    pretrained = nn.EmbeddingBag.from_pretrained(cajal.eye(4), mode="max")
    assert pretrained(cajal.tensor([[0, 2], [1, 1]])).tolist() == [[1, 0, 1, 0], [0, 1, 0, 0]]


MORE_BAD_CALLS = [
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([1, 2]), cajal.randn(4, 2)), r"offsets has to be a 1D Tensor"),
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([[1, 2]]), cajal.randn(4, 2), cajal.tensor([0])),
     r"if input is 2D, then offsets has to be None"),
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([1, 2]), cajal.randn(4, 2), cajal.tensor([1])),
     r"offsets\[0\] has to be 0"),
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([1, 2]), cajal.randn(4, 2), cajal.tensor([0, 5])),
     r"offsets\[-1\] can not be greater than input's length"),
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([1, 2, 3]), cajal.randn(4, 2), cajal.tensor([0, 2, 1])),
     r"offsets must be non-decreasing"),
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([1, 7]), cajal.randn(4, 2), cajal.tensor([0])),
     r"\[embedding_bag\] index out of range"),
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([1, 2]), cajal.randn(4, 2), cajal.tensor([0]), mode="mean",
                                              per_sample_weights=cajal.ones(2)), r"only supported for mode='sum'"),
    ("embedding_bag", lambda: F.embedding_bag(cajal.tensor([1, 2]), cajal.randn(4, 2), cajal.tensor([0]), mode="sum",
                                              per_sample_weights=cajal.ones(3)), r"must have the same shape as the input"),
    ("dice_loss", lambda: F.dice_loss(cajal.randn(2, 3, 4), cajal.tensor([[0, 1, 5, 0], [0, 0, 0, 0]]), softmax=True),
     r"\[dice_loss\] class targets must lie in \[0, 3\)"),
    ("dice_loss", lambda: F.dice_loss(cajal.randn(2, 3, 4), cajal.randn(2, 3, 4), weight=cajal.ones(2)),
     r"\[dice_loss\] weight must hold one value per channel"),
    ("dice_loss", lambda: F.dice_loss(cajal.randn(2, 1, 4), cajal.rand(2, 1, 4), include_background=False),
     r"include_background=False needs more than one channel"),
    ("dice_loss", lambda: F.dice_loss(cajal.randn(2, 3), cajal.rand(2, 3), sigmoid=True, softmax=True), r"not compatible"),
    ("multi_head_attention_forward", lambda: F.multi_head_attention_forward(
        cajal.randn(2, 1, 4), cajal.randn(2, 1, 4), cajal.randn(2, 1, 4), 4, 2, cajal.randn(12, 4), None,
        cajal.randn(1, 1, 4), None, False, 0.0, cajal.randn(4, 4), None), r"bias_k and bias_v must both be given"),
]


@pytest.mark.parametrize("op, call, message", MORE_BAD_CALLS, ids=[f"{op}-{i}" for i, (op, _, _) in enumerate(MORE_BAD_CALLS)])
def test_more_bad_arguments_raise_and_the_process_lives(op, call, message):
    with pytest.raises((RuntimeError, ValueError, IndexError, NotImplementedError), match=message):
        call()
    assert F.embedding_bag(cajal.tensor([[0]]), cajal.ones(1, 1)).item() == 1.0


def test_lstm_projections_shape_the_states():
    cajal.manual_seed(14)
    lstm = nn.LSTM(3, 6, num_layers=2, proj_size=2, bidirectional=True)
    assert [n for n, _ in lstm.named_parameters()][:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                                           "weight_hr_l0"]
    assert lstm.weight_hh_l0.shape == (24, 2) and lstm.weight_ih_l1.shape == (24, 4) and lstm.weight_hr_l0.shape == (2, 6)
    output, (h, c) = lstm(cajal.randn(5, 4, 3))
    assert output.shape == (5, 4, 4) and h.shape == (4, 4, 2) and c.shape == (4, 4, 6)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(2, 4, 2\)|Expected hidden"):
        lstm(cajal.randn(5, 4, 3), (cajal.zeros(4, 4, 6), cajal.zeros(4, 4, 6)))


def test_empty_views_with_huge_dims_raise_instead_of_trapping():
    # Found by the C fuzzer (other seeds than CI's): an as_strided view whose
    # zero dim sat beside huge ones overflowed later stride arithmetic.
    x = cajal.zeros(4)
    with pytest.raises((ValueError, MemoryError, RuntimeError), match=r"as_strided"):
        x.as_strided([0, 7, 2**31 - 1, 2**31 - 1], [3, 2, 0, 3])
    with pytest.raises((ValueError, MemoryError, RuntimeError), match=r"as_strided"):
        x.as_strided([2**40, 2**40], [0, 0])
    assert F.silu(x.as_strided([0, 7, 3], [3, 2, 0])).shape == (0, 7, 3)
    # dice_loss with integer targets needs a channel dim.
    with pytest.raises(RuntimeError, match=r"\[dice_loss\] class targets need an input with a channel dim"):
        F.dice_loss(cajal.tensor(True), cajal.tensor(1), per_class=False)
