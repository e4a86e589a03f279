import Cajal

// Generators and the creation ops of the full tensor API.

@_cdecl("cajal_generator_new")
public func cajal_generator_new(_ seed: UInt64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    output(out) { Handles.hand(Generator(seed: seed), .generator) }
}

@_cdecl("cajal_generator_default")
public func cajal_generator_default(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    output(out) { Handles.hand(Generator.default, .generator) }
}

@_cdecl("cajal_generator_free")
public func cajal_generator_free(_ g: OpaquePointer?) {
    Handles.release(g, .generator)
}

@_cdecl("cajal_generator_manual_seed")
public func cajal_generator_manual_seed(_ g: OpaquePointer?, _ seed: UInt64) -> Int32 {
    status {
        try Handles.borrow(g, .generator, as: Generator.self, "generator").manualSeed(seed)
    }
}

@_cdecl("cajal_generator_initial_seed")
public func cajal_generator_initial_seed(_ g: OpaquePointer?, _ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    output(out) { try generatorOrDefault(g).initialSeed }
}

@_cdecl("cajal_generator_get_state")
public func cajal_generator_get_state(_ g: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor(generatorOrDefault(g).state) }
}

@_cdecl("cajal_generator_set_state")
public func cajal_generator_set_state(_ g: OpaquePointer?, _ state: OpaquePointer?) -> Int32 {
    status { try generatorOrDefault(g).setState(tensor(state, "state").toArray(Int64.self)) }
}

@_cdecl("cajal_tensor_eye")
public func cajal_tensor_eye(_ n: Int64, _ m: Int64, _ dtype: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.eye(Int(n), Int(m), dtype: readDType(dtype, "eye")) }
}

@_cdecl("cajal_tensor_linspace")
public func cajal_tensor_linspace(_ start: Double, _ end: Double, _ steps: Int64, _ dtype: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.linspace(start: start, end: end, steps: Int(steps), dtype: readDType(dtype, "linspace")) }
}

@_cdecl("cajal_tensor_randint")
public func cajal_tensor_randint(_ low: Int64, _ high: Int64, _ shape: UnsafePointer<Int64>?, _ ndim: Int, _ dtype: Int32,
                                 _ generator: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Tensor.randint(low: low, high: high, ints(shape, ndim), dtype: readDType(dtype, "randint"), generator: try generatorOrDefault(generator))
    }
}

@_cdecl("cajal_tensor_multinomial")
public func cajal_tensor_multinomial(_ input: OpaquePointer?, _ numSamples: Int64, _ replacement: Int32, _ generator: OpaquePointer?,
                                     _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try tensor(input, "input").multinomial(Int(numSamples), replacement: replacement != 0,
                                               generator: try generatorOrDefault(generator))
    }
}

@_cdecl("cajal_tensor_randperm")
public func cajal_tensor_randperm(_ n: Int64, _ dtype: Int32, _ generator: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.randperm(Int(n), dtype: readDType(dtype, "randperm"), generator: try generatorOrDefault(generator)) }
}
