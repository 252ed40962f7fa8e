// Locking and signing out: a decision waiting out its undo window is recorded first, then every case (and the
// supervisor's decision log) is forgotten, so nothing of an applicant stays mounted or in memory behind the lock screen.
import { useDecisionLog } from './decisionLog';
import { useFrame } from './frame';
import { useQualityQueue, useSecondReview, useVerdict } from './quality';
import { useQueue } from './queue';
import { useReports } from './reports';
import { useReview } from './review';

function forgetCases(): void {
  useQueue.getState().clear();
  useReview.getState().clear();
  useDecisionLog.getState().clear();
  useReports.getState().clear();
  // The QA lists name applicants too (a reviewer's second reviews included).
  useQualityQueue.getState().clear();
  useSecondReview.getState().clear();
  useVerdict.getState().cancel();
}

export async function lockWorkstation(): Promise<void> {
  // Hide applicant data at once; recording the pending decision still needs the unlocked session.
  useFrame.setState({ locked: true });
  await useReview.getState().flush();
  forgetCases();
  await useFrame.getState().lock();
}

export async function signOutOfWorkstation(everywhere = false): Promise<void> {
  await useReview.getState().flush();
  forgetCases();
  await useFrame.getState().signOut(everywhere);
}

/** Keeps the stores empty whenever nobody may see applicant data (also when another window locks). */
export function watchSession(): () => void {
  return useFrame.subscribe((state, previous) => {
    const hidden = state.person === null || state.locked;
    const wasHidden = previous.person === null || previous.locked;
    if (hidden && !wasHidden) forgetCases();
  });
}
