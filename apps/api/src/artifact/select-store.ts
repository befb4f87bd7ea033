// Which artifact store this API uses: S3-compatible when S3_BUCKET is set, else a local directory
// (ARTIFACT_DIR, default STRATUM_DATA_DIR/artifacts).
import path from 'node:path';
import type { ApiConfig } from '../env.js';
import type { ArtifactStore } from '../common/artifact-store.js';
import { DirectoryArtifactStore } from './directory-artifact-store.js';

export async function createArtifactStore(config: ApiConfig): Promise<ArtifactStore> {
  if (config.S3_BUCKET) {
    // Loaded only when used: the AWS SDK is large and most deployments keep artifacts on disk.
    const { S3ArtifactStore } = await import('./s3-artifact-store.js');
    return new S3ArtifactStore({
      bucket: config.S3_BUCKET,
      prefix: config.S3_PREFIX,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      partSize: config.S3_PART_SIZE,
      maxAttempts: config.S3_MAX_ATTEMPTS,
      stagingDir: path.join(config.STRATUM_DATA_DIR, 'artifact-staging'),
    });
  }
  return new DirectoryArtifactStore(config.ARTIFACT_DIR ?? path.join(config.STRATUM_DATA_DIR, 'artifacts'));
}
