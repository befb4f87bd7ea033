// @stratum/agent — the agent daemon (stratum-agent) as a library: configuration, the daemon,
// the per-job supervisor, the metrics spool and the protocol client.
export { Agent, AGENT_VERSION, WORKER_PATH, lockWorkDir, WorkDirInUseError, type AgentSummary, type AgentOptions } from './agent.js';
export { loadAgentConfig, helpText, defaultAgentName, AgentConfigError, ENV_NAMES, BACKENDS, type AgentConfig, type BackendChoice, type DeviceSelection } from './env.js';
export { createLogger, type Logger } from './logger.js';
export { Spool, type SpooledBatch } from './spool.js';
export type { MetricPoint } from '@stratum/run-config';
export { MetricsPipeline, type PipelineOptions } from './metrics-pipeline.js';
export { JobRunner, jobDir, artifactDir, sha256File, type JobOutcome, type JobRecord, type RunnerDeps } from './job-runner.js';
export { recoverJobs, type RecoveryResult } from './recovery.js';
export { planBackends, detectBackends, BackendUnavailableError, AUTO_ORDER, type BackendPlan } from './backends.js';
export { hostInventory, planSlots, describeDevices, parseGpuList, parseGpuSamples, DeviceError, type HostInventory, type GpuInfo, type GpuSample, type Slot } from './inventory.js';
export { CpuMeter, residentBytes, sampleSystem } from './sysmetrics.js';
export { StratumError } from '@stratum/wire';
export { ProtocolClient, isAborted, isLeaseLost, isRetryable, isUnauthorized, type ClientOptions, type RetryOptions } from './protocol/client.js';
export { AgentProtocol, type ClaimedJob, type CheckpointRef, type Capabilities, type JobTransition, type Lease } from './protocol/operations.js';
export { classifyError, JobConfigError, EvaluationError } from './worker/errors.js';
export { evaluationSettings, evaluationDatasetSpec, evaluationDatasetName, EVALUATION_SEED, type EvaluationSettings } from './worker/evaluate.js';
export type { FromWorker, ToWorker, WorkerJob, EvaluationValue, SimilarityValue, PatchDiagnosticValue } from './worker/messages.js';
