// The Wasm module's public surface: every kernel the TypeScript facade may call.
export { alloc, mark, release } from './memory';
export { dot, axpy } from './blas';
export { kernelBulk, KERNEL_SERIES, KERNEL_RELU, KERNEL_ERF } from './kernels';
export { moments, riskComponents } from './moments';
export { erf, erfc } from './erf';
export { activationBulk, ACT_IDENTITY, ACT_RELU, ACT_ABS, ACT_TANH, ACT_ERF, ACT_SIGMOID, ACT_SOFTPLUS, ACT_GELU, ACT_SILU, ACT_POLY, ACT_HERMITE } from './activations';
export { logspace } from './grid';
