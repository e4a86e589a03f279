import CCajalPlatform

/// LAPACK on one square matrix at a time (column-major, as LAPACK wants).
/// Each returns LAPACK's `info`: 0 on success, i > 0 when U(i,i) is zero,
/// and throws when OpenBLAS (which provides LAPACK) cannot be loaded.
enum Lapack {
    private static func check(_ status: Int32, _ op: String) throws {
        if status != 0 {
            throw CajalError.runtime("[\(op)] LAPACK is unavailable: libopenblas.so.0 could not be loaded (install libopenblas0)")
        }
    }

    /// LU-factorises the n x n column-major matrix in place; returns info and
    /// the sign of the row permutation.
    static func factor(dtype: DType, _ a: UnsafeMutableRawPointer, n: Int, pivots: UnsafeMutablePointer<Int32>) throws -> (info: Int, sign: Double) {
        let size = Int32(n), lda = Int32(Swift.max(n, 1))
        var info: Int32 = 0
        if dtype == .float32 {
            try check(cajal_lapack_sgetrf(size, size, a.assumingMemoryBound(to: Float.self), lda, pivots, &info), "linalg")
        } else {
            try check(cajal_lapack_dgetrf(size, size, a.assumingMemoryBound(to: Double.self), lda, pivots, &info), "linalg")
        }
        var sign = 1.0
        for i in 0..<n where pivots[i] != Int32(i + 1) { sign = -sign }
        return (Int(info), sign)
    }

    /// Replaces an LU factorisation (from `factor`) by the inverse.
    static func invertFactored(dtype: DType, _ a: UnsafeMutableRawPointer, n: Int, pivots: UnsafeMutablePointer<Int32>) throws -> Int {
        let size = Int32(n), lda = Int32(Swift.max(n, 1))
        var info: Int32 = 0
        let lwork = Int32(Swift.max(n, 1) * 64)
        if dtype == .float32 {
            let work = UnsafeMutablePointer<Float>.allocate(capacity: Int(lwork))
            defer { work.deallocate() }
            try check(cajal_lapack_sgetri(size, a.assumingMemoryBound(to: Float.self), lda, pivots, work, lwork, &info), "linalg.inv")
        } else {
            let work = UnsafeMutablePointer<Double>.allocate(capacity: Int(lwork))
            defer { work.deallocate() }
            try check(cajal_lapack_dgetri(size, a.assumingMemoryBound(to: Double.self), lda, pivots, work, lwork, &info), "linalg.inv")
        }
        return Int(info)
    }

    /// Solves A X = B for column-major A (n x n, overwritten by its LU) and B
    /// (n x k, overwritten by X).
    static func solve(dtype: DType, _ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer, n: Int, k: Int) throws -> Int {
        let size = Int32(n), nrhs = Int32(k), lda = Int32(Swift.max(n, 1)), ldb = Int32(Swift.max(n, 1))
        var info: Int32 = 0
        let pivots = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(n, 1))
        defer { pivots.deallocate() }
        if dtype == .float32 {
            try check(cajal_lapack_sgesv(size, nrhs, a.assumingMemoryBound(to: Float.self), lda, pivots, b.assumingMemoryBound(to: Float.self), ldb, &info), "linalg.solve")
        } else {
            try check(cajal_lapack_dgesv(size, nrhs, a.assumingMemoryBound(to: Double.self), lda, pivots, b.assumingMemoryBound(to: Double.self), ldb, &info), "linalg.solve")
        }
        return Int(info)
    }
}
