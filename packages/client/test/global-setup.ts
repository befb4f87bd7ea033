import { startTestServer } from '@stratum/db/testing';

// One PostgreSQL server for the whole session (unless DATABASE_URL points at one already).
export default async function setup(): Promise<() => Promise<void>> {
  return startTestServer();
}
