/**
 * The buffers to transfer with each worker event, so posting never copies big arrays. Kept next to the protocol's
 * types (which are types only) and used by every side that posts.
 */
import type { WorkerEvent } from './protocol';

export function transferablesOf(event: WorkerEvent): Transferable[] {
  const out: Transferable[] = [];
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  switch (event.type) {
    case 'snapshot':
      add(event.coordinates);
      add(event.labels);
      add(event.batch?.coordinates);
      add(event.batch?.labels);
      add(event.batch?.sampleIndices);
      add(event.lda?.coordinates);
      add(event.lda?.batchCoordinates ?? undefined);
      break;
    case 'metrics':
      add(event.pairDistances?.positive);
      add(event.pairDistances?.negative);
      break;
    case 'dataset-loaded':
    case 'upload-parsed':
      add(event.preview.values);
      add(event.preview.labels);
      break;
    case 'configured':
      add(event.heldOut.values);
      add(event.heldOut.labels);
      break;
    case 'embeddings':
      add(event.values);
      add(event.labels);
      add(event.whitening);
      break;
    case 'query-result':
      add(event.sample.labels);
      add(event.sample.values);
      add(event.embedding);
      break;
    case 'file-ready':
      add(new Uint8Array(event.bytes));
      break;
    case 'weights':
      for (const w of [...event.weights.tower, ...event.weights.head]) add(w.values);
      break;
    case 'restored':
      add(event.preview.values);
      add(event.preview.labels);
      add(event.heldOut.values);
      add(event.heldOut.labels);
      break;
  }
  return out;
}
