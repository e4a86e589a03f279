"""Bad input raises a Python exception with a clear message; the process lives on."""

import pytest

import cajal as torch


def test_shape_mismatch_in_binary_op():
    with pytest.raises(RuntimeError, match=r"\[add\] shapes \(2x3\) and \(4\) cannot be broadcast"):
        torch.ones(2, 3) + torch.ones(4)
    with pytest.raises(RuntimeError, match=r"\[mul\]"):
        torch.ones(2, 3) * torch.ones(3, 2)
    x = torch.ones(3)
    with pytest.raises(RuntimeError, match=r"\[add_\] output with shape \(3\)"):
        x += torch.ones(2, 3)


def test_shape_mismatch_in_matmul():
    with pytest.raises(RuntimeError, match=r"\[matmul\] shapes \(2x3\) and \(4x5\) cannot be multiplied"):
        torch.ones(2, 3) @ torch.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"\[matmul\] shapes \(3\) and \(4\)"):
        torch.ones(3) @ torch.ones(4)
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64)


def test_invalid_dim():
    with pytest.raises(IndexError, match=r"\[sum\] Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        torch.ones(2, 3).sum(2)
    with pytest.raises(IndexError, match=r"\[transpose\]"):
        torch.ones(2, 3).transpose(0, 5)
    with pytest.raises(IndexError, match=r"\[unsqueeze\]"):
        torch.ones(2).unsqueeze(-3)
    with pytest.raises(IndexError):
        torch.ones(2).size(1)


def test_backward_on_non_scalar_without_gradient():
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_second_backward_without_retain_graph():
    x = torch.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_item_on_many_elements():
    with pytest.raises(RuntimeError, match=r"a Tensor with 6 elements cannot be converted to Scalar"):
        torch.ones(2, 3).item()


def test_unknown_dtype_or_device_string():
    with pytest.raises(TypeError, match="unknown dtype 'complex32'"):
        torch.zeros(2, dtype="complex32")
    with pytest.raises(TypeError, match="unknown dtype"):
        torch.ones(2).to("quint8")
    with pytest.raises(RuntimeError, match="device type at start of device string: gpu"):
        torch.device("gpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.ones(2).to("cuda:0")


def test_more_bad_inputs_never_crash():
    with pytest.raises(ValueError, match="negative dimension"):
        torch.zeros(2, -1)
    with pytest.raises(MemoryError):
        torch.zeros(2**62, 2**10)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        torch.ones(2, 3).t().view(6)
    with pytest.raises(RuntimeError, match=r"shape '\(4x-1\)' is invalid for input of size 6"):
        torch.ones(2, 3).reshape(4, -1)
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype can require gradients"):
        torch.ones(2, dtype=torch.int64).requires_grad_()
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x = torch.ones(2, requires_grad=True)
        x += 1
    with pytest.raises(NotImplementedError, match=r"Subtraction, the `-` operator, with a bool tensor"):
        torch.tensor([True]) - torch.tensor([False])
    with pytest.raises(RuntimeError, match="mean"):
        torch.arange(3).mean()
    with pytest.raises(ValueError, match="expected sequence of length 2 at dim 1"):
        torch.tensor([[1, 2], [3]])
    with pytest.raises(ValueError, match="step must be nonzero"):
        torch.arange(0, 3, 0)
    with pytest.raises(NotImplementedError, match="view"):
        torch.ones(3).view(torch.float32)
    with pytest.raises(IndexError, match=r"index 3 is out of bounds for dimension 0 with size 3"):
        torch.ones(3)[3]
    with pytest.raises(IndexError, match=r"\[index\] index -4 is out of bounds"):
        torch.ones(3)[[0, -4]]
    with pytest.raises(IndexError, match="too many indices"):
        torch.ones(3)[0, 1]
    with pytest.raises(IndexError, match="shape of the mask"):
        torch.ones(2, 3)[torch.tensor([True, False, True])]
    with pytest.raises(IndexError, match="must be long"):
        torch.ones(3)[torch.tensor([0.0])]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        torch.ones(3)[::-1]
    with pytest.raises(RuntimeError, match=r"\[gather\] index 5 is out of bounds"):
        torch.ones(2, 3).gather(1, torch.tensor([[5], [0]]))
    with pytest.raises(TypeError):
        torch.ones(2) + "text"
    with pytest.raises(RuntimeError, match="numpy"):
        torch.ones(2, requires_grad=True).numpy()
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"assigned grad has data of a different size: \(3\) vs \(2\)"):
        x.grad = torch.ones(3)
    with pytest.raises(RuntimeError, match="different type"):
        x.grad = torch.ones(2, dtype=torch.float64)
    # torch's message; the tensor would hold itself and never be freed.
    with pytest.raises(RuntimeError, match="can't assign Variable as its own grad"):
        x.grad = x
    assert x.grad is None
    # The process is alive and the engine still works.
    assert (torch.ones(2) + 1).tolist() == [2.0, 2.0]


def test_null_handles_are_refused_by_the_c_layer():
    from ctypes import byref, c_void_p

    from cajal import _ffi

    out = c_void_p()
    status = _ffi.lib.cajal_tensor_add(None, None, byref(out))
    assert status == 8 and "handle is NULL" in _ffi.last_error() and out.value is None
    _ffi.lib.cajal_tensor_free(None)  # a no-op


def test_linear_algebra_bad_inputs():
    with pytest.raises(RuntimeError, match=r"\[mm\] mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"):
        torch.mm(torch.ones(2, 3), torch.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"\[mm\] self must be a matrix"):
        torch.ones(3).mm(torch.ones(3, 2))
    with pytest.raises(RuntimeError, match=r"\[bmm\] batch1 and batch2 must have same number of batches, got 2 and 3"):
        torch.bmm(torch.ones(2, 3, 4), torch.ones(3, 4, 5))
    with pytest.raises(RuntimeError, match=r"\[bmm\] .*must be 3-D"):
        torch.bmm(torch.ones(3, 4), torch.ones(4, 5))
    with pytest.raises(RuntimeError, match=r"\[mv\] size mismatch"):
        torch.mv(torch.ones(2, 3), torch.ones(4))
    with pytest.raises(RuntimeError, match=r"\[dot\] inconsistent tensor size"):
        torch.dot(torch.ones(3), torch.ones(4))
    with pytest.raises(RuntimeError, match=r"\[outer\]"):
        torch.outer(torch.ones(2, 2), torch.ones(3))
    # Singular matrices: every factorisation reports, none traps.
    with pytest.raises(RuntimeError, match=r"\[linalg.inv\] .*singular"):
        torch.linalg.inv(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(RuntimeError, match=r"\[linalg.solve\] .*singular"):
        torch.linalg.solve(torch.zeros(3, 3), torch.ones(3))
    assert torch.linalg.det(torch.zeros(3, 3)).item() == 0.0
    with pytest.raises(RuntimeError, match=r"\[linalg.inv\] .*square matrices, but they are 2 by 3"):
        torch.linalg.inv(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"\[linalg.det\] .*at least 2 dimensions"):
        torch.linalg.det(torch.ones(3))
    with pytest.raises(RuntimeError, match=r"\[linalg.inv\] .*floating point"):
        torch.linalg.inv(torch.eye(2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match=r"\[linalg.solve\] .*Incompatible shapes"):
        torch.linalg.solve(torch.eye(3), torch.ones(4, 2))
    with pytest.raises(RuntimeError, match=r"\[linalg.solve\] .*same dtype"):
        torch.linalg.solve(torch.eye(3), torch.ones(3, dtype=torch.float64))
    with pytest.raises(RuntimeError, match=r"Order 3.0 not supported"):
        torch.linalg.norm(torch.ones(2, 2), 3)
    with pytest.raises(RuntimeError, match=r"ord 'fro' and 'nuc' need two dims"):
        torch.linalg.norm(torch.ones(2), "nuc")
    with pytest.raises(RuntimeError, match=r"length 1 or 2"):
        torch.linalg.norm(torch.ones(2, 2, 2), dim=(0, 1, 2))
    with pytest.raises(RuntimeError, match=r"input must be 1D or 2D"):
        torch.linalg.norm(torch.ones(2, 2, 2), 1)
    with pytest.raises(IndexError, match=r"\[linalg.norm\]"):
        torch.linalg.norm(torch.ones(2, 2), dim=(0, 5))
    # A singular matrix's determinant has no gradient formula here: an error, not a trap.
    a = torch.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"singular"):
        torch.linalg.det(a).backward()


def test_einsum_bad_equations():
    a, b = torch.ones(2, 3), torch.ones(4, 5)
    cases = [
        (("ij,jk", a, b), r"subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3"),
        (("ii", a), r"subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"),
        (("ijk", a), r"number of subscripts in the equation \(3\) does not match the number of dimensions \(2\)"),
        (("ij->ii", a), r"output subscript i appears more than once"),
        (("ij->k", a), r"output subscript k does not appear in the equation"),
        (("ij,jk", a), r"fewer operands were provided than specified"),
        (("i", torch.ones(2), torch.ones(2)), r"more operands were provided than specified"),
        (("i1", torch.ones(2)), r"invalid subscript"),
        (("......", torch.ones(2)), r"more than one ellipsis"),
        (("ij,j->i", torch.ones(2, 3, dtype=torch.float64), torch.ones(3)), r"same dtype"),
        (("i->->i", torch.ones(2)), r"more than one '->'"),
    ]
    for args, message in cases:
        with pytest.raises(RuntimeError, match=r"\[einsum\] einsum\(\): .*" + message):
            torch.einsum(*args)
    with pytest.raises(NotImplementedError, match="sublist"):
        torch.einsum(torch.ones(2), [0], [0])
    assert torch.einsum("ii", torch.eye(3)).item() == 3.0
