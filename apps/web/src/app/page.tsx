import { Suspense } from 'react';
import { Resolve } from '@/components/ui/Resolve';
import { PanelSkeleton } from '@/components/ui/States';
import { getViewer } from '@/lib/data/viewer';

export default function HomePage() {
  return (
    <div className="stack">
      <h1>Overview</h1>
      <Suspense fallback={<PanelSkeleton />}>
        <Resolve data={getViewer()}>{(viewer) => <p>Signed in as {viewer.label} ({viewer.role})</p>}</Resolve>
      </Suspense>
    </div>
  );
}
