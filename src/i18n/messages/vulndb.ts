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
  "vulndb.refused": {
    en: "the vulnerability data {path} is not used: {why}. As root, mamori reads its vulnerability data only from a directory and file that root alone can change (chown root and chmod go-w the data directory, its parents and vulndb.json)",
    ja: "脆弱性データ {path} は使いません: {why}。root で動くとき、mamori は root だけが変更できるディレクトリとファイルからしか脆弱性データを読みません (データディレクトリとその親、vulndb.json を chown root し、chmod go-w してください)",
  },
  "vulndb.parse": {
    en: "the vulnerability data {path} is damaged ({reason}); run `mamori db update`",
    ja: "脆弱性データ {path} が壊れています ({reason})。`mamori db update` を実行してください",
  },
  "vulndb.stale": {
    en: "the vulnerability data is {days} day(s) old (oldest source that judges this host: {source}); run `mamori db update`",
    ja: "脆弱性データが {days} 日前のものです (このホストの判定に使う最も古いデータ: {source})。`mamori db update` を実行してください",
  },
  "vulndb.status.title": { en: "Vulnerability data", ja: "脆弱性データ" },
  "vulndb.status.dataDir": { en: "Data directory", ja: "データの場所" },
  "vulndb.status.builtAt": { en: "Built", ja: "作成日時" },
  "vulndb.status.age": {
    en: "Age: {days} day(s) (by its oldest source that matters here: {source})",
    ja: "経過日数: {days} 日 (このホストに関係する最も古いデータ基準: {source})",
  },
  "vulndb.status.cves": {
    en: "Apache CVEs: {count} ({kev} in CISA KEV)",
    ja: "Apache の CVE: {count} 件 (うち CISA KEV 掲載 {kev} 件)",
  },
  "vulndb.status.kevCatalog": {
    en: "KEV catalog: version {version}, {count} entr(y|ies)",
    ja: "KEV カタログ: バージョン {version}、{count} 件",
  },
  "vulndb.status.debian": {
    en: "Debian fixes: {count} (CVE and release pairs)",
    ja: "Debian の修正情報: {count} 件 (CVE とリリースの組)",
  },
  "vulndb.status.sources": { en: "Sources", ja: "入手元" },
  "vulndb.status.source": {
    en: "{name}: {records} record(s), fetched {fetchedAt}, {days} day(s) ago ({url})",
    ja: "{name}: {records} 件、取得 {fetchedAt} ({days} 日前) ({url})",
  },
  "vulndb.status.stale": {
    en: "The data is older than {limit} day(s): run `mamori db update`.",
    ja: "データが {limit} 日より古くなっています。`mamori db update` を実行してください。",
  },
  "vulndb.status.staleSource": {
    en: "{source} is {days} day(s) old, older than {limit} day(s): run `mamori db update`.",
    ja: "{source} は {days} 日前のもので、{limit} 日より古くなっています。`mamori db update` を実行してください。",
  },
  "vulndb.status.host": {
    en: "This host's packages are judged with: {distros} (and the upstream data)",
    ja: "このホストのパッケージの判定に使うデータ: {distros} (と上流のデータ)",
  },
  "vulndb.status.kept": { en: "kept from the previous data", ja: "以前のデータから引き継ぎ" },
  "vulndb.status.notForHost": { en: "not used for this host", ja: "このホストでは使いません" },
  "vulndb.status.planned": {
    en: "Configured but not read yet by db update: {feeds}",
    ja: "設定はできるが db update がまだ読まないフィード: {feeds}",
  },
  "vulndb.status.none": {
    en: "No usable vulnerability data in {dataDir}: run `mamori db update`.",
    ja: "{dataDir} に使える脆弱性データがありません。`mamori db update` を実行してください。",
  },
  "vulndb.status.noHostData": {
    en: "This data has nothing for {distro}: its packages are judged by Apache's upstream versions, and fixes {distro} backported are not seen. Run `mamori db update` (feeds: {feeds}).",
    ja: "このデータには {distro} の情報がありません。パッケージは Apache の上流バージョンで判定され、{distro} がバックポートした修正は反映されません。`mamori db update` を実行してください (フィード: {feeds})。",
  },
  "vulndb.status.noHostDataNoFeed": {
    en: "This data has nothing for {distro}, and mamori reads no feed for it: its packages are judged by Apache's upstream versions, and backported fixes are not seen.",
    ja: "このデータには {distro} の情報がなく、mamori が読むフィードもありません。パッケージは Apache の上流バージョンで判定され、バックポートされた修正は反映されません。",
  },
  "vulndb.update.reading": {
    en: "Reading {source} from {path}",
    ja: "{source} を {path} から読み込んでいます",
  },
  "vulndb.update.fetching": {
    en: "Downloading {source} from {url}",
    ja: "{source} を {url} から取得しています",
  },
  "vulndb.fail.fetch": { en: "{reason}", ja: "{reason}" },
  "vulndb.fail.http": { en: "HTTP {status}", ja: "HTTP {status} が返りました" },
  "vulndb.fail.tooLarge": { en: "larger than the {limit} limit", ja: "上限の {limit} を超えています" },
  "vulndb.fail.interrupted": {
    en: "download interrupted after {bytes} byte(s) ({reason})",
    ja: "{bytes} バイトでダウンロードが中断されました ({reason})",
  },
  "vulndb.fail.truncated": {
    en: "truncated: {size} of {declared} bytes",
    ja: "途中で切れています: {declared} バイト中 {size} バイト",
  },
  "vulndb.fail.contentType": {
    en: "the server sent {type}, not the feed's data",
    ja: "サーバーが返したのは {type} で、フィードのデータではありません",
  },
  "vulndb.fail.redirect": {
    en: "redirected to another host ({to}); configure that URL if it is the feed's new home",
    ja: "別のホスト ({to}) へ転送されました。そこが新しい配布元なら、その URL を設定してください",
  },
  "vulndb.fail.redirectLoop": {
    en: "more than {max} redirects",
    ja: "転送が {max} 回を超えました",
  },
  "vulndb.fail.local": { en: "cannot read {path}: {reason}", ja: "{path} を読めません: {reason}" },
  "vulndb.fail.noPart": { en: "no URL for {file}", ja: "{file} の URL がありません" },
  "vulndb.fail.parse": {
    en: "the data could not be read ({reason})",
    ja: "データを読み取れませんでした ({reason})",
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
    en: "only {count} record(s) (expected at least {min})",
    ja: "レコードが {count} 件しかありません (少なくとも {min} 件のはずです)",
  },
  "vulndb.fail.badRecords": {
    en: "{failed} of {total} record(s) could not be read",
    ja: "{total} 件中 {failed} 件のレコードを読めませんでした",
  },
  "vulndb.fail.fewKev": {
    en: "only {count} entr(y|ies) (expected more than {min})",
    ja: "エントリーが {count} 件しかありません ({min} 件より多いはずです)",
  },
  "vulndb.fail.fewDebian": {
    en: "only {count} apache2 CVEs (expected at least {min})",
    ja: "apache2 の CVE が {count} 件しかありません (少なくとも {min} 件のはずです)",
  },
  "vulndb.fail.zip": {
    en: "not a usable zip archive: {reason}",
    ja: "使える zip アーカイブではありません: {reason}",
  },
  "vulndb.fail.fewDistro": {
    en: "only {count} record(s) about the web server's packages (expected at least {min})",
    ja: "Web サーバーのパッケージに関するレコードが {count} 件しかありません (少なくとも {min} 件のはずです)",
  },
  "vulndb.update.failed": {
    en: "update failed: {source}: {reason}; the existing data was left unchanged",
    ja: "更新に失敗しました: {source}: {reason}。既存のデータはそのままです",
  },
  "vulndb.update.done": {
    en: "Updated {path}: {count} Apache CVEs, {kev} in KEV, {debian} distro fixes.",
    ja: "{path} を更新しました: Apache の CVE {count} 件、KEV 掲載 {kev} 件、ディストリビューションの修正情報 {debian} 件。",
  },
  "vulndb.update.badUrl": {
    en: "{option} must be an http, https or file URL, not {value}",
    ja: "{option} には http、https または file の URL を指定してください ({value} は使えません)",
  },
  "vulndb.update.unknownFeed": {
    en: "{option}: there is no feed {id} (feeds: {ids})",
    ja: "{option}: フィード {id} はありません (フィード: {ids})",
  },
  "vulndb.update.fromNotDir": {
    en: "--from {dir}: not a directory (expected DIR/<feed>/<file>, as `mamori db fetch --to DIR` leaves it)",
    ja: "--from {dir}: ディレクトリではありません (`mamori db fetch --to DIR` が作る DIR/<フィード>/<ファイル> の形が必要です)",
  },
  "vulndb.fetch.done": {
    en: "Saved {count} file(s) ({size}) under {dir}. Copy the directory to the server and run `mamori db update --from DIR` there.",
    ja: "{dir} に {count} 個のファイル ({size}) を保存しました。このディレクトリをサーバーにコピーし、そこで `mamori db update --from DIR` を実行してください。",
  },
  "vulndb.fetch.failed": {
    en: "fetch failed: {source}: {reason}; files already saved under {dir} stay",
    ja: "取得に失敗しました: {source}: {reason}。{dir} に保存済みのファイルはそのままです",
  },
  "vulndb.update.cannotWrite": {
    en: "update failed: could not write {path} ({reason}); the existing data was left unchanged",
    ja: "更新に失敗しました: {path} に書き込めませんでした ({reason})。既存のデータはそのままです",
  },
} satisfies Messages;
