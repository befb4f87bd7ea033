import { startTestServer } from '../src/testing/index.js';

export default async function setup(): Promise<() => Promise<void>> {
  return startTestServer();
}
