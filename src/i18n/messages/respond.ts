import type { Messages } from "../types.ts";

/** Rails of `mamori respond` and the exit-code lines of issue 18. */
export const respond = {
  // `restore --list`: the state of a quarantine entry and what kind of change it undoes.
  "restore.status.quarantined": { en: "quarantined", ja: "隔離中" },
  "restore.status.in-place": { en: "in-place", ja: "元の場所" },
  "restore.status.restored": { en: "restored", ja: "復元済み" },
  "restore.status.incomplete": { en: "incomplete", ja: "未完了" },
  "restore.status.superseded": { en: "superseded", ja: "置き換え済み" },
  "restore.status.evidence": { en: "evidence", ja: "証拠として保存" },
  "restore.kind.file": { en: "file", ja: "ファイル" },
  "restore.kind.cron": { en: "cron", ja: "cron" },
  "restore.kind.unit": { en: "unit", ja: "ユニット" },
  "probe.unreachable": {
    en: "{count} target(s) could not be probed (see above): exit 3, not a clean result.",
    ja: "{count} 件の対象を検査できませんでした (上記参照): 問題なしの結果ではないため終了コード 3 です。",
  },
  "respond.reason.protected-system": {
    en: "a system file: refused (the system needs it to run; add --force only if you are sure)",
    ja: "システムに必要なファイルのため拒否しました (確実な場合のみ --force を付けてください)",
  },
  "respond.reason.protected-package": {
    en: "installed by a package (named after the path): refused (reinstall the package to repair it, or add --force)",
    ja: "パッケージ (パスの後に表示) がインストールしたファイルのため拒否しました (パッケージを再インストールして修復するか、--force を付けてください)",
  },
  "respond.packageListsUnread": {
    en: "{count} dpkg file list(s) in {dir} were not read ({lists}): a file only they name is not known to be a package's, so the rails cannot refuse it for that",
    ja: "{dir} の dpkg ファイル一覧 {count} 件を読みませんでした ({lists}): それらだけに載っているファイルはパッケージのものと判断できないため、その理由では拒否されません",
  },
  "respond.reason.protected-apache": {
    en: "the Apache httpd program: refused (moving it stops the web server; add --force only if you are sure)",
    ja: "Apache httpd の実行ファイルのため拒否しました (移動すると Web サーバーが止まります。確実な場合のみ --force を付けてください)",
  },
  "respond.reason.low-confidence": {
    en: "the finding is only possible, not confirmed: review it, then name it with --finding ID (or add --force)",
    ja: "検出の確度が「可能性あり」のため実行しません。確認してから --finding ID で指定してください (または --force)",
  },
  "respond.reason.program-of-others": {
    en: "the program the process ran belongs to another user (uid after the path) in a directory only root can write: it is not the attacker's, so it is left in place (the process is still stopped). Check it by hand (package, checksum); move it yourself, or add --force, only if it was replaced",
    ja: "プロセスが実行したプログラムは別のユーザー (パスの後に uid を表示) のもので、root だけが書き込めるディレクトリにあります。攻撃者のものではないため移動しません (プロセスは停止します)。パッケージやチェックサムを手作業で確認し、置き換えられていた場合にのみ自分で移動するか --force を付けてください",
  },
  "respond.reason.quarantine-too-large": {
    en: "larger than the 512 MiB the quarantine takes: refused, nothing copied (a program is a few MB). Look at the file by hand, then move or delete it yourself",
    ja: "隔離できる上限 512 MiB を超えているため拒否しました。何もコピーしていません (プログラムは通常数 MB です)。ファイルを手作業で確認し、自分で移動または削除してください",
  },
  "respond.applyBlock": {
    en: "To do this, review the list above, then run (a separate command):",
    ja: "実行するには、上の一覧を確認してから次のコマンドを実行してください (別のコマンドです):",
  },
  "respond.applyNone": {
    en: "Nothing above can be applied as it stands (refused, low-confidence or already done).",
    ja: "上の内容はこのままでは実行できません (拒否・確度が低い・実行済み)。",
  },
  "respond.checklist": {
    en: "Then check that it worked (mamori verify checks each of these):",
    ja: "実行後、効果を確認してください (mamori verify がそれぞれを確認します):",
  },
  "respond.check.kill": {
    en: "process {pid} ({exe}) is gone and nothing runs {exe} again",
    ja: "プロセス {pid} ({exe}) が止まり、{exe} が再び動いていないこと",
  },
  "respond.check.quarantine": {
    en: "{path} is in the quarantine and has not come back",
    ja: "{path} が隔離され、元の場所に戻っていないこと",
  },
  "respond.check.disable-cron": {
    en: "line {line} of {path} stays disabled",
    ja: "{path} の {line} 行目が無効のままであること",
  },
  "respond.check.disable-unit": {
    en: "the unit {name} stays masked",
    ja: "ユニット {name} がマスクされたままであること",
  },
  "respond.check.hunt": {
    en: "a fresh `mamori hunt` finds nothing critical",
    ja: "改めて `mamori hunt` を実行し、緊急の検出がないこと",
  },
  "respond.noStoredScan": {
    en: "no report given and no stored scan in {db}: run `mamori audit --save` first (or give a JSON report from `mamori audit --format json`)",
    ja: "レポートの指定がなく、{db} に保存された診断もありません。先に `mamori audit --save` を実行してください (または `mamori audit --format json` の JSON レポートを指定してください)",
  },
  "respond.scanningNow": {
    en: "No report file given and no stored scan: scanning {root} now, as `mamori audit` does, to find what to act on.",
    ja: "レポートファイルの指定も保存済みの診断もないため、`mamori audit` と同じく {root} をいま診断し、対象を探します。",
  },
  "respond.scanningNowStale": {
    en: "The stored scan {id} does not have what was named: scanning {root} now, as `mamori audit` does.",
    ja: "保存済みの診断 {id} には指定された検出がないため、`mamori audit` と同じく {root} をいま診断します。",
  },
  "respond.usingStoredScan": {
    en: "Using the stored scan {id} of {host} ({at}).",
    ja: "保存済みの診断 {id} ({host}、{at}) を使います。",
  },
  "verify.none": {
    en: "Nothing to verify: `mamori respond --apply` has not recorded a change in {dir}.",
    ja: "確認するものがありません: {dir} に `mamori respond --apply` の記録がありません。",
  },
  "verify.header": {
    en: "Checking what `mamori respond --apply` did at {at}:",
    ja: "{at} に `mamori respond --apply` で実行した内容を確認します:",
  },
  "verify.ok": { en: "ok", ja: "OK" },
  "verify.bad": { en: "NOT CLEAN", ja: "未解決" },
  "verify.unknown": { en: "cannot tell", ja: "判断不可" },
  "verify.kill.gone": { en: "process {pid} is gone", ja: "プロセス {pid} は止まっています" },
  "verify.kill.alive": {
    en: "process {pid} is still running {exe}",
    ja: "プロセス {pid} がまだ {exe} を実行しています",
  },
  "verify.kill.again": {
    en: "{exe} runs again as process {pid}",
    ja: "{exe} がプロセス {pid} として再び動いています",
  },
  "verify.quarantine.away": {
    en: "{path} is quarantined and not back",
    ja: "{path} は隔離済みで、戻っていません",
  },
  "verify.quarantine.back": {
    en: "{path} exists again (something put it back)",
    ja: "{path} が再び存在します (何かが戻しました)",
  },
  "verify.cron.disabled": {
    en: "line {line} of {path} is still disabled",
    ja: "{path} の {line} 行目は無効のままです",
  },
  "verify.cron.back": {
    en: "{path} runs the disabled line again",
    ja: "{path} で無効にした行が再び有効になっています",
  },
  "verify.unit.masked": { en: "unit {name} is still masked", ja: "ユニット {name} はマスクされたままです" },
  "verify.unit.back": { en: "unit {name} is no longer masked", ja: "ユニット {name} のマスクが外れています" },
  "verify.clean": {
    en: "Clean now: everything `mamori respond` did still holds.",
    ja: "現在は解決済みです: `mamori respond` で実行した内容はすべて維持されています。",
  },
  "verify.remains": {
    en: "Not clean: {count} thing(s) left (above). Run `mamori hunt` and contain again.",
    ja: "未解決: {count} 件が残っています (上記)。`mamori hunt` を実行し、再度封じ込めてください。",
  },
  "verify.huntHint": {
    en: "Also run a fresh `mamori hunt` on this host: it looks for what respond did not know about.",
    ja: "あわせて `mamori hunt` を改めて実行してください: respond が把握していないものを探します。",
  },
  "watch.nothingSent": {
    en: "{count} new finding(s), but no alert channel is configured: nothing was sent (see alerts: in the configuration file).",
    ja: "新しい検出が {count} 件ありますが、通知先が設定されていないため何も送信していません (設定ファイルの alerts: を参照)。",
  },
  "watch.openCritical": {
    en: "Still open: {count} critical finding(s), so the host is not clean (see `mamori history`, contain with `mamori respond`).",
    ja: "緊急の検出が {count} 件未解決のままです: このホストは安全な状態ではありません (`mamori history` で確認し、`mamori respond` で封じ込めてください)。",
  },
  "watch.noOpenCritical": { en: "No critical finding is open.", ja: "未解決の緊急の検出はありません。" },
  "cli.expected.exitCode": {
    en: "a number 0-125 other than 2 (errors) and 3 (not fully checked)",
    ja: "0 から 125 の数 (2 はエラー、3 は確認しきれなかった場合に使うため除く)",
  },
  "cli.exitCodes": {
    en: "\nExit codes (every command):\n  0  nothing at or above the threshold; a dry run; verify: clean now\n  1  findings at or above the threshold (audit, logs, hunt, check: N with --exit-code N or exitCode in config.yaml); diff: something new or changed; respond --apply: something not done; verify: something remains; watch --once: critical findings open\n  2  usage or runtime error (one line on stderr; a bad configuration file names its line); db update, iocs update: a source failed\n  3  nothing found, but a question could not be answered (no Apache found, a log not read, a probe target unreachable, verify: nothing recorded)\n",
    ja: "\n終了コード (全コマンド共通):\n  0  しきい値以上の問題なし、ドライラン、verify: 現在は解決済み\n  1  しきい値以上の検出あり (audit, logs, hunt, check は --exit-code N または config.yaml の `exitCode` で N)、diff: 新規または変更の検出あり、respond --apply: 実行できなかった操作あり、verify: 未解決あり、watch --once: 緊急の検出が未解決\n  2  使い方または実行時のエラー (標準エラーに 1 行。設定ファイルの誤りは行番号付き)、db update, iocs update: 取得元の失敗\n  3  問題は見つからないが確認できなかった項目あり (Apache が見つからない、ログを読めない、probe の対象に接続できない、verify: 記録なし)\n",
  },
} satisfies Messages;
