// Queries over Pagefind's own index files, without Pagefind's WebAssembly search.
//
// The build indexes the records with Pagefind, in shards (search/indexing.py). At
// query time Pagefind's search costs ~28 µs per result (its worker writes every
// result and location as JSON, the page parses it and makes an object per location)
// plus a pass over all postings per result: a word in 98,000 of 100,000 records took
// ~3 s. This module reads the same files (the meta index, the words' index chunks,
// the fragments) and answers the same queries in one pass over the postings, with
// Pagefind's ranking (BM25 over weighted word places, longer words that begin with a
// query word found and ranked by their length), over every shard as one archive.
//
// Pagefind 1.5's files, as read here: gzip, the 12 bytes "pagefind_dcd", one CBOR
// value.
// - meta: [version, pages [[hash, word count]], chunks [[from, to, hash]], …];
// - index chunk: [[[word, pages, variants]…]]; a page is [page number less the
//   previous page's, places, meta places]; variants [[word, pages]] hold the pages of
//   a word's forms with diacritics (the word itself is stored without them);
// - places: a negative number -(w + 1) sets the weight w (24 = weight 1) of the places
//   after it; the first place after it is absolute, each next one the previous plus it;
// - fragment: JSON (url, content, meta, filters…).
//
// The page (search.js) asks: search(term) with Pagefind's query form (words, or one
// "quoted" run of words that must stand together), search(null) for every record,
// and each result's data(), the fragment with the matched places.

const SIGNATURE = "pagefind_dcd";
const WEIGHT_ONE = 24;
// Pagefind's default ranking (RankingWeights::default()).
const TERM_SIMILARITY = 1.0;
const PAGE_LENGTH = 0.75;
const TERM_SATURATION = 1.4;
const DIACRITIC_SIMILARITY = 0.8;
const META_WEIGHTS = { title: 5.0 };
const EXCERPT_LENGTH = 32;
// The fewest letters of a query word a shorter indexed word must keep (termPages).
const FALLBACK_LETTERS = 3;
const PUNCTUATION = /^(?:\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps})$/u;
const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

// ---- files ----

// CBOR as Pagefind writes it (integers, strings, arrays, maps, definite lengths),
// read from `pos`; `skip` passes over an item without building it.
class Cbor {
  constructor(bytes, pos = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  head() {
    const head = this.bytes[this.pos++];
    const info = head & 31;
    let n = info;
    if (info === 24) n = this.bytes[this.pos++];
    else if (info === 25) n = this.view.getUint16((this.pos += 2) - 2);
    else if (info === 26) n = this.view.getUint32((this.pos += 4) - 4);
    else if (info === 27) n = Number(this.view.getBigUint64((this.pos += 8) - 8));
    else if (info > 27) throw new Error(`unsupported CBOR head ${head}`);
    return [head >> 5, n];
  }

  item() {
    const [major, n] = this.head();
    switch (major) {
      case 0: return n;
      case 1: return -1 - n;
      case 2: return this.bytes.subarray((this.pos += n) - n, this.pos);
      case 3: return this.text(n);
      case 4: { const out = new Array(n); for (let i = 0; i < n; i++) out[i] = this.item(); return out; }
      case 5: { const out = []; for (let i = 0; i < n; i++) out.push([this.item(), this.item()]); return out; }
      default: throw new Error(`unsupported CBOR major type ${major}`);
    }
  }

  // Short ASCII text (page ids, most words) without a TextDecoder call each.
  text(n) {
    const { bytes } = this;
    const start = this.pos;
    this.pos += n;
    if (n > 24) return textDecoder.decode(bytes.subarray(start, this.pos));
    let out = "";
    for (let i = start; i < this.pos; i++) {
      if (bytes[i] > 127) return textDecoder.decode(bytes.subarray(start, this.pos));
      out += String.fromCharCode(bytes[i]);
    }
    return out;
  }

  skip() {
    const [major, n] = this.head();
    if (major === 2 || major === 3) this.pos += n;
    else if (major === 4) for (let i = 0; i < n; i++) this.skip();
    else if (major === 5) for (let i = 0; i < 2 * n; i++) this.skip();
  }
}

async function inflate(response, what, signature = SIGNATURE) {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  const head = () => textDecoder.decode(bytes.subarray(0, signature.length));
  if (head() !== signature) {
    // A Response, not a Blob: a Blob's bytes are copied out to the browser process.
    const stream = new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  if (head() !== signature) throw new Error(`${what}: not a ${signature} file`);
  return bytes.subarray(signature.length);
}

// ---- reading a chunk's words in place ----
//
// Queries read the index chunks with these, not with Cbor: they keep no object per
// CBOR head (a query walks hundreds of thousands), and leave the head's major type
// and argument in `major` and `arg`.
let major = 0;
let arg = 0;

// The head at `pos`: sets `major` and `arg`, gives the position after it.
function headAt(bytes, pos) {
  const head = bytes[pos++];
  const info = head & 31;
  major = head >> 5;
  if (info < 24) arg = info;
  else if (info === 24) arg = bytes[pos++];
  else if (info === 25) arg = (bytes[pos++] << 8) | bytes[pos++];
  else if (info === 26) arg = ((bytes[pos++] << 24) | (bytes[pos++] << 16) | (bytes[pos++] << 8) | bytes[pos++]) >>> 0;
  else if (info === 27) {
    const high = ((bytes[pos++] << 24) | (bytes[pos++] << 16) | (bytes[pos++] << 8) | bytes[pos++]) >>> 0;
    arg = high * 2 ** 32 + (((bytes[pos++] << 24) | (bytes[pos++] << 16) | (bytes[pos++] << 8) | bytes[pos++]) >>> 0);
  } else throw new Error(`unsupported CBOR head ${head}`);
  return pos;
}

// The integer at `pos` (left in `arg`), gives the position after it.
function intAt(bytes, pos) {
  pos = headAt(bytes, pos);
  if (major === 1) arg = -1 - arg;
  else if (major !== 0) throw new Error(`expected a CBOR integer, found major type ${major}`);
  return pos;
}

// The position after the item at `pos`, counting the items still to pass rather
// than recursing.
function skipAt(bytes, pos) {
  for (let pending = 1; pending > 0; pending--) {
    pos = headAt(bytes, pos);
    if (major === 2 || major === 3) pos += arg;
    else if (major === 4) pending += arg;
    else if (major === 5) pending += 2 * arg;
  }
  return pos;
}

// UTF-8 text from `start` to `end`; short ASCII (most words) without a TextDecoder call.
function textAt(bytes, start, end) {
  if (end - start > 24) return textDecoder.decode(bytes.subarray(start, end));
  let out = "";
  for (let i = start; i < end; i++) {
    if (bytes[i] > 127) return textDecoder.decode(bytes.subarray(start, end));
    out += String.fromCharCode(bytes[i]);
  }
  return out;
}

// How the word at bytes[start, end) stands to `word` (UTF-8 bytes), in Pagefind's
// byte order: BEFORE it, the SAME, EXTENDS it (begins with it) or AFTER it.
const BEFORE = 0;
const SAME = 1;
const EXTENDS = 2;
const AFTER = 3;
function relation(bytes, start, end, word) {
  const length = end - start;
  const common = Math.min(length, word.length);
  for (let i = 0; i < common; i++) {
    const d = bytes[start + i] - word[i];
    if (d) return d < 0 ? BEFORE : AFTER;
  }
  return length < word.length ? BEFORE : length === word.length ? SAME : EXTENDS;
}

// An index chunk's words, read only as far as a query needs: `keys[k]` is where the
// k-th word's text starts and `ats[k]` where it ends (its pages start); a word's
// pages and variants (`forms[k]`) are decoded when a query first matches it. Pagefind
// writes a chunk's words in byte order (chunksFor relies on it too), so a search
// stops at the first word past its own, and the next search goes on from there.
class ChunkWords {
  constructor(bytes) {
    this.bytes = bytes;
    let pos = headAt(bytes, 0); // [words]
    pos = headAt(bytes, pos);
    this.count = arg;
    this.pos = pos;
    this.read = 0;
    this.keys = new Int32Array(arg);
    this.ats = new Int32Array(arg);
    this.forms = [];
  }

  // The words that are `word` (UTF-8 bytes) or, with `prefix`, begin with it: [k].
  find(word, prefix) {
    const { bytes, keys, ats } = this;
    // Read on until a word past `word`'s range (or the end).
    while (this.read < this.count && !(this.read && relation(bytes, keys[this.read - 1], ats[this.read - 1], word) === AFTER)) {
      let pos = headAt(bytes, this.pos); // [word, pages, variants]
      pos = headAt(bytes, pos);
      keys[this.read] = pos;
      ats[this.read] = pos + arg;
      this.pos = skipAt(bytes, skipAt(bytes, pos + arg));
      this.read++;
    }
    // The first word not before `word`, then the run that matches.
    let low = 0;
    let high = this.read;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (relation(bytes, keys[mid], ats[mid], word) === BEFORE) low = mid + 1;
      else high = mid;
    }
    const out = [];
    for (let k = low; k < this.read; k++) {
      const how = relation(bytes, keys[k], ats[k], word);
      if (how === SAME || (prefix && how === EXTENDS)) out.push(k);
      else break;
    }
    return out;
  }

  word(k) {
    return textAt(this.bytes, this.keys[k], this.ats[k]);
  }

  // A word's forms: the word as stored (without diacritics), then each variant (with
  // them).
  formsOf(k) {
    if (!this.forms[k]) {
      const { bytes } = this;
      const forms = [readForm(bytes, this.ats[k], this.word(k))];
      let pos = headAt(bytes, cursor);
      for (let i = 0, variants = arg; i < variants; i++) {
        pos = headAt(bytes, pos); // [form, pages]
        pos = headAt(bytes, pos);
        const form = textAt(bytes, pos, pos + arg);
        forms.push(readForm(bytes, pos + arg, form));
        pos = cursor;
      }
      this.forms[k] = forms;
    }
    return this.forms[k];
  }
}

const NO_FIELDS = [];
// Where readForm stopped; a growing scratch for the places it reads.
let cursor = 0;
let scratch = new Int32Array(1024);

// One form of a word, read from its pages at `pos`: page numbers made absolute, and
// each page's places as (weight, place) pairs in `data` from `starts[i]` to
// `starts[i + 1]` (see the file notes above); `sums[i]`, the page's summed weights;
// `fields[i]`, the meta fields it is in. Leaves `cursor` after the pages.
function readForm(bytes, pos, form) {
  pos = headAt(bytes, pos);
  const count = arg;
  const pages = new Int32Array(count);
  const starts = new Int32Array(count + 1);
  const sums = new Int32Array(count);
  let fields = null;
  let page = 0;
  let length = 0;
  for (let i = 0; i < count; i++) {
    pos = headAt(bytes, pos); // [page delta, places, meta places]
    pos = intAt(bytes, pos);
    page += arg;
    pages[i] = page;
    starts[i] = length;
    pos = headAt(bytes, pos);
    const n = arg;
    if (length + 2 * n > scratch.length) {
      const grown = new Int32Array(Math.max(2 * scratch.length, length + 2 * n));
      grown.set(scratch.subarray(0, length));
      scratch = grown;
    }
    let weight = WEIGHT_ONE;
    let previous = -1;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      pos = intAt(bytes, pos);
      const v = arg;
      if (v < 0) {
        weight = Math.min(-v - 1, 255);
        previous = -1;
      } else {
        previous = previous < 0 ? v : previous + v;
        scratch[length++] = weight;
        scratch[length++] = previous;
        sum += weight;
      }
    }
    sums[i] = sum;
    pos = headAt(bytes, pos); // [meta places]
    const m = arg;
    if (m) {
      fields ??= new Array(count).fill(NO_FIELDS);
      const inFields = [];
      for (let j = 0; j < m; j++) {
        pos = intAt(bytes, pos);
        if (arg < 0) inFields.push(-arg - 1);
      }
      fields[i] = inFields;
    }
  }
  starts[count] = length;
  cursor = pos;
  return { form, pages, starts, sums, data: scratch.slice(0, length), fields };
}

// Pagefind compares words as UTF-8 bytes, that is by code point.
function compare(a, b) {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

const bytesOf = (word) => textEncoder.encode(word).length;

// ---- one bundle (shard) ----

class Bundle {
  // `chunks`: the bundle's index chunks ([from, to, hash], the manifest's list);
  // `row`: a promise of its row of the search table (readTable), its pages and meta
  // fields. Chunks may load before the table has.
  constructor(url, chunks, rank, row) {
    this.url = url;
    this.rank = rank;
    this.chunks = chunks;
    this.chunkCache = new Map();
    this.fragments = new Map();
    this.ready = row.then(({ ids, counts, places, fields }) => {
      this.ids = ids; // each page's result id
      this.counts = counts; // each page's word count
      this.metaFields = fields;
      this.places = places; // each page's place in the archive's date order
      return this;
    });
  }

  // The index chunks that may hold `word` (exact) or any word beginning with it.
  // A chunk's bounds are prefixes: its words sort from `from` on, and each begins
  // with at most `to` (the next chunk's first word is past `to` in its letters).
  chunksFor(word, prefix) {
    return this.chunks.filter(([from, to]) => {
      if (compare([...word].slice(0, [...to].length).join(""), to) > 0) return false;
      if (compare(word, from) >= 0) return true;
      return prefix && from.startsWith(word);
    });
  }

  chunk(hash) {
    if (!this.chunkCache.has(hash)) {
      const name = `index/${hash}.pf_index`;
      const loading = fetch(`${this.url}${name}`)
        .then((response) => inflate(response, name))
        .then((bytes) => new ChunkWords(bytes));
      loading.catch(() => this.chunkCache.delete(hash));
      this.chunkCache.set(hash, loading);
    }
    return this.chunkCache.get(hash);
  }

  // Words of the loaded chunks that match: `word` itself (exact), or every word
  // beginning with it, as [word, forms] in word order.
  async words(word, prefix) {
    const bytes = textEncoder.encode(word);
    const found = new Map();
    for (const chunk of await Promise.all(this.chunksFor(word, prefix).map(([, , hash]) => this.chunk(hash)))) {
      for (const k of chunk.find(bytes, prefix)) {
        found.set(chunk.word(k), chunk.formsOf(k));
      }
    }
    return [...found].sort(([x], [y]) => compare(x, y));
  }

  fragment(hash) {
    if (!this.fragments.has(hash)) {
      const name = `fragment/${hash}.pf_fragment`;
      const loading = fetch(`${this.url}${name}`)
        .then((response) => inflate(response, name))
        .then((bytes) => JSON.parse(textDecoder.decode(bytes)));
      loading.catch(() => this.fragments.delete(hash));
      this.fragments.set(hash, loading);
    }
    return this.fragments.get(hash);
  }
}

// ---- the search table (search/table.py) ----

const TABLE_SIGNATURE = "archivist_st";
const TABLE_KIND = "archivist search table 1";

// Little-endian integers `width` bytes wide (1, 2 or 4).
function column(bytes, width, signed = false) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / width;
  const out = signed ? new Int32Array(n) : new Uint32Array(n);
  if (width === 1) for (let i = 0; i < n; i++) out[i] = signed ? view.getInt8(i) : view.getUint8(i);
  else if (width === 2) for (let i = 0; i < n; i++) out[i] = signed ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
  else for (let i = 0; i < n; i++) out[i] = signed ? view.getInt32(4 * i, true) : view.getUint32(4 * i, true);
  return out;
}

// The search table: every bundle's pages (ids, word counts, places in date order)
// and meta fields; every place's filter values, a facet's values for
// place p being items[start[p]] to items[start[p + 1]]; and (id URL) → place for ids
// two bundles share.
export async function readTable(url) {
  const reader = new Cbor(await inflate(await fetch(url), url.split("?")[0], TABLE_SIGNATURE));
  const [kind, dated, rows, facets, ambiguous] = reader.item();
  if (kind !== TABLE_KIND) throw new Error(`${url}: not a search table this page reads (${kind})`);
  const bundles = rows.map(([ids, counts, places, fields]) => ({
    ids: ids ? ids.split(" ") : [],
    counts: column(counts, 4),
    places: column(places, 4, true),
    fields,
  }));
  const columns = {};
  for (const [name, values, counts, items, countWidth, itemWidth] of facets) {
    const per = column(counts, countWidth);
    const start = new Uint32Array(per.length + 1);
    for (let i = 0; i < per.length; i++) start[i + 1] = start[i] + per[i];
    columns[name] = { values, start, items: column(items, itemWidth) };
  }
  return { dated, bundles, facets: columns, ambiguous: new Map(ambiguous.map(([id, u, place]) => [`${id} ${u}`, place])) };
}

// ---- queries ----

// The query as Pagefind reads it: lower case, punctuation out (`original`), then
// without diacritics (`folded`).
function normalizeQuery(term) {
  let out = "";
  for (const char of String(term)) out += PUNCTUATION.test(char) ? "" : char.toLocaleLowerCase();
  const original = out.replace(/\s{2,}/g, " ").trim();
  return { original, folded: original.normalize("NFD").replace(/\p{M}/gu, "") };
}

// Pagefind's bonus for a word longer than the query word it begins with.
function lengthBonus(word, term) {
  const differential = Math.min(Math.abs(bytesOf(word) - bytesOf(term)) + 1, 255);
  const base = Math.exp((-0.5 * differential ** 2) / 4);
  return Math.exp(base * TERM_SIMILARITY) / Math.exp(TERM_SIMILARITY);
}

// Whether a form's diacritics agree with the query word as typed (Pagefind's rule).
function diacriticsMatch(original, form) {
  return form === original || form.startsWith(original) || original.startsWith(form);
}

function idf(total, containing) {
  return Math.log((total - containing + 0.5) / (containing + 0.5) + 1);
}

function bm25(weighted, pageLength, stats, containing, bonus) {
  return bm25With(weighted, lengthNorm(pageLength, stats), idf(stats.total, containing), bonus);
}

// BM25's part that depends on the page alone, worked out once a page (layout).
function lengthNorm(pageLength, stats) {
  return TERM_SATURATION * (1 - PAGE_LENGTH + PAGE_LENGTH * (pageLength / stats.averageLength));
}

// BM25 with the page's length norm and the term's IDF given.
function bm25With(weighted, norm, termIdf, bonus) {
  const tf = weighted * bonus;
  return termIdf * (((TERM_SATURATION + 1) * tf) / (norm + tf));
}

// The usual case: no two matched words share a place, so each place counts once
// for its own word: each word's summed weights. Null when some place is shared (a
// compound word's parts).
function distinctPlaces(entries) {
  const weighted = new Map();
  const seen = new Set();
  for (const entry of entries) {
    const { data, starts } = entry.form;
    let sum = 0;
    for (let i = starts[entry.i], end = starts[entry.i + 1]; i < end; i += 2) {
      if (seen.has(data[i + 1])) return null;
      seen.add(data[i + 1]);
      sum += data[i];
    }
    weighted.set(entry.word, (weighted.get(entry.word) || 0) + sum);
  }
  return weighted;
}

function sharedPlaces(entries) {
  const flat = [];
  for (const entry of entries) {
    const { data } = entry.form;
    for (let i = entry.form.starts[entry.i], end = entry.form.starts[entry.i + 1]; i < end; i += 2) {
      flat.push([data[i + 1], data[i], entry]);
    }
  }
  flat.sort((a, b) => a[0] - b[0]);
  const weighted = new Map();
  for (let i = 0; i < flat.length; ) {
    const place = flat[i][0];
    const seen = new Map();
    for (; i < flat.length && flat[i][0] === place; i++) {
      const [, weight, entry] = flat[i];
      if (!seen.has(entry.term)) seen.set(entry.term, [entry.word, weight]);
    }
    let least = 255;
    for (const [, weight] of seen.values()) least = Math.min(least, weight);
    const effective = seen.size > 1 ? Math.min(least * seen.size, 255) : least;
    for (const [word] of seen.values()) weighted.set(word, (weighted.get(word) || 0) + effective);
  }
  return weighted;
}

// Pagefind's boost for query words found in a meta field (`name`): its weight times
// the words' IDF (`matched`) times the share of the query's IDF they cover, squared.
function fieldBoost(name, matched, query) {
  if (name === undefined || !(query.totalIdf > 0)) return 0;
  const coverage = matched / query.totalIdf;
  return (META_WEIGHTS[name] ?? 1) * matched * coverage * coverage;
}

// One page's score, as Pagefind 1.5 ranks (search_term): each place once; where
// words of several query terms share a place (a compound word's parts), the lowest
// weight times their number; BM25 per matched word with the query term's page count,
// times the diacritics bonus; plus the meta fields' boost.
function scorePage(entries, pageLength, query, stats) {
  const weighted = distinctPlaces(entries) || sharedPlaces(entries);
  let score = 0;
  for (const [word, sum] of weighted) {
    const first = entries.find((e) => e.word === word);
    score += bm25(sum / WEIGHT_ONE, pageLength, stats, query.containing[first.term], first.lengthBonus) * first.diacriticBonus;
  }
  const fields = new Map();
  for (const entry of entries) {
    if (!entry.form.fields) continue;
    for (const field of entry.form.fields[entry.i]) {
      if (!fields.has(field)) fields.set(field, new Map());
      fields.get(field).set(entry.word, query.idfs[entry.term]);
    }
  }
  for (const [field, words] of fields) {
    score += fieldBoost(stats.metaFields[field], [...words.values()].reduce((x, y) => x + y, 0), query);
  }
  return score;
}

// A result as Pagefind gives it: id, score, the matched places (`words`), data();
// and `shard`, the rank of the shard it came from (the manifest's).
class Result {
  // `source`: the index and the query's matches; `page`: the page's number in the
  // archive (see layout); `places`: the matched places, or null to gather them from
  // the matches when asked (most results are never shown). The rest is worked out
  // when read: a common word has ~100,000 results.
  constructor(source, page, score, places) {
    this.source = source;
    this.page = page;
    this.score = score;
    this.places = places;
  }

  get index() {
    return this.source.index;
  }

  get bundle() {
    const { index } = this.source;
    return index.bundles[index.pagesLaid.bundleOf[this.page]];
  }

  // The page's number in its bundle.
  get number() {
    const { first, bundleOf } = this.source.index.pagesLaid;
    return this.page - first[bundleOf[this.page]];
  }

  get id() {
    return this.bundle.ids[this.number];
  }

  get shard() {
    return this.bundle.rank;
  }

  // The record's place in the archive's date order (-1: a stale entry).
  get place() {
    return this.bundle.places[this.number];
  }

  get words() {
    this.places ??= this.source.matches.places(this.page);
    return this.places;
  }

  data() {
    return this.index.data(this.bundle, this.id, this.words);
  }
}

// A query's matches laid out by page (every bundle's pages numbered as one archive,
// see SearchIndex.layout): an entry is one form of a matching word on one page, the
// `at[e]`-th page of `lists[list[e]]`; page g's entries are `start[g]` to
// `start[g + 1]`, in the query's term order, then word order, then form order (the
// order Pagefind's ranking sums in). `containing[t]`: how many pages hold term t;
// `terms[g]`: how many terms page g holds. Typed arrays, not an object per entry: a
// frequent word has one on nearly every page.
class Matches {
  constructor(terms, layout) {
    const { first, total } = layout;
    this.lists = terms.flat();
    this.containing = terms.map(() => 0);
    this.terms = new Int32Array(total);
    const start = new Int32Array(total + 1);
    const last = new Int32Array(total); // the last term (+ 1) counted on each page
    for (let t = 0; t < terms.length; t++) {
      for (const { bundle, form } of terms[t]) {
        const base = first[bundle];
        const { pages } = form;
        for (let i = 0; i < pages.length; i++) {
          const g = base + pages[i];
          start[g + 1]++;
          if (last[g] !== t + 1) {
            last[g] = t + 1;
            this.containing[t]++;
            this.terms[g]++;
          }
        }
      }
    }
    for (let g = 0; g < total; g++) start[g + 1] += start[g];
    const next = start.slice(0, total);
    this.list = new Int32Array(start[total]);
    this.at = new Int32Array(start[total]);
    this.lists.forEach(({ bundle, form }, l) => {
      const base = first[bundle];
      const { pages } = form;
      for (let i = 0; i < pages.length; i++) {
        const e = next[base + pages[i]]++;
        this.list[e] = l;
        this.at[e] = i;
      }
    });
    this.start = start;
  }

  // Entry e as an object (the general scorer, phrases).
  entry(e) {
    const { term, word, lengthBonus, diacriticBonus, form } = this.lists[this.list[e]];
    return { term, word, lengthBonus, diacriticBonus, form, i: this.at[e] };
  }

  entries(g) {
    const out = [];
    for (let e = this.start[g]; e < this.start[g + 1]; e++) out.push(this.entry(e));
    return out;
  }

  // Page g's matched places, in order, each once.
  places(g) {
    const all = [];
    for (let e = this.start[g]; e < this.start[g + 1]; e++) {
      const { data, starts } = this.lists[this.list[e]].form;
      for (let i = starts[this.at[e]], end = starts[this.at[e] + 1]; i < end; i += 2) all.push(data[i + 1]);
    }
    all.sort((a, b) => a - b);
    return all.filter((place, i) => i === 0 || place !== all[i - 1]);
  }
}

// scorePage for a page with one entry (most pages of most queries), from the form's
// summed weights: no places walked, no Map, no Set.
function scoreOne(matches, e, norm, query, metaFields) {
  const { term, lengthBonus, diacriticBonus, form } = matches.lists[matches.list[e]];
  const i = matches.at[e];
  let score = bm25With(form.sums[i] / WEIGHT_ONE, norm, query.idfs[term], lengthBonus) * diacriticBonus;
  if (form.fields) {
    const fields = form.fields[i];
    for (let j = 0; j < fields.length; j++) {
      // Each field once (the first time it is listed), as a Set would.
      if (fields.indexOf(fields[j]) === j) score += fieldBoost(metaFields[fields[j]], query.idfs[term], query);
    }
  }
  return score;
}

// Scratch for scoreMany, reused from page to page: `marks[place] === stamp` for the
// places seen on the current page; the page's words (first entry, summed weights,
// first place); its places as sortable keys (place × SEQUENCE + their order), with
// each one's weight and entry; the terms at one place; its (field, word, IDF) triples.
let marks = new Int32Array(4096);
let stamp = 0;
const manyWords = [];
const manySums = [];
const manyFirst = [];
const firstPlaces = [];
const SEQUENCE = 2 ** 21;
let keys = new Float64Array(1024);
let keyWeights = new Int32Array(1024);
let keyEntries = new Int32Array(1024);
const termAt = [];
const wordAt = [];
const weightAt = [];
const fieldOf = [];
const wordOf = [];
const idfOf = [];

// A word's slot in the page's words, added (with no weight yet) when new.
function slotOf(word, words, e) {
  let w = 0;
  while (w < words.count && manyWords[w] !== word) w++;
  if (w === words.count) {
    manyWords[w] = word;
    manySums[w] = 0;
    manyFirst[w] = e;
    firstPlaces[w] = Infinity;
    words.count++;
  }
  return w;
}

// A new stamp for the places of the next page.
function nextStamp() {
  if (++stamp === 2 ** 31 - 1) {
    marks.fill(0);
    stamp = 1;
  }
}

// Whether `place` was seen on this page before; it is now.
function seenBefore(place) {
  if (place >= marks.length) {
    const grown = new Int32Array(2 * place + 2);
    grown.set(marks);
    marks = grown;
  }
  if (marks[place] === stamp) return true;
  marks[place] = stamp;
  return false;
}

// distinctPlaces or sharedPlaces, in one pass, for a page whose entries are all one
// term's: each place counts once, with its first entry's weight (sharedPlaces' rule
// for one term; distinctPlaces' where none repeats). The words sum in entry order
// where no place repeats (distinctPlaces), else in the order of each one's first
// place (sharedPlaces goes place by place).
function oneTermWords(matches, e0, e1, words) {
  const { lists, list, at } = matches;
  nextStamp();
  let repeated = false;
  for (let e = e0; e < e1; e++) {
    const { word, form } = lists[list[e]];
    const { data, starts } = form;
    const w = slotOf(word, words, e);
    for (let i = starts[at[e]], end = starts[at[e] + 1]; i < end; i += 2) {
      const place = data[i + 1];
      if (seenBefore(place)) {
        repeated = true;
        continue;
      }
      manySums[w] += data[i];
      if (place < firstPlaces[w]) firstPlaces[w] = place;
    }
  }
  if (!repeated) return;
  // Insertion sort by first place (a page has a few words); a word with no place of
  // its own stays last and adds 0.
  for (let w = 1; w < words.count; w++) {
    const word = manyWords[w];
    const sum = manySums[w];
    const first = manyFirst[w];
    const place = firstPlaces[w];
    let v = w;
    for (; v > 0 && firstPlaces[v - 1] > place; v--) {
      manyWords[v] = manyWords[v - 1];
      manySums[v] = manySums[v - 1];
      manyFirst[v] = manyFirst[v - 1];
      firstPlaces[v] = firstPlaces[v - 1];
    }
    manyWords[v] = word;
    manySums[v] = sum;
    manyFirst[v] = first;
    firstPlaces[v] = place;
  }
}

// distinctPlaces for entries e0 to e1 of a page into the words' scratch; false when
// two entries share a place.
function distinctWords(matches, e0, e1, words) {
  const { lists, list, at } = matches;
  nextStamp();
  for (let e = e0; e < e1; e++) {
    const { word, form } = lists[list[e]];
    const { data, starts } = form;
    let sum = 0;
    for (let i = starts[at[e]], end = starts[at[e] + 1]; i < end; i += 2) {
      if (seenBefore(data[i + 1])) return false;
      sum += data[i];
    }
    manySums[slotOf(word, words, e)] += sum;
  }
  return true;
}

// sharedPlaces for entries e0 to e1 of a page into the words' scratch: the places
// sorted (stable: their order is in the key) without an array per place; false
// when there are too many to key (never seen: a page has far fewer).
function sharedWords(matches, e0, e1, words) {
  const { lists, list, at } = matches;
  let m = 0;
  for (let e = e0; e < e1; e++) {
    const { data, starts } = lists[list[e]].form;
    for (let i = starts[at[e]], end = starts[at[e] + 1]; i < end; i += 2) {
      if (m === SEQUENCE) return false;
      if (m === keys.length) {
        const grow = (array) => {
          const grown = new array.constructor(2 * m);
          grown.set(array);
          return grown;
        };
        keys = grow(keys);
        keyWeights = grow(keyWeights);
        keyEntries = grow(keyEntries);
      }
      keys[m] = data[i + 1] * SEQUENCE + m;
      keyWeights[m] = data[i];
      keyEntries[m++] = e;
    }
  }
  const sorted = keys.subarray(0, m).sort();
  for (let j = 0; j < m; ) {
    const place = Math.floor(sorted[j] / SEQUENCE);
    // Each term's first word at this place, with its weight.
    let seen = 0;
    for (; j < m && Math.floor(sorted[j] / SEQUENCE) === place; j++) {
      const k = sorted[j] - place * SEQUENCE;
      const { term, word } = lists[list[keyEntries[k]]];
      let t = 0;
      while (t < seen && termAt[t] !== term) t++;
      if (t === seen) {
        termAt[seen] = term;
        wordAt[seen] = word;
        weightAt[seen++] = keyWeights[k];
      }
    }
    let least = 255;
    for (let t = 0; t < seen; t++) least = Math.min(least, weightAt[t]);
    const effective = seen > 1 ? Math.min(least * seen, 255) : least;
    for (let t = 0; t < seen; t++) manySums[slotOf(wordAt[t], words, -1)] += effective;
  }
  // Each word's first entry, in entry order (as scorePage finds it).
  for (let w = 0; w < words.count; w++) {
    let e = e0;
    while (lists[list[e]].word !== manyWords[w]) e++;
    manyFirst[w] = e;
  }
  return true;
}

const pageWords = { count: 0 };

// scorePage for entries e0 to e1 of a page (more than one), summed in the same
// order, with scratch arrays for its Maps and Sets; null in the case sharedWords
// cannot take.
function scoreMany(matches, e0, e1, norm, query, metaFields) {
  const { lists, list, at } = matches;
  pageWords.count = 0;
  if (lists[list[e0]].term === lists[list[e1 - 1]].term) oneTermWords(matches, e0, e1, pageWords);
  else if (!distinctWords(matches, e0, e1, pageWords)) {
    pageWords.count = 0;
    if (!sharedWords(matches, e0, e1, pageWords)) return null;
  }
  let score = 0;
  for (let w = 0; w < pageWords.count; w++) {
    const first = lists[list[manyFirst[w]]];
    score += bm25With(manySums[w] / WEIGHT_ONE, norm, query.idfs[first.term], first.lengthBonus) * first.diacriticBonus;
  }
  // The fields the words are in: per field, each word's IDF (the last entry's), summed.
  let triples = 0;
  for (let e = e0; e < e1; e++) {
    const { word, term, form } = lists[list[e]];
    if (!form.fields) continue;
    for (const field of form.fields[at[e]]) {
      let t = 0;
      while (t < triples && !(fieldOf[t] === field && wordOf[t] === word)) t++;
      fieldOf[t] = field;
      wordOf[t] = word;
      idfOf[t] = query.idfs[term];
      if (t === triples) triples++;
    }
  }
  for (let t = 0; t < triples; t++) {
    if (fieldOf.indexOf(fieldOf[t]) < t) continue;
    let matched = 0;
    for (let u = t; u < triples; u++) if (fieldOf[u] === fieldOf[t]) matched += idfOf[u];
    score += fieldBoost(metaFields[fieldOf[t]], matched, query);
  }
  return score;
}

export class SearchIndex {
  // `bundles`: [URL (ending in "/"), index chunks, shard rank] in the manifest's
  // order (rank may be undefined); `table`: a promise of the search table, whose rows
  // are the bundles' in the same order;
  // `stem`: the index language's stemmer (stemmer.js), or null to match words as typed.
  constructor(bundles, table, { stem, baseUrl }) {
    this.bundles = bundles.map(([url, chunks, rank], i) => new Bundle(url, chunks, rank, table.then((t) => t.bundles[i])));
    this.stem = stem || ((word) => word);
    this.baseUrl = baseUrl;
    this.opened = Promise.all(this.bundles.map((b) => b.ready)).then(() => {
      let total = 0;
      let words = 0;
      for (const b of this.bundles) {
        total += b.ids.length;
        for (const count of b.counts) words += count;
      }
      const metaFields = this.bundles.find((b) => b.metaFields.length)?.metaFields || [];
      this.stats = { total, averageLength: total ? words / total : 1, metaFields };
    });
  }

  // A search loads every chunk its words' ranges touch: no extension is missed, and
  // the page need not preload the chunks where the ranges end (search.js, rangeEnds).
  get complete() {
    return true;
  }

  // The index chunks for `term`'s words (each a word's whole range), fetched and
  // read ahead of a search, as the reader types.
  async preload(term) {
    const words = normalizeQuery(term).folded.split(" ").filter(Boolean);
    await Promise.all(words.map((w) => Promise.all(this.bundles.map((b) => b.words(this.stem(w), true)))));
  }

  // A query term's matches: lists, each of one form of a matching word in one bundle
  // ({term, bundle, word, lengthBonus, diacriticBonus, form}), in bundle order, then
  // word order. The words: every word that begins with the query word (or the word
  // alone, exact); when none does, the longest indexed word it begins with
  // ("ministerr" → "minister"), as Pagefind does, but over the whole archive, and
  // only a word keeping at least half its letters and three: Pagefind's fallback
  // would answer "Khrushchev", absent from an archive, with every record holding an
  // initial "K.".
  async termPages(term, stemmed, original, exact) {
    const lists = [];
    const add = (found, b) => {
      for (const [word, forms] of found) {
        const bonus = lengthBonus(word, stemmed);
        for (const form of forms) {
          if (!form.pages.length) continue;
          const diacriticBonus = diacriticsMatch(original, form.form) ? 1 + DIACRITIC_SIMILARITY : 1;
          lists.push({ term, bundle: b, word, lengthBonus: bonus, diacriticBonus, form });
        }
      }
    };
    (await Promise.all(this.bundles.map((bundle) => bundle.words(stemmed, !exact)))).forEach(add);
    if (!exact && !lists.length) {
      const letters = [...stemmed];
      const shortest = Math.max(FALLBACK_LETTERS, Math.ceil(letters.length / 2));
      for (let n = letters.length - 1; n >= shortest && !lists.length; n--) {
        const shorter = letters.slice(0, n).join("");
        (await Promise.all(this.bundles.map((bundle) => bundle.words(shorter, false)))).forEach(add);
      }
    }
    return lists;
  }

  // Every bundle's pages numbered as one archive, in the manifest's order (so a
  // smaller number is Pagefind's tie order): page g is page g − first[b] of bundle
  // bundleOf[g]; its length, and BM25's length norm (see bm25With). Once all are open.
  layout() {
    if (!this.pagesLaid) {
      const { total } = this.stats;
      const first = new Int32Array(this.bundles.length + 1);
      const bundleOf = new Int32Array(total);
      const lengths = new Float64Array(total);
      const norms = new Float64Array(total);
      let g = 0;
      this.bundles.forEach((bundle, b) => {
        first[b] = g;
        for (const length of bundle.counts) {
          bundleOf[g] = b;
          lengths[g] = length;
          norms[g++] = lengthNorm(length, this.stats);
        }
      });
      first[this.bundles.length] = g;
      this.pagesLaid = { first, bundleOf, lengths, norms, total };
    }
    return this.pagesLaid;
  }

  // Pagefind's search(term): the results best first, each {id, score, words, data()};
  // `null` lists every record (in index order, with no places).
  async search(term) {
    if (term === null) {
      await this.opened;
      const all = new Array(this.layout().total);
      const source = { index: this, matches: null };
      for (let g = 0; g < all.length; g++) all[g] = new Result(source, g, 0, []);
      return { results: all };
    }
    const exact = /^\s*".+"\s*$/.test(term);
    const { original, folded } = normalizeQuery(term);
    const words = folded.split(" ").filter(Boolean);
    if (!words.length) return { results: [] };
    const originals = original.split(" ");
    const terms = await Promise.all(words.map((w, i) => this.termPages(i, this.stem(w), originals[i] || "", exact)));
    await this.opened;
    const layout = this.layout();
    const matches = new Matches(terms, layout);
    const { containing } = matches;
    const idfs = containing.map((n) => idf(this.stats.total, n));
    const query = { containing, idfs, totalIdf: idfs.reduce((x, y) => x + y, 0) };
    // A word that matches nothing is left out when another matches (Pagefind's rule):
    // "economic quokka" finds what "economic" finds.
    const matching = exact ? terms.length : containing.filter((n) => n).length;
    if (!matching) return { results: [] };
    const { start } = matches;
    const { norms, lengths } = layout;
    const { metaFields } = this.stats;
    let n = 0;
    const pages = new Int32Array(Math.min(...containing.filter((c) => c || exact)));
    const scores = new Float64Array(pages.length);
    const places = exact ? [] : null;
    for (let g = 0; g < layout.total; g++) {
      if (matches.terms[g] !== matching) continue;
      const e0 = start[g];
      const e1 = start[g + 1];
      if (exact) {
        const perTerm = terms.map(() => []);
        for (let e = e0; e < e1; e++) perTerm[matches.lists[matches.list[e]].term].push(matches.entry(e));
        const at = phraseStart(perTerm);
        if (at !== null) places[n] = words.map((_, i) => at + i);
        else if (words.length === 1) places[n] = perTerm[0].flatMap((e) => placesOf(e));
        else continue;
        scores[n] = 1;
      } else if (e1 - e0 === 1) {
        scores[n] = scoreOne(matches, e0, norms[g], query, metaFields);
      } else {
        scores[n] = scoreMany(matches, e0, e1, norms[g], query, metaFields)
          ?? scorePage(matches.entries(g), lengths[g], query, this.stats);
      }
      pages[n++] = g;
    }
    const order = bestFirst(pages.subarray(0, n), scores.subarray(0, n));
    const results = new Array(n);
    const source = { index: this, matches };
    for (let j = 0; j < n; j++) {
      const i = order[j];
      results[j] = new Result(source, pages[i], scores[i], exact ? places[i] : null);
    }
    return { results };
  }

  async data(bundle, hash, locations) {
    const fragment = await bundle.fragment(hash);
    const raw = String(fragment.content || "");
    const content = raw.replace(/\u200B/g, "");
    const rawContent = raw.replace(/</g, "&lt;").replace(/>/g, "&gt;");
    return {
      ...fragment,
      content,
      raw_content: rawContent,
      raw_url: fragment.url,
      url: this.fullUrl(fragment.url),
      locations,
      excerpt: excerpt(rawContent, locations),
    };
  }

  fullUrl(raw) {
    if (/^(https?:)?\/\//.test(raw)) return raw;
    return `${this.baseUrl}/${raw}`.replace(/\/+/g, "/");
  }
}

// Whether typed arrays hold a number's low bytes first (every browser's platform).
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// bestFirst's radix: 11 bits, six passes for 64.
const RADIX_BITS = 11;
const RADIX = 2 ** RADIX_BITS;

// Bits `bit` to `bit` + RADIX_BITS of row i's 64-bit key (high and low words).
function digitOf(high, low, i, bit) {
  if (bit >= 32) return (high[i] >>> (bit - 32)) & (RADIX - 1);
  if (bit + RADIX_BITS <= 32) return (low[i] >>> bit) & (RADIX - 1);
  return ((low[i] >>> bit) | (high[i] << (32 - bit))) & (RADIX - 1);
}

// The order of rows (pages ascending, their scores) best first, then by page, as
// sorting with the comparator (b.score − a.score || a.page − b.page) gives: a
// stable radix sort, from page order, of each score's 64 bits made to sort as an
// unsigned integer, best first (~5x faster than the comparator at 90,000 rows).
// Scores are never NaN; were one, the comparator would be used.
function bestFirst(pages, scores) {
  const n = pages.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (scores.some(Number.isNaN)) return order.sort((x, y) => scores[y] - scores[x] || pages[x] - pages[y]);
  const doubles = new Float64Array(n);
  for (let i = 0; i < n; i++) doubles[i] = scores[i] + 0; // + 0: -0 is 0
  const words = new Uint32Array(doubles.buffer);
  const high = new Uint32Array(n);
  const low = new Uint32Array(n);
  const up = LITTLE_ENDIAN ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + up];
    const l = words[2 * i + 1 - up];
    // A double's bits sort as unsigned ascending with a negative's all flipped and a
    // positive's sign set; all flipped again for best first.
    if (h & 0x80000000) {
      high[i] = h;
      low[i] = l;
    } else {
      high[i] = ~(h ^ 0x80000000) >>> 0;
      low[i] = ~l >>> 0;
    }
  }
  let next = new Uint32Array(n);
  const counts = new Uint32Array(RADIX);
  for (let bit = 0; bit < 64; bit += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digitOf(high, low, i, bit)]++;
    if (counts.includes(n)) continue; // one digit for all: no change
    for (let d = 0, sum = 0; d < RADIX; d++) {
      const count = counts[d];
      counts[d] = sum;
      sum += count;
    }
    for (let j = 0; j < n; j++) {
      const i = order[j];
      next[counts[digitOf(high, low, i, bit)]++] = i;
    }
    [order, next] = [next, order];
  }
  return order;
}

// An entry's places, without their weights.
function placesOf(entry) {
  const out = [];
  const { data, starts } = entry.form;
  for (let i = starts[entry.i]; i < starts[entry.i + 1]; i += 2) out.push(data[i + 1]);
  return out;
}

// The first place where the terms' words stand one after another, or null.
function phraseStart(perTerm) {
  const sets = perTerm.map((entries) => new Set(entries.flatMap((e) => placesOf(e))));
  for (const start of [...sets[0]].sort((a, b) => a - b)) {
    if (sets.every((set, i) => set.has(start + i))) return start;
  }
  return null;
}

// Pagefind's excerpt: EXCERPT_LENGTH words around the first matched place, with
// <mark> around matched words (the text's own < and > escaped).
function excerpt(rawContent, locations) {
  const words = rawContent.split(/[\r\n\s]+/g);
  const marked = new Set(locations);
  // A loop, not Math.min(...locations): a long text's places can outnumber a call's arguments.
  let first = locations.length ? Infinity : 0;
  for (const place of locations) first = Math.min(first, place);
  const start = Math.max(0, Math.min(first - Math.floor(EXCERPT_LENGTH / 2), words.length - EXCERPT_LENGTH));
  const out = [];
  for (let i = start; i < Math.min(words.length, start + EXCERPT_LENGTH); i++) {
    out.push(marked.has(i) ? `<mark>${words[i]}</mark>` : words[i]);
  }
  return out.join(" ");
}
