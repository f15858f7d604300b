import type { Messages } from "../types.ts";

/** The ignore file: findings accepted with a reason and an expiry, never dropped silently. */
export const ignore = {
  "ignore.count": {
    en: "{count} finding(s) ignored by the ignore file (list them with --show-ignored, or see `ignored` in --format json).",
    ja: "無視リストにより {count} 件の検出を表示していません (--show-ignored で一覧、--format json では `ignored` に載ります)。",
  },
  "ignore.countShown": {
    en: "{count} finding(s) ignored by the ignore file:",
    ja: "無視リストにより表示していない検出 {count} 件:",
  },
  "ignore.shown": {
    en: "ignored: {title} [{id}]: {reason} (until {expires}, {source})",
    ja: "無視: {title} [{id}]: {reason} ({expires} まで、{source})",
  },
  "ignore.expired": {
    en: "{source}: the ignore entry for {id} expired on {expires} and no longer applies; renew its date or remove it.",
    ja: "{source}: {id} の無視設定は {expires} に期限切れとなったため、適用していません。期限を延ばすか削除してください。",
  },
  "ignore.malformed": {
    en: "{source}: ignore entry skipped: {why} (the other entries still apply).",
    ja: "{source}: 無視設定を読み飛ばしました: {why} (他の設定は有効です)。",
  },
  "ignore.yaml": {
    en: "{file}:{line}: not valid YAML; no finding is ignored from this file.",
    ja: "{file}:{line}: YAML として正しくないため、このファイルの無視設定は使いません。",
  },
  "ignore.notList": {
    en: "{file}: expected a list of entries (or `ignore:` with a list); no finding is ignored from this file.",
    ja: "{file}: 無視設定のリスト (または `ignore:` の下のリスト) ではないため、このファイルは使いません。",
  },
  "ignore.tooMany": {
    en: "{file}: only the first {max} entr(y|ies) are used.",
    ja: "{file}: 最初の {max} 件だけを使います。",
  },
  "ignore.untrusted": {
    en: "{file} is not used, no finding is ignored: another user can change {why}. An ignore file can hide findings, so as root mamori reads it only when root alone can change it (chown root:root and chmod go-w the file and its directories).",
    ja: "{file} は使いません (どの検出も無視しません): {why} を他のユーザーが変更できます。無視リストは検出を隠せるため、root で動くときは root だけが変更できるファイルしか読みません (ファイルと親ディレクトリを chown root:root し、chmod go-w してください)。",
  },
  "ignore.unreadable": {
    en: "{file} could not be read ({reason}); no finding is ignored from it.",
    ja: "{file} を読めませんでした ({reason})。このファイルの無視設定は使いません。",
  },
  "ignore.missing": {
    en: "ignore file {file} does not exist.",
    ja: "無視リスト {file} がありません。",
  },
  "ignore.why.notMap": {
    en: "an entry is a map (id, reason, expires, optional path/host/ip)",
    ja: "各設定は id・reason・expires (任意で path/host/ip) を持つマップです",
  },
  "ignore.why.unknownKey": {
    en: "unknown key `{key}` (expected id, reason, expires, path, host, ip)",
    ja: "不明なキー `{key}` (id, reason, expires, path, host, ip のいずれか)",
  },
  "ignore.why.id": {
    en: "`id` is required: a CVE id, a finding id or a check id",
    ja: "`id` が必要です (CVE 番号、検出 ID、チェック ID のいずれか)",
  },
  "ignore.why.reason": {
    en: "`reason` is required: why this finding is accepted",
    ja: "`reason` が必要です (この検出を受け入れる理由)",
  },
  "ignore.why.expires": {
    en: "`expires` is required, as a date YYYY-MM-DD",
    ja: "`expires` が必要です (YYYY-MM-DD 形式の日付)",
  },
  "ignore.why.path": {
    en: "`path` must be one absolute path, without wildcards",
    ja: "`path` はワイルドカードを含まない絶対パス 1 つです",
  },
  "ignore.why.host": {
    en: "`host` must be one host name, without wildcards",
    ja: "`host` はワイルドカードを含まないホスト名 1 つです",
  },
  "ignore.why.ip": {
    en: "`ip` must be one address, without wildcards",
    ja: "`ip` はワイルドカードを含まないアドレス 1 つです",
  },
} satisfies Messages;
