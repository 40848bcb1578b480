/**
 * The panels behind the top bar's panel buttons, in button order: each with its button label (its accessible name),
 * the drawer's title and its content wired to the page's state. Everything that does not fit the one-screen view
 * lives here. The save-and-share controller runs here, outside the drawer, so the autosave and the worker's answers
 * are handled while its panel is hidden (and, while training runs, not rendered).
 */
import type { BackendName, Config } from '../../core/config';
import type { Lesson } from '../../core/lessons/lessons';
import type { InspectedTriplet } from '../../core/teach/triplets';
import { DataPanel } from '../components/DataPanel';
import { ModelPanel } from '../components/ModelPanel';
import { UnseenClassesControl } from '../components/UnseenClassesControl';
import { CompareRunsPanel } from '../features/compare/CompareRunsPanel';
import { InspectPanels } from '../features/inspect/InspectPanels';
import type { InspectController } from '../features/inspect/useInspect';
import { SaveSharePanel } from '../features/saveShare/SaveSharePanel';
import { useSaveShare } from '../features/saveShare/useSaveShare';
import { LessonsPanel } from '../features/teach/LessonsPanel';
import { ThresholdPanel } from '../features/teach/ThresholdPanel';
import { TripletInspector } from '../features/teach/TripletInspector';
import { metricsOf, progressOf } from '../state/reducer';
import type { TrainingWorker } from '../state/useTrainingWorker';
import type { DrawerPanel } from './Drawer';

export interface DrawerPanelsProps {
  worker: TrainingWorker;
  running: boolean;
  lesson: Lesson | null;
  onLesson(lesson: Lesson): void;
  onConfig(config: Config): void;
  onBackend(backend: BackendName): void;
  onFormError(message: string | null): void;
  inspect: InspectController;
  debug: boolean;
  classroom: boolean;
  onThreshold(threshold: number | null): void;
  /** The triplet inspector: the current batch's triplets, whether training is slow enough to follow, the pick. */
  triplets: {
    rows: readonly InspectedTriplet[];
    slow: boolean;
    picked: number | null;
    onPick(index: number | null): void;
  };
  /** Whether the page link set up the run (then no autosave is reopened by itself). */
  linkHasSetup: boolean;
}

export function useDrawerPanels(props: DrawerPanelsProps): DrawerPanel[] {
  const { worker, running, triplets } = props;
  const { state, dispatch } = worker;
  const saveShare = useSaveShare({
    state,
    dispatch,
    client: worker.client,
    nextRequestId: worker.nextRequestId,
    nextRunId: worker.nextRunId,
    linkHasSetup: props.linkHasSetup,
  });
  return [
    {
      id: 'lessons',
      label: 'Lessons',
      title: 'Lessons',
      content: <LessonsPanel active={props.lesson} onLesson={props.onLesson} />,
    },
    {
      id: 'data',
      label: 'Data',
      title: 'Data: preview and upload',
      content: (
        <>
          <UnseenClassesControl
            config={state.config}
            dataset={state.dataset}
            locked={running}
            onChange={props.onConfig}
          />
          <DataPanel
            dataset={state.dataset}
            preview={state.preview}
            upload={state.upload}
            onFiles={(files) => void worker.loadUpload(files)}
            onUse={() => worker.requestDataset({ kind: 'use-upload' })}
            onDiscard={() => dispatch({ type: 'discard-upload' })}
            onCancel={worker.cancelUpload}
          />
        </>
      ),
    },
    {
      id: 'model',
      label: 'Model',
      title: 'Model and training',
      content: (
        <ModelPanel
          config={state.config}
          locked={running}
          onChange={props.onConfig}
          onBackend={props.onBackend}
          onFormError={props.onFormError}
        />
      ),
    },
    {
      id: 'inspect',
      label: 'Inspect',
      title: 'Inspect: projection, timeline, neighbours, queries',
      content: <InspectPanels inspect={props.inspect} state={state} />,
    },
    {
      id: 'threshold',
      label: 'Threshold',
      title: 'Distances and threshold',
      live: true,
      content: (
        <ThresholdPanel
          pairs={state.pairDistances}
          debug={props.debug}
          classroom={props.classroom}
          onThreshold={props.onThreshold}
        />
      ),
    },
    {
      id: 'triplets',
      label: 'Triplets',
      title: 'Triplet inspector',
      live: true,
      content: (
        <TripletInspector
          snapshot={state.snapshot}
          rows={triplets.rows}
          classNames={state.dataset?.classNames ?? []}
          slow={triplets.slow}
          selected={triplets.picked}
          onSelect={triplets.onPick}
        />
      ),
    },
    {
      id: 'compare',
      label: 'Compare',
      title: 'Compare runs',
      content: (
        <CompareRunsPanel
          runs={state.keptRuns}
          current={{
            runId: state.runId,
            config: state.config,
            step: state.step,
            progress: progressOf(state),
            metrics: metricsOf(state),
          }}
          dispatch={dispatch}
        />
      ),
    },
    {
      id: 'save',
      label: 'Save & share',
      title: 'Save and share',
      content: <SaveSharePanel c={saveShare} state={state} client={worker.client} lesson={props.lesson?.id} />,
    },
  ];
}
