/**
 * The scatter's projection choice: PCA or LDA (both come with every snapshot), or UMAP / t-SNE computed in the projection
 * worker from the held-out embeddings of the latest snapshot's run. While training runs, a new layout is started
 * whenever the previous one is done and at least `REFRESH_MS` have passed, so the view follows the network without
 * keeping a core busy all the time. t-SNE continues from its previous layout (smooth motion); UMAP starts afresh
 * (seeded, so the same embeddings always give the same picture).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isLayout, type LayoutName, type ProjectionName } from '../../../core/projection/layout';
import type { Command, SnapshotMessage } from '../../../worker/protocol';
import type { AppState } from '../../state/reducer';
import { ProjectionClient } from './client';

/**
 * The projection the scatter opens with: PCA. On the default demo no linear view separated the classes measurably
 * better (10-NN class agreement after 20 s: PCA 0.73, LDA 0.73, median of 3 seeds; bench/projections.ts,
 * BENCHMARKS.md), and the PCA needs no labels. UMAP and t-SNE score higher but do not keep distances.
 */
export const DEFAULT_PROJECTION: ProjectionName = 'pca';

/** The snapshot with its LDA coordinates in place of the PCA ones, or null when it has none. */
export function ldaView(snapshot: SnapshotMessage | null): SnapshotMessage | null {
  const lda = snapshot?.lda;
  if (!snapshot || !lda || lda.coordinates.length !== snapshot.coordinates.length) return null;
  const batch = snapshot.batch;
  return {
    ...snapshot,
    coordinates: lda.coordinates,
    batch:
      batch && lda.batchCoordinates && lda.batchCoordinates.length === batch.coordinates.length
        ? { ...batch, coordinates: lda.batchCoordinates }
        : null,
  };
}

/** Least time between the end of one live layout and the start of the next. */
export const REFRESH_MS = 1500;

/** A finished layout. */
export interface ProjectedView {
  runId: number;
  method: LayoutName;
  seed: number;
  step: number;
  coordinates: Float32Array;
  labels: Int32Array;
  preservation: number;
  milliseconds: number;
}

export interface ProjectionController {
  method: ProjectionName;
  setMethod(method: ProjectionName): void;
  seed: number;
  setSeed(seed: number): void;
  /** The latest layout of this run, method and seed (null on PCA or before the first one). */
  view: ProjectedView | null;
  /**
   * The view as a snapshot for the scatter: LDA, the live snapshot in its LDA plane (batch included); UMAP / t-SNE,
   * the layout without a batch (triplet lines live in the linear views). Null shows the PCA snapshot.
   */
  snapshot: SnapshotMessage | null;
  /** The LDA view of any snapshot (timeline replays), or the snapshot itself on other projections. */
  viewOf(snapshot: SnapshotMessage | null): SnapshotMessage | null;
  /** LDA chosen but the snapshot has none (fewer than two classes): the PCA is shown instead. */
  unavailable: boolean;
  /** Fraction done of the layout in progress, null when none runs. */
  progress: number | null;
  error: string | null;
}

interface Job {
  jobId: number;
  runId: number;
  method: LayoutName;
  seed: number;
  step: number;
  labels: Int32Array;
}

export function useProjection(
  state: AppState,
  send: (command: Command) => void,
  nextRequestId: () => number,
): ProjectionController {
  const [method, setMethod] = useState<ProjectionName>(DEFAULT_PROJECTION);
  const [seed, setSeed] = useState(1);
  const [view, setView] = useState<ProjectedView | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Bumped when a job ends or a wait is over, to re-run the trigger effect. */
  const [tick, setTick] = useState(0);
  const client = useRef<ProjectionClient | null>(null);
  const pendingEmbeddings = useRef<{
    requestId: number;
    runId: number;
    method: LayoutName;
    seed: number;
  } | null>(null);
  const job = useRef<Job | null>(null);
  const nextJob = useRef(0);
  const finishedAt = useRef(0);
  const viewRef = useRef(view);
  viewRef.current = view;

  const runId = state.runId;
  const latestStep = state.snapshot?.step ?? null;
  const running = state.runState === 'running';

  // Projection worker events.
  useEffect(() => {
    const c = new ProjectionClient();
    client.current = c;
    const off = c.onEvent((event) => {
      const current = job.current;
      if (event.type === 'projection-error' && event.jobId === -1) {
        job.current = null;
        setProgress(null);
        setError(event.message);
        setTick((t) => t + 1);
        return;
      }
      if (!current || event.jobId !== current.jobId) return;
      if (event.type === 'projection-progress') setProgress(event.fraction);
      else {
        job.current = null;
        finishedAt.current = performance.now();
        setProgress(null);
        if (event.type === 'projected') {
          setError(null);
          setView({
            runId: current.runId,
            method: current.method,
            seed: current.seed,
            step: current.step,
            coordinates: event.coordinates,
            labels: current.labels,
            preservation: event.preservation,
            milliseconds: event.milliseconds,
          });
        } else setError(event.message);
        setTick((t) => t + 1);
      }
    });
    return () => {
      off();
      c.dispose();
      client.current = null;
    };
  }, []);

  // A new run, method or seed: forget what is in flight (its answer would not fit).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run, method or seed is the trigger that drops the job in flight
  useEffect(() => {
    if (job.current) client.current?.send({ type: 'cancel', jobId: job.current.jobId });
    job.current = null;
    pendingEmbeddings.current = null;
    setProgress(null);
    setError(null);
    setTick((t) => t + 1);
  }, [runId, method, seed]);

  // Start the next layout when none is in flight and the shown one is older than the latest snapshot.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every snapshot; the refs hold what the job needs
  useEffect(() => {
    // After a failure, wait for a new run, method or seed (retrying would fail the same way).
    if (!isLayout(method) || latestStep === null || job.current || pendingEmbeddings.current || error) return;
    const shown = viewRef.current;
    const sameKind = shown !== null && shown.runId === runId && shown.method === method && shown.seed === seed;
    if (sameKind && shown.step === latestStep) return;
    const wait = sameKind && running ? finishedAt.current + REFRESH_MS - performance.now() : 0;
    if (wait > 0) {
      const timer = setTimeout(() => setTick((t) => t + 1), wait);
      return () => clearTimeout(timer);
    }
    const requestId = nextRequestId();
    pendingEmbeddings.current = { requestId, runId, method, seed };
    setProgress(0);
    send({ type: 'get-embeddings', runId, requestId });
    return undefined;
  }, [method, seed, runId, latestStep, running, tick, error, send, nextRequestId]);

  // Embeddings arrived: hand them to the projection worker.
  const embeddings = state.inspect.embeddings;
  const inspectError = state.inspect.error;
  useEffect(() => {
    const pending = pendingEmbeddings.current;
    if (!pending) return;
    if (inspectError && inspectError.requestId === pending.requestId) {
      pendingEmbeddings.current = null;
      setProgress(null);
      setError(inspectError.message);
      return;
    }
    // A later readback (e.g. the debug button's) serves as well: it is at least as fresh.
    if (!embeddings || embeddings.requestId < pending.requestId || embeddings.runId !== pending.runId) return;
    pendingEmbeddings.current = null;
    const shown = viewRef.current;
    const warm =
      pending.method === 'tsne' &&
      shown &&
      shown.runId === pending.runId &&
      shown.method === 'tsne' &&
      shown.seed === pending.seed &&
      shown.coordinates.length === embeddings.n * 2;
    const jobId = ++nextJob.current;
    job.current = {
      jobId,
      runId: pending.runId,
      method: pending.method,
      seed: pending.seed,
      step: embeddings.step,
      labels: embeddings.labels,
    };
    client.current?.send({
      type: 'project',
      jobId,
      method: pending.method,
      seed: pending.seed,
      values: embeddings.values.slice(),
      n: embeddings.n,
      dim: embeddings.dim,
      distance: embeddings.distance,
      whitening: embeddings.whitening?.slice(),
      initial: warm ? shown.coordinates.slice() : undefined,
    });
  }, [embeddings, inspectError]);

  const current = view && view.runId === runId && view.method === method && view.seed === seed ? view : null;
  const live = state.snapshot;
  const layoutSnapshot = useMemo<SnapshotMessage | null>(
    () =>
      current
        ? { step: current.step, coordinates: current.coordinates, labels: current.labels, batch: null, lda: null }
        : null,
    [current],
  );
  const ldaSnapshot = useMemo(() => (method === 'lda' ? ldaView(live) : null), [method, live]);
  const viewOf = useCallback(
    (snapshot: SnapshotMessage | null) => (method === 'lda' ? (ldaView(snapshot) ?? snapshot) : snapshot),
    [method],
  );
  return {
    method,
    setMethod,
    seed,
    setSeed,
    view: current,
    snapshot: method === 'lda' ? ldaSnapshot : layoutSnapshot,
    viewOf,
    unavailable: method === 'lda' && live !== null && ldaSnapshot === null,
    progress: isLayout(method) ? progress : null,
    error: isLayout(method) ? error : null,
  };
}
