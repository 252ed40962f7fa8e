// The contract between renderer and main: every channel and event. Both transports (IPC and the
// browser host's HTTP) are derived from this one list, so the compiler catches any drift.
import type { z } from 'zod';
import type { Outcome } from './errors';
import { appChannels, appEvents } from './contract/app';
import { auditChannels } from './contract/audit';
import { caseChannels, caseEvents } from './contract/cases';
import { exportChannels, exportEvents, type SavedExport } from './contract/exports';
import { imageChannels } from './contract/images';
import { oversightChannels } from './contract/oversight';
import { calendarChannels } from './contract/calendar';
import { decisionCaseChannels } from './contract/decisionCase';
import { linkedChannels } from './contract/linked';
import { supervisionChannels } from './contract/supervision';
import { reportChannels } from './contract/reports';
import { syncChannels, syncEvents } from './contract/sync';
import { deviceChannels } from './contract/device';
import { withdrawalChannels } from './contract/withdrawals';

export const channels = {
  ...appChannels,
  ...syncChannels,
  ...caseChannels,
  ...imageChannels,
  ...supervisionChannels,
  ...exportChannels,
  ...reportChannels,
  ...auditChannels,
  ...oversightChannels,
  ...calendarChannels,
  ...decisionCaseChannels,
  ...linkedChannels,
  ...deviceChannels,
  ...withdrawalChannels,
} as const;

export const events = {
  ...appEvents,
  ...syncEvents,
  ...caseEvents,
  ...exportEvents,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type EventName = keyof typeof events;

export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
/** The request after validation (defaults applied), as handlers see it. */
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]['payload']>;

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(channels, name);
}
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type MethodsOf<G extends string> = {
  [C in ChannelName as C extends `${G}.${infer M}` ? M : never]: (request: RequestOf<C>) => Promise<Outcome<ResponseOf<C>>>;
};

export interface EventApi {
  /** Subscribes to one main→renderer event; returns the unsubscribe function. */
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * What the viewer may show, each re-encoded from the original (never the applicant's bytes): the preview, the
 * thumbnail, and `full`, the full-resolution rendition for 1:1. The original itself is only ever downloaded.
 */
export const imageVariants = ['preview', 'thumbnail', 'full'] as const;
export type ImageVariant = (typeof imageVariants)[number];
export interface ImageRef {
  /** SHA-256 (lower-case hex) of the original image, as in a case's documents. */
  sha256: string;
  variant: ImageVariant;
}

export interface ImageApi {
  /**
   * A URL an <img> can show: `case-image://…` in Electron, a blob: URL in the browser host. Images
   * never travel as base64 over the contract; the serving side checks access on every request.
   */
  url(ref: ImageRef): Promise<Outcome<string>>;
  /**
   * Saves the applicant's original file, byte for byte, as a download (served with `Content-Disposition:
   * attachment`, named from its hash); the workstation records each download in the case's audit trail.
   */
  downloadOriginal(ref: { sha256: string }): Promise<Outcome<null>>;
}

export interface ExportApi {
  /**
   * Hands a prepared export (decisions.exportCsv, withdrawals.exportCsv, reports.exportPdf) to the person: Electron asks where to save it,
   * the browser host downloads it. Once only; the workstation records it in the audit trail.
   */
  save(prepared: { exportId: string }): Promise<Outcome<SavedExport>>;
}

/** `window.workstation`: one named function per channel (`workstation.queue.list(…)`), plus events, image URLs and saving exports. */
export type WorkstationApi = { [G in GroupOf<ChannelName>]: MethodsOf<G> } & { events: EventApi; images: ImageApi; exports: ExportApi };

/** Splits 'queue.list' into its group and method, as WorkstationApi names them. */
export function splitChannel(name: ChannelName): [group: string, method: string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}
