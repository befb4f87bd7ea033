// Problems found in a user's file (sweep files), with positions; kept apart from the YAML parser
// so that reporting them does not load it.
import { StratumError } from '../sdk/errors.js';

export interface FileIssue {
  /** Dotted field path, e.g. `factors.seeds[1]`; empty for the whole document. */
  path: string;
  message: string;
  /** 1-based position of the offending node (or of its nearest existing parent). */
  line?: number;
  column?: number;
}

export class FileValidationError extends StratumError {
  constructor(readonly file: string, readonly issues: FileIssue[]) {
    super('INVALID_FILE', `${file} is invalid:\n${issues.map((issue) => '  ' + formatIssue(file, issue)).join('\n')}`, {
      extensions: { issues },
    });
    this.name = 'FileValidationError';
  }
}

/** `sweep.yaml:12:5: factors.seeds[1]: expected an integer`. */
export function formatIssue(file: string, issue: FileIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path ? issue.path + ': ' : ''}${issue.message}`;
}
