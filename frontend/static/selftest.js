// The connectivity self-test: fetch each probe URL, show what worked, post the outcomes and show the server's verdict.
(function () {
  "use strict";
  const root = document.getElementById("selftest");
  if (!root) return;
  const rows = Array.from(root.querySelectorAll("tr[data-probe]"));
  const timeoutMs = Number(root.dataset.timeoutMs);
  const largeBytes = Number(root.dataset.largeBytes);
  const button = document.getElementById("selftest-start");
  const verdict = document.getElementById("selftest-verdict");

  async function fetched(name, url) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(url, {cache: "no-store", credentials: "omit", mode: "cors", signal: controller.signal});
      const body = await response.text();
      return response.ok && (name !== "large" || body.length === largeBytes);
    } catch (error) {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async function probe(row) {
    const cell = row.querySelector(".outcome");
    if (!row.dataset.url) {
      cell.textContent = root.dataset.notSetUp;
      return [row.dataset.probe, null];
    }
    cell.textContent = root.dataset.checking;
    const ok = await fetched(row.dataset.probe, row.dataset.url);
    cell.textContent = ok ? root.dataset.works : root.dataset.fails;
    cell.className = "outcome " + (ok ? "ok" : "bad");
    return [row.dataset.probe, ok];
  }

  async function run() {
    button.disabled = true;
    verdict.textContent = "";
    const outcomes = Object.fromEntries(await Promise.all(rows.map(probe)));
    try {
      const response = await fetch(root.dataset.resultUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf},
        body: JSON.stringify(outcomes),
      });
      if (!response.ok) throw new Error(String(response.status));
      // Rendered and escaped by the console; nothing of the page's own input is in it.
      verdict.innerHTML = await response.text();
    } catch (error) {
      verdict.textContent = root.dataset.notSaved;
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener("click", run);
  run();
})();
