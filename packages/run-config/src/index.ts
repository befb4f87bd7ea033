/**
 * @stratum/run-config: what a run is — model presets, the validated run configuration, the
 * metric keys a run logs and its cost model — and what a sweep of runs is. No tfjs: the API and
 * the CLI validate sweeps with it, the agent reads it, and the trainer trains what it describes.
 */
export {
  AUTO_BACKEND_ORDER,
  BACKEND_CHOICES,
  ConfigError,
  REGIMES,
  resolveRunConfig,
  runConfigInputSchema,
  type BackendChoice,
  type ConfigIssue,
  type OptimizerConfig,
  type Regime,
  type RunConfig,
  type RunConfigInput,
} from './run-config.js';
export { PRESETS, PRESET_NAMES, defaultInputNorm, isCpuPreset, modelFieldSchemas, type ModelConfig, type PresetName } from './presets.js';
export { parameterCount, flopsPerStep, tokenCounts, type ParameterCount, type TokenCounts } from './cost.js';
export { METRIC_KEYS, type MetricKey, type MetricPoint } from './metric-keys.js';
export {
  FACTOR_KEYS, MAX_CELLS, MODE_ALIASES, NAME_MESSAGE, NAME_PATTERN, RUN_MODES,
  checkSweepSpec, datasetSpecSchema, fieldPath, requirementsSchema, runCount, sweepFactorsSchema, sweepSpecFields, sweepSpecSchema,
  type RunModeName, type SweepIssue, type SweepSpec,
} from './sweep-spec.js';
