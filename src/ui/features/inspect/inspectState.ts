/**
 * The UI's record of inspect answers: the latest neighbour list, two-sample comparison, query result and
 * embedding readback of the current run. Pure; the page reducer hands inspect events here and starts afresh with
 * each new run (answers about old weights would mislead).
 */
import type { InspectEvent } from '../../../worker/protocol';

type Of<T extends InspectEvent['type']> = Extract<InspectEvent, { type: T }>;

export interface InspectState {
  neighbours: Of<'neighbours-result'> | null;
  comparison: Of<'sample-distance'> | null;
  query: Of<'query-result'> | null;
  embeddings: Of<'embeddings'> | null;
  /** The last failed question (cleared by any later answer). */
  error: { requestId: number; message: string } | null;
}

/** Nothing asked yet. */
export function emptyInspect(): InspectState {
  return { neighbours: null, comparison: null, query: null, embeddings: null, error: null };
}

/** Keeps an answer unless a newer answer of the same kind is already held (answers arrive in request order anyway). */
function newer<T extends { requestId: number }>(held: T | null, incoming: T): T {
  return held && held.requestId > incoming.requestId ? held : incoming;
}

/** The inspect state after one inspect event (of the current run: the page reducer already dropped stale runs). */
export function inspectOnEvent(state: InspectState, event: InspectEvent): InspectState {
  const cleared = state.error && state.error.requestId < event.requestId ? null : state.error;
  switch (event.type) {
    case 'neighbours-result':
      return { ...state, neighbours: newer(state.neighbours, event), error: cleared };
    case 'sample-distance':
      return { ...state, comparison: newer(state.comparison, event), error: cleared };
    case 'query-result':
      return { ...state, query: newer(state.query, event), error: cleared };
    case 'embeddings':
      return { ...state, embeddings: newer(state.embeddings, event), error: cleared };
    case 'inspect-error':
      return { ...state, error: { requestId: event.requestId, message: event.message } };
  }
}

/** Type guard: is this worker event an inspect answer? */
export function isInspectEvent(event: { type: string }): event is InspectEvent {
  return (
    event.type === 'neighbours-result' ||
    event.type === 'sample-distance' ||
    event.type === 'query-result' ||
    event.type === 'embeddings' ||
    event.type === 'inspect-error'
  );
}
