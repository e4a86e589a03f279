import CajalRuntime

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

    /// Elementwise logic on truth values (nonzero is true); bool results.
    public func logicalAnd(_ other: Tensor) throws -> Tensor { try logical(.logicalAnd, other, "logical_and") }
    public func logicalOr(_ other: Tensor) throws -> Tensor { try logical(.logicalOr, other, "logical_or") }
    public func logicalXor(_ other: Tensor) throws -> Tensor { try logical(.logicalXor, other, "logical_xor") }

    private func logical(_ op: BinaryOp, _ other: Tensor, _ name: String) throws -> Tensor {
        try Tensor.binaryKernel(op, self, other, computeType: resultType(self, other), name: name)
    }

    /// |a - b| <= atol + rtol * |b|, elementwise (torch.isclose); NaNs are
    /// equal only with `equalNaN`, infinities only to themselves.
    public func isclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws -> Tensor {
        guard rtol >= 0, atol >= 0 else {
            throw CajalError.value("[isclose] rtol and atol must be non-negative, got rtol=\(rtol) and atol=\(atol)")
        }
        let type = resultType(self, other)
        if !type.isFloatingPoint { return try eq(other) }
        let a = try converted(to: type), b = try other.converted(to: type)
        var close = try a.eq(b)
        let tolerance = try b.abs().mul(.scalar(rtol)).add(.scalar(atol))
        let near = try a.sub(b).abs().le(tolerance).logicalAnd(a.isfinite()).logicalAnd(b.isfinite())
        close = try close.logicalOr(near)
        if equalNaN { close = try close.logicalOr(a.isnan().logicalAnd(b.isnan())) }
        return close
    }

    /// Whether every element is close (torch.allclose).
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws -> Bool {
        try !isclose(other, rtol: rtol, atol: atol, equalNaN: equalNaN).logicalNot().anyTrue()
    }

    /// Same shape and the same values (torch.equal).
    public func equal(_ other: Tensor) throws -> Bool {
        shape == other.shape ? try !ne(other).anyTrue() : false
    }

    /// Whether any element is true (nonzero), as a Swift Bool.
    func anyTrue() throws -> Bool {
        try converted(to: .bool).sum().itemInt64() > 0
    }

    /// `condition ? a : b` elementwise, with broadcasting; differentiable in a and b.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try selectKernel(condition, a, b, name: "where")
            .recording("WhereBackward0", inputs: [a, b], saving: [condition]) { ctx in
                let c = ctx.saved[0]
                let zero = try Tensor.scalar(0.0)
                return [ctx.needs(0) ? try Tensor.where(c, ctx.grad, zero) : nil,
                        ctx.needs(1) ? try Tensor.where(c, zero, ctx.grad) : nil]
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
