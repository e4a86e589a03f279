// The engine for Swift programs: `import Cajal` brings every layer.
//
// The layers are separate modules so that the compiler keeps their
// dependencies pointing one way: CajalRuntime (kernel table, worker pool) and
// the per-ISA CajalKernels* below CajalCore (tensors, autograd, ops); CajalNN,
// CajalOptim and CajalIO build on CajalCore and never on each other.
@_exported import CajalCore
@_exported import CajalIO
@_exported import CajalNN
@_exported import CajalOptim
