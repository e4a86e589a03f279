"""The C API: linear algebra.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("linear algebra")

fn("int cajal_tensor_matmul(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.matmul: 1-D operands act as vectors, batch dims broadcast.",
   swift='newTensor(out) { try tensorArgument(a, "a").matmul(tensorArgument(b, "b")) }')

fn("int cajal_tensor_mm(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.mm: two matrices.",
   swift='newTensor(out) { try tensorArgument(a, "a").mm(tensorArgument(b, "b")) }')

fn("int cajal_tensor_bmm(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.bmm: two 3-D batches with equal batch sizes.",
   swift='newTensor(out) { try tensorArgument(a, "a").bmm(tensorArgument(b, "b")) }')

fn("int cajal_tensor_mv(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.mv: a matrix times a vector.",
   swift='newTensor(out) { try tensorArgument(a, "a").mv(tensorArgument(b, "b")) }')

fn("int cajal_tensor_dot(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.dot: two vectors of one length, giving a 0-D tensor.",
   swift='newTensor(out) { try tensorArgument(a, "a").dot(tensorArgument(b, "b")) }')

fn("int cajal_tensor_outer(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.outer: a[i] * b[j].",
   swift='newTensor(out) { try tensorArgument(a, "a").outer(tensorArgument(b, "b")) }')

fn("int cajal_einsum(const char *equation, const cajal_tensor *operands, size_t count, cajal_tensor *out)",
   """torch.einsum over count operands, e.g. "bij,bjk->bik"; "..." broadcasts, repeated subscripts take diagonals,
and without "->" the output is the subscripts seen once, in alphabetical order (A-Z before a-z).""",
   swift='''newTensor(out) {
    guard let equation else { throw CajalError(.nullArgument, "[einsum] equation is NULL") }
    guard let text = String(validatingCString: equation) else { throw CajalError.value("[einsum] the equation is not valid UTF-8") }
    return try Tensor.einsum(text, tensorList(operands, count, "operands"))
}''')

fn("int cajal_linalg_inv(cajal_tensor a, cajal_tensor *out)",
   "torch.linalg.inv of each square matrix in the batch; fails (CAJAL_ERROR_RUNTIME) when one is singular.",
   swift='newTensor(out) { try tensorArgument(a, "A").inv() }')

fn("int cajal_linalg_det(cajal_tensor a, cajal_tensor *out)",
   "torch.linalg.det of each square matrix in the batch. The gradient needs invertible matrices.",
   swift='newTensor(out) { try tensorArgument(a, "A").det() }')

fn("int cajal_linalg_solve(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "torch.linalg.solve: X with A X = B. B is [..., n, k], or [..., n] when it has one dim fewer than A.",
   swift='newTensor(out) { try Tensor.solve(tensorArgument(a, "A"), tensorArgument(b, "B")) }')

fn("int cajal_linalg_norm(cajal_tensor x, cajal_norm_kind ord_kind, double p, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   """torch.linalg.norm with the norm ord_kind (p for CAJAL_NORM_KIND_NUMBER). dims: 1 (vector norm) or 2 (matrix norm);
ndims 0 means None. Matrix norms with p = +-2 and the nuclear norm come from the singular values.""",
   swift=r'''newTensor(out) {
    try tensorArgument(x).linalgNorm(ord: Tensor.NormOrder(ord_kind, p: p), dims: ndims == 0 ? nil : ints(dims, ndims, "dims"), keepDim: keepdim != 0)
}''')

fn("int cajal_linalg_cholesky(cajal_tensor a, int32_t upper, cajal_tensor *out)",
   """torch.linalg.cholesky: L with A = L Lᵀ for each symmetric positive-definite matrix (U = Lᵀ with
upper); fails naming the first leading minor that is not positive-definite.""",
   swift='newTensor(out) { try tensorArgument(a, "A").cholesky(upper: upper != 0) }')

fn("int cajal_linalg_solve_triangular(cajal_tensor a, cajal_tensor b, int32_t upper, int32_t left, int32_t unitriangular, cajal_tensor *out)",
   """torch.linalg.solve_triangular: X with A X = B (X A = B when left is 0) for triangular A, of which
only the upper (or lower) triangle is read; batch dims broadcast.""",
   swift='''newTensor(out) {
    try Tensor.solveTriangular(tensorArgument(a, "A"), tensorArgument(b, "B"), upper: upper != 0, left: left != 0,
                               unitriangular: unitriangular != 0)
}''')

fn("int cajal_linalg_eigh(cajal_tensor a, int32_t upper, cajal_tensor *values, cajal_tensor *vectors)",
   """torch.linalg.eigh: the eigenvalues (ascending) and eigenvectors (columns) of each symmetric matrix,
read from its lower triangle (upper when upper is nonzero). On error nothing is written.""",
   swift='''status {
    guard let values, let vectors else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let (w, v) = try tensorArgument(a, "A").eigh(upper: upper != 0)
    values.pointee = handle(w)
    vectors.pointee = handle(v)
}''')

fn("int cajal_linalg_eigvalsh(cajal_tensor a, int32_t upper, cajal_tensor *out)",
   "torch.linalg.eigvalsh: the eigenvalues (ascending) of each symmetric matrix.",
   swift='newTensor(out) { try tensorArgument(a, "A").eigvalsh(upper: upper != 0) }')

fn("int cajal_linalg_svd(cajal_tensor a, int32_t full_matrices, cajal_tensor *u, cajal_tensor *s, cajal_tensor *vh)",
   """torch.linalg.svd: A = U diag(S) Vh for each matrix, S descending; U and Vh have min(m, n) columns and
rows, or m and n with full_matrices. Gradients through U or Vh need full_matrices 0. On error nothing is written.""",
   swift='''status {
    guard let u, let s, let vh else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let (left, values, right) = try tensorArgument(a, "A").svd(fullMatrices: full_matrices != 0)
    (u.pointee, s.pointee, vh.pointee) = (handle(left), handle(values), handle(right))
}''')

fn("int cajal_linalg_qr(cajal_tensor a, cajal_qr_mode mode, cajal_tensor *q, cajal_tensor *r)",
   """torch.linalg.qr: A = QR for each matrix by Householder reflections (LAPACK's signs, as torch's). Q has
orthonormal columns, R is upper triangular; their sizes follow mode. On error nothing is written.""",
   swift='''status {
    guard let q, let r else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let (factorQ, factorR) = try tensorArgument(a, "A").qr(mode: mode)
    (q.pointee, r.pointee) = (handle(factorQ), handle(factorR))
}''')

fn("int cajal_linalg_eig(cajal_tensor a, cajal_tensor *values, cajal_tensor *vectors)",
   """torch.linalg.eig: the eigenvalues and unit right eigenvectors (columns) of each general square matrix, as
complex tensors (LAPACK's geev, its order). Forward only: differentiating them raises. On error nothing is written.""",
   swift='''status {
    guard let values, let vectors else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let (lambda, v) = try tensorArgument(a, "A").eig()
    (values.pointee, vectors.pointee) = (handle(lambda), handle(v))
}''')

fn("int cajal_linalg_eigvals(cajal_tensor a, cajal_tensor *out)",
   "torch.linalg.eigvals: the eigenvalues of each general square matrix, complex. Forward only.",
   swift='newTensor(out) { try tensorArgument(a, "A").eigvals() }')

fn("int cajal_linalg_svdvals(cajal_tensor a, cajal_tensor *out)",
   "torch.linalg.svdvals: the singular values of each matrix, descending.",
   swift='newTensor(out) { try tensorArgument(a, "A").svdvals() }')

fn("int cajal_linalg_slogdet(cajal_tensor a, cajal_tensor *sign, cajal_tensor *logabsdet)",
   """torch.linalg.slogdet: the sign and log |det| of each square matrix (0 and -inf when singular);
logabsdet is differentiable. On error nothing is written.""",
   swift='''status {
    guard let sign, let logabsdet else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let (s, l) = try tensorArgument(a, "A").slogdet()
    (sign.pointee, logabsdet.pointee) = (handle(s), handle(l))
}''')
