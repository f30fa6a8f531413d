// Quarto 1.10.18's own YAML validator, run under Node for the build.
//
// The validator (vendor/quarto-1.10.18/src/resources/editor/tools/yaml/) is
// written for an IDE: yaml-intelligence.js exposes
// QuartoYamlEditorTools.getLint(context, path), which starts web-worker.js as
// a Web Worker and talks to it by postMessage. Node has no Web Worker, so this
// file supplies one: a node:worker_threads thread (this same file) that gives
// web-worker.js the globals it uses (self, postMessage, onmessage) and runs
// it unmodified. The schema choice (project config for _quarto.yml, front
// matter and cell options for a .qmd), the parsing and the messages are
// Quarto's.
//
// Usage: node validate-yaml.mjs FILE...   (one process, one worker, all files)
// stdout: JSON [{file, lints: [{"start.row", "start.column", "end.row",
// "end.column", text, type}]}], rows and columns 0-based in FILE.
// On failure of the validator itself: a message on stderr, exit status 2.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import { runInThisContext } from "node:vm";
import * as threads from "node:worker_threads";

const YAML_TOOLS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "vendor",
                        "quarto-1.10.18", "src", "resources", "editor", "tools", "yaml");
const MIN_NODE = 18;

// ---------------------------------------------------------------- worker side

/** Run web-worker.js in this thread as a Web Worker would see it. */
function workerScope() {
  const port = threads.parentPort;
  globalThis.self = globalThis;                       // WorkerGlobalScope.self
  globalThis.postMessage = (data) => port.postMessage({ rpc: data });
  // getLint reports its own failures with console.log and answers null: keep
  // them off stdout (which carries our JSON) and hand them to the main side.
  const log = (...args) => port.postMessage({
    log: args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : format(a))).join(" "),
  });
  console.log = console.error = console.warn = console.info = log;
  port.on("message", (data) => globalThis.onmessage({ data }));
  const script = threads.workerData.script;
  runInThisContext(readFileSync(script, "utf8"), { filename: script });
}

// ------------------------------------------------------------------ main side

/** A Web Worker as yaml-intelligence.js uses it, backed by a worker thread. */
class Worker {
  static started = [];

  constructor(url) {
    this.onmessage = null;
    this.logs = [];
    this.done = false;
    this.thread = new threads.Worker(fileURLToPath(import.meta.url), {
      workerData: { script: fileURLToPath(url) },
    });
    this.thread.on("message", (msg) => this.receive(msg));
    this.thread.on("error", (e) => fail(`its worker stopped: ${e.message}`));
    this.thread.on("exit", (code) => this.done || fail(`its worker exited (status ${code})`));
    Worker.started.push(this);
  }

  receive(msg) {
    if (msg.log !== undefined) {
      this.logs.push(msg.log);
      return;
    }
    let data = msg.rpc;
    // The IDE protocol answers a failed lint with {result: null}, which the
    // client stub never settles (an IDE shows no lints); a build must stop.
    if (data.result == null && data.exception === undefined) {
      data = { id: data.id,
               exception: this.logs.find((l) => l.startsWith("Error found")) ||
                 "it returned no result" };
    }
    this.onmessage?.({ data });
  }

  postMessage(data) {
    this.thread.postMessage(data);
  }

  terminate() {
    this.done = true;
    return this.thread.terminate();
  }
}

function fail(message) {
  process.stderr.write(`Quarto's YAML validator failed: ${message}\n`);
  process.exit(2);
}

const BLOCK_SHORTCODE = /^\s*{{< (?!\/\*)(.+?)(?<!\*\/) >}}\s*$/;   // parse-shortcode.ts isBlockShortcode

/** A .qmd as `quarto render` validates it. On a document with a block
 * shortcode ({{< include >}}, {{< tbl >}}) the IDE's linter gives up (it
 * returns no lints at all); `quarto render` (validate-document.ts) skips those
 * cells and validates the rest. Blanking those lines below the front matter
 * keeps every line number and gives render's behaviour. */
function asRenderValidates(code) {
  const lines = code.split("\n");
  let start = lines.findIndex((l) => l.trim() !== "");
  if (start !== -1 && /^---\s*$/.test(lines[start])) {
    const end = lines.findIndex((l, i) => i > start && /^(---|\.\.\.)\s*$/.test(l));
    start = end === -1 ? lines.length : end + 1;
  } else {
    start = 0;
  }
  for (let i = start; i < lines.length; i++) {
    if (BLOCK_SHORTCODE.test(lines[i])) lines[i] = "";
  }
  return lines.join("\n");
}

/** The getLint context for one file, as an IDE sends it for the whole file. */
function lintContext(file, code) {
  const markdown = /\.(qmd|md|rmd)$/i.test(file);
  return {
    code: markdown ? asRenderValidates(code) : code,
    path: file,                        // the name picks the schema: _quarto.yml → project config
    filetype: markdown ? "markdown" : "yaml",   // markdown: front matter and cell options
    embedded: false,
    line: "",
    position: { row: 0, column: 0 },   // no cursor
    formats: [],
    project_formats: [],
  };
}

async function main() {
  if (Number(process.versions.node.split(".")[0]) < MIN_NODE) {
    fail(`it needs Node.js ${MIN_NODE} or newer; this is ${process.version}`);
  }
  const files = process.argv.slice(2).map((f) => resolve(f));
  globalThis.Worker = Worker;
  const entry = pathToFileURL(join(YAML_TOOLS, "yaml-intelligence.js")).href;
  const { QuartoYamlEditorTools } = await import(entry);
  const out = [];
  for (const file of files) {
    let lints;
    try {
      lints = await QuartoYamlEditorTools.getLint(lintContext(file, readFileSync(file, "utf8")), entry);
    } catch (e) {
      fail(`${file}: ${typeof e === "string" ? e : e?.message ?? String(e)}`);
    }
    out.push({ file, lints });
  }
  await Promise.all(Worker.started.map((w) => w.terminate()));
  process.stdout.write(JSON.stringify(out) + "\n");
}

if (threads.isMainThread) {
  await main();
} else {
  workerScope();
}
