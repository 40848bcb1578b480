/**
 * The inspect panels under the scatter: projection choice, timeline, nearest neighbours (with the two-sample
 * comparison) and query by example. The page renders this once, right after the embedding view.
 */
import type { JSX } from 'react';
import type { AppState } from '../../state/reducer';
import { ProjectionControls } from '../projection/ProjectionControls';
import { TimelinePanel } from '../timeline/TimelinePanel';
import { NeighboursPanel } from './NeighboursPanel';
import { QueryPanel } from './QueryPanel';
import type { InspectController } from './useInspect';

export function InspectPanels(props: { inspect: InspectController; state: AppState }): JSX.Element {
  const { inspect, state } = props;
  const pointCount = state.snapshot?.labels.length ?? state.heldOut?.count ?? 0;
  return (
    <div className="inspect">
      <ProjectionControls projection={inspect.projection} timelineActive={inspect.timeline.selectedStep !== null} />
      <TimelinePanel timeline={state.timeline.snapshots} controller={inspect.timeline} />
      <div className="inspect-columns">
        <NeighboursPanel
          inspect={inspect}
          answers={state.inspect}
          dataset={state.dataset}
          heldOut={state.heldOut}
          pointCount={pointCount}
        />
        <QueryPanel inspect={inspect} answers={state.inspect} dataset={state.dataset} heldOut={state.heldOut} />
      </div>
    </div>
  );
}
