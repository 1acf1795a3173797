// The index of a folder of issues: newest first, each linking to its preview, with its problems
// or how many findings `compose check` has for it.
"use strict";

let requests = 0;

async function refresh() {
  const request = ++requests;
  const response = await fetch("/api/issues", { cache: "no-store" });
  const issues = await response.json();
  if (request !== requests) return;  // a newer listing is on its way
  document.getElementById("issues").replaceChildren(...issues.map((issue) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/issue/${encodeURIComponent(issue.stem)}/`;
    link.textContent = issue.title ? `${issue.date} — ${issue.title}` : issue.stem;
    item.append(link);
    if (issue.problems.length) {
      const note = document.createElement("span");
      note.className = "broken";
      note.textContent = ` (${issue.problems.length} problem${issue.problems.length === 1 ? "" : "s"})`;
      item.append(note);
    } else if (issue.good_version) {
      const note = document.createElement("span");
      note.className = issue.errors ? "counts has-errors" : "counts";
      note.textContent = ` (${issue.findings_summary})`;
      item.append(note);
    }
    return item;
  }));
}

new EventSource("/events").onmessage = refresh;
refresh();
