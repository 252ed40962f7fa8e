// If a view cannot be shown (its chunk failed to load, or it threw while rendering), the person gets a message and
// a way on instead of an empty window: React unmounts the whole tree on an uncaught render error.
import { Component, type ReactNode } from 'react';

export class ViewBoundary extends Component<{ children: ReactNode; fallback: (error: unknown) => ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error === null ? this.props.children : this.props.fallback(this.state.error);
  }
}
