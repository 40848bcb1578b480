/**
 * The playground page: one reducer-held state fed by the training worker's events, the data and model panels on
 * the left, controls, status, the embedding scatter and the charts on the right. First open loads the default
 * built-in demo and configures it at once, so a single click on Train trains.
 */
import { useCallback, useEffect, useReducer, useRef, useState, type JSX } from 'react';
import { validate, type BackendName, type Config } from '../core/config';
import type { Command, WorkerEvent } from '../worker/protocol';
import { Controls, SPEEDS } from './components/Controls';
import { DataPanel } from './components/DataPanel';
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

/** The built-in shown on first open. */
export const DEFAULT_DATASET = 'fashion-mnist';

export function App(): JSX.Element {
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState(configForBuiltin(DEFAULT_DATASET)));
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

  const send = useCallback((command: Command) => client.current?.send(command), []);

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
    const offEvent = worker.onEvent((event: WorkerEvent) => {
      dispatch({ type: 'event', event });
      if (event.type === 'dataset-loaded' && pendingRequest.current === event.requestId) {
        pendingRequest.current = null;
        const previous = stateRef.current.config;
        const config = event.info.name.startsWith('upload:') ? configForUpload(event.info, previous) : configForBuiltin(event.info.name, previous);
        startWithConfig(config, event.info);
      }
    });
    const offRestart = worker.onRestart(() => dispatch({ type: 'worker-restarted' }));
    const backend = backendFromUrl(search);
    if (backend) worker.send({ type: 'set-backend', backend });
    const requestId = ++nextRequest.current;
    pendingRequest.current = requestId;
    dispatch({ type: 'request-load', requestId });
    worker.send({ type: 'load-builtin', requestId, name: DEFAULT_DATASET, seed: stateRef.current.config.seed });
    return () => {
      offEvent();
      offRestart();
      worker.dispose();
      client.current = null;
    };
  }, [search, startWithConfig]);

  const running = state.runState === 'running';
  const canTrain = state.dataset !== null && state.issues.length === 0 && formError === null && state.runState !== 'empty';

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

  const onFiles = async (files: File[]) => {
    const requestId = ++nextRequest.current;
    dispatch({ type: 'request-upload', requestId });
    const read = await Promise.all(
      files.map(async (file) => {
        const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
        const parts = relative.split('/');
        const className = parts.length > 2 ? parts[parts.length - 2] : undefined;
        return { name: file.name, bytes: await file.arrayBuffer(), ...(className ? { className } : {}) };
      }),
    );
    send({ type: 'load-upload', requestId, files: read });
  };

  const onUse = () => {
    const requestId = ++nextRequest.current;
    pendingRequest.current = requestId;
    dispatch({ type: 'request-use-upload', requestId });
    send({ type: 'use-upload', requestId });
  };

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
      <div className="layout">
        <div className="left">
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
          {state.error ? <p role="alert" className="error">{state.error}</p> : null}
          <MetricsReadout metrics={latestMetrics(state)} />
          <EmbeddingView snapshot={state.snapshot} classNames={classNames} heldOut={state.heldOut} />
          <section aria-label="Charts" className="charts">
            <LossChart points={progressOf(state)} validation={metricsOf(state)} />
            <MetricsChart metrics={metricsOf(state)} />
            <TripletChart points={progressOf(state)} />
          </section>
        </div>
      </div>
    </main>
  );
}
