// @stratum/client — the typed SDK behind the `stratum` CLI, for scripts and CI pipelines.
export {
  createClient, StratumClient, IDEMPOTENT_MUTATIONS, isUuid, sweepFinished,
  type ClientOptions, type Viewer, type SweepSummary, type SweepStatus, type SweepRuns, type RunSummary, type RunDetail,
  type MetricKeyInfo, type MetricSeries, type SeriesChunk, type SeriesOptions, type RunsOptions, type WatchOptions,
  type SweepGrid, type DepthProfile, type SimilarityMatrix, type RunComparison, type Baseline, type RegressionReport, type RunStatusEvent,
} from './client.js';
export { StratumError, INPUT_ERROR_CODES, type StratumErrorDetails } from './errors.js';
export { Transport, backoffDelay, graphqlEndpoint, type TransportOptions, type RetryPolicy, type RequestOptions } from './transport.js';
export { resolveConnection, saveLogin, validateLogin, readStoredConfig, configDir, configPath, type Connection, type StoredConfig, type ResolveOptions } from './config.js';
export { parseSweepFile, sweepFileSchema, cellCount, RUN_MODES, type SweepSpec } from './sweep-file.js';
export { parseStructuredFile, FileValidationError, formatIssue, type FileIssue } from './structured-file.js';
export { parseRule, formatRule, RuleSyntaxError, type RegressionRule, type RuleMetric, type RuleBlock, type Direction } from './rules.js';
export { ruleToInput, parseCandidate, outcomesFromReport, type CandidateRef } from './check.js';
export { renderMarkdown } from './report/markdown.js';
export { renderJUnit, escapeXml } from './report/junit.js';
export type { CheckReport, RuleOutcome, Verdict } from './report/verdicts.js';
export { ExitCode, exitCodeForCheck, exitCodeForError } from './exit-codes.js';
export { createRecordWriter, EXPORT_FORMATS, type ExportFormat, type RecordWriter } from './writer.js';
export * as graphql from './generated/graphql.js';
