// The emulator's dashboard: polls the admin API's state and redraws what changed. Everything the
// service received (prompts, paths) is put on the page as text, never as HTML.
"use strict";

(() => {
  const api = "/_emulator/v1/";
  const pollMs = 500;
  let lastText = "";

  const $ = (id) => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data-") || key.startsWith("aria-") || key === "title" || key === "alt" || key === "src" || key === "scope") node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  const time = (iso) => (iso ? iso.substring(11, 23) : "");
  const short = (id) => (id ? id.substring(0, 10) + "…" : "");

  async function send(method, path, body) {
    const response = await fetch(api + path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error(json && json.error ? `${json.error.message} (${json.error.code})` : `HTTP ${response.status}`);
    }
    return json;
  }

  function say(id, text, isError) {
    const node = $(id);
    node.textContent = text;
    node.classList.toggle("error", !!isError);
  }

  function replaceRows(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function renderAccounts(state) {
    replaceRows($("accounts").tBodies[0], state.accounts.map((a) =>
      el("tr", { "data-user-id": a.user_id },
        el("td", { class: "mono", title: a.user_id, text: short(a.user_id) }),
        el("td", { text: a.account_type }),
        el("td", { class: "num", "data-balance": "", text: String(a.credits) }),
        el("td", { class: "mono", text: a.keys.map((k) => k.hint + (k.revoked ? " (revoked)" : "")).join(", ") }))));
    const t = state.totals;
    $("totals").textContent = `Charged ${t.charged}, refunded ${t.refunded}, net ${t.net} credits; ${t.images_delivered} images; ${t.generation_requests} generation POSTs.`;
  }

  function renderFaults(state) {
    const list = $("pending-faults");
    const items = state.faults.data.map((f) =>
      el("li", { text: `${f.description} on ${f.endpoint || "any endpoint"} × ${f.remaining}` }));
    list.replaceChildren(...(items.length ? items : [el("li", { class: "empty", text: "None" })]));
  }

  function renderGenerations(state) {
    const list = $("generation-list");
    const items = state.generations.map((g) => {
      const thumbs = g.images.length
        ? g.images.map((image, i) => el("img", { src: image.url, alt: `Image ${i + 1} of ${g.images.length}: ${g.prompt}`, width: 64, height: 64, loading: "lazy" }))
        : [el("span", { class: "none", text: g.status === "failed" ? "no image" : "…" })];
      const history = g.history.map((h) => `${h.status} ${time(h.at)}`).join(" → ");
      return el("li", { class: "generation", "data-generation-id": g.id, "data-status": g.status },
        el("div", { class: "thumbs" }, thumbs),
        el("div", {},
          el("div", { class: "prompt", text: g.prompt }),
          el("div", { class: "meta" },
            el("span", { class: "badge " + g.status, text: g.status }),
            ` ${g.model}, ${g.quality}, ${g.aspect_ratio}, n=${g.n}${g.async ? ", async" : ""}; ${g.credits_charged || g.credits_requested} credits`),
          el("div", { class: "history", text: history }),
          el("div", { class: "meta mono", title: g.id, text: g.id })));
    });
    list.replaceChildren(...(items.length ? items : [el("li", { class: "empty", text: "No generation yet." })]));
  }

  function renderRequests(state) {
    replaceRows($("request-log").tBodies[0], state.requests.map((r) => {
      const status = r.status === null ? "dropped" : String(r.status);
      const charge = r.possibly_charged ? "possibly charged" : r.generation_id ? "charged" : "";
      return el("tr", { "data-sequence": String(r.sequence), "data-status": status, "data-method": r.method, "data-path": r.path },
        el("td", { class: "num", text: String(r.sequence) }),
        el("td", { class: "mono", text: time(r.at) }),
        el("td", { text: r.origin + (r.authorized && r.origin === "cdn" ? " (key sent!)" : "") }),
        el("td", { class: "mono request-path", text: `${r.method} ${r.path}` }),
        el("td", { class: "num" + (r.status === null || r.status >= 400 ? " status-error" : ""), text: status }),
        el("td", { class: "num", text: r.latency_ms.toFixed(1) }),
        el("td", { text: r.fault || "" }),
        el("td", { class: r.possibly_charged ? "flag" : "", text: charge, title: r.generation_id || undefined }));
    }));
  }

  function renderLedger(state) {
    replaceRows($("ledger-table").tBodies[0], state.ledger.slice().reverse().map((e) =>
      el("tr", { "data-kind": e.kind, "data-generation-id": e.generation_id || undefined },
        el("td", { class: "mono", text: time(e.at) }),
        el("td", { text: e.kind }),
        el("td", { class: "mono", title: e.user_id, text: short(e.user_id) }),
        el("td", { class: "num", text: (e.kind === "charge" ? "−" : "+") + e.credits }),
        el("td", { class: "num", text: String(e.balance_after) }),
        el("td", { class: "mono", title: e.generation_id || undefined, text: e.generation_id || "" }))));
  }

  async function poll() {
    try {
      const response = await fetch(api + "state", { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (text !== lastText) {
        lastText = text;
        const state = JSON.parse(text);
        $("api-address").textContent = state.api_address;
        $("cdn-address").textContent = state.cdn_address;
        renderAccounts(state);
        renderFaults(state);
        renderGenerations(state);
        renderRequests(state);
        renderLedger(state);
      }
      $("live").textContent = `Live, updated ${new Date().toLocaleTimeString()}`;
      $("live").classList.remove("stale");
    } catch (error) {
      $("live").textContent = `Not connected (${error.message}); retrying`;
      $("live").classList.add("stale");
    } finally {
      setTimeout(poll, pollMs);
    }
  }

  function showFieldsForKind() {
    const kind = $("fault-kind").value;
    for (const label of document.querySelectorAll("#fault-form label[data-for]")) {
      label.hidden = !label.dataset.for.split(" ").includes(kind);
    }
    // Generation outcomes apply to generations only.
    $("fault-endpoint").disabled = kind === "fail_generation" || kind === "fewer_images";
  }

  function faultFromForm() {
    const kind = $("fault-kind").value;
    const fault = { kind };
    const number = (id) => ($(id).value === "" ? undefined : Number($(id).value));
    const visible = (id) => !$(id).closest("label").hidden;
    if (!$("fault-endpoint").disabled && $("fault-endpoint").value) fault.endpoint = $("fault-endpoint").value;
    if (visible("fault-status")) fault.status = number("fault-status");
    if (visible("fault-error-code") && $("fault-error-code").value) fault.error_code = $("fault-error-code").value;
    if (visible("fault-retry-after") && $("fault-retry-after").value !== "") fault.retry_after_seconds = number("fault-retry-after");
    if (visible("fault-body")) fault.body = $("fault-body").value;
    if (visible("fault-delay")) fault.delay_ms = number("fault-delay");
    if (visible("fault-images")) fault.images_delivered = number("fault-images");
    if (visible("fault-after") && $("fault-after").checked) fault.after_processing = true;
    fault.count = number("fault-count") || 1;
    return fault;
  }

  async function inject(fault) {
    try {
      const result = await send("POST", "faults", fault);
      say("fault-result", `Injected ${fault.kind}${fault.status ? " " + fault.status : ""}; ${result.pending} pending.`);
      lastText = "";
    } catch (error) {
      say("fault-result", `Not injected: ${error.message}`, true);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("key-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const created = await send("POST", "keys", { credits: Number($("key-credits").value), account_type: $("key-account-type").value });
        say("key-result", `New key (shown once): ${created.api_key}`);
        $("key-result").dataset.apiKey = created.api_key;
        lastText = "";
      } catch (error) {
        say("key-result", `No key created: ${error.message}`, true);
      }
    });
    $("fault-form").addEventListener("submit", (event) => {
      event.preventDefault();
      inject(faultFromForm());
    });
    for (const button of document.querySelectorAll("button[data-fault]")) {
      button.addEventListener("click", () => inject(JSON.parse(button.dataset.fault)));
    }
    $("clear-faults").addEventListener("click", async () => {
      try {
        await send("DELETE", "faults");
        say("fault-result", "Every pending fault was cleared.");
        lastText = "";
      } catch (error) {
        say("fault-result", `Not cleared: ${error.message}`, true);
      }
    });
    $("fault-kind").addEventListener("change", showFieldsForKind);
    showFieldsForKind();
    poll();
  });
})();
