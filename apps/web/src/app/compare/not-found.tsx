import { NotFoundBody } from '@/components/ui/SegmentStates';

export default function NotFound() {
  return <NotFoundBody what="A compared run" back="/runs" backLabel="Back to the runs" />;
}
