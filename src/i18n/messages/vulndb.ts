import type { Messages } from "../types.ts";

export const vulndb = {
  "vulndb.missing": {
    en: "no vulnerability data at {path}; run `mamori db update`",
    ja: "{path} に脆弱性データがありません。`mamori db update` を実行してください",
  },
  "vulndb.unreadable": {
    en: "the vulnerability data {path} could not be read ({reason})",
    ja: "脆弱性データ {path} を読み込めませんでした ({reason})",
  },
  "vulndb.parse": {
    en: "the vulnerability data {path} is damaged ({reason}); run `mamori db update`",
    ja: "脆弱性データ {path} が壊れています ({reason})。`mamori db update` を実行してください",
  },
  "vulndb.stale": {
    en: "the vulnerability data is {days} days old (oldest source: {source}); run `mamori db update`",
    ja: "脆弱性データが {days} 日前のものです (最も古いデータ: {source})。`mamori db update` を実行してください",
  },
  "vulndb.status.title": { en: "Vulnerability data", ja: "脆弱性データ" },
  "vulndb.status.dataDir": { en: "Data directory", ja: "データの場所" },
  "vulndb.status.builtAt": { en: "Built", ja: "作成日時" },
  "vulndb.status.age": {
    en: "Age: {days} days (by its oldest source)",
    ja: "経過日数: {days} 日 (最も古いデータ基準)",
  },
  "vulndb.status.cves": {
    en: "Apache CVEs: {count} ({kev} in CISA KEV)",
    ja: "Apache の CVE: {count} 件 (うち CISA KEV 掲載 {kev} 件)",
  },
  "vulndb.status.kevCatalog": {
    en: "KEV catalog: version {version}, {count} entries",
    ja: "KEV カタログ: バージョン {version}、{count} 件",
  },
  "vulndb.status.debian": {
    en: "Debian fixes: {count} (CVE and release pairs)",
    ja: "Debian の修正情報: {count} 件 (CVE とリリースの組)",
  },
  "vulndb.status.sources": { en: "Sources", ja: "入手元" },
  "vulndb.status.source": {
    en: "{name}: {records} records, fetched {fetchedAt} ({url})",
    ja: "{name}: {records} 件、取得 {fetchedAt} ({url})",
  },
  "vulndb.status.stale": {
    en: "The data is older than {limit} days: run `mamori db update`.",
    ja: "データが {limit} 日より古くなっています。`mamori db update` を実行してください。",
  },
  "vulndb.status.none": {
    en: "No usable vulnerability data in {dataDir}: run `mamori db update`.",
    ja: "{dataDir} に使える脆弱性データがありません。`mamori db update` を実行してください。",
  },
  "vulndb.update.fetching": {
    en: "Downloading {source} from {url}",
    ja: "{source} を {url} から取得しています",
  },
  "vulndb.fail.fetch": { en: "{reason}", ja: "{reason}" },
  "vulndb.fail.http": { en: "HTTP {status}", ja: "HTTP {status} が返りました" },
  "vulndb.fail.tooLarge": { en: "larger than the {limit} limit", ja: "上限の {limit} を超えています" },
  "vulndb.fail.interrupted": {
    en: "download interrupted after {bytes} bytes ({reason})",
    ja: "{bytes} バイトでダウンロードが中断されました ({reason})",
  },
  "vulndb.fail.truncated": {
    en: "truncated: {size} of {declared} bytes",
    ja: "途中で切れています: {declared} バイト中 {size} バイト",
  },
  "vulndb.fail.notJson": { en: "not valid JSON ({reason})", ja: "正しい JSON ではありません ({reason})" },
  "vulndb.fail.notArray": {
    en: "not a JSON array of CVE records",
    ja: "CVE レコードの JSON 配列ではありません",
  },
  "vulndb.fail.notObject": { en: "not a JSON object", ja: "JSON オブジェクトではありません" },
  "vulndb.fail.noPackage": { en: 'no "{pkg}" package', ja: 'パッケージ "{pkg}" がありません' },
  "vulndb.fail.noVulnerabilities": { en: "no vulnerabilities array", ja: "vulnerabilities 配列がありません" },
  "vulndb.fail.fewApache": {
    en: "only {count} records (expected at least {min})",
    ja: "レコードが {count} 件しかありません (少なくとも {min} 件のはずです)",
  },
  "vulndb.fail.badRecords": {
    en: "{failed} of {total} records could not be read",
    ja: "{total} 件中 {failed} 件のレコードを読めませんでした",
  },
  "vulndb.fail.fewKev": {
    en: "only {count} entries (expected more than {min})",
    ja: "エントリーが {count} 件しかありません ({min} 件より多いはずです)",
  },
  "vulndb.fail.fewDebian": {
    en: "only {count} apache2 CVEs (expected at least {min})",
    ja: "apache2 の CVE が {count} 件しかありません (少なくとも {min} 件のはずです)",
  },
  "vulndb.update.failed": {
    en: "update failed: {source}: {reason}; the existing data was left unchanged",
    ja: "更新に失敗しました: {source}: {reason}。既存のデータはそのままです",
  },
  "vulndb.update.done": {
    en: "Updated {path}: {count} Apache CVEs, {kev} in KEV, {debian} Debian fixes.",
    ja: "{path} を更新しました: Apache の CVE {count} 件、KEV 掲載 {kev} 件、Debian の修正情報 {debian} 件。",
  },
  "vulndb.update.badUrl": {
    en: "{option} must be an http or https URL, not {value}",
    ja: "{option} には http または https の URL を指定してください ({value} は使えません)",
  },
  "vulndb.update.cannotWrite": {
    en: "update failed: could not write {path} ({reason}); the existing data was left unchanged",
    ja: "更新に失敗しました: {path} に書き込めませんでした ({reason})。既存のデータはそのままです",
  },
} satisfies Messages;
