// The demo's derived names and its rerun line (pure).
import { describe, expect, it } from 'vitest';
import { alreadyFinishedLine, demoAgentName } from '../src/names.js';

describe('demoAgentName', () => {
  it('names the agent of the default data directory plainly, never with a dot', () => {
    expect(demoAgentName('.stratum')).toBe('demo-agent');
    expect(demoAgentName('/home/me/project/.stratum')).toBe('demo-agent');
    expect(demoAgentName('/tmp/quick-1733390000000')).toBe('demo-agent-quick-1733390000000');
    expect(demoAgentName('/tmp/My Data.v2/')).toBe('demo-agent-my-data-v2');
    expect(demoAgentName('/tmp/...')).toBe('demo-agent');
  });
});

describe('alreadyFinishedLine', () => {
  it('says when a sweep finished, from its last run', () => {
    expect(alreadyFinishedLine(['2026-12-01T10:00:00.000Z', '2026-12-01T11:30:05.000Z', null], true))
      .toBe('sweep already finished at 2026-12-01 11:30:05 UTC: every run succeeded with its evaluations');
    expect(alreadyFinishedLine(['2026-12-01T10:00:00.000Z'], false)).toMatch(/at 2026-12-01 10:00:00 UTC with problems/);
    expect(alreadyFinishedLine([null], true)).toBeNull();
  });
});
