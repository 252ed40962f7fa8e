// The translator of the current UI language, for components.
import { useMemo } from 'react';
import { effectiveLanguage, useFrame } from '../state/frame';
import { translator, type Translate } from './index';

export function useLanguage() {
  return effectiveLanguage(useFrame((s) => s.settings));
}

export function useT(): Translate {
  const language = useLanguage();
  return useMemo(() => translator(language), [language]);
}
