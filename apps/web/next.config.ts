import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = path.dirname(fileURLToPath(import.meta.url));

const nextConfig: NextConfig = {
  // A self-contained server (server.js + the traced node_modules) for the Docker image.
  output: 'standalone',
  // The workspace root, so standalone tracing and Turbopack see the hoisted node_modules.
  outputFileTracingRoot: path.join(here, '../..'),
  turbopack: { root: path.join(here, '../..') },
  poweredByHeader: false,
  // The live relay's WebSocket client runs as plain Node code (bundling ws breaks its optional
  // native helpers).
  serverExternalPackages: ['ws'],
  reactStrictMode: true,
};

export default nextConfig;
