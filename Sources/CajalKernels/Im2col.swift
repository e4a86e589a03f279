import CajalRuntime

// im2col and col2im for the convolutions (float types), compiled per
// instruction set like every raw loop.

@Sendable func im2colKernel(_ dtype: DType, _ x: UnsafeRawPointer, _ g: ConvolutionGeometry, _ cols: UnsafeMutableRawPointer,
                            _ rowStride: Int) {
    if dtype == .float64 {
        Im2col.im2col(x.assumingMemoryBound(to: Double.self), g, cols.assumingMemoryBound(to: Double.self), rowStride: rowStride)
    } else {
        Im2col.im2col(x.assumingMemoryBound(to: Float.self), g, cols.assumingMemoryBound(to: Float.self), rowStride: rowStride)
    }
}

@Sendable func col2imKernel(_ dtype: DType, _ cols: UnsafeRawPointer, _ g: ConvolutionGeometry, _ x: UnsafeMutableRawPointer,
                            _ rowStride: Int) {
    if dtype == .float64 {
        Im2col.col2im(cols.assumingMemoryBound(to: Double.self), g, x.assumingMemoryBound(to: Double.self), rowStride: rowStride)
    } else {
        Im2col.col2im(cols.assumingMemoryBound(to: Float.self), g, x.assumingMemoryBound(to: Float.self), rowStride: rowStride)
    }
}

/// im2col and col2im: an image as the matrix whose column p holds the
/// input values under the window of output position p, so a convolution is
/// one matrix product with the (out channels x columnRows) weight.
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

    /// Channels touch disjoint rows of cols and planes of x: large images
    /// split them across cores (inside a parallel job, this runs inline).
    @inline(__always)
    private static func forEachChannel(_ g: ConvolutionGeometry, _ body: (Int) -> Void) {
        Parallel.forEachChunk(g.channels, costPerItem: g.kernelHeight * g.kernelWidth * g.columnCount) { channels in
            for c in channels { body(c) }
        }
    }

    /// cols[(c, i, j)][(oy, ox)] = x[c][oy*sh - pt + i*dh][ox*sw - pl + j*dw], 0 outside;
    /// row r of cols starts at cols + r * rowStride (rowStride >= columnCount:
    /// the columns of several images side by side). Index arithmetic wraps
    /// (&+, &*): the geometry was validated, and checked arithmetic would stop
    /// the copy loops from vectorising.
    static func im2col<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                               _ cols: UnsafeMutablePointer<T>, rowStride: Int) {
        let plane = g.height &* g.width, columns = g.columnCount
        forEachChannel(g) { c in
            for i in 0..<g.kernelHeight {
                let rows = validRange(count: g.outHeight, size: g.height, stride: g.strideHeight, pad: g.padTop,
                                      offset: i &* g.dilationHeight)
                for j in 0..<g.kernelWidth {
                    let row = cols + ((c &* g.kernelHeight &+ i) &* g.kernelWidth &+ j) &* rowStride
                    let xs = validRange(count: g.outWidth, size: g.width, stride: g.strideWidth, pad: g.padLeft,
                                        offset: j &* g.dilationWidth)
                    if rows.count != g.outHeight || xs.count != g.outWidth {
                        row.initialize(repeating: 0, count: columns)
                    }
                    if xs.isEmpty { continue }
                    for oy in rows {
                        let iy = oy &* g.strideHeight &- g.padTop &+ i &* g.dilationHeight
                        let source = x + (c &* plane &+ iy &* g.width &- g.padLeft &+ j &* g.dilationWidth)
                        let target = row + oy &* g.outWidth
                        if g.strideWidth == 1 {
                            (target + xs.lowerBound).update(from: source + xs.lowerBound, count: xs.count)
                        } else {
                            let step = g.strideWidth
                            for ox in xs { target[ox] = source[ox &* step] }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: x[c][iy][ix] += every column entry that was read
    /// from it (cols laid out as im2col writes them).
    static func col2im<T: BinaryFloatingPoint>(_ cols: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                               _ x: UnsafeMutablePointer<T>, rowStride: Int) {
        let plane = g.height &* g.width
        forEachChannel(g) { c in
            for i in 0..<g.kernelHeight {
                let rows = validRange(count: g.outHeight, size: g.height, stride: g.strideHeight, pad: g.padTop,
                                      offset: i &* g.dilationHeight)
                for j in 0..<g.kernelWidth {
                    let row = cols + ((c &* g.kernelHeight &+ i) &* g.kernelWidth &+ j) &* rowStride
                    let xs = validRange(count: g.outWidth, size: g.width, stride: g.strideWidth, pad: g.padLeft,
                                        offset: j &* g.dilationWidth)
                    if xs.isEmpty { continue }
                    for oy in rows {
                        let iy = oy &* g.strideHeight &- g.padTop &+ i &* g.dilationHeight
                        let target = x + (c &* plane &+ iy &* g.width &- g.padLeft &+ j &* g.dilationWidth)
                        let source = row + oy &* g.outWidth
                        if g.strideWidth == 1 {
                            for ox in xs { target[ox] += source[ox] }
                        } else {
                            let step = g.strideWidth
                            for ox in xs { target[ox &* step] += source[ox] }
                        }
                    }
                }
            }
        }
    }
}
