// Moving between the supervisor's sections from inside one (a report's number opens the decision log): a request the
// area follows. A counter, so asking twice for the same section still moves.
import { create } from 'zustand';

export type SupervisorSectionId = 'decision-log' | 'reports';

interface SupervisorNavState {
  requested: { id: SupervisorSectionId; seq: number } | null;
  go(id: SupervisorSectionId): void;
}

export const useSupervisorNav = create<SupervisorNavState>()((set, get) => ({
  requested: null,
  go(id) {
    set({ requested: { id, seq: (get().requested?.seq ?? 0) + 1 } });
  },
}));
