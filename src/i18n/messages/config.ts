import type { Messages } from "../types.ts";

/** How mamori is installed and configured on the host (schedule units, config files). */
export const config = {
  "watch.schedule.fromCheckout": {
    en: "note: no root-owned /usr/bin/mamori, so the scheduled scan runs {path} from a source checkout: as root, whatever a later `git pull` there brings. Install the package (or link /usr/bin/mamori to a release) and run `mamori schedule install` again.",
    ja: "注意: root 所有の /usr/bin/mamori がないため、定期スキャンはソースのチェックアウトにある {path} を実行します。そこで後から git pull した内容がそのまま root で動きます。パッケージを導入するか /usr/bin/mamori をリリース版へリンクしてから、もう一度 mamori schedule install を実行してください。",
  },
  "watch.config.chatworkToken": {
    en: "a chatwork webhook needs exactly one of token or tokenEnv (the API token, sent as X-ChatWorkToken)",
    ja: "chatwork の通知先には token か tokenEnv のどちらか一方が必要です (X-ChatWorkToken として送る API トークン)",
  },
} satisfies Messages;
