/**
 * The playground page: one reducer-held state fed by the training worker's events, laid out to fit one screen.
 * The top bar holds the run controls, the status line, the panel buttons and the shortcuts help; below it the
 * sidebar (dataset, the settings a lesson is about, held-out metrics, the active lesson), the embedding scatter and
 * the charts fill the rest of the viewport. Every other panel lives in the drawer, mounted while closed.
 * First open loads the default built-in demo and configures it at once, so a single click on Train trains.
 */
import { startTransition, useCallback, useEffect, useReducer, useRef, useState, type JSX } from 'react';
import type { BackendName, Config } from '../core/config';
import type { Command, WorkerEvent } from '../worker/protocol';
import { Controls, SPEEDS } from './components/Controls';
import { DataPanel, DatasetChoice, type PickedFile } from './components/DataPanel';
import { EmbeddingView } from './components/EmbeddingView';
import { LossChart } from './components/LossChart';
import { MetricsChart } from './components/MetricsChart';
import { MetricsReadout } from './components/MetricsReadout';
import { KeySettings, ModelPanel } from './components/ModelPanel';
import { StatusLine } from './components/StatusLine';
import { TripletChart } from './components/TripletChart';
import { configForBuiltin, configForUpload } from './state/configForm';
import { initialState, latestMetrics, metricsOf, progressOf, reducer } from './state/reducer';
import { backendFromUrl, WorkerClient } from './worker/client';
import { parseLink } from '../core/share/link';
import { LinkProblems, SaveSharePanel } from './features/saveShare/SaveSharePanel';
import { findLesson, lessonConfig, type Lesson } from '../core/lessons/lessons';
import { LessonExplanation, LessonsPanel, useClassroomClass } from './features/teach/LessonsPanel';
import {
  SLOW_MOTION_MAX_STEPS_PER_SECOND,
  TripletInspector,
  useTripletInspection,
} from './features/teach/TripletInspector';
import { ThresholdPanel } from './features/teach/ThresholdPanel';
import { CompareRunsPanel } from './features/compare/CompareRunsPanel';
import { InspectPanels } from './features/inspect/InspectPanels';
import { useInspect } from './features/inspect/useInspect';
import { Drawer, DrawerButtons, type DrawerPanel } from './layout/Drawer';
import { HelpPopover } from './layout/HelpPopover';
import { shortcutOf } from './layout/shortcuts';
import { useFillHeight, useViewportHeight } from './layout/useFillHeight';
import { lessonRequest } from './features/teach/url';

/** The built-in shown on first open. */
export const DEFAULT_DATASET = 'fashion-mnist';

/** Where a dataset comes from: a built-in (with the seed of its split) or the parsed upload the user accepted. */
type DatasetSource = { kind: 'builtin'; name: string; seed: number } | { kind: 'use-upload' };

const scatterCanvas = (cell: HTMLElement) => cell.querySelector<HTMLElement>('canvas[aria-label="Embedding scatter"]');
const lossBox = (cell: HTMLElement) => cell.querySelector<HTMLElement>('figure[aria-label="Loss chart"] > div');

export function App(): JSX.Element {
  // A shareable link (?dataset=…&seed=…&margin=…) sets up the first run; its problems are listed, never trusted.
  const [link] = useState(() => parseLink(typeof window === 'undefined' ? '' : window.location.search));
  const linkPending = useRef(link.value.hasSetup);
  const [workerClient, setWorkerClient] = useState<WorkerClient | null>(null);
  const [state, dispatch] = useReducer(reducer, undefined, () =>
    initialState(link.value.hasSetup ? link.value.config : configForBuiltin(DEFAULT_DATASET)),
  );
  const [speed, setSpeed] = useState('max');
  const [formError, setFormError] = useState<string | null>(null);
  const client = useRef<WorkerClient | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const nextRequest = useRef(0);
  const nextRun = useRef(0);
  const pendingRequest = useRef<number | null>(null);
  /** A config handed to the reducer that should start a run once the reducer has judged it (issues stored). */
  const runWhenValid = useRef<Config | null>(null);
  const search = typeof window === 'undefined' ? '' : window.location.search;
  const debug = new URLSearchParams(search).get('debug') === '1';
  // The active lesson (a link's `lesson`; its config applies unless the link sets one up itself), classroom mode
  // and the triplet picked in the inspector.
  const [lesson, setLesson] = useState<Lesson | null>(() => findLesson(link.value.lesson));
  const pendingLesson = useRef<Config | null>(lesson && !link.value.hasSetup ? lessonConfig(lesson) : null);
  const [classroom, setClassroom] = useState(link.value.classroom);
  const [pickedTriplet, setPickedTriplet] = useState<number | null>(null);
  // A link naming a lesson that does not exist opens the lessons panel, where that is said and a lesson can be picked.
  const [drawer, setDrawer] = useState<string | null>(() => {
    const request = lessonRequest(search);
    return request.id !== null && request.lesson === null ? 'lessons' : null;
  });
  const [helpOpen, setHelpOpen] = useState(false);
  useClassroomClass(classroom);

  const send = useCallback((command: Command) => client.current?.send(command), []);
  /** The verification threshold the user set in the threshold panel (null: the best one of the last evaluation). */
  const [chosenThreshold, setChosenThreshold] = useState<number | null>(null);
  const inspect = useInspect(state, send, chosenThreshold);

  const newRun = useCallback(
    (config: Config) => {
      const runId = ++nextRun.current;
      dispatch({ type: 'new-run', runId });
      send({ type: 'configure', runId, config });
    },
    [send],
  );

  /** Stores `config` in the form; a run starts with it if the reducer finds no issue (see the effect below). */
  const startWithConfig = useCallback((config: Config) => {
    runWhenValid.current = config;
    dispatch({ type: 'edit-config', config });
  }, []);
  useEffect(() => {
    if (runWhenValid.current !== state.config) return;
    runWhenValid.current = null;
    if (state.issues.length === 0) newRun(state.config);
  }, [state.config, state.issues, newRun]);

  /** The one way a dataset is asked for; what config it gets is decided when it arrives (the event handler). */
  const requestDataset = useCallback(
    (source: DatasetSource) => {
      const requestId = ++nextRequest.current;
      pendingRequest.current = requestId;
      if (source.kind === 'builtin') {
        dispatch({ type: 'request-load', requestId });
        send({ type: 'load-builtin', requestId, name: source.name, seed: source.seed });
      } else {
        dispatch({ type: 'request-use-upload', requestId });
        send({ type: 'use-upload', requestId });
      }
    },
    [send],
  );

  useEffect(() => {
    const worker = new WorkerClient();
    client.current = worker;
    setWorkerClient(worker);
    const offEvent = worker.onEvent((event: WorkerEvent) => {
      // The live training stream (progress, snapshots, metrics) renders as a transition, which React renders in
      // slices that yield to input, so charts and panels never hold the page for long; every other event (state,
      // errors, loads) stays urgent.
      if (event.type === 'progress' || event.type === 'snapshot' || event.type === 'metrics')
        startTransition(() => dispatch({ type: 'event', event }));
      else dispatch({ type: 'event', event });
      if (event.type === 'dataset-loaded' && pendingRequest.current === event.requestId) {
        pendingRequest.current = null;
        const previous = stateRef.current.config;
        const fromLink = linkPending.current && event.info.name === link.value.dataset;
        linkPending.current = false;
        const lessonSetup =
          pendingLesson.current?.data.dataset === event.info.name
            ? {
                ...pendingLesson.current,
                training: { ...pendingLesson.current.training, backend: previous.training.backend },
              }
            : null;
        pendingLesson.current = null;
        const config =
          lessonSetup ??
          (fromLink
            ? previous
            : event.info.name.startsWith('upload:')
              ? configForUpload(event.info, previous)
              : configForBuiltin(event.info.name, previous));
        startWithConfig(config);
      }
    });
    const offRestart = worker.onRestart(() => dispatch({ type: 'worker-restarted' }));
    const backend = backendFromUrl(search);
    if (backend) worker.send({ type: 'set-backend', backend });
    requestDataset({
      kind: 'builtin',
      name: pendingLesson.current?.data.dataset ?? (link.value.hasSetup ? link.value.dataset : DEFAULT_DATASET),
      seed: pendingLesson.current?.seed ?? stateRef.current.config.seed,
    });
    return () => {
      offEvent();
      offRestart();
      worker.dispose();
      client.current = null;
      setWorkerClient(null);
    };
  }, [search, startWithConfig, requestDataset, link]);

  const running = state.runState === 'running';
  const canTrain =
    state.dataset !== null && state.issues.length === 0 && formError === null && state.runState !== 'empty';

  const onConfig = (config: Config) => {
    if (running) dispatch({ type: 'edit-config', config });
    else startWithConfig(config);
  };

  const onSelect = (name: string) => {
    if (state.usedUpload && name === state.usedUpload.name) {
      startWithConfig(configForUpload(state.usedUpload, state.config));
      return;
    }
    requestDataset({ kind: 'builtin', name, seed: state.config.seed });
  };

  const onFiles = async (files: PickedFile[]) => {
    const requestId = ++nextRequest.current;
    dispatch({ type: 'request-upload', requestId });
    const read = await Promise.all(
      files.map(async ({ file, className }) => ({
        name: file.name,
        bytes: await file.arrayBuffer(),
        ...(className ? { className } : {}),
      })),
    );
    send({ type: 'load-upload', requestId, files: read });
  };

  /** A lesson sets its whole configuration: its dataset is (re)loaded with the lesson's seed, then the run starts. */
  const onLesson = (next: Lesson) => {
    setLesson(next);
    setPickedTriplet(null);
    if (running) send({ type: 'pause', runId: state.runId });
    const config = lessonConfig(next, state.config.training.backend);
    pendingLesson.current = config;
    requestDataset({ kind: 'builtin', name: next.dataset, seed: config.seed });
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

  // Keyboard: space trains or pauses, → steps, ? toggles the help, Esc closes the help or the drawer. The handler
  // reads the latest page through a ref, so it is registered once.
  const keys = useRef({ running, canTrain, onTrain, onPause, onStep });
  keys.current = { running, canTrain, onTrain, onPause, onStep };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setHelpOpen(false);
        setDrawer(null);
        return;
      }
      const action = shortcutOf(event);
      if (action === null) return;
      const k = keys.current;
      event.preventDefault();
      if (action === 'help') setHelpOpen((open) => !open);
      else if (action === 'train-or-pause') {
        if (k.running) k.onPause();
        else if (k.canTrain) k.onTrain();
      } else if (action === 'step' && !k.running && k.canTrain) k.onStep();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const scatterCell = useFillHeight(scatterCanvas, 160, 380);
  const lossCell = useFillHeight(lossBox, 140, 220);
  // The two smaller charts under the loss chart shrink on short screens (a 720-pixel projector) so it stays big.
  const smallChartHeight = useViewportHeight() >= 900 ? 170 : 120;

  const classNames = state.dataset?.classNames ?? [];
  const drawerPanels: DrawerPanel[] = [
    {
      id: 'lessons',
      label: 'Lessons',
      title: 'Lessons',
      content: <LessonsPanel active={lesson} onLesson={onLesson} />,
    },
    {
      id: 'data',
      label: 'Data',
      title: 'Data: preview and upload',
      content: (
        <DataPanel
          dataset={state.dataset}
          preview={state.preview}
          upload={state.upload}
          onFiles={(files) => void onFiles(files)}
          onUse={() => requestDataset({ kind: 'use-upload' })}
          onDiscard={() => dispatch({ type: 'discard-upload' })}
        />
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
          onChange={onConfig}
          onBackend={onBackend}
          onFormError={setFormError}
        />
      ),
    },
    {
      id: 'inspect',
      label: 'Inspect',
      title: 'Inspect: projection, timeline, neighbours, queries',
      content: <InspectPanels inspect={inspect} state={state} />,
    },
    {
      id: 'threshold',
      label: 'Threshold',
      title: 'Distances and threshold',
      content: (
        <ThresholdPanel
          pairs={state.pairDistances}
          debug={debug}
          classroom={classroom}
          onThreshold={setChosenThreshold}
        />
      ),
    },
    {
      id: 'triplets',
      label: 'Triplets',
      title: 'Triplet inspector',
      content: (
        <TripletInspector
          snapshot={state.snapshot}
          rows={inspection.rows}
          classNames={classNames}
          slow={slowMotion}
          selected={pickedTriplet}
          onSelect={setPickedTriplet}
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
      content: (
        <SaveSharePanel
          state={state}
          dispatch={dispatch}
          client={workerClient}
          nextRequestId={() => ++nextRequest.current}
          nextRunId={() => ++nextRun.current}
          link={{ lesson: lesson?.id, hasSetup: link.value.hasSetup }}
        />
      ),
    },
  ];
  const issues = [...state.issues, ...state.workerIssues].map((i) => i.message);
  return (
    <main className="app">
      <header className="topbar">
        <h1>Siamese Playground</h1>
        <Controls
          state={state.runState}
          canTrain={canTrain}
          speed={speed}
          debug={debug}
          onTrain={onTrain}
          onPause={onPause}
          onStep={onStep}
          onReset={() => {
            if (state.issues.length === 0) newRun(state.config);
          }}
          onSpeed={(value) => {
            setSpeed(value);
            send({ type: 'speed', stepsPerSecond: SPEEDS.find((s) => s.value === value)?.stepsPerSecond ?? null });
          }}
          onLoseContext={() => send({ type: 'debug-lose-context' })}
          onCrashWorker={() => send({ type: 'debug-crash' })}
        />
        <StatusLine
          step={state.step}
          epoch={state.epoch}
          loss={state.lastLoss}
          stepsPerSecond={state.stepsPerSecond}
          backend={state.backend}
          state={state.runState}
          note={state.backendNote}
        />
        <DrawerButtons
          panels={drawerPanels}
          open={drawer}
          onToggle={(id) => setDrawer((open) => (open === id ? null : id))}
        />
        <button
          type="button"
          className="classroom-toggle"
          aria-pressed={classroom}
          title="Projector view: big scatter, big loss chart, large type"
          onClick={() => setClassroom(!classroom)}
        >
          Classroom mode
        </button>
        <HelpPopover open={helpOpen} onToggle={setHelpOpen} />
      </header>
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
            disabled={running}
            onSelect={onSelect}
          />
          <MetricsReadout metrics={latestMetrics(state)} />
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
            classNames={classNames}
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
            <MetricsChart metrics={metricsOf(state)} height={smallChartHeight} />
            <TripletChart points={progressOf(state)} height={smallChartHeight} />
          </div>
        </section>
        <Drawer panels={drawerPanels} open={drawer} onClose={() => setDrawer(null)} />
      </div>
    </main>
  );
}
