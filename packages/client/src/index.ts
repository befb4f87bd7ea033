// @stratum/client — the typed SDK behind the `stratum` CLI, for scripts and CI pipelines:
// the SDK (sdk/), regression checks (check/), users' files (files/) and what the CLI shares (cli/).
export {
  createClient, StratumClient, IDEMPOTENT_MUTATIONS, isUuid, sweepFinished,
  type ClientOptions, type Viewer, type SweepSummary, type SweepStatus, type SweepRuns, type RunSummary, type RunDetail,
  type MetricKeyInfo, type MetricSeries, type SeriesChunk, type SeriesOptions, type RunsOptions, type WatchOptions,
  type SweepGrid, type DepthProfile, type SimilarityMatrix, type RunComparison, type Baseline, type RegressionReport, type RunStatusEvent,
} from './sdk/client.js';
export { StratumError, INPUT_ERROR_CODES, type StratumErrorDetails } from './sdk/errors.js';
export { Transport, backoffDelay, graphqlEndpoint, type TransportOptions, type RetryPolicy, type RequestOptions } from './sdk/transport.js';
export { resolveConnection, saveLogin, validateLogin, readStoredConfig, configDir, configPath, type Connection, type StoredConfig, type ResolveOptions } from './cli/config.js';
export { parseSweepFile, sweepFileSchema, cellCount, RUN_MODES, type SweepSpec } from './files/sweep-file.js';
export { parseStructuredFile, FileValidationError, formatIssue, type FileIssue } from './files/structured-file.js';
export { parseRule, formatRule, RuleSyntaxError, type RegressionRule, type RuleMetric, type RuleBlock, type Direction } from './check/rules.js';
export { ruleToInput, parseCandidate, outcomesFromReport, type CandidateRef } from './check/outcomes.js';
export { renderMarkdown } from './check/markdown.js';
export { renderJUnit, escapeXml } from './check/junit.js';
export type { CheckReport, RuleOutcome, Verdict } from './check/verdicts.js';
export { ExitCode, exitCodeForCheck, exitCodeForError } from './cli/exit-codes.js';
export { createRecordWriter, EXPORT_FORMATS, type ExportFormat, type RecordWriter } from './cli/writer.js';
export * as graphql from './generated/graphql.js';
