// An S3-compatible server speaking HTTP for the artifact store: s3rver (an S3 emulator on the
// filesystem, checking SigV4 signatures with its fixed key pair), behind a small proxy that can be
// told to answer the next N requests with 503 SlowDown — the store "answering 503 for a while".
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';

/** s3rver's fixed credentials (it verifies request signatures against them). */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export interface S3Endpoint {
  /** The proxy's URL: give it to the API as S3_ENDPOINT. */
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the objects. */
  directory: string;
  /** Env for an API process using this store (bucket, endpoint, credentials, region). */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The next `n` requests are answered 503 SlowDown without reaching s3rver. */
  failNext(n: number): void;
  /** Requests answered 503 so far; requests by method passed through. */
  readonly stats: { failed: number; passed: Record<string, number>; multipartParts: number };
  close(): Promise<void>;
}

export async function startS3(bucket = 'stratum-artifacts'): Promise<S3Endpoint> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-s3rver-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port: s3Port } = (await s3.run()) as AddressInfo;
  let failing = 0;
  const stats = { failed: 0, passed: {} as Record<string, number>, multipartParts: 0 };
  const proxy = http.createServer((req, res) => {
    if (failing > 0) {
      failing--;
      stats.failed++;
      // Read the body first, as a real front end does, so the client sees the answer, not a reset.
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml', connection: 'close' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      });
      return;
    }
    stats.passed[req.method ?? '?'] = (stats.passed[req.method ?? '?'] ?? 0) + 1;
    if (req.method === 'PUT' && /[?&]partNumber=/.test(req.url ?? '')) stats.multipartParts++;
    // The Host header is forwarded unchanged: it is part of what the client signed.
    const upstream = http.request({ host: '127.0.0.1', port: s3Port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    endpoint,
    bucket,
    directory,
    env: (extra = {}) => ({ S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', ...S3RVER_CREDENTIALS, ...extra }),
    failNext: (n) => void (failing = n),
    stats,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await s3.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
