import CajalRuntime

/// add, sub, mul, div, pow, neg: forward, dtype rule and backward together.
/// Backward functions return gradients at the broadcast shape; the engine
/// sums them down to each input's shape and casts them to its dtype.
extension Tensor {
    public func add(_ other: Tensor) throws -> Tensor {
        let type = resultType(self, other)
        if type.isComplex { return try Tensor.complexArithmetic(.add, self, other, type: type) }
        return try Tensor.binaryKernel(.add, self, other, computeType: type, name: "add")
            .recording("AddBackward0", inputs: [self, other]) { ctx in [ctx.grad, ctx.grad] }
    }

    public func sub(_ other: Tensor) throws -> Tensor {
        if dtype == .bool || other.dtype == .bool {
            throw CajalError.notImplemented("[sub] Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        let type = resultType(self, other)
        if type.isComplex { return try Tensor.complexArithmetic(.sub, self, other, type: type) }
        return try Tensor.binaryKernel(.sub, self, other, computeType: type, name: "sub")
            .recording("SubBackward0", inputs: [self, other]) { ctx in
                [ctx.grad, ctx.needs(1) ? try ctx.grad.neg() : nil]
            }
    }

    /// self + alpha · other (torch.add's alpha).
    public func add(_ other: Tensor, alpha: Double) throws -> Tensor {
        if let halfType = Tensor.halfResult(self, other, alpha) {  // one rounding, as torch's kernel
            return try to(.float32).add(other.to(.float32), alpha: halfType.rounded(alpha)).to(halfType)
        }
        return try add(other.scaledOperand(alpha, with: self, op: "add"))
    }

    /// self - alpha · other (torch.sub's alpha).
    public func sub(_ other: Tensor, alpha: Double) throws -> Tensor {
        if let halfType = Tensor.halfResult(self, other, alpha) {
            return try to(.float32).sub(other.to(.float32), alpha: halfType.rounded(alpha)).to(halfType)
        }
        return try sub(other.scaledOperand(alpha, with: self, op: "sub"))
    }

    /// The half type an add or sub with a scaling alpha gives, if it gives one
    /// (torch rounds alpha to that type, then computes in float32).
    private static func halfResult(_ a: Tensor, _ b: Tensor, _ alpha: Double) -> DType? {
        let type = resultType(a, b)
        return alpha != 1 && type.isFloatingPoint && !type.isNative ? type : nil
    }

    /// alpha · self, as the second operand of add or sub next to `base`; self
    /// itself when alpha is 1. As in torch, alpha must be whole when the result
    /// is an integer tensor, and counts only as zero or not for a bool one.
    private func scaledOperand(_ alpha: Double, with base: Tensor, op: String) throws -> Tensor {
        guard alpha != 1 else { return self }
        let type = resultType(base, self)
        if type == .bool { return alpha == 0 ? try zerosLike() : self }
        if type.isFloatingPoint || type.isComplex { return try mul(.scalar(alpha)) }
        guard let whole = Int64(exactly: alpha) else {
            throw CajalError.runtime("[\(op)] For integral input tensors, argument alpha must not be a floating point number.")
        }
        return try mul(.scalar(whole))
    }

    public func mul(_ other: Tensor) throws -> Tensor {
        let type = resultType(self, other)
        if type.isComplex { return try Tensor.complexArithmetic(.mul, self, other, type: type) }
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
        if type.isComplex { return try Tensor.complexArithmetic(.div, self, other, type: type) }
        if !type.isFloatingPoint { type = DType.defaultFloat }
        return try Tensor.binaryKernel(.div, self, other, computeType: type, name: "div")
            .recording("DivBackward0", inputs: [self, other], saving: [self, other]) { ctx in
                let (a, b) = (ctx.saved[0], ctx.saved[1])
                return [ctx.needs(0) ? try ctx.grad.div(b) : nil,
                        ctx.needs(1) ? try ctx.grad.neg().mul(a).div(b.mul(b)) : nil]
            }
    }

    /// Division rounded by torch's name for the mode ("trunc" or "floor").
    public func div(_ other: Tensor, roundingMode: String) throws -> Tensor {
        guard let rounding = RoundingMode(name: roundingMode) else {
            throw CajalError.value("[div] rounding_mode must be 'trunc', 'floor' or None, but got '\(roundingMode)'")
        }
        return try div(other, rounding: rounding)
    }

    /// Division rounded toward zero (.trunc) or down (.floor, Python's //).
    /// Integers stay integers; the result has no gradient, as in torch.
    public func div(_ other: Tensor, rounding: RoundingMode) throws -> Tensor {
        let op: BinaryOp = rounding == .trunc ? .divTrunc : .divFloor
        var type = resultType(self, other)
        if type == .bool { type = .int64 }
        if !type.isFloatingPoint, try other.eq(.scalar(Int64(0))).anyTrue() {
            throw CajalError.runtime("[div] ZeroDivisionError: integer division by zero")
        }
        let out = try Tensor.binaryKernel(op, self, other, computeType: type, name: "div")
        return out.recording("DivBackward2", inputs: [self, other]) { ctx in
            [try ctx.grad.zerosLike(), try ctx.grad.zerosLike()]
        }
    }

    /// self ** exponent, elementwise with broadcasting.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let type = resultType(self, exponent)
        if !type.isFloatingPoint && exponent.isWrappedNumber && exponent.dtype == .int64,
           exponent.typedPointer(Int64.self).pointee < 0 {
            throw CajalError.runtime("[pow] Integers to negative integer powers are not allowed.")
        }
        let fast = exponent.isWrappedNumber ? try fastPower(exponent.item(), type) : nil
        let out = try fast ?? Tensor.binaryKernel(.pow, self, exponent, computeType: type, name: "pow")
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
                grads[0] = try Tensor.where(b.eq(zero), zero, ctx.grad.mul(local))
            }
            if ctx.needs(1) {
                // d/db a^b = a^b * log(a), defined as 0 where a == 0 and b >= 0.
                let zero = try Tensor.scalar(0.0)
                let mask = try Tensor.binaryKernel(.mul, a.eq(zero), b.ge(zero), computeType: .bool, name: "pow_backward")
                grads[1] = try Tensor.where(mask, zero, ctx.grad.mul(result.mul(a.log())))
            }
            return grads
        }
    }

    /// Elementwise max, propagating NaN; ties split the gradient in half.
    public func maximum(_ other: Tensor) throws -> Tensor { try extremum(.maximum, other, "maximum", "MaximumBackward0") }

    /// Elementwise min, propagating NaN; ties split the gradient in half.
    public func minimum(_ other: Tensor) throws -> Tensor { try extremum(.minimum, other, "minimum", "MinimumBackward0") }

    private func extremum(_ op: BinaryOp, _ other: Tensor, _ name: String, _ backward: String) throws -> Tensor {
        let type = resultType(self, other)
        let out = try Tensor.binaryKernel(op, self, other, computeType: type, name: name)
        return out.recording(backward, inputs: [self, other], saving: [self, other]) { ctx in
            let (a, b) = (ctx.saved[0], ctx.saved[1])
            let zero = try Tensor.scalar(0.0)
            let half = try Tensor.where(a.eq(b), ctx.grad.div(.scalar(2.0)), ctx.grad)
            // The loser of each comparison gets nothing.
            let aLoses = op == .maximum ? try a.lt(b) : try a.gt(b)
            let bLoses = op == .maximum ? try a.gt(b) : try a.lt(b)
            return [ctx.needs(0) ? try Tensor.where(aLoses, zero, half) : nil,
                    ctx.needs(1) ? try Tensor.where(bLoses, zero, half) : nil]
        }
    }

    /// The type a function of real numbers computes in: the promoted type,
    /// or the default float dtype for integers and bool (as torch's atan2).
    private func realComputeType(_ other: Tensor) -> DType {
        let type = resultType(self, other)
        return type.isFloatingPoint ? type : DType.defaultFloat
    }

    /// atan2(self, other): the angle of the point (other, self), in (-pi, pi].
    public func atan2(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.binaryKernel(.atan2, self, other, computeType: realComputeType(other), name: "atan2")
        // d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2), for atan2(y, x).
        return out.recording("Atan2Backward0", inputs: [self, other], saving: [self, other]) { ctx in
            let (y, x) = (ctx.saved[0], ctx.saved[1])
            let scale = try ctx.grad.div(y.mul(y).add(x.mul(x)))
            return [ctx.needs(0) ? try scale.mul(x) : nil, ctx.needs(1) ? try scale.mul(y).neg() : nil]
        }
    }

    /// The promoted type of an op torch runs on floating point only.
    private func floatingResultType(_ other: Tensor, _ name: String) throws -> DType {
        let type = resultType(self, other)
        guard type.isFloatingPoint else {
            throw CajalError.notImplemented("[\(name)] \"\(name)_cpu\" not implemented for '\(type.torchName)'")
        }
        return type
    }

    /// sqrt(self^2 + other^2) without overflow (libm's hypot); floating point only.
    public func hypot(_ other: Tensor) throws -> Tensor {
        let out = try Tensor.binaryKernel(.hypot, self, other, computeType: floatingResultType(other, "hypot"), name: "hypot")
        return out.recording("HypotBackward0", inputs: [self, other], saving: [self, other, out]) { ctx in
            let (a, b, h) = (ctx.saved[0], ctx.saved[1], ctx.saved[2])
            let scale = try ctx.grad.div(h)
            return [ctx.needs(0) ? try scale.mul(a) : nil, ctx.needs(1) ? try scale.mul(b) : nil]
        }
    }

    /// log(e^self + e^other), as torch computes it: the larger plus
    /// log1p(e^-|self - other|), and self itself where both are the same
    /// infinity. Floating point only.
    public func logaddexp(_ other: Tensor) throws -> Tensor {
        let type = try floatingResultType(other, "logaddexp")
        let (a, b) = (try to(type), try other.to(type))
        let larger = try a.maximum(b)
        let value = try larger.add(a.sub(b).abs().neg().exp().log1p())
        return try Tensor.where(larger.isinf().logicalAnd(a.eq(b)), a, value)
    }

    /// self * log(other), and 0 where self is 0 (unless other is NaN), as torch.xlogy.
    public func xlogy(_ other: Tensor) throws -> Tensor {
        let type = realComputeType(other)
        let (x, y) = (try to(type), try other.to(type))
        let zero = try x.eq(.scalar(0.0)).logicalAnd(y.isnan().logicalNot())
        return try Tensor.where(zero, Tensor.scalar(0.0), x.mul(y.log()))
    }

    /// self ** other computed in float64, as torch.float_power.
    public func floatPower(_ other: Tensor) throws -> Tensor {
        try to(.float64).pow(other.to(.float64))
    }

    /// C's fmod: the remainder takes the dividend's sign.
    public func fmod(_ other: Tensor) throws -> Tensor {
        try modulo(.fmod, other, "fmod", "FmodBackward0", rounding: { try $0.trunc() })
    }

    /// Python's %: the remainder takes the divisor's sign.
    public func remainder(_ other: Tensor) throws -> Tensor {
        try modulo(.remainder, other, "remainder", "RemainderBackward0", rounding: { try $0.floor() })
    }

    private func modulo(_ op: BinaryOp, _ other: Tensor, _ name: String, _ backward: String,
                        rounding: @escaping (Tensor) throws -> Tensor) throws -> Tensor {
        let type = resultType(self, other)
        guard type != .bool else { throw CajalError.notImplemented("[\(name)] \"\(name)\" is not implemented for 'bool'") }
        if !type.isFloatingPoint, try other.eq(.scalar(Int64(0))).anyTrue() {
            throw CajalError.runtime("[\(name)] ZeroDivisionError: integer division by zero")
        }
        let out = try Tensor.binaryKernel(op, self, other, computeType: type, name: name)
        // d/da = 1, d/db = -round(a / b) with the op's rounding.
        return out.recording(backward, inputs: [self, other], saving: [self, other]) { ctx in
            [ctx.grad, ctx.needs(1) ? try ctx.grad.mul(rounding(ctx.saved[0].div(ctx.saved[1]))).neg() : nil]
        }
    }

    /// Limits values to [min, max]; either bound may be absent, and bounds
    /// may be tensors that broadcast. Where min > max the result is max, as torch.
    public func clamp(min low: Tensor? = nil, max high: Tensor? = nil) throws -> Tensor {
        guard low != nil || high != nil else {
            throw CajalError.runtime("[clamp] At least one of 'min' or 'max' must not be None")
        }
        // Tensor bounds: torch computes min(max(x, low), high), and ties split
        // the gradient as maximum and minimum do. Number bounds use the kernel,
        // where a value on the boundary keeps its whole gradient.
        if [low, high].contains(where: { $0.map { !$0.isWrappedNumber } ?? false }) {
            var out = self
            if let low { out = try out.maximum(low) }
            if let high { out = try out.minimum(high) }
            return out
        }
        let type = resultType([self] + [low, high].compactMap { $0 })
        guard type != .bool else { throw CajalError.notImplemented("[clamp] \"clamp\" is not implemented for 'bool'") }
        try Tensor.refuseComplex(type, "clamp")
        var shape = self.shape
        for bound in [low, high].compactMap({ $0 }) { shape = try broadcastShapes(shape, bound.shape, op: "clamp") }
        let kernelType = type.kernelType  // storage types clamp in their kernel type
        let x = try converted(to: kernelType)
        let l = try low?.converted(to: kernelType), h = try high?.converted(to: kernelType)
        let xs = x.broadcastStrides(to: shape)
        let ls = l?.broadcastStrides(to: shape) ?? xs, hs = h?.broadcastStrides(to: shape) ?? xs
        let computed = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [xs]), dtype: kernelType, op: "clamp")
        kernels.clamp(kernelType, computed.dataPointer, x.dataPointer, l.map { UnsafeRawPointer($0.dataPointer) },
                      h.map { UnsafeRawPointer($0.dataPointer) }, StridedLoop(shape: shape, strides: computed.strides, xs, ls, hs))
        let out = try computed.converted(to: type)
        let hasLow = low != nil, hasHigh = high != nil
        let inputs = [self] + [low, high].compactMap { $0 }
        return out.recording("ClampBackward1", inputs: inputs, saving: [self] + [l, h].compactMap { $0 }) { ctx in
            let x = ctx.saved[0]
            let lowBound = hasLow ? ctx.saved[1] : nil
            let highBound = hasHigh ? ctx.saved[hasLow ? 2 : 1] : nil
            let zero = try Tensor.scalar(0.0)
            // x passes where it was inside the bounds; a bound gets the gradient where it won.
            var inside = try Tensor.full(x.shape, value: 1, dtype: .bool)
            if let lowBound { inside = try inside.logicalAnd(x.ge(lowBound)) }
            if let highBound { inside = try inside.logicalAnd(x.le(highBound)) }
            var grads: [Tensor?] = [ctx.needs(0) ? try Tensor.where(inside, ctx.grad, zero) : nil]
            if let lowBound {
                var wins = try x.lt(lowBound)
                if let highBound { wins = try wins.logicalAnd(lowBound.le(highBound)) }
                grads.append(ctx.needs(1) ? try Tensor.where(wins, ctx.grad, zero) : nil)
            }
            if let highBound {
                var wins = try x.gt(highBound)
                if let lowBound { wins = try wins.logicalOr(lowBound.gt(highBound)) }
                grads.append(ctx.needs(grads.count) ? try Tensor.where(wins, ctx.grad, zero) : nil)
            }
            return grads
        }
    }

    public func clamp(min low: Double?, max high: Double?) throws -> Tensor {
        try clamp(min: low.map { try Tensor.scalar($0) }, max: high.map { try Tensor.scalar($0) })
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

    /// x ** e for the exponents torch computes without pow (and with its
    /// rounding): products, sqrt, rsqrt and reciprocals.
    private func fastPower(_ e: Double, _ type: DType) throws -> Tensor? {
        let x = try converted(to: type)
        func square() throws -> Tensor { try Tensor.binaryKernel(.mul, x, x, computeType: type, name: "pow") }
        switch e {
        case 2: return try square()
        case 3: return try Tensor.binaryKernel(.mul, square(), x, computeType: type, name: "pow")
        case _ where !type.isFloatingPoint: return nil
        case 0.5: return try x.unaryKernel(.sqrt, computeType: type, name: "pow")
        case -0.5: return try x.unaryKernel(.rsqrt, computeType: type, name: "pow")
        case -1: return try x.unaryKernel(.reciprocal, computeType: type, name: "pow")
        case -2: return try square().unaryKernel(.reciprocal, computeType: type, name: "pow")
        default: return nil
        }
    }

    public func pow(_ exponent: Double) throws -> Tensor { try pow(.scalar(exponent)) }
    public func pow(_ exponent: Int) throws -> Tensor { try pow(.scalar(Int64(exponent))) }
}

// MARK: in-place

extension Tensor {
    /// `self = op(self, other)` written into self's own memory.
    private func binaryInPlace(_ op: BinaryOp, _ other: Tensor, name: String) throws {
        try checkInPlaceWrite(name, others: [other])
        var type = resultType(self, other)
        if op == .div && !type.isFloatingPoint { type = DType.defaultFloat }
        if op == .sub && (dtype == .bool || other.dtype == .bool) {
            throw CajalError.notImplemented("[\(name)] Subtraction, the `-` operator, with a bool tensor is not supported.")
        }
        guard canCast(from: type, to: dtype) else {
            throw CajalError.type("[\(name)] result type \(type) can't be cast to the desired output type \(dtype)")
        }
        let shape = try broadcastShapes(self.shape, other.shape, op: name)
        guard shape == self.shape else {
            throw CajalError.shape("[\(name)] output with shape \(shapeString(self.shape)) doesn't match the broadcast shape \(shapeString(shape))")
        }
        if inPlaceNeedsGraph([other]) {
            return try inPlace(name, others: [other]) { original in
                switch op {
                case .add: return try original.add(other)
                case .sub: return try original.sub(other)
                case .mul: return try original.mul(other)
                default: return try original.div(other)
                }
            }
        }
        if type == dtype && type.isNative && other.storage !== storage {
            try Tensor.checkComputed(op.isComputed(in: type), type, name)
            let b = try other.converted(to: type)
            let loop = StridedLoop(shape: shape, strides: strides, strides, b.broadcastStrides(to: shape))
            kernels.binary(op, type, dataPointer, dataPointer, b.dataPointer, loop)
        } else {
            // Mixed dtypes, or other reads self's memory: compute, then copy in.
            try copyElements(from: Tensor.binaryKernel(op, self, other, computeType: type, name: name))
        }
        storage.bumpVersion()
    }

    public func addInPlace(_ other: Tensor) throws { try binaryInPlace(.add, other, name: "add_") }
    public func subInPlace(_ other: Tensor) throws { try binaryInPlace(.sub, other, name: "sub_") }
    public func addInPlace(_ other: Tensor, alpha: Double) throws { try addInPlace(other.scaledOperand(alpha, with: self, op: "add_")) }
    public func subInPlace(_ other: Tensor, alpha: Double) throws { try subInPlace(other.scaledOperand(alpha, with: self, op: "sub_")) }
    public func mulInPlace(_ other: Tensor) throws { try binaryInPlace(.mul, other, name: "mul_") }
    public func divInPlace(_ other: Tensor) throws { try binaryInPlace(.div, other, name: "div_") }

    /// Sets every element to `value`.
    public func fillInPlace(_ value: Double) throws {
        try checkInPlaceWrite("fill_")
        let integer: Int64? = dtype == .int64 ? try checkedInt64(value, op: "fill_") : nil
        if inPlaceNeedsGraph([]) {
            return try inPlace("fill_", others: []) { _ in try Tensor.full(shape, value: value, dtype: dtype) }
        }
        kernels.fill(dtype, dataPointer, value, integer, StridedLoop(shape: shape, strides: strides))
        storage.bumpVersion()
    }

    public func zeroInPlace() throws { try fillInPlace(0) }

    /// Copies `source` (broadcast to self's shape, converted to self's dtype) into self.
    public func copyInPlace(_ source: Tensor) throws {
        try checkInPlaceWrite("copy_", others: [source])
        let common = try broadcastShapes(shape, source.shape, op: "copy_")
        guard common == shape else {
            throw CajalError.shape("[copy_] source of shape \(shapeString(source.shape)) cannot be broadcast to \(shapeString(shape))")
        }
        if inPlaceNeedsGraph([source]) {
            return try inPlace("copy_", others: [source]) { _ in try source.to(dtype).expand(shape) }
        }
        // A source reading self's own memory is copied out first.
        let input = source.storage === storage ? try source.materialized() : source
        try copyElements(from: input)
        storage.bumpVersion()
    }

    /// Limits self's values to [min, max] in place.
    public func clampInPlace(min low: Tensor? = nil, max high: Tensor? = nil) throws {
        let bounds = [low, high].compactMap { $0 }
        try checkInPlaceWrite("clamp_", others: bounds)
        if inPlaceNeedsGraph(bounds) {
            return try inPlace("clamp_", others: bounds) { original in try original.clamp(min: low, max: high) }
        }
        try copyElements(from: clamp(min: low, max: high))
        storage.bumpVersion()
    }

    /// Sets self to `value` where `mask` is true, in place.
    public func maskedFillInPlace(_ mask: Tensor, value: Tensor) throws {
        guard try broadcastShapes(shape, mask.shape, op: "masked_fill_") == shape else {
            throw CajalError.shape("[masked_fill_] mask of shape \(shapeString(mask.shape)) cannot be broadcast to the tensor's shape \(shapeString(shape))")
        }
        try checkInPlaceWrite("masked_fill_", others: [value])
        if inPlaceNeedsGraph([value]) {
            return try inPlace("masked_fill_", others: [value]) { original in try original.maskedFill(mask, value: value) }
        }
        try copyElements(from: maskedFill(mask, value: value))
        storage.bumpVersion()
    }

    /// Fills self with normal samples, in torch's draw order (torch.Tensor.normal_).
    public func normalInPlace(mean: Double = 0, std: Double = 1, generator: Generator = .default) throws {
        try randomFillInPlace("normal_", generator: generator) { out in
            RandomFill.normal(dtype: out.dtype, out: out.dataPointer, count: out.count, mean: mean, std: std, generator: generator)
        }
    }

    /// Fills self with uniform samples in [low, high), in torch's draw order.
    public func uniformInPlace(low: Double = 0, high: Double = 1, generator: Generator = .default) throws {
        guard low <= high else {
            throw CajalError.runtime("[uniform_] uniform_ expects to return a [from, to) range, but found from=\(low) > to=\(high)")
        }
        try randomFillInPlace("uniform_", generator: generator) { out in
            RandomFill.uniform(dtype: out.dtype, out: out.dataPointer, count: out.count, low: low, high: high, generator: generator)
        }
    }

    private func randomFillInPlace(_ op: String, generator: Generator, _ fill: (Tensor) -> Void) throws {
        guard dtype.isFloatingPoint else { throw CajalError.type("[\(op)] \(op) expects a floating point tensor, got \(dtype)") }
        try checkInPlaceWrite(op)
        // Storage types are drawn in their kernel type and rounded.
        let drawn = try Tensor(uninitializedShape: shape, dtype: dtype.kernelType, op: op)
        fill(drawn)
        let values = try drawn.converted(to: dtype)
        if inPlaceNeedsGraph([]) { return try inPlace(op, others: []) { _ in values } }
        try copyElements(from: values)
        storage.bumpVersion()
    }

    /// Writes `values` into self[indices] (torch's index_put_); repeated
    /// indices add up with `accumulate`.
    public func indexPutInPlace(_ indices: [Tensor?], values: Tensor, accumulate: Bool = false) throws {
        try checkInPlaceWrite("index_put_", others: values.isWrappedNumber ? [] : [values])
        if inPlaceNeedsGraph([values]) {
            return try inPlace("index_put_", others: [values]) { original in
                try original.indexPut(indices, values: values, accumulate: accumulate)
            }
        }
        let input = values.storage === storage ? try values.materialized() : values
        try indexPutKernel(indices, values: input, accumulate: accumulate)
    }
}
