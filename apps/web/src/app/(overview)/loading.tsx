import { PageSkeleton } from '@/components/ui/SegmentStates';

export default function Loading() {
  return <PageSkeleton title="Overview" />;
}
