import { NotFoundBody } from '@/components/ui/SegmentStates';

export default function NotFound() {
  return <NotFoundBody what="Run" back="/runs" backLabel="Back to the runs" />;
}
