import type { Messages } from "../types.ts";

/** The verdict's own sentences: what was checked, what could not be, and CVEs folded away as not applying. */
export const verdict = {
  "apache.cve.folded.title": {
    en: "{count} known CVE(s) in Apache {version}'s version range cannot apply to this platform or build",
    ja: "Apache {version} の版の範囲にある既知の CVE のうち {count} 件は、この環境またはビルドには該当しません",
  },
  "apache.cve.folded.windows": {
    en: "Windows only ({count}): {cves}.",
    ja: "Windows のみ ({count} 件): {cves}。",
  },
  "apache.cve.folded.module": {
    en: "In modules this build has not got: it cannot load modules (no mod_so) and does not have these compiled in ({count}): {list}.",
    ja: "このビルドにないモジュールの欠陥です。モジュールを読み込めず (mod_so なし)、次のモジュールも組み込まれていません ({count} 件): {list}。",
  },
  "apache.cve.folded.fix": {
    en: "Nothing to do for these; they are listed so every CVE in the range is accounted for.",
    ja: "これらへの対応は不要です。範囲内のすべての CVE を説明するために示しています。",
  },
} satisfies Messages;
