import CCajalPlatform
import CajalRuntime

/// LAPACK on one square matrix at a time (column-major, as LAPACK wants).
/// Each returns LAPACK's `info`: 0 on success, i > 0 when U(i,i) is zero,
/// and throws when OpenBLAS (which provides LAPACK) cannot be loaded.
enum Lapack {
    /// Runs one LAPACK call on cajal's thread count, the pool's spinning
    /// workers parked so OpenBLAS's threads get the cores.
    private static func check(_ call: @autoclosure () -> Int32, _ op: String) throws {
        cajal_lapack_set_threads(Int32(clamping: Parallel.threadCount))
        Parallel.yieldCores()
        if call() != 0 {
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

extension Lapack {
    /// The Cholesky factor of a symmetric positive-definite n x n matrix in
    /// place (LAPACK's potrf on the given triangle of the column-major
    /// matrix); info > 0 names the first leading minor that is not positive.
    static func cholesky(dtype: DType, _ a: UnsafeMutableRawPointer, n: Int, upper: Bool) throws -> Int {
        var info: Int32 = 0
        try check(cajal_lapack_potrf(dtype == .float64 ? 1 : 0, upper ? 85 : 76, Int32(n), a, Int32(Swift.max(n, 1)), &info),
                  "linalg.cholesky")
        return Int(info)
    }

    /// Solves op(M) X = B for a column-major triangular n x n M and column-major
    /// n x k B (overwritten by X); info > 0 names a zero on M's diagonal.
    static func solveTriangular(dtype: DType, _ m: UnsafeRawPointer, _ b: UnsafeMutableRawPointer, n: Int, k: Int,
                                upper: Bool, transpose: Bool, unitDiagonal: Bool) throws -> Int {
        var info: Int32 = 0
        try check(cajal_lapack_trtrs(dtype == .float64 ? 1 : 0, upper ? 85 : 76, transpose ? 84 : 78, unitDiagonal ? 85 : 78,
                                     Int32(n), Int32(k), m, Int32(Swift.max(n, 1)), b, Int32(Swift.max(n, 1)), &info),
                  "linalg.solve_triangular")
        return Int(info)
    }

    /// Eigenvalues (ascending, into w) and, with vectors, eigenvectors (over
    /// a, as its columns) of a symmetric column-major n x n matrix, from the
    /// given triangle (LAPACK's divide-and-conquer syevd).
    static func symmetricEigen(dtype: DType, _ a: UnsafeMutableRawPointer, _ w: UnsafeMutableRawPointer, n: Int,
                               vectors: Bool, upper: Bool) throws -> Int {
        let isDouble: Int32 = dtype == .float64 ? 1 : 0, job: CChar = vectors ? 86 : 78, triangle: CChar = upper ? 85 : 76
        let size = Int32(n), lda = Int32(Swift.max(n, 1))
        var info: Int32 = 0, workSize = [Double](repeating: 0, count: 1), iworkSize: Int32 = 0
        // A workspace query first (lwork = -1): LAPACK writes the sizes it wants.
        try workSize.withUnsafeMutableBytes { query in
            try check(cajal_lapack_syevd(isDouble, job, triangle, size, a, lda, w, query.baseAddress, -1, &iworkSize, -1, &info),
                      "linalg.eigh")
        }
        let lwork = Swift.max(1, Int(dtype == .float64 ? workSize[0] : Double(workSize.withUnsafeBytes { $0.load(as: Float.self) })))
        let liwork = Swift.max(1, Int(iworkSize))
        let work = UnsafeMutableRawPointer.allocate(byteCount: lwork * dtype.itemSize, alignment: 16)
        let iwork = UnsafeMutablePointer<Int32>.allocate(capacity: liwork)
        defer { work.deallocate(); iwork.deallocate() }
        try check(cajal_lapack_syevd(isDouble, job, triangle, size, a, lda, w, work, Int32(lwork), iwork, Int32(liwork), &info),
                  "linalg.eigh")
        return Int(info)
    }
}

extension Lapack {
    /// The SVD of a column-major m x n matrix (overwritten): singular values
    /// into s (descending), U (m x ucols) and Vᵀ (vrows x n) column-major,
    /// reduced (k = min(m, n) columns and rows) or full (m and n).
    static func svd(dtype: DType, _ a: UnsafeMutableRawPointer, m: Int, n: Int, full: Bool, s: UnsafeMutableRawPointer,
                    u: UnsafeMutableRawPointer, vt: UnsafeMutableRawPointer) throws -> Int {
        let isDouble: Int32 = dtype == .float64 ? 1 : 0, job: CChar = full ? 65 : 83
        let k = Swift.min(m, n), vtRows = full ? n : k
        let (rows, cols) = (Int32(m), Int32(n)), lda = Int32(Swift.max(m, 1))
        let ldu = Int32(Swift.max(m, 1)), ldvt = Int32(Swift.max(vtRows, 1))
        let iwork = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(8 * k, 1))
        defer { iwork.deallocate() }
        var info: Int32 = 0
        var query = [Double](repeating: 0, count: 1)
        try query.withUnsafeMutableBytes { raw in
            try check(cajal_lapack_gesdd(isDouble, job, rows, cols, a, lda, s, u, ldu, vt, ldvt, raw.baseAddress, -1, iwork, &info),
                      "linalg.svd")
        }
        let lwork = Swift.max(1, Int(dtype == .float64 ? query[0] : Double(query.withUnsafeBytes { $0.load(as: Float.self) })))
        let work = UnsafeMutableRawPointer.allocate(byteCount: lwork * dtype.itemSize, alignment: 16)
        defer { work.deallocate() }
        try check(cajal_lapack_gesdd(isDouble, job, rows, cols, a, lda, s, u, ldu, vt, ldvt, work, Int32(lwork), iwork, &info),
                  "linalg.svd")
        return Int(info)
    }
}

extension Lapack {
    /// The Householder QR of a column-major m x n matrix in place (geqrf): R
    /// on and above the diagonal, the reflectors below it, their scales in tau
    /// (min(m, n) of them).
    static func householderQR(dtype: DType, _ a: UnsafeMutableRawPointer, m: Int, n: Int, tau: UnsafeMutableRawPointer) throws {
        let isDouble: Int32 = dtype == .float64 ? 1 : 0, lda = Int32(Swift.max(m, 1))
        var info: Int32 = 0
        let lwork = try workspace(dtype) { query in
            try check(cajal_lapack_geqrf(isDouble, Int32(m), Int32(n), a, lda, tau, query, -1, &info), "linalg.qr")
        }
        let work = UnsafeMutableRawPointer.allocate(byteCount: lwork * dtype.itemSize, alignment: 16)
        defer { work.deallocate() }
        try check(cajal_lapack_geqrf(isDouble, Int32(m), Int32(n), a, lda, tau, work, Int32(lwork), &info), "linalg.qr")
    }

    /// The first `columns` columns of Q from `reflectors` Householder
    /// reflectors stored in the column-major m x columns matrix a (orgqr), over a.
    static func householderQ(dtype: DType, _ a: UnsafeMutableRawPointer, m: Int, columns: Int, reflectors: Int,
                             tau: UnsafeRawPointer) throws {
        let isDouble: Int32 = dtype == .float64 ? 1 : 0, lda = Int32(Swift.max(m, 1))
        var info: Int32 = 0
        let lwork = try workspace(dtype) { query in
            try check(cajal_lapack_orgqr(isDouble, Int32(m), Int32(columns), Int32(reflectors), a, lda, tau, query, -1, &info),
                      "linalg.qr")
        }
        let work = UnsafeMutableRawPointer.allocate(byteCount: lwork * dtype.itemSize, alignment: 16)
        defer { work.deallocate() }
        try check(cajal_lapack_orgqr(isDouble, Int32(m), Int32(columns), Int32(reflectors), a, lda, tau, work, Int32(lwork), &info),
                  "linalg.qr")
    }

    /// The workspace a LAPACK routine asks for when called with lwork = -1 (in elements).
    private static func workspace(_ dtype: DType, _ query: (UnsafeMutableRawPointer) throws -> Void) throws -> Int {
        var size = [Double](repeating: 0, count: 1)
        try size.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { throw CajalError.runtime("[linalg] no workspace query buffer") }
            try query(base)
        }
        return Swift.max(1, Int(dtype == .float64 ? size[0] : Double(size.withUnsafeBytes { $0.load(as: Float.self) })))
    }
}

extension Lapack {
    /// The eigenvalues (wr + i wi) and right eigenvectors (vr, column-major;
    /// a complex pair's vectors as its real and imaginary columns) of a general
    /// column-major n x n matrix (overwritten), by LAPACK's geev.
    static func generalEigen(dtype: DType, _ a: UnsafeMutableRawPointer, n: Int, wr: UnsafeMutableRawPointer,
                             wi: UnsafeMutableRawPointer, vr: UnsafeMutableRawPointer?) throws -> Int {
        let isDouble: Int32 = dtype == .float64 ? 1 : 0, lda = Int32(Swift.max(n, 1))
        let jobvr: CChar = vr == nil ? 78 : 86
        var info: Int32 = 0
        let lwork = try workspace(dtype) { query in
            try check(cajal_lapack_geev(isDouble, 78, jobvr, Int32(n), a, lda, wr, wi, nil, 1, vr, lda, query, -1, &info),
                      "linalg.eig")
        }
        let work = UnsafeMutableRawPointer.allocate(byteCount: lwork * dtype.itemSize, alignment: 16)
        defer { work.deallocate() }
        try check(cajal_lapack_geev(isDouble, 78, jobvr, Int32(n), a, lda, wr, wi, nil, 1, vr, lda, work, Int32(lwork), &info),
                  "linalg.eig")
        return Int(info)
    }
}
