import 'server-only';
import { notFound } from 'next/navigation';
import { isApiError } from './api-error';

/**
 * Awaits the lookup of the item a page is about and answers notFound() when the API says it
 * does not exist. Pages call it before returning anything, outside every Suspense boundary, so
 * the response has not started streaming and the status is a real 404 (once a streamed page has
 * sent its status line, notFound() can only render the page, under a 200). Other failures are
 * left to the page's own error panel, which awaits the same (request-cached) lookup.
 */
export async function notFoundUnlessFound(lookup: Promise<unknown>): Promise<void> {
  try {
    await lookup;
  } catch (error) {
    if (isApiError(error) && error.code === 'NOT_FOUND') notFound();
  }
}
