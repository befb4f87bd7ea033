import { NotFoundBody } from '@/components/ui/SegmentStates';

export default function NotFound() {
  return <NotFoundBody what="Sweep" back="/" backLabel="Back to the overview" />;
}
