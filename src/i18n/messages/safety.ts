import type { Messages } from "../types.ts";

/** Refusals that keep a root run from being steered by another user's files. */
export const safety = {
  "safety.untrustedFile": {
    en: "{file} is not used: {why}. As root, mamori reads its configuration and lists only from files that root alone can change (chown root:root and chmod go-w the file and its directories).",
    ja: "{file} は使いません: {why}。root で動くとき、mamori は root だけが変更できる設定ファイルやリストしか読みません (ファイルとその親ディレクトリを chown root:root し、chmod go-w してください)。",
  },
  "safety.untrustedInstall": {
    en: "mamori will not run as root from here: another user can change {why}, so running it would run their code as root. Install mamori where only root can write (e.g. /opt/mamori owned by root, not group- or world-writable).",
    ja: "この場所の mamori は root では動かしません: {why} を他のユーザーが変更できるため、実行すると他人のコードを root で動かすことになります。root だけが書き込める場所 (例: root 所有でグループ・他者が書き込めない /opt/mamori) に置いてください。",
  },
  "safety.why.owner": {
    en: "{path} belongs to uid {uid}, not to root",
    ja: "{path} の所有者は uid {uid} で、root ではありません",
  },
  "safety.why.mode": {
    en: "{path} has mode {mode}: other users can change it",
    ja: "{path} のモードは {mode} で、他のユーザーが変更できます",
  },
  "safety.why.link": {
    en: "{path} is a symbolic link, which mamori does not follow",
    ja: "{path} はシンボリックリンクです (mamori はたどりません)",
  },
  "safety.why.notdir": {
    en: "{path} is not a directory",
    ja: "{path} はディレクトリではありません",
  },
  "safety.why.notreg": {
    en: "{path} is not a regular file (a FIFO, device or socket is never read)",
    ja: "{path} は通常のファイルではありません (FIFO・デバイス・ソケットは読みません)",
  },
  "safety.why.tooLarge": {
    en: "{path} is larger than {size}",
    ja: "{path} が {size} を超えています",
  },
} satisfies Messages;
