/**
 * The scatter's own work per animation frame with 10,000 points, in Node (no browser): what the page's main thread
 * does (ScatterModel.frame: easing and projecting every point; paintedPart: the painter's request; the hover grid and
 * a hover), and what the painter worker does (paintScatterImage into a 580×450 pixel buffer). Real points: the
 * first 10,000 shipped Fashion-MNIST images on their two principal axes, easing to a second picture.
 *
 *   npm run bench:scatter   (npx tsx bench/scatter10k.ts)
 */
import { nodeAssetReader } from '../src/cli/assets';
import { loadBuiltinDataset } from '../src/core/data/builtin';
import { pca2 } from '../src/core/projection/pca';
import { TRANSITION_MS } from '../src/ui/scatter/interpolate';
import { paintScatterImage } from '../src/ui/scatter/render';
import { paintedPart, ScatterModel } from '../src/ui/scatter/scatterModel';
import { load, log, medianMs, table } from './lib/common';

const N = 10_000;
const WIDTH = 580;
const HEIGHT = 450;

async function main(): Promise<void> {
  const ds = await loadBuiltinDataset('fashion-mnist', nodeAssetReader());
  const dim = 784;
  const features = ds.features.subarray(0, N * dim);
  const { mean, components } = pca2(features, N, dim);
  const picture = (flip: number) => {
    const out = new Float32Array(2 * N);
    for (let i = 0; i < N; i++) {
      let x = 0;
      let y = 0;
      for (let k = 0; k < dim; k++) {
        const v = features[i * dim + k] - mean[k];
        x += v * components[2 * k];
        y += v * components[2 * k + 1];
      }
      out[2 * i] = x;
      out[2 * i + 1] = flip * y;
    }
    return out;
  };
  const labels = ds.labels.slice(0, N);
  const model = new ScatterModel();
  const options = { showTriplets: true, linkLimit: 12, hovered: -1, hoveredBatch: -1, focus: null };
  model.setSnapshot({ step: 1, coordinates: picture(1), labels, batch: null, lda: null }, 0);
  model.frame(TRANSITION_MS, WIDTH, HEIGHT, options);
  model.setSnapshot({ step: 2, coordinates: picture(-1), labels, batch: null, lda: null }, 1000);
  let t = 1000;
  const frame = medianMs(
    () => {
      t = t >= 1000 + TRANSITION_MS - 10 ? 1000 : t + 16;
      return model.frame(t, WIDTH, HEIGHT, options);
    },
    200,
    20,
  );
  const result = model.frame(1000 + TRANSITION_MS / 2, WIDTH, HEIGHT, options)!;
  const request = medianMs(() => structuredClone({ frame: paintedPart(result.frame), pixels: result.pixels }), 100, 10);
  const hover = medianMs(
    () => {
      model.frame(1000 + TRANSITION_MS / 2, WIDTH, HEIGHT, options); // new positions: the grid is rebuilt on hover
      return model.pointAt(WIDTH / 2, HEIGHT / 2);
    },
    100,
    10,
  );
  const image = { data: new Uint8ClampedArray(WIDTH * HEIGHT * 4), width: WIDTH, height: HEIGHT };
  const paint = medianMs(() => paintScatterImage(image, result.frame, result.pixels, 1), 50, 5);
  const rows: (string | number)[][] = [
    ['main thread: ScatterModel.frame (ease + project 10,000 points)', frame.ms, frame.cpuMs],
    ['main thread: the painter request (paintedPart + structured clone)', request.ms, request.cpuMs],
    ['main thread: a frame, then a hover (grid rebuilt + nearest point)', hover.ms, hover.cpuMs],
    ['painter worker: paintScatterImage, 580×450, 10,000 points', paint.ms, paint.cpuMs],
  ];
  log(`scatter with ${N} points (load average ${load().loadAverage.join(' ')})`);
  process.stdout.write(`${table(['work per frame', 'median ms', 'median CPU ms'], rows)}\n`);
}

await main();
