// The Wasm module's public surface: every kernel the TypeScript facade may call.
export { alloc, mark, release } from './memory';
export { dot, axpy } from './blas';
export { kernelBulk, KERNEL_SERIES, KERNEL_RELU, KERNEL_ERF } from './kernels';
export { moments, riskComponents } from './moments';
