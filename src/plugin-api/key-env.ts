/** The prefix of environment variables any model config may name as api_key_env. */
export const KEY_ENV_PREFIX = 'LLMOS_KEY_';

/**
 * Whether a client-given api_key_env may be read: names starting LLMOS_KEY_,
 * or listed by the operator; never another LLMOS_ variable (the server's own
 * auth tokens), even when listed.
 */
export function isAllowedKeyEnv(name: string, listed: readonly string[]): boolean {
  if (name.startsWith(KEY_ENV_PREFIX)) return name.length > KEY_ENV_PREFIX.length;
  if (name.startsWith('LLMOS_')) return false;
  return listed.includes(name);
}
