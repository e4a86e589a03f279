"""Adam for the examples until cajal.optim lands (issue 6): torch.optim.Adam's
update with its default betas and eps, on every parameter that has a gradient."""

import cajal as torch


class Adam:
    def __init__(self, parameters, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.parameters = [p for p in parameters if p.requires_grad]
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in self.parameters]
        self.steps = 0

    def zero_grad(self):
        for p in self.parameters:
            p.grad = None

    def step(self):
        self.steps += 1
        correction1, correction2 = 1 - self.beta1 ** self.steps, 1 - self.beta2 ** self.steps
        with torch.no_grad():
            for p, (m, v) in zip(self.parameters, self.moments):
                if p.grad is None:
                    continue
                m.mul_(self.beta1).add_(p.grad * (1 - self.beta1))
                v.mul_(self.beta2).add_(p.grad * p.grad * (1 - self.beta2))
                p.sub_(m / ((v / correction2).sqrt() + self.eps) * (self.lr / correction1))
