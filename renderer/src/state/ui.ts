// Small UI state shared by views: the shortcut help dialog.
import { create } from 'zustand';

interface UiState {
  helpOpen: boolean;
  setHelpOpen(open: boolean): void;
}

export const useUi = create<UiState>()((set) => ({
  helpOpen: false,
  setHelpOpen(helpOpen) {
    set({ helpOpen });
  },
}));
