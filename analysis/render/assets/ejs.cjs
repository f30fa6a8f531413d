// Quarto's renderEjs (src/core/ejs.ts) under Node: lodash's template (the
// version Quarto's import map pins) with an `include`/`partial` for
// sub-templates, leading whitespace trimmed and empty lines dropped.
// Reads [{file, data, undefinedKeys}, ...] as JSON on stdin and writes the
// rendered texts as a JSON array on stdout. `undefinedKeys` names data keys
// Quarto passes as `undefined` (JSON has no such value).
"use strict";
const fs = require("fs");
const path = require("path");
const template = require("lodash/template");

function renderEjs(file, data, removeEmptyLines = true) {
  const source = `<% const partial = (file, data) => print(include(file, data)); %>
    ${fs.readFileSync(file, "utf8")}`;
  const compiled = template(source, {
    imports: {
      include: (includeFile, includeData) =>
        renderEjs(path.join(path.dirname(file), includeFile), includeData, removeEmptyLines),
    },
  });
  return compiled(data).trimStart().split(/\r?\n/)
    .filter((line) => !removeEmptyLines || line.trim().length > 0)
    .join("\n") + "\n";
}

const jobs = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(jobs.map((job) => {
  const data = { ...job.data };
  for (const key of job.undefinedKeys || []) data[key] = undefined;
  return renderEjs(job.file, data);
})));
