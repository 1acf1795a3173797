// The preview page: fills itself from /api/issue/<name> and follows /events.
// Every value is written with textContent: nothing from an issue is ever parsed as HTML here.
"use strict";

const stem = decodeURIComponent(location.pathname.split("/")[2]);
const base = `/issue/${encodeURIComponent(stem)}/`;
const frames = { desktop: "email.html", phone: "email.html", dark: "email-dark.html" };
let shownGood = -1;
let latest = null;

function setText(id, value) {
  document.getElementById(id).textContent = value ?? "";
}

// A new element with `text` as its text: never parsed as HTML.
function textElement(tag, className, text) {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = text;
  return element;
}

function kilobytes(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

// Reload a frame in place, then put it back where the reader had scrolled to.
function reloadFrame(frame, url) {
  let x = 0, y = 0;
  try {
    x = frame.contentWindow.scrollX;
    y = frame.contentWindow.scrollY;
  } catch (error) { /* not loaded yet */ }
  frame.addEventListener("load", () => frame.contentWindow.scrollTo(x, y), { once: true });
  frame.src = url;
}

async function refreshText(version) {
  const response = await fetch(`${base}email.txt?v=${version}`, { cache: "no-store" });
  if (response.ok) {
    const pre = document.getElementById("text");
    const top = pre.scrollTop;
    pre.textContent = await response.text();
    pre.scrollTop = top;
  }
}

// What `compose check` finds in the last good build, errors first, each at its file:line:column.
function showFindings(state) {
  setText("findings-summary", state.findings_summary);
  document.getElementById("finding-list").replaceChildren(...state.findings.map((finding) => {
    const item = document.createElement("li");
    item.className = `finding ${finding.level}`;
    item.dataset.rule = finding.rule;
    item.append(
      textElement("span", "level", finding.level),
      " ",
      textElement("code", "where", finding.path),
      textElement("p", "message", finding.message),
    );
    return item;
  }));
  document.getElementById("findings").hidden = false;
}

async function refresh() {
  const response = await fetch(`/api/issue/${encodeURIComponent(stem)}`, { cache: "no-store" });
  if (!response.ok) return;
  const state = await response.json();
  if (latest && state.version < latest.version) return;  // an older answer that arrived late
  latest = state;
  const problems = document.getElementById("problems");
  const list = document.getElementById("problem-list");
  list.replaceChildren(...state.problems.map((line) => {
    const item = document.createElement("li");
    item.textContent = line;
    return item;
  }));
  problems.hidden = state.problems.length === 0;
  document.body.classList.toggle("stale", state.problems.length > 0);
  document.body.dataset.version = String(state.version);
  if (state.good_version === 0) return;  // nothing good to show yet
  showFindings(state);
  document.title = `${state.subject} · preview`;
  setText("sender", state.sender);
  setText("subject", state.subject);
  setText("preheader", state.preheader);
  // The issue's own words read in its language's direction, inside the page's English.
  for (const id of ["subject", "preheader"]) {
    const element = document.getElementById(id);
    element.lang = state.lang ?? "";
    element.dir = state.dir ?? "auto";
  }
  const share = state.html_bytes / state.gmail_limit;
  setText("size", `${kilobytes(state.html_bytes)} of Gmail's ${kilobytes(state.gmail_limit)}`);
  document.getElementById("size").classList.toggle("over", share > 1);
  document.getElementById("size-meter").value = Math.min(share, 1);
  setText("read-time", `Read time ${state.read_minutes} min`);
  if (state.good_version !== shownGood) {
    shownGood = state.good_version;
    const version = shownGood;
    // The desktop frame first: frames are parsed one at a time, and it is the one being read.
    const [first, ...others] = Object.entries(frames);
    const firstFrame = document.getElementById(first[0]);
    firstFrame.addEventListener("load", () => {
      if (version !== shownGood) return;  // a newer save has taken over
      for (const [id, part] of others) {
        reloadFrame(document.getElementById(id), `${base}${part}?v=${version}`);
      }
    }, { once: true });
    reloadFrame(firstFrame, `${base}${first[1]}?v=${version}`);
    await refreshText(version);
    document.body.dataset.shown = String(version);
  }
}

async function copy(part, label) {
  const response = await fetch(`${base}${part}`, { cache: "no-store" });
  try {
    await navigator.clipboard.writeText(await response.text());
    setText("copied", `${label} copied`);
  } catch (error) {
    setText("copied", `Could not copy: ${error.message}`);
  }
}

document.getElementById("copy-html").addEventListener("click", () => copy("email.html", "HTML"));
document.getElementById("copy-text").addEventListener("click", () => copy("email.txt", "Text"));
new EventSource("/events").onmessage = refresh;
refresh();
