/**
 * The page URL's `?lesson=<id>` as the lessons panel reads it (App takes the lesson itself from the shareable-link
 * parser, core/share/link.ts, which also carries `classroom=1`). Pure, tested in Node.
 */
import { findLesson, type Lesson } from '../../../core/lessons/lessons';

/** The lesson id a URL asks for (null without one) and the lesson it names (null when no lesson has that id). */
export function lessonRequest(search: string): { id: string | null; lesson: Lesson | null } {
  const id = new URLSearchParams(search).get('lesson');
  return { id: id === null || id.trim() === '' ? null : id, lesson: findLesson(id) };
}
