import CajalRuntime

// im2col and col2im for the convolutions (float types), compiled per
// instruction set like every raw loop.

@Sendable func im2colKernel(_ dtype: DType, _ x: UnsafeRawPointer, _ g: ConvolutionGeometry, _ cols: UnsafeMutableRawPointer,
                            _ rowStride: Int, _ outDepths: Range<Int>) {
    if dtype == .float64 {
        Im2col.im2col(x.assumingMemoryBound(to: Double.self), g, cols.assumingMemoryBound(to: Double.self), rowStride: rowStride,
                      outDepths: outDepths)
    } else {
        Im2col.im2col(x.assumingMemoryBound(to: Float.self), g, cols.assumingMemoryBound(to: Float.self), rowStride: rowStride,
                      outDepths: outDepths)
    }
}

@Sendable func col2imKernel(_ dtype: DType, _ cols: UnsafeRawPointer, _ g: ConvolutionGeometry, _ x: UnsafeMutableRawPointer,
                            _ rowStride: Int, _ outDepths: Range<Int>) {
    if dtype == .float64 {
        Im2col.col2im(cols.assumingMemoryBound(to: Double.self), g, x.assumingMemoryBound(to: Double.self), rowStride: rowStride,
                      outDepths: outDepths)
    } else {
        Im2col.col2im(cols.assumingMemoryBound(to: Float.self), g, x.assumingMemoryBound(to: Float.self), rowStride: rowStride,
                      outDepths: outDepths)
    }
}

/// im2col and col2im: a volume (or an image, depth 1) as the matrix whose
/// column p holds the input values under the window of output position p, so
/// a convolution is one matrix product with the (out channels x columnRows)
/// weight. The columns of a range of output planes are made at a time, so a
/// volume's column matrix never has to exist whole.
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
    private static func forEachChannel(_ g: ConvolutionGeometry, planes: Int, _ body: (Int) -> Void) {
        let cost = g.depth.kernelDepth &* g.kernelHeight &* g.kernelWidth &* g.planeColumns &* planes
        Parallel.forEachChunk(g.channels, costPerItem: cost) { channels in
            for c in channels { body(c) }
        }
    }

    /// The input plane under kernel depth kd at output plane od, or nil in the padding.
    @inline(__always)
    private static func inputPlane(_ g: ConvolutionGeometry, _ od: Int, _ kd: Int) -> Int? {
        let id = od &* g.depth.strideDepth &- g.depth.padFront &+ kd &* g.depth.dilationDepth
        return id >= 0 && id < g.depth.depth ? id : nil
    }

    /// cols[(c, kd, i, j)][(od, oy, ox)] = x[c][od*sd - pf + kd*dd][oy*sh - pt + i*dh][ox*sw - pl + j*dw],
    /// 0 outside, for od in outDepths (column (od - outDepths.lowerBound) * planeColumns + oy * outWidth + ox);
    /// row r of cols starts at cols + r * rowStride (rowStride >= the range's
    /// columns: the columns of several images side by side). Index arithmetic
    /// wraps (&+, &*): the geometry was validated, and checked arithmetic would
    /// stop the copy loops from vectorising.
    static func im2col<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                               _ cols: UnsafeMutablePointer<T>, rowStride: Int, outDepths: Range<Int>) {
        let plane = g.height &* g.width, volume = plane &* g.depth.depth, planeColumns = g.planeColumns
        let kernelPlane = g.kernelHeight &* g.kernelWidth
        forEachChannel(g, planes: outDepths.count) { c in
            for kd in 0..<g.depth.kernelDepth {
                let rowsOfDepth = cols + (c &* g.depth.kernelDepth &+ kd) &* kernelPlane &* rowStride
                for od in outDepths {
                    let offset = (od &- outDepths.lowerBound) &* planeColumns
                    guard let id = inputPlane(g, od, kd) else {
                        for r in 0..<kernelPlane { (rowsOfDepth + r &* rowStride + offset).initialize(repeating: 0, count: planeColumns) }
                        continue
                    }
                    planeToColumns(x + (c &* volume &+ id &* plane), g, rowsOfDepth + offset, rowStride: rowStride)
                }
            }
        }
    }

    /// One input plane's kH x kW rows of one output plane's columns (row r at
    /// target + r * rowStride, planeColumns long).
    @inline(__always)
    private static func planeToColumns<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                                               _ target: UnsafeMutablePointer<T>, rowStride: Int) {
        for i in 0..<g.kernelHeight {
            let rows = validRange(count: g.outHeight, size: g.height, stride: g.strideHeight, pad: g.padTop,
                                  offset: i &* g.dilationHeight)
            for j in 0..<g.kernelWidth {
                let row = target + (i &* g.kernelWidth &+ j) &* rowStride
                let xs = validRange(count: g.outWidth, size: g.width, stride: g.strideWidth, pad: g.padLeft,
                                    offset: j &* g.dilationWidth)
                if rows.count != g.outHeight || xs.count != g.outWidth {
                    row.initialize(repeating: 0, count: g.planeColumns)
                }
                if xs.isEmpty { continue }
                for oy in rows {
                    let iy = oy &* g.strideHeight &- g.padTop &+ i &* g.dilationHeight
                    let source = x + (iy &* g.width &- g.padLeft &+ j &* g.dilationWidth)
                    let out = row + oy &* g.outWidth
                    if g.strideWidth == 1 {
                        (out + xs.lowerBound).update(from: source + xs.lowerBound, count: xs.count)
                    } else {
                        let step = g.strideWidth
                        for ox in xs { out[ox] = source[ox &* step] }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: x[c][id][iy][ix] += every column entry that was
    /// read from it (cols laid out as im2col writes them for outDepths).
    static func col2im<T: BinaryFloatingPoint>(_ cols: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                               _ x: UnsafeMutablePointer<T>, rowStride: Int, outDepths: Range<Int>) {
        let plane = g.height &* g.width, volume = plane &* g.depth.depth, planeColumns = g.planeColumns
        let kernelPlane = g.kernelHeight &* g.kernelWidth
        forEachChannel(g, planes: outDepths.count) { c in
            for kd in 0..<g.depth.kernelDepth {
                let rowsOfDepth = cols + (c &* g.depth.kernelDepth &+ kd) &* kernelPlane &* rowStride
                for od in outDepths {
                    guard let id = inputPlane(g, od, kd) else { continue }
                    columnsToPlane(rowsOfDepth + (od &- outDepths.lowerBound) &* planeColumns, g, x + (c &* volume &+ id &* plane),
                                   rowStride: rowStride)
                }
            }
        }
    }

    @inline(__always)
    private static func columnsToPlane<T: BinaryFloatingPoint>(_ source: UnsafePointer<T>, _ g: ConvolutionGeometry,
                                                               _ x: UnsafeMutablePointer<T>, rowStride: Int) {
        for i in 0..<g.kernelHeight {
            let rows = validRange(count: g.outHeight, size: g.height, stride: g.strideHeight, pad: g.padTop,
                                  offset: i &* g.dilationHeight)
            for j in 0..<g.kernelWidth {
                let row = source + (i &* g.kernelWidth &+ j) &* rowStride
                let xs = validRange(count: g.outWidth, size: g.width, stride: g.strideWidth, pad: g.padLeft,
                                    offset: j &* g.dilationWidth)
                if xs.isEmpty { continue }
                for oy in rows {
                    let iy = oy &* g.strideHeight &- g.padTop &+ i &* g.dilationHeight
                    let target = x + (iy &* g.width &- g.padLeft &+ j &* g.dilationWidth)
                    let values = row + oy &* g.outWidth
                    if g.strideWidth == 1 {
                        for ox in xs { target[ox] += values[ox] }
                    } else {
                        let step = g.strideWidth
                        for ox in xs { target[ox &* step] += values[ox] }
                    }
                }
            }
        }
    }
}
