#!/usr/bin/env node
// The reference renderer for the equality tests: citeproc-js (npm "citeproc", pinned in
// package.json / package-lock.json), fed the same style and locale files as our engine.
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout, so
// one node process serves many requests (node + citeproc-js take about a second to start).
//
//   request  {"style": "/path/style.csl", "locale_dir": "/path/to/locales",
//             "lang": "en-US" | null, "items": [CSL-JSON, ...],
//             "mode": "bibliography" | "citation" | "each", "format": "text" | "html",
//             "clusters": [[{"id": ...}, ...], ...]}          (citation mode)
//   answer   {"entries": [string, ...], "ids": [item id of each entry, bibliography only],
//             "empty": [ids of items that rendered nothing, so have no entry (bibliography)],
//             "warnings": [citeproc-js warnings, when any]}  or  {"error": "message"}
//
// bibliography: every item is registered, entries come in the processor's order.
// each: each item alone as a one-item bibliography (the registry holds only that item:
//   updateItems([id])); one entry per item, "" for an item that renders nothing.
// citation: the clusters are one document, in order, cluster i in footnote i + 1;
//   each answer string is the cluster's final form (after later clusters may have
//   changed it, e.g. by disambiguation), as citeproc-js's rebuildProcessorState gives it.
// lang: when given it wins over the style's default-locale (a dependent style's locale
//   applied to its independent parent); when null the style's default-locale, else en-US.
// Locales are read from locale_dir/locales-<tag>.xml (citeproc-py's folder).

"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");
const CSL = require("citeproc");

// Anything the processor prints must not reach stdout, which carries the answers.
const warnings = [];
CSL.debug = (msg) => { warnings.push(String(msg)); };
console.log = (...args) => { process.stderr.write(args.join(" ") + "\n"); };
console.warn = console.log;

const fileCache = new Map();

function readCached(file) {
  if (!fileCache.has(file)) {
    fileCache.set(file, fs.readFileSync(file, "utf8"));
  }
  return fileCache.get(file);
}

function localeReader(localeDir) {
  return (tag) => {
    const candidates = [tag, tag.split("-")[0]];
    for (const candidate of candidates) {
      const file = path.join(localeDir, `locales-${candidate}.xml`);
      if (fs.existsSync(file)) {
        return readCached(file);
      }
    }
    // citeproc-js falls back to en-US for a locale it cannot get.
    return readCached(path.join(localeDir, "locales-en-US.xml"));
  };
}

function makeEngine(request) {
  const items = new Map();
  for (const item of request.items || []) {
    items.set(String(item.id), item);
  }
  const sys = {
    retrieveLocale: localeReader(request.locale_dir),
    // a fresh copy each time: the processor annotates the objects it is given
    retrieveItem: (id) => {
      const item = items.get(String(id));
      if (item === undefined) {
        throw new Error(`no item with id ${id} in the request`);
      }
      return JSON.parse(JSON.stringify(item));
    },
  };
  const styleXml = readCached(request.style);
  const lang = request.lang || undefined;
  const engine = new CSL.Engine(sys, styleXml, lang, Boolean(lang));
  engine.setOutputFormat(request.format || "text");
  return { engine, ids: [...items.keys()] };
}

function bibliography(request) {
  const { engine, ids } = makeEngine(request);
  engine.updateItems(ids);
  const result = engine.makeBibliography();
  if (!result) {
    throw new Error("the style has no bibliography");
  }
  // An item that renders nothing gets no entry, but stays in entry_ids: drop it there
  // too (so ids and entries line up) and name it under "empty".
  const empty = new Set(result[0].bibliography_errors
    .filter((e) => e.error_code === CSL.ERROR_NO_RENDERED_FORM)
    .map((e) => String(e.itemID)));
  const entryIds = result[0].entry_ids.map((one) => String(one[0]));
  return { entries: result[1], ids: entryIds.filter((id) => !empty.has(id)), empty: [...empty] };
}

function each(request) {
  const { engine, ids } = makeEngine(request);
  const entries = [];
  for (const id of ids) {
    engine.updateItems([id]);
    const result = engine.makeBibliography();
    if (!result) {
      throw new Error("the style has no bibliography");
    }
    entries.push(result[1].length ? result[1][0] : "");
  }
  return { entries, ids };
}

function citations(request) {
  const { engine } = makeEngine(request);
  const clusters = request.clusters || [];
  const docCitations = clusters.map((cluster, i) => ({
    citationID: `cluster-${i + 1}`,
    citationItems: cluster.map((ci) => {
      const copy = Object.assign({}, ci);
      copy.id = String(ci.id);
      return copy;
    }),
    properties: { noteIndex: i + 1 },
  }));
  const rebuilt = engine.rebuildProcessorState(docCitations, request.format || "text", []);
  return { entries: rebuilt.map((triple) => triple[2]) };
}

function answer(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    return { error: `not a JSON request: ${err.message}` };
  }
  warnings.length = 0;
  try {
    const modes = { citation: citations, each, bibliography };
    const out = (modes[request.mode] || bibliography)(request);
    if (warnings.length) {
      out.warnings = warnings.slice();
    }
    return out;
  } catch (err) {
    return { error: String(err && err.message ? err.message : err) };
  }
}

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", (line) => {
  if (!line.trim()) {
    return;
  }
  process.stdout.write(JSON.stringify(answer(line)) + "\n");
});
