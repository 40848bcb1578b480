/**
 * The playground page: one reducer-held state fed by the training worker's events, the data and model panels on
 * the left, controls, status, the embedding scatter and the charts on the right. First open loads the default
 * built-in demo and configures it at once, so a single click on Train trains.
 */
import { startTransition, useCallback, useEffect, useReducer, useRef, useState, type JSX } from 'react';
import { validate, type BackendName, type Config } from '../core/config';
import type { Command, WorkerEvent } from '../worker/protocol';
import { Controls, SPEEDS } from './components/Controls';
import { DataPanel, type PickedFile } from './components/DataPanel';
import { EmbeddingView } from './components/EmbeddingView';
import { LossChart } from './components/LossChart';
import { MetricsChart } from './components/MetricsChart';
import { MetricsReadout } from './components/MetricsReadout';
import { ModelPanel } from './components/ModelPanel';
import { StatusLine } from './components/StatusLine';
import { TripletChart } from './components/TripletChart';
import { configForBuiltin, configForUpload, traitsOf } from './state/configForm';
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

/** The built-in shown on first open. */
export const DEFAULT_DATASET = 'fashion-mnist';

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
  const search = typeof window === 'undefined' ? '' : window.location.search;
  const debug = new URLSearchParams(search).get('debug') === '1';
  // Issue 4, teach: the active lesson (a link's `lesson`; its config applies unless the link sets one up itself),
  // classroom mode and the triplet picked in the inspector.
  const [lesson, setLesson] = useState<Lesson | null>(() => findLesson(link.value.lesson));
  const pendingLesson = useRef<Config | null>(lesson && !link.value.hasSetup ? lessonConfig(lesson) : null);
  const [classroom, setClassroom] = useState(link.value.classroom);
  const [pickedTriplet, setPickedTriplet] = useState<number | null>(null);
  useClassroomClass(classroom);

  const send = useCallback((command: Command) => client.current?.send(command), []);
  // Issue 4, inspect: selection, neighbours, queries, timeline and projection around the scatter.
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

  const startWithConfig = useCallback(
    (config: Config, info: Parameters<typeof traitsOf>[0]) => {
      dispatch({ type: 'edit-config', config });
      if (validate(config, traitsOf(info)).length === 0) newRun(config);
    },
    [newRun],
  );

  useEffect(() => {
    const worker = new WorkerClient();
    client.current = worker;
    setWorkerClient(worker);
    const offEvent = worker.onEvent((event: WorkerEvent) => {
      // Issue 6: the live training stream (progress, snapshots, metrics) renders as a transition, which React
      // renders in slices that yield to input, so charts and panels never hold the page for long; every other
      // event (state, errors, loads) stays urgent.
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
        startWithConfig(config, event.info);
      }
    });
    const offRestart = worker.onRestart(() => dispatch({ type: 'worker-restarted' }));
    const backend = backendFromUrl(search);
    if (backend) worker.send({ type: 'set-backend', backend });
    const requestId = ++nextRequest.current;
    pendingRequest.current = requestId;
    dispatch({ type: 'request-load', requestId });
    worker.send({
      type: 'load-builtin',
      requestId,
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
  }, [search, startWithConfig, link]);

  const running = state.runState === 'running';
  const canTrain =
    state.dataset !== null && state.issues.length === 0 && formError === null && state.runState !== 'empty';

  const onConfig = (config: Config) => {
    dispatch({ type: 'edit-config', config });
    if (!running && validate(config, traitsOf(state.dataset)).length === 0) newRun(config);
  };

  const onSelect = (name: string) => {
    if (state.usedUpload && name === state.usedUpload.name) {
      startWithConfig(configForUpload(state.usedUpload, state.config), state.usedUpload);
      return;
    }
    const requestId = ++nextRequest.current;
    pendingRequest.current = requestId;
    dispatch({ type: 'request-load', requestId });
    send({ type: 'load-builtin', requestId, name, seed: state.config.seed });
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

  const onUse = () => {
    const requestId = ++nextRequest.current;
    pendingRequest.current = requestId;
    dispatch({ type: 'request-use-upload', requestId });
    send({ type: 'use-upload', requestId });
  };

  /** A lesson sets its whole configuration: its dataset is (re)loaded with the lesson's seed, then the run starts. */
  const onLesson = (next: Lesson) => {
    setLesson(next);
    setPickedTriplet(null);
    if (running) send({ type: 'pause', runId: state.runId });
    const config = lessonConfig(next, state.config.training.backend);
    pendingLesson.current = config;
    const requestId = ++nextRequest.current;
    pendingRequest.current = requestId;
    dispatch({ type: 'request-load', requestId });
    send({ type: 'load-builtin', requestId, name: next.dataset, seed: config.seed });
  };
  const slowMotion = !running || (speed !== 'max' && Number(speed) <= SLOW_MOTION_MAX_STEPS_PER_SECOND);
  const inspection = useTripletInspection(state.snapshot, pickedTriplet, slowMotion);

  const onBackend = (backend: BackendName) => {
    dispatch({ type: 'edit-config', config: { ...state.config, training: { ...state.config.training, backend } } });
    send({ type: 'set-backend', backend });
  };

  const classNames = state.dataset?.classNames ?? [];
  return (
    <main className="app">
      <header>
        <h1>Siamese Playground</h1>
        <p className="tagline">Train a twin network in your browser and watch its embedding space organise itself.</p>
      </header>
      <LinkProblems problems={link.problems} />
      <div className="layout">
        <div className="left">
          <LessonsPanel active={lesson} classroom={classroom} onLesson={onLesson} onClassroom={setClassroom} />
          <DataPanel
            selected={state.dataset?.name ?? DEFAULT_DATASET}
            dataset={state.dataset}
            preview={state.preview}
            usedUpload={state.usedUpload}
            upload={state.upload}
            error={state.datasetError}
            disabled={running}
            onSelect={onSelect}
            onFiles={(files) => void onFiles(files)}
            onUse={onUse}
            onDiscard={() => dispatch({ type: 'discard-upload' })}
          />
          <ModelPanel
            config={state.config}
            issues={[...state.issues, ...state.workerIssues]}
            locked={running}
            onChange={onConfig}
            onBackend={onBackend}
            onFormError={setFormError}
          />
          <SaveSharePanel
            state={state}
            dispatch={dispatch}
            client={workerClient}
            nextRequestId={() => ++nextRequest.current}
            nextRunId={() => ++nextRun.current}
            link={{ lesson: lesson?.id, hasSetup: link.value.hasSetup }}
          />
        </div>
        <div className="right">
          <Controls
            state={state.runState}
            canTrain={canTrain}
            speed={speed}
            debug={debug}
            onTrain={() => send({ type: 'train', runId: state.runId })}
            onPause={() => send({ type: 'pause', runId: state.runId })}
            onStep={() => {
              send({ type: 'step', runId: state.runId });
              send({ type: 'refresh', runId: state.runId });
            }}
            onReset={() => {
              if (validate(state.config, traitsOf(state.dataset)).length === 0) newRun(state.config);
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
          <MetricsReadout metrics={latestMetrics(state)} />
          {lesson ? (
            <LessonExplanation
              lesson={lesson}
              config={state.config}
              onRestore={() => onLesson(lesson)}
              onClose={() => setLesson(null)}
            />
          ) : null}
          <EmbeddingView
            snapshot={inspect.snapshot}
            classNames={classNames}
            heldOut={state.heldOut}
            focus={inspect.snapshot === state.snapshot ? inspection.focus : null}
            height={classroom ? 560 : undefined}
            overlay={inspect.overlay}
            onPointClick={inspect.onPointClick}
          />
          <InspectPanels inspect={inspect} state={state} />
          <TripletInspector
            snapshot={state.snapshot}
            rows={inspection.rows}
            classNames={classNames}
            slow={slowMotion}
            selected={pickedTriplet}
            onSelect={setPickedTriplet}
          />
          <section aria-label="Charts" className="charts">
            <LossChart points={progressOf(state)} validation={metricsOf(state)} />
            <MetricsChart metrics={metricsOf(state)} />
            <TripletChart points={progressOf(state)} />
          </section>
          <ThresholdPanel
            pairs={state.pairDistances}
            debug={debug}
            classroom={classroom}
            onThreshold={setChosenThreshold}
          />
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
        </div>
      </div>
    </main>
  );
}
