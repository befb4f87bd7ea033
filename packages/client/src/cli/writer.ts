// Streaming record writers for exports: CSV (RFC 4180), a JSON array, or NDJSON. Each record is
// written as it arrives and `write` waits for the stream to drain, so memory stays bounded no
// matter how many records pass through.
import type { Writable } from 'node:stream';

export type ExportFormat = 'csv' | 'json' | 'ndjson';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'ndjson'];

export type Cell = string | number | boolean | null | undefined;

export interface RecordWriter<R extends Record<string, Cell>> {
  /** Writes one record; resolves once the stream can take more (backpressure). */
  write(record: R): Promise<void>;
  /** Writes many records in ~64 KiB writes (fewer, larger writes than one per record). */
  writeMany(records: Iterable<R>): Promise<void>;
  /** Writes the closing bracket (JSON) and waits until everything is flushed; does not end the stream. */
  close(): Promise<void>;
  readonly count: number;
}

/** One CSV field: quoted when it contains a comma, quote, CR/LF or leading/trailing space. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? formatNumber(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Numbers round-trip exactly (shortest representation); non-finite values as NaN/Infinity. */
function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** JSON has no NaN/Infinity: they become null rather than breaking the document. */
function jsonValue(value: Cell): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

function waitDrain(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => { cleanup(); resolve(); };
    const onError = (error: Error) => { cleanup(); reject(error); };
    const onClose = () => { cleanup(); reject(new Error('output stream closed before the export finished')); };
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * A writer for records with the given columns (the CSV header, and the key order of JSON
 * objects). Records are serialised by column, so every line has the same shape.
 */
export function createRecordWriter<R extends Record<string, Cell>>(stream: Writable, format: ExportFormat, columns: ReadonlyArray<keyof R & string>): RecordWriter<R> {
  let count = 0;
  let started = false;
  const push = async (chunk: string): Promise<void> => {
    if (!stream.write(chunk)) await waitDrain(stream);
  };
  const keys = columns.map((column) => JSON.stringify(column) + ':');
  const object = (record: R) => {
    let text = '{';
    for (let i = 0; i < columns.length; i++) text += (i > 0 ? ',' : '') + keys[i] + jsonValue(record[columns[i] as keyof R & string]);
    return text + '}';
  };
  const serialise = (record: R): string => {
    let chunk = '';
    if (!started) {
      started = true;
      if (format === 'csv') chunk += columns.map(csvField).join(',') + '\r\n';
      if (format === 'json') chunk += '[\n';
    }
    if (format === 'csv') {
      for (let i = 0; i < columns.length; i++) chunk += (i > 0 ? ',' : '') + csvField(record[columns[i] as keyof R & string]);
      chunk += '\r\n';
    } else if (format === 'json') chunk += (count > 0 ? ',\n' : '') + object(record);
    else chunk += object(record) + '\n';
    count++;
    return chunk;
  };
  return {
    get count() { return count; },
    async write(record) {
      await push(serialise(record));
    },
    async writeMany(records) {
      let buffer = '';
      for (const record of records) {
        buffer += serialise(record);
        if (buffer.length >= 65_536) {
          await push(buffer);
          buffer = '';
        }
      }
      if (buffer) await push(buffer);
    },
    async close() {
      if (!started) {
        started = true;
        if (format === 'csv') await push(columns.map(csvField).join(',') + '\r\n');
        if (format === 'json') await push('[\n');
      }
      if (format === 'json') await push('\n]\n');
      // An empty write's callback fires once everything before it is flushed.
      await new Promise<void>((resolve, reject) => stream.write('', (error) => (error ? reject(error) : resolve())));
    },
  };
}
