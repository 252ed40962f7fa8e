// The supervisor's decision log read live: from the central service (every decision, its counts) while it answers,
// from this workstation's copy (the newest `decisionLogCapacity`, as fresh as the last sync) when it does not. The one
// place where the log's filter becomes the central query: GET /v1/decisions and /v1/decisions/counts on the
// device's clock (clock=made), the order and date range the copy uses too.
import type { z } from 'zod';
import { DecisionCountsResponse, DecisionsExportEnd, DecisionsExportHead, DecisionsResponse, ExportedDecisionRow } from '../../shared/contract/central';
import {
  DecisionLogFilter,
  DecisionLogQuery,
  type DecisionLogCountsAnswer,
  type DecisionLogEntry,
  type DecisionLogPage,
} from '../../shared/contract/supervision';
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import { SyncError } from './errors';
import { decisionLogEntry, exportedLogEntry, type ExportedLogEntry } from './mapping';
import type { CentralGet } from './oversight';

type Filter = ReturnType<typeof DecisionLogFilter.parse>;

/** The central query of a log filter (and paging): each filter under the same name, on the device's clock. */
export function centralDecisionsQuery(filter: Filter, paging?: { cursor?: string | undefined; limit: number; withTotal?: boolean }): URLSearchParams {
  const query = new URLSearchParams({ clock: 'made' });
  for (const key of ['reviewer', 'outcome', 'kind', 'reasonCode', 'offline', 'overridden', 'reviewed', 'deadlineMissed', 'from', 'to', 'order'] as const) {
    const value = filter[key];
    if (value !== undefined) query.set(key, String(value));
  }
  const text = filter.text?.trim();
  if (text) query.set('text', text);
  if (paging) {
    query.set('limit', String(paging.limit));
    if (paging.cursor) query.set('cursor', paging.cursor);
    if (paging.withTotal) query.set('withTotal', 'true');
  }
  return query;
}

/** Failures that mean "cannot ask now": the copy answers. Anything else (a refusal, a bug) is an error. */
export function centralUnreachable(error: unknown): error is SyncError {
  return error instanceof SyncError && (error.kind === 'offline' || error.kind === 'transient' || error.kind === 'signed_out' || error.kind === 'aborted');
}

/**
 * How long a page or the counts wait for the central service before the copy answers: a person is looking at the
 * log. The service answers both within a few hundred milliseconds at a million decisions (bench/supervisor); the
 * engine's 10 s default was a blank screen for 10 s whenever the service hung. An export waits the default.
 */
export const liveReadTimeoutMs = 3_000;

/** A central cursor as the renderer holds it: marked, so a page goes on from the source that began the paging. */
const centralMark = 'central.';

export type DecisionLogStore = Pick<CaseStore, 'decisionLog' | 'decisionLogAfter' | 'decisionLogCounts' | 'decisionLogFreshness'>;

/** One authenticated GET of the central API read line by line as it arrives (SyncEngine.lines). */
export type CentralLines = (path: string, timeoutMs?: number) => Promise<AsyncIterable<string>>;

/** `lines`: the central export's stream (GET /v1/decisions/export); null where only pages are read. */
export function createDecisionLogReads(get: CentralGet | null, store: DecisionLogStore, lines: CentralLines | null = null) {
  const notConfigured = 'No central service is configured.';
  return {
    async page(raw: DecisionLogQuery): Promise<DecisionLogPage> {
      const q = DecisionLogQuery.parse(raw);
      const centralCursor = q.cursor?.startsWith(centralMark) ? q.cursor.slice(centralMark.length) : undefined;
      // A page of the copy's paging stays with the copy; the first page and the central's pages ask the central service.
      let offlineReason = notConfigured;
      if (get !== null && (q.cursor === undefined || centralCursor !== undefined)) {
        try {
          const answer = await get(
            `/v1/decisions?${centralDecisionsQuery(q, { cursor: centralCursor, limit: q.limit, withTotal: true }).toString()}`,
            DecisionsResponse,
            liveReadTimeoutMs,
          );
          const total = answer.total ?? { count: answer.decisions.length, atLeast: answer.nextCursor !== null };
          return {
            items: answer.decisions.map(decisionLogEntry),
            nextCursor: answer.nextCursor === null ? null : `${centralMark}${answer.nextCursor}`,
            total: total.count,
            totalAtLeast: total.atLeast,
            freshness: store.decisionLogFreshness(),
            source: 'central',
            offlineReason: null,
          };
        } catch (error) {
          if (!centralUnreachable(error)) throw error;
          offlineReason = error.message;
        }
      }
      if (centralCursor !== undefined) {
        throw new DomainError('bad_cursor', `The central service went out of reach (${offlineReason}); the log now shows this workstation's copy. Go back to the first page.`);
      }
      return { ...store.decisionLog(q), source: 'copy', totalAtLeast: false, offlineReason: get === null ? notConfigured : offlineReason };
    },

    async counts(raw: DecisionLogFilter): Promise<DecisionLogCountsAnswer> {
      const filter = DecisionLogFilter.parse(raw);
      if (get !== null) {
        try {
          const counts = await get(`/v1/decisions/counts?${centralDecisionsQuery(filter).toString()}`, DecisionCountsResponse, liveReadTimeoutMs);
          return { ...counts, source: 'central' };
        } catch (error) {
          if (!centralUnreachable(error)) throw error;
        }
      }
      return { ...store.decisionLogCounts(filter), source: 'copy' };
    },

    /**
     * Every decision matching the filter, in the log's order, `batch` at a time: from the central service's export
     * stream while it answers (all of them), else from the copy; with the total to report progress against (a lower
     * bound past the central service's cap, so progress grows it as it goes).
     */
    async *matching(raw: DecisionLogFilter, batch: number, progress: (done: number, total: number) => void): AsyncGenerator<ExportedLogEntry[]> {
      const filter = DecisionLogFilter.parse(raw);
      if (lines !== null) {
        let stream: AsyncIterable<string> | null = null;
        try {
          stream = await lines(`/v1/decisions/export?${centralDecisionsQuery(filter).toString()}`);
        } catch (error) {
          if (!centralUnreachable(error)) throw error;
        }
        // Once begun from the central service, an export finishes from it or fails: half from the copy would not be the filtered log.
        if (stream) {
          yield* centralMatching(stream, batch, progress);
          return;
        }
      }
      yield* copyMatching(store, filter, batch, progress);
    },
  };
}

/** A line of the export as `schema` says, or the refusal of an answer outside the contract. */
function exportLine<S extends z.ZodType>(line: string, schema: S, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'line';
    throw new SyncError('fatal', 'bad_response', `The central service's decision export sent ${what} outside the contract (${where}). Nothing was saved; export again.`);
  }
  return parsed.data;
}

/** The export stream's decisions, `batch` at a time, checked line by line: the head, the decisions, the end. */
async function* centralMatching(stream: AsyncIterable<string>, batch: number, progress: (done: number, total: number) => void): AsyncGenerator<ExportedLogEntry[]> {
  let total: number | null = null;
  let end: DecisionsExportEnd | null = null;
  let done = 0;
  let rows: ExportedLogEntry[] = [];
  for await (const line of stream) {
    if (end !== null) throw new SyncError('fatal', 'bad_response', "The central service's decision export went on after its end. Nothing was saved; export again.");
    if (total === null) {
      total = exportLine(line, DecisionsExportHead, 'a first line').total.count;
      progress(0, total);
    } else if (line.startsWith('{"end"')) {
      end = exportLine(line, DecisionsExportEnd, 'an end');
    } else {
      rows.push(exportedLogEntry(exportLine(line, ExportedDecisionRow, 'a decision')));
      if (rows.length === batch) {
        done += rows.length;
        yield rows;
        rows = [];
        progress(done, Math.max(done, total));
      }
    }
  }
  if (rows.length > 0) {
    done += rows.length;
    yield rows;
    progress(done, Math.max(done, total ?? 0));
  }
  // A stream that stops without its end line broke off (the service stopped, a proxy cut it): not the whole log.
  if (end === null) throw new SyncError('transient', 'export_cut_short', "The central service's decision export broke off before its end. Nothing was saved; export again.");
  if (end.rows !== done) throw new SyncError('fatal', 'bad_response', `The central service's decision export says it sent ${end.rows} decisions; ${done} arrived. Nothing was saved; export again.`);
}

/** Every decision of the copy matching the filter, a batch at a time; progress against the total it counted first. */
async function* copyMatching(store: DecisionLogStore, filter: Filter, batch: number, progress: (done: number, total: number) => void): AsyncGenerator<ExportedLogEntry[]> {
  const total = store.decisionLog({ ...filter, limit: 1 }).total;
  progress(0, total);
  let after: DecisionLogEntry | null = null;
  let done = 0;
  for (;;) {
    const entries = store.decisionLogAfter(filter, after, batch);
    done += entries.length;
    if (entries.length > 0) yield entries;
    // A decision synced meanwhile may add one the count did not know: done can pass total.
    progress(done, Math.max(done, total));
    if (entries.length < batch) return;
    after = entries.at(-1)!;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
