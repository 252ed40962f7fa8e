// One row of a keyboard-driven decision list (the decision log, the QA queue and second reviews): the selected row is
// the only one in the tab order (roving tabindex) and says so to assistive technology; a click selects it.
import type { ReactNode } from 'react';

export function SelectableRow({
  id,
  testId,
  decisionId,
  applicationId,
  index,
  selected,
  onSelect,
  children,
}: {
  id: string;
  testId: string;
  decisionId: string;
  applicationId: string;
  index: number;
  selected: boolean;
  onSelect(index: number): void;
  children: ReactNode;
}) {
  return (
    <tr
      id={id}
      data-testid={testId}
      data-decision-id={decisionId}
      data-application-id={applicationId}
      className={selected ? 'selected' : undefined}
      aria-current={selected ? 'true' : undefined}
      tabIndex={selected ? 0 : -1}
      onClick={() => onSelect(index)}
    >
      {children}
    </tr>
  );
}
