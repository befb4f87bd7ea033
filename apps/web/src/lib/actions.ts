'use server';
// Cancel and retry, run on the dashboard's server with the signed-in person's token. The API
// enforces the role (WRITER+); the buttons are only rendered when `viewer.role` allows it.
import { refresh } from 'next/cache';
import { graphql } from '@/generated/gql';
import { describeError, type ApiErrorShape } from './api-error';
import { gql } from './graphql';

const CancelRun = graphql(`
  mutation CancelRun($id: ID!) {
    cancelRun(id: $id) {
      id
      status
    }
  }
`);

const RetryRun = graphql(`
  mutation RetryRun($id: ID!) {
    retryRun(id: $id) {
      id
      status
    }
  }
`);

export type ActionResult = { ok: true; status: string } | { ok: false; error: ApiErrorShape };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function cancelRunAction(runId: string): Promise<ActionResult> {
  if (!UUID.test(runId)) return { ok: false, error: { message: 'runId must be a run id (uuid)', code: 'BAD_USER_INPUT' } };
  try {
    const { cancelRun } = await gql(CancelRun, { id: runId });
    refresh();
    return { ok: true, status: cancelRun.status };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

export async function retryRunAction(runId: string): Promise<ActionResult> {
  if (!UUID.test(runId)) return { ok: false, error: { message: 'runId must be a run id (uuid)', code: 'BAD_USER_INPUT' } };
  try {
    const { retryRun } = await gql(RetryRun, { id: runId });
    refresh();
    return { ok: true, status: retryRun.status };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
