// A self-contained endpoint list rendered from /openapi.json (no CDN, works offline).
"use strict";
(async function () {
  const root = document.getElementById("docs");
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };
  let spec;
  try { spec = await (await fetch("/openapi.json")).json(); } catch (err) { root.textContent = "cannot load /openapi.json: " + err; return; }
  root.textContent = "";
  root.append(el("h1", null, spec.info.title + " " + spec.info.version), el("p", "muted", spec.info.description || ""));
  const resolve = (s) => { if (s && s.$ref) { return spec.components.schemas[s.$ref.split("/").pop()]; } return s || {}; };
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const box = el("section", "card endpoint");
      const head = el("h3");
      head.append(el("span", "method " + method, method.toUpperCase()), el("code", null, path), el("span", "muted", " — " + (op.summary || "")));
      box.append(head);
      const params = op.parameters || [];
      if (params.length) {
        const t = el("table", "params");
        const hr = el("tr");
        hr.append(el("th", null, "parameter"), el("th", null, "in"), el("th", null, "type"), el("th", null, "description"));
        t.append(hr);
        for (const p of params) {
          const r = el("tr"); const s = p.schema || {};
          const type = s.type || (s.anyOf || []).map((x) => x.type).filter(Boolean).join(" | ");
          r.append(el("td", null, p.name + (p.required ? " *" : "")), el("td", null, p.in), el("td", null, type), el("td", null, p.description || s.description || ""));
          t.append(r);
        }
        box.append(t);
      }
      const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
      if (body) {
        let s = resolve(body.schema);
        if (s.anyOf) { s = resolve(s.anyOf.find((x) => x.$ref) || s.anyOf[0]); }
        const fields = Object.entries(s.properties || {}).map(([k, v]) => k + ((s.required || []).includes(k) ? " *" : "") + (v.description ? " — " + v.description : ""));
        box.append(el("p", null, "JSON body: "), el("pre", null, fields.join("\n")));
      }
      root.append(box);
    }
  }
  root.append(el("p", "muted", "Errors are JSON: {\"error\": {\"code\": \"E…\", \"message\": \"…\"}} with status 404 (unknown id), 409 (conflict), 422 (bad input)."));
})();
