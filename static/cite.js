// Citation downloads made in the page, so a site needs no citation files per record.
//
// The record page describes the record once, in its JSON-LD (render/metadata.py,
// `json_ld`); a JSON data block adds what that does not say (render/citations.py,
// `page_data`: the CSL type, recipients, the date's parts, …). From the two this
// writes the three formats exactly as `citations.bibtex`, `citations.ris` and
// `citations.csl_json` write the files of `outputs: [citation_files]` (a browser test
// compares them byte for byte), and turns each hidden link into a download.
//
// Safety: the texts become Blob contents, never HTML; nothing is inserted as markup.
// No inline script: the page's Content-Security-Policy forbids it (the data block is
// JSON, which the browser does not run).

// Python's str.split() whitespace: `flat` must collapse exactly what `_flat` does.
const SPACE =
  /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const flat = (text) => text.split(SPACE).filter(Boolean).join(" ");

const BIB_ESCAPES = {
  "\\": "\\textbackslash{}",
  "{": "\\{",
  "}": "\\}",
  "%": "\\%",
  "&": "\\&",
  $: "\\$",
  "#": "\\#",
  _: "\\_",
  "^": "\\textasciicircum{}",
  "~": "\\textasciitilde{}",
};
const bibEscape = (text) => flat(text).replace(/[\\{}%&$#_^~]/g, (c) => BIB_ESCAPES[c]);
const bibName = (name) => `{${bibEscape(name)}}`;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

const names = (list) => (list || []).map((n) => n.literal);
const and = (list) =>
  list.length <= 2 ? list.join(" and ") : `${list.slice(0, -1).join(", ")}, and ${list.at(-1)}`;
const pad = (n, width) => String(n).padStart(width, "0");
// A date's parts as `citations` writes them: year of four digits, then two each.
const isoParts = (parts) => parts.map((n, i) => pad(n, i ? 2 : 4));
const dateParts = (csl) => (csl.issued && csl.issued["date-parts"] ? csl.issued["date-parts"][0] : null);
const uploaded = (csl) => (csl["available-date"] ? isoParts(csl["available-date"]["date-parts"][0]) : null);

function bibtex(data) {
  const csl = data.csl;
  const fields = [];
  const authors = names(csl.author);
  if (authors.length) fields.push(["author", authors.map(bibName).join(" and ")]);
  fields.push(["title", `{${bibEscape(csl.title)}}`]);
  const parts = dateParts(csl);
  if (parts) {
    fields.push(["date", isoParts(parts).join("-") + (csl.issued.circa ? "~" : "")]);
    fields.push(["year", String(parts[0])]);
    if (parts.length > 1) fields.push(["month", MONTHS[parts[1] - 1]]);
  } else if (data.date !== undefined) {
    fields.push(["year", bibEscape(data.date)]);
  }
  if (csl.genre) fields.push(["type", bibEscape(csl.genre)]);
  const to = names(csl.recipient);
  if (to.length) fields.push(["titleaddon", bibEscape(`to ${and(to)}`)]);
  const translators = names(csl.translator);
  if (translators.length) fields.push(["translator", translators.map(bibName).join(" and ")]);
  if (csl["event-place"]) fields.push(["location", bibEscape(csl["event-place"])]);
  const note = csl.source ? [csl.source] : [];
  if (csl.archive && !data.archive_in_source) note.push(flat(csl.archive));
  if (note.length) {
    fields.push(["note", bibEscape(note.map((n) => n.replace(/[. ]+$/, "")).join(". "))]);
  }
  fields.push(["howpublished", bibEscape(csl["container-title"])]);
  if (csl.publisher) fields.push(["organization", bibEscape(csl.publisher)]);
  fields.push(["url", csl.URL.replaceAll("%", "\\%").replaceAll("#", "\\#")]);
  const date = uploaded(csl);
  if (date) fields.push(["urldate", date.join("-")]);
  if (data.language !== undefined) fields.push(["language", bibEscape(data.language)]);
  if (csl.keyword) fields.push(["keywords", bibEscape(csl.keyword)]);
  if (csl.abstract) fields.push(["abstract", bibEscape(csl.abstract)]);
  const body = fields.map(([name, value]) => `  ${name} = {${value}}`).join(",\n");
  return `@misc{${data.key},\n${body}\n}\n`;
}

function ris(data) {
  const csl = data.csl;
  const lines = [];
  const add = (tag, values) => {
    for (const value of values) lines.push(`${tag}  - ${value}`);
  };
  add("TY", [csl.type === "letter" ? "PCOMM" : "MANSCPT"]);
  add("TI", [csl.title]);
  add("UR", [csl.URL]);
  add("DB", [flat(csl["container-title"])]);
  add("AU", names(csl.author));
  add("A2", names(csl.recipient));
  add("A4", names(csl.translator));
  const parts = dateParts(csl);
  if (parts) {
    const padded = isoParts(parts);
    while (padded.length < 3) padded.push("");
    add("DA", [`${padded.join("/")}/${csl.issued.circa ? "circa" : ""}`]);
    add("PY", [pad(parts[0], 4)]);
  }
  if (csl.genre) add("M3", [flat(csl.genre)]);
  if (csl["event-place"]) add("CY", [flat(csl["event-place"])]);
  const notes = csl.source ? [csl.source] : [];
  if (data.date !== undefined) notes.push(`Date as written: ${flat(data.date)}`);
  if (csl.archive) notes.push(`Archive: ${flat(csl.archive)}`);
  add("N1", notes);
  if (csl.abstract) add("AB", [csl.abstract]);
  add("KW", (data.subjects || []).map(flat));
  if (data.language !== undefined) add("LA", [flat(data.language)]);
  if (csl.publisher) add("DP", [flat(csl.publisher)]);
  if (csl.publisher) add("PB", [flat(csl.publisher)]);
  if (csl.archive_location) add("AN", [flat(csl.archive_location)]);
  const date = uploaded(csl);
  if (date) add("Y2", [date.join("/")]);
  lines.push("ER  - ", "");
  return lines.join("\n");
}

// The CSL-JSON item's fields in the order `citations.csl_item` writes them.
const CSL_ORDER = [
  "id", "type", "title", "URL", "container-title", "author", "recipient", "translator",
  "issued", "available-date", "genre", "archive", "event-place", "source", "note",
  "abstract", "language", "keyword", "publisher", "archive_location",
];
const literals = (agents) => (agents ? agents.map((a) => ({ literal: flat(a.name) })) : undefined);
const nameOf = (node) => (node ? node.name : undefined);

// The whole CSL-JSON item: the data block's fields and those of the JSON-LD
// (`citations.FROM_JSON_LD`), each as `citations.csl_item` makes it from the record.
function cslItem(own, ld) {
  const source = ld.isBasedOn ? flat(ld.isBasedOn.name) : undefined;
  const fields = {
    ...own,
    title: flat(ld.name),
    URL: ld.url,
    "container-title": ld.isPartOf.name,
    author: literals(ld.author),
    translator: literals(ld.translator),
    genre: ld.genre,
    archive: nameOf(ld.holdingArchive),
    "event-place": nameOf(ld.locationCreated),
    source,
    note: source,
    abstract: ld.description === undefined ? undefined : flat(ld.description),
    language: Array.isArray(ld.inLanguage) ? ld.inLanguage[0] : ld.inLanguage,
    keyword: ld.about ? ld.about.map(nameOf).join(", ") : undefined,
    publisher: nameOf(ld.publisher),
  };
  const item = {};
  for (const name of CSL_ORDER) if (fields[name] !== undefined) item[name] = fields[name];
  return item;
}

// Python's json.dumps(indent=1, ensure_ascii=False) writes what JSON.stringify does.
const cslJson = (data) => `${JSON.stringify([data.csl], null, 1)}\n`;

const WRITERS = { bib: bibtex, ris, json: cslJson };

(() => {
  const block = document.getElementById("cite-data");
  const described = document.querySelector('script[type="application/ld+json"]');
  if (!block || !described) return;
  let data;
  try {
    data = JSON.parse(block.textContent);
    const ld = JSON.parse(described.textContent);
    data.csl = cslItem(data.csl, ld);
    data.key ??= data.csl.id;
    if (ld.about) data.subjects = ld.about.map(nameOf);
  } catch {
    return;
  }
  for (const link of document.querySelectorAll("a[data-cite]")) {
    const write = WRITERS[link.dataset.cite];
    if (!write) continue;
    // A link without href may carry neither `download` nor `type`: set here.
    const blob = new Blob([write(data)], { type: `${link.dataset.type}; charset=utf-8` });
    link.href = URL.createObjectURL(blob);
    link.download = `${data.csl.id}.${link.dataset.cite}`;
    link.type = link.dataset.type;
    link.closest("li").hidden = false;
  }
})();
