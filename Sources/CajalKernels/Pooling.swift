import CajalRuntime

// Max pooling with 2x2 windows at stride 2 (no padding or dilation): the
// pooling of LeNet, VGG and U-Net. The general sweep compares one window at a
// time, its branches mispredicted about every other compare; here 16 windows
// of a row pair go at once, the even and odd columns split by shuffles, and
// the winner picked by selects. Same rule as the sweep: the first of equal
// maxima, and the first NaN wins and stays.

/// Rows pairs (2oy, 2oy+1) of each plane into out/index (outHeight x outWidth
/// per plane); each plane's positions must fit in Int32.
@Sendable func maxPool2x2Kernel(_ kind: DType, _ x: UnsafeRawPointer, _ planes: Int, _ height: Int, _ width: Int,
                      _ outHeight: Int, _ outWidth: Int, _ out: UnsafeMutableRawPointer, _ index: UnsafeMutablePointer<Int64>) {
    if kind == .float64 {
        maxPool2x2Scalar(x.assumingMemoryBound(to: Double.self), planes, height, width, outHeight, outWidth,
                         out.assumingMemoryBound(to: Double.self), index)
    } else {
        maxPool2x2Float(x.assumingMemoryBound(to: Float.self), planes, height, width, outHeight, outWidth,
                        out.assumingMemoryBound(to: Float.self), index)
    }
}

private func maxPool2x2Float(_ x: UnsafePointer<Float>, _ planes: Int, _ height: Int, _ width: Int,
                             _ outHeight: Int, _ outWidth: Int, _ out: UnsafeMutablePointer<Float>,
                             _ index: UnsafeMutablePointer<Int64>) {
    let inPlane = height * width, outPlane = outHeight * outWidth
    let lanes = SIMD16<Int32>(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
    Parallel.forEachChunk(planes, costPerItem: outPlane * 4) { range in
        for p in range {
            for oy in 0..<outHeight {
                let top = 2 * oy * width
                let row0 = UnsafeRawPointer(x + p * inPlane + top), row1 = row0 + width * 4
                let target = p * outPlane + oy * outWidth
                var ox = 0
                while ox + 16 <= outWidth {
                    let upper = row0.loadUnaligned(fromByteOffset: 2 * ox * 4, as: SIMD32<Float>.self)
                    let lower = row1.loadUnaligned(fromByteOffset: 2 * ox * 4, as: SIMD32<Float>.self)
                    let first = lanes &+ Int32(truncatingIfNeeded: top + 2 * ox)
                    let below = Int32(truncatingIfNeeded: width)
                    var best = upper.evenHalf, at = first
                    @inline(__always) func consider(_ v: SIMD16<Float>, _ position: SIMD16<Int32>) {
                        let take = .!(v .<= best) .& (best .== best)  // greater, or the first NaN
                        best.replace(with: v, where: take)
                        at.replace(with: position, where: take)
                    }
                    consider(upper.oddHalf, first &+ 1)
                    consider(lower.evenHalf, first &+ below)
                    consider(lower.oddHalf, first &+ below &+ 1)
                    UnsafeMutableRawPointer(out + target + ox).storeBytes(of: best, as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(index + target + ox).storeBytes(of: SIMD16<Int64>(truncatingIfNeeded: at),
                                                                             as: SIMD16<Int64>.self)
                    ox += 16
                }
                for column in ox..<outWidth {
                    pickMax(x + p * inPlane, top + 2 * column, width, &out[target + column], &index[target + column])
                }
            }
        }
    }
}

private func maxPool2x2Scalar<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, _ height: Int, _ width: Int,
                                                      _ outHeight: Int, _ outWidth: Int, _ out: UnsafeMutablePointer<T>,
                                                      _ index: UnsafeMutablePointer<Int64>) {
    let inPlane = height * width, outPlane = outHeight * outWidth
    Parallel.forEachChunk(planes, costPerItem: outPlane * 4) { range in
        for p in range {
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    let o = p * outPlane + oy * outWidth + ox
                    pickMax(x + p * inPlane, 2 * oy * width + 2 * ox, width, &out[o], &index[o])
                }
            }
        }
    }
}

/// One window whose top-left element is plane[first].
@inline(__always)
private func pickMax<T: BinaryFloatingPoint>(_ plane: UnsafePointer<T>, _ first: Int, _ width: Int,
                                             _ best: inout T, _ at: inout Int64) {
    var value = plane[first], position = first
    @inline(__always) func consider(_ candidate: Int) {
        let v = plane[candidate]
        if !(v <= value) && value == value {  // greater, or the first NaN
            value = v
            position = candidate
        }
    }
    consider(first + 1)
    consider(first + width)
    consider(first + width + 1)
    best = value
    at = Int64(position)
}
