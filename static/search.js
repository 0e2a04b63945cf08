// Faceted full-text search over the archive's Pagefind index.
//
// Safety: every value from the index (titles, dates, people, excerpts) reaches the page
// through textContent or a DOM property, never as HTML. Excerpts are split on the
// <mark> tags Pagefind puts around matched words; the text between them is text.
// No inline script or style: the page's Content-Security-Policy forbids both.

import { readTable, SearchIndex } from "./search-engine.js";
import { stemmerFor } from "./stemmer.js";

const PAGE_SIZE = 20;
const FACET_PREVIEW = 8;
// Filter names in the index (search/documents.py), in the order the page shows them.
const FACETS = [
  ["person", "People", "people"],
  ["organization", "Organizations", "organizations"],
  ["type", "Type", "types"],
  ["language", "Language", "languages"],
  ["archive", "Archive", "archives"],
  ["collection", "Collection", "collections"],
  ["decade", "Decade", "decades"],
  ["year", "Year", "years"],
];
const FACET_NAMES = FACETS.map(([name]) => name);
const CHRONOLOGICAL = new Set(["decade", "year"]);
const UNDATED = "Undated";
const SORTS = { "": "relevance", "date-asc": "oldest first", "date-desc": "newest first" };
// Chinese and Japanese characters are indexed one by one, set apart by spaces
// (searchdoc.py); keep CJK in step with _CJK_CLASS there.
const CJK =
  "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff" +
  "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f" +
  "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uff66-\uff9f" +
  "\u{20000}-\u{3134f}";
const CJK_ONE = new RegExp(`[${CJK}]`, "gu");
const CJK_RUN = new RegExp(`^[${CJK}]+$`, "u");
// In an excerpt: <mark> and </mark> stand in as two private-use characters while
// the spaces the index put between CJK characters are taken out again.
const MARK_ON = "\ue000";
const MARK_OFF = "\ue001";
const CJK_SPACE = new RegExp(`(?<=[${CJK}][\ue000\ue001]*) (?=[\ue000\ue001]*[${CJK}])`, "gu");
// Language names as records write them → BCP 47 tags, so an excerpt in Chinese or
// Japanese is drawn with the right glyphs and read in the right voice.
const LANG_TAGS = {
  arabic: "ar", chinese: "zh", czech: "cs", english: "en", french: "fr", german: "de",
  hungarian: "hu", italian: "it", japanese: "ja", korean: "ko", mongolian: "mn",
  polish: "pl", portuguese: "pt", romanian: "ro", russian: "ru", serbian: "sr",
  "serbo-croatian": "sh", spanish: "es", ukrainian: "uk", vietnamese: "vi",
};

const root = document.getElementById("search");
const bundle = root.dataset.bundle;
const base = root.dataset.base;
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const sortSelect = document.getElementById("search-sort");
const fromInput = document.getElementById("search-from");
const toInput = document.getElementById("search-to");
const facetsBox = document.getElementById("search-facets");
const filtersPanel = document.getElementById("search-filters");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const pager = document.getElementById("search-pages");
const notesBox = document.getElementById("search-notes");
const chipsBox = document.getElementById("search-chips");

// The manifest keeps its name from build to build: fetched afresh each time (as
// Pagefind fetches its entry file), not revalidated, since a host's Last-Modified has
// one-second steps and a rebuild within that second would look unchanged. Every
// other search file is named by its content (the order file by the manifest).
const FRESH = { cache: "no-store" };
let pagefind = null; // a promise of the search over every shard (loadPagefind)
let manifest = null;
let records = null; // a promise of the search table (recordTable)
let totals = {}; // every filter value in the archive with its count (the manifest's)
let state = readState(location.search);
let runId = 0;
let completed = 0;
const resultsArea = list.parentElement;
const expanded = new Set();
// Facets with more values than this get a box to find a value by typing and show
// only their top values by count (people, collections: thousands in an archive).
const LONG_FACET = 20;
const FIND_LIMIT = 20;
const finding = new Map(); // facet name → what its find box holds
let lastCountsFor = () => ({});

// ---- state and the URL ----

function cleanYear(value) {
  const text = String(value ?? "").trim();
  if (!/^\d{1,4}$/.test(text)) return null;
  const year = Number(text);
  return year >= 1 && year <= 9999 ? year : null;
}

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const name of FACET_NAMES) {
    const values = [...new Set(params.getAll(name).filter((v) => v !== ""))].sort();
    if (values.length) filters[name] = values;
  }
  const sort = params.get("sort") || "";
  const page = Number.parseInt(params.get("page") || "1", 10);
  return {
    q: params.get("q") || "",
    filters,
    sort: Object.hasOwn(SORTS, sort) ? sort : "",
    page: Number.isFinite(page) && page > 0 ? page : 1,
    from: cleanYear(params.get("from")),
    to: cleanYear(params.get("to")),
  };
}

function queryString(s) {
  const params = new URLSearchParams();
  if (s.q.trim()) params.set("q", s.q.trim());
  for (const name of FACET_NAMES) for (const v of s.filters[name] || []) params.append(name, v);
  if (s.from !== null) params.set("from", String(s.from));
  if (s.to !== null) params.set("to", String(s.to));
  if (s.sort) params.set("sort", s.sort);
  if (s.page > 1) params.set("page", String(s.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

// Typing replaces the history entry a burst of typing started; every other change
// (a filter, the sort, a page, submitting the form) adds one, so back undoes it.
function commit(typing = false) {
  const url = location.pathname + queryString(state);
  if (url === location.pathname + location.search) return;
  if (typing && history.state && history.state.typing) history.replaceState({ typing }, "", url);
  else history.pushState({ typing }, "", url);
}

function showState() {
  if (input.value.trim() !== state.q.trim()) input.value = state.q;
  sortSelect.value = state.sort;
  fromInput.value = state.from === null ? "" : String(state.from);
  toInput.value = state.to === null ? "" : String(state.to);
}

function isActive(s) {
  return Boolean(s.q.trim()) || Object.keys(s.filters).length > 0 || s.from !== null || s.to !== null;
}

// ---- queries and filters ----

// Pagefind's query for the words typed: each Chinese or Japanese character becomes a
// word (as in the index); a single run of them is searched as a phrase, so its
// characters must stand together and in order, as a word does.
function pagefindTerm(q) {
  const text = q.trim();
  if (!text) return null;
  CJK_ONE.lastIndex = 0;
  if (!CJK_ONE.test(text)) return text;
  const quoted = text.length > 1 && text.startsWith('"') && text.endsWith('"');
  const inner = quoted ? text.slice(1, -1) : text;
  const spaced = inner.replace(CJK_ONE, " $& ").replace(/\s+/g, " ").trim();
  return quoted || CJK_RUN.test(inner) ? `"${spaced}"` : spaced;
}

// Pagefind matches a word by prefix ("Indonesia" finds "Indonesian") but only among
// the index chunks it has loaded, and it loads just the chunk where the word itself
// would sit, so extensions filed in the next chunk were missed, and results changed
// with the chunk layout, that is with the shards (DAFP: 1,855 records for
// "Indonesia" in one index, 2,241 in two). Loading the chunks where the word's
// prefix range ends (also for the word less two and four letters, which covers
// the stems Pagefind searches for) makes the results complete and the same
// however the archive is sharded.
function rangeEnds(term) {
  if (term === null || term.startsWith('"')) return null;
  const ends = [];
  for (const word of term.toLocaleLowerCase().split(/\s+/)) {
    for (const cut of [0, 2, 4]) {
      if (word.length - cut >= 4) ends.push(`${word.slice(0, word.length - cut)}\uffff`);
    }
  }
  return ends.length ? ends.join(" ") : null;
}

// ---- query syntax ----
//
// Words are all required (Pagefind's own rule); "a phrase" must stand together, in
// order, whatever punctuation or dashes lie between its words ("Prime Minister
// designate" finds "Prime Minister–designate"); -word, -"a phrase" and NOT word leave
// out every record containing them; OR between words or phrases finds either side.
// Pagefind has no exclusion, no OR and no punctuation-blind phrases, so the page
// does them: OR searches each side and merges; an exclusion is searched on its own
// and its records removed; a phrase is searched as words and checked against each
// result's text. What the page cannot do is said on the page (`notes`).
const FIELD_PREFIX = /^(title|person|people|author|subject|type|language|date|source|archive|collection):(?=.)/i;

function hasCjk(text) {
  CJK_ONE.lastIndex = 0;
  return CJK_ONE.test(text);
}

// Text as the phrase check compares it: lower case, entities of the index decoded,
// everything but letters, digits and marks as one space, CJK characters spaced.
function normalized(text) {
  const plain = String(text)
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&")
    .normalize("NFKC")
    .toLocaleLowerCase()
    .replace(CJK_ONE, " $& ")
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, " ")
    .trim();
  return ` ${plain} `;
}

function parseQuery(q) {
  const alternatives = [[]];
  const exclude = [];
  const notes = new Set();
  let negate = false;
  const tokens = String(q).match(/-?"[^"]*"?|\S+/g) || [];
  tokens.forEach((raw, i) => {
    let token = raw;
    if (token === "OR" || token === "|") {
      if (!alternatives.at(-1).length || i === tokens.length - 1) {
        notes.add("OR needs words on both sides: it was left out.");
      } else alternatives.push([]);
      return;
    }
    if (token === "AND" || token === "&&") return; // every word is required anyway
    if (token === "NOT") {
      negate = true;
      return;
    }
    let negative = negate;
    negate = false;
    if (token.length > 1 && token.startsWith("-")) {
      negative = true;
      token = token.slice(1);
    }
    let phrase = false;
    if (token.startsWith('"')) {
      phrase = true;
      token = token.slice(1).replace(/"$/, "");
    }
    if (/[()]/.test(token)) {
      notes.add("Brackets are not supported: the words inside them were searched as if there were none.");
      token = token.replace(/[()]/g, " ");
    }
    if (!phrase && token.length > 1 && /[*?]$/.test(token)) {
      notes.add("* and ? are not needed: a word also finds the words that begin with it (Indonesia finds Indonesian).");
      token = token.replace(/[*?]+$/, "");
    }
    if (!phrase && FIELD_PREFIX.test(token)) {
      notes.add("Searching one field (title:, person:) is not supported: the word was searched in the whole record; use the filters to narrow by person, type or year.");
      token = token.replace(FIELD_PREFIX, "");
    }
    token = token.trim().replace(/\s+/g, " ");
    if (!token || !normalized(token).trim()) return;
    (negative ? exclude : alternatives.at(-1)).push({ text: token, phrase });
  });
  if (negate) notes.add("NOT needs a word after it: it was left out.");
  const wanted = alternatives.filter((alt) => alt.length);
  if (!wanted.length && exclude.length) {
    notes.add("Leaving words out needs words to search for: add a word to find, then -word to leave out the records that contain it.");
  }
  return { alternatives: wanted, exclude, notes: [...notes] };
}

// A piece of a query as Pagefind takes it, and the phrase (normalized) its results
// must hold, if any. A Chinese or Japanese phrase is left to Pagefind's own phrase
// search, which the index's spaced characters make exact (pagefindTerm).
function termOf(item, alone) {
  if (hasCjk(item.text)) {
    // Alone, a run of characters is a phrase (pagefindTerm); beside other words, its
    // characters are words, as they were before the query syntax.
    if (item.phrase || alone) return { term: pagefindTerm(item.phrase ? `"${item.text}"` : item.text), phrase: null };
    return { term: item.text.replace(CJK_ONE, " $& ").replace(/\s+/g, " ").trim(), phrase: null };
  }
  const words = normalized(item.text).trim();
  const several = words.includes(" ");
  if (!item.phrase || !several) return { term: item.phrase ? words : item.text, phrase: null };
  return { term: words, phrase: ` ${words} ` };
}

async function loaded(results) {
  return Promise.all(results.map((r) => r.data()));
}

// Whether some place of the first word is followed by one of the second, and so on.
// A step of 0 to 2 places: a hyphenated word holds its parts at one place, and the
// text check that follows is the exact one.
function inSequence(sets) {
  if (sets.some((set) => !set)) return false;
  let frontier = sets[0];
  for (const set of sets.slice(1)) {
    const next = new Set();
    for (const place of frontier) for (const step of [0, 1, 2]) if (set.has(place + step)) next.add(place + step);
    if (!next.size) return false;
    frontier = next;
  }
  return true;
}

async function searchTerms(pf, items) {
  const pieces = items.map((item) => termOf(item, items.length === 1));
  const term = pieces.map((p) => p.term).join(" ");
  // search-engine.js loads every chunk a word's range touches (`complete`) itself.
  const ends = pf.complete ? null : rangeEnds(pieces.filter((p) => !p.term.startsWith('"')).map((p) => p.term).join(" ") || null);
  if (ends) await pf.preload(ends);
  let results = (await pf.search(term)).results;
  const phrases = pieces.map((p) => p.phrase).filter(Boolean);
  // Cheap first: each phrase word searched alone gives its places in each record
  // (`words`), and the words must follow one another. Then the text of the few left.
  for (const phrase of phrases) {
    if (!results.length) break;
    const places = await Promise.all(
      phrase.trim().split(" ").map(async (word) => new Map((await pf.search(word)).results.map((r) => [recordKey(r), new Set(r.words)]))),
    );
    results = results.filter((r) => inSequence(places.map((m) => m.get(recordKey(r)))));
  }
  if (phrases.length && results.length) {
    const data = await loaded(results);
    results = results.filter((_, i) => phrases.every((ph) => normalized(data[i].content).includes(ph)));
  }
  return results;
}

// A record among results: its id, and the shard it came from where the search says
// (search-engine.js): two shards may give two records one id (ids are short hashes).
function recordKey(result) {
  return result.shard === undefined ? result.id : `${result.shard}/${result.id}`;
}

// The results of a parsed query: each alternative searched, merged by score (best
// first); records holding an excluded word or phrase removed. One search gives each
// record once, so only alternatives need merging.
async function findResults(pf, parsed) {
  let results;
  if (parsed.alternatives.length === 1) {
    results = await searchTerms(pf, parsed.alternatives[0]);
  } else {
    const byKey = new Map();
    for (const alt of parsed.alternatives) {
      for (const r of await searchTerms(pf, alt)) {
        const seen = byKey.get(recordKey(r));
        if (!seen || r.score > seen.score) byKey.set(recordKey(r), r);
      }
    }
    results = [...byKey.values()].sort((a, b) => b.score - a.score);
  }
  for (const item of parsed.exclude) {
    if (!results.length) break;
    const out = new Set((await searchTerms(pf, [item])).map(recordKey));
    results = results.filter((r) => !out.has(recordKey(r)));
  }
  return results;
}

// A last check on the results shown: none may contain an excluded word or phrase.
function holdsExcluded(data, parsed) {
  if (!parsed.exclude.length) return false;
  const text = normalized(data.content || "");
  return parsed.exclude.some((item) => text.includes(normalized(item.text)));
}

function yearsInRange(s) {
  if (s.from === null && s.to === null) return null;
  let lo = s.from ?? 1;
  let hi = s.to ?? 9999;
  if (lo > hi) [lo, hi] = [hi, lo];
  return Object.keys(totals.year || {}).filter((y) => y !== UNDATED && Number(y) >= lo && Number(y) <= hi);
}

// Pagefind filters for the state, leaving out facet `skip` (for its own counts).
// Returns null when no record can match (an empty year range).
function pagefindFilters(s, skip = null) {
  const filters = {};
  for (const name of FACET_NAMES) {
    if (name === "year" || name === skip) continue;
    if (s.filters[name]) filters[name] = { any: s.filters[name] };
  }
  const range = yearsInRange(s);
  let years = skip === "year" ? null : s.filters.year || null;
  if (range !== null) years = years === null ? range : years.filter((y) => range.includes(y));
  if (years !== null) {
    if (!years.length) return null; // Pagefind reads an empty `any` as "anything"
    filters.year = { any: years };
  }
  return filters;
}

// The search table (search/table.py, readTable), fetched once: every record's place
// in date order and its filter values, and what the query engine needs of each shard.
// Facets are filtered and counted here, not by Pagefind: Pagefind counts only with
// every filter file of every shard loaded (seven per shard), and each facet with a
// choice needs a search of its own in every shard. Here a search is one search over
// every shard, without filters, and the counts come from this table.
function recordTable() {
  if (!records) {
    records = readTable(`${bundle}${manifest.table}`).then((table) => {
      for (const column of Object.values(table.facets)) {
        column.index = new Map(column.values.map((v, i) => [v, i]));
      }
      return table;
    });
    records.catch(() => {
      records = null; // try again on the next search
    });
  }
  return records;
}

// Result id → place, for Pagefind's own search (which names a result by id alone):
// ids that one bundle holds; an id two bundles share is looked up with its URL.
function placesById(table) {
  if (!table.byId) {
    const byId = new Map();
    const shared = new Set();
    for (const row of table.bundles) {
      row.ids.forEach((id, i) => {
        if (byId.has(id)) shared.add(id);
        else byId.set(id, row.places[i]);
      });
    }
    for (const id of shared) byId.delete(id);
    table.byId = byId;
  }
  return table.byId;
}

// A result's place in the table: the query engine knows it; for Pagefind's results
// it is looked up by id, or by id and URL when two bundles share the id. -1: an entry
// an overlay supersedes (`archivist serve` indexes an edited record again, alone,
// into an overlay bundle beside its shard, which still holds the old entry).
async function placeOf(result, table) {
  if (result.place !== undefined) return result.place;
  const place = placesById(table).get(result.id);
  if (place !== undefined) return place;
  const data = await result.data();
  return table.ambiguous.get(`${result.id} ${data.raw_url ?? data.url}`) ?? -1;
}

async function placesOf(results, table) {
  const places = new Array(results.length);
  const missing = [];
  for (let i = 0; i < results.length; i++) {
    const place = results[i].place ?? placesById(table).get(results[i].id);
    if (place === undefined) missing.push(i);
    else places[i] = place;
  }
  await Promise.all(missing.map(async (i) => {
    places[i] = await placeOf(results[i], table);
  }));
  return places;
}

// The results a search may show, with their places: no stale entry, and each record
// once (an overlay's entry may have the very id of the stale one it supersedes).
async function live(results, table) {
  const all = await placesOf(results, table);
  const seen = new Uint8Array(manifest.entries);
  const kept = [];
  const places = [];
  results.forEach((r, i) => {
    const place = all[i];
    if (place < 0 || seen[place]) return;
    seen[place] = 1;
    kept.push(r);
    places.push(place);
  });
  return { results: kept, places };
}

// What the state asks of a record: for each facet with choices, one of the chosen
// values (`skip` names the facet, whose own counts leave it out); for a year range,
// a year in it (never left out: a year's count is what ticking it would add).
function constraints(s, table) {
  const out = [];
  const wanted = (name, values) => {
    const column = table.facets[name];
    const mask = new Uint8Array(column ? column.values.length : 0);
    for (const v of values) {
      const i = column && column.index.get(v);
      if (i !== undefined) mask[i] = 1;
    }
    return { column, mask };
  };
  for (const name of FACET_NAMES) {
    if (s.filters[name]) out.push({ skip: name, ...wanted(name, s.filters[name]) });
  }
  const range = yearsInRange(s);
  if (range !== null) out.push({ skip: null, ...wanted("year", range) });
  return out;
}

function holds(c, place) {
  if (!c.column) return false;
  const { start, items } = c.column;
  for (let k = start[place]; k < start[place + 1]; k++) if (c.mask[items[k]]) return true;
  return false;
}

// Which places match every constraint, and each facet's counts: a facet without
// choices counts the matches; a facet with choices counts what matches every other
// constraint (its values are alternatives). Every value of the archive is listed, as
// Pagefind lists them, with 0 where nothing matches.
function tally(places, cons, table) {
  const n = places.length;
  // For each place: how many constraints it fails (0, 1 or 2 for "more"), and which.
  const fails = new Uint8Array(n);
  const failed = new Int8Array(n).fill(-1);
  cons.forEach((c, j) => {
    for (let i = 0; i < n; i++) {
      if (fails[i] < 2 && !holds(c, places[i])) {
        fails[i] += 1;
        failed[i] = j;
      }
    }
  });
  const matched = new Uint8Array(n);
  for (let i = 0; i < n; i++) matched[i] = fails[i] === 0 ? 1 : 0;
  const counts = {};
  for (const name of FACET_NAMES) {
    const column = table.facets[name];
    if (!column) continue;
    const { start, items, values } = column;
    const numbers = new Uint32Array(values.length);
    const own = cons.findIndex((c) => c.skip === name);
    for (let i = 0; i < n; i++) {
      if (fails[i] === 0 || (fails[i] === 1 && failed[i] === own)) {
        const place = places[i];
        for (let k = start[place]; k < start[place + 1]; k++) numbers[items[k]] += 1;
      }
    }
    counts[name] = Object.fromEntries(values.map((v, i) => [v, numbers[i]]));
  }
  return { matched, counts };
}

// Date order is applied here, not by the search: results come best first (and
// Pagefind's mergeIndex re-sorts merged shards by score, which would scramble a date
// order across shards). The search table holds each record's place in date order
// (search/table.py, order_of).
async function inDateOrder(results, places, table, descending) {
  const key = (i) => {
    const place = places[i];
    if (place >= table.dated) return [1, place]; // undated: last either way
    return [0, descending ? -place : place];
  };
  const order = results.map((_, i) => i);
  order.sort((a, b) => {
    const [ga, pa] = key(a);
    const [gb, pb] = key(b);
    return ga - gb || pa - pb;
  });
  return order.map((i) => results[i]);
}

// ---- drawing ----

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

// Pagefind's excerpt is the record text with `<` and `>` escaped and <mark> around
// matched words: split on the marks and keep everything else as text.
function excerptNodes(excerpt) {
  const text = String(excerpt || "")
    .replace(/[\ue000\ue001]/g, "")
    .replaceAll("<mark>", MARK_ON)
    .replaceAll("</mark>", MARK_OFF)
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replace(CJK_SPACE, "");
  const nodes = [];
  let marked = false;
  for (const part of text.split(/([\ue000\ue001])/)) {
    if (part === MARK_ON) marked = true;
    else if (part === MARK_OFF) marked = false;
    else if (part) nodes.push(marked ? el("mark", part) : document.createTextNode(part));
  }
  return nodes;
}

// ---- excerpts ----
//
// The index holds the body first, then the title, participants, summary, notes and
// archival reference (documents.py); meta `parts` gives each part's length in words.
// The excerpt comes from the body wherever the body matches; a match only elsewhere
// shows that part, named ("Participant: R. G. Menzies"). Words are Pagefind's: the
// content split on white space, and `locations` are the matched words' places.
const EXCERPT_WORDS = 30;
const PART_LABELS = {
  title: ["Title", "Title"],
  person: ["Participant", "Participants"],
  summary: ["Summary", "Summary"],
  note: ["Note", "Notes"],
  source: ["Archival reference", "Archival reference"],
};
const PART_ORDER = ["title", "person", "summary", "source", "note"];

function partsOf(meta) {
  const parts = [];
  let start = 0;
  for (const piece of String(meta.parts || "").split(",")) {
    const [name, count] = piece.trim().split(" ");
    const n = Number(count);
    if (!name || !Number.isInteger(n) || n < 0) return null;
    parts.push({ name, start, end: start + n });
    start += n;
  }
  return parts.length ? parts : null;
}

// The window of at most EXCERPT_WORDS words of [start, end) holding the most matches.
function bestWindow(places, start, end) {
  if (end - start <= EXCERPT_WORDS || !places.length) return [start, Math.min(end, start + EXCERPT_WORDS)];
  let best = [start, start + EXCERPT_WORDS];
  let most = -1;
  for (const place of places) {
    const from = Math.max(start, Math.min(place - 6, end - EXCERPT_WORDS));
    const count = places.filter((p) => p >= from && p < from + EXCERPT_WORDS).length;
    if (count > most) {
      most = count;
      best = [from, from + EXCERPT_WORDS];
    }
  }
  return best;
}

// The excerpt in Pagefind's form (text with <mark> around matched words), and the
// label of the part it comes from (null for the body).
function excerptFor(data) {
  const parts = partsOf(data.meta || {});
  if (!parts) return { label: null, excerpt: data.excerpt };
  const words = String(data.content || "").split(/[\r\n\s]+/g).filter(Boolean);
  const places = [...new Set(data.locations || [])].sort((a, b) => a - b);
  const inPart = (part) => places.filter((p) => p >= part.start && p < part.end);
  const body = parts[0];
  let part = body;
  if (!inPart(body).length && places.length) {
    const matched = PART_ORDER.map((name) => parts.find((x) => x.name === name)).filter((x) => x && inPart(x).length);
    if (matched.length) part = matched[0];
  }
  if (part === body && body.end === body.start) {
    part = parts.find((x) => x.name === "summary") || body;
  }
  const marked = new Set(inPart(part));
  const [from, to] = bestWindow([...marked], part.start, part.end);
  const pieces = [];
  for (let i = from; i < to && i < words.length; i++) {
    pieces.push(marked.has(i) ? `<mark>${words[i]}</mark>` : words[i]);
  }
  let text = pieces.join(" ");
  if (from > part.start) text = `… ${text}`;
  if (to < part.end) text += " …";
  if (part === body) return { label: null, excerpt: text };
  const several = part.name === "person" && words.slice(part.start, part.end).join(" ").includes(";");
  return { label: PART_LABELS[part.name]?.[several ? 1 : 0] || null, excerpt: text };
}

function safeUrl(url) {
  // Result URLs are site paths from our own index; refuse anything else.
  return typeof url === "string" && url.startsWith(base) && !url.startsWith("//") ? url : null;
}

function langTag(language) {
  if (!language || language.includes(",")) return "";
  return LANG_TAGS[language.trim().toLowerCase()] || "";
}

function resultItem(data) {
  const meta = data.meta || {};
  const li = el("li");
  const title = meta.title || "Untitled record";
  const url = safeUrl(data.url);
  const link = el(url ? "a" : "span", title, "record-title");
  if (url) link.href = url;
  // Record text is isolated for bidi: an override left open in a title or excerpt
  // must not reorder the date and type beside it.
  link.dir = "auto";
  const tag = langTag(meta.language);
  if (tag) link.lang = tag;
  li.append(link);
  const line = el("span", null, "record-meta");
  if (meta.number) line.append(el("bdi", meta.number, "record-number"), " · ");
  line.append(el("bdi", meta.date || UNDATED, "record-date"));
  if (meta.type) line.append(" · ", el("bdi", meta.type, "record-type"));
  if (meta.language) {
    const language = el("span", "Language: ", "record-language");
    language.append(el("bdi", meta.language));
    line.append(" · ", language);
  }
  li.append(line);
  const excerpt = el("p", null, "record-summary search-excerpt");
  excerpt.dir = "auto";
  const shown = excerptFor(data);
  if (shown.label) excerpt.append(el("span", `${shown.label}: `, "excerpt-label"));
  excerpt.append(...excerptNodes(shown.excerpt));
  if (tag) excerpt.lang = tag;
  li.append(excerpt);
  return li;
}

function facetOrder(name, counts) {
  const entries = Object.entries(counts);
  if (CHRONOLOGICAL.has(name)) {
    const key = (v) => (v === UNDATED ? "~" : v.padStart(6, "0"));
    return entries.sort((a, b) => (key(a[0]) < key(b[0]) ? -1 : 1));
  }
  return entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

// For finding a facet value: lower case, accents off ("popovic" finds Popović).
function folded(text) {
  return String(text).normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

function singular(plural) {
  return { people: "a person", organizations: "an organization", types: "a type", languages: "a language", archives: "an archive", collections: "a collection", decades: "a decade", years: "a year" }[plural] || plural;
}

// The filters in force, each a button that removes it, and one that removes them all.
// Drawn again only when the filters change: a search that ends between a press on a
// chip and its release (the year box losing focus starts one) must not replace the
// chip under the pointer, or the click is lost.
let chipsDrawn = null;

function drawChips() {
  const drawn = JSON.stringify([FACET_NAMES.map((name) => state.filters[name] || []), state.from, state.to]);
  if (drawn === chipsDrawn) return;
  chipsDrawn = drawn;
  const chips = [];
  const legend = Object.fromEntries(FACETS.map(([name, text]) => [name, text]));
  for (const name of FACET_NAMES) {
    for (const value of state.filters[name] || []) {
      const chip = el("button", null, "chip");
      chip.type = "button";
      chip.dataset.chip = name;
      chip.dataset.value = value;
      chip.append(`${legend[name]}: `, el("bdi", value), el("span", " ×", "chip-x"));
      chip.setAttribute("aria-label", `Remove filter ${legend[name]}: ${value}`);
      chips.push(chip);
    }
  }
  if (state.from !== null || state.to !== null) {
    const chip = el("button", `Years: ${state.from ?? "…"}–${state.to ?? "…"}`, "chip");
    chip.type = "button";
    chip.dataset.chip = "years";
    chip.append(el("span", " ×", "chip-x"));
    chip.setAttribute("aria-label", `Remove filter Years ${state.from ?? ""} to ${state.to ?? ""}`);
    chips.push(chip);
  }
  if (!chips.length) {
    chipsBox.replaceChildren();
    chipsBox.hidden = true;
    return;
  }
  const clear = el("button", "Clear all filters", "chip-clear");
  clear.type = "button";
  clear.dataset.chip = "all";
  const items = el("ul", null, "chip-list");
  for (const node of [...chips, clear]) {
    const li = el("li");
    li.append(node);
    items.append(li);
  }
  chipsBox.replaceChildren(el("span", "Filters:", "chips-heading"), items);
  chipsBox.hidden = false;
}

// As the chips (drawChips): facets unchanged by a search are left as they are, so a
// click on a checkbox that a search ends under is not lost.
let facetsDrawn = null;

function drawFacets(countsFor) {
  const drawn = JSON.stringify([FACET_NAMES.map(countsFor), state.filters, [...expanded].sort(), [...finding].sort()]);
  lastCountsFor = countsFor;
  if (drawn === facetsDrawn) return;
  facetsDrawn = drawn;
  const focused = document.activeElement;
  const refocus =
    focused && focused.dataset && (focused.dataset.facet || focused.dataset.find)
      ? { facet: focused.dataset.facet, value: focused.dataset.value, more: focused.dataset.more, find: focused.dataset.find }
      : null;
  const boxes = [];
  for (const [name, legendText, plural] of FACETS) {
    const chosen = new Set(state.filters[name] || []);
    const counts = countsFor(name);
    const shown = facetOrder(name, counts).filter(([v, n]) => n > 0 || chosen.has(v));
    for (const v of chosen) if (!(v in counts)) shown.push([v, 0]);
    if (!shown.length) continue;
    const box = el("fieldset", null, "facet");
    box.append(el("legend", legendText));
    const long = !CHRONOLOGICAL.has(name) && shown.length > LONG_FACET;
    let visible = null; // for a long facet: the values on show
    if (long) {
      const find = el("input");
      find.type = "search";
      find.id = `facet-find-${name}`;
      find.autocomplete = "off";
      find.dataset.find = name;
      find.value = finding.get(name) || "";
      const label = el("label", `Find ${singular(plural)}`, "facet-find-label");
      label.htmlFor = find.id;
      const hint = el("p", null, "facet-hint");
      hint.id = `facet-hint-${name}`;
      find.setAttribute("aria-describedby", hint.id);
      const wanted = folded(find.value.trim());
      const matches = wanted ? shown.filter(([v]) => folded(v).includes(wanted)) : shown;
      const top = matches.slice(0, wanted ? FIND_LIMIT : FACET_PREVIEW).map(([v]) => v);
      visible = new Set([...top, ...chosen]);
      hint.textContent = wanted
        ? `${matches.length.toLocaleString("en")} of ${shown.length.toLocaleString("en")} ${plural} match${matches.length > top.length ? `; the top ${top.length} by count are shown` : ""}.`
        : `The top ${top.length} of ${shown.length.toLocaleString("en")} ${plural} by count; type to find others.`;
      box.append(label, find, hint);
    }
    const items = el("ul", null, "facet-values");
    const open = expanded.has(name);
    let hidden = 0;
    shown.forEach(([value, count], i) => {
      if (visible ? !visible.has(value) : !open && i >= FACET_PREVIEW && !chosen.has(value)) {
        hidden += 1;
        return;
      }
      const id = `facet-${name}-${i}`;
      const li = el("li");
      const check = el("input");
      check.type = "checkbox";
      check.id = id;
      check.name = name;
      check.value = value;
      check.checked = chosen.has(value);
      check.dataset.facet = name;
      check.dataset.value = value;
      const label = el("label");
      label.htmlFor = id;
      label.append(el("bdi", value, "facet-label"), " ", el("span", `(${count})`, "facet-count"));
      li.append(check, label);
      items.append(li);
    });
    box.append(items);
    if (!long && (hidden || open)) {
      const more = el("button", open ? `Show fewer ${plural}` : `Show all ${shown.length} ${plural}`, "facet-more");
      more.type = "button";
      more.dataset.facet = name;
      more.dataset.more = "1";
      more.setAttribute("aria-expanded", String(open));
      boxes.push(box);
      box.append(more);
    } else boxes.push(box);
  }
  facetsBox.replaceChildren(...boxes);
  if (refocus) {
    const selector = refocus.find
      ? `input[data-find="${CSS.escape(refocus.find)}"]`
      : refocus.more
        ? `button[data-more][data-facet="${CSS.escape(refocus.facet)}"]`
        : `input[data-facet="${CSS.escape(refocus.facet)}"][data-value="${CSS.escape(refocus.value)}"]`;
    const again = facetsBox.querySelector(selector);
    if (again) {
      again.focus();
      if (refocus.find) again.setSelectionRange(again.value.length, again.value.length);
    }
  }
}

function pageLink(page, text, current) {
  const s = { ...state, page };
  const a = el("a", text);
  a.href = location.pathname + queryString(s);
  a.dataset.page = String(page);
  if (current) a.setAttribute("aria-current", "page");
  return a;
}

function drawPager(total) {
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) {
    pager.replaceChildren();
    return;
  }
  const items = el("ul");
  const add = (node) => {
    const li = el("li");
    li.append(node);
    items.append(li);
  };
  if (state.page > 1) add(pageLink(state.page - 1, "Previous page"));
  const first = Math.max(1, Math.min(state.page - 2, pages - 4));
  const last = Math.min(pages, first + 4);
  if (first > 1) add(pageLink(1, "1"));
  if (first > 2) add(el("span", "…"));
  for (let p = first; p <= last; p++) add(pageLink(p, String(p), p === state.page));
  if (last < pages - 1) add(el("span", "…"));
  if (last < pages) add(pageLink(pages, String(pages)));
  if (state.page < pages) add(pageLink(state.page + 1, "Next page"));
  pager.replaceChildren(items);
}

function describe(total) {
  const q = state.q.trim();
  const noun = total === 1 ? "record" : "records";
  let text = `${total.toLocaleString("en")} ${noun}`;
  text += q ? ` found for “${q}”` : " match the filters";
  if (total > PAGE_SIZE) {
    const start = (state.page - 1) * PAGE_SIZE + 1;
    const end = Math.min(total, state.page * PAGE_SIZE);
    text += `, showing ${start}–${end}`;
  }
  return `${text}.`;
}

// What the query asked that the search cannot do, said beside the results.
function showNotes(notes) {
  notesBox.replaceChildren(...notes.map((n) => el("li", n)));
  notesBox.hidden = notes.length === 0;
}

// ---- searching ----

// Marks the page settled: aria-busy off, and a count of finished searches that tests
// (and anything else watching) can wait on.
function settled() {
  resultsArea.setAttribute("aria-busy", "false");
  completed += 1;
  root.dataset.searches = String(completed);
}

async function run({ focusResults = false } = {}) {
  const id = ++runId;
  if (!pagefind) return;
  resultsArea.setAttribute("aria-busy", "true");
  if (!isActive(state)) {
    showNotes([]);
    list.replaceChildren();
    pager.replaceChildren();
    drawFacets((name) => totals[name] || {});
    drawChips();
    status.textContent = "Type words to search the records, or choose a filter.";
    settled();
    return;
  }
  const parsed = parseQuery(state.q);
  showNotes(parsed.notes);
  if (!parsed.alternatives.length && !Object.keys(state.filters).length && state.from === null && state.to === null) {
    list.replaceChildren();
    pager.replaceChildren();
    drawFacets((name) => totals[name] || {});
    drawChips();
    status.textContent = "No words to search for.";
    settled();
    return;
  }
  const filters = pagefindFilters(state);
  const tableFetch = recordTable();
  const pf = await pagefind;
  if (id !== runId) return;
  let found = null;
  if (parsed.alternatives.length) {
    found = await findResults(pf, parsed);
    if (id !== runId) return;
    // The first page of results is most likely the first 20 found: their fragments
    // load while the results are placed, filtered and counted (data() is cached).
    if (state.page === 1 && !state.sort) for (const r of found.slice(0, PAGE_SIZE)) r.data().catch(() => {});
  }
  const table = await tableFetch;
  if (id !== runId) return;
  // The words' results (every place, when no words are typed) filtered and counted.
  let foundPlaces;
  if (found === null) {
    foundPlaces = Array.from({ length: manifest.entries }, (_, i) => i);
  } else {
    ({ results: found, places: foundPlaces } = await live(found, table));
    if (id !== runId) return;
  }
  const { matched, counts } = tally(foundPlaces, constraints(state, table), table);
  let results = [];
  let places = [];
  if (found !== null) {
    results = found.filter((_, i) => matched[i]);
    places = foundPlaces.filter((_, i) => matched[i]);
  } else if (filters !== null) {
    // Filters alone: every record Pagefind lists (search-engine.js lists them all;
    // Pagefind's own search applies the filters), kept where the table's `matched`
    // (here by place: foundPlaces is every place in order) says so.
    const { results: all, places: allPlaces } = await live((await pf.search(null, { filters })).results, table);
    if (id !== runId) return;
    const keep = allPlaces.map((place) => matched[place] === 1);
    results = all.filter((_, i) => keep[i]);
    places = allPlaces.filter((_, i) => keep[i]);
  }
  if (state.sort) results = await inDateOrder(results, places, table, state.sort === "date-desc");
  let slice;
  let data;
  for (;;) {
    const pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
    if (state.page > pages) state.page = pages;
    slice = results.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE);
    data = await loaded(slice);
    if (id !== runId) return;
    // What the exclusion search missed (a form Pagefind indexes otherwise) goes here.
    const bad = new Set(slice.filter((_, i) => holdsExcluded(data[i], parsed)));
    if (!bad.size) break;
    results = results.filter((r) => !bad.has(r));
  }
  list.replaceChildren(...data.map((d) => resultItem(d)));
  drawPager(results.length);
  drawFacets((name) => counts[name] || {});
  drawChips();
  if (results.length) status.textContent = describe(results.length);
  else if (filters === null) status.textContent = "No records: no year in the archive falls in that range.";
  else status.textContent = `No records found${state.q.trim() ? ` for “${state.q.trim()}”` : ""}${Object.keys(state.filters).length ? "; try removing a filter" : ""}.`;
  if (focusResults) status.focus();
  settled();
}

function update({ typing = false, focusResults = false } = {}) {
  commit(typing);
  run({ focusResults }).catch(failed);
}

function failed(error) {
  status.textContent = "Search is not available right now: the search index could not be loaded.";
  console.error(error);
}

// ---- events ----

// The index chunks of the words being typed are fetched at once, not after the pause
// that starts the search (Pagefind's preload); words of under three letters would
// fetch too much of the index to be worth it.
function warm(q) {
  if (!pagefind) return;
  const parsed = parseQuery(q);
  const items = [...parsed.alternatives.flat(), ...parsed.exclude].filter((item) => !item.phrase && !hasCjk(item.text));
  const words = items.flatMap((item) => normalized(item.text).trim().split(" ")).filter((w) => [...w].length >= 3);
  if (words.length) pagefind.then((pf) => pf.preload(words.join(" "))).catch(() => {});
}

let typingTimer = 0;
input.addEventListener("input", () => {
  warm(input.value);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    if (input.value.trim() === state.q.trim()) return;
    state = { ...state, q: input.value, page: 1 };
    update({ typing: true });
  }, 200);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typingTimer);
  state = { ...state, q: input.value, page: 1 };
  update();
});

sortSelect.addEventListener("change", () => {
  state = { ...state, sort: Object.hasOwn(SORTS, sortSelect.value) ? sortSelect.value : "", page: 1 };
  update();
});

for (const box of [fromInput, toInput]) {
  box.addEventListener("change", () => {
    state = { ...state, from: cleanYear(fromInput.value), to: cleanYear(toInput.value), page: 1 };
    update();
  });
  // Enter in a year box applies the range without submitting the words again.
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      box.dispatchEvent(new Event("change"));
    }
  });
}

facetsBox.addEventListener("change", (event) => {
  const check = event.target;
  if (!(check instanceof HTMLInputElement) || !check.dataset.facet) return;
  const name = check.dataset.facet;
  const values = new Set(state.filters[name] || []);
  if (check.checked) values.add(check.dataset.value);
  else values.delete(check.dataset.value);
  const filters = { ...state.filters };
  if (values.size) filters[name] = [...values].sort();
  else delete filters[name];
  state = { ...state, filters, page: 1 };
  update();
});

facetsBox.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-more]");
  if (!button) return;
  const name = button.dataset.facet;
  if (expanded.has(name)) expanded.delete(name);
  else expanded.add(name);
  run().catch(failed);
});

facetsBox.addEventListener("input", (event) => {
  const find = event.target;
  if (!(find instanceof HTMLInputElement) || !find.dataset.find) return;
  finding.set(find.dataset.find, find.value);
  drawFacets(lastCountsFor);
});

// Enter in a find box picks nothing and must not submit the words again.
facetsBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target instanceof HTMLInputElement && event.target.dataset.find) {
    event.preventDefault();
  }
});

chipsBox.addEventListener("click", (event) => {
  const chip = event.target.closest("button[data-chip]");
  if (!chip) return;
  const name = chip.dataset.chip;
  const filters = { ...state.filters };
  let { from, to } = state;
  if (name === "all") {
    for (const key of Object.keys(filters)) delete filters[key];
    from = null;
    to = null;
  } else if (name === "years") {
    from = null;
    to = null;
  } else {
    const values = (filters[name] || []).filter((v) => v !== chip.dataset.value);
    if (values.length) filters[name] = values;
    else delete filters[name];
  }
  state = { ...state, filters, from, to, page: 1 };
  showState();
  update({ focusResults: true });
});

// Back from a record: the page comes back scrolled to where it was, with focus on
// the result the reader opened. Remembered for the tab (sessionStorage) with the
// page's address, not in the history entry: changing that entry while a link is
// followed would count as a navigation of its own.
const OPENED = "archivist-search-opened";

list.addEventListener("click", (event) => {
  const link = event.target.closest("a.record-title");
  if (!link) return;
  const saved = { page: location.pathname + location.search, opened: link.getAttribute("href"), scroll: window.scrollY };
  try {
    sessionStorage.setItem(OPENED, JSON.stringify(saved));
  } catch {
    // storage refused (private mode, quota): Back still works, without the focus
  }
});

function restoreOpened() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(OPENED) || "null");
  } catch {
    return;
  }
  if (!saved || saved.page !== location.pathname + location.search) return;
  const link = [...list.querySelectorAll("a.record-title")].find((a) => a.getAttribute("href") === saved.opened);
  if (!link) return;
  link.focus({ preventScroll: true });
  window.scrollTo(0, Number(saved.scroll) || 0);
}

window.addEventListener("pageshow", (event) => {
  if (event.persisted) restoreOpened();
});

pager.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-page]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  state = { ...state, page: Number(link.dataset.page) };
  update({ focusResults: true });
});

window.addEventListener("popstate", () => {
  state = readState(location.search);
  showState();
  run().catch(failed);
});

// ---- start ----

async function start() {
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  showState();
  if (window.matchMedia("(max-width: 47.99rem)").matches && !Object.keys(state.filters).length) {
    filtersPanel.open = false;
  }
  try {
    manifest = await (await fetch(`${bundle}search-manifest.json`, FRESH)).json();
  } catch (error) {
    failed(error);
    return;
  }
  if (!manifest.entries) {
    status.textContent = "This archive has no records to search yet.";
    return;
  }
  totals = manifest.totals || {};
  if (isActive(state)) recordTable().catch(() => {}); // fetched at once: every search needs it
  // The facets before a search come from the manifest, so the page is usable while
  // Pagefind loads; a search waits for it.
  pagefind = loadPagefind();
  pagefind.catch(failed);
  await run();
  restoreOpened();
}

// Large archives are indexed in shards; the first is this bundle, the rest beside it.
// Queries run here over the shards' Pagefind files (search-engine.js) when the
// browser can inflate them and the archive's language has a stemmer; otherwise
// Pagefind's own search merges the shards: every merge is asked for at once, and a
// search need not wait for them (Pagefind adds each shard to its list when asked, in
// the order asked, and searching a shard waits until that shard has loaded).
async function loadPagefind() {
  const stem = stemmerFor(document.documentElement.lang);
  if (stem) {
    // The index chunks are the manifest's: a query's load while the table does.
    const shards = manifest.shards.map((shard) => [base + shard.path, shard.chunks, shard.rank]);
    return new SearchIndex(shards, recordTable(), { stem, baseUrl: base });
  }
  const module = await import(`${bundle}pagefind.js`);
  await module.options({ baseUrl: base, excerptLength: 32 });
  const merged = manifest.shards.slice(1).map((shard) => module.mergeIndex(base + shard.path, { baseUrl: base }));
  Promise.all(merged).catch(failed);
  return module;
}

start().catch(failed);
