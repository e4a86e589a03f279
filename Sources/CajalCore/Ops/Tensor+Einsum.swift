/// torch.einsum, built from differentiable ops so that gradients come from
/// their own backward functions. As torch does, every operand is first
/// aligned to one dim per subscript (diagonals for repeated subscripts, size-1
/// dims for missing ones), output subscripts first; operands are then
/// contracted left to right, each pair by one batched matrix product.
/// Following torch's steps also gives torch's memory layout for the result.
extension Tensor {
    public static func einsum(_ equation: String, _ operands: [Tensor]) throws -> Tensor {
        let parsed = try EinsumEquation(equation, operands: operands)
        guard let first = operands.first else { throw CajalError.runtime("[einsum] einsum(): must provide at least one operand") }
        for (i, operand) in operands.enumerated() where operand.dtype != first.dtype {
            throw CajalError.runtime("[einsum] einsum(): operands must have the same dtype, but operand 0 is \(first.dtype) and operand \(i) is \(operand.dtype)")
        }
        let order = parsed.alignedOrder
        let outputRank = parsed.output.count
        var sizes = [Int](repeating: 1, count: order.count)
        // How many operands have a dim of size > 1, for each aligned dim.
        var counts = [Int](repeating: 0, count: order.count)
        var aligned: [Tensor] = []
        for (i, operand) in operands.enumerated() {
            let t = try EinsumEquation.align(operand, labels: parsed.inputs[i], to: order, operand: i)
            for d in order.indices where t.shape[d] != 1 {
                guard sizes[d] == 1 || sizes[d] == t.shape[d] else {
                    throw CajalError.shape("[einsum] einsum(): subscript \(EinsumEquation.character(order[d])) has size \(t.shape[d]) for operand \(i) which does not broadcast with previously seen size \(sizes[d])")
                }
                sizes[d] = t.shape[d]
                counts[d] += 1
            }
            aligned.append(t)
        }

        while aligned.count > 1 {
            var a = aligned.removeFirst(), b = aligned.removeFirst()
            // A contraction dim is summed as soon as no other operand holds it.
            var summed: [Int] = [], aOnly: [Int] = [], bOnly: [Int] = []
            for d in outputRank..<order.count {
                if a.shape[d] != 1 && b.shape[d] != 1 {
                    counts[d] -= 1
                    if counts[d] == 1 { summed.append(d); counts[d] = 0 }
                } else if counts[d] == 1 {
                    if a.shape[d] != 1 { aOnly.append(d); counts[d] = 0 } else if b.shape[d] != 1 { bOnly.append(d); counts[d] = 0 }
                }
            }
            if !aOnly.isEmpty { a = try a.sum(dims: aOnly, keepDim: true) }
            if !bOnly.isEmpty { b = try b.sum(dims: bOnly, keepDim: true) }
            aligned.insert(try productSummed(a, b, over: summed), at: 0)
        }
        let result = aligned[0]
        guard order.count > outputRank else { return result }
        // After pairwise contraction the contraction dims all have size 1.
        return operands.count > 1 ? try result.view(Array(result.shape.prefix(outputRank)))
                                  : try result.sum(dims: Array(outputRank..<order.count))
    }

    /// (left * right).sum(over summed), keeping every dim, as one batched
    /// matrix product: [shared, leftOwn, summed] @ [shared, summed, rightOwn].
    private static func productSummed(_ left: Tensor, _ right: Tensor, over summed: [Int]) throws -> Tensor {
        if summed.isEmpty { return try left.mul(right) }
        var shared: [Int] = [], leftOwn: [Int] = [], rightOwn: [Int] = []
        for d in 0..<left.rank where !summed.contains(d) {
            let l = left.shape[d] != 1, r = right.shape[d] != 1
            if l && r { shared.append(d) } else if l { leftOwn.append(d) } else { rightOwn.append(d) }
        }
        // When all of right's dims come before left's, torch's result is laid
        // out right-major; multiplying in that order gives the same layout.
        if let lastRight = rightOwn.last, let firstLeft = leftOwn.first, lastRight < firstLeft {
            return try batchedProduct(right, rightOwn, left, leftOwn, shared: shared, summed: summed)
        }
        return try batchedProduct(left, leftOwn, right, rightOwn, shared: shared, summed: summed)
    }

    /// x's own dims times y's own dims, batched over the shared dims and
    /// summing `summed`; the result's memory is [shared, xOwn, yOwn].
    private static func batchedProduct(_ x: Tensor, _ xOwn: [Int], _ y: Tensor, _ yOwn: [Int],
                                       shared: [Int], summed: [Int]) throws -> Tensor {
        func size(_ t: Tensor, _ dims: [Int]) -> Int { dims.reduce(1) { $0 * t.shape[$1] } }
        let xMatrix = try x.permute(shared + xOwn + summed + yOwn).reshape([size(x, shared), size(x, xOwn), size(x, summed)])
        let yMatrix = try y.permute(shared + summed + yOwn + xOwn).reshape([size(y, shared), size(y, summed), size(y, yOwn)])
        let layout = shared + xOwn + summed + yOwn
        let sizes = shared.map { x.shape[$0] } + xOwn.map { x.shape[$0] } + summed.map { _ in 1 } + yOwn.map { y.shape[$0] }
        var inverse = [Int](repeating: 0, count: layout.count)
        for (position, d) in layout.enumerated() { inverse[d] = position }
        return try xMatrix.matmul(yMatrix).view(sizes).permute(inverse)
    }
}

/// An einsum equation with every subscript as a number: letters A-Z are 0-25,
/// a-z are 26-51 (torch's order), and the dims an ellipsis covers are 52...
private struct EinsumEquation {
    var inputs: [[Int]] = []
    var output: [Int] = []

    init(_ equation: String, operands: [Tensor]) throws {
        let text = equation.filter { $0 != " " }
        let sides = text.split(separator: "->", omittingEmptySubsequences: false).map(String.init)
        guard sides.count <= 2 else { throw CajalError.runtime("[einsum] einsum(): the equation \"\(equation)\" has more than one '->'") }
        let terms = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard terms.count <= operands.count else {
            throw CajalError.runtime("[einsum] einsum(): fewer operands were provided than specified in the equation")
        }
        guard terms.count >= operands.count else {
            throw CajalError.runtime("[einsum] einsum(): more operands were provided than specified in the equation")
        }
        // The ellipsis stands for the same trailing-aligned dims everywhere.
        var letters: [[Int]] = [], ellipsisAt: [Int?] = []
        for (i, term) in terms.enumerated() {
            let (labels, position) = try Self.letters(term, what: "operand \(i)")
            let rank = operands[i].rank
            if position == nil, labels.count != rank {
                throw CajalError.runtime("[einsum] einsum(): the number of subscripts in the equation (\(labels.count)) does not match the number of dimensions (\(rank)) for operand \(i) and no ellipsis was given")
            }
            if position != nil, labels.count > rank {
                throw CajalError.runtime("[einsum] einsum(): the number of subscripts in the equation (\(labels.count)) is more than the number of dimensions (\(rank)) for operand \(i)")
            }
            letters.append(labels)
            ellipsisAt.append(position)
        }
        var ellipsisRank = 0
        for i in letters.indices where ellipsisAt[i] != nil {
            ellipsisRank = Swift.max(ellipsisRank, operands[i].rank - letters[i].count)
        }
        let ellipsisLabels = Array(52..<(52 + ellipsisRank))
        for (i, labels) in letters.enumerated() {
            guard let position = ellipsisAt[i] else { inputs.append(labels); continue }
            let covered = operands[i].rank - labels.count
            inputs.append(Array(labels[..<position]) + ellipsisLabels.suffix(covered) + Array(labels[position...]))
        }

        if sides.count == 2 {
            let (labels, position) = try Self.letters(sides[1], what: "the output")
            var seen: Set<Int> = []
            let used = Set(letters.joined())
            for label in labels {
                guard seen.insert(label).inserted else {
                    throw CajalError.runtime("[einsum] einsum(): output subscript \(Self.character(label)) appears more than once in the output")
                }
                guard used.contains(label) else {
                    throw CajalError.runtime("[einsum] einsum(): output subscript \(Self.character(label)) does not appear in the equation for any input operand")
                }
            }
            // Without an ellipsis in the output, its dims are summed over.
            output = position.map { Array(labels[..<$0]) + ellipsisLabels + Array(labels[$0...]) } ?? labels
        } else {
            // Implicit output: the ellipsis dims, then subscripts seen once, in order.
            var counts: [Int: Int] = [:]
            for label in letters.joined() { counts[label, default: 0] += 1 }
            output = ellipsisLabels + counts.filter { $0.value == 1 }.keys.sorted()
        }
    }

    /// The subscripts of one term, and where its ellipsis sits (if it has one).
    private static func letters(_ term: String, what: String) throws -> ([Int], Int?) {
        var labels: [Int] = [], ellipsis: Int?
        var rest = Substring(term)
        while let c = rest.first {
            if rest.hasPrefix("...") {
                guard ellipsis == nil else { throw CajalError.runtime("[einsum] einsum(): found more than one ellipsis ('...') in \(what)") }
                ellipsis = labels.count
                rest = rest.dropFirst(3)
                continue
            }
            guard let ascii = c.asciiValue, c.isLetter else {
                throw CajalError.runtime("[einsum] einsum(): invalid subscript given in the equation string: '\(c)' (subscripts are letters a-z and A-Z)")
            }
            labels.append(c.isUppercase ? Int(ascii) - 65 : Int(ascii) - 97 + 26)
            rest = rest.dropFirst()
        }
        return (labels, ellipsis)
    }

    static func character(_ label: Int) -> String {
        label < 26 ? String(UnicodeScalar(UInt8(65 + label))) : label < 52 ? String(UnicodeScalar(UInt8(97 + label - 26))) : "..."
    }
}


extension EinsumEquation {
    /// torch's aligned dim order: the output's subscripts, then the ellipsis
    /// dims it leaves out, then the other subscripts in alphabetical order.
    var alignedOrder: [Int] {
        let inOutput = Set(output)
        let rest = Set(inputs.joined()).subtracting(inOutput)
        return output + rest.filter { $0 >= 52 }.sorted() + rest.filter { $0 < 52 }.sorted()
    }

    /// The operand with one dim per aligned subscript: a repeated subscript
    /// reads the diagonal, a missing one is a size-1 dim.
    static func align(_ operand: Tensor, labels: [Int], to order: [Int], operand index: Int) throws -> Tensor {
        var t = operand, labels = labels
        while let j = labels.indices.first(where: { labels[..<$0].contains(labels[$0]) }),
              let i = labels.firstIndex(of: labels[j]) {
            guard t.shape[i] == t.shape[j] else {
                throw CajalError.shape("[einsum] einsum(): subscript \(character(labels[i])) is repeated for operand \(index) but the sizes don't match, \(t.shape[j]) != \(t.shape[i])")
            }
            // diagonal() puts the diagonal last; torch moves it back to dim i.
            t = try t.diagonal(offset: 0, dim1: i, dim2: j).movedim([t.rank - 2], [i])
            labels.remove(at: j)
        }
        var permutation: [Int] = []
        for label in order {
            if let d = labels.firstIndex(of: label) {
                permutation.append(d)
            } else {
                t = try t.unsqueeze(dim: t.rank)
                permutation.append(t.rank - 1)
            }
        }
        return try t.permute(permutation)
    }
}
