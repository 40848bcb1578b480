/**
 * The playground page: one reducer-held state fed by the training worker's events, laid out to fit one screen.
 * The top bar holds the run controls, the status line, the panel buttons and the shortcuts help; below it the
 * sidebar (dataset, the settings a lesson is about, held-out metrics, the active lesson), the embedding scatter and
 * the charts fill the rest of the viewport. Every other panel lives in the drawer, mounted while closed.
 */
import { useState, type JSX } from 'react';
import type { BackendName, Config } from '../core/config';
import { type EvaluationProtocol, protocolOf } from '../core/data/unseen';
import { findLesson, lessonConfig, type Lesson } from '../core/lessons/lessons';
import { parseLink } from '../core/share/link';
import type { UploadReading } from '../worker/protocol';
import { SPEEDS } from './components/Controls';
import { DatasetChoice } from './components/DataPanel';
import { EmbeddingView } from './components/EmbeddingView';
import { LossChart } from './components/LossChart';
import { HeldOutCharts } from './components/GeometryChart';
import { MetricsReadout } from './components/MetricsReadout';
import { KeySettings } from './components/ModelPanel';
import { TripletChart } from './components/TripletChart';
import { useInspect } from './features/inspect/useInspect';
import { ReferenceAction, ReferenceFigures, useReference } from './features/reference/ReferenceMetrics';
import { LinkProblems } from './features/saveShare/SaveSharePanel';
import { LessonExplanation, useClassroomClass } from './features/teach/LessonsPanel';
import { SLOW_MOTION_MAX_STEPS_PER_SECOND, useTripletInspection } from './features/teach/TripletInspector';
import { lessonRequest } from './features/teach/url';
import { Drawer } from './layout/Drawer';
import { useDrawerPanels } from './layout/drawerPanels';
import { TopBar } from './layout/TopBar';
import { useFillHeight, useViewportHeight } from './layout/useFillHeight';
import { useShortcuts } from './layout/useShortcuts';
import { configForUpload } from './state/configForm';
import { type AppState, latestMetrics, metricsOf, progressOf } from './state/reducer';
import { useSteadyHandler } from './state/useSteadyHandler';
import { DEFAULT_DATASET, useTrainingWorker } from './state/useTrainingWorker';

const scatterCanvas = (cell: HTMLElement) => cell.querySelector<HTMLElement>('canvas[aria-label="Embedding scatter"]');
const lossBox = (cell: HTMLElement) => cell.querySelector<HTMLElement>('figure[aria-label="Loss chart"] > div');

export function App(): JSX.Element {
  const search = typeof window === 'undefined' ? '' : window.location.search;
  const debug = new URLSearchParams(search).get('debug') === '1';
  // A shareable link (?dataset=…&seed=…&margin=…) sets up the first run; its problems are listed, never trusted.
  const [link] = useState(() => parseLink(search));
  // The active lesson (a link's `lesson`; its config applies unless the link sets one up itself), classroom mode
  // and the triplet picked in the inspector.
  const [lesson, setLesson] = useState<Lesson | null>(() => findLesson(link.value.lesson));
  const [initialLesson] = useState(() => (lesson && !link.value.hasSetup ? lessonConfig(lesson) : null));
  const worker = useTrainingWorker(link.value, search, initialLesson);
  const { state, dispatch, send, newRun, startWithConfig, requestDataset, cancelLoad } = worker;
  const [speed, setSpeed] = useState('max');
  const [formError, setFormError] = useState<string | null>(null);
  const [classroom, setClassroom] = useState(link.value.classroom);
  const [pickedTriplet, setPickedTriplet] = useState<number | null>(null);
  // A link naming a lesson that does not exist opens the lessons panel, where that is said and a lesson can be picked.
  const [drawer, setDrawer] = useState<string | null>(() => {
    const request = lessonRequest(search);
    return request.id !== null && request.lesson === null ? 'lessons' : null;
  });
  const [helpOpen, setHelpOpen] = useState(false);
  useClassroomClass(classroom);

  /** The verification threshold the user set in the threshold panel (null: the best one of the last evaluation). */
  const [chosenThreshold, setChosenThreshold] = useState<number | null>(null);
  const inspect = useInspect(state, send, chosenThreshold);
  const reference = useReference(state, send, worker.nextRequestId);

  const running = state.runState === 'running';
  const canTrain =
    state.dataset !== null && state.issues.length === 0 && formError === null && state.runState !== 'empty';

  // Steady: the memoised sidebar sections they are handed render again only when what they show changes.
  const onConfig = useSteadyHandler((config: Config) => {
    if (running) dispatch({ type: 'edit-config', config });
    else startWithConfig(config);
  });

  const onSelect = useSteadyHandler((name: string) => {
    if (state.usedUpload && name === state.usedUpload.name) {
      startWithConfig(configForUpload(state.usedUpload, state.config));
      return;
    }
    requestDataset({ kind: 'builtin', name, seed: state.config.seed });
  });
  const onReading = useSteadyHandler((reading: UploadReading) => void worker.readUploadAs(reading));

  /** A lesson sets its whole configuration: its dataset is (re)loaded with the lesson's seed, then the run starts. */
  const onLesson = (next: Lesson) => {
    setLesson(next);
    setPickedTriplet(null);
    if (running) send({ type: 'pause', runId: state.runId });
    worker.requestLesson(lessonConfig(next, state.config.training.backend), next.dataset);
  };
  const slowMotion = !running || (speed !== 'max' && Number(speed) <= SLOW_MOTION_MAX_STEPS_PER_SECOND);
  const inspection = useTripletInspection(state.snapshot, pickedTriplet, slowMotion);

  const onBackend = (backend: BackendName) => {
    dispatch({ type: 'edit-config', config: { ...state.config, training: { ...state.config.training, backend } } });
    send({ type: 'set-backend', backend });
  };

  const onTrain = () => send({ type: 'train', runId: state.runId });
  const onPause = () => send({ type: 'pause', runId: state.runId });
  const onStep = () => {
    send({ type: 'step', runId: state.runId });
    send({ type: 'refresh', runId: state.runId });
  };
  useShortcuts({
    running,
    canTrain,
    onTrain,
    onPause,
    onStep,
    onToggleHelp: () => setHelpOpen((open) => !open),
    onEscape: () => {
      setHelpOpen(false);
      setDrawer(null);
    },
  });

  const scatterCell = useFillHeight(scatterCanvas, 160, 380);
  const lossCell = useFillHeight(lossBox, 140, 220);
  // The two smaller charts under the loss chart shrink on short screens (a 720-pixel projector) so it stays big, but
  // not below what their legend, switch and a readable plot need together.
  const smallChartHeight = useViewportHeight() >= 900 ? 170 : 150;

  const panels = useDrawerPanels({
    worker,
    running,
    lesson,
    onLesson,
    onConfig,
    onBackend,
    onFormError: setFormError,
    inspect,
    debug,
    classroom,
    onThreshold: setChosenThreshold,
    triplets: { rows: inspection.rows, slow: slowMotion, picked: pickedTriplet, onPick: setPickedTriplet },
    linkHasSetup: link.value.hasSetup,
  });
  const issues = [...state.issues, ...state.workerIssues].map((i) => i.message);
  return (
    <main className="app">
      <TopBar
        state={state}
        controls={{
          state: state.runState,
          canTrain,
          speed,
          debug,
          onTrain,
          onPause,
          onStep,
          onReset: () => {
            if (state.issues.length === 0) newRun(state.config);
          },
          onSpeed: (value) => {
            setSpeed(value);
            send({ type: 'speed', stepsPerSecond: SPEEDS.find((s) => s.value === value)?.stepsPerSecond ?? null });
          },
          onLoseContext: () => send({ type: 'debug-lose-context' }),
          onCrashWorker: () => send({ type: 'debug-crash' }),
        }}
        panels={panels}
        drawer={drawer}
        onToggleDrawer={(id) => setDrawer((open) => (open === id ? null : id))}
        classroom={classroom}
        onClassroom={setClassroom}
        helpOpen={helpOpen}
        onHelp={setHelpOpen}
      />
      <div className="banners">
        <LinkProblems problems={link.problems} />
        {state.halted ? (
          <div role="alert" className="halted">
            Training stopped at step {state.halted.step}: {state.halted.reason}. Try this: {state.halted.suggestion}.
          </div>
        ) : null}
        {state.error ? (
          <p role="alert" className="error">
            {state.error}
          </p>
        ) : null}
      </div>
      <div className="stage">
        <div className="sidebar">
          <DatasetChoice
            selected={state.dataset?.name ?? DEFAULT_DATASET}
            dataset={state.dataset}
            usedUpload={state.usedUpload}
            error={state.datasetError}
            choices={state.uploadChoices}
            disabled={running}
            download={state.download}
            onSelect={onSelect}
            onCancelDownload={cancelLoad}
            onReading={onReading}
          />
          <MetricsReadout
            metrics={latestMetrics(state)}
            protocol={protocolOfState(state)}
            action={<ReferenceAction controller={reference} />}
          >
            <ReferenceFigures controller={reference} />
          </MetricsReadout>
          <KeySettings
            config={state.config}
            problems={formError ? [formError, ...issues] : issues}
            locked={running}
            onChange={onConfig}
          />
          {lesson ? (
            <LessonExplanation
              lesson={lesson}
              config={state.config}
              onRestore={() => onLesson(lesson)}
              onClose={() => setLesson(null)}
            />
          ) : null}
        </div>
        <div className="scatter-cell" ref={scatterCell.ref}>
          <EmbeddingView
            snapshot={inspect.snapshot}
            classNames={state.dataset?.classNames ?? []}
            heldOut={state.heldOut}
            focus={inspect.snapshot === state.snapshot ? inspection.focus : null}
            height={scatterCell.height}
            overlay={inspect.overlay}
            onPointClick={inspect.onPointClick}
          />
        </div>
        <section aria-label="Charts" className="charts">
          <div className="loss-cell" ref={lossCell.ref}>
            <LossChart points={progressOf(state)} validation={metricsOf(state)} height={lossCell.height} />
          </div>
          <div className="more-charts">
            <HeldOutCharts metrics={metricsOf(state)} height={smallChartHeight} />
            <TripletChart points={progressOf(state)} height={smallChartHeight} />
          </div>
        </section>
        <Drawer panels={panels} open={drawer} training={running} onClose={() => setDrawer(null)} />
      </div>
    </main>
  );
}

/** The protocol of the configured run, with the classes the core itself picks; data without classes has none to hold out. */
function protocolOfState(state: AppState): EvaluationProtocol {
  if (state.dataset?.kind !== 'labelled' || state.issues.length > 0) return { kind: 'seen-classes' };
  try {
    return protocolOf(state.config.data, state.dataset.classNames, state.config.seed);
  } catch {
    return { kind: 'seen-classes' };
  }
}
