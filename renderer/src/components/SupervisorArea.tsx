// Everything a signed-in, unlocked supervisor sees instead of a reviewer's queue: the area's navigation and the
// chosen view, each view a chunk of its own. Unmounted while locked. Also runs the idle lock and the shortcut help.
import { Suspense, useEffect, useState } from 'react';
import type { MessageKey } from '../i18n';
import { lazyChunk, type Chunk } from '../lib/lazyChunk';
import { useIdleLock } from '../lib/useIdleLock';
import { useFrame } from '../state/frame';
import { useSupervisorNav } from '../state/supervisorNav';
import { AreaNav, AreaViewFailed, AreaViewLoading } from './Area';
import { qualityReviewShortcuts, ShortcutHelp, useHelpKey, type ShortcutSections } from './ShortcutHelp';
import { ViewBoundary } from './ViewBoundary';

interface SupervisorSection {
  id: string;
  label: MessageKey;
  chunk: Chunk;
}

/** The area's entries, in the navigation's order; the first is shown on sign-in. */
const sections = [
  {
    id: 'decision-log',
    label: 'supervisor.nav.decisionLog',
    chunk: lazyChunk(
      () => import('./DecisionLogView'),
      (m) => m.DecisionLogView,
    ),
  },
  {
    id: 'withdrawals',
    label: 'supervisor.nav.withdrawals',
    chunk: lazyChunk(
      () => import('./WithdrawalLogView'),
      (m) => m.WithdrawalLogView,
    ),
  },
  {
    id: 'quality-review',
    label: 'supervisor.nav.qualityReview',
    chunk: lazyChunk(
      () => import('./QualityReviewView'),
      (m) => m.QualityReviewView,
    ),
  },
  {
    id: 'second-review',
    label: 'supervisor.nav.secondReview',
    chunk: lazyChunk(
      () => import('./QualityReviewView'),
      (m) => m.SecondReviewView,
    ),
  },
  {
    id: 'oversight',
    label: 'supervisor.nav.oversight',
    chunk: lazyChunk(
      () => import('./OversightView'),
      (m) => m.OversightView,
    ),
  },
  {
    id: 'reports',
    label: 'supervisor.nav.reports',
    chunk: lazyChunk(
      () => import('./ReportsView'),
      (m) => m.ReportsView,
    ),
  },
  {
    id: 'devices',
    label: 'supervisor.nav.devices',
    chunk: lazyChunk(
      () => import('./AuditDevicesView'),
      (m) => m.AuditDevicesView,
    ),
  },
  {
    id: 'exports',
    label: 'supervisor.nav.exports',
    chunk: lazyChunk(
      () => import('./ExportsOnRecordView'),
      (m) => m.ExportsOnRecordView,
    ),
  },
  {
    id: 'policy',
    label: 'supervisor.nav.policy',
    chunk: lazyChunk(
      () => import('./PolicyView'),
      (m) => m.PolicyView,
    ),
  },
  {
    id: 'calendar',
    label: 'supervisor.nav.calendar',
    chunk: lazyChunk(
      () => import('./CalendarView'),
      (m) => m.CalendarView,
    ),
  },
] as const satisfies readonly SupervisorSection[];
type SectionId = (typeof sections)[number]['id'];

const shortcuts: ShortcutSections = [
  [
    'shortcuts.decisionLog',
    [
      [['↑', '↓', 'J', 'K'], 'shortcut.log.move'],
      [['Enter'], 'shortcut.log.open'],
      [['/'], 'shortcut.log.search'],
      [['Esc'], 'shortcut.log.clearSearch'],
      [['E'], 'shortcut.log.exportCsv'],
    ],
  ],
  [
    'shortcuts.withdrawals',
    [
      [['↑', '↓', 'J', 'K'], 'shortcut.withdrawals.move'],
      [['Enter'], 'shortcut.withdrawals.open'],
      [['/'], 'shortcut.log.search'],
      [['Esc'], 'shortcut.log.clearSearch'],
      [['E'], 'shortcut.withdrawals.exportCsv'],
    ],
  ],
  qualityReviewShortcuts,
  [
    'shortcuts.oversight',
    [
      [['Space'], 'shortcut.oversight.toggle'],
      [['Esc'], 'shortcut.oversight.close'],
    ],
  ],
  ['shortcuts.anywhere', [[['?'], 'shortcut.help']]],
];

const sectionOf = (id: SectionId): SupervisorSection => sections.find((s) => s.id === id) ?? sections[0];

export function SupervisorArea() {
  const idleLockMinutes = useFrame((s) => s.settings.idleLockMinutes);
  const [view, setView] = useState<{ id: SectionId; View: React.ComponentType; attempt: number }>(() => ({ id: sections[0].id, View: sections[0].chunk.lazy(), attempt: 0 }));
  useIdleLock(idleLockMinutes);
  useHelpKey();

  useEffect(() => {
    void useFrame.getState().refreshSync();
  }, []);

  const show = (id: SectionId) => {
    if (id !== view.id) setView({ id, View: sectionOf(id).chunk.lazy(), attempt: 0 });
  };
  // A view asking for another (a report's number opening the decision log).
  const requested = useSupervisorNav((s) => s.requested);
  useEffect(() => {
    if (requested) setView((v) => (v.id === requested.id ? v : { id: requested.id, View: sectionOf(requested.id).chunk.lazy(), attempt: 0 }));
  }, [requested]);
  const retry = (error: unknown) => setView((v) => ({ id: v.id, View: sectionOf(v.id).chunk.lazy({ error, attempt: v.attempt + 1 }), attempt: v.attempt + 1 }));

  return (
    <div className="supervisor">
      <AreaNav label="supervisor.nav" sections={sections} current={view.id} onSelect={show} />
      <div className="supervisor-view">
        <ViewBoundary key={`${view.id}-${view.attempt}`} fallback={(error) => <AreaViewFailed error={error} onRetry={() => retry(error)} />}>
          <Suspense fallback={<AreaViewLoading />}>
            <view.View />
          </Suspense>
        </ViewBoundary>
      </div>
      <ShortcutHelp sections={shortcuts} />
    </div>
  );
}
