import CajalRuntime

// im2col and col2im for the convolutions (float types), compiled per
// instruction set like every raw loop.

@Sendable func im2colKernel(_ dtype: DType, _ x: UnsafeRawPointer, _ g: ConvolutionGeometry, _ cols: UnsafeMutableRawPointer,
                            _ rowStride: Int, _ outRows: Range<Int>) {
    if dtype == .float64 {
        Im2col.im2col(x.assumingMemoryBound(to: Double.self), g, cols.assumingMemoryBound(to: Double.self), rowStride: rowStride,
                      outRows: outRows)
    } else {
        Im2col.im2col(x.assumingMemoryBound(to: Float.self), g, cols.assumingMemoryBound(to: Float.self), rowStride: rowStride,
                      outRows: outRows)
    }
}

@Sendable func col2imKernel(_ dtype: DType, _ cols: UnsafeRawPointer, _ g: ConvolutionGeometry, _ x: UnsafeMutableRawPointer,
                            _ rowStride: Int, _ outRows: Range<Int>) {
    if dtype == .float64 {
        Im2col.col2im(cols.assumingMemoryBound(to: Double.self), g, x.assumingMemoryBound(to: Double.self), rowStride: rowStride,
                      outRows: outRows)
    } else {
        Im2col.col2im(cols.assumingMemoryBound(to: Float.self), g, x.assumingMemoryBound(to: Float.self), rowStride: rowStride,
                      outRows: outRows)
    }
}

/// im2col and col2im: a volume (or an image, depth 1) as the matrix whose
/// column p holds the input values under the window of output position p, so
/// a convolution is one matrix product with the (out channels x columnRows)
/// weight. The columns of a range of output rows are made at a time, so a
/// large image's or a volume's column matrix never has to exist whole.
private enum Im2col {
    /// The output positions `first..<end` along one axis whose input
    /// coordinate `o * stride - pad + offset` lies in 0..<size.
    @inline(__always)
    private static func validRange(count: Int, size: Int, stride: Int, pad: Int, offset: Int) -> Range<Int> {
        // o * stride >= pad - offset  and  o * stride <= size - 1 + pad - offset
        let low = pad - offset, high = size - 1 + pad - offset
        let first = low <= 0 ? 0 : (low + stride - 1) / stride
        let last = high < 0 ? -1 : high / stride
        let end = Swift.min(count, last + 1)
        return first < end ? first..<end : 0..<0
    }

    /// cols[(c, kd, i, j)][(od, oy, ox)] = x[c][od*sd - pf + kd*dd][oy*sh - pt + i*dh][ox*sw - pl + j*dw],
    /// 0 outside, for the output rows r = od * outHeight + oy in outRows
    /// (column (r - outRows.lowerBound) * outWidth + ox); row k of cols starts
    /// at cols + k * rowStride (rowStride >= the range's columns: the columns
    /// of several images side by side). Index arithmetic wraps (&+, &*): the
    /// geometry was validated, and checked arithmetic would stop the copy
    /// loops from vectorising.
    static func im2col<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                               _ cols: UnsafeMutablePointer<T>, rowStride: Int, outRows: Range<Int>) {
        let plane = g.height &* g.width, volume = plane &* g.depth.depth, outWidth = g.outWidth
        forEachKernelRow(g, outRows) { c, kd, i, j, row in
            let target = cols + row &* rowStride
            let xs = validRange(count: outWidth, size: g.width, stride: g.strideWidth, pad: g.padLeft, offset: j &* g.dilationWidth)
            var position = OutputRow(g, outRows.lowerBound)
            for r in outRows {
                defer { position.advance(g) }
                let out = target + (r &- outRows.lowerBound) &* outWidth
                guard let (id, iy) = inputRow(g, position, kd, i), !xs.isEmpty else {
                    out.initialize(repeating: 0, count: outWidth)
                    continue
                }
                if xs.count != outWidth { out.initialize(repeating: 0, count: outWidth) }
                let source = x + (c &* volume &+ id &* plane &+ iy &* g.width &- g.padLeft &+ j &* g.dilationWidth)
                if g.strideWidth == 1 {
                    (out + xs.lowerBound).update(from: source + xs.lowerBound, count: xs.count)
                } else {
                    let step = g.strideWidth
                    for ox in xs { out[ox] = source[ox &* step] }
                }
            }
        }
    }

    /// The adjoint of im2col: x[c][id][iy][ix] += every column entry that was
    /// read from it (cols laid out as im2col writes them for outRows).
    static func col2im<T: BinaryFloatingPoint>(_ cols: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                               _ x: UnsafeMutablePointer<T>, rowStride: Int, outRows: Range<Int>) {
        let plane = g.height &* g.width, volume = plane &* g.depth.depth, outWidth = g.outWidth
        forEachKernelRow(g, outRows) { c, kd, i, j, row in
            let source = cols + row &* rowStride
            let xs = validRange(count: outWidth, size: g.width, stride: g.strideWidth, pad: g.padLeft, offset: j &* g.dilationWidth)
            if xs.isEmpty { return }
            var position = OutputRow(g, outRows.lowerBound)
            for r in outRows {
                defer { position.advance(g) }
                guard let (id, iy) = inputRow(g, position, kd, i) else { continue }
                let values = source + (r &- outRows.lowerBound) &* outWidth
                let target = x + (c &* volume &+ id &* plane &+ iy &* g.width &- g.padLeft &+ j &* g.dilationWidth)
                if g.strideWidth == 1 {
                    for ox in xs { target[ox] += values[ox] }
                } else {
                    let step = g.strideWidth
                    for ox in xs { target[ox &* step] += values[ox] }
                }
            }
        }
    }

    /// Calls body(channel, kd, i, j, column-matrix row) for every kernel
    /// position; channels touch disjoint rows of cols and planes of x, so
    /// large sweeps split them across cores (inside a parallel job, this runs inline).
    @inline(__always)
    private static func forEachKernelRow(_ g: ConvolutionGeometry, _ outRows: Range<Int>,
                                         _ body: (Int, Int, Int, Int, Int) -> Void) {
        let kernel = g.depth.kernelDepth &* g.kernelHeight &* g.kernelWidth
        Parallel.forEachChunk(g.channels, costPerItem: kernel &* outRows.count &* g.outWidth) { channels in
            for c in channels {
                var row = c &* kernel
                for kd in 0..<g.depth.kernelDepth {
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            body(c, kd, i, j, row)
                            row &+= 1
                        }
                    }
                }
            }
        }
    }

    /// An output row r = od * outHeight + oy, stepped without dividing.
    private struct OutputRow {
        var od: Int, oy: Int

        @inline(__always)
        init(_ g: ConvolutionGeometry, _ r: Int) {
            od = r / g.outHeight
            oy = r &- od &* g.outHeight
        }

        @inline(__always)
        mutating func advance(_ g: ConvolutionGeometry) {
            oy &+= 1
            if oy == g.outHeight { oy = 0; od &+= 1 }
        }
    }

    /// The input plane and row under kernel position (kd, i) at an output
    /// row, or nil in the padding.
    @inline(__always)
    private static func inputRow(_ g: ConvolutionGeometry, _ row: OutputRow, _ kd: Int, _ i: Int) -> (Int, Int)? {
        let (od, oy) = (row.od, row.oy)
        let id = od &* g.depth.strideDepth &- g.depth.padFront &+ kd &* g.depth.dilationDepth
        let iy = oy &* g.strideHeight &- g.padTop &+ i &* g.dilationHeight
        return id >= 0 && id < g.depth.depth && iy >= 0 && iy < g.height ? (id, iy) : nil
    }
}
