/** The message `run` throws with, or 'no error' when it returns: tests compare refusals by their exact words. */
export function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}
