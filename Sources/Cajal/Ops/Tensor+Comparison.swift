import CajalKernelsABI

/// Comparisons compute in the promoted dtype and return bool tensors. They
/// have no gradient.
extension Tensor {
    private func compare(_ op: BinaryOp, _ other: Tensor, _ name: String) throws -> Tensor {
        try Tensor.binaryKernel(op, self, other, computeType: resultType(self, other), name: name)
    }

    public func eq(_ other: Tensor) throws -> Tensor { try compare(.eq, other, "eq") }
    public func ne(_ other: Tensor) throws -> Tensor { try compare(.ne, other, "ne") }
    public func lt(_ other: Tensor) throws -> Tensor { try compare(.lt, other, "lt") }
    public func le(_ other: Tensor) throws -> Tensor { try compare(.le, other, "le") }
    public func gt(_ other: Tensor) throws -> Tensor { try compare(.gt, other, "gt") }
    public func ge(_ other: Tensor) throws -> Tensor { try compare(.ge, other, "ge") }

    /// `condition ? a : b` elementwise, with broadcasting; differentiable in a and b.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try selectKernel(condition, a, b, name: "where")
            .recording("WhereBackward0", inputs: [a, b], saving: [condition]) { ctx in
                let c = ctx.saved[0]
                let zero = try Tensor.scalar(0.0)
                return [ctx.needs(0) ? try Tensor.selectKernel(c, ctx.grad, zero, name: "where_backward") : nil,
                        ctx.needs(1) ? try Tensor.selectKernel(c, zero, ctx.grad, name: "where_backward") : nil]
            }
    }
}

// MLX-style elementwise comparison operators (== stays object identity).
infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence
infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence

extension Tensor {
    public static func .== (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.eq(rhs) }
    public static func .!= (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.ne(rhs) }
    public static func .< (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.lt(rhs) }
    public static func .<= (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.le(rhs) }
    public static func .> (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.gt(rhs) }
    public static func .>= (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.ge(rhs) }
}
