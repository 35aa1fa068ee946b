// devstatic live reload client, served at {static_url}__devstatic__/reload.js.
//
// Listens to {static_url}__devstatic__/events. A changed stylesheet is swapped in place
// (a fresh <link> with a cache-busting query, the old one removed once the new one has
// loaded), so scroll position and form input survive; any other change reloads the page.
// With hashed URLs the event also carries `urls` (served path -> new URL, for the changed
// files and those renamed because they refer to one): a <link> whose href is an old
// hashed name of such a path gets the new URL instead (the old name is gone).
// When the stream drops (server restart, `uvicorn --reload`), it reconnects with backoff
// and reloads the page once the server answers again.
(() => {
  "use strict";
  if (window.__devstaticLiveReload) return; // the tag and injection may both add us
  // Visible state, for tests and the curious: is the event stream open right now?
  const state = (window.__devstaticLiveReload = { connected: false });

  const MARKER = "__devstatic__/reload.js";
  const script = document.currentScript;
  const src = script && script.src ? script.src : "";
  const at = src.lastIndexOf(MARKER);
  if (at < 0) return;
  const base = new URL(src.slice(0, at), location.href); // the static_url
  const eventsUrl = new URL("__devstatic__/events", base).href;

  const decode = (text) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const servedPathname = (path) =>
    decode(new URL(path.split("/").map(encodeURIComponent).join("/"), base).pathname);
  const linkPathname = (link) => {
    try {
      return decode(new URL(link.href, location.href).pathname);
    } catch {
      return "";
    }
  };

  // "css/app.0123456789ab.css" -> "css/app.css": the hash collectstatic puts before the
  // last extension (or at the end of a name without one).
  const HASHED = /\.[0-9a-f]{12}(?=(\.[^./]*)?$)/;
  const plainPathname = (pathname) => pathname.replace(HASHED, "");

  const stylesheets = () =>
    Array.from(document.querySelectorAll('link[rel~="stylesheet" i][href]')).filter(
      (link) => !link.dataset.devstaticStale,
    );

  function refresh(link, newUrl) {
    const url = new URL(newUrl || link.href, location.href);
    if (!newUrl) url.searchParams.set("devstatic", Date.now().toString(36));
    const next = link.cloneNode();
    next.href = url.href;
    link.dataset.devstaticStale = "1";
    const retire = () => link.remove();
    next.addEventListener("load", retire, { once: true });
    next.addEventListener("error", retire, { once: true });
    link.after(next);
  }

  function onChange(paths, urls) {
    const isCss = (path) => /\.css$/i.test(path);
    if (!paths.length || !paths.every(isCss)) {
      location.reload();
      return;
    }
    const links = stylesheets();
    const renamed = new Map(
      Object.entries(urls || {}).map(([path, url]) => [servedPathname(path), url]),
    );
    const moved = links.filter((link) => {
      const pathname = linkPathname(link);
      const url = renamed.get(plainPathname(pathname));
      return url !== undefined && pathname !== linkPathname({ href: url });
    });
    if (moved.length) {
      // Hashed names: exactly the linked stylesheets whose content changed got new names.
      moved.forEach((link) => refresh(link, renamed.get(plainPathname(linkPathname(link)))));
      document.dispatchEvent(new CustomEvent("devstatic:css", { detail: { paths } }));
      return;
    }
    const wanted = new Set(paths.map(servedPathname));
    const direct = links.filter((link) => wanted.has(linkPathname(link)));
    const linked = new Set(direct.map(linkPathname));
    // A stylesheet reached through @import (at any depth) is not linked itself: refresh
    // every linked stylesheet, which re-requests its imports.
    const all = [...wanted].every((path) => linked.has(path));
    (all ? direct : links).forEach(refresh);
    document.dispatchEvent(new CustomEvent("devstatic:css", { detail: { paths } }));
  }

  let delay = 100;
  let lost = false;

  function connect() {
    const source = new EventSource(eventsUrl);
    source.onopen = () => {
      state.connected = true;
      if (lost) {
        location.reload();
        return;
      }
      delay = 100;
    };
    source.onmessage = (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data && Array.isArray(data.paths)) onChange(data.paths, data.urls);
    };
    source.onerror = () => {
      state.connected = false;
      source.close();
      lost = true;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 1000);
    };
  }

  connect();
})();
