// The Snowball English stemmer (Porter2), as Pagefind 1.5.2 applies it when indexing
// a page in English, so that a query word can be looked up among the index's words.
//
// Written from the Snowball project's definition of the algorithm (english.sbl: the
// exceptional forms, steps 0 to 5, regions R1 and R2), in the version Pagefind's
// `pagefind_stem` crate (a fork of rust-stemmers) was generated from: Snowball 3.0's,
// which the classic Porter2 descriptions predate. What 3.0 changed, and Pagefind's
// index shows: more R1 prefixes (past, univers, later, emerg, organ and inter: not
// in the later 3.0.1), "-ogist" → "-og", "-ying" after one consonant → "-ie" (dying,
// vying), and the classic exception lists moved into Step 1b (inning, proceed…),
// so such words still go through Steps 2 to 5. Pagefind folds diacritics
// before it stems ("Zhōu" is stored as "zhou", with "zhōu" as a variant), and so does
// `stem`. Everything else Pagefind does to a word first (lower-casing, dropping
// punctuation, splitting compounds) is the caller's.
// (Step 0, the 's and ' endings, is here as Snowball defines it, though Pagefind never
// hands its stemmer an ASCII apostrophe: "Australia's" reaches it as "australias".)
//
// Positions are UTF-16 code units. Where Snowball counts characters (a word's length,
// its first letter) the module counts code points, so that a letter outside the BMP
// ("𝐀") is one letter, as it is to Pagefind.
//
// tests/test_stemmer.py checks it against the words Pagefind itself stored for the
// same surface words, in Chromium.

const VOWELS = "aeiouy";
// Endings before which Step 2 removes "li".
const VALID_LI = "cdeghkmnrt";
// Prefixes after which R1 begins, whatever the vowels say (generous, communism, arsenal).
const R1_PREFIXES = [
  ...["gener", "commun", "arsen"],
  ...["past", "univers", "later", "emerg", "organ", "inter"], // since Snowball 3.0
];

// Words stemmed by table, or left alone, before any step.
const EXCEPTIONS = new Map([
  ["skis", "ski"],
  ["skies", "sky"],
  ["idly", "idl"],
  ["gently", "gentl"],
  ["ugly", "ugli"],
  ["early", "earli"],
  ["only", "onli"],
  ["singly", "singl"],
  ["sky", "sky"],
  ["news", "news"],
  ["howe", "howe"],
  ["atlas", "atlas"],
  ["cosmos", "cosmos"],
  ["bias", "bias"],
  ["andes", "andes"],
]);
// Step 1b leaves -eed alone after these whole stems (proceed, exceed, succeed), and
// -ing after these (inning, outing, canning, herring, earring, evening).
const KEEP_EED = new Set(["proc", "exc", "succ"]);
const KEEP_ING = new Set(["inn", "out", "cann", "herr", "earr", "even"]);

// Suffix tables: the longest suffix that ends the word is the one that counts; if its
// condition fails, the step does nothing (a shorter suffix is not tried).
const STEP2 = table({
  tional: "tion",
  enci: "ence",
  anci: "ance",
  abli: "able",
  entli: "ent",
  izer: "ize",
  ization: "ize",
  ational: "ate",
  ation: "ate",
  ator: "ate",
  alism: "al",
  aliti: "al",
  alli: "al",
  fulness: "ful",
  ousli: "ous",
  ousness: "ous",
  iveness: "ive",
  iviti: "ive",
  biliti: "ble",
  bli: "ble",
  ogist: "og",
  ogi: "og", // only after l
  fulli: "ful",
  lessli: "less",
  li: "", // only after a valid li-ending
});
const STEP3 = table({
  tional: "tion",
  ational: "ate",
  alize: "al",
  icate: "ic",
  iciti: "ic",
  ical: "ic",
  ful: "",
  ness: "",
  ative: "", // only in R2
});
const STEP4 = table({
  al: "",
  ance: "",
  ence: "",
  er: "",
  ic: "",
  able: "",
  ible: "",
  ant: "",
  ement: "",
  ment: "",
  ent: "",
  ism: "",
  ate: "",
  iti: "",
  ous: "",
  ive: "",
  ize: "",
  ion: "", // only after s or t
});

/** [suffix, replacement] pairs, longest suffix first. */
function table(pairs) {
  return Object.entries(pairs).sort((a, b) => b[0].length - a[0].length);
}

/** The longest entry of `suffixes` that `word` ends with, or null. */
function longest(word, suffixes) {
  return suffixes.find((entry) => word.endsWith(entry[0])) ?? null;
}

function isVowel(ch) {
  // `ch` is undefined before the word's start: a non-vowel, as is Y (a consonant y).
  return ch !== undefined && VOWELS.includes(ch);
}

/** The index just past the first non-vowel that follows a vowel, from `from` on. */
function regionStart(word, from) {
  for (let i = from + 1; i < word.length; i++) {
    if (!isVowel(word[i]) && isVowel(word[i - 1])) {
      const code = word.charCodeAt(i);
      return i + (code >= 0xd800 && code < 0xdc00 ? 2 : 1); // past both halves of a pair
    }
  }
  return word.length;
}

/** Whether `word` ends in a short syllable: non-vowel, vowel, non-vowel other than
 * w, x and Y; or, for the whole word, vowel then non-vowel. Snowball 3.0 counts
 * "past" as one too, so that "pasted" and "pasting" keep their e. */
function endsShort(word) {
  if (word.endsWith("past") || /^[aeiouy][^aeiouy]$/u.test(word)) return true;
  const n = word.length;
  const [a, b, c] = [word[n - 3], word[n - 2], word[n - 1]];
  return n > 2 && !isVowel(a) && isVowel(b) && !isVowel(c) && !"wxY".includes(c);
}

/** Y for every y that acts as a consonant: at the start, or after a vowel (left to
 * right, so the second y of "ayy" follows a Y, not a vowel, and stays a y). */
function markConsonantY(word) {
  let out = "";
  for (let i = 0; i < word.length; i++) {
    const ch = word[i];
    out += ch === "y" && (i === 0 || isVowel(out[i - 1])) ? "Y" : ch;
  }
  return out;
}

/** Step 0 and Step 1a: apostrophe endings, then plural endings. */
function step1a(word) {
  const apostrophe = longest(word, [["'s'"], ["'s"], ["'"]]);
  if (apostrophe) word = word.slice(0, -apostrophe[0].length);
  const [suffix] = longest(word, [["sses"], ["ied"], ["ies"], ["us"], ["ss"], ["s"]]) ?? [""];
  const stem = word.slice(0, word.length - suffix.length);
  switch (suffix) {
    case "sses":
      return stem + "ss";
    case "ied":
    case "ies":
      // "ties" → "tie", "cries" → "cri": by the letters before the suffix.
      return stem + ([...stem].length > 1 ? "i" : "ie");
    case "s":
      // Only when a vowel comes before the letter before the s: "gaps" but not "gas".
      return [...stem.slice(0, -1)].some(isVowel) ? stem : word;
    default: // "us", "ss", or none
      return word;
  }
}

/** Step 1b: -eed(ly) in R1 becomes -ee; -ed, -edly, -ing and -ingly go when a vowel
 * comes before them, and the stem left is mended ("hoping" → "hope", "hopping" → "hop"). */
function step1b(word, r1) {
  const found = longest(word, [["eedly"], ["ingly"], ["edly"], ["eed"], ["ing"], ["ed"]]);
  if (!found) return word;
  const stem = word.slice(0, word.length - found[0].length);
  if (found[0].startsWith("ee")) {
    return !KEEP_EED.has(stem) && stem.length >= r1 ? stem + "ee" : word;
  }
  if (found[0] === "ing") {
    // One consonant, then y: "dying" → "die", "vying" → "vie".
    if (/^[^aeiouy]y$/u.test(stem)) return stem.slice(0, -1) + "ie";
    if (KEEP_ING.has(stem)) return word;
  }
  if (![...stem].some(isVowel)) return word;
  if (/(at|bl|iz)$/.test(stem)) return stem + "e";
  if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(stem)) {
    // "hopping" → "hop", but "added" → "add": a, e or o then the double is the word.
    return /^[aeo](.)\1$/.test(stem) ? stem : stem.slice(0, -1);
  }
  // A short word (R1 empty, ending in a short syllable) gets its e back. R1 was found
  // before the suffix went, so it is empty exactly when it starts at the new end.
  return r1 === stem.length && endsShort(stem) ? stem + "e" : stem;
}

/** Step 1c: a final y or Y after a non-vowel that is not the first letter becomes i. */
function step1c(word) {
  return /.[^aeiouy][yY]$/su.test(word) ? word.slice(0, -1) + "i" : word;
}

/** Steps 2 to 4: the longest suffix of `suffixes`, replaced when it lies in the region
 * starting at `region` and `allowed` says yes to it. */
function replaceSuffix(word, suffixes, region, allowed) {
  const found = longest(word, suffixes);
  if (!found) return word;
  const [suffix, replacement] = found;
  const stem = word.slice(0, word.length - suffix.length);
  if (stem.length < region || !allowed(suffix, stem)) return word;
  return stem + replacement;
}

function step2Allowed(suffix, stem) {
  if (suffix === "ogi") return stem.endsWith("l");
  if (suffix === "li") return stem.length > 0 && VALID_LI.includes(stem[stem.length - 1]);
  return true;
}

/** Step 5: a final e in R2, or in R1 after no short syllable; a final l in R2 after l. */
function step5(word, r1, r2) {
  const n = word.length;
  const stem = word.slice(0, -1);
  if (word.endsWith("e") && (n - 1 >= r2 || (n - 1 >= r1 && !endsShort(stem)))) return stem;
  if (word.endsWith("ll") && n - 1 >= r2) return stem;
  return word;
}

/** Diacritics folded as Pagefind folds them before stemming: decomposed, marks dropped. */
function fold(word) {
  return /[^\x00-\x7f]/.test(word) ? word.normalize("NFD").replace(/\p{M}/gu, "") : word;
}

/** The Snowball English stem of one lower-cased word, as Pagefind indexes it. */
export function stem(input) {
  const folded = fold(input);
  const exception = EXCEPTIONS.get(folded);
  if (exception !== undefined) return exception;
  // Words of one or two letters are left alone (counted in characters, as Snowball does).
  if ([...folded].length < 3) return folded;

  let word = markConsonantY(folded.startsWith("'") ? folded.slice(1) : folded);
  const prefix = R1_PREFIXES.find((p) => word.startsWith(p));
  const r1 = prefix ? prefix.length : regionStart(word, 0);
  const r2 = regionStart(word, r1);

  word = step1b(step1a(word), r1);
  word = step1c(word);
  word = replaceSuffix(word, STEP2, r1, step2Allowed);
  word = replaceSuffix(word, STEP3, r1, (suffix, s) => suffix !== "ative" || s.length >= r2);
  word = replaceSuffix(word, STEP4, r2, (suffix, s) => suffix !== "ion" || /[st]$/.test(s));
  word = step5(word, r1, r2);
  return word.replaceAll("Y", "y");
}

/** The stemmer Pagefind uses for a page in `language`: English's, or null (the search
 * then matches words as they are). */
export function stemmerFor(language) {
  const primary = String(language ?? "")
    .toLowerCase()
    .split("-")[0];
  return primary === "en" ? stem : null;
}
