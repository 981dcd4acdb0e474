// The live dashboard: HTTP queries for the panels, one WebSocket (/v1/stream) for changes.
// The key and the account come from the page's fragment (#key=...&account=...), never
// from the query string, so they are not sent to the server in the URL or logged.
"use strict";
(() => {
  const hash = new URLSearchParams(location.hash.slice(1));
  const state = {
    key: hash.get("key") || sessionStorage.getItem("astratrade-key") || "",
    account: hash.get("account") || "",
    position: null, socket: null, revenue: true, timers: {},
  };
  const $ = (id) => document.getElementById(id);
  const text = (tag, content, cls) => {
    const node = document.createElement(tag);
    node.textContent = content;
    if (cls) node.className = cls;
    return node;
  };

  async function api(path) {
    const answer = await fetch(path, { headers: { Authorization: `Bearer ${state.key}` } });
    if (!answer.ok) throw Object.assign(new Error(path), { status: answer.status });
    return answer.json();
  }

  function later(name, action) { // coalesce bursts of pushes into one refresh
    clearTimeout(state.timers[name]);
    state.timers[name] = setTimeout(action, 50);
  }

  async function leaderboard() {
    const top = await api("/v1/leaderboards/xp-all-time?limit=10");
    $("leaderboard").replaceChildren(...top.rows.map((row) => {
      const tr = document.createElement("tr");
      tr.append(text("td", row.rank), text("td", row.user_id), text("td", row.score, "num"));
      return tr;
    }));
  }

  function draw(points) {
    const values = points.map((p) => Number(p.equity)); // drawing only: pixels, not money
    const low = Math.min(...values), high = Math.max(...values), span = high - low || 1;
    $("equity-line").setAttribute("points", values.map((v, i) =>
      `${(i / Math.max(1, values.length - 1)) * 400},${170 - ((v - low) / span) * 160}`).join(" "));
    $("equity-last").textContent = points.length ? points[points.length - 1].equity : "";
  }

  async function account() {
    if (!state.account) return;
    $("account-name").textContent = state.account;
    let view;
    try {
      view = await api(`/v1/dashboard/accounts/${encodeURIComponent(state.account)}`);
    } catch (error) {
      if (error.status !== 404) throw error;
      $("equity-last").textContent = "(no events yet)";
      return;
    }
    draw(view.equity);
    $("risk").replaceChildren(...view.risk_events.slice().reverse().map((e) =>
      text("li", `${e.occurred_at.slice(0, 19)} ${e.type} ${e.code || e.symbol || ""}`)));
  }

  async function revenue() {
    if (!state.revenue) return;
    try {
      const today = new Date().toISOString().slice(0, 10);
      const books = await api(`/v1/revenue?on=${today}`);
      $("revenue-summary").textContent = `MRR ${books.mrr} ${books.currency}, ARR ${books.arr}`;
      $("revenue").replaceChildren(...books.books.slice(-12).map((c) => {
        const tr = document.createElement("tr");
        tr.append(text("td", c.month), text("td", c.stream), text("td", c.amount, "num"));
        return tr;
      }));
    } catch (error) {
      if (error.status === 403) {
        state.revenue = false;
        $("revenue-summary").textContent = "revenue needs an operator's key";
      } else throw error;
    }
  }

  function describe(message) {
    const e = message.event;
    const detail = e.amount || e.quantity || e.code || e.score_a || "";
    return `#${message.position} ${message.channel} ${e.type} ${detail}`.trim();
  }

  function received(message) {
    if (message.type === "live") {
      state.position = message.position;
      $("status").textContent = "live";
      $("status").className = "live";
      return;
    }
    state.position = message.position;
    const feed = $("feed");
    feed.prepend(text("li", describe(message)));
    while (feed.children.length > 100) feed.lastChild.remove();
    if (message.channel === "leaderboard") later("leaderboard", leaderboard);
    else if (message.channel === "revenue") later("revenue", revenue);
    else if (message.channel.startsWith("account:")) later("account", account);
  }

  function connect() {
    const channels = ["leaderboard", "battles"];
    if (state.account) channels.push(`account:${state.account}`);
    if (state.revenue) channels.push("revenue");
    const from = state.position === null ? "" : `&from=${state.position}`;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(
      `${scheme}://${location.host}/v1/stream?channels=${channels.join(",")}${from}`);
    state.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ key: state.key }));
    socket.onmessage = (event) => received(JSON.parse(event.data));
    socket.onclose = (event) => {
      $("status").textContent = `reconnecting (${event.code})`;
      $("status").className = "";
      if (event.code !== 4401 && event.code !== 4403 && state.socket === socket) {
        setTimeout(connect, 1000);
      }
    };
  }

  async function start() {
    if (!state.key) { $("status").textContent = "enter an API key"; return; }
    sessionStorage.setItem("astratrade-key", state.key);
    await revenue();
    await Promise.all([leaderboard(), account()]);
    connect();
  }

  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    state.key = $("key").value || state.key;
    state.account = $("account").value || state.account;
    if (state.socket) { const old = state.socket; state.socket = null; old.close(); }
    start().catch((error) => { $("status").textContent = `error ${error.status || error}`; });
  });
  $("account").value = state.account;
  start().catch((error) => { $("status").textContent = `error ${error.status || error}`; });
})();
