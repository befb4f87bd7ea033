import { startTestServer } from '@stratum/db/testing';

export default async function setup(): Promise<() => Promise<void>> {
  return startTestServer();
}
