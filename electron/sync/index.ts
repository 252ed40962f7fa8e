// The sync engine's public face: the Electron main process and the browser host create one per data folder.
export { createSyncEngine } from './engine';
export type { SyncEngine, SyncEngineOptions, SyncEngineState, SyncImages, SyncPhase, SyncProgress, SyncReport, SyncStatus, SyncStore } from './engine';
export { memoryVault, SessionTokens } from './client';
export type { Credentials, TokenVault } from './client';
export type { HttpTransport } from '../common/http';
export { SyncError, type SyncFailureKind } from './errors';
export { backoffDelay, defaultBackoff, parseRetryAfter, type BackoffPolicy, type Sleep } from './backoff';
export { recordDerivedQuality, type DerivedQualityOptions, type DerivedQualityRecorder } from './derivedQuality';
