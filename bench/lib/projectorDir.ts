/** Embeddings in the Embedding Projector's layout, as `npm run train -- --embeddings-out DIR` writes them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelsToIndices, parseMetadataTsv, parseVectorsTsv } from '../../src/core/export/projectorTsv';

/** DIR/vectors.tsv and DIR/metadata.tsv: n × dim row-major values and one class index per row. */
export function readProjectorDir(dir: string): { x: Float32Array; labels: Int32Array; n: number; dim: number } {
  const vectors = parseVectorsTsv(readFileSync(join(dir, 'vectors.tsv'), 'utf8'), 'vectors.tsv');
  const metadata = parseMetadataTsv(readFileSync(join(dir, 'metadata.tsv'), 'utf8'), 'metadata.tsv', vectors.n);
  return {
    x: vectors.vectors,
    labels: labelsToIndices(metadata.labels).indices,
    n: vectors.n,
    dim: vectors.dim,
  };
}
