// `npm run server -- people <command>`: people administration on the server's host, straight on the database (the
// same DATABASE_URL or --data as the server), for the first admin of a new database and when no admin can sign in.
// Changes are audited with no person as author (changed_by null: the command). Passwords are read from the first
// line of standard input, never from the command line (which other users of the host can see).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CentralRole } from '../shared/contract/central';
import { CreatePersonRequest, DeactivateRequest } from '../shared/contract/people';
import { DomainError, describeIssues } from '../shared/errors';
import { openDatabase } from './db';
import { migrate } from './migrations';
import { PeopleAdmin } from './people';

const usage = `Usage: npm run server -- people <command> [--data DIR] (or DATABASE_URL=postgres://…)
  list                                                   every person, role and state
  create --username U --name "Display Name" --role R     R: reviewer, supervisor, intake or admin; password from stdin
  reset --username U                                     a temporary password from stdin; a change is forced at sign-in
  set-role --username U --role R
  deactivate --username U [--reason TEXT]                tokens revoked, open applications back to the pool
Example (the first admin of a new database):
  printf '%s\\n' "$PASSWORD" | npm run server -- people create --username admin --name "Admin" --role admin`;

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter): ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

class UsageError extends Error {}

function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function roleOf(value: string | undefined): CentralRole {
  const parsed = CentralRole.safeParse(required(value, 'role'));
  if (!parsed.success) throw new UsageError(`--role: one of reviewer, supervisor, intake, admin`);
  return parsed.data;
}

/** Runs one command; answers the exit code (0 done, 1 refused, 2 usage). Output goes to `out` (lines). */
export async function runPeopleCommand(args: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  let values: Record<string, string | undefined>;
  let command: string | undefined;
  try {
    const parsed = parseArgs({
      args: [...args],
      options: {
        data: { type: 'string', default: './.data/server' },
        username: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        reason: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values as Record<string, string | undefined>;
    command = parsed.positionals[0];
    if (parsed.positionals.length !== 1) throw new UsageError('name one command');
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const databaseUrl = process.env.DATABASE_URL;
  const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir: values.data as string });
  try {
    await migrate(db);
    const people = new PeopleAdmin(db);
    const now = new Date();
    switch (command) {
      case 'list':
        for (const p of await people.list()) {
          out(`${p.username}\t${p.role}\t${p.active ? 'active' : `deactivated ${p.deactivatedAt}`}${p.mustChangePassword ? '\tmust change password' : ''}\t${p.displayName}`);
        }
        return 0;
      case 'create': {
        const input = CreatePersonRequest.safeParse({ username: values.username, displayName: values.name, role: roleOf(values.role), password: await readPassword() });
        if (!input.success) throw new UsageError(describeIssues(input.error));
        // Typed at the server's console by the person who will use it: no forced change, unlike an admin-made password.
        const person = await people.create(input.data, null, now, input.data.role !== 'admin');
        out(`created ${person.username} (${person.role})${person.mustChangePassword ? '; the password must be changed at the first sign-in' : ''}`);
        return 0;
      }
      case 'reset': {
        const person = await people.resetPassword(required(values.username, 'username'), await readPassword(), null, now);
        out(`reset the password of ${person.username}; it must be changed at the next sign-in`);
        return 0;
      }
      case 'set-role': {
        const person = await people.setRole(required(values.username, 'username'), roleOf(values.role), null, now);
        out(`${person.username} is now ${person.role}`);
        return 0;
      }
      case 'deactivate': {
        const body = DeactivateRequest.safeParse(values.reason === undefined ? {} : { reason: values.reason });
        if (!body.success) throw new UsageError(describeIssues(body.error));
        const result = await people.deactivate(required(values.username, 'username'), body.data.reason, null, now);
        out(`deactivated ${result.person.username}: ${result.releasedApplications} open applications back to the pool, ${result.revokedTokens} tokens revoked`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof DomainError) {
      console.error(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}
