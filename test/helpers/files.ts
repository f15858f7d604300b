import * as fs from "node:fs";
import { sha256 } from "../../src/respond/store.ts";

/** What a byte-identical restore must bring back: content hash, mode, owner and modification time. */
export function fileState(p: string) {
  const st = fs.lstatSync(p);
  return {
    bytes: sha256(fs.readFileSync(p)),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    mtimeMs: st.mtimeMs,
  };
}
