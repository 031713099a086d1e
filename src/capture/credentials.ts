/**
 * Camera passwords: read from a file or a systemd credential at each connection (so a rotated
 * password is picked up on the next reconnect), never taken from the config text, never put
 * on a command line, and scrubbed from every message that could reach a log.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PermanentSourceError } from './live-source.ts';

export interface CameraAuth {
  username: string;
  passwordFile?: string | undefined;
  passwordCredential?: string | undefined;
}

export interface Login {
  username: string;
  password: string;
}

/** Pure: the password in a secret file's text: its first line, without the line ending. */
export function secretFromText(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line;
}

/**
 * Pure: where a systemd credential lives. systemd sets $CREDENTIALS_DIRECTORY for a unit with
 * LoadCredential=NAME:PATH; outside such a unit there is no credential to read.
 */
export function credentialPath(name: string, env: NodeJS.ProcessEnv): string {
  const dir = env.CREDENTIALS_DIRECTORY;
  if (dir === undefined || dir === '') {
    throw new PermanentSourceError(
      `systemd credential "${name}" was asked for but $CREDENTIALS_DIRECTORY is not set (run under the alpr-edge unit with LoadCredential=${name}:..., or use passwordFile)`,
    );
  }
  if (name.includes('/') || name === '.' || name === '..') throw new PermanentSourceError(`bad credential name "${name}"`);
  return join(dir, name);
}

/** Reads the login for `auth`; a missing or empty secret is permanent (retrying cannot fix it). */
export async function readLogin(cameraId: string, auth: CameraAuth, env: NodeJS.ProcessEnv = process.env): Promise<Login> {
  const path = auth.passwordCredential !== undefined ? credentialPath(auth.passwordCredential, env) : auth.passwordFile;
  if (path === undefined) throw new PermanentSourceError(`camera ${cameraId}: auth has neither passwordFile nor passwordCredential`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PermanentSourceError(`camera ${cameraId}: cannot read its password from ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  const password = secretFromText(text);
  if (password === '') throw new PermanentSourceError(`camera ${cameraId}: the password in ${path} is empty`);
  return { username: auth.username, password };
}

/**
 * Pure: `text` with every secret and every URL's user:password@ replaced, so a program's error
 * output can be logged. Secrets are also removed in their URL-encoded form.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@');
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}
