/**
 * The typed message protocol between the page (main thread) and the training worker: one union of commands and one
 * of events, joined from the feature files (training, inspect, reference, saveShare, teach) so the compiler checks every
 * message on both sides. Types only. Large arrays travel as transferred ArrayBuffers (../transfer.ts lists them).
 * The projection worker has its own, separate protocol (projection.ts).
 */
import type { InspectCommand, InspectEvent } from './inspect';
import type { ReferenceCommand, ReferenceEvent } from './reference';
import type { SaveShareCommand, SaveShareEvent } from './saveShare';
import type { TrainingCommand, TrainingEvent } from './training';

export type * from './inspect';
export type * from './reference';
export type * from './saveShare';
export type * from './shared';
export type * from './teach';
export type * from './training';

export type Command = TrainingCommand | InspectCommand | ReferenceCommand | SaveShareCommand;

export type WorkerEvent = TrainingEvent | InspectEvent | ReferenceEvent | SaveShareEvent;
