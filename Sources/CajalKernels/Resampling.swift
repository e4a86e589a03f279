import CajalRuntime

// Bilinear resizing of (planes, height, width) images in one pass, and its
// adjoint (the gradient), with torch's arithmetic:
//     out = h0 (w0 x[y0, x0] + w1 x[y0, x1]) + h1 (w0 x[y1, x0] + w1 x[y1, x1]).
// Planes run in parallel; the adjoint adds into each input plane in order.

/// (kind, adjoint, source, planes, inHeight, inWidth, rows, columns, target):
/// forward reads a (planes, inHeight, inWidth) source into a (planes,
/// rows.count, columns.count) target; the adjoint adds a (planes, rows,
/// columns) source into a zeroed (planes, inHeight, inWidth) target.
@Sendable func bilinearKernel(_ kind: DType, _ adjoint: Bool, _ source: UnsafeRawPointer, _ planes: Int, _ inHeight: Int,
                              _ inWidth: Int, _ rows: InterpolationTable, _ columns: InterpolationTable,
                              _ target: UnsafeMutableRawPointer) {
    switch kind {
    case .float32: bilinear(Float.self, adjoint, source, planes, inHeight, inWidth, rows, columns, target)
    case .float64: bilinear(Double.self, adjoint, source, planes, inHeight, inWidth, rows, columns, target)
    default: break
    }
}

private func bilinear<T: FloatElement>(_: T.Type, _ adjoint: Bool, _ sourceRaw: UnsafeRawPointer, _ planes: Int, _ inHeight: Int,
                                       _ inWidth: Int, _ rows: InterpolationTable, _ columns: InterpolationTable,
                                       _ targetRaw: UnsafeMutableRawPointer) {
    let outHeight = rows.low.count, outWidth = columns.low.count
    let inPlane = inHeight * inWidth, outPlane = outHeight * outWidth
    let w1 = columns.weight.map { T(double: $0) }, w0 = columns.weight.map { T(double: 1 - $0) }
    Parallel.forEachChunk(planes, costPerItem: outPlane &* 8) { chunk in
        for p in chunk {
            if adjoint {
                let g = sourceRaw.assumingMemoryBound(to: T.self) + p * outPlane
                let dx = targetRaw.assumingMemoryBound(to: T.self) + p * inPlane
                for oy in 0..<outHeight {
                    let h1 = T(double: rows.weight[oy]), h0 = T(double: 1 - rows.weight[oy])
                    let r0 = dx + rows.low[oy] * inWidth, r1 = dx + rows.high[oy] * inWidth, gRow = g + oy * outWidth
                    for ox in 0..<outWidth {
                        let (x0, x1, value) = (columns.low[ox], columns.high[ox], gRow[ox])
                        r0[x0] += h0 * w0[ox] * value
                        r0[x1] += h0 * w1[ox] * value
                        r1[x0] += h1 * w0[ox] * value
                        r1[x1] += h1 * w1[ox] * value
                    }
                }
            } else {
                let x = sourceRaw.assumingMemoryBound(to: T.self) + p * inPlane
                let out = targetRaw.assumingMemoryBound(to: T.self) + p * outPlane
                for oy in 0..<outHeight {
                    let h1 = T(double: rows.weight[oy]), h0 = T(double: 1 - rows.weight[oy])
                    let r0 = x + rows.low[oy] * inWidth, r1 = x + rows.high[oy] * inWidth, target = out + oy * outWidth
                    for ox in 0..<outWidth {
                        let (x0, x1) = (columns.low[ox], columns.high[ox])
                        target[ox] = h0 * (w0[ox] * r0[x0] + w1[ox] * r0[x1]) + h1 * (w0[ox] * r1[x0] + w1[ox] * r1[x1])
                    }
                }
            }
        }
    }
}
