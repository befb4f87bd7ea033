import { describe, expect, it } from 'vitest';
import { formatRule, parseRule, RuleSyntaxError } from '../src/check/rules.js';

function syntaxError(text: string): RuleSyntaxError {
  try {
    parseRule(text);
  } catch (error) {
    if (error instanceof RuleSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('parseRule', () => {
  it('parses the documented example', () => {
    expect(parseRule('probe_acc@final:block=last:max_drop=0.02')).toEqual({
      text: 'probe_acc@final:block=last:max_drop=0.02', metric: 'probe_acc', at: 'final', block: 'last', maxDrop: 0.02, direction: 'higher',
    });
  });

  it('fills defaults: at final, block last, direction by metric (loss: lower)', () => {
    expect(parseRule('map:max_rel_drop=0.05')).toMatchObject({ at: 'final', block: 'last', direction: 'higher', maxRelDrop: 0.05 });
    expect(parseRule('loss:max_drop=0.1')).toMatchObject({ direction: 'lower', block: 'last' });
    expect(parseRule('loss:max_drop=0.1:direction=higher').direction).toBe('higher');
  });

  it('reads hit@k, a step, block numbers, model, targets, datasets and percentages', () => {
    expect(parseRule('hit@5@1200:block=3:target=action:dataset=ucf101:max_rel_drop=2.5%')).toEqual({
      text: 'hit@5@1200:block=3:target=action:dataset=ucf101:max_rel_drop=2.5%',
      metric: 'hit@5', at: 1200, block: 3, target: 'action', dataset: 'ucf101', maxRelDrop: 0.025, direction: 'higher',
    });
    expect(parseRule('hit@10:max_drop=0').metric).toBe('hit@10');
    expect(parseRule('loss@final:block=model:max_drop=1e-2')).toMatchObject({ block: 'model', maxDrop: 0.01 });
    expect(parseRule('  cka:block=2:max_drop=.5  ')).toMatchObject({ text: 'cka:block=2:max_drop=.5', maxDrop: 0.5 });
  });

  it('names the problem and its column', () => {
    const unknownOption = syntaxError('probe_acc@final:blok=last:max_drop=0.02');
    expect(unknownOption.message).toMatch(/unknown option "blok"; known: block, target/);
    expect(unknownOption.column).toBe('probe_acc@final:'.length + 1);
    expect(syntaxError('accuracy:max_drop=1').message).toMatch(/unknown metric "accuracy"; known: probe_acc/);
    expect(syntaxError('map@last:max_drop=1').message).toMatch(/expected "@final" or "@<step>"/);
    expect(syntaxError('map:block=0:max_drop=1').message).toMatch(/block must be a block number ≥ 1, "last" or "model"/);
    expect(syntaxError('map:block=last').message).toMatch(/add a tolerance/);
    expect(syntaxError('map:max_drop=0.1:max_rel_drop=0.1').message).toMatch(/not both/);
    expect(syntaxError('map:max_drop=-0.1').message).toMatch(/max_drop must be a non-negative number/);
    expect(syntaxError('map:max_drop=5%').message).toMatch(/max_drop must be a non-negative number, not "5%"/);
    expect(syntaxError('map:max_drop=0.1:max_drop=0.2').message).toMatch(/given twice/);
    expect(syntaxError('map:max_drop').message).toMatch(/needs a value/);
    expect(syntaxError('map:max_drop=1:direction=up').message).toMatch(/direction must be "higher" or "lower"/);
    expect(syntaxError('loss:target=action:max_drop=1').message).toMatch(/target applies to evaluation metrics/);
    expect(syntaxError('map:target=a b:max_drop=1').message).toMatch(/target must be a plain name/);
    expect(syntaxError('hit@0:max_drop=1').message).toMatch(/1 ≤ k ≤ 1000/);
    expect(syntaxError('').message).toMatch(/empty rule/);
    expect(syntaxError('map:max_drop=x').code).toBe('USAGE');
  });

  it('round-trips through its canonical text', () => {
    for (const text of ['probe_acc@final:block=last:max_drop=0.02', 'hit@5@1200:block=3:target=action:max_rel_drop=2.5%', 'loss:block=model:max_drop=0.1', 'cka@300:max_rel_drop=0.01:direction=lower']) {
      const rule = parseRule(text);
      const again = parseRule(formatRule(rule));
      expect({ ...again, text: '' }).toEqual({ ...rule, text: '' });
    }
  });
});
