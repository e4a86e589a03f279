import CajalKernelsABI

/// add, sub, mul, div, pow, neg: forward, dtype rule and backward together.
/// Backward functions return gradients at the broadcast shape; the engine
/// sums them down to each input's shape and casts them to its dtype.
extension Tensor {
    public func add(_ other: Tensor) throws -> Tensor {
        let type = resultType(self, other)
        return try Tensor.binaryKernel(.add, self, other, computeType: type, name: "add")
            .recording("AddBackward0", inputs: [self, other]) { ctx in [ctx.grad, ctx.grad] }
    }

    public func sub(_ other: Tensor) throws -> Tensor {
        if dtype == .bool || other.dtype == .bool {
            throw CajalError.type("[sub] Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        let type = resultType(self, other)
        return try Tensor.binaryKernel(.sub, self, other, computeType: type, name: "sub")
            .recording("SubBackward0", inputs: [self, other]) { ctx in
                [ctx.grad, ctx.needs(1) ? try ctx.grad.neg() : nil]
            }
    }

    public func mul(_ other: Tensor) throws -> Tensor {
        let type = resultType(self, other)
        return try Tensor.binaryKernel(.mul, self, other, computeType: type, name: "mul")
            .recording("MulBackward0", inputs: [self, other], saving: [self, other]) { ctx in
                let (a, b) = (ctx.saved[0], ctx.saved[1])
                return [ctx.needs(0) ? try ctx.grad.mul(b) : nil,
                        ctx.needs(1) ? try ctx.grad.mul(a) : nil]
            }
    }

    /// True division: integer inputs give the default float dtype.
    public func div(_ other: Tensor) throws -> Tensor {
        var type = resultType(self, other)
        if !type.isFloatingPoint { type = DType.defaultFloat }
        return try Tensor.binaryKernel(.div, self, other, computeType: type, name: "div")
            .recording("DivBackward0", inputs: [self, other], saving: [self, other]) { ctx in
                let (a, b) = (ctx.saved[0], ctx.saved[1])
                return [ctx.needs(0) ? try ctx.grad.div(b) : nil,
                        ctx.needs(1) ? try ctx.grad.neg().mul(a).div(b.mul(b)) : nil]
            }
    }

    /// self ** exponent, elementwise with broadcasting.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let type = resultType(self, exponent)
        if !type.isFloatingPoint && exponent.isWrappedNumber && exponent.dtype == .int64,
           exponent.typedPointer(Int64.self).pointee < 0 {
            throw CajalError.runtime("[pow] Integers to negative integer powers are not allowed.")
        }
        let out = try Tensor.binaryKernel(.pow, self, exponent, computeType: type, name: "pow")
        if exponent.isWrappedNumber {
            // A Python-number exponent: only the base gets a gradient.
            let e = try exponent.item()
            return out.recording("PowBackward0", inputs: [self], saving: [self]) { ctx in
                if e == 0 { return [try Tensor.zeros(ctx.grad.shape, dtype: ctx.grad.dtype)] }
                let a = ctx.saved[0]
                return [try ctx.grad.mul(Tensor.scalar(e)).mul(a.pow(Tensor.scalar(e - 1)))]
            }
        }
        return out.recording("PowBackward1", inputs: [self, exponent], saving: [self, exponent, out]) { ctx in
            let (a, b, result) = (ctx.saved[0], ctx.saved[1], ctx.saved[2])
            var grads: [Tensor?] = [nil, nil]
            if ctx.needs(0) {
                // d/da a^b = b * a^(b-1), defined as 0 where b == 0.
                let local = try b.mul(a.pow(b.sub(Tensor.scalar(1.0))))
                let zero = try Tensor.scalar(0.0)
                grads[0] = try Tensor.selectKernel(b.eq(zero), zero, ctx.grad.mul(local), name: "pow_backward")
            }
            if ctx.needs(1) {
                // d/db a^b = a^b * log(a), defined as 0 where a == 0 and b >= 0.
                let zero = try Tensor.scalar(0.0)
                let mask = try Tensor.binaryKernel(.mul, a.eq(zero), b.ge(zero), computeType: .bool, name: "pow_backward")
                grads[1] = try Tensor.selectKernel(mask, zero, ctx.grad.mul(result.mul(a.log())), name: "pow_backward")
            }
            return grads
        }
    }

    public func neg() throws -> Tensor {
        if dtype == .bool {
            throw CajalError.type("[neg] Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        return try unaryKernel(.neg, computeType: dtype, name: "neg")
            .recording("NegBackward0", inputs: [self]) { ctx in [try ctx.grad.neg()] }
    }
}

// MARK: operators

extension Tensor {
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.add(rhs) }
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.sub(rhs) }
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.mul(rhs) }
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.div(rhs) }
    public static prefix func - (x: Tensor) throws -> Tensor { try x.neg() }

    // Swift numbers act as torch's wrapped Python numbers.
    public static func + (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.add(.scalar(rhs)) }
    public static func - (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.sub(.scalar(rhs)) }
    public static func * (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.mul(.scalar(rhs)) }
    public static func / (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.div(.scalar(rhs)) }
    public static func + (lhs: Double, rhs: Tensor) throws -> Tensor { try Tensor.scalar(lhs).add(rhs) }
    public static func - (lhs: Double, rhs: Tensor) throws -> Tensor { try Tensor.scalar(lhs).sub(rhs) }
    public static func * (lhs: Double, rhs: Tensor) throws -> Tensor { try Tensor.scalar(lhs).mul(rhs) }
    public static func / (lhs: Double, rhs: Tensor) throws -> Tensor { try Tensor.scalar(lhs).div(rhs) }
    public static func + (lhs: Tensor, rhs: Int) throws -> Tensor { try lhs.add(.scalar(Int64(rhs))) }
    public static func - (lhs: Tensor, rhs: Int) throws -> Tensor { try lhs.sub(.scalar(Int64(rhs))) }
    public static func * (lhs: Tensor, rhs: Int) throws -> Tensor { try lhs.mul(.scalar(Int64(rhs))) }
    public static func / (lhs: Tensor, rhs: Int) throws -> Tensor { try lhs.div(.scalar(Int64(rhs))) }

    public func pow(_ exponent: Double) throws -> Tensor { try pow(.scalar(exponent)) }
    public func pow(_ exponent: Int) throws -> Tensor { try pow(.scalar(Int64(exponent))) }
}

// MARK: in-place

extension Tensor {
    /// Checks that writing into self is allowed: torch refuses in-place ops on
    /// leaves that require grad while grad mode is on, and on expanded tensors
    /// whose elements share memory.
    func checkInPlaceWrite(_ op: String, other: Tensor? = nil) throws {
        if GradMode.isEnabled && (requiresGrad || other?.requiresGrad == true) {
            if isLeaf && requiresGrad {
                throw CajalError.runtime("[\(op)] a leaf Variable that requires grad is being used in an in-place operation.")
            }
            throw CajalError.notImplemented("[\(op)] in-place ops on tensors that are part of an autograd graph are not supported yet; use the out-of-place op, or run it under no_grad")
        }
        for (size, st) in zip(shape, strides) where size > 1 && st == 0 {
            throw CajalError.runtime("[\(op)] unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.")
        }
    }

    /// `self = op(self, other)` written into self's own memory.
    private func binaryInPlace(_ op: BinaryOp, _ other: Tensor, name: String) throws {
        try checkInPlaceWrite(name, other: other)
        var type = resultType(self, other)
        if op == .div && !type.isFloatingPoint { type = DType.defaultFloat }
        if op == .sub && (dtype == .bool || other.dtype == .bool) {
            throw CajalError.type("[\(name)] Subtraction, the `-` operator, with a bool tensor is not supported.")
        }
        guard canCast(from: type, to: dtype) else {
            throw CajalError.type("[\(name)] result type \(type) can't be cast to the desired output type \(dtype)")
        }
        let shape = try broadcastShapes(self.shape, other.shape, op: name)
        guard shape == self.shape else {
            throw CajalError.shape("[\(name)] output with shape \(shapeString(self.shape)) doesn't match the broadcast shape \(shapeString(shape))")
        }
        if type == dtype && other.storage !== storage {
            let b = try other.converted(to: type)
            let loop = StridedLoop(shape: shape, strides: strides, strides, b.broadcastStrides(to: shape))
            kernels.binary(op, type.kind, dataPointer, dataPointer, b.dataPointer, loop)
        } else {
            // Mixed dtypes, or other reads self's memory: compute, then copy in.
            try copyElements(from: Tensor.binaryKernel(op, self, other, computeType: type, name: name))
        }
        storage.bumpVersion()
    }

    public func addInPlace(_ other: Tensor) throws { try binaryInPlace(.add, other, name: "add_") }
    public func subInPlace(_ other: Tensor) throws { try binaryInPlace(.sub, other, name: "sub_") }
    public func mulInPlace(_ other: Tensor) throws { try binaryInPlace(.mul, other, name: "mul_") }
    public func divInPlace(_ other: Tensor) throws { try binaryInPlace(.div, other, name: "div_") }

    /// Sets every element to `value`.
    public func fillInPlace(_ value: Double) throws {
        try checkInPlaceWrite("fill_")
        let integer: Int64? = dtype == .int64 ? try checkedInt64(value, op: "fill_") : nil
        kernels.fill(dtype.kind, dataPointer, value, integer, StridedLoop(shape: shape, strides: strides))
        storage.bumpVersion()
    }

    public func zeroInPlace() throws { try fillInPlace(0) }
}
