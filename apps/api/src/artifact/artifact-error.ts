/** An artifact upload or download refused for a reason the client can act on, with its HTTP status. */
export class ArtifactError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ArtifactError';
  }
}
