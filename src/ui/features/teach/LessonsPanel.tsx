/**
 * Lessons: one button per guided preset (pressing it sets the lesson's whole configuration), and the explanation
 * of the active lesson with its formula, shown beside the live view.
 */
import { useEffect, useState, type JSX } from 'react';
import type { Config } from '../../../core/config';
import { lessonConfig, LESSONS, type Lesson } from '../../../core/lessons/lessons';
import { TeX } from './TeX';
import { lessonRequest } from './url';
import './teach.css';

/** `<section aria-label="Lessons">`: a button per lesson (accessible name = its title). */
export function LessonsPanel(props: { active: Lesson | null; onLesson(lesson: Lesson): void }): JSX.Element {
  // A link naming a lesson that does not exist (renamed, mistyped) says so instead of silently doing nothing.
  const [unknown] = useState(() => {
    const request = lessonRequest(typeof window === 'undefined' ? '' : window.location.search);
    return request.id !== null && request.lesson === null ? request.id : null;
  });
  return (
    <section aria-label="Lessons" className="panel lessons">
      <h2>Lessons</h2>
      {unknown !== null ? (
        <p role="alert">This link asks for a lesson “{unknown}” that does not exist; pick one below.</p>
      ) : null}
      <p className="help">Each lesson sets the whole configuration and explains what to watch.</p>
      <ul className="lesson-list">
        {LESSONS.map((lesson) => (
          <li key={lesson.id}>
            <button
              type="button"
              aria-pressed={props.active?.id === lesson.id}
              data-lesson={lesson.id}
              onClick={() => props.onLesson(lesson)}
            >
              {lesson.title}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** True when `config` is exactly what `lesson` sets (the backend preference aside). */
export function isLessonConfig(lesson: Lesson, config: Config): boolean {
  return JSON.stringify(lessonConfig(lesson, config.training.backend)) === JSON.stringify(config);
}

/** `<aside aria-label="Lesson explanation">`: the idea, the formula (KaTeX) with its plain sentence, what to watch. */
export function LessonExplanation(props: {
  lesson: Lesson;
  config: Config;
  onRestore(): void;
  onClose(): void;
}): JSX.Element {
  const { lesson } = props;
  const unchanged = isLessonConfig(lesson, props.config);
  return (
    <aside aria-label="Lesson explanation" className="lesson-explanation" data-lesson={lesson.id}>
      <h2>{lesson.title}</h2>
      <p>{lesson.explanation}</p>
      <div className="formula">
        <TeX tex={lesson.formula} />
        <p className="formula-words">{lesson.formulaInWords}</p>
      </div>
      <p>
        <strong>Watch: </strong>
        {lesson.watch}
      </p>
      {unchanged ? null : (
        <p className="note">
          The configuration was changed since the lesson set it.{' '}
          <button type="button" onClick={props.onRestore}>
            Restore the lesson's configuration
          </button>
        </p>
      )}
      <button type="button" onClick={props.onClose}>
        Close lesson
      </button>
    </aside>
  );
}

/** Puts `classroom` on the root element while classroom mode is on (teach.css hides and enlarges from there). */
export function useClassroomClass(on: boolean): void {
  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle('classroom', on);
    return () => root.classList.remove('classroom');
  }, [on]);
}
