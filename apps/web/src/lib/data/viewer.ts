import 'server-only';
import { cache } from 'react';
import { graphql } from '@/generated/gql';
import { gql } from '../graphql';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      label
    }
  }
`);

const WRITE_ROLES = new Set(['ADMIN', 'WRITER']);
/** Roles that may read the dashboard's data (an AGENT token reads only its own jobs). */
export const READ_ROLES = new Set(['ADMIN', 'WRITER', 'READER']);

/** The identity this request acts with (the signed-in person's token), once per request. */
export const getViewer = cache(async () => (await gql(ViewerQuery)).viewer);

/** Whether this request's caller may cancel/retry (WRITER or above). */
export async function canWrite(): Promise<boolean> {
  try {
    return WRITE_ROLES.has((await getViewer()).role);
  } catch {
    return false;
  }
}
