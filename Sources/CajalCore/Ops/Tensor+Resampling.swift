import CajalRuntime

// Bilinear resizing as one op: one pass over the output (the composite made
// four index_selects and six elementwise passes). Resize and its adjoint are
// each other's gradient, so it differentiates any number of times.

extension Tensor {
    /// Resizes the last two dims of a float32/float64 tensor by the row and
    /// column tables (non-empty input planes).
    package static func bilinearResize(_ input: Tensor, rows: InterpolationTable, columns: InterpolationTable) throws -> Tensor {
        let x = try input.contiguous()
        let (height, width) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        let lead = Array(x.shape.dropLast(2)), planes = lead.reduce(1) { Parallel.cost($0, $1) }
        let out = try Tensor(uninitializedShape: lead + [rows.low.count, columns.low.count], dtype: x.dtype, op: "interpolate")
        if out.count > 0 {
            kernels.bilinear(x.dtype, false, x.dataPointer, planes, height, width, rows, columns, out.dataPointer)
        }
        let inputShape = x.shape
        return out.recording("UpsampleBilinear2DBackward0", inputs: [input]) { ctx in
            [try bilinearAdjoint(ctx.grad, inputShape: inputShape, rows: rows, columns: columns)]
        }
    }

    /// The adjoint: each output's value spread back onto the four inputs it read.
    static func bilinearAdjoint(_ grad: Tensor, inputShape: [Int], rows: InterpolationTable,
                                columns: InterpolationTable) throws -> Tensor {
        let g = try grad.contiguous()
        let (height, width) = (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1])
        let planes = inputShape.dropLast(2).reduce(1) { Parallel.cost($0, $1) }
        let dx = try Tensor.zeros(inputShape, dtype: g.dtype)
        if g.count > 0 {
            kernels.bilinear(g.dtype, true, g.dataPointer, planes, height, width, rows, columns, dx.dataPointer)
        }
        return dx.recording("UpsampleBilinear2DBackwardBackward0", inputs: [grad]) { ctx in
            [try bilinearResize(ctx.grad, rows: rows, columns: columns)]
        }
    }
}
