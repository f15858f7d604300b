import type { Messages } from "../types.ts";

/** Exports of what was found for other tools (blocklists) and alert channels. */
export const alert = {
  "blocklist.leftPrivate": {
    en: "blocklist: {count} address(es) left out as private, loopback or link-local (--blocklist-private includes them).",
    ja: "ブロックリスト: プライベート・ループバック・リンクローカルのアドレス {count} 件を除きました (--blocklist-private で含めます)。",
  },
  "blocklist.invalid": {
    en: "blocklist: {count} value(s) from the logs left out, each not one host's address.",
    ja: "ブロックリスト: ログ中の値のうち単一ホストのアドレスでないもの {count} 件を除きました。",
  },
  "blocklist.written": {
    en: "blocklist: {count} attacker address(es).",
    ja: "ブロックリスト: 攻撃元アドレス {count} 件。",
  },
  "cli.expected.duration": {
    en: "a duration such as 24h, 90m or 7d",
    ja: "24h、90m、7d のような期間",
  },
  "alert.incident": {
    en: "INCIDENT ({severity}): {title}. {summary}",
    ja: "インシデント ({severity}): {title}。{summary}",
  },
} satisfies Messages;
