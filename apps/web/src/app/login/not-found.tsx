import { NotFoundBody } from '@/components/ui/SegmentStates';

export default function NotFound() {
  return <NotFoundBody what="Page" back="/" backLabel="Back to the overview" />;
}
