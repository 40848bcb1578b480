/**
 * Saves bytes as a file through a Blob URL (local to the browser: nothing is uploaded anywhere). The URL is
 * revoked a little later, once the browser has started the download.
 */

/** Starts the browser's download of `bytes` as `fileName`. */
export function saveBytes(bytes: BlobPart, fileName: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
