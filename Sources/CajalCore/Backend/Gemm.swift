import CCajalPlatform
import CajalRuntime

/// The BLAS in use: OpenBLAS's name for its kernels ("SkylakeX", "Haswell",
/// ...), "MKL <version> (sequential)", or "unavailable" when none could be
/// loaded (loading it if not yet done).
public var blasCore: String { String(cString: cajal_blas_core_name()) }

package enum Gemm {
    /// Whether BLAS can read an (rows x cols) matrix with these element
    /// strides directly, and how.
    static func blasLayout(rows: Int, cols: Int, rowStride: Int, colStride: Int) -> (transposed: Bool, ld: Int)? {
        if colStride == 1 || cols == 1 {
            let ld = rows == 1 ? Swift.max(cols, 1) : rowStride
            if ld >= Swift.max(cols, 1) { return (false, ld) }
        }
        if rowStride == 1 || rows == 1 {
            let ld = cols == 1 ? Swift.max(rows, 1) : colStride
            if ld >= Swift.max(rows, 1) { return (true, ld) }
        }
        return nil
    }

    /// C (m x n, row-major, leading dimension ldc) = A (m x k) * B (k x n) + beta * C
    /// (beta 1 accumulates; float types only).
    package static func multiply(dtype: DType, m: Int, n: Int, k: Int, a: MatrixOperand, b: MatrixOperand,
                         c: UnsafeMutableRawPointer, ldc: Int, beta: Double = 0) {
        if m == 0 || n == 0 { return }
        let ta: Int32 = a.transposed ? 1 : 0, tb: Int32 = b.transposed ? 1 : 0
        let work = Double(m) * Double(n) * Double(k)
        if blasIsSequential {
            // MKL's sequential layer or OpenBLAS on one thread: a product
            // inside a parallel job runs as it is; a large one outside is
            // split across our own cores.
            if work > singleThreadWork && !Parallel.isRunningJob && dtype != .int64 {
                let parts = Swift.min(Parallel.threadCount, Int((work / singleThreadWork).rounded(.up)))
                if parts > 1 && Swift.max(m, n) >= parts {
                    splitMultiply(parts: parts, dtype: dtype, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, beta: beta)
                    return
                }
            }
        } else if work > singleThreadWork && Parallel.isRunningJob {
            // (An OpenBLAS without openblas_set_num_threads runs on its own threads.)
            // Inside a parallel job (a slice of images or of a batch): the
            // cores are busy, so the product goes in one-thread pieces here
            // rather than to OpenBLAS's threads, which would fight our own.
            let parts = Int((work / singleThreadWork).rounded(.up))
            if Swift.max(m, n) >= parts && dtype != .int64 {
                splitMultiply(parts: parts, dtype: dtype, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, beta: beta)
                return
            }
        } else if work > singleThreadWork {
            // Just above OpenBLAS's threshold its threads hand work over with
            // sched_yield, which costs more than the product (an LSTM step's
            // 32 x 256 x 64): split it on our own cores instead, each part
            // small enough for OpenBLAS to keep on one thread.
            let parts = Int((work / singleThreadWork).rounded(.up))
            if parts <= Parallel.threadCount && Swift.max(m, n) >= parts && dtype != .int64 {
                splitMultiply(parts: parts, dtype: dtype, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, beta: beta)
                return
            }
            // Larger products run on OpenBLAS's threads; our spinning workers
            // would hold the cores those threads need.
            Parallel.yieldCores()
        }
        switch dtype {
        case .float32:
            let status = cajal_blas_sgemm(ta, tb, Int32(m), Int32(n), Int32(k), 1,
                                          a.pointer.assumingMemoryBound(to: Float.self), Int32(a.leadingDimension),
                                          b.pointer.assumingMemoryBound(to: Float.self), Int32(b.leadingDimension),
                                          Float(beta), c.assumingMemoryBound(to: Float.self), Int32(ldc))
            if status != 0 { kernels.plainMatrixMultiply(dtype, m, n, k, a, b, c, ldc, beta) }
        case .float64:
            let status = cajal_blas_dgemm(ta, tb, Int32(m), Int32(n), Int32(k), 1,
                                          a.pointer.assumingMemoryBound(to: Double.self), Int32(a.leadingDimension),
                                          b.pointer.assumingMemoryBound(to: Double.self), Int32(b.leadingDimension),
                                          beta, c.assumingMemoryBound(to: Double.self), Int32(ldc))
            if status != 0 { kernels.plainMatrixMultiply(dtype, m, n, k, a, b, c, ldc, beta) }
        case .int64:
            kernels.plainMatrixMultiply(dtype, m, n, k, a, b, c, ldc, beta)  // BLAS has no integer gemm
        default:
            break  // bool is rejected, storage types multiply in their kernel type, before here
        }
    }

    /// Whether the BLAS in use runs each call on the calling thread only (MKL
    /// sequential, or OpenBLAS set to one thread).
    static let blasIsSequential = cajal_blas_is_sequential() != 0

    /// The largest product (m·n·k) OpenBLAS computes on one thread: its
    /// GEMM_MULTITHREAD_THRESHOLD (4) x 65536.
    package static let singleThreadWork = 262_144.0

    /// The product in `parts` slices of rows (or of columns, when there are
    /// more of them), one per core.
    private static func splitMultiply(parts: Int, dtype: DType, m: Int, n: Int, k: Int, a: MatrixOperand, b: MatrixOperand,
                                      c: UnsafeMutableRawPointer, ldc: Int, beta: Double) {
        let item = dtype.itemSize, byRows = m >= n
        Parallel.forEachChunk(parts, costPerItem: 1 << 20, grain: 1) { range in
            for part in range {
                if byRows {
                    let first = m * part / parts, rows = m * (part + 1) / parts - first
                    let aPart = MatrixOperand(pointer: a.pointer + first * (a.transposed ? 1 : a.leadingDimension) * item,
                                              transposed: a.transposed, leadingDimension: a.leadingDimension)
                    multiply(dtype: dtype, m: rows, n: n, k: k, a: aPart, b: b, c: c + first * ldc * item, ldc: ldc, beta: beta)
                } else {
                    let first = n * part / parts, columns = n * (part + 1) / parts - first
                    let bPart = MatrixOperand(pointer: b.pointer + first * (b.transposed ? b.leadingDimension : 1) * item,
                                              transposed: b.transposed, leadingDimension: b.leadingDimension)
                    multiply(dtype: dtype, m: m, n: columns, k: k, a: a, b: bPart, c: c + first * item, ldc: ldc, beta: beta)
                }
            }
        }
    }
}
