// The CJK font of the PDF report: Noto Sans SC Regular (SIL Open Font Licence 1.1, Latin letters and digits
// included), from the npm package @expo-google-fonts/noto-sans-sc, so the repository holds no font file. The package
// is a devDependency: electron-builder copies this one file into the packaged app (electron-builder.yml,
// extraResources), and Electron's main process passes that copy.
import { createRequire } from 'node:module';

/** The file inside node_modules, as electron-builder.yml's extraResources names it. */
export const cjkFontInPackage = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';
/** Its name in the packaged app's resources/fonts/. */
export const packagedCjkFont = 'NotoSansSC-Regular.ttf';

/** The installed package's copy; undefined where it is not installed (a Chinese PDF is then English, with a note). */
export function installedCjkFont(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(cjkFontInPackage);
  } catch {
    return undefined;
  }
}
