/**
 * The worker side of the inspect commands: answers neighbour, comparison, query and embedding requests from the
 * current Trainer, and hands the query-against-reference request to reference.ts. Held-out embeddings come from the
 * trainer's own cache (computed once per weights, shared with its snapshots and evaluations), so a paused run asked
 * many questions embeds once. The session forwards commands and evaluations here.
 */
import { HEAD_LOSSES } from '../core/config';
import { featureSize } from '../core/data/dataset';
import { queryFeatures } from '../core/data/query';
import { splitInputHalves } from '../core/data/splitInput';
import { decodeTokens } from '../core/data/text';
import { nearestNeighbours, rowDistance, verdictAt, type Neighbour } from '../core/metrics/neighbours';
import type { Trainer } from '../core/train/trainer';
import type { Evaluation } from '../core/train/types';
import type {
  InspectCommand,
  InspectEvent,
  NeighbourMessage,
  ReferenceCommand,
  ReferenceEvent,
  SamplePreview,
  ThresholdSource,
} from './protocol';
import { referenceAnswer } from './reference';

/** The most neighbours one request may ask for. */
export const MAX_NEIGHBOURS = 50;

export class Inspector {
  private best: { trainer: Trainer; threshold: number } | null = null;

  /** Remembers the best verification threshold of an evaluation (the default for verdicts). */
  noteEvaluation(trainer: Trainer, evaluation: Evaluation): void {
    const distanceBased = !HEAD_LOSSES.includes(trainer.config.objective.loss);
    const threshold = evaluation.metrics?.bestThreshold ?? (distanceBased ? evaluation.pairs?.threshold : undefined);
    this.best = threshold !== undefined && Number.isFinite(threshold) ? { trainer, threshold } : null;
  }

  /** One answer per command; failures become an `inspect-error` (`reference-error`) event, never a throw. */
  handle(command: InspectCommand | ReferenceCommand, trainer: Trainer): InspectEvent | ReferenceEvent {
    const { runId, requestId } = command;
    try {
      switch (command.type) {
        case 'evaluate-reference':
          return referenceAnswer(command, trainer);
        case 'neighbours': {
          const e = this.embeddings(trainer);
          checkIndex(command.index, e.n, 'the selected sample');
          const found = nearestNeighbours(
            e.values,
            e.n,
            e.dim,
            e.values.subarray(command.index * e.dim, (command.index + 1) * e.dim),
            clampK(command.k),
            {
              distance: trainer.config.objective.distance,
              whitening: trainer.distanceWhitening,
              exclude: command.index,
            },
          );
          return {
            type: 'neighbours-result',
            runId,
            requestId,
            step: e.step,
            index: command.index,
            distance: trainer.config.objective.distance,
            neighbours: withLabels(found, trainer),
          };
        }
        case 'compare-samples': {
          const e = this.embeddings(trainer);
          checkIndex(command.a, e.n, 'sample A');
          checkIndex(command.b, e.n, 'sample B');
          const distance = rowDistance(
            e.values,
            e.dim,
            command.a,
            command.b,
            trainer.config.objective.distance,
            trainer.distanceWhitening,
          );
          const { threshold, source } = this.threshold(trainer, command.threshold);
          return {
            type: 'sample-distance',
            runId,
            requestId,
            step: e.step,
            a: command.a,
            b: command.b,
            distanceName: trainer.config.objective.distance,
            distance,
            threshold,
            thresholdSource: source,
            verdict: threshold === null ? null : verdictAt(distance, threshold),
          };
        }
        case 'query': {
          const dataset = trainer.dataset;
          const featureNames = dataset.kind === 'labelled' ? dataset.featureNames : undefined;
          const features = queryFeatures(command.sample, {
            modality: dataset.modality,
            featureShape: dataset.featureShape,
            vocabulary: dataset.vocabulary,
            featureNames,
          });
          const towerInput = trainer.config.data.splitInput
            ? splitInputHalves(features, 1, dataset.featureShape, trainer.config.data.splitRatio).a
            : features;
          const embedding = trainer.embed(towerInput, 1);
          const e = this.embeddings(trainer);
          const found = nearestNeighbours(e.values, e.n, e.dim, embedding, clampK(command.k), {
            distance: trainer.config.objective.distance,
            whitening: trainer.distanceWhitening,
          });
          const place = trainer.projectToMap(embedding, 1);
          return {
            type: 'query-result',
            runId,
            requestId,
            step: e.step,
            distance: trainer.config.objective.distance,
            neighbours: withLabels(found, trainer),
            coordinates: place ? [place[0], place[1]] : null,
            sample: queryPreview(features, trainer),
            embedding: embedding.slice(),
          };
        }
        case 'get-embeddings': {
          const e = this.embeddings(trainer);
          const whitening = trainer.distanceWhitening;
          return {
            type: 'embeddings',
            runId,
            requestId,
            step: e.step,
            n: e.n,
            dim: e.dim,
            values: e.values.slice(),
            labels: trainer.heldOutSamples().labels.slice(),
            distance: trainer.config.objective.distance,
            ...(whitening ? { whitening: whitening.slice() } : {}),
          };
        }
      }
    } catch (error) {
      return {
        type: 'inspect-error',
        runId,
        requestId,
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Held-out embeddings of the trainer's current weights (its cache: read them, copy what is sent) and their step. */
  private embeddings(trainer: Trainer): { values: Float32Array; n: number; dim: number; step: number } {
    return { ...trainer.heldOutEmbeddings(), step: trainer.steps };
  }

  private threshold(
    trainer: Trainer,
    chosen: number | null,
  ): { threshold: number | null; source: ThresholdSource | null } {
    if (chosen !== null && Number.isFinite(chosen)) return { threshold: chosen, source: 'chosen' };
    const configured = trainer.config.training.threshold;
    if (configured !== null) return { threshold: configured, source: 'configured' };
    if (this.best && this.best.trainer === trainer) return { threshold: this.best.threshold, source: 'best' };
    return { threshold: null, source: null };
  }
}

function clampK(k: number): number {
  if (!Number.isFinite(k)) return 5;
  return Math.max(1, Math.min(MAX_NEIGHBOURS, Math.floor(k)));
}

function checkIndex(index: number, n: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= n)
    throw new Error(`${what} must be a point number from 0 to ${n - 1}, got ${index}`);
}

function withLabels(found: Neighbour[], trainer: Trainer): NeighbourMessage[] {
  const labels = trainer.heldOutSamples().labels;
  return found.map((f) => ({ index: f.index, label: labels[f.index] ?? 0, distance: f.distance }));
}

/** The prepared query as a one-sample preview (texts decoded back from their tokens, so unknown characters show). */
function queryPreview(features: Float32Array, trainer: Trainer): SamplePreview {
  const dataset = trainer.dataset;
  const shape = [...dataset.featureShape];
  const labels = Int32Array.of(-1);
  if (dataset.modality === 'text' && dataset.vocabulary) {
    return { kind: 'text', shape, count: 1, labels, texts: [decodeTokens(features, dataset.vocabulary)] };
  }
  const preview: SamplePreview = {
    kind: dataset.modality === 'image' ? 'image' : 'row',
    shape,
    count: 1,
    labels,
    values: features.slice(0, featureSize(shape)),
  };
  if (dataset.kind === 'labelled' && dataset.featureNames) preview.columns = [...dataset.featureNames];
  return preview;
}
