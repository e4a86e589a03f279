"""Temporaries passed straight into calls must live until the call returns.
(A handle read off a temporary, `f(x)._handle`, can be freed before the C call
runs; ctypes' _as_parameter_ keeps the Tensor itself alive instead.)"""

import gc

import cajal as torch


def test_temporaries_survive_their_calls():
    for _ in range(3000):
        y = torch.zeros(3, 4)
        y[1] = 5
        y[:, 0] = torch.tensor([1.0, 2.0, 3.0])
        y[y > 4] = -1
        y[[0, 2], [1, 3]] = 7
        total = (y.masked_fill(y > 0, 2.0).masked_select(y < 3).sum() + y.index_select(1, [0, 2]).sum()
                 + y.gather(1, [[0], [1], [2]]).sum() + y.clamp(torch.zeros(1), torch.ones(1) * 3).sum())
        assert y.equal(y.clone()) and y.isclose(y + 0).all() if hasattr(y, "all") else True
        y.copy_(torch.ones(4) * 2)
        y.index_put_([torch.tensor([0])], torch.tensor(9.0))
    gc.collect()
    assert y.tolist()[0] == [9.0] * 4 and total.item() == total.item()
