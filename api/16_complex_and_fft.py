"""The C API: complex numbers and Fourier transforms.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("complex numbers and Fourier transforms")

note("""CAJAL_COMPLEX64 and CAJAL_COMPLEX128 hold interleaved (re, im) pairs of float32 or float64.
Views, indexing, joining, +, -, *, /, neg, abs, sum and mean take them; other ops refuse them by name.""")

fn("int cajal_tensor_scalar_complex(double re, double im, cajal_tensor *out)",
   """Like cajal_tensor_scalar, for a host complex number (a Python complex): a
complex128 0-dim tensor that ranks below real tensors, so float32 * 1j is complex64.""",
   swift='newTensor(out) { try Tensor.scalar(real: re, imaginary: im) }')

fn("int cajal_tensor_view_as_real(cajal_tensor x, cajal_tensor *out)",
   "torch.view_as_real: a complex tensor's (re, im) pairs as a float view with a last dim of 2.",
   swift='newTensor(out) { try tensorArgument(x).viewAsReal() }')

fn("int cajal_tensor_view_as_complex(cajal_tensor x, cajal_tensor *out)",
   "torch.view_as_complex: a float32/float64 tensor whose last dim (size 2, stride 1) holds (re, im), as complex.",
   swift='newTensor(out) { try tensorArgument(x).viewAsComplex() }')

fn("int cajal_complex(cajal_tensor real, cajal_tensor imag, cajal_tensor *out)",
   "torch.complex: real + i imag, from float tensors of one dtype (broadcast).",
   swift='newTensor(out) { try Tensor.complex(real: tensorArgument(real, "real"), imaginary: tensorArgument(imag, "imag")) }')

fn("int cajal_tensor_real(cajal_tensor x, cajal_tensor *out)",
   "The real parts of a complex tensor, as a view.",
   swift='newTensor(out) { try tensorArgument(x).realPart() }')

fn("int cajal_tensor_imag(cajal_tensor x, cajal_tensor *out)",
   "The imaginary parts of a complex tensor, as a view.",
   swift='newTensor(out) { try tensorArgument(x).imaginaryPart() }')

fn("int cajal_tensor_conj(cajal_tensor x, cajal_tensor *out)",
   "The complex conjugate (a new tensor); a real tensor is returned as itself.",
   swift='newTensor(out) { try tensorArgument(x).conj() }')

fn("int cajal_tensor_angle(cajal_tensor x, cajal_tensor *out)",
   "The argument of each element, atan2(imag, real) (0 or pi for real tensors).",
   swift='newTensor(out) { try tensorArgument(x).angle() }')

fn("int cajal_fft_fft(cajal_tensor x, int64_t n, int64_t dim, cajal_fft_norm norm, int32_t inverse, cajal_tensor *out)",
   """torch.fft.fft (ifft when inverse is nonzero) along dim by FFTW, after zero-padding or trimming dim to n
points (n -1 keeps its size). Real input is taken as complex.""",
   swift='newTensor(out) { try tensorArgument(x).fft(n: n < 0 ? nil : Int(n), dim: Int(dim), norm: norm, inverse: inverse != 0) }')

fn("int cajal_fft_rfft(cajal_tensor x, int64_t n, int64_t dim, cajal_fft_norm norm, cajal_tensor *out)",
   "torch.fft.rfft: the n / 2 + 1 non-negative frequency bins of a real signal (n -1: dim's size).",
   swift='newTensor(out) { try tensorArgument(x).rfft(n: n < 0 ? nil : Int(n), dim: Int(dim), norm: norm) }')

fn("int cajal_fft_irfft(cajal_tensor x, int64_t n, int64_t dim, cajal_fft_norm norm, cajal_tensor *out)",
   "torch.fft.irfft: n real points (n -1: 2 (bins - 1)) from the first n / 2 + 1 bins of a Hermitian spectrum.",
   swift='newTensor(out) { try tensorArgument(x).irfft(n: n < 0 ? nil : Int(n), dim: Int(dim), norm: norm) }')
