"""nn.Module and the layers against real torch (Tests/reference/fixtures/
python/modules.json, from generate.py and models.py): repr, state_dict names,
shapes and seeded initial values, outputs and gradients; plus the module
system's rules and its errors."""

import json
import os
import sys
from collections import OrderedDict

import numpy as np
import pytest

import cajal
import cajal.nn as nn
import cajal.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "reference"))
from models import make_models  # noqa: E402
from reference import to_tensor as decode  # noqa: E402

with open(os.path.join(HERE, "..", "reference", "fixtures", "python", "modules.json")) as f:
    MODULES = json.load(f)["models"]
MODELS = make_models(cajal)


def array(t):
    return t.detach().numpy()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_models_match_torch(name):
    expected = MODULES[name]
    build, _ = MODELS[name]
    cajal.manual_seed(0)
    model = build()
    model.eval()
    assert repr(model) == expected["repr"]
    assert [k for k, _ in model.named_parameters()] == expected["parameters"]
    assert [k for k, _ in model.named_buffers()] == expected["buffers"]
    assert [k for k, _ in model.named_modules()] == expected["modules"]
    state = model.state_dict()
    assert list(state) == list(expected["state_dict"])
    for key, spec in expected["state_dict"].items():
        # The seeded default initialisation draws torch's very values.
        np.testing.assert_allclose(array(state[key]), array(decode(spec)), rtol=1e-5, atol=1e-6, err_msg=key)
    out = model(decode(expected["input"]))
    np.testing.assert_allclose(array(out), array(decode(expected["output"])), rtol=1e-5, atol=1e-5)
    (out * decode(expected["grad_weight"])).sum().backward()
    for key, param in model.named_parameters():
        np.testing.assert_allclose(array(param.grad), array(decode(expected["grads"][key])), rtol=1e-4, atol=1e-5,
                                   err_msg=key)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_torch_state_dict_loads_and_gives_torch_outputs(name):
    expected = MODULES[name]
    build, _ = MODELS[name]
    cajal.manual_seed(123)  # different initial weights, all replaced by the load
    model = build().eval()
    report = model.load_state_dict({k: decode(v) for k, v in expected["state_dict"].items()})
    assert report.missing_keys == [] and report.unexpected_keys == []
    assert str(report) == "<All keys matched successfully>"
    np.testing.assert_allclose(array(model(decode(expected["input"]))), array(decode(expected["output"])),
                               rtol=1e-5, atol=1e-5)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.register_buffer("steps", cajal.zeros(1))
        self.plain = 5

    def forward(self, x):
        return self.fc(x)


def test_registration_traversal_and_modes():
    net = Net()
    assert [k for k, _ in net.named_parameters()] == ["fc.weight", "fc.bias"]
    assert isinstance(net.fc.weight, nn.Parameter) and net.fc.weight.requires_grad
    assert list(net.state_dict()) == ["steps", "fc.weight", "fc.bias"]
    assert [name for name, _ in net.named_children()] == ["fc"] and net.plain == 5
    assert len(list(net.modules())) == 2 and len(list(net.buffers())) == 1
    assert net.training and net.fc.training
    net.eval()
    assert not net.training and not net.fc.training
    net.train()
    assert net.fc.training
    # A Parameter assigned later registers; None unregisters a sub-module's slot.
    net.extra = nn.Parameter(cajal.ones(2))
    assert "extra" in dict(net.named_parameters())
    net.fc = None
    assert [k for k, _ in net.named_parameters()] == ["extra"]
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        _ = net.missing


def test_shared_parameters_are_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_zero_grad_requires_grad_and_apply():
    net = Net()
    net(cajal.ones(4, 3)).sum().backward()
    assert net.fc.weight.grad is not None
    net.zero_grad()
    assert net.fc.weight.grad is None
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Net"]


def test_double_and_float_convert_parameters_and_buffers():
    net = Net().double()
    assert net.fc.weight.dtype == cajal.float64 and net.steps.dtype == cajal.float64
    assert isinstance(net.fc.weight, nn.Parameter)
    assert net(cajal.ones(2, 3, dtype=cajal.float64)).dtype == cajal.float64
    net.to(cajal.float32)
    assert net.fc.bias.dtype == cajal.float32
    assert net.to("cpu") is net
    with pytest.raises(NotImplementedError, match="CPU only"):
        net.to("cuda")


def test_load_state_dict_reports_and_refuses():
    net = Net()
    state = net.state_dict()
    del state["steps"]
    state["unknown"] = cajal.zeros(1)
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(state)
    assert 'Missing key(s) in state_dict: "steps".' in str(error.value)
    assert 'Unexpected key(s) in state_dict: "unknown".' in str(error.value)
    report = net.load_state_dict(state, strict=False)
    assert report.missing_keys == ["steps"] and report.unexpected_keys == ["unknown"]
    bad = net.state_dict()
    bad["fc.weight"] = cajal.zeros(3, 3)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc.weight: copying a param with shape"):
        net.load_state_dict(bad)
    # A successful load copies values into the existing parameters.
    good = {k: v.clone() + 1 for k, v in net.state_dict().items()}
    before = net.fc.weight
    net.load_state_dict(good)
    assert net.fc.weight is before
    np.testing.assert_allclose(array(net.fc.weight), array(good["fc.weight"]))


def test_sequential_indexing_slicing_and_ordered_dict():
    seq = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU()), ("flat", nn.Flatten())]))
    assert len(seq) == 3 and isinstance(seq[0], nn.Conv2d) and isinstance(seq[-1], nn.Flatten)
    assert list(seq.state_dict()) == ["conv.weight", "conv.bias"]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head.conv is seq.conv
    assert seq(cajal.ones(1, 1, 5, 5)).shape == (1, 18)
    items = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert repr(items).startswith("ModuleList(\n  (0-2): 3 x Linear(")
    heads = nn.ModuleDict({"a": nn.Identity()})
    assert "a" in heads and list(heads.keys()) == ["a"]


def test_parameter_is_a_leaf_sharing_memory():
    data = cajal.zeros(3)
    param = nn.Parameter(data)
    assert param.is_leaf and param.requires_grad
    with cajal.no_grad():
        param.fill_(2.0)
    assert data.tolist() == [2.0, 2.0, 2.0]
    assert repr(param).startswith("Parameter containing:\ntensor([2., 2., 2.], requires_grad=True)")


def test_dropout_scales_in_training_and_is_identity_in_eval():
    cajal.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = cajal.ones(10000)
    y = drop(x)
    kept = array(y) != 0
    assert 0.70 < kept.mean() < 0.80
    np.testing.assert_allclose(array(y)[kept], 1 / 0.75, rtol=1e-6)
    drop.eval()
    assert drop(x) is x


def test_init_functions_follow_torch_formulas():
    w = cajal.empty(200, 300)
    nn.init.kaiming_uniform_(w, a=0, nonlinearity="relu")
    bound = (6 / 300) ** 0.5  # gain sqrt(2) * sqrt(3 / fan_in)
    assert array(w).max() <= bound and array(w).min() >= -bound and array(w).max() > 0.95 * bound
    nn.init.xavier_normal_(w)
    assert abs(array(w).std() - (2 / 500) ** 0.5) < 0.002
    nn.init.constant_(w, 0.5)
    assert array(w).min() == array(w).max() == 0.5
    assert nn.init.calculate_gain("tanh") == 5 / 3 and nn.init.calculate_gain("leaky_relu", 0.2) == (2 / 1.04) ** 0.5
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(cajal.empty(3))


def test_bad_inputs_raise_clear_errors():
    conv = nn.Conv2d(3, 4, 3)
    with pytest.raises(RuntimeError, match=r"expected input\[2, 1, 8, 8\] to have 3 channels, but got 1 channels"):
        conv(cajal.ones(2, 1, 8, 8))
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\) input to conv2d"):
        conv(cajal.ones(8, 8))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        conv(cajal.ones(1, 3, 2, 2))
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(cajal.ones(1, 1, 1, 1), 2)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool2d(cajal.ones(1, 1, 4, 4), 2, padding=2)
    logits = cajal.ones(4, 3)
    with pytest.raises(RuntimeError, match="expected scalar type Long"):
        F.cross_entropy(logits, cajal.tensor([0.0, 1.0, 2.0, 0.0]).reshape(4))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target batch_size \(3\)"):
        F.cross_entropy(logits, cajal.tensor([0, 1, 2]))
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        F.nll_loss(logits, cajal.tensor([0, 1, 3, 0]))
    with pytest.raises(RuntimeError, match="must have the same shape"):
        F.mse_loss(logits, cajal.ones(3))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.l1_loss(logits, logits, reduction="average")
    # batchmean is kl_div's alone, as in torch; the engine refuses it elsewhere.
    target = cajal.tensor([0, 1, 2, 0])
    for loss in (lambda r: F.l1_loss(logits, logits, reduction=r), lambda r: F.mse_loss(logits, logits, reduction=r),
                 lambda r: F.cross_entropy(logits, target, reduction=r), lambda r: F.nll_loss(logits, target, reduction=r),
                 lambda r: F.cross_entropy(logits, target, reduction=r, label_smoothing=0.1),
                 lambda r: F.cross_entropy(logits, logits.softmax(1), reduction=r)):
        with pytest.raises(ValueError, match="^batchmean is not a valid value for reduction$"):
            loss("batchmean")
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        nn.Linear(5, 2)(cajal.ones(3, 4))
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(TypeError, match="cannot assign 'int' as parameter 'weight'"):
        nn.Linear(2, 2).weight = 3


def test_batchnorm_tracks_running_statistics_and_switches_in_eval():
    bn = nn.BatchNorm1d(3, momentum=0.5)
    x = cajal.tensor([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]])
    bn(x)
    # running_mean = 0.5 * 0 + 0.5 * batch mean; running_var uses the unbiased variance.
    np.testing.assert_allclose(array(bn.running_mean), [1.0, 2.0, 3.0], rtol=1e-6)
    np.testing.assert_allclose(array(bn.running_var), [0.5 + 0.5 * 2.0, 0.5 + 0.5 * 8.0, 0.5 + 0.5 * 18.0], rtol=1e-6)
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    y = bn(x)
    expected = (np.array([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]]) - [1, 2, 3]) / np.sqrt(np.array([1.5, 4.5, 9.5]) + 1e-5)
    np.testing.assert_allclose(array(y), expected, rtol=1e-5)
    assert bn.num_batches_tracked.item() == 1
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(cajal.ones(1, 3))
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(cajal.ones(2, 3, 4))


def test_embedding_padding_row_gets_no_gradient_and_pretrained_freezes():
    cajal.manual_seed(0)
    emb = nn.Embedding(5, 2, padding_idx=0)
    assert array(emb.weight)[0].tolist() == [0.0, 0.0]
    emb(cajal.tensor([[0, 1, 0], [4, 1, 2]])).sum().backward()
    np.testing.assert_array_equal(array(emb.weight.grad)[:, 0], [0.0, 2.0, 1.0, 0.0, 1.0])
    frozen = nn.Embedding.from_pretrained(cajal.ones(3, 2))
    assert not frozen.weight.requires_grad
    with pytest.raises(IndexError):
        emb(cajal.tensor([5]))
    with pytest.raises(RuntimeError, match="Long"):
        emb(cajal.tensor([0.0]))


def test_norm_layers_reject_wrong_shapes():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\]"):
        nn.LayerNorm(4)(cajal.ones(2, 3))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(cajal.ones(2, 5, 3), 2)
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 4"):
        F.batch_norm(cajal.ones(2, 3), cajal.zeros(4), cajal.ones(4))


def test_dice_loss_follows_its_formula():
    # Per sample: 1 - (2 sum(p t) + smooth) / (sum p + sum t + smooth), then the mean.
    p = np.array([[[0.9, 0.1], [0.8, 0.2]], [[0.5, 0.5], [0.0, 1.0]]], dtype=np.float32)
    t = np.array([[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]], dtype=np.float32)
    per_sample = [1 - (2 * (p[n] * t[n]).sum() + 1.0) / (p[n].sum() + t[n].sum() + 1.0) for n in range(2)]
    loss = nn.DiceLoss()(cajal.tensor(p), cajal.tensor(t))
    assert abs(loss.item() - np.mean(per_sample)) < 1e-6
    none = F.dice_loss(cajal.tensor(p), cajal.tensor(t), smooth=0.0, reduction="none")
    np.testing.assert_allclose(array(none), [1 - 2 * (p[n] * t[n]).sum() / (p[n].sum() + t[n].sum()) for n in range(2)],
                               rtol=1e-6)
    # A perfect prediction costs nothing; the gradient pushes p toward t.
    assert F.dice_loss(cajal.tensor(t), cajal.tensor(t)).item() == 0.0
    x = cajal.tensor(p).requires_grad_()
    F.dice_loss(x, cajal.tensor(t)).backward()
    assert (array(x.grad)[t == 1] < 0).all()


def test_orthogonal_trunc_normal_bilinear_and_heaviside():
    w = cajal.empty(6, 4)
    nn.init.orthogonal_(w, gain=2.0)
    q = array(w)
    np.testing.assert_allclose(q.T @ q, 4.0 * np.eye(4), atol=1e-5)  # orthonormal columns, times gain²
    wide = nn.init.orthogonal_(cajal.empty(3, 2, 4))
    rows = array(wide).reshape(3, 8)
    np.testing.assert_allclose(rows @ rows.T, np.eye(3), atol=1e-5)  # orthonormal rows when wide
    t = nn.init.trunc_normal_(cajal.empty(20000), mean=0.5, std=1.0, a=-0.5, b=1.0)
    assert array(t).min() >= -0.5 and array(t).max() <= 1.0 and 0.25 < array(t).mean() < 0.34
    layer = nn.Bilinear(3, 4, 2)
    x1, x2 = cajal.randn(5, 3), cajal.randn(5, 4)
    expected = np.einsum("bi,oij,bj->bo", array(x1), array(layer.weight), array(x2)) + array(layer.bias)
    np.testing.assert_allclose(array(layer(x1, x2)), expected, rtol=1e-5, atol=1e-5)
    x = cajal.tensor([-1.5, 0.0, 2.0])
    assert cajal.heaviside(x, cajal.tensor([0.5])).tolist() == [0.0, 0.5, 1.0]


def test_dropout2d_zeroes_whole_channels():
    cajal.manual_seed(0)
    drop = nn.Dropout2d(0.5)
    y = array(drop(cajal.ones(8, 50, 3, 3)))
    per_channel = y.reshape(8, 50, 9)
    assert ((per_channel == 0).all(2) | (per_channel == 2.0).all(2)).all()  # each channel all dropped or all kept, x2
    assert 0.35 < (per_channel[:, :, 0] == 0).mean() < 0.65
    drop.eval()
    assert array(drop(cajal.ones(2, 3, 4, 4))).min() == 1.0
    assert repr(drop) == "Dropout2d(p=0.5, inplace=False)"


@pytest.mark.parametrize("dtype", [cajal.float32, cajal.float64])
def test_dropout_is_a_bernoulli_mask_scaled_by_one_over_keep(dtype):
    """torch's _dropout: noise.bernoulli_(1 - p), noise.div_(1 - p), input * noise;
    seeding gives the same mask as building it by hand (test_random_programs.py
    checks the draws against torch's)."""
    x = cajal.randn(37, 41, dtype=dtype, requires_grad=True)
    cajal.manual_seed(5)
    out = F.dropout(x, 0.3)
    cajal.manual_seed(5)
    noise = cajal.empty(37, 41, dtype=dtype).bernoulli_(0.7) / 0.7
    assert cajal.equal(out, x * noise)
    out.sum().backward()
    assert cajal.equal(x.grad, noise)
    assert 0.6 < (noise > 0).to(dtype).mean().item() < 0.8
    with pytest.raises(NotImplementedError, match="dropout"):
        F.dropout(cajal.ones(3, dtype=cajal.int64), 0.5)
