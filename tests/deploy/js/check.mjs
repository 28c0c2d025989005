// Checks for deploy/ and packaging/, printing one JSON report on stdout (run by tests/e2e/test_deploy.py and
// tests/e2e/test_package.py, which make the assertions):
//
//   node check.mjs manifests FILE...   every YAML document of FILEs, validated two ways:
//       - against the Kubernetes OpenAPI schemas, through the validators kubernetes-models generates from them
//         (types, required fields, formats, enums; @kubernetes-models/* for ServiceMonitor and cert-manager);
//       - against the same API's TypeScript declarations, compiled with `tsc --strict`: an object literal with a
//         field the type lacks is an error, which catches misspelt fields that the OpenAPI schemas let through.
//     -> {documents: [{file, index, apiVersion, kind, name, object, errors: [string]}]}
//   node check.mjs yaml FILE...        -> {files: [{file, documents: [object]}]} (parsing only)
//   node check.mjs dockerfile FILE     -> {instructions: [{keyword, args, flags, line}], stages, problems}
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The YAML documents of `file`, without empty ones (a leading `---` makes one). Throws on a syntax error. */
function readDocuments(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { prettyErrors: true });
  const out = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join("; ")}`);
    const value = d.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The module that models apiVersion/kind: core and built-in groups in kubernetes-models, CRDs in their packages. */
function modelModule(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  if (group === "cert-manager.io") return `@kubernetes-models/cert-manager/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Runs the OpenAPI validator of the document's kind. Returns the error messages ([] when valid). */
function validateSchema(doc) {
  if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") return ["apiVersion and kind are required"];
  let mod;
  try {
    mod = require(modelModule(doc.apiVersion, doc.kind));
  } catch {
    return [`no schema for ${doc.apiVersion} ${doc.kind}`];
  }
  const Model = mod[doc.kind];
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    return [String(e.message || e)];
  }
}

/** Type-checks every document against I<Kind> of its model's declarations. Returns errors per document index. */
async function typeCheck(docs) {
  const ts = (await import("typescript")).default;
  const file = path.join(here, "__manifests__.ts");
  const lines = [];
  const starts = [];
  docs.forEach((doc, i) => {
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") return;
    lines.push(`import type { I${doc.kind} as T${i} } from ${JSON.stringify(modelModule(doc.apiVersion, doc.kind))};`);
  });
  docs.forEach((doc, i) => {
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") return;
    starts.push([lines.length, i]);
    lines.push(...`export const d${i}: T${i} = ${JSON.stringify(doc, null, 2)};`.split("\n"));
  });
  const source = lines.join("\n");
  const options = {
    strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, source, lang) : read(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const errors = new Map();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    let index = -1;
    if (d.file && path.resolve(d.file.fileName) === file && d.start !== undefined) {
      const line = d.file.getLineAndCharacterOfPosition(d.start).line;
      for (const [start, i] of starts) if (start <= line) index = i;
    }
    if (!errors.has(index)) errors.set(index, []);
    errors.get(index).push(`type: ${message}`);
  }
  return errors;
}

async function checkManifests(files) {
  const documents = [];
  for (const file of files) {
    readDocuments(file).forEach((object, index) => {
      documents.push({
        file, index, apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name,
        object, errors: validateSchema(object),
      });
    });
  }
  const typeErrors = await typeCheck(documents.map((d) => d.object));
  for (const [i, errs] of typeErrors) {
    if (i >= 0) documents[i].errors.push(...errs);
    else documents.forEach((d) => d.errors.push(...errs));  // not tied to one document: fails them all
  }
  return { documents };
}

async function checkDockerfile(file) {
  const { DockerfileParser } = await import("dockerfile-ast");
  const dockerfile = DockerfileParser.parse(fs.readFileSync(file, "utf8"));
  const instructions = dockerfile.getInstructions().map((ins) => ({
    keyword: ins.getKeyword(),
    args: ins.getArguments().map((a) => a.getValue()),
    flags: typeof ins.getFlags === "function" ? ins.getFlags().map((f) => `--${f.getName()}=${f.getValue()}`) : [],
    line: ins.getRange().start.line + 1,
  }));
  const stages = dockerfile.getFROMs().map((from) => ({
    image: from.getImage(), name: from.getBuildStage(), line: from.getRange().start.line + 1,
  }));
  const problems = [];
  for (const ins of dockerfile.getInstructions()) {
    const keyword = ins.getKeyword();
    const line = ins.getRange().start.line + 1;
    if (keyword !== ins.getInstruction()) problems.push(`line ${line}: ${ins.getInstruction()}`);
  }
  return { instructions, stages, problems };
}

const [mode, ...args] = process.argv.slice(2);
let report;
if (mode === "manifests") {
  report = await checkManifests(args);
} else if (mode === "yaml") {
  report = { files: args.map((file) => ({ file, documents: readDocuments(file) })) };
} else if (mode === "dockerfile") {
  report = await checkDockerfile(args[0]);
} else {
  console.error("usage: node check.mjs manifests|yaml|dockerfile FILE...");
  process.exit(2);
}
process.stdout.write(JSON.stringify(report) + "\n");
