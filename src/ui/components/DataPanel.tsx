/** Dataset choice, preview, upload (picker or drop) with its summary, and load errors. */
import { memo, useEffect, useRef, type JSX } from 'react';
import { BUILTIN_DATASETS } from '../../core/data/builtin';
import type { DatasetInfo, SamplePreview, UploadChoices, UploadReading } from '../../worker/protocol';
import type { UploadState } from '../state/reducer';

const ACCEPT = '.csv,.tsv,.txt,.npy,.zip,.png,.jpg,.jpeg';

/** A file picked or dropped by the user, with the class folder it came from (image folders). */
export interface PickedFile {
  file: File;
  className?: string;
}

/** The class of a file inside a chosen folder: its parent folder, when the path has one below the root. */
export function classFromPath(relativePath: string): string | undefined {
  const parts = relativePath.split('/').filter((p) => p !== '');
  return parts.length > 2 ? parts[parts.length - 2] : undefined;
}

/** Files of a picker (a folder picker gives each file its relative path). */
function pickedFromList(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (file) => {
    const className = classFromPath((file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '');
    return className ? { file, className } : { file };
  });
}

/** Minimal shapes of the File and Directory Entries API that a drop hands out. */
interface DroppedEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(success: (file: File) => void, failure: (error: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: DroppedEntry[]) => void, failure: (error: unknown) => void): void };
}

/** Reads every file below a dropped entry (folders recursively), classed by their parent folder. */
async function filesOfEntry(entry: DroppedEntry): Promise<PickedFile[]> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
    const className = classFromPath(entry.fullPath);
    return [className ? { file, className } : { file }];
  }
  if (!entry.isDirectory || !entry.createReader) return [];
  const reader = entry.createReader();
  const children: DroppedEntry[] = [];
  // readEntries hands out at most ~100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map(filesOfEntry));
  return nested.flat();
}

/** What a drop holds: plain files, or whole folders walked through their entries. */
async function pickedFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(data.items ?? [], (item) =>
    item.kind === 'file'
      ? ((item as DataTransferItem & { webkitGetAsEntry?(): DroppedEntry | null }).webkitGetAsEntry?.() ?? null)
      : null,
  );
  if (entries.length > 0 && entries.every((e) => e !== null) && entries.some((e) => e!.isDirectory)) {
    const nested = await Promise.all(entries.map((e) => filesOfEntry(e!)));
    return nested.flat();
  }
  return Array.from(data.files, (file) => ({ file }));
}

function ImageThumb(props: { preview: SamplePreview; index: number }): JSX.Element {
  const ref = useRef<HTMLCanvasElement | null>(null);
  const { preview, index } = props;
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !preview.values) return;
    const [h, w, c] = [preview.shape[0] ?? 1, preview.shape[1] ?? 1, preview.shape[2] ?? 1];
    const image = ctx.createImageData(w, h);
    const offset = index * h * w * c;
    for (let p = 0; p < h * w; p++) {
      for (let k = 0; k < 3; k++)
        image.data[p * 4 + k] = Math.round(255 * (preview.values[offset + p * c + (c === 1 ? 0 : k)] ?? 0));
      image.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }, [preview, index]);
  return <canvas ref={ref} width={preview.shape[1] ?? 1} height={preview.shape[0] ?? 1} className="thumb" />;
}

/** Thumbnails, a small table or a list of texts, depending on the data. */
export function Preview(props: { preview: SamplePreview; classNames: readonly string[] }): JSX.Element {
  const { preview, classNames } = props;
  const n = Math.min(preview.count, preview.kind === 'image' ? 24 : 8);
  const label = (i: number) => classNames[preview.labels[i]] ?? String(preview.labels[i]);
  if (preview.kind === 'image') {
    return (
      <div className="thumbs">
        {Array.from({ length: n }, (_, i) => (
          <span key={i} title={label(i)}>
            <ImageThumb preview={preview} index={i} />
          </span>
        ))}
      </div>
    );
  }
  if (preview.kind === 'text') {
    return (
      <ul className="texts">
        {Array.from({ length: n }, (_, i) => (
          <li key={i}>
            <b>{label(i)}</b>: {preview.texts?.[i]}
          </li>
        ))}
      </ul>
    );
  }
  const d = preview.shape[0] ?? 0;
  const cols = Math.min(d, 6);
  return (
    <table>
      <thead>
        <tr>
          {Array.from({ length: cols }, (_, j) => (
            <th key={j}>{preview.columns?.[j] ?? `x${j + 1}`}</th>
          ))}
          <th>class</th>
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: n }, (_, i) => (
          <tr key={i}>
            {Array.from({ length: cols }, (_, j) => (
              <td key={j}>{(preview.values?.[i * d + j] ?? 0).toFixed(2)}</td>
            ))}
            <td>{label(i)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A choice's button text, which is also its accessible name. */
function readingLabel(choices: UploadChoices, value: string): string {
  return choices.option === 'tableKind' ? `Read as ${value}` : `Label column "${value}"`;
}

/** The reading a choice's button asks for. */
function readingOf(choices: UploadChoices, value: string): UploadReading {
  return choices.option === 'tableKind'
    ? { tableKind: value as NonNullable<UploadReading['tableKind']> }
    : { labelColumn: value };
}

/**
 * `<section aria-label="Dataset choice">`, on the main screen: the dataset choice with a one-line description, and the
 * last load or upload error (the previous dataset stays loaded; the message must be in sight). Memoised: the page
 * renders on every training event, and this changes only with the dataset, the download or an error.
 */
export const DatasetChoice = memo(function DatasetChoice(props: {
  selected: string;
  dataset: DatasetInfo | null;
  usedUpload: DatasetInfo | null;
  error: string | null;
  /** The readings an ambiguous upload allows: one button each, which parses the file again that way. */
  choices: UploadChoices | null;
  disabled: boolean;
  /** A built-in being downloaded: the current dataset stays in use until it has arrived. */
  download: { name: string; fraction: number } | null;
  onSelect(name: string): void;
  onCancelDownload(): void;
  onReading(reading: UploadReading): void;
}): JSX.Element {
  const { dataset, download } = props;
  const downloading = download ? BUILTIN_DATASETS.find((b) => b.name === download.name) : undefined;
  return (
    <section aria-label="Dataset choice" className="panel dataset-choice">
      <label>
        <span>Dataset </span>
        <select
          aria-label="Dataset"
          value={props.selected}
          disabled={props.disabled}
          onChange={(e) => props.onSelect(e.target.value)}
        >
          {BUILTIN_DATASETS.map((b) => (
            <option key={b.name} value={b.name}>
              {b.title}
            </option>
          ))}
          {props.usedUpload ? <option value={props.usedUpload.name}>{props.usedUpload.title}</option> : null}
        </select>
      </label>
      <p className="description">
        {dataset
          ? `${dataset.description} (${dataset.numSamples.toLocaleString('en')} samples, ${dataset.classNames.length} classes)`
          : 'Loading…'}
      </p>
      {download ? (
        <div className="dataset-download">
          {/* The page has one status line (role="status"); the progress bar speaks for the download. */}
          <progress
            aria-label="Dataset download"
            aria-valuetext={`${Math.floor(download.fraction * 100)}% of ${downloading?.title ?? download.name}`}
            max={1}
            value={download.fraction}
          />
          <span>
            {`Downloading ${downloading?.title ?? download.name}: ${Math.floor(download.fraction * 100)}%`}
            {dataset ? ` (${dataset.title} stays in use until it arrives)` : ''}
          </span>
          <button type="button" onClick={props.onCancelDownload}>
            Cancel download
          </button>
        </div>
      ) : null}
      {props.error ? <p role="alert">{props.error}</p> : null}
      {props.error && props.choices ? (
        <fieldset className="upload-choices">
          <legend>Read the file as</legend>
          {props.choices.values.map((value) => (
            <button key={value} type="button" onClick={() => props.onReading(readingOf(props.choices!, value))}>
              {readingLabel(props.choices!, value)}
            </button>
          ))}
        </fieldset>
      ) : null}
    </section>
  );
});

/** `<section aria-label="Data">`: preview of the chosen dataset, upload (picker or drop) and the upload summary. */
export function DataPanel(props: {
  dataset: DatasetInfo | null;
  preview: SamplePreview | null;
  upload: UploadState;
  onFiles(files: PickedFile[]): void;
  onUse(): void;
  onDiscard(): void;
  onCancel(): void;
}): JSX.Element {
  const input = useRef<HTMLInputElement | null>(null);
  const { dataset, preview, upload } = props;
  return (
    <section aria-label="Data" className="panel">
      <figure aria-label="Dataset preview">
        {preview && dataset ? <Preview preview={preview} classNames={dataset.classNames} /> : null}
      </figure>
      <input
        ref={input}
        type="file"
        aria-label="Upload data"
        multiple
        accept={ACCEPT}
        onChange={(e) => {
          const files = pickedFromList(e.target.files);
          if (files.length > 0) props.onFiles(files);
          e.target.value = '';
        }}
      />
      <label className="folder-pick">
        Or a folder of images, one subfolder per class:{' '}
        <input
          type="file"
          aria-label="Upload image folder"
          multiple
          // Non-standard but supported by Chromium, Firefox and Safari: pick a whole directory tree.
          {...({ webkitdirectory: '' } as Record<string, string>)}
          onChange={(e) => {
            const files = pickedFromList(e.target.files);
            if (files.length > 0) props.onFiles(files);
            e.target.value = '';
          }}
        />
      </label>
      {/* biome-ignore lint/a11y/useSemanticElements: a drop target that also opens the picker; a <button> cannot take a drop's default styling off */}
      <div
        role="button"
        tabIndex={0}
        aria-label="Drop files here"
        className="dropzone"
        onClick={() => input.current?.click()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            input.current?.click();
          }
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void pickedFromDrop(e.dataTransfer).then((files) => {
            if (files.length > 0) props.onFiles(files);
          });
        }}
      >
        Drop CSV, TSV, text, .npy, ZIP or image files, or a folder of class folders, here (or click to choose)
      </div>
      {upload.phase === 'parsing' ? (
        <div className="upload-progress">
          <progress aria-label="Parsing upload" max={1} value={upload.fraction} />
          <span role="status">Reading the upload: {Math.round(100 * upload.fraction)} %</span>
          <button type="button" onClick={props.onCancel}>
            Cancel upload
          </button>
        </div>
      ) : null}
      {upload.phase === 'parsed' ? (
        <section aria-label="Upload summary" className="summary">
          <p>
            {upload.info.upload?.samples ?? upload.info.numSamples} samples ·{' '}
            {upload.info.upload?.classes ?? upload.info.classNames.length} classes · shape [
            {(upload.info.upload?.shape ?? upload.info.featureShape).join(' × ')}]
            {upload.info.upload?.labelColumn ? ` · label column "${upload.info.upload.labelColumn}"` : ''}
          </p>
          {upload.info.upload && upload.info.upload.notes.length > 0 ? (
            <ul>
              {upload.info.upload.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          <button type="button" onClick={props.onUse}>
            Use this data
          </button>
          <button type="button" onClick={props.onDiscard}>
            Discard
          </button>
        </section>
      ) : null}
    </section>
  );
}
