// The Wasm module's public surface: every kernel the TypeScript facade may call.
export { alloc, allocFailed, mark, release } from './memory';
export { dot } from './blas';
export { kernelBulk, KERNEL_SERIES, KERNEL_RELU, KERNEL_ERF } from './kernels';
export { moments, riskComponents } from './moments';
export { erf, erfc } from './erf';
export { activationBulk, ACT_IDENTITY, ACT_RELU, ACT_ABS, ACT_TANH, ACT_ERF, ACT_SIGMOID, ACT_SOFTPLUS, ACT_GELU, ACT_SILU, ACT_POLY, ACT_HERMITE } from './activations';
export { logspace } from './grid';
export { hermiteValues, hermiteProject, kinkCoefficients } from './hermite';
export { gaussHermite, gaussLegendre, gaussianPanels } from './quadrature';
export { RNG_STATE_BYTES, rngValid, rngSeed, rngBits, rngNormals, rngUniforms, rngChi2 } from './rng';
export { gram, normalizeRows, sphereInit, reduceBasis, networkGradient, networkSteps, kernelExcess } from './network';
export { sgdWorkLength, sgdSamples, sgdSteps, sgdLoss, sgdStateOffset, SGD_RNG, SGD_A, SGD_WN2, SGD_W, SGD_Y, SGD_X, SGD_END } from './sgd';
export { meanfieldBytes, meanfieldInit, meanfieldRhs, meanfieldRisk, meanfieldJacobian, meanfieldJacobianDense, meanfieldFactor, meanfieldSolve, meanfieldSeriesDegree, FORM_MOMENT, FORM_KERNEL } from './meanfield';
export { integratorBytes, integratorInit, integratorAdvance, integratorStats, PAUSED, METHOD_RK4, METHOD_DOPRI5, METHOD_RODAS4 } from './integrators/driver';
