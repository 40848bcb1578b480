/**
 * Everything the inspect features add around the scatter, as one hook the page calls: which points are selected (click = sample
 * A, shift-click = sample B), the neighbour / comparison / query requests they trigger (refreshed as the network
 * changes, at most once a second while training runs), the timeline and the projection. It returns what the scatter
 * draws and what the panels show. Requests go to the training worker; answers come back through the page reducer.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { QuerySample } from '../../../core/data/query';
import type { Command, SnapshotMessage } from '../../../worker/protocol';
import type { AppState } from '../../state/reducer';
import { useProjection, type ProjectionController } from '../projection/useProjection';
import { useTimeline, type TimelineController } from '../timeline/TimelinePanel';
import { inspectOverlay, type ScatterOverlay } from './overlay';

/** Least time between two refreshes of one question while training runs. */
export const REFRESH_WHILE_RUNNING_MS = 1000;
/** Neighbour counts offered. */
export const NEIGHBOUR_COUNTS = [1, 3, 5, 10, 20] as const;

export interface InspectController {
  /** What the scatter should show: a stored timeline snapshot, a UMAP / t-SNE view, or the live snapshot. */
  snapshot: SnapshotMessage | null;
  overlay: ScatterOverlay | null;
  onPointClick(index: number, shiftKey: boolean): void;
  selected: number | null;
  setSelected(index: number | null): void;
  compareWith: number | null;
  setCompareWith(index: number | null): void;
  k: number;
  setK(k: number): void;
  /** Embeds a sample offered by the user (drawing, image, text, row). */
  query(sample: QuerySample): void;
  clearQuery(): void;
  /** The sample of the active query (null when none). */
  querySample: QuerySample | null;
  /** Where the query sits on the shown map (PCA: its projection; UMAP / t-SNE: the mean of its neighbours). */
  queryPlace: { x: number; y: number } | null;
  /** Whether an inspect answer (e.g. an error) belongs to a query by example. */
  isQueryRequest(requestId: number): boolean;
  /** Test hook (`?debug=1`): ask for the held-out embeddings now. */
  fetchEmbeddings(): void;
  debug: boolean;
  timeline: TimelineController;
  projection: ProjectionController;
}

/**
 * `threshold`: the verification threshold chosen in the UI (the threshold view's slider), or null to use the
 * configured one, else the best one of the last evaluation.
 */
export function useInspect(
  state: AppState,
  send: (command: Command) => void,
  threshold: number | null = null,
): InspectController {
  const debug = typeof window !== 'undefined' && new URLSearchParams(window.location.search).get('debug') === '1';
  const requestCounter = useRef(0);
  const nextRequestId = useCallback(() => ++requestCounter.current, []);
  const [selected, setSelected] = useState<number | null>(null);
  const [compareWith, setCompareWith] = useState<number | null>(null);
  const [k, setK] = useState(5);
  const [querySample, setQuerySample] = useState<QuerySample | null>(null);
  const timeline = useTimeline(state.timeline.snapshots, state.runId);
  const projection = useProjection(state, send, nextRequestId);

  const runId = state.runId;
  const running = state.runState === 'running';
  const liveStep = state.snapshot?.step ?? null;
  const pointCount = state.snapshot?.labels.length ?? 0;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run is the trigger that clears the selection
  useEffect(() => {
    setSelected(null);
    setCompareWith(null);
    setQuerySample(null);
  }, [runId]);

  const ask = useThrottledAsk(running);
  useEffect(() => {
    if (selected === null || liveStep === null || selected >= pointCount) return;
    return ask('neighbours', () => send({ type: 'neighbours', runId, requestId: nextRequestId(), index: selected, k }));
  }, [selected, k, runId, liveStep, pointCount, ask, send, nextRequestId]);
  useEffect(() => {
    if (
      selected === null ||
      compareWith === null ||
      liveStep === null ||
      selected >= pointCount ||
      compareWith >= pointCount
    )
      return;
    return ask('compare', () =>
      send({ type: 'compare-samples', runId, requestId: nextRequestId(), a: selected, b: compareWith, threshold }),
    );
  }, [selected, compareWith, threshold, runId, liveStep, pointCount, ask, send, nextRequestId]);
  const queryRequests = useRef(new Set<number>());
  useEffect(() => {
    if (querySample === null || liveStep === null) return;
    return ask('query', () => {
      const requestId = nextRequestId();
      queryRequests.current.add(requestId);
      send({ type: 'query', runId, requestId, sample: querySample, k });
    });
  }, [querySample, k, runId, liveStep, ask, send, nextRequestId]);

  // ?debug=1: expose the latest answers for end-to-end checks (never in normal use).
  useEffect(() => {
    if (!debug) return;
    (window as unknown as { __siameseInspect?: unknown }).__siameseInspect = {
      embeddings: state.inspect.embeddings,
      neighbours: state.inspect.neighbours,
      query: state.inspect.query,
    };
  }, [debug, state.inspect]);

  // The timeline replays stored snapshots in the chosen linear view (LDA or PCA).
  const viewOf = projection.viewOf;
  const timelineShown = useMemo(() => viewOf(timeline.shown), [viewOf, timeline.shown]);
  const shown = timelineShown ?? projection.snapshot ?? state.snapshot;
  const neighbours = state.inspect.neighbours;
  const query = state.inspect.query;
  const queryPlace = useMemo(() => {
    if (!query || querySample === null || timeline.shown) return null;
    if (projection.snapshot) {
      const coords = projection.snapshot.coordinates;
      const valid = query.neighbours.filter((nb) => 2 * nb.index + 1 < coords.length);
      if (valid.length === 0) return null;
      return {
        x: valid.reduce((s, nb) => s + coords[2 * nb.index], 0) / valid.length,
        y: valid.reduce((s, nb) => s + coords[2 * nb.index + 1], 0) / valid.length,
      };
    }
    return query.coordinates ? { x: query.coordinates[0], y: query.coordinates[1] } : null;
  }, [query, querySample, timeline.shown, projection.snapshot]);
  const overlay = useMemo(
    () =>
      inspectOverlay({
        selected,
        compareWith,
        neighbours: neighbours && neighbours.index === selected ? neighbours.neighbours.map((nb) => nb.index) : [],
        query: queryPlace && query ? { ...queryPlace, neighbours: query.neighbours.map((nb) => nb.index) } : null,
      }),
    [selected, compareWith, neighbours, queryPlace, query],
  );

  return {
    snapshot: shown,
    overlay,
    onPointClick: (index, shiftKey) => (shiftKey ? setCompareWith(index) : setSelected(index)),
    selected,
    setSelected,
    compareWith,
    setCompareWith,
    k,
    setK,
    query: (sample) => setQuerySample(sample),
    clearQuery: () => setQuerySample(null),
    querySample,
    queryPlace,
    isQueryRequest: (requestId) => queryRequests.current.has(requestId),
    fetchEmbeddings: () => send({ type: 'get-embeddings', runId, requestId: nextRequestId() }),
    debug,
    timeline,
    projection,
  };
}

/**
 * Sends at once when paused; while running, at most once per REFRESH_WHILE_RUNNING_MS per kind of question (a new
 * snapshot re-schedules the pending send rather than adding one). Returns the effect cleanup.
 */
function useThrottledAsk(running: boolean): (kind: string, sendNow: () => void) => () => void {
  const lastSent = useRef(new Map<string, number>());
  return useCallback(
    (kind: string, sendNow: () => void) => {
      const last = lastSent.current.get(kind) ?? -Infinity;
      const wait = running ? Math.max(0, last + REFRESH_WHILE_RUNNING_MS - performance.now()) : 0;
      const fire = () => {
        lastSent.current.set(kind, performance.now());
        sendNow();
      };
      if (wait === 0) {
        fire();
        return () => undefined;
      }
      const timer = setTimeout(fire, wait);
      return () => clearTimeout(timer);
    },
    [running],
  );
}
