// Shared by the operator pages: the operator key (kept in this tab's sessionStorage only) and authorised fetches.
"use strict";

const Ops = (() => {
  const STORE = "headroom.operatorKey";

  function key() {
    return sessionStorage.getItem(STORE);
  }

  // Adds the key form to the page's header; calls onReady once a key is known (at once if the tab has one).
  function keyForm(onReady) {
    const input = el("input", {id: "key-input", type: "password", autocomplete: "off", size: "28"});
    const status = el("span", {id: "key-status", class: "empty"}, "none set");
    const form = el("form", {id: "key-form"}, el("label", {for: "key-input"}, "operator key"), input,
      el("button", {type: "submit"}, "use"), status);
    document.querySelector("header").append(form);
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
