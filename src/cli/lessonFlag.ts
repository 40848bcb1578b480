/**
 * `--lesson <id>`: a run starts from the lesson's whole configuration (lessonConfig: its dataset's defaults plus the
 * lesson's changes, including its step count), and the other flags change it further.
 */
import type { Config, DeepPartial } from '../core/config';
import { findLesson, LESSONS, type Lesson } from '../core/lessons/lessons';
import { UsageError } from './args';

/**
 * The lesson `--lesson` names, or null without the flag. An unknown id, or a dataset (`--dataset`, `--data`, or the
 * `--config` file's) other than the lesson's, is a UsageError: a lesson is about its own data.
 */
export function lessonOfFlags(
  extra: Record<string, string | true>,
  patch: DeepPartial<Config>,
  fromFile: DeepPartial<Config>,
): Lesson | null {
  const id = extra.lesson;
  if (id === undefined) return null;
  const lesson = typeof id === 'string' ? findLesson(id) : null;
  if (!lesson)
    throw new UsageError(`--lesson "${String(id)}" is not a lesson; lessons: ${LESSONS.map((l) => l.id).join(', ')}`);
  if (typeof extra.data === 'string')
    throw new UsageError(`--lesson ${lesson.id} trains on the built-in "${lesson.dataset}"; leave out --data`);
  for (const [where, dataset] of [
    ['--dataset', patch.data?.dataset],
    ['the --config file', fromFile.data?.dataset],
  ] as const) {
    if (dataset !== undefined && dataset !== lesson.dataset)
      throw new UsageError(
        `--lesson ${lesson.id} trains on "${lesson.dataset}", but ${where} asks for "${dataset}"; leave it out`,
      );
  }
  return lesson;
}
