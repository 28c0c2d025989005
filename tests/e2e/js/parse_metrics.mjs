// Reads the Prometheus text exposition format on stdin and prints what parse-prometheus-text-format (a parser
// independent of podbucket) makes of it, as JSON on stdout. Exits 1 with the parser's error on stderr.
//   node parse_metrics.mjs            the families, in prom2json's shape:
//                                     [{name, help, type, metrics: [{labels, value} | {buckets, count, sum}]}]
//   node parse_metrics.mjs --samples  every sample line on its own: [{name, labels, value}], value as written
//                                     ("+Inf" too). Histograms come out as their _bucket/_sum/_count lines: the
//                                     parser folds a labelled histogram's series into one unlabelled entry, so
//                                     here they are read untyped, after the typed parse has validated the text.
import parsePrometheusTextFormat from "parse-prometheus-text-format";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;
try {
  let out = parsePrometheusTextFormat(text);  // validates the whole text, types included
  if (process.argv.includes("--samples")) {
    const untyped = text.split("\n").filter((line) => !line.startsWith("# TYPE ") && !line.startsWith("# HELP "));
    out = parsePrometheusTextFormat(untyped.join("\n")).flatMap((family) =>
      family.metrics.map((m) => ({ name: family.name, labels: m.labels ?? {}, value: m.value })));
  }
  process.stdout.write(JSON.stringify(out));
} catch (e) {
  process.stderr.write(`not the Prometheus text format: ${e.message}\n`);
  process.exit(1);
}
