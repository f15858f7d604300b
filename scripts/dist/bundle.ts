/**
 * Bundles mamori's TypeScript into plain JavaScript with esbuild, for two targets:
 * - "sea": one CommonJS file holding every module and dependency, the main script of the single executable
 *   (Node's SEA runs one CommonJS script, which can load nothing but built-in modules);
 * - "npm": one ES module of our own code, dependencies left to node_modules (Node refuses to strip types
 *   under node_modules, so an installed package must not run .ts).
 * Our modules find their files (rules, data, HTML assets) relative to `import.meta.url`. Each module's
 * `import.meta.url` becomes the URL that module had in the repository, under the package's root: for npm
 * the installed package directory, for the SEA a virtual directory served from the executable's assets
 * (scripts/dist/sea-fs.ts). So no source file needs to know how it is shipped. The few expressions that
 * load code rather than read files are rewritten too; each rewrite must match, or the build fails (a
 * changed source line then shows up here instead of as a broken artifact).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { build, type Plugin } from "esbuild";

export const REPO = path.resolve(import.meta.dirname, "../..");
/** The directory the SEA's files appear under: inside /proc, where no one can create a directory. */
export const SEA_ROOT = "/proc/mamori-sea";

type Target = "sea" | "npm";

interface Rewrite {
  file: string;
  from: string;
  to: Record<Target, string>;
}

/** Expressions that load code (not data) by a path next to the source file. */
const REWRITES: Rewrite[] = [
  {
    // The log-reading thread: its own bundle, next to the npm bundle, or in the SEA's assets (as a data: URL).
    file: "src/collect/logs/parallel.ts",
    from: 'new URL("./worker.ts", import.meta.url)',
    to: {
      npm: 'new URL("./worker.mjs", BUNDLE_URL)',
      sea: 'new URL("data:text/javascript;base64," + Buffer.from(require("node:sea").getAsset("worker.mjs")).toString("base64"))',
    },
  },
  {
    // A synchronous lazy load of the YAML validator: a plain require, which esbuild then bundles.
    file: "src/rules/logs.ts",
    from: "const require = createRequire(import.meta.url);\n",
    to: { npm: "", sea: "" },
  },
  {
    // uPlot's files: resolved from node_modules (npm, a dependency) or served from the SEA's assets.
    file: "src/report/html/assets.ts",
    from: 'require.resolve("uplot/dist/',
    to: { npm: 'require.resolve("uplot/dist/', sea: `("${SEA_ROOT}/node_modules/uplot/dist/` },
  },
  {
    // The command the systemd unit runs: the executable itself (the Debian package's is run through
    // /usr/bin/mamori, which sets its data directory).
    file: "src/cli/commands/schedule.ts",
    from: 'path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../bin/mamori")',
    to: {
      npm: 'path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../bin/mamori")',
      sea: 'process.execPath === "/usr/lib/mamori/mamori" ? "/usr/bin/mamori" : process.execPath',
    },
  },
];

function rewritePlugin(target: Target, packageRootFromBundle: string): Plugin {
  return {
    name: "mamori-paths",
    setup(b) {
      b.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
        const rel = path.relative(REPO, args.path);
        let text = readFileSync(args.path, "utf8");
        for (const r of REWRITES.filter((x) => x.file === rel)) {
          if (!text.includes(r.from))
            throw new Error(`scripts/dist/bundle.ts: ${rel} no longer contains ${r.from}`);
          text = text.split(r.from).join(r.to[target]);
        }
        const url =
          target === "sea"
            ? JSON.stringify(`file://${SEA_ROOT}/${rel}`)
            : `new URL(${JSON.stringify(`${packageRootFromBundle}${rel}`)}, import.meta.url).href`;
        // The module's own URL in the package; BUNDLE_URL (from a rewrite) is the bundle file's.
        text = text.replaceAll("import.meta.url", url).replaceAll("BUNDLE_URL", "import.meta.url");
        return { contents: text, loader: "ts" };
      });
    },
  };
}

export interface BundleOut {
  app: string;
  worker: string;
}

/** Writes the bundles for `target` into `outDir` and returns their paths. */
export async function bundle(target: Target, outDir: string): Promise<BundleOut> {
  const common = {
    bundle: true,
    platform: "node" as const,
    target: "node22",
    logLevel: "warning" as const,
    legalComments: "none" as const,
    // pg's optional native binding and its Cloudflare socket: never used (no native addons).
    external: ["pg-native", "cloudflare:sockets"],
  };
  const app = path.join(outDir, target === "sea" ? "mamori.cjs" : "mamori.mjs");
  const worker = path.join(outDir, "worker.mjs");
  // From dist/npm/ to the package root.
  const up = "../../";
  await build({
    ...common,
    entryPoints: [
      target === "sea" ? path.join(REPO, "scripts/dist/sea-entry.ts") : path.join(REPO, "src/cli/main.ts"),
    ],
    outfile: app,
    format: target === "sea" ? "cjs" : "esm",
    packages: target === "npm" ? "external" : undefined,
    plugins: [rewritePlugin(target, up)],
  });
  // The worker is a module of its own in both cases, and self-contained for the SEA (a data: URL
  // cannot import from node_modules).
  await build({
    ...common,
    entryPoints: [path.join(REPO, "src/collect/logs/worker.ts")],
    outfile: worker,
    format: "esm",
    packages: target === "npm" ? "external" : undefined,
    plugins: [rewritePlugin(target, up)],
  });
  return { app, worker };
}
