import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRecordWriter, csvField } from '../src/cli/writer.js';

type Row = { run: string; step: number; value: number | null; note: string };
const columns = ['run', 'step', 'value', 'note'] as const;

async function collect(format: 'csv' | 'json' | 'ndjson', rows: Row[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const writer = createRecordWriter<Row>(out, format, [...columns]);
  for (const row of rows) await writer.write(row);
  await writer.close();
  expect(writer.count).toBe(rows.length);
  return Buffer.concat(chunks).toString('utf8');
}

/** A tiny RFC 4180 reader, written independently of the writer, to check the round trip. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  return rows;
}

const tricky: Row[] = [
  { run: 'a', step: 0, value: 0.1 + 0.2, note: 'plain' },
  { run: 'b,c', step: 10, value: null, note: 'say "hi"' },
  { run: ' lead', step: 20, value: -1e-12, note: 'two\nlines' },
  { run: 'ünï', step: 30, value: Number.NaN, note: '' },
];

describe('record writers', () => {
  it('csv: header, CRLF rows, RFC 4180 quoting, exact numbers', async () => {
    const text = await collect('csv', tricky);
    const rows = readCsv(text);
    expect(rows[0]).toEqual([...columns]);
    expect(rows.slice(1)).toEqual(tricky.map((r) => [r.run, String(r.step), r.value === null ? '' : Number.isNaN(r.value) ? 'NaN' : String(r.value), r.note]));
    expect(Number(rows[1]?.[2])).toBe(0.1 + 0.2);
  });

  it('json: one valid array, non-finite values as null', async () => {
    const parsed = JSON.parse(await collect('json', tricky)) as Row[];
    expect(parsed).toEqual(tricky.map((r) => ({ ...r, value: r.value === null || Number.isNaN(r.value) ? null : r.value })));
    expect(JSON.parse(await collect('json', []))).toEqual([]);
  });

  it('ndjson: one object per line', async () => {
    const lines = (await collect('ndjson', tricky)).trimEnd().split('\n');
    expect(lines).toHaveLength(tricky.length);
    expect(JSON.parse(lines[1] ?? '')).toEqual({ ...tricky[1] });
  });

  it('writeMany produces the same bytes as write, in fewer, larger writes', async () => {
    const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({ run: `r${i % 7}`, step: i, value: i / 3, note: i % 11 === 0 ? 'a,b' : '' }));
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      const one = await collect(format, rows);
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      const writer = createRecordWriter<Row>(out, format, [...columns]);
      await writer.writeMany(rows.slice(0, 10));
      await writer.writeMany(rows.slice(10));
      await writer.close();
      expect(Buffer.concat(chunks).toString('utf8')).toBe(one);
      expect(writer.count).toBe(rows.length);
      expect(chunks.length).toBeLessThan(rows.length / 50);
    }
  });

  it('csv of nothing is just the header', async () => {
    expect(await collect('csv', [])).toBe('run,step,value,note\r\n');
  });

  it('csvField quotes only when needed', () => {
    expect(csvField('abc')).toBe('abc');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('x ')).toBe('"x "');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Infinity)).toBe('Infinity');
  });

  it('waits for the stream to drain instead of buffering (backpressure)', async () => {
    let pending: Array<() => void> = [];
    let written = 0;
    const slow = new Writable({
      highWaterMark: 64,
      write(_chunk, _encoding, callback) { written++; pending.push(callback); },
    });
    const writer = createRecordWriter<Row>(slow, 'ndjson', [...columns]);
    let resolved = 0;
    const writes = [0, 1, 2, 3].map((i) => writer.write({ run: 'r'.repeat(100), step: i, value: i, note: '' }).then(() => { resolved++; }));
    await new Promise((r) => setTimeout(r, 20));
    // Every chunk exceeds the high-water mark, so no write may resolve before its chunk is consumed.
    expect(resolved).toBe(0);
    while (resolved < 4) {
      const callbacks = pending;
      pending = [];
      for (const callback of callbacks) callback();
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(writes);
    expect(written).toBe(4);
  });
});
