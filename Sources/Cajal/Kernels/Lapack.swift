import COpenBLAS

/// LAPACK on one square matrix at a time (column-major, as LAPACK wants).
/// Each returns LAPACK's `info`: 0 on success, i > 0 when U(i,i) is zero.
enum Lapack {
    /// LU-factorises the n x n column-major matrix in place; returns info and
    /// the sign of the row permutation.
    static func factor(dtype: DType, _ a: UnsafeMutableRawPointer, n: Int, pivots: UnsafeMutablePointer<Int32>) -> (info: Int, sign: Double) {
        var m = Int32(n), size = Int32(n), lda = Int32(Swift.max(n, 1)), info: Int32 = 0
        if dtype == .float32 {
            sgetrf_(&m, &size, a.assumingMemoryBound(to: Float.self), &lda, pivots, &info)
        } else {
            dgetrf_(&m, &size, a.assumingMemoryBound(to: Double.self), &lda, pivots, &info)
        }
        var sign = 1.0
        for i in 0..<n where pivots[i] != Int32(i + 1) { sign = -sign }
        return (Int(info), sign)
    }

    /// Replaces an LU factorisation (from `factor`) by the inverse.
    static func invertFactored(dtype: DType, _ a: UnsafeMutableRawPointer, n: Int, pivots: UnsafeMutablePointer<Int32>) -> Int {
        var size = Int32(n), lda = Int32(Swift.max(n, 1)), info: Int32 = 0
        var lwork = Int32(Swift.max(n, 1) * 64)
        if dtype == .float32 {
            let work = UnsafeMutablePointer<Float>.allocate(capacity: Int(lwork))
            defer { work.deallocate() }
            sgetri_(&size, a.assumingMemoryBound(to: Float.self), &lda, pivots, work, &lwork, &info)
        } else {
            let work = UnsafeMutablePointer<Double>.allocate(capacity: Int(lwork))
            defer { work.deallocate() }
            dgetri_(&size, a.assumingMemoryBound(to: Double.self), &lda, pivots, work, &lwork, &info)
        }
        return Int(info)
    }

    /// Solves A X = B for column-major A (n x n, overwritten by its LU) and B
    /// (n x k, overwritten by X).
    static func solve(dtype: DType, _ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer, n: Int, k: Int) -> Int {
        var size = Int32(n), nrhs = Int32(k), lda = Int32(Swift.max(n, 1)), ldb = Int32(Swift.max(n, 1)), info: Int32 = 0
        let pivots = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(n, 1))
        defer { pivots.deallocate() }
        if dtype == .float32 {
            sgesv_(&size, &nrhs, a.assumingMemoryBound(to: Float.self), &lda, pivots, b.assumingMemoryBound(to: Float.self), &ldb, &info)
        } else {
            dgesv_(&size, &nrhs, a.assumingMemoryBound(to: Double.self), &lda, pivots, b.assumingMemoryBound(to: Double.self), &ldb, &info)
        }
        return Int(info)
    }
}
