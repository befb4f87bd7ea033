import 'server-only';
import { cache } from 'react';
import { graphql } from '@/generated/gql';
import { gql } from '../graphql';

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      label
    }
  }
`);

const WRITE_ROLES = new Set(['ADMIN', 'WRITER']);

/** The server-side token's identity, once per request. */
export const getViewer = cache(async () => (await gql(ViewerQuery)).viewer);

/** Whether the dashboard's token may cancel/retry (WRITER or above). */
export async function canWrite(): Promise<boolean> {
  try {
    return WRITE_ROLES.has((await getViewer()).role);
  } catch {
    return false;
  }
}
