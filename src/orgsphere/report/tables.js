// The report's tables: sort (click a column), filter, pages, and a CSV of what the table holds, built from the
// page itself. Progressive enhancement: without this script every table is complete, just not interactive.
"use strict";
(function () {
  const FORMULA = /^[=+\-@\t\r]/; // text a spreadsheet would run as a formula (as orgsphere's exports neutralise it)
  const squash = (s) => s.replace(/\s+/g, " ").trim();
  const cellText = (cell) => {
    if (cell.dataset.csv !== undefined) return cell.dataset.csv;
    const own = squash(cell.textContent);
    return own || Array.from(cell.querySelectorAll("[title]"), (e) => e.getAttribute("title")).join("; ");
  };
  const csvField = (value) => {
    const safe = FORMULA.test(value) ? "'" + value : value;
    return '"' + safe.replace(/"/g, '""') + '"';
  };
  const sortKey = (cell) => {
    if (cell.dataset.v !== undefined) return parseFloat(cell.dataset.v);
    return squash(cell.textContent);
  };

  function setup(box) {
    const table = box.querySelector("table");
    const tools = box.querySelector(".tools");
    if (!table || !tools || !table.tBodies.length) return;
    const body = table.tBodies[0];
    const size = parseInt(box.dataset.page, 10) || 25;
    let order = Array.from(body.rows);
    let shown = order;
    let page = 0;
    let paged = order.length > size;
    const search = tools.querySelector("input");
    const info = tools.querySelector(".info");
    const pager = tools.querySelector(".pager");

    function draw() {
      const pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.min(page, pages - 1);
      const visible = new Set(paged ? shown.slice(page * size, (page + 1) * size) : shown);
      order.forEach((row) => { row.hidden = !visible.has(row); });
      info.textContent = box.dataset.of.replace("{shown}", shown.length).replace("{total}", order.length)
        + (paged && pages > 1 ? " · " + box.dataset.pageOf.replace("{page}", page + 1).replace("{pages}", pages) : "");
      pager.querySelector(".prev").disabled = !paged || page === 0;
      pager.querySelector(".next").disabled = !paged || page >= pages - 1;
      pager.querySelector(".all").textContent = paged ? box.dataset.all : box.dataset.pages;
    }

    function filter() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      shown = order.filter((row) => {
        const text = row.textContent.toLowerCase();
        return words.every((w) => text.includes(w));
      });
      page = 0;
      draw();
    }

    table.tHead.querySelectorAll("th").forEach((th, col) => {
      th.addEventListener("click", () => {
        const down = th.getAttribute("aria-sort") !== "descending";
        table.tHead.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        order.sort((a, b) => {
          const x = sortKey(a.cells[col] || a), y = sortKey(b.cells[col] || b);
          const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return down ? -c : c;
        });
        order.forEach((row) => body.appendChild(row));
        filter();
      });
    });

    function download() {
      const head = Array.from(table.tHead.rows[table.tHead.rows.length - 1].cells, (c) => csvField(cellText(c)));
      const lines = [head.join(",")].concat(shown.map((row) => Array.from(row.cells, (c) => csvField(cellText(c))).join(",")));
      const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = box.dataset.csv;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    }

    search.addEventListener("input", filter);
    pager.querySelector(".prev").addEventListener("click", () => { page -= 1; draw(); });
    pager.querySelector(".next").addEventListener("click", () => { page += 1; draw(); });
    pager.querySelector(".all").addEventListener("click", () => { paged = !paged; page = 0; draw(); });
    tools.querySelector(".csv").addEventListener("click", download);
    const long = order.length > size;
    search.hidden = order.length <= 10;
    pager.hidden = !long;
    info.hidden = !long && order.length <= 10;
    tools.hidden = false;
    draw();
  }

  document.querySelectorAll("div.table[data-csv]").forEach(setup);
})();
