/* explore.js — the explorer page (embedded by scripts/embed): the map on a canvas,
 * colourings, hover, the selected song with its stored neighbours and player, the
 * elbow curve, cluster summaries, artist profiles and the search box.  Text from
 * the database reaches the page only through textContent, never as markup.
 * window.songvecExplorer exposes the state for tests and the console. */
"use strict";
(function () {
  const doc = JSON.parse(document.getElementById("songvec-data").textContent);
  const D = doc.data, S = D.songs, N = S.id.length;
  const DB = doc.db, TOTAL = D.total, SAMPLED = N < D.total, API = doc.api;
  const INDEX = new Map(S.id.map((id, i) => [id, i]));
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#ad494a", "#637939"];
  const NONE = "#b8b8b8", RADIUS = 2.5, HIT = 8;
  const st = {
    n: N, drawn: 0, map: -1, colouring: -1, tag: 0, selected: -1, hover: -1, artist: null,
    px: new Float64Array(N), py: new Float64Array(N), colour: new Array(N).fill(NONE),
    grid: new Map(), classes: [], width: 0, height: 0
  };
  window.songvecExplorer = st;
  const $ = (id) => document.getElementById(id);

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function hint(id, parts) {
    const p = $(id);
    clear(p);
    parts.forEach((t, i) => p.appendChild(i % 2 ? el("code", t) : document.createTextNode(t)));
    p.hidden = false;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "–";
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(4));
  }
  function songLabel(i) {
    const name = S.name[i] || S.id[i];
    return S.artist[i] ? name + " — " + S.artist[i] : name;
  }

  /* ---- colourings ---- */
  function tagColour(v) {
    const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
    const t = Math.max(0, Math.min(1, v / 1000)) * (stops.length - 1), k = Math.min(Math.floor(t), 3);
    const f = t - k, c = stops[k].map((a, j) => Math.round(a + f * (stops[k + 1][j] - a)));
    return "rgb(" + c.join(",") + ")";
  }
  function classLabel(c, v) {
    if (c.classes) return c.classes[v];
    return c.kind === "cluster" && v === -1 ? "noise" : "cluster " + v;
  }
  function applyColouring() {
    const c = D.colourings[st.colouring];
    st.classes = [];
    if (!c) {
      if (st.colouring === -2 && D.tags) {
        for (let i = 0; i < N; i++) {
          const t = D.tags.values[i];
          st.colour[i] = t ? tagColour(t[st.tag]) : NONE;
        }
      } else st.colour.fill(NONE);
      return;
    }
    const vals = [...new Set(c.values.filter((v) => v !== null))].sort((a, b) => a - b);
    const rank = new Map(vals.map((v, k) => [v, k]));
    let k = 0;
    vals.forEach((v) => {
      const col = c.kind === "cluster" && v === -1 ? NONE : PALETTE[k++ % PALETTE.length];
      st.classes.push({ value: v, label: classLabel(c, v), colour: col });
    });
    for (let i = 0; i < N; i++) {
      const v = c.values[i];
      st.colour[i] = v === null ? NONE : st.classes[rank.get(v)].colour;
    }
  }
  function legend() {
    const lg = $("legend");
    clear(lg);
    if (st.colouring === -2 && D.tags) {
      const s = el("span", "low " + D.tags.names[st.tag]);
      s.style.setProperty("--c", tagColour(0));
      const h = el("span", "high");
      h.style.setProperty("--c", tagColour(1000));
      lg.append(s, h);
      return;
    }
    st.classes.forEach((c) => {
      const s = el("span", c.label);
      s.style.setProperty("--c", c.colour);
      lg.appendChild(s);
    });
  }

  /* ---- the map ---- */
  function project() {
    const m = D.maps[st.map], cv = $("map"), dpr = window.devicePixelRatio || 1;
    st.width = cv.clientWidth || 800;
    st.height = cv.clientHeight || 560;
    cv.width = Math.round(st.width * dpr);
    cv.height = Math.round(st.height * dpr);
    st.px.fill(NaN);
    st.py.fill(NaN);
    if (!m) return;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < N; i++) {
      const x = m.x[i], y = m.y[i];
      if (x === null || y === null) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    const pad = 12, sx = (st.width - 2 * pad) / ((x1 - x0) || 1), sy = (st.height - 2 * pad) / ((y1 - y0) || 1);
    const s = Math.min(sx, sy), ox = (st.width - s * (x1 - x0)) / 2, oy = (st.height - s * (y1 - y0)) / 2;
    for (let i = 0; i < N; i++) {
      if (m.x[i] === null || m.y[i] === null) continue;
      st.px[i] = ox + s * (m.x[i] - x0);
      st.py[i] = st.height - (oy + s * (m.y[i] - y0));
    }
    st.grid = new Map();
    for (let i = 0; i < N; i++) {
      if (Number.isNaN(st.px[i])) continue;
      const key = Math.floor(st.px[i] / HIT) + "," + Math.floor(st.py[i] / HIT);
      if (!st.grid.has(key)) st.grid.set(key, []);
      st.grid.get(key).push(i);
    }
  }
  function draw() {
    const cv = $("map"), ctx = cv.getContext("2d"), dpr = cv.width / st.width;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, st.width, st.height);
    const groups = new Map();
    let drawn = 0;
    for (let i = 0; i < N; i++) {
      if (Number.isNaN(st.px[i])) continue;
      if (st.artist !== null && S.artist_id[i] !== st.artist) continue;
      if (!groups.has(st.colour[i])) groups.set(st.colour[i], []);
      groups.get(st.colour[i]).push(i);
      drawn++;
    }
    groups.forEach((idx, colour) => {
      ctx.fillStyle = colour;
      ctx.beginPath();
      idx.forEach((i) => { ctx.moveTo(st.px[i] + RADIUS, st.py[i]); ctx.arc(st.px[i], st.py[i], RADIUS, 0, 2 * Math.PI); });
      ctx.fill();
    });
    [st.selected, st.hover].forEach((i, k) => {
      if (i < 0 || Number.isNaN(st.px[i])) return;
      ctx.strokeStyle = k ? "#555" : "#000";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(st.px[i], st.py[i], RADIUS + 4, 0, 2 * Math.PI);
      ctx.stroke();
    });
    st.drawn = drawn;
    cv.dataset.drawn = String(drawn);
    $("count").textContent = SAMPLED
      ? "showing " + N + " of " + TOTAL + " songs (a fixed sample: explore -n sets its size), " + drawn + " drawn"
      : drawn + " of " + N + " songs drawn";
  }
  function nearest(x, y) {
    let best = -1, bd = HIT * HIT;
    const gx = Math.floor(x / HIT), gy = Math.floor(y / HIT);
    for (let a = gx - 1; a <= gx + 1; a++)
      for (let b = gy - 1; b <= gy + 1; b++)
        (st.grid.get(a + "," + b) || []).forEach((i) => {
          if (st.artist !== null && S.artist_id[i] !== st.artist) return;
          const d = (st.px[i] - x) ** 2 + (st.py[i] - y) ** 2;
          if (d <= bd) { bd = d; best = i; }
        });
    return best;
  }
  /* the page coordinates of song i's point, for tests: [clientX, clientY] or null */
  st.screenOf = function (id) {
    const i = INDEX.has(id) ? INDEX.get(id) : -1;
    if (i < 0 || Number.isNaN(st.px[i])) return null;
    const r = $("map").getBoundingClientRect();
    return [r.left + st.px[i], r.top + st.py[i]];
  };

  /* ---- what is known of a song ---- */
  function topTags(i, k) {
    const t = D.tags && D.tags.values[i];
    if (!t) return [];
    return t.map((v, j) => [v, j]).sort((a, b) => b[0] - a[0]).slice(0, k)
      .map(([v, j]) => D.tags.names[j] + " " + (v / 1000).toFixed(2));
  }
  function facts(i) {
    const f = [["artist", S.artist[i] || "–"], ["id", S.id[i]]];
    D.colourings.forEach((c) => {
      const v = c.values[i];
      if (v !== null) f.push([c.name, classLabel(c, v)]);
    });
    const tags = topTags(i, 3);
    if (tags.length) f.push(["top tags", tags.join(", ")]);
    return f;
  }
  function showHover(i, x, y) {
    const h = $("hover");
    st.hover = i;
    if (i < 0) { h.hidden = true; return; }
    h.textContent = [S.name[i] || S.id[i]].concat(facts(i).map(([k, v]) => k + ": " + v)).join("\n");
    h.style.left = Math.min(x + 12, st.width - 200) + "px";
    h.style.top = (y + 12) + "px";
    h.hidden = false;
  }
  function player(url) {
    const p = $("player");
    clear(p);
    if (url === null || url === undefined) {
      p.appendChild(el("p", "No audio folder was given (explore -A DIR).", "help"));
    } else if (url === "") {
      p.appendChild(el("p", "Audio file missing: no file of this song in the audio folder.", "missing"));
    } else {
      const a = el("audio");
      a.controls = true;
      a.preload = "none";
      a.src = url;
      a.addEventListener("error", () => {
        clear(p);
        p.appendChild(el("p", "Audio file not reachable: " + url, "missing"));
      });
      p.appendChild(a);
    }
  }
  function neighbours(i) {
    const ol = $("neighbors");
    clear(ol);
    if (!D.neighbors) return;
    const list = D.neighbors.lists[i];
    if (!list) { ol.appendChild(el("li", "No neighbours stored for this song.", "help")); return; }
    list.forEach(([j, sim]) => {
      const li = el("li");
      if (typeof j === "number") {
        const b = el("button", songLabel(j));
        b.addEventListener("click", () => select(j, true));
        li.dataset.id = S.id[j];
        li.appendChild(b);
      } else {
        li.dataset.id = j;
        li.appendChild(API ? remoteButton(j, j) : el("span", j + " (not in this page's sample)"));
      }
      li.appendChild(document.createTextNode(" (" + fmt(sim) + ")"));
      ol.appendChild(li);
    });
  }

  /* ---- songs outside the page's sample, through the server's API ---- */
  function getJSON(url) {
    return fetch(url).then((r) => r.json().then((j) => {
      if (!r.ok) throw new Error(j.error || r.statusText);
      return j;
    }));
  }
  function remoteButton(id, label) {
    const b = el("button", label);
    b.addEventListener("click", () => openSong(id));
    return b;
  }
  function openSong(id) {
    if (INDEX.has(id)) { st.artist = null; select(INDEX.get(id), true); return; }
    if (API) remoteSong(id);
  }
  function remoteNeighbours(list) {
    const ol = $("neighbors");
    clear(ol);
    if (!list.length) { ol.appendChild(el("li", "No neighbours stored for this song.", "help")); return; }
    list.forEach((n) => {
      const li = el("li"), name = n.song_name || n.neighbor_id;
      li.dataset.id = n.neighbor_id;
      li.appendChild(remoteButton(n.neighbor_id, n.artist_name ? name + " — " + n.artist_name : name));
      li.appendChild(document.createTextNode(" (" + fmt(n.similarity) + ")"));
      ol.appendChild(li);
    });
  }
  /* a song of the database that the page does not hold: /song and /neighbors */
  function remoteSong(id) {
    const q = encodeURIComponent(id);
    st.selected = -1;
    draw();
    getJSON("song?id=" + q).then((j) => {
      const s = j.song[0], dl = $("song-meta");
      clear(dl);
      $("song-title").textContent = s.song_name || s.song_id;
      [["artist", s.artist_name || "–"], ["id", s.song_id], ["map", "not drawn (outside the sample)"]]
        .concat((j.clusters || []).map((c) => [c.algorithm, "cluster " +
          [c.kmeans_cluster_id, c.gmm_cluster_id, c.hier_level1_id, c.dbscan_cluster_id].find((v) => v !== null)]))
        .forEach(([k, v]) => dl.append(el("dt", k), el("dd", v)));
      player(j.audio === null ? null : j.audio.replace(/^\//, ""));
      return getJSON("neighbors?id=" + q + (D.neighbors ? "&metric=" + encodeURIComponent(D.neighbors.metric) : ""));
    }).then((j) => remoteNeighbours(j.neighbors)).catch((e) => {
      clear($("neighbors"));
      $("neighbors").appendChild(el("li", String(e.message), "help"));
    });
  }
  function select(i, focusMap) {
    st.selected = i;
    const dl = $("song-meta");
    clear(dl);
    if (i < 0) {
      $("song-title").textContent = "No song selected";
      clear($("player"));
      clear($("neighbors"));
    } else {
      $("song-title").textContent = S.name[i] || S.id[i];
      facts(i).forEach(([k, v]) => { dl.append(el("dt", k), el("dd", v)); });
      player(S.audio[i]);
      neighbours(i);
    }
    draw();
    if (focusMap) $("map").focus();
  }

  /* ---- keyboard on the map: arrows move to the nearest song that way ---- */
  const DIRS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  function step(dir) {
    const visible = (i) => !Number.isNaN(st.px[i]) && (st.artist === null || S.artist_id[i] === st.artist);
    let from = st.selected, best = -1, bd = Infinity;
    if (from < 0 || !visible(from)) {
      for (let i = 0; i < N; i++) if (visible(i)) { best = i; break; }
      return best;
    }
    for (let i = 0; i < N; i++) {
      if (i === from || !visible(i)) continue;
      const dx = st.px[i] - st.px[from], dy = st.py[i] - st.py[from];
      const along = dx * dir[0] + dy * dir[1];
      if (along <= 0) continue;
      const d = along + 2 * Math.abs(dx * dir[1] - dy * dir[0]);
      if (d < bd) { bd = d; best = i; }
    }
    return best < 0 ? from : best;
  }
  function onMapKey(e) {
    if (DIRS[e.key]) {
      e.preventDefault();
      select(step(DIRS[e.key]), false);
    } else if (e.key === "Enter" && st.selected >= 0) {
      const a = $("player").querySelector("audio");
      if (a) { if (a.paused) a.play().catch(() => {}); else a.pause(); }
    } else if (e.key === "Escape") {
      st.artist = null;
      select(-1, false);
    }
  }

  /* ---- search: songs and artists by name or id ---- */
  let results = [], active = -1, asked = 0;
  function artistSongs(a) {
    const idx = [];
    for (let i = 0; i < N; i++) if (S.artist_id[i] === a) idx.push(i);
    return idx;
  }
  function search(q) {
    q = q.trim().toLowerCase();
    results = [];
    if (q) {
      const seen = new Set();
      for (let i = 0; i < N && results.length < 30; i++) {
        const a = S.artist_id[i];
        if (a !== null && !seen.has(a) && (S.artist[i] || a).toLowerCase().includes(q)) {
          seen.add(a);
          results.push({ artist: a, label: "artist: " + (S.artist[i] || a) });
        }
        if ((S.name[i] || "").toLowerCase().includes(q) || S.id[i].toLowerCase().includes(q))
          results.push({ song: i, label: songLabel(i) });
      }
    }
    active = results.length ? 0 : -1;
    renderResults();
    if (q && API && SAMPLED) searchAll(q, ++asked);
  }
  /* the songs outside the sample that match q, from /songs (answers to older
   * queries are dropped) */
  function searchAll(q, n) {
    getJSON("songs?limit=30&q=" + encodeURIComponent(q)).then((j) => {
      if (n !== asked) return;
      j.songs.forEach((s) => {
        if (INDEX.has(s.song_id)) return;
        const name = s.song_name || s.song_id;
        results.push({ remote: s.song_id, label: (s.artist_name ? name + " — " + s.artist_name : name) + " (not drawn)" });
      });
      if (active < 0 && results.length) active = 0;
      renderResults();
    }).catch(() => {});
  }
  function renderResults() {
    const ul = $("results");
    clear(ul);
    results.forEach((r, k) => {
      const li = el("li", r.label);
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", k === active ? "true" : "false");
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(k); });
      ul.appendChild(li);
    });
  }
  function choose(k) {
    const r = results[k];
    if (!r) return;
    results = [];
    renderResults();
    if (r.artist !== undefined) showArtist(r.artist);
    else if (r.remote !== undefined) remoteSong(r.remote);
    else { st.artist = null; select(r.song, true); }
  }
  function onSearchKey(e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (results.length) active = (active + (e.key === "ArrowDown" ? 1 : results.length - 1)) % results.length;
      renderResults();
    } else if (e.key === "Enter") {
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape") {
      results = [];
      renderResults();
    }
  }

  /* ---- summaries: clusters of the current colouring, artists ---- */
  function meanFeatures(idx) {
    const F = D.features, m = F.names.map(() => [0, 0]);
    idx.forEach((i) => F.values[i].forEach((v, j) => { if (v !== null) { m[j][0] += v; m[j][1]++; } }));
    return m.map(([s, n]) => (n ? s / n : null));
  }
  function row(table, cells, head) {
    const tr = el("tr");
    cells.forEach((c) => {
      const td = el(head ? "th" : "td");
      if (c instanceof Node) td.appendChild(c);
      else { td.textContent = typeof c === "number" ? fmt(c) : c; if (typeof c === "number") td.className = "num"; }
      tr.appendChild(td);
    });
    table.appendChild(tr);
  }
  function songLinks(idx) {
    const span = el("span");
    idx.forEach((i, k) => {
      if (k) span.appendChild(document.createTextNode(", "));
      const b = el("button", songLabel(i));
      b.addEventListener("click", () => { st.artist = null; select(i, true); });
      span.appendChild(b);
    });
    return span;
  }
  function clusterTable() {
    const t = $("clustertable"), c = D.colourings[st.colouring];
    clear(t);
    $("clusterhint").hidden = true;
    if (!c) {
      hint("clusterhint", ["No clustering or labels stored (or a tag colouring is chosen): run ",
        "dbload -d " + DB + " export | weight | kmeans -k 8 | dbload -d " + DB + " clusters", "."]);
      return;
    }
    row(t, ["class", "songs", "most typical songs"].concat(D.features.names), true);
    st.classes.forEach((cl) => {
      const idx = [];
      for (let i = 0; i < N; i++) if (c.values[i] === cl.value) idx.push(i);
      let typical = idx.slice();
      if (c.score) {
        const sgn = c.score_name === "distance" ? 1 : -1;
        typical = typical.filter((i) => c.score[i] !== null).sort((a, b) => sgn * (c.score[a] - c.score[b]));
      }
      row(t, [cl.label, idx.length, songLinks(typical.slice(0, 5))].concat(meanFeatures(idx)));
    });
  }
  function showArtist(a) {
    st.artist = a;
    const idx = artistSongs(a);
    select(-1, false);
    $("song-title").textContent = "Artist: " + (idx.length ? S.artist[idx[0]] || a : a);
    const dl = $("song-meta");
    const prof = D.artists.find((x) => x.id === a);
    const means = prof ? prof.profile : meanFeatures(idx);
    dl.append(el("dt", "songs"), el("dd", idx.length));
    D.features.names.forEach((f, j) => dl.append(el("dt", f), el("dd", fmt(means[j]))));
    dl.append(el("dt", "profile"), el("dd", prof ? "stored (artists_vector)" : "mean of these songs"));
    const ol = $("neighbors");
    idx.forEach((i) => {
      const li = el("li"), b = el("button", songLabel(i));
      b.addEventListener("click", () => { st.artist = null; select(i, true); });
      li.dataset.id = S.id[i];
      li.appendChild(b);
      ol.appendChild(li);
    });
    draw();
  }
  function artistTable() {
    const t = $("artisttable"), count = new Map();
    for (let i = 0; i < N; i++) {
      const a = S.artist_id[i];
      if (a !== null) count.set(a, (count.get(a) || []).concat([i]));
    }
    const list = [...count.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1));
    row(t, ["artist", "songs", "profile"].concat(D.features.names), true);
    list.slice(0, 200).forEach(([a, idx]) => {
      const prof = D.artists.find((x) => x.id === a), b = el("button", S.artist[idx[0]] || a);
      b.addEventListener("click", () => showArtist(a));
      row(t, [b, idx.length, prof ? "stored" : "songs' mean"].concat(prof ? prof.profile : meanFeatures(idx)));
    });
    if (list.length > 200) row(t, ["… " + (list.length - 200) + " more artists (use the search box)"]);
  }

  /* ---- the elbow curve ---- */
  function elbow() {
    const cv = $("elbow"), ctx = cv.getContext("2d"), E = D.elbow;
    if (!E || !E.length) {
      cv.hidden = true;
      hint("elbowhint", ["No elbow curve given: run ", "dbload -d " + DB + " export | weight | elbow > elbow.tsv",
        " and write the report with ", "explore -e elbow.tsv", "."]);
      return;
    }
    const W = cv.width, H = cv.height, L = 60, B = 30, ks = E.map((e) => e[0]), vs = E.map((e) => e[1]);
    const k0 = Math.min(...ks), k1 = Math.max(...ks), v0 = Math.min(...vs), v1 = Math.max(...vs);
    const X = (k) => L + (W - L - 10) * (k - k0) / ((k1 - k0) || 1), Y = (v) => H - B - (H - B - 10) * (v - v0) / ((v1 - v0) || 1);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    ctx.strokeStyle = "#888"; ctx.beginPath(); ctx.moveTo(L, 5); ctx.lineTo(L, H - B); ctx.lineTo(W - 5, H - B); ctx.stroke();
    ctx.fillStyle = "#333"; ctx.font = "11px sans-serif";
    ks.forEach((k) => ctx.fillText(String(k), X(k) - 4, H - B + 14));
    ctx.fillText(fmt(v1), 2, Y(v1) + 4); ctx.fillText(fmt(v0), 2, Y(v0));
    ctx.fillText("k", W / 2, H - 3);
    ctx.strokeStyle = PALETTE[0]; ctx.lineWidth = 2; ctx.beginPath();
    E.forEach(([k, v], j) => (j ? ctx.lineTo(X(k), Y(v)) : ctx.moveTo(X(k), Y(v))));
    ctx.stroke();
    ctx.fillStyle = PALETTE[0];
    E.forEach(([k, v]) => { ctx.beginPath(); ctx.arc(X(k), Y(v), 3, 0, 2 * Math.PI); ctx.fill(); });
    cv.dataset.points = String(E.length);
  }

  /* ---- set-up ---- */
  function options(sel, items) {
    items.forEach(([v, t]) => { const o = el("option", t); o.value = String(v); sel.appendChild(o); });
  }
  function recolour() {
    applyColouring();
    legend();
    clusterTable();
    draw();
  }
  function init() {
    document.title = doc.title;
    $("title").textContent = doc.title;
    options($("mapsel"), D.maps.map((m, k) => [k, m.computed ? "PCA (computed, not stored)" : m.method]));
    const cols = D.colourings.map((c, k) => [k, c.kind === "predicted" ? c.name + " (predicted)" : c.name]);
    if (D.tags && D.tags.names.length) cols.push([-2, "MusiCNN tag"]);
    if (!cols.length) cols.push([-1, "none"]);
    options($("colour"), cols);
    if (D.tags) options($("tagsel"), D.tags.names.map((t, k) => [k, t]));
    st.map = D.maps.length ? 0 : -1;
    st.colouring = cols[0][0];
    const store = "dbload -d " + DB + " export | weight | map -M umap | dbload -d " + DB + " projections";
    if (D.maps.length && D.maps[0].computed)
      hint("maphint", ["No 2-D map is stored: the map shown is a PCA of the songs' vectors, computed " +
        "for this page and never stored. Store a UMAP or t-SNE map with ", store, " (or ", "map -M tsne",
        ") and write the report again."]);
    else if (!D.maps.length)
      hint("maphint", ["No 2-D map is stored yet: run ", store,
        " (or ", "pca -k 2", " instead of map) and write the report again."]);
    if (!D.neighbors)
      hint("nbhint", ["No neighbour lists are stored yet: run ",
        "dbload -d " + DB + " export | knn -k 10 | dbload -d " + DB + " neighbors", "."]);
    $("mapsel").addEventListener("change", (e) => { st.map = +e.target.value; project(); draw(); });
    $("colour").addEventListener("change", (e) => {
      st.colouring = +e.target.value;
      $("tagbox").hidden = st.colouring !== -2;
      recolour();
    });
    $("tagsel").addEventListener("change", (e) => { st.tag = +e.target.value; recolour(); });
    const cv = $("map");
    cv.addEventListener("mousemove", (e) => {
      const r = cv.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
      const i = nearest(x, y);
      if (i !== st.hover) { showHover(i, x, y); draw(); }
    });
    cv.addEventListener("mouseleave", () => { showHover(-1); draw(); });
    cv.addEventListener("click", (e) => {
      const r = cv.getBoundingClientRect(), i = nearest(e.clientX - r.left, e.clientY - r.top);
      if (i >= 0) select(i, true);
    });
    cv.addEventListener("keydown", onMapKey);
    $("search").addEventListener("input", (e) => search(e.target.value));
    $("search").addEventListener("keydown", onSearchKey);
    $("search").addEventListener("blur", () => { results = []; renderResults(); });
    window.addEventListener("resize", () => { project(); draw(); });
    $("tagbox").hidden = st.colouring !== -2;
    project();
    recolour();
    elbow();
    artistTable();
    st.ready = true;
    document.body.dataset.ready = "1";
  }
  init();
})();
