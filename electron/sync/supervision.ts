// A supervisor's side of sync: their queued actions (verdicts, reassignments, policy changes) sent in the order made,
// in batches of at most 100, each answer stored (a lost answer is simply resent: the central service answers a
// repeated id with its stored outcome); then both QA queue stages and the quality policy brought into the store.
// A reviewer's sync does the same for their second reviews (S4): their verdicts sent, that stage brought in.
import type { z } from 'zod';
import {
  maxMutationsPerBatch,
  QualityPolicyResponse,
  QualityQueueResponse,
  reviewStages,
  SupervisionBatchResponse,
  SupervisionMutation,
  type ReviewStage,
  type SupervisionResult,
} from '../../shared/contract/central';
import { qualityQueueCapacity } from '../../shared/contract/supervision';
import { log } from '../common/log';
import type { CaseStore } from '../store/types';
import type { QualityQueueRecord } from '../store/sqlite/supervision';
import { SyncError } from './errors';
import { decisionLogEntry } from './mapping';

export type SupervisionSyncStore = Pick<CaseStore, 'pendingSupervision' | 'settleSupervision' | 'storeQualityQueue' | 'storeQualityPolicy'>;

/** What the supervisor's sync reports. */
export interface SupervisionReport {
  applied: number;
  rejected: number;
  batches: number;
  /** QA queue items stored, both stages. */
  queued: number;
}

export const emptySupervisionReport = (): SupervisionReport => ({ applied: 0, rejected: 0, batches: 0, queued: 0 });

/** What the engine lends: its retried, authenticated requests, its central binding and progress. */
export interface SupervisionSyncContext {
  store: SupervisionSyncStore;
  deviceId: string;
  /** A request to the central service, retried after transient failures, its answer checked against `schema`. */
  request<S extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: S, json?: unknown): Promise<z.output<S>>;
  boundCentral(): { centralId?: string };
  bindCentral(centralId: string): Promise<void>;
  progress(phase: 'push' | 'pull', done: number, total: number | null): void;
  now(): Date;
  yield(): Promise<void>;
}

/** The most a QA stage's page asks for. */
const qualityPageSize = 200;

/** Sends `me`'s queued actions, oldest first, until none is left; only `me`'s: the service credits them to that person. */
export async function pushSupervision(ctx: SupervisionSyncContext, me: string, report: SupervisionReport): Promise<void> {
  let done = 0;
  for (;;) {
    const mutations = ctx.store.pendingSupervision(maxMutationsPerBatch, me);
    if (mutations.length === 0) return;
    ctx.progress('push', done, null);
    // Recorded through the contract's schema; one that no longer passes it (an older workstation's row) would
    // have the whole batch refused, so it is answered as refused here instead.
    const valid = mutations.filter((m) => SupervisionMutation.safeParse(m).success);
    const invalid: SupervisionResult[] = mutations
      .filter((m) => !valid.includes(m))
      .map((m) => ({ id: m.id, status: 'rejected', reason: 'invalid', message: 'This action is outside the central service’s contract and was not sent.' }));
    let results: SupervisionResult[] = [];
    if (valid.length > 0) {
      const answer = await ctx.request('POST', '/v1/supervision:batch', SupervisionBatchResponse, { deviceId: ctx.deviceId, ...ctx.boundCentral(), mutations: valid });
      await ctx.bindCentral(answer.centralId);
      report.batches += 1;
      const sent = new Set(valid.map((m) => m.id));
      results = answer.results.filter((r) => sent.has(r.id));
    }
    const answers = [...results, ...invalid];
    const { skipped } = await ctx.store.settleSupervision(answers);
    for (const s of skipped) log.warn('supervision action already settled', { mutationId: s.id, code: s.code });
    for (const a of answers) {
      if (a.status === 'applied') report.applied += 1;
      else report.rejected += 1;
    }
    if (answers.length === 0) {
      throw new SyncError('fatal', 'push_stalled', 'The central service answered none of the supervisor actions sent; sync will try again later.');
    }
    done += answers.length;
    await ctx.yield();
  }
}

/** Brings both QA queue stages (the first `qualityQueueCapacity` of each) and the policy into the store. */
export async function pullQuality(ctx: SupervisionSyncContext, report: SupervisionReport): Promise<void> {
  for (const stage of reviewStages) report.queued += await pullStage(ctx, stage);
  const asOf = ctx.now().toISOString();
  const policy = await ctx.request('GET', '/v1/quality/policy', QualityPolicyResponse);
  await ctx.store.storeQualityPolicy(policy, asOf);
}

/** A reviewer's: the decisions of others four-eyes holds (the central service leaves out the caller's own). */
export async function pullSecondReview(ctx: SupervisionSyncContext, report: SupervisionReport): Promise<void> {
  report.queued += await pullStage(ctx, 'second_review');
}

async function pullStage(ctx: SupervisionSyncContext, stage: ReviewStage): Promise<number> {
  const asOf = ctx.now().toISOString();
  const records: QualityQueueRecord[] = [];
  let cursor: string | null = null;
  do {
    const query: URLSearchParams = new URLSearchParams({ stage, limit: String(qualityPageSize), ...(cursor ? { cursor } : {}) });
    const page: QualityQueueResponse = await ctx.request('GET', `/v1/quality/queue?${query.toString()}`, QualityQueueResponse);
    for (const item of page.items) records.push({ decision: decisionLogEntry(item.decision), sampledFor: item.sampledFor });
    ctx.progress('pull', records.length, null);
    cursor = page.nextCursor;
    await ctx.yield();
  } while (cursor !== null && records.length < qualityQueueCapacity);
  // Stored whole, once the stage is read: a sync that stops halfway leaves the previous copy as it was.
  const { stored } = await ctx.store.storeQualityQueue(stage, records, asOf);
  return stored;
}
