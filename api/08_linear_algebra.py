"""The C API: linear algebra. Generated files come from this; see tools/generate.py."""

section("linear algebra")

fn("int cajal_tensor_matmul(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.matmul: 1-D operands act as vectors, batch dims broadcast.")

fn("int cajal_tensor_mm(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.mm: two matrices.")

fn("int cajal_tensor_bmm(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.bmm: two 3-D batches with equal batch sizes.")

fn("int cajal_tensor_mv(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.mv: a matrix times a vector.")

fn("int cajal_tensor_dot(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.dot: two vectors of one length, giving a 0-D tensor.")

fn("int cajal_tensor_outer(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.outer: a[i] * b[j].")

fn("int cajal_einsum(const char *equation, const cajal_tensor *operands, size_t count, cajal_tensor *out)",
   """torch.einsum over count operands, e.g. "bij,bjk->bik"; "..." broadcasts, repeated subscripts take diagonals,
and without "->" the output is the subscripts seen once, in alphabetical order (A-Z before a-z).""")

fn("int cajal_linalg_inv(cajal_tensor a, cajal_tensor *out)",
   "torch.linalg.inv of each square matrix in the batch; fails (CAJAL_ERROR_RUNTIME) when one is singular.")

fn("int cajal_linalg_det(cajal_tensor a, cajal_tensor *out)",
   "torch.linalg.det of each square matrix in the batch. The gradient needs invertible matrices.")

fn("int cajal_linalg_solve(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.linalg.solve: X with A X = B. B is [..., n, k], or [..., n] when it has one dim fewer than A.")

fn("int cajal_linalg_norm(cajal_tensor x, int32_t ord_kind, double p, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   """torch.linalg.norm. ord_kind: 0 the default (2-norm of vectors, Frobenius of matrices), 1 the number p
(INFINITY allowed), 2 'fro', 3 'nuc' (not supported yet). dims: 1 (vector norm) or 2 (matrix norm);
ndims 0 means None. Matrix norms with p = +-2 need an SVD and are not supported yet.""")
