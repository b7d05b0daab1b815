// Shared by the operator pages: the operator key (kept in this tab's sessionStorage only) and authorised fetches.
"use strict";

const Ops = (() => {
  const STORE = "headroom.operatorKey";

  function key() {
    return sessionStorage.getItem(STORE);
  }

  // Wires the key form; calls onReady once a key is known (at once if the tab has one).
  function keyForm(onReady) {
    const form = document.getElementById("key-form");
    const input = document.getElementById("key-input");
    const status = document.getElementById("key-status");
    form.addEventListener("submit", ev => {
      ev.preventDefault();
      sessionStorage.setItem(STORE, input.value.trim());
      input.value = "";
      status.textContent = "key set";
      onReady();
    });
    if (key()) {
      status.textContent = "key set";
      onReady();
    }
  }

  // GET or POST with the operator key; resolves to the parsed JSON, rejects with the problem's detail.
  async function call(path, method = "GET") {
    const res = await fetch(path, {method, headers: {"Authorization": "Bearer " + key(), "Accept": "application/json"}});
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error(body.detail || (res.status + " " + res.statusText));
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
    return e;
  }

  function fmt(v, digits = 1) {
    return v == null ? "–" : Number(v).toFixed(digits);
  }

  return {key, keyForm, call, el, fmt};
})();
