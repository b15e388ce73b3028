// digest's search: await window.digestSearch(query, {topics, from, to}) resolves to every hit
// in rank order as {url, title, excerpt, date, topics}. Reads search/index/ under the base path.
const root = new URL("../", import.meta.url);
const base = new URL("search/index/", root);
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const SHOWN = /[\p{L}\p{N}\u00ad\u200b-\u200d\u2060\ufeff]+(?:['’ʼ‘`′´ʹ][\p{L}\p{N}]+)*/gu;
// Case endings (words.py ENDINGS, same order), and lemma endings to try for unseen forms.
const ENDINGS = "ами ями ові еві єві ого ому ими ів їв ою ею єю ом ем єм ах ях ам ям ій ої ий им их ім і и а я у ю е є о ь".split(" ");
const BASES = ["", "а", "я", "о", "ь", "ий", "ія", "и"];
// Snowball's English suffixes.
const SUFFIXES = "ational ations ation ement ments ment ness ings ing ions ion ies ied ed es s ly ers er e".split(" ");
const LAT = "aceiopxykmthbï", CYR = "асеіорхукмтнвї"; // look-alikes (words.py)
const files = new Map();
let meta = null;

export function words(text) {
  return text.normalize("NFC").replace(/[’ʼ‘`′´ʹ]/g, "'")
    .replace(/[\u00ad\u0301\u200b-\u200d\u2060\ufeff]/g, "").toLowerCase()
    .replace(/\p{L}*([a-zï][а-яіїєґ]|[а-яіїєґ][a-zï])\p{L}*/gu, (w) => [...w].map((c) => CYR[LAT.indexOf(c)] ?? c).join(""))
    .match(WORD) || [];
}

function shard(word, n) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(word)) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0) % n;
}

function get(path, init) {
  return fetch(new URL(path, base), init).then((r) => {
    if (!r.ok) throw new Error(`search index: ${r.status} ${path}`);
    return r.json();
  });
}

function load(path) {
  if (!files.has(path)) {
    const got = get(path);
    got.catch(() => files.delete(path));
    files.set(path, got);
  }
  return files.get(path);
}

async function index() {
  if (!meta) {
    meta = get("meta.json", { cache: "no-cache" });
    meta.catch(() => { meta = null; });
  }
  return meta;
}

async function entries(m, lemmas) {
  const part = (l) => load(`t/${shard(l, m.shards)}.json?b=${m.build}`).then((s) => s[l]);
  return (await Promise.all(lemmas.map(part))).filter(Boolean);
}

// The articles holding any form of any lemma of the word: Map(number -> 1 if in the title).
async function lookUp(m, word, shown) {
  const forms = await load(`f/${shard(word, m.shards)}.json?b=${m.build}`);
  let found = await entries(m, forms[word] || [word]);
  if (!found.length && /[а-яіїєґ]/.test(word)) {
    // Stems (words.py): the first with each of BASES, the rest alone.
    const s = ENDINGS.filter((e) => word.endsWith(e) && word.length - e.length > 2).map((e) => word.slice(0, -e.length));
    found = await entries(m, [...new Set([...BASES.map((b) => (s[0] ?? word) + b), ...s.slice(1)])].filter((c) => c !== word));
  } else if (!found.length && /^[a-z]+$/.test(word)) {
    const stems = SUFFIXES.filter((e) => word.endsWith(e) && word.length - e.length > 2);
    for (const stem of stems.map((e) => word.slice(0, -e.length))) {
      if ((found = await entries(m, [stem])).length) break;
    }
  }
  const docs = new Map();
  for (const [seen, postings] of found) {
    for (const f of seen.split(" ")) shown.add(words(f).join(""));
    let n = -1;
    for (const g of postings) {
      n += g >> 1;
      docs.set(n, (docs.get(n) || 0) | (g & 1));
    }
  }
  return docs;
}

const escape = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function highlight(text, shown) {
  let out = "", at = 0;
  for (const m of text.matchAll(SHOWN)) {
    if (!shown.has(words(m[0]).join(""))) continue;
    out += `${escape(text.slice(at, m.index))}<mark>${escape(m[0])}</mark>`;
    at = m.index + m[0].length;
  }
  return out + escape(text.slice(at));
}

const DAY = 864e5;
let facets = null; // [build, days, topic sets] of every article, for filters

async function facetsOf(m) {
  if (!facets || facets[0] !== m.build) {
    const rows = await load(`d/facets.json?b=${m.build}`);
    let day = 0;
    facets = [m.build, rows.map(([d]) => (day += d)), rows.map(([, ...t]) => t)];
  }
  return facets;
}

// Every hit in rank order: title hits first, then newer (higher numbers). Options: topics
// (keys or names), from, to ("YYYY-MM-DD"), offset and limit (details of a slice only);
// the array's `total` counts every hit.
export async function digestSearch(query, options = {}) {
  const m = await index();
  const asked = [...new Set(words(String(query)))];
  const none = Object.assign([], { total: 0 });
  if (!asked.length) return none;
  const shown = new Set();
  const each = await Promise.all(asked.map((w) => lookUp(m, w, shown)));
  each.sort((a, b) => a.size - b.size);
  let hits = [];
  for (const [n, title] of each[0]) {
    let score = title; // how many of the words are in the title
    for (const docs of each.slice(1)) {
      const t = docs.get(n);
      if (t === undefined) { score = -1; break; }
      score += t;
    }
    if (score >= 0) hits.push([n, score]);
  }
  const topics = options.topics && options.topics.length ? new Set(options.topics) : null;
  const from = options.from ? Date.parse(options.from) / DAY : -Infinity;
  const to = options.to ? Date.parse(options.to) / DAY : Infinity;
  if (topics || from > -Infinity || to < Infinity) {
    const [, days, numbers] = await facetsOf(m);
    const wanted = new Set(m.topics.flatMap(([key, name], i) => (topics && (topics.has(key) || topics.has(name)) ? [i] : [])));
    hits = hits.filter(([n]) => days[n] >= from && days[n] <= to && (!topics || numbers[n].some((t) => wanted.has(t))));
  }
  hits.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  const offset = options.offset || 0;
  const slice = hits.slice(offset, options.limit ? offset + options.limit : undefined);
  const chunks = new Map();
  await Promise.all([...new Set(slice.map(([n]) => Math.floor(n / m.chunk)))].map(async (c) => {
    chunks.set(c, await load(`d/${c}.json?b=${m.build}`));
  }));
  const results = slice.map(([n]) => {
    const [url, title, date, numbers, excerpt] = chunks.get(Math.floor(n / m.chunk))[n % m.chunk];
    return {
      url: new URL(url, root).pathname, title, excerpt: highlight(excerpt, shown), date,
      topics: numbers.map((t) => m.topics[t][1]),
    };
  });
  return Object.assign(results, { total: hits.length });
}

window.digestSearch = digestSearch;
