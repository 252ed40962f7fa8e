// The one logger of the node side. Never pass applicant data (names, numbers, addresses) to it.
type Fields = Record<string, unknown>;

function write(level: 'info' | 'warn' | 'error', message: string, fields?: Fields): void {
  if (level === 'info' && process.env.VERITY_QUIET === '1') return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, message, ...fields });
  // Every level goes to stderr: stdout is what a program answers its caller (the browser host's --json line).
  process.stderr.write(line + '\n');
}

export const log = {
  info: (message: string, fields?: Fields) => write('info', message, fields),
  warn: (message: string, fields?: Fields) => write('warn', message, fields),
  error: (message: string, fields?: Fields) => write('error', message, fields),
};
