// The API every runtime shares: the core, configs, runs, solvers, analysis, plots and
// the runtime-neutral part of studies. The package's entries (index.ts for Node and the
// default, browser.ts under the `browser` export condition) re-export it.
export { loadCore, simdSupported, Core, WasmMemoryError, type CoreExports, type Variant, type LoadOptions, type ModuleSource } from './wasm/loader.js';
export { ConfigError } from './errors.js';
export { lineChart, palette, type ChartSpec, type Series, type AxisSpec, type LegendPosition } from './plot/line-chart.js';
export { figure, type FigureOptions } from './plot/figure.js';
export { resolveActivation, ACTIVATION_NAMES, type Activation, type ActivationSpec, type ActivationName } from './hermite/activation.js';
export { compileExpression, EXPRESSION_FUNCTIONS, EXPRESSION_MAX_LENGTH, EXPRESSION_MAX_DEPTH, EXPRESSION_MAX_NODES, type CompiledExpression, type ExpressionError } from './hermite/expression.js';
export { project, gaussHermite, hermiteValues, type Projection, type ProjectOptions, type QuadratureRule } from './hermite/projection.js';
export { dotKernel, crossKernel, kernelValues, kernelTailBound, type Kernel } from './hermite/kernels.js';
export { solveMeanfield, type MeanfieldProblem, type MeanfieldAlgorithm } from './models/meanfield.js';
export { solveNetwork, populationRisk, populationGradient, maxStableEta, networkKernels, type NetworkProblem, type NetworkAlgorithm } from './models/network.js';
export { solveSgd, type SgdAlgorithm } from './models/sgd.js';
export { run, hermiteCoefficients, type RunResult, type RunOptions, type Coefficients } from './run.js';
export { configToHash, configFromHash } from './config-hash.js';
export { parseConfig, configJsonSchema, configSchema, type RunConfig, type RunConfigInput } from './config.js';
export { outputTimes } from './time-grid.js';
export { resultToJSON, resultToCSV, writeResultJSON, writeResultCSV, RESULT_FORMAT } from './io/result.js';
export { CheckpointError } from './io/checkpoint.js';
export { learningTimes, scalingExponent, logLogFit, logCorrectedFit } from './analysis/learning-times.js';
export { predictTheory, measurePlateaus, type Theory, type TheoryInput, type MeasuredTheory, type Unlearnable } from './analysis/theory.js';
export { extrapolateInM, type Extrapolation } from './analysis/extrapolate.js';
export type { Trajectory, Frame, RunHooks, SolverStats, ReturnCode } from './solvers/solution.js';
export { sweepEpsilon, timeScaleTable, predictedExponent, type SweepResult, type TimeScaleRow } from './analysis/sweep.js';
export { fmt } from './format.js';
export * from './study/index.js';
