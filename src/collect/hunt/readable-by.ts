/**
 * A file another user's process or home names is read (as root) only when that user owns it or anyone may
 * read it: a link from `~/.bashrc` to /etc/shadow, or a miner started with `-c /root/secret.json`, must not
 * carry root's secrets into the facts, a bundle or a fleet server. Undefined (no check) for root's own.
 */
export function readableBy(
  uid: number | undefined,
): ((st: { uid: number; mode: number }) => boolean) | undefined {
  if (uid === undefined || uid === 0) return undefined;
  return (st) => st.uid === uid || (st.mode & 0o004) !== 0;
}
