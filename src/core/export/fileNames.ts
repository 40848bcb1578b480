/** Names of downloaded files (pure: the page and the worker both name downloads). */

/** A dataset name made safe for a file name ("upload:my data.csv" → "my-data.csv"; nothing left → "data"). */
export function fileSafe(name: string): string {
  return (
    name
      .replace(/^upload:/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'data'
  );
}
