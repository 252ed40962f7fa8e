// Channels of the app frame: who and what is running, and the person's settings.
import { z } from 'zod';
import { Person } from '../domain';
import { lineText } from '../text';
import { defineChannel, defineEvent } from './channel';
import { defaultSettings as vocabularyDefaults } from '../vocabulary';

export const UiLanguage = z.enum(['en', 'zh-CN']);
export type UiLanguage = z.infer<typeof UiLanguage>;

export const Settings = z.object({
  /** null follows the operating system's language. */
  language: UiLanguage.nullable(),
  theme: z.enum(['system', 'light', 'dark']),
  /** The screen locks after this many idle minutes and hides applicant data. */
  idleLockMinutes: z.number().int().min(1).max(240),
});
export type Settings = z.infer<typeof Settings>;

export const defaultSettings: Settings = vocabularyDefaults;

export const SessionState = z.object({
  /** The signed-in person; null before sign-in and after sign-out. */
  person: Person.nullable(),
  /** Locked after idle time: the person stays known but no applicant data is served until they sign in again. */
  locked: z.boolean(),
});
export type SessionState = z.infer<typeof SessionState>;

export const appChannels = {
  'app.info': defineChannel({
    request: z.object({}).strict(),
    response: z.object({
      name: z.literal('Verity'),
      version: z.string(),
      /** Which transport carries the contract: the Electron app or the browser host. */
      host: z.enum(['electron', 'browser']),
      platform: z.string(),
      deviceId: z.string(),
    }),
    errors: [],
  }),
  'session.current': defineChannel({
    request: z.object({}).strict(),
    response: SessionState,
    errors: [],
  }),
  'session.signIn': defineChannel({
    request: z.object({ username: lineText(64).trim().min(1), password: lineText(200).min(1) }).strict(),
    response: SessionState,
    errors: ['sign_in_failed', 'sign_in_throttled'],
  }),
  'session.lock': defineChannel({
    request: z.object({}).strict(),
    response: SessionState,
    errors: [],
  }),
  'session.signOut': defineChannel({
    /** everywhere: end the person's sessions on every device at the central service first (issue 25). */
    request: z.object({ everywhere: z.boolean().optional() }).strict(),
    response: SessionState,
    errors: ['sign_out_everywhere_failed', 'sign_out_everywhere_unavailable'],
  }),
  'settings.get': defineChannel({
    request: z.object({}).strict(),
    response: Settings,
    errors: [],
  }),
  'settings.update': defineChannel({
    request: Settings.partial().strict(),
    response: Settings,
    errors: ['settings_unwritable'],
  }),
} as const;

export const appEvents = {
  'settings.changed': defineEvent(Settings),
  'session.changed': defineEvent(SessionState),
} as const;
