'use client';
import { SegmentError } from '@/components/ui/SegmentError';

export default function Error({ error, retry }: { error: unknown; retry: () => void }) {
  return <SegmentError error={error} retry={retry} what="the sign-in page" />;
}
