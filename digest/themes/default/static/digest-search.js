// digest's search: await window.digestSearch(query, {topics, from, to}) resolves to every hit
// in rank order as {url, title, excerpt, date, topics}. Reads search/index/ under the base path.
const root = new URL("../", import.meta.url);
const base = new URL("search/index/", root);
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const SHOWN = /[\p{L}\p{N}\u00ad\u200b-\u200d\u2060\ufeff]+(?:['’ʼ‘`′´ʹ][\p{L}\p{N}]+)*/gu;
// Noun and adjective endings, and the dictionary endings to try instead, for a Ukrainian
// word that no article holds in that very form.
const ENDINGS = "ами ями ові еві єві ого ому ими ів їв ою ею єю ом ем єм ах ях ам ям ій ої ий і и а я у ю е є о ь".split(" ");
const BASES = ["", "а", "я", "о", "ь", "ий", "ія", "и"];
// English suffixes Snowball takes off, for an English form no article holds.
const SUFFIXES = "ational ations ation ement ments ment ness ings ing ions ion ies ied ed es s ly ers er e".split(" ");
const files = new Map();
let meta = null;

export function words(text) {
  return text.normalize("NFC").replace(/[’ʼ‘`′´ʹ]/g, "'")
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "").toLowerCase().match(WORD) || [];
}

function shard(word, n) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(word)) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0) % n;
}

function load(path) {
  if (!files.has(path)) {
    const got = fetch(new URL(path, base)).then((r) => {
      if (!r.ok) throw new Error(`search index: ${r.status} ${path}`);
      return r.json();
    });
    got.catch(() => files.delete(path));
    files.set(path, got);
  }
  return files.get(path);
}

async function index() {
  if (!meta) {
    meta = fetch(new URL("meta.json", base), { cache: "no-cache" }).then((r) => {
      if (!r.ok) throw new Error(`search index: ${r.status} meta.json`);
      return r.json();
    });
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
    const end = ENDINGS.find((e) => word.endsWith(e) && word.length - e.length >= 3);
    const stem = end === undefined ? word : word.slice(0, -end.length);
    found = await entries(m, BASES.map((b) => stem + b).filter((c) => c !== word));
  } else if (!found.length && /^[a-z]+$/.test(word)) {
    const stems = SUFFIXES.filter((e) => word.endsWith(e) && word.length - e.length >= 3);
    for (const stem of stems.map((e) => word.slice(0, -e.length))) {
      if ((found = await entries(m, [stem])).length) break;
    }
  }
  const docs = new Map();
  for (const [seen, postings] of found) {
    for (const f of seen.split(" ")) shown.add(f);
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

export async function digestSearch(query, options = {}) {
  const m = await index();
  const asked = [...new Set(words(String(query)))];
  if (!asked.length) return [];
  const shown = new Set();
  const each = await Promise.all(asked.map((w) => lookUp(m, w, shown)));
  each.sort((a, b) => a.size - b.size);
  const hits = [];
  for (const [n, title] of each[0]) {
    let score = title; // how many of the words are in the title
    for (const docs of each.slice(1)) {
      const t = docs.get(n);
      if (t === undefined) { score = -1; break; }
      score += t;
    }
    if (score >= 0) hits.push([n, score]);
  }
  const chunks = new Map();
  await Promise.all([...new Set(hits.map(([n]) => Math.floor(n / m.chunk)))].map(async (c) => {
    chunks.set(c, await load(`d/${c}.json?b=${m.build}`));
  }));
  const topics = options.topics && options.topics.length ? new Set(options.topics) : null;
  const from = options.from || "", to = options.to || "";
  const results = [];
  for (const [n, score] of hits) {
    const [url, title, date, numbers, excerpt] = chunks.get(Math.floor(n / m.chunk))[n % m.chunk];
    const names = numbers.map((t) => m.topics[t]);
    if (topics && !names.some(([key, name]) => topics.has(key) || topics.has(name))) continue;
    const day = date.slice(0, 10);
    if ((from && day < from) || (to && day > to)) continue;
    results.push({
      n, score, url: new URL(url, root).pathname, title, date,
      excerpt: highlight(excerpt, shown), topics: names.map(([, name]) => name),
    });
  }
  results.sort((a, b) => b.score - a.score || b.n - a.n);
  return results.map(({ n, score, ...hit }) => hit);
}

export const searchTopics = async () => (await index()).topics;
window.digestSearch = digestSearch;
