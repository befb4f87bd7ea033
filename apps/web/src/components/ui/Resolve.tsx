// Awaits a data promise inside a Suspense boundary and renders its children with the value,
// or the API's own error message (server component errors are masked in production builds, so
// data errors are caught here, where the message is still known). NOT_FOUND becomes notFound().
import { notFound } from 'next/navigation';
import { describeError, isApiError } from '@/lib/api-error';
import { ErrorPanel } from './States';

export async function Resolve<T>({ data, children, title, notFoundOnMissing = false }: {
  data: Promise<T>;
  children: (value: T) => React.ReactNode;
  title?: string;
  notFoundOnMissing?: boolean;
}) {
  let value: T;
  try {
    value = await data;
  } catch (error) {
    if (notFoundOnMissing && isApiError(error) && error.code === 'NOT_FOUND') notFound();
    return <ErrorPanel error={describeError(error)} {...(title ? { title } : {})} />;
  }
  return <>{children(value)}</>;
}
