import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FileValidationError, formatIssue, formatPath, jsonErrorOffset, parseStructuredFile, type FileIssue } from '../src/files/structured-file.js';

const schema = z.strictObject({
  name: z.string().min(1),
  factors: z.strictObject({
    seeds: z.array(z.number().int()).min(1),
    sizes: z.array(z.string()).optional(),
  }),
  steps: z.number().int().positive().optional(),
});

function issuesOf(text: string, file = 'sweep.yaml'): FileIssue[] {
  try {
    parseStructuredFile(text, file, schema);
  } catch (error) {
    if (error instanceof FileValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('parseStructuredFile', () => {
  it('returns the validated value for YAML and JSON', () => {
    const yaml = 'name: a\nfactors:\n  seeds: [0, 1]\n';
    expect(parseStructuredFile(yaml, 's.yaml', schema)).toEqual({ name: 'a', factors: { seeds: [0, 1] } });
    expect(parseStructuredFile('{\n\t"name": "a",\n\t"factors": {"seeds": [2]}\n}', 's.json', schema)).toEqual({ name: 'a', factors: { seeds: [2] } });
  });

  it('points at the line and column of a wrong value, naming the field path', () => {
    const text = ['name: a', 'factors:', '  seeds:', '    - 0', '    - one', 'steps: 10'].join('\n');
    expect(issuesOf(text)).toEqual([{ path: 'factors.seeds[1]', message: expect.stringMatching(/expected number/i), line: 5, column: 7 }]);
  });

  it('points at the key of an unknown field', () => {
    const issues = issuesOf('name: a\nfactors:\n  seeds: [1]\n  sedes: [2]\n');
    expect(issues).toEqual([{ path: 'factors.sedes', message: expect.stringMatching(/unknown field/), line: 4, column: 3 }]);
  });

  it('reports a missing field at its parent', () => {
    const issues = issuesOf('name: a\nfactors:\n  sizes: [x]\n');
    expect(issues).toEqual([{ path: 'factors.seeds', message: 'required field is missing', line: 3, column: 3 }]);
  });

  it('reports every problem, in file order', () => {
    const issues = issuesOf('steps: -1\nname: ""\nfactors: {seeds: []}\n');
    expect(issues.map((i) => [i.path, i.line])).toEqual([['steps', 1], ['name', 2], ['factors.seeds', 3]]);
  });

  it('reports YAML syntax errors and duplicate keys with positions', () => {
    const syntax = issuesOf('name: a\nfactors: [1,\n  seeds: 2\n');
    expect(syntax[0]?.message).toMatch(/^YAML syntax error/);
    expect(syntax[0]?.line).toBeGreaterThanOrEqual(2);
    const duplicate = issuesOf('name: a\nname: b\nfactors: {seeds: [1]}\n');
    expect(duplicate[0]).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/unique/) });
  });

  it('reports JSON syntax errors with a line in .json files, and refuses YAML-only syntax there', () => {
    const broken = issuesOf('{\n  "name": "a",\n  "factors": }\n', 'sweep.json');
    expect(broken[0]).toMatchObject({ path: '', line: 3, message: expect.stringMatching(/^JSON syntax error/) });
    expect(issuesOf('name: a\nfactors: {seeds: [1]}\n', 'sweep.json')[0]?.message).toMatch(/^JSON syntax error/);
  });

  it('refuses an empty file', () => {
    expect(issuesOf('# nothing\n')).toEqual([{ path: '', message: 'the file is empty', line: 1, column: 1 }]);
  });

  it('formats issues as file:line:column: path: message, and the error lists them all', () => {
    expect(formatIssue('s.yaml', { path: 'a.b[0]', message: 'bad', line: 3, column: 4 })).toBe('s.yaml:3:4: a.b[0]: bad');
    expect(formatIssue('s.yaml', { path: '', message: 'bad' })).toBe('s.yaml: bad');
    expect(formatPath(['factors', 'seeds', 1, 'x'])).toBe('factors.seeds[1].x');
    try {
      parseStructuredFile('name: 1\nfactors: {seeds: [1]}\n', 'x.yaml', schema);
    } catch (error) {
      expect((error as FileValidationError).code).toBe('INVALID_FILE');
      expect((error as Error).message).toMatch(/^x\.yaml is invalid:\n {2}x\.yaml:1:7: name: /);
    }
  });
});

describe('jsonErrorOffset', () => {
  it('agrees with JSON.parse on validity and points at the first bad character', () => {
    const cases: Array<[string, number | undefined]> = [
      ['{"a": [1, 2.5e3, true, null, "x\\n\\u00e9"]}', undefined],
      ['{"a": }', 6],
      ['[1, 2,]', 6],
      ['{"a" 1}', 5],
      ['{a: 1}', 1],
      ['[01]', 2],
      ['"tab\there"', 4],
      ['[1] x', 4],
      ['[1, 2', 5],
    ];
    for (const [text, offset] of cases) {
      let valid = true;
      try { JSON.parse(text); } catch { valid = false; }
      expect(offset === undefined).toBe(valid);
      expect(jsonErrorOffset(text)).toBe(offset);
    }
  });
});
