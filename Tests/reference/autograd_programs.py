"""Autograd programs for research code, written once against a `torch`
module: generate.py runs them with real PyTorch to write the fixture
(fixtures/python/autograd_programs.json), and Tests/python/test_autograd_programs.py
runs the same text with cajal and compares.

Each program takes (torch, inputs) -> {name: tensor or list of tensors}.
Inputs are float64 so that second derivatives compare tightly.

- second-order programs: a scalar function f, its gradient with
  create_graph=True, and the gradient of <grad f, v> (a Hessian-vector
  product), for the common ops and layers;
- custom autograd.Function programs (gradient reversal, straight-through
  estimators, saved outputs, several outputs, once_differentiable, ...);
- hooks (tensor and module hooks, Grad-CAM) and research recipes (WGAN-GP
  gradient penalty, a physics-informed residual, autograd.functional).
"""


# ----------------------------------------------------------------- second order

def _hvp_program(f):
    def program(torch, inputs):
        count = len(inputs) // 2  # the points, then one direction per point
        xs = [x.detach().clone().requires_grad_(True) for x in inputs[:count]]
        vs = inputs[count:]
        value = f(torch, *xs)
        grads = torch.autograd.grad(value, xs, create_graph=True, allow_unused=True)
        grads = [g if g is not None else torch.zeros_like(x) for g, x in zip(grads, xs)]
        terms = [(g * v).sum() for g, v in zip(grads, vs) if g.requires_grad]
        if terms:
            total = terms[0]
            for term in terms[1:]:
                total = total + term
            hvps = torch.autograd.grad(total, xs, allow_unused=True)
        else:
            hvps = [None] * len(xs)
        hvps = [h if h is not None else torch.zeros_like(x) for h, x in zip(hvps, xs)]
        return {"value": value.detach(), "grads": [g.detach() for g in grads], "hvps": hvps}

    return program


def _F(torch):
    return torch.nn.functional


# name: (f(torch, *xs) -> scalar, [(shape, domain)] of the points)
# domains: any (-2, 2), positive (0.25, 2.25), unit (-0.9, 0.9), above_one (1.1, 3)
SECOND_ORDER = {
    "exp": (lambda t, x: x.exp().sum(), [((3, 4), "any")]),
    "log": (lambda t, x: x.log().sum(), [((3, 4), "positive")]),
    "sin_cos": (lambda t, x: (x.sin() * x.cos()).sum(), [((3, 4), "any")]),
    "tanh": (lambda t, x: x.tanh().sum(), [((3, 4), "any")]),
    "sigmoid": (lambda t, x: x.sigmoid().sum(), [((3, 4), "any")]),
    "sqrt_rsqrt": (lambda t, x: (x.sqrt() + x.rsqrt()).sum(), [((3, 4), "positive")]),
    "reciprocal": (lambda t, x: x.reciprocal().sum(), [((3, 4), "positive")]),
    "erf": (lambda t, x: x.erf().sum(), [((3, 4), "any")]),
    "atan_asinh": (lambda t, x: (x.atan() + x.asinh()).sum(), [((3, 4), "any")]),
    "sinh_cosh": (lambda t, x: (x.sinh() * x.cosh()).sum(), [((3, 4), "any")]),
    "asin_acos_atanh": (lambda t, x: (x.asin() * x.acos() + x.atanh()).sum(), [((3, 4), "unit")]),
    "acosh": (lambda t, x: x.acosh().sum(), [((3, 4), "above_one")]),
    "expm1_log1p": (lambda t, x: (x.expm1() * x.log1p()).sum(), [((3, 4), "positive")]),
    "log2_log10": (lambda t, x: (x.log2() * x.log10()).sum(), [((3, 4), "positive")]),
    "abs_square": (lambda t, x: (x.abs() * x).sum(), [((3, 4), "any")]),
    "pow_scalar": (lambda t, x: (x ** 3).sum() + (x.abs() ** 2.5).sum(), [((3, 4), "any")]),
    "pow_tensor": (lambda t, x, y: (x ** y).sum(), [((3, 4), "positive"), ((3, 4), "any")]),
    "mul_div": (lambda t, x, y: (x * y / (y * y + 1.0)).sum(), [((3, 4), "any"), ((4,), "any")]),
    "relu": (lambda t, x, w: (t.relu(x @ w) ** 2).sum(), [((3, 4), "any"), ((4, 5), "any")]),
    "softplus_gelu_silu": (lambda t, x: (_F(t).softplus(x) * _F(t).gelu(x) + _F(t).silu(x)).sum(), [((3, 4), "any")]),
    "elu_selu_leaky": (lambda t, x: (_F(t).elu(x) ** 2 + _F(t).selu(x) * _F(t).leaky_relu(x, 0.1)).sum(),
                       [((3, 4), "any")]),
    "softmax": (lambda t, x: (_F(t).softmax(x, dim=1) ** 2).sum(), [((3, 4), "any")]),
    "log_softmax": (lambda t, x, w: (_F(t).log_softmax(x, dim=1) * w).sum(), [((3, 4), "any"), ((3, 4), "any")]),
    "logsumexp": (lambda t, x: (x.logsumexp(dim=1) ** 2).sum(), [((3, 4), "any")]),
    "matmul_tanh": (lambda t, x, w: (x @ w).tanh().sum(), [((3, 4), "any"), ((4, 2), "any")]),
    "mlp": (lambda t, x, w1, b1, w2: (_F(t).linear(_F(t).linear(x, w1, b1).tanh(), w2) ** 2).sum(),
            [((5, 3), "any"), ((4, 3), "any"), ((4,), "any"), ((2, 4), "any")]),
    "bmm": (lambda t, a, b: (t.bmm(a, b).sin()).sum(), [((2, 3, 4), "any"), ((2, 4, 2), "any")]),
    "norm": (lambda t, x: x.norm() + x.norm(dim=1).sum() + x.norm(p=3, dim=0).sum(), [((3, 4), "any")]),
    "var_std_mean": (lambda t, x: x.var(dim=1).sum() * x.std() + (x.mean(dim=0) ** 3).sum(), [((3, 4), "any")]),
    "amax_max": (lambda t, x: (x.amax(dim=1) ** 2).sum() + (x.max(dim=0).values ** 3).sum(), [((3, 4), "any")]),
    "cumsum_prod": (lambda t, x: (x.cumsum(dim=1) ** 2).sum() + x.prod(dim=1).sum(), [((3, 4), "any")]),
    "clamp_where_maximum": (lambda t, x, y: (x.clamp(-0.5, 0.5) ** 2).sum()
                            + (t.where(x > 0, x * y, y ** 3)).sum() + (t.maximum(x, y) ** 2).sum(),
                            [((3, 4), "any"), ((3, 4), "any")]),
    "indexing": (lambda t, x: (x[:, 1:] ** 2).sum() + (x[t.tensor([0, 2, 2])] ** 3).sum()
                 + (x.gather(1, t.tensor([[0, 1], [3, 3], [2, 0]])) ** 3).sum()
                 + (x.index_select(1, t.tensor([1, 1, 0])).sin()).sum() + (x[1] * x[2]).sum(), [((3, 4), "any")]),
    "shape_ops": (lambda t, x, y: (t.cat([x, y], dim=0).t() ** 3).sum() + (t.stack([x, y]).permute(2, 0, 1) ** 2).prod()
                  + (x.reshape(2, 6).expand(3, 2, 6) * y.reshape(1, 2, 6)).pow(2).sum(),
                  [((3, 4), "any"), ((3, 4), "any")]),
    "conv2d": (lambda t, x, w, b: (_F(t).conv2d(x, w, b, padding=1).tanh() ** 2).sum(),
               [((2, 2, 5, 5), "any"), ((3, 2, 3, 3), "any"), ((3,), "any")]),
    "conv2d_strided_groups": (lambda t, x, w: _F(t).conv2d(x, w, stride=2, groups=2, dilation=1).sin().sum(),
                              [((1, 4, 6, 6), "any"), ((4, 2, 2, 2), "any")]),
    "conv1d": (lambda t, x, w: (_F(t).conv1d(x, w, stride=2, padding=1).sigmoid()).sum(),
               [((2, 3, 8), "any"), ((2, 3, 3), "any")]),
    "conv_transpose2d": (lambda t, x, w: _F(t).conv_transpose2d(x, w, stride=2, padding=1).tanh().sum(),
                         [((1, 2, 3, 3), "any"), ((2, 3, 3, 3), "any")]),
    "max_pool2d": (lambda t, x: (_F(t).max_pool2d(x.sin(), 2) ** 2).sum(), [((1, 2, 4, 4), "any")]),
    "avg_pool": (lambda t, x: (_F(t).avg_pool2d(x.sin(), 2) ** 2).sum() + (_F(t).avg_pool1d(x[0, 0], 3, 1) ** 3).sum()
                 + (_F(t).adaptive_avg_pool2d(x, 1) ** 2).sum(), [((1, 2, 4, 4), "any")]),
    "batch_norm": (lambda t, x, w, b: _F(t).batch_norm(x, None, None, w, b, training=True).tanh().sum(),
                   [((4, 3), "any"), ((3,), "any"), ((3,), "any")]),
    "layer_norm": (lambda t, x, w, b: (_F(t).layer_norm(x, (4,), w, b) ** 3).sum(),
                   [((3, 4), "any"), ((4,), "any"), ((4,), "any")]),
    "losses": (lambda t, x, y: _F(t).mse_loss(x, y) + _F(t).smooth_l1_loss(x, y) + _F(t).huber_loss(x * 2, y)
               + _F(t).binary_cross_entropy_with_logits(x, y.sigmoid())
               + _F(t).cross_entropy(x, t.tensor([0, 3, 1])) + _F(t).l1_loss(x, y),
               [((3, 4), "any"), ((3, 4), "any")]),
    "kl_nll": (lambda t, x, y: _F(t).kl_div(_F(t).log_softmax(x, 1), _F(t).softmax(y, 1), reduction="batchmean")
               + _F(t).nll_loss(_F(t).log_softmax(x * y, 1), t.tensor([2, 0, 1])),
               [((3, 4), "any"), ((3, 4), "any")]),
    "embedding": (lambda t, w: (_F(t).embedding(t.tensor([[0, 2], [1, 1]]), w) ** 3).sum(), [((3, 4), "any")]),
    "interpolate": (lambda t, x: (_F(t).interpolate(x, scale_factor=2, mode="bilinear", align_corners=False).sin()).sum(),
                    [((1, 1, 3, 3), "any")]),
    # torch's scaled_dot_product_attention has no double backward on the CPU; attention written out has.
    "attention": (lambda t, q, k, v: ((_F(t).softmax(q @ k.transpose(-2, -1) / 2.0, dim=-1) @ v) ** 2).sum(),
                  [((1, 3, 4), "any"), ((1, 3, 4), "any"), ((1, 3, 4), "any")]),
}


# ----------------------------------------------------------------- custom Functions

def _custom_functions(torch):
    class GradReverse(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, alpha):
            ctx.alpha = alpha
            return x.view_as(x)

        @staticmethod
        def backward(ctx, grad):
            return grad.neg() * ctx.alpha, None

    class StraightThroughRound(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.round()

        @staticmethod
        def backward(ctx, grad):
            return grad

    class ClippedExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return (grad * y).clamp(-1.0, 1.0)

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    class SplitScale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * w, (x * x).sum(dim=1)

        @staticmethod
        def backward(ctx, grad_scaled, grad_squares):
            x, w = ctx.saved_tensors
            grad_x = grad_scaled * w + 2 * x * grad_squares.unsqueeze(1) if ctx.needs_input_grad[0] else None
            grad_w = (grad_scaled * x).sum(dim=0) if ctx.needs_input_grad[1] else None
            return grad_x, grad_w

    class ArgmaxAndMax(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, indices = x.max(dim=1)
            ctx.mark_non_differentiable(indices)
            ctx.save_for_backward(x, indices)
            return values, indices

        @staticmethod
        @torch.autograd.function.once_differentiable
        def backward(ctx, grad_values, grad_indices):
            x, indices = ctx.saved_tensors
            grad = torch.zeros_like(x)
            grad.scatter_(1, indices.unsqueeze(1), grad_values.unsqueeze(1))
            return grad

    class Smooth(torch.autograd.Function):
        """torch 2 style: forward without ctx, and setup_context."""

        @staticmethod
        def forward(x, beta):
            return (x * beta).sigmoid() * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, beta = inputs
            ctx.save_for_backward(x)
            ctx.beta = beta

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            s = (x * ctx.beta).sigmoid()
            return grad * (s + x * ctx.beta * s * (1 - s)), None

    return GradReverse, StraightThroughRound, ClippedExp, Cube, SplitScale, ArgmaxAndMax, Smooth


def custom_function_program(torch, inputs):
    GradReverse, StraightThroughRound, ClippedExp, Cube, SplitScale, ArgmaxAndMax, Smooth = _custom_functions(torch)
    x, w = (t.detach().clone().requires_grad_(True) for t in inputs)
    out = {}
    reversed_ = GradReverse.apply(x, 0.5)
    rounded = StraightThroughRound.apply(x * 3)
    clipped = ClippedExp.apply(x)
    scaled, squares = SplitScale.apply(x, w)
    values, indices = ArgmaxAndMax.apply(x * w)
    smooth = Smooth.apply(x, 1.5)
    loss = ((reversed_ * w).sum() + (rounded * x).sum() + clipped.sum() + (scaled ** 2).sum()
            + (squares * 0.5).sum() + (values ** 2).sum() + smooth.sum())
    loss.backward()
    out["forward"] = [reversed_.detach(), rounded.detach(), clipped.detach(), scaled.detach(), squares.detach(),
                      values.detach(), smooth.detach()]
    out["indices"] = indices
    out["indices_require_grad"] = torch.tensor(float(indices.requires_grad))
    out["x_grad"], out["w_grad"] = x.grad, w.grad
    # Cube's backward is written with differentiable ops: it has a second derivative.
    cube = Cube.apply(x)
    (first,) = torch.autograd.grad(cube.sum(), x, create_graph=True)
    (second,) = torch.autograd.grad((first * w).sum(), x)
    out["cube_first"], out["cube_second"] = first.detach(), second
    return out


# ----------------------------------------------------------------- hooks

def tensor_hook_program(torch, inputs):
    x, w = (t.detach().clone().requires_grad_(True) for t in inputs)
    seen = []
    x.register_hook(lambda g: seen.append(g.clone()))
    doubled = x.register_hook(lambda g: g * 2)
    h = (x @ w).tanh()
    h.retain_grad()
    h.register_hook(lambda g: g.clamp(-0.1, 0.1))
    (h ** 2).sum().backward()
    first = {"x_grad": x.grad.clone(), "w_grad": w.grad.clone(), "h_grad": h.grad, "seen": seen[0]}
    doubled.remove()
    x.grad, w.grad = None, None
    (x @ w).sin().sum().backward(inputs=[x])
    first["x_grad_inputs_only"] = x.grad
    first["w_grad_untouched"] = torch.tensor(float(w.grad is None))
    return first


def _tiny_cnn(torch, weights):
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2)).double()
    with torch.no_grad():
        for p, value in zip(model.parameters(), weights):
            p.copy_(value)
    return model


CNN_SHAPES = [(3, 1, 3, 3), (3,), (4, 3, 3, 3), (4,), (2, 4), (2,)]


def grad_cam_program(torch, inputs):
    image, *weights = inputs
    model = _tiny_cnn(torch, weights)
    store = {}
    target_layer = model[3]
    forward = target_layer.register_forward_hook(lambda m, args, output: store.__setitem__("activation", output))
    backward = target_layer.register_full_backward_hook(lambda m, grad_in, grad_out: store.__setitem__("grad", grad_out[0]))
    image = image.detach().clone().requires_grad_(True)
    scores = model(image)
    scores[0, 1].backward()
    forward.remove()
    backward.remove()
    weights_per_channel = store["grad"].mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((weights_per_channel * store["activation"]).sum(dim=1))
    return {"scores": scores.detach(), "activation": store["activation"].detach(), "grad": store["grad"],
            "cam": cam.detach(), "image_grad": image.grad}


def wgan_gp_program(torch, inputs):
    real, fake, alpha, w1, b1, w2, b2 = inputs
    nn = torch.nn
    critic = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1)).double()
    with torch.no_grad():
        for p, value in zip(critic.parameters(), (w1, b1, w2, b2)):
            p.copy_(value)
    interpolated = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    scores = critic(interpolated)
    (gradients,) = torch.autograd.grad(scores, interpolated, grad_outputs=torch.ones_like(scores), create_graph=True,
                                       retain_graph=True)
    penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
    loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
    loss.backward()
    return {"penalty": penalty.detach(), "loss": loss.detach(), "grads": [p.grad for p in critic.parameters()]}


def physics_informed_program(torch, inputs):
    t_points, w1, b1, w2 = inputs
    t = t_points.detach().clone().requires_grad_(True)
    w1, b1, w2 = (p.detach().clone().requires_grad_(True) for p in (w1, b1, w2))
    u = torch.tanh(t @ w1.t() + b1) @ w2.t()
    (du,) = torch.autograd.grad(u.sum(), t, create_graph=True)
    (d2u,) = torch.autograd.grad(du.sum(), t, create_graph=True)
    residual = ((d2u + u) ** 2).mean()
    residual.backward()
    return {"u": u.detach(), "du": du.detach(), "d2u": d2u.detach(), "residual": residual.detach(),
            "grads": [w1.grad, b1.grad, w2.grad]}


def functional_program(torch, inputs):
    x, v = inputs
    F = torch.autograd.functional

    def scalar(z):
        return (z.sin() * z.exp()).sum() + (z[0] * z[1]) ** 2

    def vector(z):
        return torch.stack([z.prod(), (z ** 2).sum(), z.tanh().sum()])

    value, vjp = F.vjp(vector, x, torch.tensor([1.0, -2.0, 0.5], dtype=x.dtype))
    _, jvp = F.jvp(vector, x, v)
    _, hvp = F.hvp(scalar, x, v)
    _, vhp = F.vhp(scalar, x, v)
    (j_x, j_v) = F.jacobian(lambda a, b: a * b.sum() + b.exp(), (x, v))
    return {"jacobian": F.jacobian(vector, x), "hessian": F.hessian(scalar, x), "vjp": vjp, "jvp": jvp, "hvp": hvp,
            "vhp": vhp, "vector": value, "jacobian_pair": [j_x, j_v],
            "hessian_pair": [h for row in F.hessian(lambda a, b: (a * b).sum() ** 2, (x, v)) for h in row]}


# name: (program, [(shape, domain)])
PROGRAMS = {
    "custom_functions": (custom_function_program, [((3, 4), "any"), ((4,), "any")]),
    "tensor_hooks": (tensor_hook_program, [((3, 4), "any"), ((4, 2), "any")]),
    "grad_cam": (grad_cam_program, [((1, 1, 6, 6), "any")] + [(s, "any") for s in CNN_SHAPES]),
    "wgan_gp": (wgan_gp_program, [((5, 4), "any"), ((5, 4), "any"), ((5, 1), "unit_interval"), ((8, 4), "any"),
                                  ((8,), "any"), ((1, 8), "any"), ((1,), "any")]),
    "physics_informed": (physics_informed_program, [((6, 1), "any"), ((8, 1), "any"), ((8,), "any"), ((1, 8), "any")]),
    "functional": (functional_program, [((4,), "any"), ((4,), "any")]),
}
for _name, (_f, _points) in SECOND_ORDER.items():
    PROGRAMS[f"second_order/{_name}"] = (_hvp_program(_f), _points + [(shape, "any") for shape, _ in _points])

DOMAINS = {"any": (-2.0, 2.0), "positive": (0.25, 2.25), "unit": (-0.9, 0.9), "above_one": (1.1, 3.0),
           "unit_interval": (0.0, 1.0)}
