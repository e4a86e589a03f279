import CajalRuntime

/// Complex tensors. Their storage is (re, im) pairs, so every complex tensor
/// is also a real one with a last dim of 2 (torch.view_as_real). The kernels
/// only copy, index and convert complex elements; arithmetic runs on the real
/// view with the real ops, so autograd needs no complex rules of its own: the
/// gradient of a complex tensor comes out as dL/dre + i dL/dim, torch's convention.
extension Tensor {
    /// torch's refusal of an op complex numbers do not have (or cajal lacks).
    static func refuseComplex(_ type: DType, _ op: String) throws {
        guard !type.isComplex else {
            throw CajalError.notImplemented("[\(op)] \"\(op)\" is not implemented for complex tensors in cajal (\(type.torchName))")
        }
    }

    /// The (re, im) pairs as a float view with a last dim of 2 (torch.view_as_real).
    public func viewAsReal() throws -> Tensor {
        guard dtype.isComplex else {
            throw CajalError.runtime("[view_as_real] view_as_real is only supported for complex tensors")
        }
        let pairs = Layout(shape: shape + [2], strides: strides.map { $0 * 2 } + [1], offset: layout.offset * 2)
        return Tensor(storage: storage, layout: pairs, dtype: dtype.complexPartType)
            .recording("ViewAsRealBackward0", inputs: [self]) { ctx in [try ctx.grad.contiguous().viewAsComplex()] }
    }

    /// A float32/float64 tensor whose last dim (size 2, stride 1) holds (re, im), as complex.
    public func viewAsComplex() throws -> Tensor {
        let op = "view_as_complex"
        guard dtype == .float32 || dtype == .float64 else {
            throw CajalError.runtime("[\(op)] view_as_complex is only supported for float and double tensors, but got a tensor of scalar type: \(dtype.torchName)")
        }
        guard rank >= 1, shape[rank - 1] == 2 else { throw CajalError.runtime("[\(op)] Tensor must have a last dimension of size 2") }
        guard strides[rank - 1] == 1 else { throw CajalError.runtime("[\(op)] Tensor must have a last dimension with stride 1") }
        guard strides.dropLast().allSatisfy({ $0 % 2 == 0 }) else {
            throw CajalError.runtime("[\(op)] Tensor must have a stride divisible by 2 for all but last dimension")
        }
        guard layout.offset % 2 == 0 else { throw CajalError.runtime("[\(op)] Tensor must have a storage_offset divisible by 2") }
        let numbers = Layout(shape: Array(shape.dropLast()), strides: strides.dropLast().map { $0 / 2 }, offset: layout.offset / 2)
        return Tensor(storage: storage, layout: numbers, dtype: dtype.complexType)
            .recording("ViewAsComplexBackward0", inputs: [self]) { ctx in [try ctx.grad.viewAsReal()] }
    }

    /// real + i imag from float tensors of one dtype, broadcast (torch.complex).
    public static func complex(real: Tensor, imaginary: Tensor) throws -> Tensor {
        guard real.dtype == imaginary.dtype, real.dtype == .float32 || real.dtype == .float64 else {
            throw CajalError.runtime("[complex] Expected both inputs to be Float or Double tensors but got \(real.dtype.torchName) and \(imaginary.dtype.torchName)")
        }
        let shape = try broadcastShapes(real.shape, imaginary.shape, op: "complex")
        return try stack([real.expand(shape), imaginary.expand(shape)], dim: -1).viewAsComplex()
    }

    /// The real parts, as a view (the tensor itself when it is real).
    public func realPart() throws -> Tensor {
        dtype.isComplex ? try viewAsReal().select(dim: -1, index: 0) : self
    }

    /// The imaginary parts, as a view.
    public func imaginaryPart() throws -> Tensor {
        guard dtype.isComplex else { throw CajalError.runtime("[imag] imag is not implemented for tensors with non-complex dtypes.") }
        return try viewAsReal().select(dim: -1, index: 1)
    }

    /// The complex conjugate, as a new tensor (torch's is a lazy view); real tensors are themselves.
    public func conj() throws -> Tensor {
        guard dtype.isComplex else { return self }
        return try Tensor.complex(real: realPart(), imaginary: imaginaryPart().neg())
    }

    /// atan2(imag, real) for each element; for reals, 0 or pi by sign (torch.angle).
    public func angle() throws -> Tensor {
        if dtype.isComplex { return try imaginaryPart().atan2(realPart()) }
        let x = dtype.isFloatingPoint ? self : try to(DType.defaultFloat)
        return try x.zerosLike().atan2(x)
    }

    /// |z|, with torch's gradient g z / |z| (0 where z is 0).
    func complexAbs() throws -> Tensor {
        let (re, im) = (try realPart(), try imaginaryPart())
        let magnitude = try GradMode.withDisabled { try re.hypot(im) }
        return magnitude.recording("AbsBackward0", inputs: [self], saving: [self, magnitude]) { ctx in
            let (z, r) = (ctx.saved[0], ctx.saved[1])
            let zero = try r.eq(.scalar(0.0)), safe = try Tensor.where(zero, .scalar(1.0), r)
            // sgn(z) = z / |z| first, then the gradient, as torch rounds it.
            func part(_ p: Tensor) throws -> Tensor { try Tensor.where(zero, .scalar(0.0), p.div(safe).mul(ctx.grad)) }
            return [try Tensor.complex(real: part(z.realPart()), imaginary: part(z.imaginaryPart()))]
        }
    }

    func complexNeg() throws -> Tensor { try viewAsReal().neg().viewAsComplex() }

    /// a op b with at least one complex operand, in `type`, from the parts.
    static func complexArithmetic(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, type: DType) throws -> Tensor {
        let part = type.complexPartType
        // A real operand has no imaginary part: its terms are left out.
        func parts(_ t: Tensor) throws -> (re: Tensor, im: Tensor?) {
            if t.dtype.isComplex {
                let z = try t.to(type)
                return (try z.realPart(), try z.imaginaryPart())
            }
            return (try t.to(part), nil)
        }
        let (x, y) = (try parts(a), try parts(b))
        func plus(_ p: Tensor?, _ q: Tensor?, negate: Bool = false) throws -> Tensor {
            switch (p, q) {
            case let (p?, q?): return negate ? try p.sub(q) : try p.add(q)
            case let (p?, nil): return p
            case let (nil, q?): return negate ? try q.neg() : q
            default: return try Tensor.zeros([], dtype: part)
            }
        }
        func times(_ p: Tensor?, _ q: Tensor?) throws -> Tensor? {
            guard let p, let q else { return nil }
            return try p.mul(q)
        }
        let re: Tensor, im: Tensor
        switch op {
        case .add, .sub:
            re = try plus(x.re, y.re, negate: op == .sub)
            im = try plus(x.im, y.im, negate: op == .sub)
        case .mul:  // (a + bi)(c + di) = (ac - bd) + (ad + bc)i
            re = try plus(times(x.re, y.re), times(x.im, y.im), negate: true)
            im = try plus(times(x.re, y.im), times(x.im, y.re))
        case .div:  // (a + bi) / (c + di) = ((ac + bd) + (bc - ad)i) / (c² + d²)
            let denominator = try plus(times(y.re, y.re), times(y.im, y.im))
            re = try plus(times(x.re, y.re), times(x.im, y.im)).div(denominator)
            im = try plus(times(x.im, y.re), times(x.re, y.im), negate: true).div(denominator)
        default:
            throw CajalError.notImplemented("[\(op)] not implemented for complex tensors in cajal")
        }
        let shape = try broadcastShapes(re.shape, im.shape, op: "\(op)")
        return try Tensor.complex(real: re.expand(shape), imaginary: im.expand(shape))
    }

    /// sum and mean of complex numbers: over the real view, the pairs' dim kept.
    func complexReduction(dims: [Int], keepDim: Bool, mean: Bool) throws -> Tensor {
        let name = mean ? "mean" : "sum"
        let reduced = try reductionDims(dims, op: name)
        let over = (0..<rank).filter { reduced[$0] }
        let pairs = try viewAsReal()
        let result = mean ? try pairs.mean(dims: over, keepDim: keepDim) : try pairs.sum(dims: over, keepDim: keepDim)
        return try result.contiguous().viewAsComplex()
    }
}
