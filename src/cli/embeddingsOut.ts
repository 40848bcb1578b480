/**
 * `--embeddings-out DIR`: the held-out embeddings the run's last evaluation used, as the Embedding Projector's
 * vectors.tsv + metadata.tsv (the files the page's "Download embeddings" holds, without the image sprite).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../core/data/dataset';
import { projectorFiles } from '../core/export/embeddings';
import type { Trainer } from '../core/train/trainer';
import { UsageError } from './args';

/** What the summary JSON says about the written files. */
export interface EmbeddingsOut {
  directory: string;
  files: string[];
  n: number;
  dim: number;
}

/** Makes DIR (and its parents) before training, so a bad path fails at once rather than after the run. */
export async function prepareEmbeddingsDir(directory: string): Promise<void> {
  if (directory.trim() === '') throw new UsageError('--embeddings-out needs a directory');
  const existing = await stat(directory).catch(() => null);
  if (existing && !existing.isDirectory())
    throw new UsageError(`--embeddings-out ${directory}: a file of that name exists; give a directory`);
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`--embeddings-out ${directory}: cannot create the directory (${reason})`);
  }
}

/**
 * Writes vectors.tsv (one held-out embedding per line) and metadata.tsv (class name, held-out index, and the text of
 * text datasets) into DIR. Point i is held-out sample i; split-input runs write each sample's first half, as the
 * scatter shows it.
 */
export async function writeEmbeddings(directory: string, trainer: Trainer, dataset: Dataset): Promise<EmbeddingsOut> {
  const { values, n, dim } = trainer.heldOutEmbeddings();
  const held = trainer.heldOutSamples();
  const files = projectorFiles({
    vectors: values,
    n,
    dim,
    labels: held.labels,
    classNames: dataset.kind === 'labelled' ? dataset.classNames : [],
    texts: held.texts,
    tensorName: `${dataset.name} (step ${trainer.steps})`,
  });
  for (const file of files) await writeFile(join(directory, file.name), file.bytes);
  return { directory, files: files.map((f) => f.name), n, dim };
}
