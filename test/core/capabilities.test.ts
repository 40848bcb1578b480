/**
 * The rule table, imported from its one home: what validate() knows about a dataset (traitsOf), which miners are
 * dense, which losses have a margin. The worker and the page read traits only through traitsOf (DatasetInfo.traits).
 */
import { describe, expect, it } from 'vitest';
import {
  DENSE_MINERS,
  hasMargin,
  isDenseMiner,
  MARGIN_LOSSES,
  marginOf,
  traitsOf,
  traitsOfDescription,
} from '../../src/core/capabilities';
import { LOSSES, makeConfig, MINERS, validate } from '../../src/core/config';
import { loadPairCsv } from '../../src/core/data/loaders/pairs';
import { generateBlobs } from '../../src/core/data/synthetic';
import { Rng } from '../../src/core/rng';
import { exportDatasetInfo } from '../../src/core/export/datasetFiles';
import { describe as describeDataset } from '../../src/worker/datasets';
import { textFile } from './data/loaders/helpers';

describe('traitsOf(dataset)', () => {
  it('reads kind, modality, classes and sample shape off a labelled dataset', () => {
    const blobs = generateBlobs({ classes: 4, samplesPerClass: 10 }, new Rng(1));
    expect(traitsOf(blobs)).toEqual({ kind: 'labelled', modality: 'points2d', numClasses: 4, featureShape: [2] });
  });

  it('reads the target kind off a pair file: 0/1 labels are binary, scores are scores', () => {
    const csv = 'a_x,a_y,a_z,b_x,b_y,b_z,label\n1,2,5,1,3,5,1\n4,0,5,2,2,5,0\n3,3,5,0,1,5,0\n';
    const binary = loadPairCsv(textFile('p.csv', csv)).dataset;
    expect(traitsOf(binary)).toEqual({ kind: 'pairs', modality: 'tabular', featureShape: [3], targetKind: 'binary' });
    const scores = loadPairCsv(textFile('s.tsv', 'text_a\ttext_b\tscore\nhello\thi\t0.9\ncat\tdog\t0.25\n')).dataset;
    expect(traitsOf(scores)).toMatchObject({ kind: 'pairs', modality: 'text', targetKind: 'score' });
    // What validate() concludes from them: a score file trains only the cosine-regression loss.
    const pairs = makeConfig({ batch: { mode: 'pairs' }, objective: { loss: 'contrastive' } });
    expect(validate(pairs, traitsOf(binary)).map((i) => i.path)).not.toContain('objective.loss');
    expect(validate(pairs, traitsOf(scores)).map((i) => i.path)).toContain('objective.loss');
  });

  it('is traitsOfDescription of what an export or a registry entry says: fields of the other kind are dropped', () => {
    const blobs = generateBlobs({ classes: 4, samplesPerClass: 10 }, new Rng(1));
    expect(traitsOfDescription(exportDatasetInfo(blobs))).toEqual(traitsOf(blobs));
    const csv = 'a_x,a_y,b_x,b_y,label\n1,2,1,3,1\n4,0,2,2,0\n';
    const pairs = loadPairCsv(textFile('p.csv', csv)).dataset;
    // The export describes a pair file with numClasses 0; the traits carry no class count for pairs.
    expect(exportDatasetInfo(pairs).numClasses).toBe(0);
    expect(traitsOfDescription(exportDatasetInfo(pairs))).toEqual(traitsOf(pairs));
    expect(traitsOfDescription(exportDatasetInfo(pairs))).not.toHaveProperty('numClasses');
    expect(traitsOfDescription({ kind: 'labelled', modality: 'image', numClasses: 10, targetKind: 'score' })).toEqual({
      kind: 'labelled',
      modality: 'image',
      numClasses: 10,
    });
    expect(traitsOfDescription({ kind: 'labelled', modality: 'image', numClasses: 10 })).not.toHaveProperty(
      'targetKind',
    );
  });

  it('is what the worker tells the page (DatasetInfo.traits)', () => {
    const blobs = generateBlobs({ classes: 3, samplesPerClass: 5 }, new Rng(2));
    expect(describeDataset(blobs, 'blobs', 'Blobs', '').traits).toEqual(traitsOf(blobs));
  });
});

describe('miner and loss capabilities', () => {
  it('the dense miners are the four that take a category of every valid triplet', () => {
    expect([...DENSE_MINERS]).toEqual(['all', 'hard', 'semi-hard', 'easy']);
    expect(MINERS.filter(isDenseMiner)).toEqual(['all', 'hard', 'semi-hard', 'easy']);
    expect(isDenseMiner('batch-hard')).toBe(false);
    expect(isDenseMiner('random')).toBe(false);
  });

  it('contrastive and triplet have a margin; the soft-margin triplet applies none', () => {
    expect(LOSSES.filter(hasMargin)).toEqual(['contrastive', 'triplet']);
    expect([...MARGIN_LOSSES]).toEqual(['contrastive', 'triplet']);
    expect(marginOf({ loss: 'contrastive', margin: 0.7, softMargin: true })).toBe(0.7);
    expect(marginOf({ loss: 'triplet', margin: 0.3, softMargin: false })).toBe(0.3);
    expect(marginOf({ loss: 'triplet', margin: 0.3, softMargin: true })).toBeNull();
    for (const loss of ['binary', 'cosine-regression', 'infonce'] as const)
      expect(marginOf({ loss, margin: 0.3, softMargin: false })).toBeNull();
  });

  it('validate() rejects an unreachable margin only for losses that have one', () => {
    const cosine = (loss: (typeof LOSSES)[number]) =>
      validate(makeConfig({ objective: { loss, distance: 'cosine', margin: 3 } })).filter(
        (i) => i.path === 'objective.margin',
      );
    expect(cosine('triplet')).toHaveLength(1);
    expect(cosine('infonce')).toHaveLength(0);
  });
});
