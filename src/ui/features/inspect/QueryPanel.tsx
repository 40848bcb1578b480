/**
 * "Query by example": offer a sample the network has never seen — draw it, upload an image, type a text or enter a
 * row — and see where the current network puts it (a ★ on the map) and which held-out samples it finds nearest.
 * The sample is prepared in the worker exactly like the dataset's own (resized, grey/RGB, tokenised).
 */
import { useEffect, useRef, useState, type JSX, type PointerEvent as ReactPointerEvent } from 'react';
import type { QuerySample } from '../../../core/data/query';
import type { DatasetInfo, SamplePreview } from '../../../worker/protocol';
import type { InspectState } from './inspectState';
import { classOf, DISTANCE_WORDS, formatDistance } from './NeighboursPanel';
import { SampleThumb } from './SampleThumb';
import type { InspectController } from './useInspect';

/** Backing size of the drawing pad (the worker averages it down to the dataset's size). */
export const PAD_PIXELS = 140;
/** The drawing pad is offered for image datasets up to this side length (28×28 and 8×8 built-ins). */
const PAD_MAX_SIDE = 64;

/** Grey values in [0, 1] (1 = ink) of an RGBA drawing with white ink on black. */
export function inkFromRgba(rgba: Uint8ClampedArray): Float32Array {
  const out = new Float32Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i] / 255;
  return out;
}

/** Numbers of a typed row ("5.1, 3.5  1.4;0.2"); NaN marks what is not a number. */
export function parseRow(text: string): number[] {
  return text
    .split(/[\s,;]+/)
    .filter((t) => t.length > 0)
    .map((t) => (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN));
}

/** `<section aria-label="Query by example">`. */
export function QueryPanel(props: {
  inspect: InspectController;
  answers: InspectState;
  dataset: DatasetInfo | null;
  heldOut: SamplePreview | null;
}): JSX.Element {
  const { inspect, answers, dataset, heldOut } = props;
  const [rowText, setRowText] = useState('');
  const [text, setText] = useState('');
  const [invert, setInvert] = useState(false);
  const [inputError, setInputError] = useState<string | null>(null);
  const shape = dataset?.featureShape ?? [];
  const image = dataset?.modality === 'image' && shape.length === 3;
  const pad = image && shape[0] <= PAD_MAX_SIDE && shape[1] <= PAD_MAX_SIDE;
  const textual = dataset?.modality === 'text';
  const result = inspect.querySample && answers.query ? answers.query : null;
  const error = answers.error && inspect.isQueryRequest(answers.error.requestId) ? answers.error.message : null;

  const ask = (sample: QuerySample) => {
    setInputError(null);
    inspect.query(sample);
  };

  return (
    <section aria-label="Query by example" className="panel query">
      <h2>Query by example</h2>
      {!dataset ? (
        <p className="help">Load a dataset first.</p>
      ) : (
        <>
          <p className="help">
            Offer a new sample: the current network embeds it, marks it with a ★ on the map and lists its nearest
            held-out samples. It is prepared like the dataset
            {image ? ` (resized to ${shape[0]}×${shape[1]}, ${shape[2] === 1 ? 'grey' : 'colour'}, values 0–1)` : ''}.
          </p>
          {pad ? (
            <DrawingPad
              onDrawn={(values) => ask({ kind: 'pixels', width: PAD_PIXELS, height: PAD_PIXELS, channels: 1, values })}
              onClear={inspect.clearQuery}
            />
          ) : null}
          {image ? (
            <div className="query-row">
              <label>
                Upload an image{' '}
                <input
                  type="file"
                  aria-label="Upload an image"
                  accept="image/png,image/jpeg"
                  onChange={async (e) => {
                    const file = e.target.files?.[0];
                    e.target.value = '';
                    if (file) ask({ kind: 'image-file', name: file.name, bytes: await file.arrayBuffer(), invert });
                  }}
                />
              </label>
              <label>
                <input type="checkbox" checked={invert} onChange={(e) => setInvert(e.target.checked)} /> Invert colours
                (photos are dark on light; these images are light on dark)
              </label>
            </div>
          ) : null}
          {textual ? (
            <form
              className="query-row"
              onSubmit={(e) => {
                e.preventDefault();
                if (text.trim() === '') setInputError('type some text to look up');
                else ask({ kind: 'text', text });
              }}
            >
              <label>
                Query text{' '}
                <input type="text" aria-label="Query text" value={text} onChange={(e) => setText(e.target.value)} />
              </label>
              <button type="submit">Look up text</button>
            </form>
          ) : null}
          {!image && !textual ? (
            <form
              className="query-row"
              onSubmit={(e) => {
                e.preventDefault();
                const values = parseRow(rowText);
                const bad = values.findIndex((v) => Number.isNaN(v));
                if (values.length === 0) setInputError('enter the row’s values, separated by commas or spaces');
                else if (bad >= 0) setInputError(`value ${bad + 1} of the row is not a number`);
                else ask({ kind: 'row', values });
              }}
            >
              <label>
                Query row{' '}
                <input
                  type="text"
                  aria-label="Query row"
                  value={rowText}
                  placeholder={Array.from({ length: shape[0] ?? 0 }, (_, k) => heldOut?.columns?.[k] ?? `x${k}`).join(
                    ', ',
                  )}
                  onChange={(e) => setRowText(e.target.value)}
                />
              </label>
              <button type="submit">Look up row</button>
              {inspect.selected !== null && heldOut?.values && inspect.selected < heldOut.count ? (
                <button
                  type="button"
                  onClick={() => {
                    const d = heldOut.shape[0] ?? 0;
                    setRowText(
                      Array.from(heldOut.values!.subarray(inspect.selected! * d, (inspect.selected! + 1) * d), (v) =>
                        Number(v.toPrecision(4)),
                      ).join(', '),
                    );
                  }}
                >
                  Copy sample A’s values
                </button>
              ) : null}
              <p className="help">
                {shape[0] ?? 0} values, in the units the dataset stores (as the previews show them; iris and CSV columns
                are standardised).
              </p>
            </form>
          ) : null}
          {inputError ? <p role="alert">{inputError}</p> : null}
          {error ? <p role="alert">{error}</p> : null}
          {result ? (
            <div className="query-result" data-step={result.step}>
              <div className="neighbour-query">
                <SampleThumb preview={result.sample} index={0} label="The query as the network sees it" size={56} />
                <span>
                  Embedded at step {result.step}
                  {inspect.queryPlace ? '; ★ on the map' : ''}. Nearest by {DISTANCE_WORDS[result.distance]}:
                </span>
              </div>
              <ol aria-label="Query neighbours" className="neighbour-list" aria-live="polite">
                {result.neighbours.map((nb) => (
                  <li key={nb.index} data-index={nb.index} data-distance={nb.distance} data-label={nb.label}>
                    <SampleThumb preview={heldOut} index={nb.index} label={`Sample ${nb.index}`} />
                    <span className="neighbour-text">
                      #{nb.index} · {classOf(dataset, nb.label)} · distance {formatDistance(nb.distance)}
                    </span>
                  </li>
                ))}
              </ol>
              <button type="button" onClick={inspect.clearQuery}>
                Clear query
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

/** A square canvas to draw on with the mouse, pen or finger: white ink on black, like the digit datasets. */
function DrawingPad(props: { onDrawn(values: Float32Array): void; onClear(): void }): JSX.Element {
  const ref = useRef<HTMLCanvasElement | null>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [empty, setEmpty] = useState(true);

  const clear = () => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, PAD_PIXELS, PAD_PIXELS);
    setEmpty(true);
  };
  useEffect(clear, []);

  const point = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) / rect.width) * PAD_PIXELS,
      y: ((e.clientY - rect.top) / rect.height) * PAD_PIXELS,
    };
  };
  const strokeTo = (to: { x: number; y: number }) => {
    const ctx = ref.current?.getContext('2d');
    const from = drawing.current;
    if (!ctx || !from) return;
    ctx.strokeStyle = '#fff';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = PAD_PIXELS / 10;
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    drawing.current = to;
  };
  const finish = () => {
    if (!drawing.current) return;
    drawing.current = null;
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    setEmpty(false);
    props.onDrawn(inkFromRgba(ctx.getImageData(0, 0, PAD_PIXELS, PAD_PIXELS).data));
  };

  return (
    <div className="query-row drawing">
      <canvas
        ref={ref}
        width={PAD_PIXELS}
        height={PAD_PIXELS}
        role="img"
        aria-label="Draw a sample"
        className="drawing-pad"
        style={{ width: 168, height: 168, touchAction: 'none', cursor: 'crosshair', border: '1px solid #999' }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture?.(e.pointerId);
          drawing.current = point(e);
          strokeTo({ ...point(e), x: point(e).x + 0.01 });
        }}
        onPointerMove={(e) => {
          if (drawing.current) strokeTo(point(e));
        }}
        onPointerUp={finish}
        onPointerCancel={finish}
      />
      <div>
        <p className="help">Draw with the mouse or a finger; the network looks it up when you lift.</p>
        <button
          type="button"
          disabled={empty}
          onClick={() => {
            clear();
            props.onClear();
          }}
        >
          Clear drawing
        </button>
      </div>
    </div>
  );
}
