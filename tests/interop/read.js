#!/usr/bin/env node
// citation.js (npm @citation-js/*, pinned in package.json / package-lock.json) as a real
// reader of our exports, for the interop tests (tests/readers.py runs it).
//
//   node read.js FORMAT FILE        FORMAT: bibtex | biblatex | ris | csl-json
//
// stdout: the CSL-JSON items citation.js makes of FILE (a JSON array), when it read it.
// stderr: one line per problem, "warning: ..." or "error: ...", and "note: ..." lines for
//   fields citation.js does not read at all (not a problem: our BibLaTeX writes fields for
//   biber that citation.js ignores, such as langid), one per entry and field:
//   "note: entry N (KEY): FIELD is not read by citation.js (@TYPE)" (RIS: "(TY XXXX)"),
//   N counting entries from 1 in file order, KEY the entry's key (RIS: its ID, or "-").
// exit:   0 read without error or warning; 1 read, but with warnings; 2 not read.
//
// citation.js itself is quiet: its logger (core/lib/logger.js) is silent by default and is
// used only for a few messages (a brace-mismatched entry, a failed parse chain); unknown
// entry types become "document", unknown fields and tags are dropped, an undefined
// @string macro becomes "". So besides turning its logger on, this script checks what
// citation.js would otherwise pass over in silence, each against citation.js's own tables:
//   - the logger's warn/error messages and anything a plugin prints on the console;
//   - a parse that throws (the BibTeX grammar throws SyntaxError on unbalanced braces...);
//   - BibTeX/BibLaTeX: an entry type not in the plugin's type table, an empty field (what an
//     undefined macro leaves), fewer entries read than "@type{" openings in the file;
//   - RIS: a TY not in the plugin's type table, an entry without ER, text that is not a
//     tag line and so was glued onto the previous tag;
//   - every format: fewer CSL items than entries.
// A field is "read" when translating an entry holding only its type and that field gives a
// CSL item different from translating the entry with its type alone.

"use strict";

const fs = require("fs");
const { plugins, logger } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");
require("@citation-js/plugin-ris");
require("@citation-js/plugin-csl");
const bibtexConfig = require("@citation-js/plugin-bibtex/lib/config.js").default;
const risTypes = require("@citation-js/plugin-ris/lib/spec/types.json");

const warnings = [];
const errors = [];
const notes = [];

// citation.js's logger: every warn and error it would print, collected (stdout is ours).
logger.level = "warn";
logger._console = {
  log: (scope, ...msg) => warnings.push(`citation.js ${scope} ${msg.join(" ")}`),
};
for (const method of ["log", "info", "warn", "error", "debug"]) {
  console[method] = (...args) => warnings.push(`citation.js printed: ${args.join(" ")}`);
}

function chain(data, forceType, target) {
  const options = { generateGraph: false, strict: true, forceType };
  if (target) {
    options.target = target;
  }
  return plugins.input.chain(data, options);
}

const IGNORED_KEYS = new Set(["citation-key", "_graph"]);

function itemSignature(item) {
  const rest = {};
  for (const key of Object.keys(item || {}).sort()) {
    if (!IGNORED_KEYS.has(key)) {
      rest[key] = item[key];
    }
  }
  return JSON.stringify(rest);
}

// ------------------------------------------------------------------ BibTeX and BibLaTeX

function readBib(text, dialect) {
  const types = bibtexConfig.types[dialect].source;
  const entries = chain(text, `@${dialect}/text`, `@${dialect}/entries+list`);
  const openings = (text.match(/^\s*@\s*([A-Za-z]+)\s*[{(]/gm) || [])
    .map((m) => m.replace(/[\s@{(]/g, "").toLowerCase())
    .filter((t) => !["string", "preamble", "comment"].includes(t));
  if (entries.length !== openings.length) {
    warnings.push(`${openings.length} entries in the file, citation.js read ${entries.length}`);
  }
  const listType = `@${dialect}/entries+list`;
  entries.forEach((entry, index) => {
    const where = `entry ${entry.label}`;
    if (!(entry.type in types)) {
      warnings.push(`${where}: type @${entry.type} is not a ${dialect} type citation.js knows`);
    }
    const base = itemSignature(chain([{ type: entry.type, label: entry.label, properties: {} }],
      listType)[0]);
    for (const [field, value] of Object.entries(entry.properties)) {
      if (value === "") {
        warnings.push(`${where}: field ${field} is empty (an undefined @string macro?)`);
        continue;
      }
      const one = { type: entry.type, label: entry.label, properties: { [field]: value } };
      if (itemSignature(chain([one], listType)[0]) === base) {
        notes.push(`entry ${index + 1} (${entry.label}): ${field} is not read by citation.js `
          + `(@${entry.type})`);
      }
    }
  });
  const items = chain(text, `@${dialect}/text`);
  if (items.length !== entries.length) {
    warnings.push(`${entries.length} entries, but citation.js made ${items.length} items`);
  }
  return items;
}

// ------------------------------------------------------------------ RIS

// The tag lists plugin-ris (lib/index.js) uses to tell "new" from "old" RIS records.
const RIS_OLD = ["A1", "AV", "BT", "CP", "ED", "EP", "ID", "J1", "JA", "JF", "JO", "L2", "L3",
  "N2", "T1", "U1", "U2", "U3", "U4", "U5", "U6", "Y1"];
const RIS_NEW = ["A4", "AD", "AN", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "CA", "CN",
  "DA", "DB", "DO", "DP", "ET", "LA", "LB", "NV", "OP", "PY", "RI", "RN", "SE", "ST", "SV",
  "TA", "TT"];

function specParser(ris, record) {
  const tags = Object.keys(record);
  const someNew = tags.some((t) => RIS_NEW.includes(t));
  const someOld = tags.some((t) => RIS_OLD.includes(t));
  if (someNew && !someOld) {
    return ris.parseNew;
  }
  if (someOld && !someNew) {
    return ris.parseOld;
  }
  return ris.parseMixed;
}

function readRis(text) {
  const known = risTypes.RIS;
  const tagLine = /^[A-Z][A-Z0-9] {2}-( |$)/;
  let open = null;
  let count = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = i + 1;
    if (line === "") {
      return;
    }
    if (!tagLine.test(line)) {
      // a value on several lines (Zotero writes notes so): citation.js joins the lines
      notes.push(`line ${lineNo}: continues the previous tag's value (joined with a space)`);
      return;
    }
    const tag = line.slice(0, 2);
    const value = line.slice(6).trim();
    if (tag === "TY") {
      if (open !== null) {
        warnings.push(`line ${open}: entry has no ER before the next TY`);
      }
      open = lineNo;
      count += 1;
      if (!(value.toUpperCase() in known)) {
        warnings.push(`line ${lineNo}: TY ${value} is not a RIS type citation.js knows`);
      }
    } else if (tag === "ER") {
      open = null;
    } else if (open === null) {
      warnings.push(`line ${lineNo}: ${tag} outside an entry (after ER, before TY)`);
    }
  });
  if (open !== null) {
    warnings.push(`line ${open}: the last entry has no ER`);
  }
  const ris = require("@citation-js/plugin-ris/lib/ris.js");
  const records = ris.parse(text);
  // read each tag by the spec citation.js picks for the whole record
  records.forEach((record, index) => {
    const parse = specParser(ris, record);
    const base = itemSignature(parse({ TY: record.TY }));
    for (const [tag, value] of Object.entries(record)) {
      if (tag === "TY") {
        continue;
      }
      if (itemSignature(parse({ TY: record.TY, [tag]: value })) === base) {
        notes.push(`entry ${index + 1} (${record.ID || "-"}): ${tag} is not read by citation.js `
          + `(TY ${record.TY})`);
      }
    }
  });
  const items = chain(text, "@ris/file");
  if (items.length !== count) {
    warnings.push(`${count} entries (TY lines), but citation.js made ${items.length} items`);
  }
  return items;
}

// ------------------------------------------------------------------ CSL-JSON

function readCsl(text) {
  const data = JSON.parse(text);
  if (!Array.isArray(data)) {
    throw new Error("CSL-JSON must be a list of items");
  }
  const items = chain(data, "@csl/list+object");
  if (items.length !== data.length) {
    warnings.push(`${data.length} items, but citation.js made ${items.length}`);
  }
  return items;
}

// ------------------------------------------------------------------ main

const READERS = {
  bibtex: (text) => readBib(text, "bibtex"),
  biblatex: (text) => readBib(text, "biblatex"),
  ris: readRis,
  "csl-json": readCsl,
};

function main(argv) {
  const [format, file] = argv;
  if (!READERS[format] || !file) {
    process.stderr.write(`usage: node read.js ${Object.keys(READERS).join("|")} FILE\n`);
    return 2;
  }
  let items;
  try {
    items = READERS[format](fs.readFileSync(file, "utf8"));
  } catch (exc) {
    errors.push(`${exc.name || "Error"}: ${exc.message}${exc.cause ? ` (${exc.cause})` : ""}`);
  }
  const lines = [
    ...errors.map((m) => `error: ${m}`),
    ...warnings.map((m) => `warning: ${m}`),
    ...notes.map((m) => `note: ${m}`),
  ];
  if (lines.length) {
    process.stderr.write(lines.join("\n") + "\n");
  }
  if (errors.length) {
    return 2;
  }
  process.stdout.write(JSON.stringify(items, null, 1) + "\n");
  return warnings.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
